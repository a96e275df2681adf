//! Quarterly re-runs: "Run this list again" makes a new job of a finished
//! job's companies, linked to it; the new job says what changed since, and
//! every company keeps its score history across the runs of its rubric.

use chrono::{DateTime, Utc};

use super::{
    estimate,
    jobs::{submit, submitted_by},
    results::find_job,
};
use crate::{
    domain::{
        changes::{HistoryPoint, JobChanges, compare, reasoning_changes},
        company_name::CompanyName,
        job::{CompanyStatus, JobStatus},
        views::{Estimate, JobView},
    },
    server::{
        auth::Actor,
        db::{
            companies, history,
            jobs::{NewCompany, NewJob},
        },
        state::AppState,
    },
    server_fns::error::AppError,
};

/// The companies a re-run of the job researches: all but those marked as not a company.
async fn list(state: &AppState, id: i32) -> Result<Vec<NewCompany>, AppError> {
    let rows = companies::for_job(&state.db, id).await?;
    Ok(rows
        .into_iter()
        .filter(|c| c.status != CompanyStatus::Skipped.as_str())
        .filter_map(|c| {
            Some(NewCompany::new(
                CompanyName::parse(&c.name).ok()?,
                c.website,
            ))
        })
        .collect())
}

/// What running the list again would cost (the research cache serves what it still holds).
pub async fn plan(state: &AppState, _actor: &Actor, id: i32) -> Result<Estimate, AppError> {
    let job = find_job(state, id).await?;
    let companies = list(state, id).await?;
    let cached = estimate::cached(
        state,
        &job.target_type,
        companies
            .iter()
            .map(|c| (c.name.as_str(), c.website.as_deref())),
        false,
    )
    .await?;
    Ok(estimate::estimate(
        state,
        companies.len(),
        companies.len() - cached,
    ))
}

/// Runs a finished job's list again as a new job linked to it.
pub async fn run_again(state: &AppState, actor: &Actor, id: i32) -> Result<JobView, AppError> {
    run_list_again(state, actor, id, None, None).await
}

/// Runs a finished job's list again under `budget_usd`; a scheduled run
/// carries its schedule and the time it was due.
pub(super) async fn run_list_again(
    state: &AppState,
    actor: &Actor,
    id: i32,
    budget_usd: Option<f64>,
    scheduled: Option<(i32, DateTime<Utc>)>,
) -> Result<JobView, AppError> {
    let job = find_job(state, id).await?;
    if !JobStatus::parse(&job.status).is_some_and(JobStatus::is_finished) {
        return Err(AppError::BadRequest(format!(
            "Job {id} is {}: run its list again once it has finished.",
            job.status
        )));
    }
    let companies = list(state, id).await?;
    if companies.is_empty() {
        return Err(AppError::BadRequest(format!(
            "Job {id} has no company to run again."
        )));
    }
    let base = job
        .name
        .split(" · run of ")
        .next()
        .unwrap_or(&job.name)
        .to_string();
    let new = NewJob {
        name: format!("{base} · run of {}", Utc::now().format("%Y-%m-%d")),
        target_type: job.target_type.clone(),
        submitted_by: submitted_by(actor, None),
        owner_id: actor.user_id,
        original_filename: job.original_filename.clone(),
        companies,
        refresh_cache: false,
        budget_usd,
        previous_job_id: Some(id),
        scheduled,
        rubric_version: None,
        scoring_only: false,
    };
    submit(state, actor, new).await
}

/// What changed since the run before this one.
pub async fn changes(state: &AppState, _actor: &Actor, id: i32) -> Result<JobChanges, AppError> {
    let job = find_job(state, id).await?;
    let Some(previous) = job.previous_job_id else {
        return Ok(JobChanges {
            job_id: id,
            ..JobChanges::default()
        });
    };
    let before = history::entries(&state.db, previous).await?;
    let after = history::entries(&state.db, id).await?;
    let mut changes = compare(id, previous, &before, &after);
    changes.reasoning = reasoning_changes(
        &history::reasonings(&state.db, previous).await?,
        &history::reasonings(&state.db, id).await?,
        10,
    );
    let earlier = find_job(state, previous).await.ok();
    changes.versions = Some((
        version_name(state, earlier.as_ref()).await?,
        version_name(state, Some(&job)).await?,
    ));
    Ok(changes)
}

/// "IaaS Targets v2": the rubric version a job scored with.
async fn version_name(
    state: &AppState,
    job: Option<&crate::server::db::entities::job::Model>,
) -> Result<String, AppError> {
    let Some(job) = job else {
        return Ok("a deleted job".into());
    };
    let version = state
        .engine
        .rubrics()
        .for_job(job.rubric_version_id, &job.target_type)
        .await?;
    Ok(match version {
        Some(v) => crate::domain::studio::version_label(&v.rubric.label, v.number),
        None => job.target_type.clone(),
    })
}

/// A company's scores in every job of its rubric, oldest first.
pub async fn company_history(
    state: &AppState,
    _actor: &Actor,
    id: i32,
    company_id: i32,
) -> Result<Vec<HistoryPoint>, AppError> {
    let job = find_job(state, id).await?;
    let company = companies::find(&state.db, company_id)
        .await?
        .filter(|c| c.job_id == id)
        .ok_or_else(|| AppError::NotFound("Company not found in this job".into()))?;
    let Some(key) = company.company_key else {
        return Ok(Vec::new());
    };
    Ok(history::of_company(&state.db, &key, &job.target_type).await?)
}
