//! /api/jobs: v1's paths, parameters and field names, plus the new fields.

use axum::{
    Json,
    extract::{Multipart, Path, Query, State},
    http::header,
    response::IntoResponse,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    error::ApiError,
    openapi::{ErrorBody, UploadForm},
};
use crate::{
    domain::{
        company_name::{CompanyName, NameError, website_host},
        job::JobStatus,
        views::{CompanyView, JobDetail, JobPage, JobView, rank},
    },
    server::{
        db::{
            companies,
            jobs::{self, NewCompany, NewJob},
            views::{company_view, job_view},
        },
        intake::{read_upload, submitter, too_large, upload_job},
        state::AppState,
    },
};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreateParams {
    pub submitted_by: Option<String>,
    pub target_type: Option<String>,
    /// Accepted as an alias of `target_type` (v1 scripts sometimes sent it).
    pub job_type: Option<String>,
    pub company_name: Option<String>,
    pub website: Option<String>,
}

fn target(state: &AppState, params: &CreateParams) -> Result<String, ApiError> {
    let given = params
        .target_type
        .as_deref()
        .or(params.job_type.as_deref())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("iaas");
    if state.engine.rubrics().get(given).is_none() {
        let known: Vec<&str> = state.engine.rubrics().ids().collect();
        return Err(ApiError::BadRequest(format!(
            "Invalid target_type {given:?}. Must be one of: {}",
            known.join(", ")
        )));
    }
    Ok(given.to_string())
}

/// POST /api/jobs/upload: multipart `file`, plus `submitted_by` and `target_type`
/// as query parameters (v1) or form fields.
#[utoipa::path(post, path = "/api/jobs/upload", tag = "jobs", params(CreateParams), request_body(content_type = "multipart/form-data", content = UploadForm), responses((status = 200, description = "The job, started", body = JobView), (status = 400, description = "Bad request", body = ErrorBody), (status = 413, description = "File too large", body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    Query(mut params): Query<CreateParams>,
    mut multipart: Multipart,
) -> Result<Json<JobView>, ApiError> {
    let limit = state.config.max_upload_bytes;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::BadRequest(format!("The upload could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(too_large(limit))
            } else {
                ApiError::BadRequest(format!("The upload could not be read: {e}"))
            }
        })?;
        match name.as_str() {
            "file" => {
                file = Some((
                    file_name.unwrap_or_else(|| "upload.csv".into()),
                    bytes.to_vec(),
                ))
            }
            "submitted_by" => {
                params.submitted_by = Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            "target_type" | "job_type" => {
                params.target_type = Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            _ => {}
        }
    }
    let (file_name, bytes) = file.ok_or_else(|| {
        ApiError::BadRequest("Attach the CSV as the multipart field \"file\".".into())
    })?;
    let target_type = target(&state, &params)?;
    let (parsed, converted) = read_upload(
        &file_name,
        &bytes,
        limit,
        state.config.max_companies_per_job,
    )?;
    if let Some(from) = converted {
        tracing::info!(file = %file_name, from, "converted an uploaded CSV to UTF-8");
    }
    let job = state
        .engine
        .submit(upload_job(
            &file_name,
            parsed,
            target_type,
            params.submitted_by.as_deref().unwrap_or_default(),
        ))
        .await?;
    Ok(Json(job_view(&job)))
}

/// POST /api/jobs/single?company_name=...
#[utoipa::path(post, path = "/api/jobs/single", tag = "jobs", params(CreateParams), responses((status = 200, description = "The job, started", body = JobView), (status = 400, description = "Bad request", body = ErrorBody)))]
pub async fn single(
    State(state): State<AppState>,
    Query(params): Query<CreateParams>,
) -> Result<Json<JobView>, ApiError> {
    let name = CompanyName::parse(params.company_name.as_deref().unwrap_or_default()).map_err(
        |e| match e {
            NameError::Empty => ApiError::BadRequest("Company name is required".into()),
            NameError::TooLong => ApiError::BadRequest(e.to_string()),
        },
    )?;
    let target_type = target(&state, &params)?;
    let website = params
        .website
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| {
            website_host(w).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "{w:?} is not a website; use a form like example.com"
                ))
            })
        })
        .transpose()?;
    let job = state
        .engine
        .submit(NewJob {
            name: format!("Single Company: {name}"),
            target_type,
            submitted_by: submitter(params.submitted_by.as_deref().unwrap_or_default()),
            original_filename: None,
            companies: vec![NewCompany { name, website }],
            refresh_cache: false,
        })
        .await?;
    Ok(Json(job_view(&job)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    pub skip: Option<u64>,
    pub limit: Option<u64>,
    pub submitted_by: Option<String>,
    pub job_type: Option<String>,
}

/// GET /api/jobs
#[utoipa::path(get, path = "/api/jobs", tag = "jobs", params(ListParams), responses((status = 200, description = "A page of jobs, newest first", body = JobPage), (status = 400, description = "Bad request", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<JobPage>, ApiError> {
    let job_type = params.job_type.as_deref().filter(|t| !t.is_empty());
    if let Some(kind) = job_type
        && state.engine.rubrics().get(kind).is_none()
    {
        return Err(ApiError::BadRequest(format!("Invalid job_type {kind:?}")));
    }
    let limit = params.limit.unwrap_or(50).clamp(1, 500);
    let (rows, total) = jobs::list(
        &state.db,
        params.skip.unwrap_or(0),
        limit,
        params.submitted_by.as_deref().filter(|s| !s.is_empty()),
        job_type,
    )
    .await?;
    Ok(Json(JobPage {
        jobs: rows.iter().map(job_view).collect(),
        total,
    }))
}

