//! Server functions behind the dashboard and the job page. They reuse the
//! REST layer's queries and the intake, and map failures to [`AppError`].

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use super::error::AppError;
use crate::domain::views::{JobDetail, JobPage, JobView, TargetTypeView, UploadPreview};

#[cfg(feature = "ssr")]
mod server {
    pub use crate::server::{
        api::{error::ApiError, jobs::load_detail},
        db::{
            cache,
            jobs::{self, NewCompany, NewJob},
            views::job_view,
        },
        intake::{IntakeError, read_upload, submitter, upload_job},
        state::AppState,
    };

    pub fn state() -> AppState {
        leptos::prelude::expect_context::<AppState>()
    }

    impl From<IntakeError> for super::AppError {
        fn from(error: IntakeError) -> Self {
            super::AppError::BadRequest(error.to_string())
        }
    }

    impl From<crate::server::engine::EngineError> for super::AppError {
        fn from(error: crate::server::engine::EngineError) -> Self {
            ApiError::from(error).into()
        }
    }

    /// The fields of an upload form: file (name, bytes), target type, submitter.
    pub struct UploadForm {
        pub file_name: String,
        pub bytes: Vec<u8>,
        pub target_type: String,
        pub submitted_by: String,
    }

    fn unreadable(error: impl std::fmt::Display) -> super::AppError {
        super::AppError::BadRequest(format!("The upload could not be read: {error}"))
    }

    pub async fn read_form(
        data: leptos::server_fn::codec::MultipartData,
    ) -> Result<UploadForm, super::AppError> {
        let mut multipart = data.into_inner().ok_or(super::AppError::Internal)?;
        let mut form = UploadForm {
            file_name: String::new(),
            bytes: Vec::new(),
            target_type: "iaas".into(),
            submitted_by: String::new(),
        };
        while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(unreadable)?;
            match name.as_str() {
                "file" => {
                    form.file_name = file_name.unwrap_or_else(|| "upload.csv".into());
                    form.bytes = bytes.to_vec();
                }
                "target_type" => {
                    form.target_type = String::from_utf8_lossy(&bytes).trim().to_string()
                }
                "submitted_by" => {
                    form.submitted_by = String::from_utf8_lossy(&bytes).trim().to_string()
                }
                _ => {}
            }
        }
        if form.file_name.is_empty() {
            return Err(super::AppError::BadRequest(
                "Choose a CSV file first.".into(),
            ));
        }
        Ok(form)
    }
}

#[server(endpoint = "jobs/list")]
#[tracing::instrument]
pub async fn list_jobs(
    skip: u64,
    limit: u64,
    submitted_by: Option<String>,
    job_type: Option<String>,
) -> Result<JobPage, AppError> {
    let state = server::state();
    let (rows, total) = server::jobs::list(
        &state.db,
        skip,
        limit.clamp(1, 100),
        submitted_by
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty()),
        job_type.as_deref().filter(|s| !s.is_empty()),
    )
    .await
    .map_err(|e| AppError::internal("listing jobs", e))?;
    Ok(JobPage {
        jobs: rows.iter().map(server::job_view).collect(),
        total,
    })
}

#[server(endpoint = "jobs/detail")]
#[tracing::instrument]
pub async fn get_job_detail(id: i32) -> Result<JobDetail, AppError> {
    Ok(server::load_detail(&server::state(), id).await?)
}

#[server(endpoint = "jobs/target_types")]
#[tracing::instrument]
pub async fn target_types() -> Result<Vec<TargetTypeView>, AppError> {
    let state = server::state();
    Ok(state
        .engine
        .rubrics()
        .all()
        .map(|r| TargetTypeView {
            id: r.id.clone(),
            label: r.label.clone(),
            description: r.description.clone(),
            criteria: r
                .criteria
                .iter()
                .iter()
                .map(|(_, c)| (c.label.clone(), c.max))
                .collect(),
            priority_labels: crate::domain::rubric::PriorityTier::ALL
                .iter()
                .map(|t| (t.as_str().to_string(), r.priority_label(*t).to_string()))
                .collect(),
        })
        .collect())
}

