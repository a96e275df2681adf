//! The review queue and a person's corrections, over the REST API on both
//! databases, with the fake upstream's call counts: an ambiguous name waits
//! without a second search until a website settles it; a near-threshold
//! company is scored and accepted; "not a company" ends it unranked; a
//! retry re-runs only transient failures.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use territory_planner::server::{
    db::entities::{audit_entry, cache_entry},
    fake_upstream::FakeConfig,
};

use crate::{
    engine::{rows, submit, wait_finished},
    helpers::{Backend, TestApp, backends, spawn_app_with_fake},
};

const WAIT: Duration = Duration::from_secs(60);

pub(crate) async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app.client.request(method, app.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn finished(app: &TestApp, job: i32) -> Value {
    wait_finished(app, job, WAIT).await;
    app.get_json(&format!("/api/jobs/{job}")).await
}

pub(crate) fn company<'a>(detail: &'a Value, name: &str) -> &'a Value {
    detail["companies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {detail}"))
}

pub(crate) fn id_of(detail: &Value, name: &str) -> i64 {
    company(detail, name)["id"].as_i64().unwrap()
}

fn calls(app: &TestApp, name: &str) -> (u64, u64, u64) {
    let c = app.fake.as_ref().unwrap().calls_for(name);
    (c.searches, c.validations, c.scorings)
}

