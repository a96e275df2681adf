//! The review queue and a person's corrections of a company; thin adapters
//! over `services::review` (and the retry plan of `services::jobs`).

use axum::{
    Json,
    extract::{Path, Query, State, rejection::JsonRejection},
};
use serde::Deserialize;

use super::openapi::ErrorBody;
use crate::{
    domain::{
        review::ReviewPage,
        rubric::PriorityTier,
        views::{CompanyView, RetryPlan},
    },
    server::{
        auth::Actor,
        services::{
            jobs,
            review::{self, ResearchAgain},
        },
        state::AppState,
    },
    server_fns::error::AppError,
};

/// A JSON body, or a 400 that says what is wrong with it.
pub(super) fn body<T>(json: Result<Json<T>, JsonRejection>) -> Result<T, AppError> {
    json.map(|Json(value)| value)
        .map_err(|rejection| AppError::BadRequest(rejection.body_text()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    pub skip: Option<u64>,
    /// 1 to 200; 50 when not given.
    pub limit: Option<u64>,
}

/// GET /api/review: companies waiting for a person, across jobs.
#[utoipa::path(get, path = "/api/review", tag = "review", params(QueueParams), responses((status = 200, description = "A page of the review queue", body = ReviewPage), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn queue(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<QueueParams>,
) -> Result<Json<ReviewPage>, AppError> {
    Ok(Json(
        review::queue(&state, &actor, params.skip, params.limit).await?,
    ))
}

/// A corrected name, a website, or both.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ResearchBody {
    pub name: Option<String>,
    /// A website or domain, like example.com.
    pub website: Option<String>,
}

/// POST /api/jobs/{id}/companies/{company_id}/research: researches the company again, corrected.
#[utoipa::path(post, path = "/api/jobs/{id}/companies/{company_id}/research", tag = "review", params(("id" = i32, Path, description = "Job id"), ("company_id" = i32, Path, description = "Company id")), request_body = ResearchBody, responses((status = 200, description = "Queued again inside its job", body = CompanyView), (status = 400, description = "Nothing corrected, a bad website, or the company is in research", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn research(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, company_id)): Path<(i32, i32)>,
    json: Result<Json<ResearchBody>, JsonRejection>,
) -> Result<Json<CompanyView>, AppError> {
    let given = body(json)?;
    let request = ResearchAgain {
        name: given.name,
        website: given.website,
    };
    Ok(Json(
        review::research_again(&state, &actor, id, company_id, request).await?,
    ))
}

/// POST /api/jobs/{id}/companies/{company_id}/accept: a verified company, accepted as it is.
#[utoipa::path(post, path = "/api/jobs/{id}/companies/{company_id}/accept", tag = "review", params(("id" = i32, Path, description = "Job id"), ("company_id" = i32, Path, description = "Company id")), responses((status = 200, description = "Out of the review queue, with its score", body = CompanyView), (status = 400, description = "Not a scored company waiting for review", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, company_id)): Path<(i32, i32)>,
) -> Result<Json<CompanyView>, AppError> {
    Ok(Json(review::accept(&state, &actor, id, company_id).await?))
}

/// POST /api/jobs/{id}/companies/{company_id}/not-a-company: ends it as skipped, unranked.
#[utoipa::path(post, path = "/api/jobs/{id}/companies/{company_id}/not-a-company", tag = "review", params(("id" = i32, Path, description = "Job id"), ("company_id" = i32, Path, description = "Company id")), responses((status = 200, description = "Skipped", body = CompanyView), (status = 400, description = "In research, or skipped already", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn not_a_company(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, company_id)): Path<(i32, i32)>,
) -> Result<Json<CompanyView>, AppError> {
    Ok(Json(
        review::not_a_company(&state, &actor, id, company_id).await?,
    ))
}

/// A tier set by hand, and why.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TierBody {
    pub tier: PriorityTier,
    /// Required, at most 500 characters.
    pub note: String,
}

/// PUT /api/jobs/{id}/companies/{company_id}/tier: sets the tier by hand, for this company and rubric in every job.
#[utoipa::path(put, path = "/api/jobs/{id}/companies/{company_id}/tier", tag = "review", params(("id" = i32, Path, description = "Job id"), ("company_id" = i32, Path, description = "Company id")), request_body = TierBody, responses((status = 200, description = "The company with its final tier", body = CompanyView), (status = 400, description = "No note, or the company is unscored", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn set_tier(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, company_id)): Path<(i32, i32)>,
    json: Result<Json<TierBody>, JsonRejection>,
) -> Result<Json<CompanyView>, AppError> {
    let given = body(json)?;
    Ok(Json(
        review::set_override(&state, &actor, id, company_id, given.tier, &given.note).await?,
    ))
}

/// DELETE /api/jobs/{id}/companies/{company_id}/tier: the model's tier counts again.
#[utoipa::path(delete, path = "/api/jobs/{id}/companies/{company_id}/tier", tag = "review", params(("id" = i32, Path, description = "Job id"), ("company_id" = i32, Path, description = "Company id")), responses((status = 200, description = "The company with the model's tier", body = CompanyView), (status = 400, description = "No tier set by hand", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn remove_tier(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, company_id)): Path<(i32, i32)>,
) -> Result<Json<CompanyView>, AppError> {
    Ok(Json(
        review::remove_override(&state, &actor, id, company_id).await?,
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanParams {
    /// The plan of a fresh re-run (every company, without the cache) instead of a retry.
    pub refresh: Option<bool>,
}

/// GET /api/jobs/{id}/retry-plan: what a retry would run and cost, before it runs.
#[utoipa::path(get, path = "/api/jobs/{id}/retry-plan", tag = "jobs", params(("id" = i32, Path, description = "Job id"), PlanParams), responses((status = 200, description = "Companies, searches and price of the retry; unverified companies wait for review", body = RetryPlan), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn retry_plan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
    Query(params): Query<PlanParams>,
) -> Result<Json<RetryPlan>, AppError> {
    Ok(Json(
        jobs::retry_plan(&state, &actor, id, params.refresh.unwrap_or(false)).await?,
    ))
}
