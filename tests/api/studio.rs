//! The ICP studio's rubrics: immutable versions in the database, the
//! version every job records, validation on save, TOML in and out, and who
//! may change a built-in rubric (re-scores and back-tests: `rescores.rs`).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use territory_planner::server::fake_upstream::FakeConfig;

use crate::{
    engine::{submit, wait_finished},
    helpers::{Backend, TestApp, backends, spawn_app, spawn_app_with_fake},
};

pub(crate) async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    send_as(&app.client, app, method, path, body).await
}

pub(crate) async fn send_as(
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
pub(crate) async fn save_version(
    app: &TestApp,
    id: &str,
    change: impl FnOnce(&mut Value),
) -> (StatusCode, Value) {
    save_version_as(&app.client, app, id, change).await
}

pub(crate) async fn save_version_as(
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
