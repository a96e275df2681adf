//! Upload intake: a CSV read, previewed with its price, and started as a job.

use super::{
    estimate,
    jobs::{budget_cap, submit, submitted_by, target_type},
};
use crate::{
    domain::views::{JobView, UploadPreview},
    server::{
        auth::Actor,
        intake::{read_upload, upload_job},
        state::AppState,
    },
    server_fns::error::AppError,
};

/// An uploaded CSV and the form fields that came with it.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
    pub target_type: Option<String>,
    pub submitted_by: Option<String>,
    /// The job's budget as typed (USD; blank: none).
    pub budget_usd: Option<String>,
    /// A rubric version's id to score with (blank: the rubric's latest).
    pub rubric_version: Option<String>,
}

impl UploadForm {
    /// Takes one of the form's text fields (REST and the dashboard send the same ones).
    pub fn set_field(&mut self, name: &str, text: String) {
        match name {
            "submitted_by" => self.submitted_by = Some(text),
            "target_type" | "job_type" => self.target_type = Some(text),
            "budget_usd" => self.budget_usd = Some(text),
            "rubric_version" => self.rubric_version = Some(text),
            _ => {}
        }
    }
}

fn read(
    state: &AppState,
    form: &UploadForm,
) -> Result<
    (
        String,
        crate::domain::csv_input::ParsedCsv,
        Option<&'static str>,
    ),
    AppError,
> {
    let file_name = form.file_name.clone().ok_or_else(|| {
        AppError::BadRequest("Attach the CSV as the multipart field \"file\".".into())
    })?;
    let (parsed, converted) = read_upload(
        &file_name,
        &form.bytes,
        state.config.max_upload_bytes,
        state.config.max_companies_per_job,
    )?;
    Ok((file_name, parsed, converted))
}

/// Reads an uploaded CSV and says what a job would hold and cost. Starts nothing.
pub async fn preview(
    state: &AppState,
    _actor: &Actor,
    form: UploadForm,
) -> Result<UploadPreview, AppError> {
    let target = target_type(state, form.target_type.as_deref()).await?;
    let (file_name, parsed, converted) = read(state, &form)?;
    let companies = parsed.companies.len();
    let already_cached = estimate::cached(
        state,
        &target,
        parsed
            .companies
            .iter()
            .map(|c| (c.name.as_str(), c.website.as_deref())),
        false,
    )
    .await?;
    let to_research = companies - already_cached;
    let price = estimate::estimate(state, companies, to_research);
    Ok(UploadPreview {
        file_name,
        rows_read: parsed.rows_read,
        blank: parsed.blank,
        duplicates: parsed.duplicates,
        too_long: parsed.too_long,
        companies,
        already_cached,
        to_research,
        estimated_credits: price.credits,
        estimated_usd: price.usd,
        converted_from: converted.map(str::to_string),
        sample: parsed
            .companies
            .iter()
            .take(8)
            .map(|c| c.name.to_string())
            .collect(),
        rejected: parsed.rejected.clone(),
        rejected_count: parsed.rejected_count,
        outcomes: parsed.outcomes.as_ref().map(|o| o.summary()),
    })
}

/// Starts a job from an uploaded CSV.
pub async fn start_upload(
    state: &AppState,
    actor: &Actor,
    form: UploadForm,
) -> Result<JobView, AppError> {
    let target = target_type(state, form.target_type.as_deref()).await?;
    let (file_name, parsed, converted) = read(state, &form)?;
    if let Some(from) = converted {
        tracing::info!(file = %file_name, from, "converted an uploaded CSV to UTF-8");
    }
    let mut new = upload_job(
        &file_name,
        parsed,
        target,
        &submitted_by(actor, form.submitted_by.as_deref()),
    );
    new.owner_id = actor.user_id;
    new.budget_usd = budget_cap(form.budget_usd.as_deref())?;
    new.rubric_version = rubric_version(form.rubric_version.as_deref())?;
    submit(state, actor, new).await
}

/// A rubric version's id as typed in a form; blank: the rubric's latest.
fn rubric_version(raw: Option<&str>) -> Result<Option<i32>, AppError> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            AppError::BadRequest(format!(
                "rubric_version {v:?} is not a version id: pick a version from the list, or leave it empty for the latest."
            ))
        }),
    }
}
