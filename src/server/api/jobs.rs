//! /api/jobs: v1's paths, parameters and field names, plus the new fields.
//! Thin adapters: each parses its input and calls `services::jobs`.

use axum::{
    Json,
    extract::{Multipart, Path, Query, State, rejection::QueryRejection},
    response::IntoResponse,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::openapi::{ErrorBody, UploadForm as UploadSchema};
use crate::{
    domain::{
        budget::MonthBudget,
        table::{CompanyPage, CompanyQuery},
        views::{CompanyView, JobDetail, JobPage, JobView},
    },
    server::{
        auth::Actor,
        guard::is_body_too_large,
        intake::too_large,
        services::{
            export,
            jobs::{self, JobProgress, ListQuery, SingleRequest},
            results,
            uploads::{self, UploadForm},
        },
        state::AppState,
    },
    server_fns::error::AppError,
};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreateParams {
    /// Defaults to the signed-in account's name.
    pub submitted_by: Option<String>,
    pub target_type: Option<String>,
    /// Accepted as an alias of `target_type` (v1 scripts sometimes sent it).
    pub job_type: Option<String>,
    pub company_name: Option<String>,
    pub website: Option<String>,
    /// The most the job may spend, in US dollars (blank or absent: no cap).
    /// It pauses before a company that could take it past the cap.
    pub budget_usd: Option<String>,
}

impl CreateParams {
    fn target(&self) -> Option<String> {
        self.target_type.clone().or_else(|| self.job_type.clone())
    }
}

/// Reads a multipart upload's `file`, `submitted_by` and `target_type` fields.
pub async fn read_multipart(
    mut multipart: Multipart,
    limit: usize,
    form: &mut UploadForm,
) -> Result<(), AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE || is_body_too_large(&e) {
            AppError::TooLarge(too_large(limit))
        } else {
            AppError::BadRequest(format!("The upload could not be read: {e}"))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(unreadable)?;
        let text = || String::from_utf8_lossy(&bytes).trim().to_string();
        match name.as_str() {
            "file" => {
                form.file_name = Some(file_name.unwrap_or_else(|| "upload.csv".into()));
                form.bytes = bytes.to_vec();
            }
            other => form.set_field(other, text()),
        }
    }
    Ok(())
}

/// POST /api/jobs/upload: multipart `file`, plus `submitted_by` and `target_type`
/// as query parameters (v1) or form fields.
#[utoipa::path(post, path = "/api/jobs/upload", tag = "jobs", params(CreateParams), request_body(content_type = "multipart/form-data", content = UploadSchema), responses((status = 200, description = "The job, started", body = JobView), (status = 400, description = "Bad request", body = ErrorBody), (status = 401, description = "Not signed in", body = ErrorBody), (status = 413, description = "File too large", body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<CreateParams>,
    multipart: Multipart,
) -> Result<Json<JobView>, AppError> {
    let mut form = UploadForm {
        target_type: params.target(),
        submitted_by: params.submitted_by.clone(),
        budget_usd: params.budget_usd.clone(),
        ..UploadForm::default()
    };
    read_multipart(multipart, state.config.max_upload_bytes, &mut form).await?;
    Ok(Json(uploads::start_upload(&state, &actor, form).await?))
}

/// POST /api/jobs/single?company_name=...
#[utoipa::path(post, path = "/api/jobs/single", tag = "jobs", params(CreateParams), responses((status = 200, description = "The job, started", body = JobView), (status = 400, description = "Bad request", body = ErrorBody), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn single(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<CreateParams>,
) -> Result<Json<JobView>, AppError> {
    let request = SingleRequest {
        company_name: params.company_name.clone().unwrap_or_default(),
        website: params.website.clone(),
        target_type: params.target(),
        submitted_by: params.submitted_by,
        budget_usd: params.budget_usd,
    };
    Ok(Json(jobs::start_single(&state, &actor, request).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    pub skip: Option<u64>,
    /// 1 to 500; 50 when not given.
    pub limit: Option<u64>,
    pub submitted_by: Option<String>,
    pub job_type: Option<String>,
}

/// GET /api/jobs
#[utoipa::path(get, path = "/api/jobs", tag = "jobs", params(ListParams), responses((status = 200, description = "A page of jobs, newest first", body = JobPage), (status = 400, description = "Bad request", body = ErrorBody), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<ListParams>,
) -> Result<Json<JobPage>, AppError> {
    let query = ListQuery {
        skip: params.skip,
        limit: params.limit,
        submitted_by: params.submitted_by,
        job_type: params.job_type,
    };
    Ok(Json(jobs::list(&state, &actor, query).await?))
}

/// GET /api/jobs/{id}: the job and its companies, ranked by score.
#[utoipa::path(get, path = "/api/jobs/{id}", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "The job and its companies, ranked by score", body = JobDetail), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<JobDetail>, AppError> {
    Ok(Json(jobs::detail(&state, &actor, id).await?))
}

