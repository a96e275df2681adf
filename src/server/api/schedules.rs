//! Schedules: a job's list run again every N days. Thin adapters over
//! `services::schedules`.

use axum::{
    Json,
    extract::{Path, State, rejection::JsonRejection},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{openapi::ErrorBody, review::body};
use crate::{
    domain::schedule::ScheduleView,
    server::{
        auth::Actor,
        services::schedules::{self, ScheduleRequest},
        state::AppState,
    },
    server_fns::error::AppError,
};

/// A schedule for a job's list.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScheduleBody {
    pub job_id: i32,
    /// Whole days between runs, 1 to 366 (90 is a quarter).
    pub every_days: i32,
    /// Each run's budget in USD; none: twice its estimate, within the monthly budgets.
    pub budget_usd: Option<f64>,
    /// The first run: a date (2027-03-01) or an RFC 3339 time; none: one gap from now.
    pub first_run_at: Option<String>,
}

/// GET /api/schedules: every schedule of the team, the next to run first.
#[utoipa::path(get, path = "/api/schedules", tag = "schedules", responses((status = 200, description = "Schedules with their next and last runs", body = Vec<ScheduleView>), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<ScheduleView>>, AppError> {
    Ok(Json(schedules::list(&state, &actor).await?))
}

/// POST /api/schedules: run a job's list again every N days, as the caller.
#[utoipa::path(post, path = "/api/schedules", tag = "schedules", request_body = ScheduleBody, responses((status = 200, description = "The schedule", body = ScheduleView), (status = 400, description = "Days, budget or first run not valid", body = ErrorBody), (status = 404, description = "No such job", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    json: Result<Json<ScheduleBody>, JsonRejection>,
) -> Result<Json<ScheduleView>, AppError> {
    let given = body(json)?;
    let request = ScheduleRequest {
        job_id: given.job_id,
        every_days: given.every_days.to_string(),
        budget_usd: given.budget_usd.map(|b| b.to_string()),
        first_run_at: given.first_run_at,
    };
    Ok(Json(schedules::create(&state, &actor, request).await?))
}

/// DELETE /api/schedules/{id}: stop a schedule (its runs stay).
#[utoipa::path(delete, path = "/api/schedules/{id}", tag = "schedules", params(("id" = i32, Path, description = "Schedule id")), responses((status = 200, description = "Stopped", body = serde_json::Value), (status = 403, description = "Not its creator or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<Value>, AppError> {
    schedules::delete(&state, &actor, id).await?;
    Ok(Json(
        json!({"message": "Schedule stopped", "schedule_id": id}),
    ))
}
