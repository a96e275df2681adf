//! Job notices: a local HTTP receiver gets a signed JSON summary when a job
//! ends and when an outage pauses it, and a failed delivery is retried.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post};
use territory_planner::server::{engine::webhook::signature, fake_upstream::FakeConfig};

use crate::{
    engine::{submit, wait_finished},
    helpers::{backends, spawn_app_with_fake},
};

const SECRET: &str = "whsec-test-only";

/// One delivery: its signature header and body.
type Delivery = (Option<String>, Vec<u8>);

#[derive(Clone, Default)]
struct Received {
    all: Arc<Mutex<Vec<Delivery>>>,
}

/// Answers 500 to the first delivery, 200 after: a receiver that was down once.
async fn hook(State(received): State<Received>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let mut all = received.all.lock().unwrap();
    let signature = headers
        .get("x-territory-planner-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    all.push((signature, body.to_vec()));
    if all.len() == 1 {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

async fn receiver() -> (SocketAddr, Received) {
    let received = Received::default();
    let app = Router::new()
        .route("/hook", post(hook))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, received)
}

async fn deliveries(received: &Received, at_least: usize) -> Vec<Delivery> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let all = received.all.lock().unwrap().clone();
        if all.len() >= at_least {
            return all;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} deliveries",
            all.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The signature checks out against the body with the shared secret.
fn verified(signature: &Option<String>, body: &[u8]) -> serde_json::Value {
    let header = signature.as_deref().expect("signed");
    let t: i64 = header
        .strip_prefix("t=")
        .and_then(|rest| rest.split(',').next())
        .and_then(|t| t.parse().ok())
        .expect("a timestamp");
    assert_eq!(
        header,
        signature_of(t, body),
        "the signature matches the body"
    );
    assert!(
        (chrono::Utc::now().timestamp() - t).abs() < 60,
        "a fresh timestamp"
    );
    serde_json::from_slice(body).unwrap()
}

fn signature_of(t: i64, body: &[u8]) -> String {
    signature(SECRET, t, body)
}

#[tokio::test]
async fn a_finished_job_posts_a_signed_summary_and_a_failed_delivery_is_retried() {
    for backend in backends() {
        let (addr, received) = receiver().await;
        let url = format!("http://{addr}/hook");
        let app = spawn_app_with_fake(
            backend,
            FakeConfig::default(),
            &[
                ("WEBHOOK_URL", url.as_str()),
                ("WEBHOOK_SECRET", SECRET),
                ("PUBLIC_URL", "https://planner.example.com"),
            ],
        )
        .await;
        let job_id = submit(&app, "iaas", &["Anthropic", "Cohere"]).await;
        wait_finished(&app, job_id, Duration::from_secs(30)).await;
        let all = deliveries(&received, 2).await;
        // The same notice twice: refused once, then delivered.
        assert_eq!(all[0].1, all[1].1);
        let notice = verified(&all[1].0, &all[1].1);
        assert_eq!(notice["event"], "job.completed", "{backend:?}: {notice}");
        assert_eq!(notice["job"]["id"], job_id);
        assert_eq!(notice["job"]["completed"], 2);
        assert_eq!(
            notice["job"]["url"],
            format!("https://planner.example.com/jobs/{job_id}")
        );
        let text = notice["text"].as_str().unwrap();
        assert!(
            text.starts_with(&format!("Job #{job_id} "))
                && text.contains("completed: 2 of 2 scored"),
            "{text}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            received.all.lock().unwrap().len(),
            2,
            "delivered once, not again"
        );

        // A tampered body does not verify.
        let mut tampered = all[1].1.clone();
        tampered[0] = b' ';
        let header = all[1].0.clone().unwrap();
        let t: i64 = header[2..header.find(',').unwrap()].parse().unwrap();
        assert_ne!(header, signature_of(t, &tampered));
    }
}

#[tokio::test]
async fn an_outage_pause_is_announced_with_the_provider_named() {
    let (addr, received) = receiver().await;
    let url = format!("http://{addr}/hook");
    let app = spawn_app_with_fake(
        crate::helpers::Backend::Sqlite,
        FakeConfig::default(),
        &[
            ("WEBHOOK_URL", url.as_str()),
            ("WEBHOOK_SECRET", SECRET),
            ("OUTAGE_PAUSE_AFTER", "1"),
            ("OUTAGE_BACKOFF_SECS", "3600"),
            ("UPSTREAM_RETRIES", "0"),
        ],
    )
    .await;
    app.fake.as_ref().unwrap().set_outage(&["*"]);
    submit(&app, "iaas", &["Anthropic", "Cohere", "Modal"]).await;
    let all = deliveries(&received, 2).await;
    let notice = verified(&all[1].0, &all[1].1);
    assert_eq!(notice["event"], "job.paused", "{notice}");
    let text = notice["text"].as_str().unwrap();
    assert!(
        text.contains("the LLM endpoint answered HTTP 503"),
        "{text}"
    );
}

#[tokio::test]
async fn a_scheduled_run_that_cannot_start_is_announced_once_with_the_reason() {
    let (addr, received) = receiver().await;
    let url = format!("http://{addr}/hook");
    let app = spawn_app_with_fake(
        crate::helpers::Backend::Sqlite,
        FakeConfig::default(),
        &[
            ("WEBHOOK_URL", url.as_str()),
            ("WEBHOOK_SECRET", SECRET),
            ("PUBLIC_URL", "https://planner.example.com"),
            ("MONTHLY_BUDGET_USD", "0.001"),
        ],
    )
    .await;
    // Written straight to the database: the monthly budget would refuse the job itself.
    let job = territory_planner::server::db::jobs::create(
        &app.state.db,
        crate::engine::new_job("iaas", &["Anthropic"]),
    )
    .await
    .unwrap();
    app.state.engine.start(job.id);
    wait_finished(&app, job.id, Duration::from_secs(30)).await;
    // The job's own notice, refused once and delivered.
    deliveries(&received, 2).await;

    let response = app
        .client
        .post(app.url("/api/schedules"))
        .json(&serde_json::json!({"job_id": job.id, "every_days": 30, "first_run_at": chrono::Utc::now().to_rfc3339()}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let all = deliveries(&received, 3).await;
    let notice = verified(&all[2].0, &all[2].1);
    assert_eq!(notice["event"], "schedule.skipped", "{notice}");
    assert_eq!(notice["schedule"]["job_id"], job.id);
    assert_eq!(
        notice["schedule"]["url"],
        "https://planner.example.com/schedules"
    );
    let reason = notice["schedule"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("the team's monthly budget has $0.000 left")
            && reason.contains("of $0.001"),
        "{reason}"
    );
    let text = notice["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "The scheduled run of \"{}\" did not start: ",
            job.name
        )) && text.contains("The next run is due "),
        "{text}"
    );
    // Announced once, though the scheduler keeps looking.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(received.all.lock().unwrap().len(), 3);
}