/// GET /api/jobs/{id}/progress
#[utoipa::path(get, path = "/api/jobs/{id}/progress", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Counts and percent done", body = JobProgress), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<JobProgress>, AppError> {
    Ok(Json(jobs::progress(&state, &actor, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartParams {
    /// Ignore cached research and search again.
    pub refresh: Option<bool>,
}

/// POST /api/jobs/{id}/start: runs the failed and unfinished companies again.
#[utoipa::path(post, path = "/api/jobs/{id}/start", tag = "jobs", params(("id" = i32, Path, description = "Job id"), StartParams), responses((status = 200, description = "Failed and unfinished companies queued again", body = serde_json::Value), (status = 400, description = "Bad request", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
    Query(params): Query<StartParams>,
) -> Result<Json<Value>, AppError> {
    let queued = jobs::retry(&state, &actor, id, params.refresh.unwrap_or(false)).await?;
    Ok(Json(
        json!({"message": "Job started", "job_id": id, "companies_queued": queued}),
    ))
}

/// POST /api/jobs/{id}/cancel
#[utoipa::path(post, path = "/api/jobs/{id}/cancel", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Cancellation requested", body = serde_json::Value), (status = 400, description = "Bad request", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<Value>, AppError> {
    jobs::cancel(&state, &actor, id).await?;
    Ok(Json(
        json!({"message": "Cancellation requested", "job_id": id}),
    ))
}

/// POST /api/jobs/{id}/resume: a job paused by an upstream outage, now
/// rather than after its back-off.
#[utoipa::path(post, path = "/api/jobs/{id}/resume", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Resumed: its companies that failed upstream are queued again with the research they kept", body = serde_json::Value), (status = 400, description = "The job is not paused", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn resume(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<Value>, AppError> {
    let queued = jobs::resume(&state, &actor, id).await?;
    Ok(Json(
        json!({"message": "Job resumed", "job_id": id, "companies_queued": queued}),
    ))
}

/// The body of `PUT /api/jobs/{id}/budget`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BudgetBody {
    /// US dollars; null or absent removes the budget.
    #[serde(default)]
    pub budget_usd: Option<f64>,
}

/// PUT /api/jobs/{id}/budget: the most the job may spend. A job paused at its
/// budget goes on when the new one leaves room for a company.
#[utoipa::path(put, path = "/api/jobs/{id}/budget", tag = "jobs", params(("id" = i32, Path, description = "Job id")), request_body = BudgetBody, responses((status = 200, description = "The job with its new budget", body = JobView), (status = 400, description = "The budget is not a sum of dollars, or leaves no room for one more company", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn set_budget(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
    json: Result<Json<BudgetBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<JobView>, AppError> {
    let raw = super::review::body(json)?
        .budget_usd
        .map(|usd| usd.to_string());
    Ok(Json(
        jobs::set_budget(&state, &actor, id, raw.as_deref()).await?,
    ))
}

/// GET /api/spend: the monthly budgets that apply to the caller, with this month's use.
#[utoipa::path(get, path = "/api/spend", tag = "jobs", responses((status = 200, description = "Each monthly budget (team, you) with what was spent and set aside this month; empty without budgets", body = Vec<MonthBudget>), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn spend(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<MonthBudget>>, AppError> {
    Ok(Json(
        crate::server::services::spend::month_budgets(&state, &actor).await?,
    ))
}

/// DELETE /api/jobs/{id}
#[utoipa::path(delete, path = "/api/jobs/{id}", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Job deleted (its research stays in the cache)", body = serde_json::Value), (status = 400, description = "Bad request", body = ErrorBody), (status = 403, description = "Not the job's owner or an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<Value>, AppError> {
    jobs::delete(&state, &actor, id).await?;
    Ok(Json(json!({"message": "Job deleted", "job_id": id})))
}

/// A query string the handler could not read, as a 400 that says what to fix.
fn read_query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, AppError> {
    query
        .map(|Query(value)| value)
        .map_err(|rejection| AppError::BadRequest(rejection.body_text()))
}

/// GET /api/jobs/{id}/companies: one page of the job's companies, sorted and
/// filtered like the job page (the same query on the server).
#[utoipa::path(get, path = "/api/jobs/{id}/companies", tag = "jobs", params(("id" = i32, Path, description = "Job id"), CompanyQuery), responses((status = 200, description = "A page of companies, how many match, and the job's tier counts", body = CompanyPage), (status = 400, description = "Bad request", body = ErrorBody), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn companies(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
    query: Result<Query<CompanyQuery>, QueryRejection>,
) -> Result<Json<CompanyPage>, AppError> {
    let query = read_query(query)?;
    Ok(Json(results::companies(&state, &actor, id, &query).await?))
}

/// GET /api/jobs/{id}/companies/{company_id}: one company with its sources' excerpts and score breakdown.
#[utoipa::path(get, path = "/api/jobs/{id}/companies/{company_id}", tag = "jobs", params(("id" = i32, Path, description = "Job id"), ("company_id" = i32, Path, description = "Company id")), responses((status = 200, description = "The company, with its evidence and score breakdown", body = CompanyView), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn company(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, company_id)): Path<(i32, i32)>,
) -> Result<Json<CompanyView>, AppError> {
    Ok(Json(
        results::company(&state, &actor, id, company_id).await?,
    ))
}

/// GET /api/jobs/{id}/export: a CSV of the companies the query matches, in its
/// order (every page); the job page links here with its own query.
#[utoipa::path(get, path = "/api/jobs/{id}/export", tag = "jobs", params(("id" = i32, Path, description = "Job id"), CompanyQuery), responses((status = 200, description = "CSV of the job, ranked", content_type = "text/csv", body = String), (status = 400, description = "Bad request", body = ErrorBody), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
    query: Result<Query<CompanyQuery>, QueryRejection>,
) -> Result<impl IntoResponse, AppError> {
    let query = read_query(query)?;
    let (file_name, body) = export::export(&state, &actor, id, &query).await?;
    Ok(super::attachment("text/csv", &file_name, body))
}
