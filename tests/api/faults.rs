//! A company task that panics, and a database that fails mid-job: nothing is
//! left stuck, and the job ends (or goes on) with a reason.

use std::{path::Path, sync::Arc, time::Duration};

use async_trait::async_trait;
use sea_orm::{ConnectionTrait, DbBackend};
use territory_planner::server::{
    db::{self, companies, jobs},
    engine::{Engine, EngineSettings},
    fake_upstream::{FakeConfig, FakeUpstream},
    providers::{
        ChatRequest, ChatResponse, LlmProvider, ProviderError, llm::OpenAiCompatibleClient,
        retry::RetryPolicy, tavily::TavilyClient,
    },
    rubric_book::RubricBook,
    rubrics::Rubrics,
};

use crate::{
    engine::{V1_SAMPLE, new_job, rows, wait_finished, wait_finished_in},
    helpers::{TestDatabase, backends, spawn_app_with_fake},
};

/// The real LLM client, except that it panics for one company (a bug in a
/// provider, say).
struct PanicsFor {
    inner: OpenAiCompatibleClient,
    company: &'static str,
}

#[async_trait]
impl LlmProvider for PanicsFor {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        // The prompt names its company on its first line.
        if request
            .user
            .lines()
            .next()
            .unwrap_or_default()
            .contains(self.company)
        {
            panic!("a bug while asking about {}", self.company);
        }
        self.inner.chat(request).await
    }
}

#[tokio::test]
async fn a_company_whose_task_panics_fails_with_a_reason_and_the_job_ends() {
    for backend in backends() {
        let database = TestDatabase::new(backend).await;
        let conn = db::connect_and_migrate(&database.url).await.unwrap();
        let fake = FakeUpstream::start(FakeConfig::default(), None)
            .await
            .unwrap();
        let retry = RetryPolicy {
            max_retries: 0,
            min_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(10),
        };
        let timeout = Duration::from_secs(10);
        let engine = Engine::new(
            conn.clone(),
            Arc::new(TavilyClient::new(&fake.search_url(), None, timeout, retry)),
            Arc::new(PanicsFor {
                inner: OpenAiCompatibleClient::new(&fake.llm_url(), None, "m", timeout, retry),
                company: "Cohere",
            }),
            RubricBook::seeded(conn.clone(), &Rubrics::load(Path::new("rubrics")).unwrap())
                .await
                .unwrap(),
            EngineSettings {
                lease: Duration::from_secs(1),
                ..EngineSettings::default()
            },
        );
        let job = engine
            .submit(new_job("iaas", &["Cohere", "Anthropic", "Cursor"]))
            .await
            .unwrap();
        let finished = wait_finished_in(&conn, job.id, Duration::from_secs(20)).await;
        assert_eq!(finished.status, "completed", "{backend:?}");
        let rows = companies::for_job(&conn, job.id).await.unwrap();
        for row in &rows {
            if row.name == "Cohere" {
                assert_eq!(row.status, "failed");
                let message = row.error_message.as_deref().unwrap_or_default();
                assert!(
                    message.contains("internal error") && message.contains("Retry"),
                    "{message}"
                );
            } else {
                assert_eq!(row.status, "completed", "{}", row.name);
            }
        }
        assert_eq!(
            (finished.completed_companies, finished.failed_companies),
            (2, 1)
        );
    }
}

/// Makes every update of a company fail in the database itself, until undone.
async fn break_company_writes(db: &impl ConnectionTrait) {
    let statements: &[&str] = match db.get_database_backend() {
        DbBackend::Postgres => &[
            "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse BEFORE UPDATE ON companies FOR EACH ROW EXECUTE FUNCTION refuse()",
        ],
        _ => &[
            "CREATE TRIGGER refuse BEFORE UPDATE ON companies BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
        ],
    };
    for sql in statements {
        db.execute_unprepared(sql).await.unwrap();
    }
}

async fn mend_company_writes(db: &impl ConnectionTrait) {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "DROP TRIGGER refuse ON companies",
        _ => "DROP TRIGGER refuse",
    };
    db.execute_unprepared(sql).await.unwrap();
}

#[tokio::test]
async fn a_database_failure_mid_job_leaves_nothing_stuck() {
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig {
                search_latency: (Duration::from_millis(20), Duration::from_millis(60)),
                llm_latency: (Duration::from_millis(20), Duration::from_millis(60)),
                ..FakeConfig::default()
            },
            &[
                ("JOB_LEASE_SECS", "1"),
                ("LLM_CONCURRENCY", "3"),
                ("SEARCH_CONCURRENCY", "3"),
            ],
        )
        .await;
        let job = app
            .state
            .engine
            .submit(new_job("iaas", &V1_SAMPLE))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        break_company_writes(&app.state.db).await;
        // Every claim, stage and result write fails for two leases.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let during = jobs::find(&app.state.db, job.id).await.unwrap().unwrap();
        assert_eq!(
            during.status, "running",
            "{backend:?}: not failed by a passing fault"
        );
        mend_company_writes(&app.state.db).await;

        let finished = wait_finished(&app, job.id, Duration::from_secs(30)).await;
        assert_eq!(finished.status, "completed", "{backend:?}");
        let rows = rows(&app, job.id).await;
        assert!(
            rows.iter().all(|c| c.status == "completed"),
            "{:?}",
            rows.iter()
                .map(|c| (&c.name, &c.status))
                .collect::<Vec<_>>()
        );
        assert_eq!(finished.completed_companies, V1_SAMPLE.len() as i32);
        // The job can be retried (nothing to do) and deleted: nothing holds it.
        app.state.engine.retry(job.id, false).await.unwrap();
        let again = wait_finished(&app, job.id, Duration::from_secs(10)).await;
        assert_eq!(again.status, "completed");
        jobs::delete(&app.state.db, job.id).await.unwrap();
    }
}
