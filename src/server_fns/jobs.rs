//! Server functions behind the dashboard and the job page; each calls
//! `services::jobs` or `services::results`.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use super::error::AppError;
use crate::domain::{
    table::{CompanyPage, CompanyQuery, JobSnapshot},
    views::{CompanyView, JobPage, JobView, TargetTypeView, UploadPreview},
};

#[cfg(feature = "ssr")]
mod server {
    pub use crate::server::services::jobs::{self, SingleRequest};
    pub use crate::server::services::results;
    pub use crate::server::services::uploads::{self, UploadForm};
    use crate::server::{guard::is_body_too_large, intake::too_large};
    use crate::server_fns::error::AppError;
    pub use crate::server_fns::request::{actor, state};

    /// The fields of the dashboard's upload form.
    pub async fn read_form(
        data: leptos::server_fn::codec::MultipartData,
    ) -> Result<UploadForm, AppError> {
        let limit = state().config.max_upload_bytes;
        fn unreadable<E: std::error::Error + 'static>(e: E, limit: usize) -> AppError {
            if is_body_too_large(&e) {
                AppError::TooLarge(too_large(limit))
            } else {
                AppError::BadRequest(format!("The upload could not be read: {e}"))
            }
        }
        let unreadable = |e| unreadable(e, limit);
        let mut multipart = data.into_inner().ok_or(AppError::Internal)?;
        let mut form = UploadForm::default();
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
        if form.file_name.is_none() {
            return Err(AppError::BadRequest("Choose a CSV file first.".into()));
        }
        Ok(form)
    }
}

#[server(prefix = "/fn", endpoint = "jobs/list")]
pub async fn list_jobs(
    skip: u64,
    limit: u64,
    submitted_by: Option<String>,
    job_type: Option<String>,
) -> Result<JobPage, AppError> {
    let query = server::jobs::ListQuery {
        skip: Some(skip),
        limit: Some(limit),
        submitted_by,
        job_type,
    };
    server::jobs::list(&server::state(), &server::actor()?, query).await
}

/// The job and its tier counts, without its companies.
#[server(prefix = "/fn", endpoint = "jobs/job")]
pub async fn get_job(id: i32) -> Result<JobSnapshot, AppError> {
    server::results::snapshot(&server::state(), &server::actor()?, id).await
}

/// One page of the job's companies, sorted and filtered on the server.
#[server(prefix = "/fn", endpoint = "jobs/companies")]
pub async fn get_companies(id: i32, query: CompanyQuery) -> Result<CompanyPage, AppError> {
    server::results::companies(&server::state(), &server::actor()?, id, &query).await
}

/// One company with its sources' excerpts and score breakdown.
#[server(prefix = "/fn", endpoint = "jobs/company")]
pub async fn get_company(id: i32, company_id: i32) -> Result<CompanyView, AppError> {
    server::results::company(&server::state(), &server::actor()?, id, company_id).await
}

#[server(prefix = "/fn", endpoint = "jobs/target_types")]
pub async fn target_types() -> Result<Vec<TargetTypeView>, AppError> {
    server::jobs::target_types(&server::state(), &server::actor()?).await
}

/// Reads an uploaded CSV and says what a job would hold and cost. Starts nothing.
#[server(prefix = "/fn", endpoint = "jobs/preview", input = MultipartFormData)]
pub async fn preview_upload(data: MultipartData) -> Result<UploadPreview, AppError> {
    let actor = server::actor()?;
    let form = server::read_form(data).await?;
    server::uploads::preview(&server::state(), &actor, form).await
}

/// Starts a job from an uploaded CSV (the same form as the preview).
#[server(prefix = "/fn", endpoint = "jobs/start_upload", input = MultipartFormData)]
pub async fn start_upload(data: MultipartData) -> Result<JobView, AppError> {
    let actor = server::actor()?;
    let form = server::read_form(data).await?;
    server::uploads::start_upload(&server::state(), &actor, form).await
}

/// Researches one company.
#[server(prefix = "/fn", endpoint = "jobs/start_single")]
pub async fn start_single(
    company_name: String,
    website: Option<String>,
    target_type: String,
    submitted_by: String,
    #[server(default)] budget_usd: Option<String>,
) -> Result<JobView, AppError> {
    let request = server::SingleRequest {
        company_name,
        website,
        target_type: Some(target_type),
        submitted_by: Some(submitted_by),
        budget_usd,
    };
    server::jobs::start_single(&server::state(), &server::actor()?, request).await
}

#[server(prefix = "/fn", endpoint = "jobs/cancel")]
pub async fn cancel_job(id: i32) -> Result<(), AppError> {
    server::jobs::cancel(&server::state(), &server::actor()?, id).await
}

/// Runs the failed and unfinished companies again; `refresh` ignores cached research.
#[server(prefix = "/fn", endpoint = "jobs/retry")]
pub async fn retry_job(id: i32, refresh: bool) -> Result<u64, AppError> {
    server::jobs::retry(&server::state(), &server::actor()?, id, refresh).await
}

/// Sets (or, blank, removes) a job's budget; a job paused at its budget goes on.
#[server(prefix = "/fn", endpoint = "jobs/budget")]
pub async fn set_job_budget(id: i32, budget_usd: String) -> Result<JobView, AppError> {
    server::jobs::set_budget(&server::state(), &server::actor()?, id, Some(&budget_usd)).await
}

#[server(prefix = "/fn", endpoint = "jobs/delete")]
pub async fn delete_job(id: i32) -> Result<(), AppError> {
    server::jobs::delete(&server::state(), &server::actor()?, id).await
}

/// What running a finished job's list again would cost.
#[server(prefix = "/fn", endpoint = "jobs/run_again_plan")]
pub async fn run_again_plan(id: i32) -> Result<crate::domain::views::Estimate, AppError> {
    crate::server::services::rerun::plan(&server::state(), &server::actor()?, id).await
}

/// Runs a finished job's list again as a new job linked to it.
#[server(prefix = "/fn", endpoint = "jobs/run_again")]
pub async fn run_again(id: i32) -> Result<JobView, AppError> {
    crate::server::services::rerun::run_again(&server::state(), &server::actor()?, id).await
}

/// What changed since the run before this one.
#[server(prefix = "/fn", endpoint = "jobs/changes")]
pub async fn job_changes(id: i32) -> Result<crate::domain::changes::JobChanges, AppError> {
    crate::server::services::rerun::changes(&server::state(), &server::actor()?, id).await
}

/// A company's scores in every job of its rubric, oldest first.
#[server(prefix = "/fn", endpoint = "jobs/company_history")]
pub async fn company_history(
    job_id: i32,
    company_id: i32,
) -> Result<Vec<crate::domain::changes::HistoryPoint>, AppError> {
    crate::server::services::rerun::company_history(
        &server::state(),
        &server::actor()?,
        job_id,
        company_id,
    )
    .await
}
