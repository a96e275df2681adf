//! The REST API (plain axum routes under /api).

use axum::{Router, routing::get};

use super::state::AppState;

pub mod health;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/health", get(health::health))
}
