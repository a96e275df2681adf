//! Re-scores from stored evidence (no searches; a repeat makes no model
//! call) and back-tests of labelled lists, with two versions compared.

use std::time::Duration;

use reqwest::{
    Method, StatusCode,
    multipart::{Form, Part},
};
use serde_json::{Value, json};
use territory_planner::server::fake_upstream::FakeConfig;

use crate::{
    engine::{submit, wait_finished},
    helpers::{Backend, TestApp, backends, spawn_app_with_fake},
    studio::{save_version, send},
};

const LIST: [&str; 6] = [
    "Anthropic",
    "Cohere",
    "Mistral AI",
    "Replicate",
    "Jasper",
    "Copy.ai",
];

/// Re-scores job `job` with rubric version `version`: the new job.
async fn rescore(app: &TestApp, job: i32, version: i64) -> Value {
    let (status, new) = send(
        app,
        Method::POST,
        &format!("/api/jobs/{job}/rescore"),
        json!({"version_id": version}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{new}");
    new
}

/// Clones iaas as "Strict IaaS" with HOT only from 95: a version that moves tiers.
async fn strict_version(app: &TestApp) -> i64 {
    let v1 = app.get_json("/api/rubrics/iaas").await["id"].clone();
    let (status, copy) = send(
        app,
        Method::POST,
        "/api/rubrics",
        json!({"clone_of": v1, "label": "Strict IaaS"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{copy}");
    let (status, saved) = save_version(app, "strict_iaas", |r| {
        r["priority"]["thresholds"]["hot"] = json!(95);
        r["priority"]["thresholds"]["warm"] = json!(70);
    })
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    saved["id"].as_i64().unwrap()
}

#[tokio::test]
async fn rescoring_makes_no_search_and_a_second_rescore_with_the_same_version_no_model_call() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let fake = app.fake.as_ref().unwrap();
        let first = submit(&app, "iaas", &LIST).await;
        wait_finished(&app, first, Duration::from_secs(30)).await;
        let version = strict_version(&app).await;

        let (status, plan) = app
            .call(
                Method::GET,
                &format!("/api/jobs/{first}/rescore-plan?version_id={version}"),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{plan}");
        let scored = plan["companies"].as_i64().unwrap();
        assert!(scored >= 4, "{plan}");
        assert_eq!(plan["scoring_calls"], scored, "{plan}");
        assert_eq!(plan["reused"], 0);
        assert_eq!(plan["version"], 2);

        let before = fake.stats().total;
        let job = rescore(&app, first, version).await;
        assert_eq!(job["scoring_only"], true);
        assert_eq!(job["job_type"], "strict_iaas");
        assert_eq!(job["previous_job_id"], first);
        let second = job["id"].as_i64().unwrap() as i32;
        let done = wait_finished(&app, second, Duration::from_secs(30)).await;
        assert_eq!(i64::from(done.completed_companies), scored, "{backend:?}");
        let after = fake.stats().total;
        assert_eq!(after.searches, before.searches, "a re-score never searches");
        assert_eq!(after.validations, before.validations, "nor checks again");
        assert_eq!(after.scorings, before.scorings + scored as u64);
        assert_eq!(done.rubric_version, Some(2));
        assert_eq!(done.tavily_credits, 0.0);

        // The comparison: HOT needs 95 now, so the HOT companies moved down.
        let changes = app.get_json(&format!("/api/jobs/{second}/changes")).await;
        assert!(!changes["down"].as_array().unwrap().is_empty(), "{changes}");
        assert_eq!(
            changes["versions"],
            json!(["IaaS Targets · v1", "Strict IaaS · v2"]),
            "{changes}"
        );

        // Again with the same version: every score comes from the score cache.
        let (_, plan) = app
            .call(
                Method::GET,
                &format!("/api/jobs/{first}/rescore-plan?version_id={version}"),
            )
            .await;
        assert_eq!(plan["reused"], scored, "{plan}");
        assert_eq!(plan["scoring_calls"], 0, "{plan}");
        assert_eq!(plan["usd"], 0.0, "{plan}");
        let job = rescore(&app, first, version).await;
        let third = job["id"].as_i64().unwrap() as i32;
        let done = wait_finished(&app, third, Duration::from_secs(30)).await;
        assert_eq!(i64::from(done.score_hits), scored);
        let last = fake.stats().total;
        assert_eq!(
            (last.searches, last.validations, last.scorings),
            (after.searches, after.validations, after.scorings),
            "no search and no model call"
        );
        let results = |job: i32| {
            let app = &app;
            async move {
                let detail = app.get_json(&format!("/api/jobs/{job}")).await;
                let mut rows: Vec<String> = detail["companies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| format!("{} {} {}", c["name"], c["score_total"], c["priority_tier"]))
                    .collect();
                rows.sort();
                rows
            }
        };
        assert_eq!(
            results(third).await,
            results(second).await,
            "the same scores"
        );
    }
}

async fn upload(app: &TestApp, csv: &str) -> (StatusCode, Value) {
    let form = Form::new().part(
        "file",
        Part::bytes(csv.as_bytes().to_vec()).file_name("won_lost.csv"),
    );
    let response = app
        .client
        .post(app.url("/api/jobs/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_backtest_reports_the_tiers_outcomes_and_worst_misses_of_a_labelled_list() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let fake = app.fake.as_ref().unwrap();
        // Benchmark Co n is use case S, A, B, C, D, E for n % 6 = 0..5.
        let csv = "company,outcome\nBenchmark Co 6,won\nBenchmark Co 7,Won\nBenchmark Co 12,lost\n\
                   Benchmark Co 5,lost\nBenchmark Co 11,lost\nBenchmark Co 17,customer\n";
        let (status, job) = upload(&app, csv).await;
        assert_eq!(status, StatusCode::OK, "{job}");
        assert_eq!(job["backtest"], true);
        let id = job["id"].as_i64().unwrap() as i32;
        wait_finished(&app, id, Duration::from_secs(30)).await;

        let report = app.get_json(&format!("/api/jobs/{id}/backtest")).await;
        let m = &report["metrics"];
        assert_eq!(
            (m["positives"].as_i64(), m["negatives"].as_i64()),
            (Some(3), Some(3)),
            "{report}"
        );
        // What the report says, counted again here from the companies themselves.
        let rows = app.get_json(&format!("/api/jobs/{id}")).await["companies"].clone();
        let won = ["Benchmark Co 6", "Benchmark Co 7", "Benchmark Co 17"];
        let tier_of = |name: &str| {
            rows.as_array()
                .unwrap()
                .iter()
                .find(|c| c["name"] == name)
                .map(|c| c["priority_tier"].as_str().unwrap_or_default().to_string())
                .unwrap()
        };
        let flagged = |name: &str| matches!(tier_of(name).as_str(), "HOT" | "WARM");
        let all = [
            won.as_slice(),
            &["Benchmark Co 12", "Benchmark Co 5", "Benchmark Co 11"],
        ]
        .concat();
        let true_positives = won.iter().filter(|n| flagged(n)).count() as f64;
        let flagged_all = all.iter().filter(|n| flagged(n)).count() as f64;
        assert_eq!(
            m["recall"].as_f64().unwrap(),
            true_positives / 3.0,
            "{report}"
        );
        assert_eq!(
            m["precision"].as_f64().unwrap(),
            true_positives / flagged_all,
            "{report}"
        );
        let auc = m["auc"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&auc), "{report}");
        // Benchmark Co 12 (use case S) was lost: a negative scored HOT is the worst miss.
        if tier_of("Benchmark Co 12") == "HOT" {
            assert_eq!(
                report["worst_misses"][0]["name"], "Benchmark Co 12",
                "{report}"
            );
            assert!(
                !report["worst_misses"][0]["reasoning"]
                    .as_str()
                    .unwrap()
                    .is_empty()
            );
            assert!(
                !report["worst_misses"][0]["sources"]
                    .as_array()
                    .unwrap()
                    .is_empty()
            );
        }
        let total: i64 = report["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["positives"].as_i64().unwrap() + b["negatives"].as_i64().unwrap())
            .sum();
        assert_eq!(total, 6);
        let csv = app.get_text(&format!("/api/jobs/{id}/backtest.csv")).await;
        assert!(
            csv.starts_with("kind,label,positives,negatives,value\n"),
            "{csv}"
        );
        assert!(
            csv.contains(&format!("summary,roc_auc,,,{auc:.4}\n")),
            "{csv}"
        );

        // Another version on the same list: re-scored, compared, no search.
        let searches = fake.stats().total.searches;
        let version = strict_version(&app).await;
        let job = rescore(&app, id, version).await;
        assert_eq!(job["backtest"], true, "the outcomes come along");
        let second = job["id"].as_i64().unwrap() as i32;
        wait_finished(&app, second, Duration::from_secs(30)).await;
        let compared = app.get_json(&format!("/api/jobs/{second}/backtest")).await;
        assert_eq!(compared["compared_with"], id, "{compared}");
        assert_eq!(compared["rubric_version"], 2);
        assert_eq!(compared["metrics"]["positives"], 3);
        assert_eq!(fake.stats().total.searches, searches);
    }
}

#[tokio::test]
async fn a_job_without_outcomes_has_no_backtest_and_says_how_to_get_one() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    let id = submit(&app, "iaas", &["Anthropic"]).await;
    let (status, body) = app
        .call(Method::GET, &format!("/api/jobs/{id}/backtest"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("upload a labelled CSV"),
        "{body}"
    );
}