/// Reads an uploaded CSV and says what a job would hold and cost. Starts nothing.
#[server(endpoint = "jobs/preview", input = MultipartFormData)]
pub async fn preview_upload(data: MultipartData) -> Result<UploadPreview, AppError> {
    use crate::domain::company_name::cache_key;
    let state = server::state();
    let form = server::read_form(data).await?;
    let (parsed, converted) = server::read_upload(
        &form.file_name,
        &form.bytes,
        state.config.max_upload_bytes,
        state.config.max_companies_per_job,
    )?;
    let companies = parsed.companies.len();
    let already_cached = if state.config.cache_enabled {
        let keys: Vec<String> = parsed
            .companies
            .iter()
            .map(|c| cache_key(c.name.as_str(), c.website.as_deref()))
            .collect();
        server::cache::count_servable(&state.db, &form.target_type, &keys, chrono::Utc::now())
            .await
            .map_err(|e| AppError::internal("counting cached companies", e))?
    } else {
        0
    };
    let to_research = companies - already_cached;
    let pricing = state.engine.settings().pricing;
    let estimated_credits = 2.0 * to_research as f64;
    let llm_usd = companies as f64
        * (6_000.0 * pricing.usd_per_million_prompt_tokens
            + 700.0 * pricing.usd_per_million_completion_tokens)
        / 1e6;
    Ok(UploadPreview {
        file_name: form.file_name,
        rows_read: parsed.rows_read,
        blank: parsed.blank,
        duplicates: parsed.duplicates,
        too_long: parsed.too_long,
        companies,
        already_cached,
        to_research,
        estimated_credits,
        estimated_usd: estimated_credits * pricing.usd_per_credit + llm_usd,
        converted_from: converted.map(str::to_string),
        sample: parsed
            .companies
            .iter()
            .take(8)
            .map(|c| c.name.to_string())
            .collect(),
    })
}

/// Starts a job from an uploaded CSV (the same form as the preview).
#[server(endpoint = "jobs/start_upload", input = MultipartFormData)]
pub async fn start_upload(data: MultipartData) -> Result<JobView, AppError> {
    let state = server::state();
    let form = server::read_form(data).await?;
    let (parsed, _) = server::read_upload(
        &form.file_name,
        &form.bytes,
        state.config.max_upload_bytes,
        state.config.max_companies_per_job,
    )?;
    let job = state
        .engine
        .submit(server::upload_job(
            &form.file_name,
            parsed,
            form.target_type,
            &form.submitted_by,
        ))
        .await?;
    Ok(server::job_view(&job))
}

/// Researches one company.
#[server(endpoint = "jobs/start_single")]
#[tracing::instrument]
pub async fn start_single(
    company_name: String,
    website: Option<String>,
    target_type: String,
    submitted_by: String,
) -> Result<JobView, AppError> {
    use crate::domain::company_name::{CompanyName, website_host};
    let state = server::state();
    let name = CompanyName::parse(&company_name)
        .map_err(|e| AppError::BadRequest(format!("{e}. Type a company name.")))?;
    let website = match website.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => Some(website_host(w).ok_or_else(|| {
            AppError::BadRequest(format!(
                "{w:?} is not a website; use a form like example.com"
            ))
        })?),
        None => None,
    };
    let job = state
        .engine
        .submit(server::NewJob {
            name: format!("Single Company: {name}"),
            target_type,
            submitted_by: server::submitter(&submitted_by),
            original_filename: None,
            companies: vec![server::NewCompany { name, website }],
            refresh_cache: false,
        })
        .await?;
    Ok(server::job_view(&job))
}

#[server(endpoint = "jobs/cancel")]
#[tracing::instrument]
pub async fn cancel_job(id: i32) -> Result<(), AppError> {
    Ok(server::state().engine.cancel(id).await?)
}

/// Runs the failed and unfinished companies again; `refresh` ignores cached research.
#[server(endpoint = "jobs/retry")]
#[tracing::instrument]
pub async fn retry_job(id: i32, refresh: bool) -> Result<u64, AppError> {
    Ok(server::state().engine.retry(id, refresh).await?)
}

#[server(endpoint = "jobs/delete")]
#[tracing::instrument]
pub async fn delete_job(id: i32) -> Result<(), AppError> {
    let state = server::state();
    let job = server::jobs::find(&state.db, id)
        .await
        .map_err(|e| AppError::internal("finding a job", e))?
        .ok_or_else(|| AppError::NotFound("This job no longer exists.".into()))?;
    if job.status == "running" || job.status == "pending" {
        return Err(AppError::BadRequest(
            "Cancel the job before deleting it.".into(),
        ));
    }
    server::jobs::delete(&state.db, id)
        .await
        .map_err(|e| AppError::internal("deleting a job", e))
}
