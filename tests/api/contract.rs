//! The API's contract: an OpenAPI document for every REST route, and server
//! functions that answer a user's mistake with a 4xx, not a 500.

use reqwest::StatusCode;

use crate::helpers::{Backend, spawn_app};

const ROUTES: [(&str, &str); 48] = [
    ("get", "/api/health"),
    ("post", "/api/jobs/upload"),
    ("post", "/api/jobs/single"),
    ("get", "/api/jobs"),
    ("get", "/api/jobs/{id}"),
    ("delete", "/api/jobs/{id}"),
    ("get", "/api/jobs/{id}/progress"),
    ("post", "/api/jobs/{id}/start"),
    ("post", "/api/jobs/{id}/cancel"),
    ("get", "/api/jobs/{id}/companies"),
    ("get", "/api/jobs/{id}/companies/{company_id}"),
    ("get", "/api/jobs/{id}/export"),
    ("get", "/api/jobs/{id}/events"),
    ("get", "/api/jobs/{id}/retry-plan"),
    ("post", "/api/jobs/{id}/companies/{company_id}/research"),
    ("post", "/api/jobs/{id}/companies/{company_id}/accept"),
    (
        "post",
        "/api/jobs/{id}/companies/{company_id}/not-a-company",
    ),
    ("put", "/api/jobs/{id}/companies/{company_id}/tier"),
    ("delete", "/api/jobs/{id}/companies/{company_id}/tier"),
    ("get", "/api/review"),
    ("post", "/api/jobs/{id}/resume"),
    ("put", "/api/jobs/{id}/budget"),
    ("get", "/api/spend"),
    ("get", "/api/budgets"),
    ("put", "/api/budgets"),
    ("get", "/api/schedules"),
    ("post", "/api/schedules"),
    ("delete", "/api/schedules/{id}"),
    ("get", "/api/rubrics"),
    ("post", "/api/rubrics"),
    ("post", "/api/rubrics/import"),
    ("get", "/api/rubrics/{id}"),
    ("post", "/api/rubrics/{id}/versions"),
    ("get", "/api/rubrics/{id}/export"),
    ("get", "/api/jobs/{id}/rescore-plan"),
    ("post", "/api/jobs/{id}/rescore"),
    ("get", "/api/jobs/{id}/backtest"),
    ("get", "/api/jobs/{id}/backtest.csv"),
    ("get", "/api/jobs/{id}/run-again-plan"),
    ("post", "/api/jobs/{id}/run-again"),
    ("get", "/api/jobs/{id}/changes"),
    ("get", "/api/jobs/{id}/companies/{company_id}/history"),
    ("get", "/api/cache"),
    ("get", "/api/cache/stats"),
    ("post", "/api/cache/clear"),
    ("get", "/api/cache/{id}"),
    ("delete", "/api/cache/{id}"),
    ("post", "/api/cache/{id}/refresh"),
];

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for (method, path) in ROUTES {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        assert!(operation["responses"]["200"].is_object(), "{method} {path}");
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(documented, ROUTES.len(), "a documented route is not served");
    let job = &doc["components"]["schemas"]["JobView"]["properties"];
    for field in ["job_type", "total_cost_usd", "cache_hits", "usd_saved"] {
        assert!(job[field].is_object(), "JobView.{field}");
    }
    let query: Vec<&str> = doc["paths"]["/api/jobs/{id}/companies"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in ["skip", "limit", "sort", "order", "tier", "status", "q"] {
        assert!(query.contains(&name), "companies query parameter {name}");
    }
    let company = &doc["components"]["schemas"]["CompanyView"]["properties"];
    for field in [
        "cache_hit",
        "validation_confidence",
        "sources",
        "score_total",
    ] {
        assert!(company[field].is_object(), "CompanyView.{field}");
    }
    // The documented error shape is the one the API answers with.
    let (status, body) = app.call(reqwest::Method::GET, "/api/cache/12345").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["detail"].is_string());
}

#[tokio::test]
async fn server_functions_answer_mistakes_with_4xx() {
    let app = spawn_app(Backend::Sqlite).await;
    let post = |path: &'static str, form: &'static [(&'static str, &'static str)]| {
        let request = app.client.post(app.url(path)).form(form);
        async move { request.send().await.unwrap() }
    };
    let missing = post("/fn/cache_admin/entry", &[("id", "999")]).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body = missing.text().await.unwrap();
    assert!(body.contains("Cache entry 999 not found"), "{body}");

    let blank = post(
        "/fn/jobs/start_single",
        &[
            ("company_name", "  "),
            ("target_type", "iaas"),
            ("submitted_by", ""),
        ],
    )
    .await;
    assert_eq!(blank.status(), StatusCode::BAD_REQUEST);

    let missing_job = post("/fn/jobs/delete", &[("id", "4242")]).await;
    assert_eq!(missing_job.status(), StatusCode::NOT_FOUND);
}
