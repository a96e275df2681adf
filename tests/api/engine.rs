//! The research engine end to end, over real HTTP against the fake upstream.

use std::time::Duration;

use territory_planner::{
    domain::{
        company_name::CompanyName,
        job::{CompanyStatus, JobStatus},
        rubric::PriorityTier,
    },
    server::{
        db::{
            companies,
            entities::{company, job},
            jobs::{self, NewCompany, NewJob},
        },
        fake_upstream::{FakeConfig, Faults},
    },
};

use crate::helpers::{TestApp, backends, spawn_app_with_fake};

pub const V1_SAMPLE: [&str; 20] = [
    "Cursor",
    "Perplexity AI",
    "Together AI",
    "Fireworks AI",
    "Anthropic",
    "Cohere",
    "Mistral AI",
    "Character.ai",
    "Harvey AI",
    "Replicate",
    "Modal",
    "Anyscale",
    "Scale AI",
    "Hugging Face",
    "Stability AI",
    "Runway",
    "Midjourney",
    "ElevenLabs",
    "Jasper",
    "Copy.ai",
];
pub const V1_FAILURE_CASES: [&str; 5] = [
    "RoboForce",
    "UserGems 💎",
    "11x",
    "stealthium.io",
    "led321.com",
];

pub fn new_job(target: &str, names: &[&str]) -> NewJob {
    NewJob {
        budget_usd: None,
        previous_job_id: None,
        scheduled: None,
        rubric_version: None,
        scoring_only: false,
        owner_id: None,
        name: "test job".into(),
        target_type: target.into(),
        submitted_by: "tests".into(),
        original_filename: None,
        refresh_cache: false,
        companies: names
            .iter()
            .map(|n| NewCompany::new(CompanyName::parse(n).unwrap(), None))
            .collect(),
    }
}

pub async fn submit(app: &TestApp, target: &str, names: &[&str]) -> i32 {
    app.state
        .engine
        .submit(new_job(target, names))
        .await
        .expect("job submitted")
        .id
}

pub async fn wait_finished(app: &TestApp, job_id: i32, limit: Duration) -> job::Model {
    wait_finished_in(&app.state.db, job_id, limit).await
}

/// Waits until the job in `db` has finished, for at most `limit`.
pub async fn wait_finished_in(
    db: &sea_orm::DatabaseConnection,
    job_id: i32,
    limit: Duration,
) -> job::Model {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let job = jobs::find(db, job_id).await.unwrap().unwrap();
        if JobStatus::parse(&job.status).is_some_and(JobStatus::is_finished) {
            return job;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job {job_id} still {} after {limit:?}",
            job.status
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn rows(app: &TestApp, job_id: i32) -> Vec<company::Model> {
    companies::for_job(&app.state.db, job_id).await.unwrap()
}

fn by_name<'a>(rows: &'a [company::Model], name: &str) -> &'a company::Model {
    rows.iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("{name} missing"))
}

/// Every company ended, with a reason when it did not complete.
fn assert_all_settled(rows: &[company::Model]) {
    for c in rows {
        let status = CompanyStatus::parse(&c.status).unwrap();
        assert!(status.is_finished(), "{} is still {}", c.name, c.status);
        assert_eq!(c.stage, "done", "{}", c.name);
        if status != CompanyStatus::Completed {
            assert!(
                c.error_message.as_deref().is_some_and(|m| m.len() > 10),
                "{} has no reason",
                c.name
            );
        }
    }
}

/// Points, totals and tiers follow the rubric tables.
async fn assert_scores_follow_the_rubric(app: &TestApp, target: &str, rows: &[company::Model]) {
    let version = app
        .state
        .engine
        .rubrics()
        .latest(target)
        .await
        .unwrap()
        .unwrap();
    let rubric = &version.rubric;
    for c in rows.iter().filter(|c| c.status == "completed") {
        let tier = c.use_case_tier.as_deref().unwrap();
        let points = rubric.criteria.use_case.option(tier).unwrap().points as i32;
        assert_eq!(c.score_use_case, Some(points), "{}", c.name);
        let sum = c.score_use_case.unwrap()
            + c.score_scale_budget.unwrap()
            + c.score_growth.unwrap()
            + c.score_confidence.unwrap();
        assert_eq!(c.score_total, Some(sum), "{}", c.name);
        assert!(sum <= 100);
        let expected = rubric.priority_for(sum as u32);
        assert_eq!(
            c.priority_tier.as_deref(),
            Some(expected.as_str()),
            "{}",
            c.name
        );
        assert_eq!(
            c.recommended_action.as_deref(),
            Some(rubric.action_for(expected))
        );
        assert!(c.validation_confidence.unwrap() >= 0.6, "{}", c.name);
        let sources = c.sources.as_ref().unwrap().as_array().unwrap();
        assert!(!sources.is_empty(), "{} has no sources", c.name);
    }
}

