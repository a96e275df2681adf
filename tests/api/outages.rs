//! Upstream outages cost nothing twice: a model that fails is an upstream
//! failure (never "unverified", never a second search), a run of them pauses
//! the job naming the provider and its status, and the resume (by itself
//! after the back-off, or by a click) starts from the research kept.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use territory_planner::{
    domain::{job::JobStatus, kept::KeptResearch},
    server::{
        db::{entities::job, jobs},
        fake_upstream::FakeConfig,
    },
};

use crate::{
    engine::{V1_SAMPLE, rows, submit, wait_finished},
    helpers::{TestApp, backends, spawn_app_with_fake},
};

/// Waits until the job is paused, for at most 30 s.
async fn wait_paused(app: &TestApp, job_id: i32) -> job::Model {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let job = jobs::find(&app.state.db, job_id).await.unwrap().unwrap();
        if job.status == JobStatus::Paused.as_str() {
            return job;
        }
        assert!(
            !JobStatus::parse(&job.status).is_some_and(JobStatus::is_finished),
            "the job ended ({}) instead of pausing: {:?}",
            job.status,
            job.error_message
        );
        assert!(
            tokio::time::Instant::now() < deadline,
            "job {job_id} did not pause"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn assert_one_search_each(app: &TestApp, names: &[&str]) {
    let fake = app.fake.as_ref().unwrap();
    for name in names {
        assert_eq!(fake.calls_for(name).searches, 1, "{name} searched again");
    }
}

#[tokio::test]
async fn an_llm_outage_pauses_the_job_naming_the_provider_and_it_resumes_by_itself_without_searching_again()
 {
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig::default(),
            &[
                ("OUTAGE_PAUSE_AFTER", "3"),
                ("OUTAGE_BACKOFF_SECS", "0.5"),
                ("UPSTREAM_RETRIES", "1"),
                ("SEARCH_CONCURRENCY", "4"),
                ("LLM_CONCURRENCY", "2"),
            ],
        )
        .await;
        let fake = app.fake.as_ref().unwrap();
        fake.set_outage(&["*"]);
        let job_id = submit(&app, "iaas", &V1_SAMPLE).await;
        let paused = wait_paused(&app, job_id).await;
        let message = paused.error_message.clone().unwrap_or_default();
        assert!(
            message.contains("the LLM endpoint answered HTTP 503")
                && message.contains("3 companies in a row")
                && message.contains("Resume now"),
            "{backend:?}: {message}"
        );
        assert!(paused.resume_at.is_some());
        let now = rows(&app, job_id).await;
        assert!(
            now.iter().all(|c| c.review.is_none()),
            "a model outage marks no company as unverified"
        );
        assert!(
            now.iter()
                .filter(|c| c.status == "failed" || c.status == "pending")
                .all(|c| fake.calls_for(&c.name).searches <= 1),
            "no second search during the outage"
        );
        // The outage ends; the job resumes by itself after its back-off.
        fake.set_outage(&[]);
        let job = wait_finished(&app, job_id, Duration::from_secs(60)).await;
        assert_eq!(
            job.status, "completed",
            "{backend:?}: {:?}",
            job.error_message
        );
        assert_eq!(job.completed_companies, V1_SAMPLE.len() as i32);
        assert!(job.outage_pauses >= 1);
        assert_eq!(job.error_message, None);
        assert_one_search_each(&app, &V1_SAMPLE);
        assert!(
            rows(&app, job_id)
                .await
                .iter()
                .all(|c| c.kept_evidence.is_none()),
            "scored companies keep no research beside their result"
        );
    }
}

