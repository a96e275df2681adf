//! Every door has a limit: bodies, content types, paging and search text,
//! CSV cells, and text from pages and models.

use futures::StreamExt;
use reqwest::{
    StatusCode,
    multipart::{Form, Part},
};
use serde_json::Value;
use territory_planner::server::{db::companies, fake_upstream::FakeConfig};

use crate::{
    engine::wait_finished,
    helpers::{TestApp, backends, spawn_app_with, spawn_app_with_fake},
};

pub const UPLOAD_DOORS: [&str; 3] = [
    "/api/jobs/upload",
    "/fn/jobs/preview",
    "/fn/jobs/start_upload",
];

/// A multipart body of `megabytes` MB streamed without a length, so only
/// reading it tells its size.
pub fn streamed_csv(megabytes: usize) -> Form {
    let stream = futures::stream::iter(
        (0..megabytes).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 1_000_000])),
    );
    Form::new().text("target_type", "iaas").part(
        "file",
        Part::stream(reqwest::Body::wrap_stream(stream)).file_name("huge.csv"),
    )
}

/// Posts a multipart CSV upload of `total_mb` MB to `url`, with its
/// `Content-Length` declared or not (then only reading it tells its size).
/// After `sent_mb` MB, past any limit, the client pauses instead of writing
/// on: a server that answers early is read, not raced by a closed socket.
pub async fn post_oversized(
    client: &reqwest::Client,
    url: &str,
    total_mb: usize,
    sent_mb: usize,
    declare_length: bool,
) -> (StatusCode, String) {
    const BOUNDARY: &str = "tp-test-boundary";
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.csv\"\r\nContent-Type: text/csv\r\n\r\ncompany_name\n"
    );
    let total = head.len() + total_mb * 1_000_000;
    let chunks = std::iter::once(head.into_bytes())
        .chain((0..sent_mb.min(total_mb)).map(|_| vec![b'a'; 1_000_000]))
        .map(Ok::<_, std::io::Error>);
    let stream = futures::stream::iter(chunks).chain(futures::stream::pending());
    let mut request = client
        .post(url)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(reqwest::Body::wrap_stream(stream));
    if declare_length {
        request = request.header("Content-Length", total.to_string());
    }
    let response = request
        .send()
        .await
        .expect("the server answers before it reads the whole body");
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