#[tokio::test]
async fn v1s_sample_and_failure_cases_run_end_to_end() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let mut names: Vec<&str> = V1_SAMPLE.to_vec();
        names.extend(V1_FAILURE_CASES);
        names.extend([
            "jomspar.com",
            "ACME Corporation Fake Company",
            "Suburbia Fulfillment, LLC",
        ]);
        let job_id = submit(&app, "iaas", &names).await;
        let job = wait_finished(&app, job_id, Duration::from_secs(60)).await;
        assert_eq!(job.status, "completed", "{backend:?}");
        let rows = rows(&app, job_id).await;
        assert_all_settled(&rows);
        assert_scores_follow_the_rubric(&app, "iaas", &rows).await;

        let fake = app.fake.as_ref().unwrap();
        for fake_company in [
            "stealthium.io",
            "led321.com",
            "jomspar.com",
            "ACME Corporation Fake Company",
        ] {
            let row = by_name(&rows, fake_company);
            assert_eq!(row.status, "failed", "{fake_company}");
            let message = row.error_message.as_deref().unwrap();
            assert!(message.contains("do not describe"), "{message}");
            assert_eq!(row.validation_valid, Some(false));
            assert_eq!(
                fake.calls_for(fake_company).scorings,
                0,
                "{fake_company} must not be scored"
            );
            assert_eq!(
                fake.calls_for(fake_company).searches,
                2,
                "{fake_company}: a refined second search"
            );
            assert_eq!(row.score_total, None);
        }
        for sample in V1_SAMPLE {
            assert_eq!(by_name(&rows, sample).status, "completed", "{sample}");
        }
        let anthropic = by_name(&rows, "Anthropic");
        assert_eq!(
            (anthropic.use_case_tier.as_deref(), anthropic.score_total),
            (Some("S"), Some(100))
        );
        assert_eq!(
            anthropic.priority_tier.as_deref(),
            Some(PriorityTier::Hot.as_str())
        );
        let suburbia = by_name(&rows, "Suburbia Fulfillment, LLC");
        assert_eq!(suburbia.use_case_tier.as_deref(), Some("E"));
        assert_eq!(suburbia.priority_tier.as_deref(), Some("COLD"));
        assert_eq!(by_name(&rows, "UserGems 💎").status, "completed");

        // The job's totals are the sums of what its companies really spent.
        assert_eq!(job.total_companies, names.len() as i32);
        assert_eq!(
            job.completed_companies + job.failed_companies,
            names.len() as i32
        );
        let credits: f64 = rows.iter().map(|c| c.tavily_credits).sum();
        assert_eq!(job.tavily_credits, credits);
        assert_eq!(credits, 2.0 * fake.stats().total.searches as f64);
        let scoring_tokens: i64 = rows.iter().map(|c| c.scoring_prompt_tokens).sum();
        assert_eq!(job.scoring_prompt_tokens, scoring_tokens);
        assert!(job.cost_usd > 0.0 && job.started_at.is_some() && job.completed_at.is_some());
    }
}

#[tokio::test]
async fn the_managed_inference_rubric_scores_with_its_own_tables() {
    let app =
        spawn_app_with_fake(crate::helpers::Backend::Sqlite, FakeConfig::default(), &[]).await;
    let job_id = submit(
        &app,
        "managed_inference",
        &["Harvey AI", "Together AI", "Gong"],
    )
    .await;
    wait_finished(&app, job_id, Duration::from_secs(30)).await;
    let rows = rows(&app, job_id).await;
    assert_all_settled(&rows);
    assert_scores_follow_the_rubric(&app, "managed_inference", &rows).await;
    let harvey = by_name(&rows, "Harvey AI");
    assert_eq!(
        harvey.score_scale_budget,
        Some(30),
        "confirmed managed provider"
    );
}

