//! The REST API (plain axum routes under /api), compatible with v1's scripts.

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post, put},
};

use super::state::AppState;

pub mod budgets;
pub mod cache;
pub mod error;
pub mod events;
pub mod health;
pub mod jobs;
pub mod openapi;
pub mod rerun;
pub mod review;
pub mod schedules;
pub mod studio;

/// A download: `body` as `content_type`, saved as `file_name`.
pub(crate) fn attachment(
    content_type: &str,
    file_name: &str,
    body: String,
) -> impl axum::response::IntoResponse + use<> {
    use axum::http::header;
    (
        [
            (
                header::CONTENT_TYPE,
                format!("{content_type}; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
}

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/api/health", get(health::health))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .route(
            "/api/jobs/upload",
            post(jobs::upload).layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
        )
        .route("/api/jobs/single", post(jobs::single))
        .route("/api/jobs", get(jobs::list))
        .route("/api/jobs/", get(jobs::list))
        .route("/api/jobs/{id}", get(jobs::detail).delete(jobs::delete))
        .route("/api/jobs/{id}/progress", get(jobs::progress))
        .route("/api/jobs/{id}/start", post(jobs::start))
        .route("/api/jobs/{id}/cancel", post(jobs::cancel))
        .route("/api/jobs/{id}/resume", post(jobs::resume))
        .route("/api/jobs/{id}/budget", put(jobs::set_budget))
        .route("/api/spend", get(jobs::spend))
        .route("/api/budgets", get(budgets::get).put(budgets::set))
        .route("/api/jobs/{id}/run-again-plan", get(rerun::plan))
        .route("/api/jobs/{id}/run-again", post(rerun::run_again))
        .route("/api/jobs/{id}/changes", get(rerun::changes))
        .route(
            "/api/jobs/{id}/companies/{company_id}/history",
            get(rerun::history),
        )
        .route("/api/jobs/{id}/companies", get(jobs::companies))
        .route("/api/jobs/{id}/companies/{company_id}", get(jobs::company))
        .route("/api/jobs/{id}/export", get(jobs::export))
        .route("/api/jobs/{id}/retry-plan", get(review::retry_plan))
        .route(
            "/api/jobs/{id}/companies/{company_id}/research",
            post(review::research),
        )
        .route(
            "/api/jobs/{id}/companies/{company_id}/accept",
            post(review::accept),
        )
        .route(
            "/api/jobs/{id}/companies/{company_id}/not-a-company",
            post(review::not_a_company),
        )
        .route(
            "/api/jobs/{id}/companies/{company_id}/tier",
            put(review::set_tier).delete(review::remove_tier),
        )
        .route("/api/review", get(review::queue))
        .route(
            "/api/schedules",
            get(schedules::list).post(schedules::create),
        )
        .route(
            "/api/schedules/{id}",
            axum::routing::delete(schedules::delete),
        )
        .route("/api/rubrics", get(studio::list).post(studio::create))
        .route("/api/rubrics/import", post(studio::import))
        .route("/api/rubrics/{id}", get(studio::version))
        .route("/api/rubrics/{id}/versions", post(studio::save))
        .route("/api/rubrics/{id}/export", get(studio::export))
        .route("/api/jobs/{id}/rescore-plan", get(studio::rescore_plan))
        .route("/api/jobs/{id}/rescore", post(studio::rescore))
        .route("/api/jobs/{id}/backtest", get(studio::backtest_report))
        .route("/api/jobs/{id}/backtest.csv", get(studio::backtest_csv))
        .route("/api/jobs/{id}/events", get(events::events))
        .route("/api/cache", get(cache::list))
        .route("/api/cache/stats", get(cache::stats))
        .route("/api/cache/clear", post(cache::clear))
        .route("/api/cache/{id}", get(cache::entry).delete(cache::delete))
        .route("/api/cache/{id}/refresh", post(cache::refresh))
}