#[tokio::test]
async fn an_ambiguous_name_waits_in_review_until_a_website_settles_it() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let job = submit(&app, "iaas", &["Mercury", "Anthropic"]).await;
        let detail = finished(&app, job).await;
        let mercury = company(&detail, "Mercury");
        assert_eq!(mercury["status"], "failed", "{backend:?}");
        assert_eq!(mercury["review"], "ambiguous");
        assert!(mercury["score_total"].is_null());
        assert!(
            mercury["error_message"]
                .as_str()
                .unwrap()
                .contains("mercury.com"),
            "the message names the candidates: {mercury}"
        );
        assert_eq!(detail["review_companies"], 1);
        assert_eq!(
            calls(&app, "Mercury"),
            (1, 1, 0),
            "{backend:?}: a second search cannot tell namesakes apart"
        );
        let mercury_id = id_of(&detail, "Mercury");

        // The queue shows it with the validator's verdict, candidates and sources.
        let queue = app.get_json("/api/review").await;
        assert_eq!(queue["total"], 1, "{queue}");
        let item = &queue["items"][0];
        assert_eq!(
            (item["job_id"].as_i64(), item["company"]["name"].as_str()),
            (Some(job as i64), Some("Mercury"))
        );
        assert_eq!(
            item["company"]["validation_candidates"]
                .as_array()
                .unwrap()
                .len(),
            2,
            "{item}"
        );
        assert!(
            !item["company"]["validation_issues"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(item["company"]["validation_verdict"].is_string());
        assert!(
            !item["company"]["sources"].as_array().unwrap().is_empty(),
            "the sources found"
        );
        assert!(queue["research_price"]["usd"].as_f64().unwrap() > 0.0);

        // Retrying the job does not search it again unchanged.
        let (status, plan) = send(
            &app,
            Method::GET,
            &format!("/api/jobs/{job}/retry-plan"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (
                plan["estimate"]["companies"].as_u64(),
                plan["waiting_for_review"].as_u64()
            ),
            (Some(0), Some(1)),
            "{plan}"
        );
        let (status, retried) =
            send(&app, Method::POST, &format!("/api/jobs/{job}/start"), None).await;
        assert_eq!(status, StatusCode::OK, "{retried}");
        assert_eq!(retried["companies_queued"], 0);
        finished(&app, job).await;
        assert_eq!(
            calls(&app, "Mercury"),
            (1, 1, 0),
            "{backend:?}: the retry searched it"
        );

        // Nothing corrected, or a website that is not one: refused, nothing spent.
        let research = format!("/api/jobs/{job}/companies/{mercury_id}/research");
        let (status, body) = send(&app, Method::POST, &research, Some(json!({}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body["detail"].as_str().unwrap().contains("website"),
            "{body}"
        );
        let (status, body) = send(
            &app,
            Method::POST,
            &research,
            Some(json!({"website": "not a website"})),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(calls(&app, "Mercury"), (1, 1, 0));

        // The website settles it: researched and scored inside its job.
        let (status, body) = send(
            &app,
            Method::POST,
            &research,
            Some(json!({"website": "https://www.mercury.com/about"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["website"], "mercury.com");
        let detail = finished(&app, job).await;
        let mercury = company(&detail, "Mercury");
        assert_eq!(mercury["status"], "completed", "{backend:?}: {mercury}");
        assert!(mercury["review"].is_null(), "{mercury}");
        assert!(mercury["score_total"].is_number());
        assert_eq!(
            (
                detail["completed_companies"].as_i64(),
                detail["failed_companies"].as_i64(),
                detail["review_companies"].as_i64()
            ),
            (Some(2), Some(0), Some(0))
        );
        assert_eq!(
            calls(&app, "Mercury").0,
            2,
            "one more search, with the website"
        );
        assert_eq!(app.get_json("/api/review").await["total"], 0);
        // Cached under the corrected key, for the next job.
        let keys: Vec<String> = cache_entry::Entity::find()
            .all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.key)
            .collect();
        assert!(
            keys.contains(&"mercury @mercury.com".to_string()),
            "{keys:?}"
        );
        let audit = audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("company.research_again"))
            .all(&app.state.db)
            .await
            .unwrap();
        assert_eq!(audit.len(), 1);
        assert!(audit[0].detail.as_deref().unwrap().contains("mercury.com"));
    }
}

#[tokio::test]
async fn a_corrected_name_is_researched_and_cached_under_its_own_key() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    let job = submit(&app, "iaas", &["Anthropc"]).await;
    let detail = finished(&app, job).await;
    let typo = company(&detail, "Anthropc");
    assert_eq!(
        (typo["status"].as_str(), typo["review"].as_str()),
        (Some("failed"), Some("unverified"))
    );
    let id = id_of(&detail, "Anthropc");
    let (status, body) = send(
        &app,
        Method::POST,
        &format!("/api/jobs/{job}/companies/{id}/research"),
        Some(json!({"name": "Anthropic"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let detail = finished(&app, job).await;
    let fixed = company(&detail, "Anthropic");
    assert_eq!(fixed["status"], "completed");
    assert_eq!(fixed["priority_tier"], "HOT");
    let entry = cache_entry::Entity::find()
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(entry.key, "anthropic");
}

#[tokio::test]
async fn a_near_threshold_company_is_scored_and_can_be_accepted_as_is() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let job = submit(&app, "iaas", &["Quietwave Analytics", "led321.com"]).await;
        let detail = finished(&app, job).await;
        let thin = company(&detail, "Quietwave Analytics");
        assert_eq!(thin["status"], "completed", "{backend:?}");
        assert_eq!(thin["review"], "near_threshold");
        assert!(thin["score_total"].is_number());
        assert!((0.6..0.7).contains(&thin["validation_confidence"].as_f64().unwrap()));
        assert_eq!(detail["review_companies"], 2);
        let searched = app.fake.as_ref().unwrap().stats().total.searches;

        let thin_id = id_of(&detail, "Quietwave Analytics");
        let accept = format!("/api/jobs/{job}/companies/{thin_id}/accept");
        let (status, body) = send(&app, Method::POST, &accept, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["review"].is_null());
        assert_eq!(
            body["score_total"], thin["score_total"],
            "accepted with its score"
        );
        let (status, _) = send(&app, Method::POST, &accept, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "accepted twice");
        // An unverified company has no score to accept.
        let parked = id_of(&detail, "led321.com");
        let (status, body) = send(
            &app,
            Method::POST,
            &format!("/api/jobs/{job}/companies/{parked}/accept"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body["detail"].as_str().unwrap().contains("website"),
            "{body}"
        );

        let detail = app.get_json(&format!("/api/jobs/{job}")).await;
        assert_eq!(detail["review_companies"], 1);
        let queue = app.get_json("/api/review").await;
        assert_eq!(
            queue["items"][0]["company"]["name"], "led321.com",
            "{queue}"
        );
        assert_eq!(
            app.fake.as_ref().unwrap().stats().total.searches,
            searched,
            "{backend:?}: accepting spends nothing"
        );
    }
}

#[tokio::test]
async fn not_a_company_ends_skipped_out_of_the_ranking_and_of_retries() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let job = submit(&app, "iaas", &["led321.com", "Anthropic"]).await;
        let detail = finished(&app, job).await;
        let parked = id_of(&detail, "led321.com");
        let (status, body) = send(
            &app,
            Method::POST,
            &format!("/api/jobs/{job}/companies/{parked}/not-a-company"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "skipped");
        let detail = app.get_json(&format!("/api/jobs/{job}")).await;
        assert_eq!(
            (
                detail["skipped_companies"].as_i64(),
                detail["failed_companies"].as_i64(),
                detail["review_companies"].as_i64(),
                detail["pending_companies"].as_i64()
            ),
            (Some(1), Some(0), Some(0), Some(0)),
            "{backend:?}"
        );
        assert_eq!(detail["progress_percent"], 100.0);
        let ranked: Vec<&str> = detail["companies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(ranked, ["Anthropic", "led321.com"]);
        let export = app.get_text(&format!("/api/jobs/{job}/export")).await;
        let line = export.lines().find(|l| l.contains("led321.com")).unwrap();
        assert!(
            line.contains("skipped") && line.contains("Marked as not a company"),
            "{line}"
        );

        // Neither a retry nor a fresh re-run searches it again.
        let searched = calls(&app, "led321.com").0;
        for refresh in [false, true] {
            let (status, _) = send(
                &app,
                Method::POST,
                &format!("/api/jobs/{job}/start?refresh={refresh}"),
                None,
            )
            .await;
            assert_eq!(status, StatusCode::OK);
            finished(&app, job).await;
        }
        assert_eq!(calls(&app, "led321.com").0, searched, "{backend:?}");
        let rows = rows(&app, job).await;
        assert_eq!(
            rows.iter().find(|c| c.name == "led321.com").unwrap().status,
            "skipped"
        );
        let (status, _) = send(
            &app,
            Method::POST,
            &format!("/api/jobs/{job}/companies/{parked}/not-a-company"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "marked twice");
    }
}

#[tokio::test]
async fn retry_failed_reruns_transient_failures_and_leaves_the_unverified_in_review() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let fake = app.fake.as_ref().unwrap();
        fake.set_outage(&["Anthropic"]);
        let job = submit(&app, "iaas", &["Anthropic", "jomspar.com", "Cohere"]).await;
        let detail = finished(&app, job).await;
        let anthropic = company(&detail, "Anthropic");
        assert_eq!(anthropic["status"], "failed", "{backend:?}");
        assert!(
            anthropic["review"].is_null(),
            "an outage is not a verdict: {anthropic}"
        );
        assert!(
            anthropic["error_message"]
                .as_str()
                .unwrap()
                .contains("Retry"),
            "{anthropic}"
        );
        assert_eq!(
            calls(&app, "Anthropic").0,
            1,
            "no second search on a model error"
        );
        assert_eq!(company(&detail, "jomspar.com")["review"], "unverified");
        let jomspar_searches = calls(&app, "jomspar.com").0;

        let (_, plan) = send(
            &app,
            Method::GET,
            &format!("/api/jobs/{job}/retry-plan"),
            None,
        )
        .await;
        assert_eq!(plan["estimate"]["companies"], 1, "{plan}");
        assert_eq!(
            plan["estimate"]["credits"], 0.0,
            "Anthropic's research was paid for and kept: {plan}"
        );
        assert_eq!(plan["waiting_for_review"], 1);

        fake.set_outage(&[]);
        let (_, retried) = send(&app, Method::POST, &format!("/api/jobs/{job}/start"), None).await;
        assert_eq!(retried["companies_queued"], 1, "{retried}");
        let detail = finished(&app, job).await;
        assert_eq!(
            company(&detail, "Anthropic")["status"],
            "completed",
            "{backend:?}"
        );
        assert_eq!(company(&detail, "jomspar.com")["status"], "failed");
        assert_eq!(calls(&app, "Anthropic").0, 1, "the retry bought no search");
        assert_eq!(
            calls(&app, "jomspar.com").0,
            jomspar_searches,
            "{backend:?}: searched again unchanged"
        );
    }
}