#[tokio::test]
async fn same_name_companies_need_a_website_and_get_told_so() {
    let app =
        spawn_app_with_fake(crate::helpers::Backend::Sqlite, FakeConfig::default(), &[]).await;
    let mut job = new_job("iaas", &["Mercury", "Mercury"]);
    job.companies[1].website = Some("https://mercurylabs.ai".into());
    let job_id = app.state.engine.submit(job).await.unwrap().id;
    wait_finished(&app, job_id, Duration::from_secs(30)).await;
    let rows = rows(&app, job_id).await;
    assert_eq!(rows[0].status, "failed");
    assert_eq!(rows[0].review.as_deref(), Some("ambiguous"));
    let message = rows[0].error_message.as_deref().unwrap();
    assert!(
        message.contains("Give its website") && message.contains("mercurylabs.ai"),
        "{message}"
    );
    assert_eq!(rows[1].status, "completed");
    assert_eq!(rows[1].review, None, "the website settled the name");
    assert_eq!(rows[1].use_case_tier.as_deref(), Some("D"));
}

#[tokio::test]
async fn every_fault_kind_ends_each_company_completed_or_failed() {
    let faults = Faults {
        rate_429: 0.08,
        rate_500: 0.08,
        rate_timeout: 0.05,
        rate_malformed: 0.08,
        rate_garbage: 0.1,
        retry_after_secs: 0.05,
        hang: Duration::from_millis(1500),
    };
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig {
                faults: faults.clone(),
                ..FakeConfig::default()
            },
            &[
                ("SEARCH_TIMEOUT_SECS", "0.5"),
                ("LLM_TIMEOUT_SECS", "0.5"),
                ("UPSTREAM_RETRIES", "2"),
            ],
        )
        .await;
        let mut names: Vec<&str> = V1_SAMPLE.to_vec();
        names.extend(V1_FAILURE_CASES);
        let job_id = submit(&app, "iaas", &names).await;
        let job = wait_finished(&app, job_id, Duration::from_secs(120)).await;
        assert_eq!(job.status, "completed");
        let rows = rows(&app, job_id).await;
        assert_all_settled(&rows);
        assert_scores_follow_the_rubric(&app, "iaas", &rows).await;
        let fake = app.fake.as_ref().unwrap();
        assert!(
            fake.stats().faults_injected > 5,
            "faults were injected: {:?}",
            fake.stats().faults_injected
        );
        let completed = rows.iter().filter(|c| c.status == "completed").count();
        assert!(
            completed >= 15,
            "retries absorb most faults: {completed} of 25 completed"
        );
    }
}

#[tokio::test]
async fn oversized_requests_shrink_the_evidence_not_the_instructions() {
    let app = spawn_app_with_fake(
        crate::helpers::Backend::Sqlite,
        FakeConfig {
            max_llm_request_bytes: Some(16_000),
            ..FakeConfig::default()
        },
        &[("EVIDENCE_BUDGET_CHARS", "40000")],
    )
    .await;
    let job_id = submit(&app, "iaas", &["Anthropic", "Cohere"]).await;
    wait_finished(&app, job_id, Duration::from_secs(30)).await;
    let rows = rows(&app, job_id).await;
    for c in &rows {
        assert_eq!(c.status, "completed", "{:?}", c.error_message);
        assert_eq!(c.use_case_tier.as_deref(), Some("S"));
    }
}

#[tokio::test]
async fn a_rejected_key_stops_the_job_fast_with_a_clear_message() {
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig {
                required_key: Some("the-right-key".into()),
                ..FakeConfig::default()
            },
            &[
                ("TAVILY_API_KEY", "a-wrong-key"),
                ("LLM_API_KEY", "a-wrong-key"),
                ("SEARCH_CONCURRENCY", "2"),
            ],
        )
        .await;
        let job_id = submit(&app, "iaas", &V1_SAMPLE).await;
        let job = wait_finished(&app, job_id, Duration::from_secs(20)).await;
        assert_eq!(job.status, "failed");
        let message = job.error_message.unwrap();
        assert!(
            message.contains("rejected the API key") && message.contains("TAVILY_API_KEY"),
            "{message}"
        );
        assert!(!message.contains("a-wrong-key"));
        let rows = rows(&app, job_id).await;
        assert!(
            rows.iter().all(|c| c.status == "pending"),
            "companies wait for a retry, none failed one by one"
        );
        assert_eq!(job.failed_companies, 0);
    }
}

