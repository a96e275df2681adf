//! The REST API, v1's paths and parameters, including bad input.

use std::time::Duration;

use futures::StreamExt;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use territory_planner::server::fake_upstream::FakeConfig;

use crate::{
    engine::{V1_SAMPLE, wait_finished},
    helpers::{Backend, TestApp, backends, spawn_app_with_fake},
};

fn csv_form(file_name: &str, bytes: Vec<u8>) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name(file_name.to_string()))
}

async fn upload(app: &TestApp, query: &str, file_name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/jobs/upload{query}")))
        .multipart(csv_form(file_name, bytes))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn sample_csv() -> Vec<u8> {
    std::iter::once("company_name".to_string())
        .chain(V1_SAMPLE.iter().map(|s| s.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes()
}

#[tokio::test]
async fn v1s_upload_list_detail_progress_and_export_work_unchanged() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let (status, job) = upload(
            &app,
            "?submitted_by=Henry&target_type=iaas",
            "sample_companies.csv",
            sample_csv(),
        )
        .await;
        assert_eq!(status, 200, "{job}");
        assert_eq!(job["total_companies"], 20);
        assert_eq!(job["job_type"], "iaas");
        assert_eq!(job["submitted_by"], "Henry");
        let id = job["id"].as_i64().unwrap() as i32;
        wait_finished(&app, id, Duration::from_secs(60)).await;

        let detail: Value = app.get_json(&format!("/api/jobs/{id}")).await;
        assert_eq!(detail["status"], "completed");
        assert!(detail["total_cost_usd"].as_f64().unwrap() > 0.0);
        assert_eq!(detail["total_tavily_credits"], 40.0);
        assert!(
            detail["created_at"].as_str().unwrap().ends_with('Z'),
            "timestamps carry an offset"
        );
        let companies = detail["companies"].as_array().unwrap();
        assert_eq!(companies.len(), 20);
        let scores: Vec<i64> = companies
            .iter()
            .map(|c| c["score_total"].as_i64().unwrap())
            .collect();
        assert!(
            scores.windows(2).all(|w| w[0] >= w[1]),
            "ranked by score: {scores:?}"
        );
        for c in companies {
            for field in [
                "cache_hit",
                "validation_confidence",
                "sources",
                "gpu_use_case_tier",
                "priority_tier",
                "recommended_action",
            ] {
                assert!(!c[field].is_null(), "{field} missing in {c}");
            }
        }

        let list: Value = app
            .get_json("/api/jobs/?submitted_by=Henry&job_type=iaas")
            .await;
        assert_eq!(list["total"], 1);
        let none: Value = app.get_json("/api/jobs?submitted_by=Nobody").await;
        assert_eq!(none["total"], 0);

        let progress: Value = app.get_json(&format!("/api/jobs/{id}/progress")).await;
        assert_eq!(
            (
                progress["completed"].as_i64(),
                progress["progress_percent"].as_f64()
            ),
            (Some(20), Some(100.0))
        );

        let export = app
            .client
            .get(app.url(&format!("/api/jobs/{id}/export")))
            .send()
            .await
            .unwrap();
        assert_eq!(export.status(), 200);
        assert!(
            export.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("research_results_{id}.csv"))
        );
        let text = export.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "Rank");
        assert!(headers.iter().any(|h| h == "GPU Use Case Tier"));
        assert_eq!(reader.records().count(), 20);

        let hot = app
            .client
            .get(app.url(&format!("/api/jobs/{id}/export?tier=HOT")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let hot_rows = csv::Reader::from_reader(hot.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .count();
        assert!(
            hot_rows > 0 && hot_rows < 20,
            "the export follows the filter"
        );
    }
}

#[tokio::test]
async fn bad_uploads_get_a_4xx_that_says_what_to_fix() {
    let app = spawn_app_with_fake(
        Backend::Sqlite,
        FakeConfig::default(),
        &[("MAX_UPLOAD_MB", "10")],
    )
    .await;
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        ("empty", "a.csv", vec![], 400, "empty"),
        (
            "no name column",
            "a.csv",
            b"city,country\nParis,France\n".to_vec(),
            400,
            "No company name column",
        ),
        (
            "only blanks",
            "a.csv",
            b"name\n\n \n".to_vec(),
            400,
            "No company names",
        ),
        (
            "not a csv",
            "a.xlsx",
            b"name\nAcme\n".to_vec(),
            400,
            "must be a CSV",
        ),
        (
            "binary",
            "a.csv",
            vec![0, 159, 146, 150, 0, 1],
            400,
            "not text",
        ),
        (
            "6 MB of one column",
            "big.csv",
            std::iter::once("company_name\n".to_string())
                .chain((0..400_000).map(|i| format!("Company {i:07}\n")))
                .collect::<String>()
                .into_bytes(),
            400,
            "the limit is 5000",
        ),
        (
            "20,000 rows",
            "rows.csv",
            std::iter::once("name".to_string())
                .chain((0..20_000).map(|i| format!("C{i}")))
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes(),
            400,
            "the limit is 5000",
        ),
        (
            "11 MB",
            "huge.csv",
            vec![b'a'; 11_000_000],
            413,
            "larger than 10 MB",
        ),
    ];
    for (what, file, bytes, status, message) in cases {
        let (got, body) = upload(&app, "", file, bytes).await;
        assert_eq!(got, status, "{what}: {body}");
        let detail = body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(message), "{what}: {detail}");
    }
    let (status, body) = upload(
        &app,
        "?target_type=crypto",
        "a.csv",
        b"name\nAcme\n".to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("iaas, managed_inference")
    );

    let no_file = app
        .client
        .post(app.url("/api/jobs/upload"))
        .multipart(Form::new().text("x", "y"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_file.status(), 400);
}

#[tokio::test]
async fn awkward_but_valid_files_are_read() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    let mut bom = "\u{feff}Company Name\nAnthropic\n".as_bytes().to_vec();
    let (status, job) = upload(&app, "", "bom.CSV", std::mem::take(&mut bom)).await;
    assert_eq!(
        (status, job["total_companies"].as_i64()),
        (200, Some(1)),
        "{job}"
    );

    let (status, job) = upload(
        &app,
        "",
        "latin1.csv",
        b"name\nSoci\xe9t\xe9 G\xe9n\xe9rale\n".to_vec(),
    )
    .await;
    assert_eq!(status, 200, "{job}");
    let id = job["id"].as_i64().unwrap() as i32;
    wait_finished(&app, id, Duration::from_secs(30)).await;
    let detail: Value = app.get_json(&format!("/api/jobs/{id}")).await;
    assert_eq!(detail["companies"][0]["name"], "Société Générale");

    let (status, job) = upload(
        &app,
        "",
        "odd.csv",
        "name\nUserGems 💎\n=HYPERLINK(\"http://evil.example\",\"x\")\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(status, 200, "{job}");
    let id = job["id"].as_i64().unwrap() as i32;
    wait_finished(&app, id, Duration::from_secs(30)).await;
    let export = app
        .client
        .get(app.url(&format!("/api/jobs/{id}/export")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(export.contains("UserGems 💎"));
    assert!(
        export.contains("'=HYPERLINK("),
        "formula neutralised: {export}"
    );
    assert!(!export.contains(",=HYPERLINK("));
}

#[tokio::test]
async fn single_lookup_and_job_actions_answer_like_v1() {
    let app = spawn_app_with_fake(Backend::Sqlite, FakeConfig::default(), &[]).await;
    let blank = app
        .client
        .post(app.url("/api/jobs/single?company_name=%20"))
        .send()
        .await
        .unwrap();
    assert_eq!(blank.status(), 400);
    assert_eq!(
        blank.json::<Value>().await.unwrap()["detail"],
        "Company name is required"
    );

    let job: Value = app
        .client
        .post(app.url("/api/jobs/single?company_name=Anthropic&target_type=managed_inference"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job["name"], "Single Company: Anthropic");
    // Not given: the signed-in account's name.
    assert_eq!(job["submitted_by"], "admin");
    let id = job["id"].as_i64().unwrap() as i32;
    wait_finished(&app, id, Duration::from_secs(30)).await;

    let cancel = app
        .client
        .post(app.url(&format!("/api/jobs/{id}/cancel")))
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 400);
    assert_eq!(
        cancel.json::<Value>().await.unwrap()["detail"],
        "Job is not running"
    );
    let restart = app
        .client
        .post(app.url(&format!("/api/jobs/{id}/start")))
        .send()
        .await
        .unwrap();
    assert_eq!(restart.status(), 200);
    wait_finished(&app, id, Duration::from_secs(30)).await;

    let missing = app
        .client
        .get(app.url("/api/jobs/99999"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["detail"],
        "Job not found"
    );
    let not_a_number = app
        .client
        .get(app.url("/api/jobs/abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(not_a_number.status(), 400);

    let deleted = app
        .client
        .delete(app.url(&format!("/api/jobs/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    assert_eq!(
        app.client
            .get(app.url(&format!("/api/jobs/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn progress_streams_over_sse_from_a_snapshot_to_completion() {
    let app = spawn_app_with_fake(
        Backend::Sqlite,
        FakeConfig {
            search_latency: (Duration::from_millis(50), Duration::from_millis(100)),
            ..FakeConfig::default()
        },
        &[],
    )
    .await;
    let (_, job) = upload(
        &app,
        "",
        "s.csv",
        b"name\nAnthropic\nCohere\nstealthium.io\n".to_vec(),
    )
    .await;
    let id = job["id"].as_i64().unwrap();
    let response = app
        .client
        .get(app.url(&format!("/api/jobs/{id}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut stream = response.bytes_stream();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !text.contains("\"status\":\"completed\",\"total\"") {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("events arrive")
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(text.starts_with("event: snapshot\n"), "{text}");
    assert!(
        text.contains("event: company\n") && text.contains("\"stage\":\"scoring\""),
        "{text}"
    );
    assert!(text.contains("event: job\n"));
}