async fn answer(response: Result<reqwest::Response, reqwest::Error>) -> (StatusCode, String) {
    let response = response.expect("the server answers");
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn every_upload_door_refuses_50_mb_with_413() {
    let app = spawn_app_with(backends()[0], &[]).await;
    for door in UPLOAD_DOORS {
        let url = app.url(door);
        // Declared up front: refused before the body is read (1 MB is out).
        let (status, body) = post_oversized(&app.client, &url, 50, 1, true).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{door}: {body}");
        assert!(body.contains("larger than 10 MB"), "{door}: {body}");
        // Without a length: refused while reading, at the limit (11 MB out).
        let (status, body) = post_oversized(&app.client, &url, 50, 11, false).await;
        assert_eq!(
            status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{door} (streamed): {body}"
        );
        assert!(body.contains("larger than 10 MB"), "{door}: {body}");
    }
    let jobs = app.get_json("/api/jobs").await;
    assert_eq!(jobs["total"], 0, "nothing was started");
}

#[tokio::test]
async fn a_non_multipart_post_to_an_upload_door_gets_400_not_a_panic() {
    let app = spawn_app_with(backends()[0], &[]).await;
    for door in UPLOAD_DOORS {
        for request in [
            app.client
                .post(app.url(door))
                .form(&[("file", "company_name\nAcme")]),
            app.client
                .post(app.url(door))
                .json(&serde_json::json!({"file": "x"})),
            app.client.post(app.url(door)),
            app.client
                .post(app.url(door))
                .header("Content-Type", "multipart/form-data"),
        ] {
            let (status, body) = answer(request.send().await).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{door}: {body}");
            assert!(body.contains("multipart/form-data"), "{door}: {body}");
        }
    }
    // Small doors take small bodies only.
    let big_form = vec![("id", "1".repeat(300_000))];
    let (status, body) = answer(
        app.client
            .post(app.url("/fn/jobs/cancel"))
            .form(&big_form)
            .send()
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
}

#[tokio::test]
async fn nul_bytes_in_cells_pages_and_model_output_do_not_break_a_job() {
    for backend in backends() {
        let fake = FakeConfig {
            inject_nul: true,
            ..FakeConfig::default()
        };
        let app = spawn_app_with_fake(backend, fake, &[]).await;
        let csv = "company_name,website\nCo\u{0}here,cohere.com\nMistral AI\u{0},\nAnthropic,\n";
        let (status, job) = upload(&app, "nul.csv", csv).await;
        assert_eq!(status, 200, "{backend:?}");
        let id = job["id"].as_i64().unwrap() as i32;
        let finished = wait_finished(&app, id, std::time::Duration::from_secs(60)).await;
        assert_eq!(
            finished.status, "completed",
            "{backend:?}: {:?}",
            finished.error_message
        );
        assert!(app.fake.as_ref().unwrap().stats().total.searches > 0);
        let rows = companies::for_job(&app.state.db, id).await.unwrap();
        assert_eq!(rows.len(), 3);
        for row in &rows {
            assert_eq!(
                row.status, "completed",
                "{backend:?} {}: {:?}",
                row.name, row.error_message
            );
            assert!(row.score_total.is_some(), "{}", row.name);
            for text in [
                Some(&row.name),
                row.reasoning.as_ref(),
                row.description.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                assert!(!text.contains('\0'), "{text:?}");
            }
        }
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert!(
            names.contains(&"Cohere") && names.contains(&"Mistral AI"),
            "{names:?}"
        );
    }
}

#[tokio::test]
async fn paging_and_search_are_bounded_and_wildcards_are_literal() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        app.research_one(&app.client, "Cohere").await;
        for (query, found) in [
            ("coh", 1),
            ("%25", 0),
            ("_", 0),
            ("%5C", 0),
            ("coh%5C", 0),
            ("c_here", 0),
            ("%25coh", 0),
        ] {
            let (status, body) = app
                .call(reqwest::Method::GET, &format!("/api/cache?q={query}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{backend:?} q={query}: {body}");
            assert_eq!(body["total"], found, "{backend:?} q={query}");
        }
        for path in [
            "/api/jobs?limit=0",
            "/api/jobs?limit=501",
            "/api/jobs?skip=100000000",
            "/api/cache?limit=9999",
            &format!("/api/cache?q={}", "x".repeat(201)),
            &format!("/api/jobs/1/export?q={}", "x".repeat(201)),
        ] {
            let (status, body) = app.call(reqwest::Method::GET, path).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
            assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        }
    }
}

async fn upload(app: &TestApp, file_name: &str, text: &str) -> (StatusCode, Value) {
    let form = Form::new().part(
        "file",
        Part::bytes(text.as_bytes().to_vec()).file_name(file_name.to_string()),
    );
    let response = app
        .client
        .post(app.url("/api/jobs/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (
        response.status(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn csv_cells_are_checked_like_the_single_company_field() {
    let app = spawn_app_with_fake(backends()[0], FakeConfig::default(), &[]).await;
    // Tabs split a .tsv; the comma stays in the name.
    let (status, job) = upload(
        &app,
        "list.tsv",
        "company_name\twebsite\nAcme, Inc.\tacme.com\n",
    )
    .await;
    assert_eq!(status, 200, "{job}");
    let id = job["id"].as_i64().unwrap();
    let detail = app.get_json(&format!("/api/jobs/{id}")).await;
    assert_eq!(detail["companies"][0]["name"], "Acme, Inc.");
    assert_eq!(detail["companies"][0]["website"], "acme.com");
    // Bad websites and names without letters are left out, and said so.
    let (status, job) = upload(
        &app,
        "mixed.csv",
        "name,website\nCohere,cohere.com\nAcme,not a website\n???,\n",
    )
    .await;
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["total_companies"], 1);
    let (status, body) = upload(&app, "bad.csv", "name,website\nAcme,not a website\n").await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("\"not a website\" is not a website"),
        "{body}"
    );
    // A one-column file whose first row is not a header is not researched.
    let (status, body) = upload(&app, "one.csv", "Prospects\nCohere\n").await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap().contains("company_name"),
        "{body}"
    );
    // A file name longer than the job's name column is refused cleanly.
    let long = format!("{}.csv", "n".repeat(300));
    let (status, body) = upload(&app, &long, "name\nCohere\n").await;
    assert_eq!(status, 400, "{body}");
    // The single-company field refuses a name without letters or digits.
    let (status, body) = app
        .call(
            reqwest::Method::POST,
            "/api/jobs/single?company_name=%3F%3F%3F",
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no letter or digit"),
        "{body}"
    );
}