async fn find_job(
    state: &AppState,
    id: i32,
) -> Result<crate::server::db::entities::job::Model, ApiError> {
    jobs::find(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("Job not found".into()))
}

pub async fn load_detail(state: &AppState, id: i32) -> Result<JobDetail, ApiError> {
    let job = find_job(state, id).await?;
    let mut companies: Vec<CompanyView> = companies::for_job(&state.db, id)
        .await?
        .iter()
        .map(company_view)
        .collect();
    rank(&mut companies);
    Ok(JobDetail {
        job: job_view(&job),
        companies,
    })
}

/// GET /api/jobs/{id}: the job and its companies, ranked by score.
#[utoipa::path(get, path = "/api/jobs/{id}", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "The job and its companies, ranked by score", body = JobDetail), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Result<Json<JobDetail>, ApiError> {
    Ok(Json(load_detail(&state, id).await?))
}

/// GET /api/jobs/{id}/progress
#[utoipa::path(get, path = "/api/jobs/{id}/progress", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Counts and percent done", body = serde_json::Value), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Result<Json<Value>, ApiError> {
    let job = find_job(&state, id).await?;
    let view = job_view(&job);
    Ok(Json(json!({
        "id": view.id,
        "status": view.status,
        "total": view.total_companies,
        "completed": view.completed_companies,
        "failed": view.failed_companies,
        "cancelled": view.cancelled_companies,
        "pending": view.pending_companies,
        "progress_percent": view.progress_percent,
    })))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartParams {
    /// Ignore cached research and search again.
    pub refresh: Option<bool>,
}

/// POST /api/jobs/{id}/start: runs the failed and unfinished companies again.
#[utoipa::path(post, path = "/api/jobs/{id}/start", tag = "jobs", params(("id" = i32, Path, description = "Job id"), StartParams), responses((status = 200, description = "Failed and unfinished companies queued again", body = serde_json::Value), (status = 400, description = "Bad request", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(params): Query<StartParams>,
) -> Result<Json<Value>, ApiError> {
    let requeued = state
        .engine
        .retry(id, params.refresh.unwrap_or(false))
        .await?;
    Ok(Json(
        json!({"message": "Job started", "job_id": id, "companies_queued": requeued}),
    ))
}

/// POST /api/jobs/{id}/cancel
#[utoipa::path(post, path = "/api/jobs/{id}/cancel", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Cancellation requested", body = serde_json::Value), (status = 400, description = "Bad request", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Result<Json<Value>, ApiError> {
    state.engine.cancel(id).await?;
    Ok(Json(
        json!({"message": "Cancellation requested", "job_id": id}),
    ))
}

/// DELETE /api/jobs/{id}
#[utoipa::path(delete, path = "/api/jobs/{id}", tag = "jobs", params(("id" = i32, Path, description = "Job id")), responses((status = 200, description = "Job deleted (its research stays in the cache)", body = serde_json::Value), (status = 400, description = "Bad request", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Result<Json<Value>, ApiError> {
    let job = find_job(&state, id).await?;
    if job.status == JobStatus::Running.as_str() || job.status == JobStatus::Pending.as_str() {
        return Err(ApiError::BadRequest(
            "Cannot delete a running job. Cancel it first.".into(),
        ));
    }
    jobs::delete(&state.db, id).await?;
    Ok(Json(json!({"message": "Job deleted", "job_id": id})))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    pub tier: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
}

/// GET /api/jobs/{id}/export: a CSV of the job (optionally of the current filter).
#[utoipa::path(get, path = "/api/jobs/{id}/export", tag = "jobs", params(("id" = i32, Path, description = "Job id"), ExportParams), responses((status = 200, description = "CSV of the job, ranked", content_type = "text/csv", body = String), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    Query(params): Query<ExportParams>,
) -> Result<impl IntoResponse, ApiError> {
    let detail = load_detail(&state, id).await?;
    let rubric = state.engine.rubrics().get(&detail.job.job_type);
    let filter = super::export::Filter {
        tier: params.tier.filter(|t| !t.is_empty()),
        status: params.status.filter(|s| !s.is_empty()),
        query: params.q.filter(|q| !q.is_empty()),
    };
    let body = super::export::render(&detail, rubric.as_deref(), &filter)
        .map_err(|e| ApiError::internal("writing the CSV export", e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"research_results_{id}.csv\""),
            ),
        ],
        body,
    ))
}
