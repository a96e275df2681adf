//! Cross-site and host protection: a page on another origin changes nothing,
//! a wrong Host is refused, and every answer carries the security headers.

use reqwest::{Method, StatusCode};
use territory_planner::server::fake_upstream::FakeConfig;

use crate::helpers::{
    Backend, TestApp, anonymous_client, backends, spawn_app_with, spawn_app_with_fake,
};

const EVIL: &str = "https://evil.example";

/// Every state-changing REST route (from the OpenAPI document, which a
/// contract test keeps equal to the router), with `{id}` filled in.
async fn rest_doors(app: &TestApp, job: i64, entry: i64) -> Vec<(Method, String)> {
    let doc = app.get_json("/api/openapi.json").await;
    let mut doors = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            if method == Method::GET {
                continue;
            }
            let id = if path.starts_with("/api/cache") {
                entry
            } else {
                job
            };
            doors.push((method, path.replace("{id}", &id.to_string())));
        }
    }
    assert!(doors.len() >= 8, "{doors:?}");
    doors
}

/// Every server function (all are POSTs).
fn server_function_doors() -> Vec<String> {
    let paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    assert!(paths.len() >= 25, "{paths:?}");
    assert!(paths.iter().all(|p| p.starts_with("/fn/")), "{paths:?}");
    paths
}

/// A finished job and a cache entry to aim at, and the fake's search count.
async fn target(app: &TestApp) -> (i64, i64, u64) {
    let job_id = app.research_one(&app.client, "Cohere").await["id"]
        .as_i64()
        .unwrap();
    let cache = app.get_json("/api/cache").await;
    let entry = cache["entries"][0]["id"]
        .as_i64()
        .expect("Cohere is cached");
    (
        job_id,
        entry,
        app.fake.as_ref().unwrap().stats().total.searches,
    )
}

async fn nothing_changed(app: &TestApp, job: i64, searches: u64, users: usize) {
    let (status, _) = app.call(Method::GET, &format!("/api/jobs/{job}")).await;
    assert_eq!(status, StatusCode::OK, "the job is still there");
    let cache = app.get_json("/api/cache/stats").await;
    assert_eq!(cache["entries"], 1, "the cache is not cleared: {cache}");
    assert_eq!(
        app.fake.as_ref().unwrap().stats().total.searches,
        searches,
        "no search was made"
    );
    let jobs = app.get_json("/api/jobs").await;
    assert_eq!(jobs["total"], 1, "no job was started: {jobs}");
    let count = territory_planner::server::db::accounts::list_users(&app.state.db)
        .await
        .unwrap()
        .len();
    assert_eq!(count, users, "no account was made");
}

#[tokio::test]
async fn a_page_on_another_origin_changes_nothing_through_any_door() {
    for backend in backends() {
        let app = spawn_app_with_fake(backend, FakeConfig::default(), &[]).await;
        let (job, entry, searches) = target(&app).await;
        let cookie = app
            .sign_in(&app.admin.email, &app.admin.password)
            .await
            .unwrap();
        let users = 1;
        let client = anonymous_client();
        let mut tried = 0;
        let rest = rest_doors(&app, job, entry).await;
        let fns = server_function_doors();
        let doors = rest
            .into_iter()
            .chain(fns.into_iter().map(|p| (Method::POST, p)));
        for (method, path) in doors {
            let form_post = client
                .request(method.clone(), app.url(&path))
                .header("Cookie", &cookie)
                .header("Origin", EVIL)
                .header("Sec-Fetch-Site", "cross-site")
                .form(&[
                    ("id", job.to_string()),
                    ("company_name", "Evil Corp".into()),
                    ("expired_only", "false".into()),
                ]);
            let bare_post = client
                .request(method.clone(), app.url(&path))
                .header("Cookie", &cookie)
                .header("Origin", EVIL);
            for request in [form_post, bare_post] {
                let response = request.send().await.unwrap();
                assert_eq!(
                    response.status(),
                    StatusCode::FORBIDDEN,
                    "{backend:?} {method} {path}"
                );
                let body = response.text().await.unwrap();
                assert!(
                    body.contains("did not come from Territory Planner"),
                    "{path}: {body}"
                );
                tried += 1;
            }
        }
        assert!(tried >= 60, "{tried}");
        // Sec-Fetch-Site alone (no Origin) from another site is refused too,
        // and a cookie request with neither header.
        for headers in [vec![("Sec-Fetch-Site", "same-site")], vec![]] {
            let mut request = client
                .post(app.url("/api/cache/clear?expired_only=false"))
                .header("Cookie", &cookie);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            assert_eq!(
                request.send().await.unwrap().status(),
                StatusCode::FORBIDDEN
            );
        }
        nothing_changed(&app, job, searches, users).await;

        // The same requests from the app's own page go through.
        let own = client
            .post(app.url("/api/cache/clear?expired_only=false"))
            .header("Cookie", &cookie)
            .header("Origin", app.origin())
            .send()
            .await
            .unwrap();
        assert_eq!(own.status(), StatusCode::OK, "{backend:?}");
    }
}

#[tokio::test]
async fn the_local_mode_without_sign_in_still_refuses_other_sites() {
    let app = spawn_app_with_fake(
        Backend::Sqlite,
        FakeConfig::default(),
        &[("AUTH_MODE", "off")],
    )
    .await;
    let (job, _, searches) = target(&app).await;
    let client = anonymous_client();
    for (method, path) in [
        (
            Method::POST,
            "/api/jobs/single?company_name=Evil".to_string(),
        ),
        (Method::DELETE, format!("/api/jobs/{job}")),
        (
            Method::POST,
            "/api/cache/clear?expired_only=false".to_string(),
        ),
        (Method::POST, "/fn/cache_admin/clear".to_string()),
    ] {
        let response = client
            .request(method, app.url(&path))
            .header("Origin", EVIL)
            .form(&[("expired_only", "false")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    nothing_changed(&app, job, searches, 1).await;
    // v1's curl commands (no Origin, no cookie) work in the local mode without a token.
    let curl = client.get(app.url("/api/jobs")).send().await.unwrap();
    assert_eq!(curl.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_host_is_refused_dns_rebinding_reads_nothing() {
    let app = spawn_app_with(Backend::Sqlite, &[]).await;
    for (method, path) in [
        (Method::GET, "/api/jobs"),
        (Method::GET, "/"),
        (Method::POST, "/api/cache/clear"),
    ] {
        let response = app
            .client
            .request(method, app.url(path))
            .header("Host", "evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        // Refusals carry the security headers too.
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        let body = response.text().await.unwrap();
        assert!(body.contains("does not answer to the host name"), "{body}");
    }
    // localhost names with the right port are the app's own.
    let local = app
        .client
        .get(app.url("/api/jobs"))
        .header("Host", format!("localhost:{}", app.addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(local.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_and_every_answer_the_security_headers() {
    let app = spawn_app_with(Backend::Sqlite, &[]).await;
    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let html = page.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a script nonce");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    for part in [
        "frame-ancestors 'none'",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    for path in ["/", "/api/jobs", "/api/health"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
    }
}
