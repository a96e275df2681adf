//! Re-runs with history: run a finished job's list again, see what changed
//! since the last run, and a company's scores across runs. Thin adapters
//! over `services::rerun`.

use axum::{
    Json,
    extract::{Path, State},
};

use super::openapi::ErrorBody;
use crate::{
    domain::{
        changes::{HistoryPoint, JobChanges},
        views::{Estimate, JobView},
    },
    server::{auth::Actor, services::rerun, state::AppState},
    server_fns::error::AppError,
};

/// GET /api/jobs/{id}/run-again-plan: what running the list again would cost, before it runs.
#[utoipa::path(get, path = "/api/jobs/{id}/run-again-plan", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Companies, searches and price of the re-run (the research cache serves what it still holds)", body = Estimate), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<Estimate>, AppError> {
    Ok(Json(rerun::plan(&state, &actor, id).await?))
}

/// POST /api/jobs/{id}/run-again: a new job of the same companies, linked to this one.
#[utoipa::path(post, path = "/api/jobs/{id}/run-again", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "The new job, started", body = JobView), (status = 400, description = "The job has not finished", body = ErrorBody), (status = 402, description = "A monthly budget has less left than the re-run's estimate", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn run_again(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<JobView>, AppError> {
    Ok(Json(rerun::run_again(&state, &actor, id).await?))
}

/// GET /api/jobs/{id}/changes: what changed since the run before this one.
#[utoipa::path(get, path = "/api/jobs/{id}/changes", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "New HOT companies, tier moves up and down, companies that dropped out, with score changes (empty lists for a job that runs no earlier list)", body = JobChanges), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<JobChanges>, AppError> {
    Ok(Json(rerun::changes(&state, &actor, id).await?))
}

/// GET /api/jobs/{id}/companies/{company_id}/history: the company's scores in every job of this rubric.
#[utoipa::path(get, path = "/api/jobs/{id}/companies/{company_id}/history", tag = "jobs", params(("id" = i32, Path, description = "Job id"), ("company_id" = i32, Path, description = "Company id")), responses((status = 200, description = "Date, job, score and final tier of every scored run, oldest first", body = Vec<HistoryPoint>), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, company_id)): Path<(i32, i32)>,
) -> Result<Json<Vec<HistoryPoint>>, AppError> {
    Ok(Json(
        rerun::company_history(&state, &actor, id, company_id).await?,
    ))
}