#[tokio::test]
async fn resume_now_ends_a_pause_before_its_back_off_and_is_refused_for_a_job_that_is_not_paused() {
    for backend in backends() {
        let app = spawn_app_with_fake(
            backend,
            FakeConfig::default(),
            &[
                ("OUTAGE_PAUSE_AFTER", "2"),
                ("OUTAGE_BACKOFF_SECS", "3600"),
                ("UPSTREAM_RETRIES", "0"),
            ],
        )
        .await;
        let fake = app.fake.as_ref().unwrap();
        fake.set_outage(&["*"]);
        let names = &V1_SAMPLE[..6];
        let job_id = submit(&app, "iaas", names).await;
        wait_paused(&app, job_id).await;
        // Nothing happens by itself within the hour.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let job = jobs::find(&app.state.db, job_id).await.unwrap().unwrap();
        assert_eq!(job.status, "paused");

        // Priced first: what was searched already is not bought again.
        let (status, plan) = app
            .call(Method::GET, &format!("/api/jobs/{job_id}/retry-plan"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let searched = names
            .iter()
            .filter(|n| fake.calls_for(n).searches == 1)
            .count() as u64;
        let to_run = plan["estimate"]["companies"].as_u64().unwrap();
        let to_search = plan["estimate"]["to_research"].as_u64().unwrap();
        assert_eq!(to_run, names.len() as u64, "{plan}");
        assert_eq!(to_search, names.len() as u64 - searched, "{plan}");

        fake.set_outage(&[]);
        let (status, body) = app
            .call(Method::POST, &format!("/api/jobs/{job_id}/resume"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let job = wait_finished(&app, job_id, Duration::from_secs(30)).await;
        assert_eq!(job.status, "completed", "{backend:?}");
        assert_one_search_each(&app, names);

        let (status, body) = app
            .call(Method::POST, &format!("/api/jobs/{job_id}/resume"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.to_string().contains("not paused"), "says why: {body}");
    }
}

#[tokio::test]
async fn a_retry_after_a_model_failure_starts_from_the_research_it_kept() {
    for backend in backends() {
        // No cache and no breaker: only the research kept on the row can spare the searches.
        let app = spawn_app_with_fake(
            backend,
            FakeConfig::default(),
            &[
                ("OUTAGE_PAUSE_AFTER", "0"),
                ("CACHE_ENABLED", "false"),
                ("UPSTREAM_RETRIES", "0"),
            ],
        )
        .await;
        let fake = app.fake.as_ref().unwrap();
        // Anthropic's check fails; Cohere is verified, then its scoring fails.
        fake.set_outage(&["Anthropic", "scoring:Cohere"]);
        let names = ["Anthropic", "Cohere", "Modal"];
        let job_id = submit(&app, "iaas", &names).await;
        let job = wait_finished(&app, job_id, Duration::from_secs(30)).await;
        assert_eq!(job.status, "completed");
        assert_eq!((job.completed_companies, job.failed_companies), (1, 2));
        let found = rows(&app, job_id).await;
        for name in ["Anthropic", "Cohere"] {
            let row = found.iter().find(|c| c.name == name).unwrap();
            assert_eq!(row.status, "failed");
            assert_eq!(
                row.review, None,
                "{name} is a transient failure, not unverified"
            );
            let message = row.error_message.clone().unwrap();
            assert!(message.contains("HTTP 503"), "{message}");
            let kept = KeptResearch::from_json(row.kept_evidence.clone())
                .unwrap_or_else(|| panic!("{name} keeps the research it paid for"));
            assert_eq!(kept.verified.is_some(), name == "Cohere");
        }
        assert_eq!(fake.calls_for("Anthropic").validations, 0);
        assert_eq!(fake.calls_for("Cohere").validations, 1);

        fake.set_outage(&[]);
        app.state.engine.retry(job_id, false).await.unwrap();
        let job = wait_finished(&app, job_id, Duration::from_secs(30)).await;
        assert_eq!(job.completed_companies, 3, "{backend:?}");
        assert_one_search_each(&app, &names);
        // Cohere's verdict was kept: its retry only scores.
        assert_eq!(fake.calls_for("Cohere").validations, 1);
        assert_eq!(fake.calls_for("Anthropic").validations, 1);

        // A fresh re-run means fresh research: it searches again.
        app.state.engine.retry(job_id, true).await.unwrap();
        wait_finished(&app, job_id, Duration::from_secs(30)).await;
        assert_eq!(fake.calls_for("Anthropic").searches, 2);
    }
}
