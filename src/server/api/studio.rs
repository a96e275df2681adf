//! The ICP studio over REST: rubrics and their versions, TOML in and out,
//! re-scores from stored evidence, and back-test reports. Thin adapters over
//! `services::{rubrics, rescore, backtest}`.

use axum::{
    Json,
    extract::{Path, Query, State, rejection::JsonRejection},
    response::IntoResponse,
};
use serde::Deserialize;

use super::{openapi::ErrorBody, review::body};
use crate::{
    domain::{
        backtest_report::BacktestReport,
        rubric::Rubric,
        studio::{RescorePlan, RubricSummary, RubricVersionView},
        views::JobView,
    },
    server::{
        auth::Actor,
        services::{backtest, jobs::budget_cap, rescore, rubrics},
        state::AppState,
    },
    server_fns::error::AppError,
};

/// Which version: none means the latest.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VersionQuery {
    pub version: Option<i32>,
}

/// A new version of a rubric.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SaveBody {
    pub rubric: Rubric,
    /// The version the change was made to (a later save by someone else is not overwritten).
    pub based_on: i32,
    /// What changed, for the history.
    pub note: Option<String>,
}

/// A new rubric, or a copy of a version.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateBody {
    /// The whole rubric (its id may be empty: it is made from the name).
    pub rubric: Option<Rubric>,
    /// Copy this version instead, under `label`.
    pub clone_of: Option<i32>,
    pub label: Option<String>,
}

/// A re-score's rubric version and budget.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RescoreBody {
    pub version_id: i32,
    pub budget_usd: Option<f64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RescoreQuery {
    pub version_id: i32,
}

/// GET /api/rubrics: every rubric with its latest version.
#[utoipa::path(get, path = "/api/rubrics", tag = "rubrics", responses((status = 200, description = "Rubrics", body = Vec<RubricSummary>), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<RubricSummary>>, AppError> {
    Ok(Json(rubrics::list(&state, &actor).await?))
}

/// POST /api/rubrics: a new rubric (version 1), or a copy of a version.
#[utoipa::path(post, path = "/api/rubrics", tag = "rubrics", request_body = CreateBody, responses((status = 200, description = "The new rubric's first version", body = RubricVersionView), (status = 400, description = "The rubric cannot score; the message lists what to fix", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    actor: Actor,
    json: Result<Json<CreateBody>, JsonRejection>,
) -> Result<Json<RubricVersionView>, AppError> {
    let given = body(json)?;
    let view = match (given.clone_of, given.rubric) {
        (Some(version), _) => {
            rubrics::clone_version(
                &state,
                &actor,
                version,
                given.label.as_deref().unwrap_or(""),
            )
            .await?
        }
        (None, Some(rubric)) => rubrics::create(&state, &actor, rubric, None).await?,
        (None, None) => {
            return Err(AppError::BadRequest(
                "Send a rubric, or clone_of with a version id and a label.".into(),
            ));
        }
    };
    Ok(Json(view))
}

/// GET /api/rubrics/{id}: a version (the latest unless `version` is given) with the history.
#[utoipa::path(get, path = "/api/rubrics/{id}", tag = "rubrics", params(("id" = String, Path, description = "Rubric id"), VersionQuery), responses((status = 200, description = "The version", body = RubricVersionView), (status = 404, description = "No such rubric or version", body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<Json<RubricVersionView>, AppError> {
    Ok(Json(
        rubrics::version(&state, &actor, &id, query.version).await?,
    ))
}

/// POST /api/rubrics/{id}/versions: save a new version (versions never change).
#[utoipa::path(post, path = "/api/rubrics/{id}/versions", tag = "rubrics", params(("id" = String, Path, description = "Rubric id")), request_body = SaveBody, responses((status = 200, description = "The saved version", body = RubricVersionView), (status = 400, description = "Invalid, unchanged, or saved by someone else meanwhile", body = ErrorBody), (status = 403, description = "A built-in rubric, and not an admin", body = ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    json: Result<Json<SaveBody>, JsonRejection>,
) -> Result<Json<RubricVersionView>, AppError> {
    let given = body(json)?;
    Ok(Json(
        rubrics::save(
            &state,
            &actor,
            &id,
            given.rubric,
            given.based_on,
            given.note,
        )
        .await?,
    ))
}