#[tokio::test]
async fn tavily_s_credit_limit_stops_the_job_like_a_bad_key_and_a_retry_resumes_it() {
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig::default(),
            &[("SEARCH_CONCURRENCY", "2")],
        )
        .await;
        let fake = app.fake.as_ref().unwrap();
        fake.set_quota_spent(true);
        let job_id = submit(&app, "iaas", &V1_SAMPLE).await;
        let job = wait_finished(&app, job_id, Duration::from_secs(20)).await;
        assert_eq!(job.status, "failed", "{backend:?}");
        let message = job.error_message.unwrap();
        assert!(
            message.contains("credit limit") && message.contains("HTTP 432"),
            "{message}"
        );
        let rows = rows(&app, job_id).await;
        assert!(
            rows.iter().all(|c| c.status == "pending"),
            "companies wait for a retry, none failed one by one"
        );
        assert_eq!(
            fake.stats().total.searches,
            0,
            "a refused search is not counted"
        );
        fake.set_quota_spent(false);
        app.state.engine.retry(job_id, false).await.unwrap();
        let job = wait_finished(&app, job_id, Duration::from_secs(30)).await;
        assert_eq!(job.status, "completed", "{backend:?}");
        assert_eq!(job.completed_companies, V1_SAMPLE.len() as i32);
    }
}

#[tokio::test]
async fn cancel_keeps_finished_results_and_leaves_nothing_in_flight() {
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig {
                search_latency: (Duration::from_millis(100), Duration::from_millis(200)),
                llm_latency: (Duration::from_millis(100), Duration::from_millis(200)),
                ..FakeConfig::default()
            },
            &[("SEARCH_CONCURRENCY", "2"), ("LLM_CONCURRENCY", "1")],
        )
        .await;
        let job_id = submit(&app, "iaas", &V1_SAMPLE).await;
        loop {
            let job = jobs::find(&app.state.db, job_id).await.unwrap().unwrap();
            if job.completed_companies >= 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        app.state.engine.cancel(job_id).await.unwrap();
        let job = wait_finished(&app, job_id, Duration::from_secs(20)).await;
        assert_eq!(job.status, "cancelled");
        let rows = rows(&app, job_id).await;
        assert_all_settled(&rows);
        let completed = rows.iter().filter(|c| c.status == "completed").count();
        let cancelled = rows.iter().filter(|c| c.status == "cancelled").count();
        assert!(
            completed >= 1 && cancelled >= 10,
            "completed {completed}, cancelled {cancelled}"
        );
        assert!(
            rows.iter()
                .filter(|c| c.status == "completed")
                .all(|c| c.score_total.is_some())
        );
    }
}

#[tokio::test]
async fn retry_reruns_only_failed_and_unfinished_companies() {
    let app =
        spawn_app_with_fake(crate::helpers::Backend::Sqlite, FakeConfig::default(), &[]).await;
    let fake = app.fake.as_ref().unwrap();
    // The model is down for Cohere: it fails for a reason a retry can fix.
    fake.set_outage(&["Cohere"]);
    let job_id = submit(&app, "iaas", &["Anthropic", "Cohere"]).await;
    wait_finished(&app, job_id, Duration::from_secs(30)).await;
    assert_eq!(fake.calls_for("Anthropic").scorings, 1);
    fake.set_outage(&[]);
    let requeued = app.state.engine.retry(job_id, false).await.unwrap();
    assert_eq!(requeued, 1);
    let job = wait_finished(&app, job_id, Duration::from_secs(30)).await;
    assert_eq!(job.status, "completed");
    assert_eq!(
        fake.calls_for("Anthropic").searches,
        1,
        "the completed company is not researched again"
    );
    assert_eq!(
        fake.calls_for("Cohere").searches,
        1,
        "the retry starts from the research the failed attempt paid for"
    );
    let rows = rows(&app, job_id).await;
    assert_eq!(by_name(&rows, "Cohere").status, "completed");
    assert_eq!(
        (
            by_name(&rows, "Cohere").tavily_credits,
            by_name(&rows, "Cohere").search_attempts
        ),
        (2.0, 1),
        "spend adds up across runs, without a second search"
    );
    assert_eq!(job.tavily_credits, 4.0);
}
