//! The ICP studio: rubrics as immutable versions in the database, a job's
//! version, re-scores from stored evidence (no searches; a repeat makes no
//! model call), and back-tests of a labelled list.

use std::time::Duration;

use reqwest::{
    Method, StatusCode,
    multipart::{Form, Part},
};
use serde_json::{Value, json};
use territory_planner::server::fake_upstream::FakeConfig;

use crate::{
    engine::{submit, wait_finished},
    helpers::{Backend, TestApp, backends, spawn_app, spawn_app_with_fake},
};

const LIST: [&str; 6] = [
    "Anthropic",
    "Cohere",
    "Mistral AI",
    "Replicate",
    "Jasper",
    "Copy.ai",
];

async fn send(app: &TestApp, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
    send_as(&app.client, app, method, path, body).await
}

async fn send_as(
    client: &reqwest::Client,
    app: &TestApp,
    method: Method,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let response = client
        .request(method, app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Saves `change`d content of the rubric's latest version as its next version.
async fn save_version(
    app: &TestApp,
    id: &str,
    change: impl FnOnce(&mut Value),
) -> (StatusCode, Value) {
    save_version_as(&app.client, app, id, change).await
}

async fn save_version_as(
    client: &reqwest::Client,
    app: &TestApp,
    id: &str,
    change: impl FnOnce(&mut Value),
) -> (StatusCode, Value) {
    let latest = app.get_json(&format!("/api/rubrics/{id}")).await;
    let mut rubric = latest["rubric"].clone();
    change(&mut rubric);
    send_as(
        client,
        app,
        Method::POST,
        &format!("/api/rubrics/{id}/versions"),
        json!({"rubric": rubric, "based_on": latest["version"], "note": "test"}),
    )
    .await
}

#[tokio::test]
async fn rubrics_are_seeded_as_versions_and_every_job_records_the_version_it_used() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let rubrics = app.get_json("/api/rubrics").await;
        let ids: Vec<&str> = rubrics
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["iaas", "managed_inference"], "{rubrics}");
        assert!(rubrics[0]["built_in"].as_bool().unwrap());
        assert_eq!(rubrics[0]["latest_version"], 1);

        let first = submit(&app, "iaas", &["Anthropic"]).await;
        let job = wait_finished(&app, first, Duration::from_secs(30)).await;
        assert_eq!(job.rubric_version, Some(1), "{backend:?}");

        let (status, saved) = save_version(&app, "iaas", |r| {
            r["priority"]["thresholds"]["hot"] = json!(90);
        })
        .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["history"].as_array().unwrap().len(), 2);

        let second = submit(&app, "iaas", &["Anthropic"]).await;
        let job = wait_finished(&app, second, Duration::from_secs(30)).await;
        assert_eq!(job.rubric_version, Some(2));
        let (_, view) = app.call(Method::GET, &format!("/api/jobs/{second}")).await;
        assert_eq!(view["rubric_version"], 2, "{view}");

        // Versions never change: version 1 still reads as it was.
        let v1 = app.get_json("/api/rubrics/iaas?version=1").await;
        assert_eq!(v1["rubric"]["priority"]["thresholds"]["hot"], 75);
        let v2 = app.get_json("/api/rubrics/iaas?version=2").await;
        assert_eq!(v2["rubric"]["priority"]["thresholds"]["hot"], 90);
        let (status, missing) = app.call(Method::GET, "/api/rubrics/iaas?version=7").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            missing["detail"],
            "Rubric \"iaas\" has no version 7; its versions are 1 to 2."
        );
    }
}

#[tokio::test]
async fn an_invalid_or_stale_save_says_what_to_fix_and_saves_nothing() {
    let app = spawn_app(Backend::Sqlite).await;
    let (status, body) = save_version(&app, "iaas", |r| {
        r["criteria"]["growth"]["max"] = json!(30);
        r["criteria"]["growth"]["options"][0]["points"] = json!(40);
    })
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("The rubric cannot score yet: "),
        "{detail}"
    );
    assert!(
        detail.contains("Growth: the option \"rapid_growth\" is worth 40 points, above the criterion's maximum of 30."),
        "{detail}"
    );
    assert!(
        detail.contains("The criteria's maxima add up to 120; they must add up to 100"),
        "{detail}"
    );

    let (status, body) = save_version(&app, "iaas", |_| {}).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["detail"],
        "Nothing changed since version 1: change something, then save."
    );

    let latest = app.get_json("/api/rubrics/iaas").await;
    let (status, body) = send(
        &app,
        Method::POST,
        "/api/rubrics/iaas/versions",
        json!({"rubric": latest["rubric"], "based_on": 0}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("saved version 1 of this rubric after you opened version 0: reload it"),
        "{body}"
    );
    let history = app.get_json("/api/rubrics/iaas").await["history"].clone();
    assert_eq!(history.as_array().unwrap().len(), 1, "nothing was saved");
}

#[tokio::test]
async fn a_rubric_exported_as_toml_imports_as_a_new_rubric_and_members_only_clone_built_ins() {
    use territory_planner::domain::account::Role;
    let app = spawn_app(Backend::Sqlite).await;
    let toml = app.get_text("/api/rubrics/iaas/export").await;
    assert!(toml.starts_with("# IaaS Targets · version 1"), "{toml}");
    assert!(toml.contains("[criteria.use_case]"), "{toml}");
    let renamed = toml
        .replace("id = \"iaas\"", "id = \"iaas_eu\"")
        .replace("label = \"IaaS Targets\"", "label = \"IaaS EU\"");
    let response = app
        .client
        .post(app.url("/api/rubrics/import"))
        .body(renamed)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let imported: Value = response.json().await.unwrap();
    assert_eq!(imported["rubric"]["id"], "iaas_eu");
    assert_eq!(imported["built_in"], false);
    assert_eq!(imported["note"], "Imported from a TOML file");

    let response = app
        .client
        .post(app.url("/api/rubrics/import"))
        .body("id = 3")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("This is not a rubric file: "),
        "{body}"
    );

    // A member may not change a built-in rubric, but may clone it and change the copy.
    let member = crate::helpers::create_user(&app.state, Role::Member, "rep@example.com").await;
    let rep = crate::helpers::client_with_token(&member.token);
    let (status, body) = save_version_as(&rep, &app, "iaas", |r| {
        r["priority"]["thresholds"]["hot"] = json!(80);
    })
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("clone it"),
        "{body}"
    );
    let v1 = app.get_json("/api/rubrics/iaas").await["id"].clone();
    let (status, copy) = send_as(
        &rep,
        &app,
        Method::POST,
        "/api/rubrics",
        json!({"clone_of": v1, "label": "My IaaS"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{copy}");
    assert_eq!(copy["rubric"]["id"], "my_iaas");
    assert_eq!(copy["may_edit"], true);
    let (status, saved) = save_version_as(&rep, &app, "my_iaas", |r| {
        r["priority"]["thresholds"]["hot"] = json!(80);
    })
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
}

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