/// GET /api/rubrics/{id}/export: a version as TOML (the format of `rubrics/`).
#[utoipa::path(get, path = "/api/rubrics/{id}/export", tag = "rubrics", params(("id" = String, Path, description = "Rubric id"), VersionQuery), responses((status = 200, description = "TOML", content_type = "application/toml", body = String), (status = 404, description = "No such rubric or version", body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<impl IntoResponse, AppError> {
    let (file_name, text) = rubrics::export_toml(&state, &actor, &id, query.version).await?;
    Ok(super::attachment("application/toml", &file_name, text))
}

/// POST /api/rubrics/import: a TOML rubric (the body), as a new rubric or the next version of its id.
#[utoipa::path(post, path = "/api/rubrics/import", tag = "rubrics", request_body(content = String, content_type = "application/toml"), responses((status = 200, description = "The saved version", body = RubricVersionView), (status = 400, description = "Not a rubric, or it cannot score", body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    actor: Actor,
    text: String,
) -> Result<Json<RubricVersionView>, AppError> {
    Ok(Json(rubrics::import_toml(&state, &actor, &text).await?))
}

/// GET /api/jobs/{id}/rescore-plan: what re-scoring with a version would do and cost.
#[utoipa::path(get, path = "/api/jobs/{id}/rescore-plan", tag = "rubrics", params(("id" = i32, Path, description = "Job id"), RescoreQuery), responses((status = 200, description = "Scoring calls, reused scores and price; never a search", body = RescorePlan), (status = 400, description = "Not finished, or no stored evidence", body = ErrorBody)))]
pub async fn rescore_plan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
    Query(query): Query<RescoreQuery>,
) -> Result<Json<RescorePlan>, AppError> {
    Ok(Json(
        rescore::plan(&state, &actor, id, query.version_id).await?,
    ))
}

/// POST /api/jobs/{id}/rescore: re-score from stored evidence as a new, linked job.
#[utoipa::path(post, path = "/api/jobs/{id}/rescore", tag = "rubrics", params(("id" = i32, Path, description = "Job id")), request_body = RescoreBody, responses((status = 200, description = "The new job", body = JobView), (status = 400, description = "Not finished, or no stored evidence", body = ErrorBody), (status = 402, description = "Over a monthly budget", body = ErrorBody)))]
pub async fn rescore(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
    json: Result<Json<RescoreBody>, JsonRejection>,
) -> Result<Json<JobView>, AppError> {
    let given = body(json)?;
    let budget = budget_cap(given.budget_usd.map(|b| b.to_string()).as_deref())?;
    Ok(Json(
        rescore::start(&state, &actor, id, given.version_id, budget).await?,
    ))
}

/// GET /api/jobs/{id}/backtest: the back-test report of a labelled job.
#[utoipa::path(get, path = "/api/jobs/{id}/backtest", tag = "rubrics", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Tier-by-outcome table, precision and recall of HOT+WARM, ROC AUC, score distributions, worst misses", body = BacktestReport), (status = 400, description = "The job has no outcomes", body = ErrorBody)))]
pub async fn backtest_report(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<BacktestReport>, AppError> {
    Ok(Json(backtest::report(&state, &actor, id).await?))
}

/// GET /api/jobs/{id}/backtest.csv: the back-test's figures as CSV.
#[utoipa::path(get, path = "/api/jobs/{id}/backtest.csv", tag = "rubrics", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "kind,label,positives,negatives,value", content_type = "text/csv", body = String), (status = 400, description = "The job has no outcomes", body = ErrorBody)))]
pub async fn backtest_csv(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<impl IntoResponse, AppError> {
    let (file_name, body) = backtest::export_csv(&state, &actor, id).await?;
    Ok(super::attachment("text/csv", &file_name, body))
}
