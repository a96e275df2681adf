//! GET /api/health: really asks the database, answers 200 or 503 with the reason.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::server::state::AppState;

const DB_CHECK_TIMEOUT: Duration = Duration::from_secs(3);

#[utoipa::path(get, path = "/api/health", tag = "health", security(()), responses((status = 200, description = "The database answers", body = serde_json::Value), (status = 503, description = "The database does not answer; the reason is given", body = serde_json::Value)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let backend = state.db.get_database_backend();
    let query = state
        .db
        .query_one_raw(Statement::from_string(backend, "SELECT 1"));
    let database = match tokio::time::timeout(DB_CHECK_TIMEOUT, query).await {
        Ok(Ok(Some(_))) => Ok(()),
        Ok(Ok(None)) => Err("the database answered SELECT 1 with no row".to_string()),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check: database query failed");
            Err("the database query failed; see the server log".to_string())
        }
        Err(_) => Err(format!(
            "the database did not answer within {}s",
            DB_CHECK_TIMEOUT.as_secs()
        )),
    };
    let version = env!("CARGO_PKG_VERSION");
    let backend_name = state.config.database_backend();
    match database {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({
                "status": "healthy",
                "version": version,
                "services": {"database": "connected", "database_backend": backend_name, "api": "running"},
            })),
        ),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "unhealthy",
                "version": version,
                "detail": reason,
                "services": {"database": "unavailable", "database_backend": backend_name, "api": "running"},
            })),
        ),
    }
}
