//! Jobs: upload intake and preview, one company, list, detail, progress,
//! cancel, retry, delete and export.

use serde::Serialize;

use super::{audit, estimate, page_bounds, results::find_job, search_text, spend};
use crate::{
    domain::{
        budget::usd,
        company_name::{CompanyName, NameError, website_host},
        job::JobStatus,
        table::CompanyQuery,
        views::{CriterionView, JobDetail, JobPage, JobView, RetryPlan, TargetTypeView},
    },
    server::{
        auth::Actor,
        db::{
            budgets, company_query,
            entities::job,
            job_runs,
            jobs::{self, NewCompany, NewJob},
            views::{Detail, company_view, job_view},
        },
        intake::submitter,
        state::AppState,
    },
    server_fns::error::AppError,
};

/// One company to research.
#[derive(Debug, Default)]
pub struct SingleRequest {
    pub company_name: String,
    pub website: Option<String>,
    pub target_type: Option<String>,
    pub submitted_by: Option<String>,
    /// The job's budget as typed (USD; blank: none).
    pub budget_usd: Option<String>,
}

#[derive(Debug, Default)]
pub struct ListQuery {
    pub skip: Option<u64>,
    pub limit: Option<u64>,
    pub submitted_by: Option<String>,
    pub job_type: Option<String>,
}

/// A job's counts (v1's progress answer).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobProgress {
    pub id: i32,
    pub status: JobStatus,
    pub total: i32,
    pub completed: i32,
    pub failed: i32,
    pub cancelled: i32,
    pub pending: i32,
    pub progress_percent: f64,
}

/// The rubric a job is scored with; `iaas` when none is given.
pub async fn target_type(state: &AppState, given: Option<&str>) -> Result<String, AppError> {
    let given = given
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("iaas");
    if state.engine.rubrics().latest(given).await?.is_none() {
        let known = state.engine.rubrics().ids().await?;
        return Err(AppError::BadRequest(format!(
            "Invalid target_type {given:?}. Must be one of: {}",
            known.join(", ")
        )));
    }
    Ok(given.to_string())
}

/// A job's budget as typed: none when blank, else dollars above zero.
pub fn budget_cap(raw: Option<&str>) -> Result<Option<f64>, AppError> {
    crate::domain::budget::parse_cap(raw.unwrap_or_default()).map_err(AppError::BadRequest)
}

/// The submitter shown on the job: what was typed, else the account's name.
pub(super) fn submitted_by(actor: &Actor, given: Option<&str>) -> String {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(given) => submitter(given),
        None => submitter(&actor.name),
    }
}

/// A website as typed into a form: `None` if blank, its host, or a message.
pub fn website(raw: Option<&str>) -> Result<Option<String>, AppError> {
    raw.map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| {
            website_host(w).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "{w:?} is not a website; use a form like example.com"
                ))
            })
        })
        .transpose()
}

pub(super) async fn submit(
    state: &AppState,
    actor: &Actor,
    mut new: NewJob,
) -> Result<JobView, AppError> {
    let companies = new.companies.len();
    if let Some(id) = new.rubric_version {
        // A version names its rubric.
        let version = state.engine.rubrics().version(id).await?.ok_or_else(|| {
            AppError::BadRequest(format!(
                "There is no rubric version {id}: pick one from the Rubrics page."
            ))
        })?;
        new.target_type = version.rubric.id.clone();
        if new.scoring_only && spend::has_monthly_budgets(state, actor).await? {
            // Priced as the re-score's plan priced it: scoring calls only.
            let reused = super::rescore::reusable(state, &version, &new.companies).await?;
            let price = estimate::scoring(state, companies - reused);
            new.budget_usd =
                spend::admit(state, actor, "This re-score", price, new.budget_usd).await?;
        }
    }
    if !new.scoring_only && spend::has_monthly_budgets(state, actor).await? {
        // Priced as the preview priced it: what the research cache cannot serve is searched.
        let cached = estimate::cached(
            state,
            &new.target_type,
            new.companies
                .iter()
                .map(|c| (c.name.as_str(), c.website.as_deref())),
            new.refresh_cache,
        )
        .await?;
        let price = estimate::estimate(state, companies, companies - cached);
        new.budget_usd = spend::admit(state, actor, "This job", price.usd, new.budget_usd).await?;
    }
    let job = state.engine.submit(new).await?;
    audit(
        state,
        actor,
        "job.start",
        format!("job {} ({})", job.id, job.name),
        Some(format!("{companies} companies, rubric {}", job.target_type)),
    )
    .await;
    Ok(job_view(&job))
}

/// Researches one company.
pub async fn start_single(
    state: &AppState,
    actor: &Actor,
    request: SingleRequest,
) -> Result<JobView, AppError> {
    let name = CompanyName::parse(&request.company_name).map_err(|e| match e {
        NameError::Empty => AppError::BadRequest("Company name is required".into()),
        other => AppError::BadRequest(format!("{other}. Type a company name.")),
    })?;
    let target = target_type(state, request.target_type.as_deref()).await?;
    let website = website(request.website.as_deref())?;
    let new = NewJob {
        name: format!("Single Company: {name}"),
        target_type: target,
        submitted_by: submitted_by(actor, request.submitted_by.as_deref()),
        owner_id: actor.user_id,
        original_filename: None,
        companies: vec![NewCompany::new(name, website)],
        refresh_cache: false,
        budget_usd: budget_cap(request.budget_usd.as_deref())?,
        previous_job_id: None,
        scheduled: None,
        rubric_version: None,
        scoring_only: false,
    };
    submit(state, actor, new).await
}

/// A page of jobs, newest first (everyone signed in sees the team's jobs).
pub async fn list(state: &AppState, _actor: &Actor, query: ListQuery) -> Result<JobPage, AppError> {
    let (skip, limit) = page_bounds(query.skip, query.limit, 50, 500)?;
    let job_type = query
        .job_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(kind) = job_type
        && state.engine.rubrics().latest(kind).await?.is_none()
    {
        return Err(AppError::BadRequest(format!("Invalid job_type {kind:?}")));
    }
    let who = search_text(query.submitted_by.as_deref())?;
    let (rows, total) = jobs::list(&state.db, skip, limit, who.as_deref(), job_type).await?;
    Ok(JobPage {
        jobs: rows.iter().map(job_view).collect(),
        total,
        submitters: jobs::submitters(&state.db).await?,
    })
}

/// The job and all its companies, ranked by score (v1's answer). Sources
/// carry url, title and relevance; excerpts and the score breakdown load with
/// the company itself (`results::company`).
pub async fn detail(state: &AppState, _actor: &Actor, id: i32) -> Result<JobDetail, AppError> {
    let job = find_job(state, id).await?;
    let ranked = company_query::rows(&state.db, id, &CompanyQuery::default(), None).await?;
    Ok(JobDetail {
        job: job_view(&job),
        companies: ranked
            .iter()
            .map(|(_, c)| company_view(c, Detail::Listed))
            .collect(),
    })
}

pub async fn progress(state: &AppState, _actor: &Actor, id: i32) -> Result<JobProgress, AppError> {
    let view = job_view(&find_job(state, id).await?);
    Ok(JobProgress {
        id: view.id,
        status: view.status,
        total: view.total_companies,
        completed: view.completed_companies,
        failed: view.failed_companies,
        cancelled: view.cancelled_companies,
        pending: view.pending_companies,
        progress_percent: view.progress_percent,
    })
}

/// The job, if this actor may cancel, retry or delete it.
async fn managed(
    state: &AppState,
    actor: &Actor,
    id: i32,
    what: &str,
) -> Result<job::Model, AppError> {
    let job = find_job(state, id).await?;
    actor.require_job_manager(job.owner_id, &job.submitted_by, what)?;
    Ok(job)
}

pub async fn cancel(state: &AppState, actor: &Actor, id: i32) -> Result<(), AppError> {
    let job = managed(state, actor, id, "cancel").await?;
    state.engine.cancel(id).await?;
    audit(
        state,
        actor,
        "job.cancel",
        format!("job {id} ({})", job.name),
        None,
    )
    .await;
    Ok(())
}

/// Resumes a job paused by an upstream outage now, rather than after its
/// back-off: its companies that failed upstream run again from the research
/// they kept.
pub async fn resume(state: &AppState, actor: &Actor, id: i32) -> Result<u64, AppError> {
    let job = managed(state, actor, id, "resume").await?;
    if JobStatus::parse(&job.status) != Some(JobStatus::Paused) {
        return Err(AppError::BadRequest(format!(
            "Job {id} is {}, not paused: only a job an upstream outage paused can be resumed.",
            job.status
        )));
    }
    if job.resume_at.is_none() {
        return Err(AppError::BadRequest(format!(
            "Job {id} waits at its budget: raise the budget (PUT /api/jobs/{id}/budget) to go on."
        )));
    }
    let queued = state.engine.retry(id, false).await?;
    audit(
        state,
        actor,
        "job.resume",
        format!("job {id} ({})", job.name),
        Some(format!("{queued} companies queued")),
    )
    .await;
    Ok(queued)
}

/// Sets a job's budget (blank: none). A job paused at its budget goes on
/// when the new one leaves room for a company; a budget that leaves no
/// room is refused with the sum that would.
pub async fn set_budget(
    state: &AppState,
    actor: &Actor,
    id: i32,
    raw: Option<&str>,
) -> Result<JobView, AppError> {
    let job = managed(state, actor, id, "change the budget of").await?;
    let cap = budget_cap(raw)?;
    let per_company = state.engine.company_ceiling_usd();
    match budgets::set(&state.db, id, cap, per_company).await? {
        Ok(resumed) => {
            audit(
                state,
                actor,
                "job.budget",
                format!("job {id} ({})", job.name),
                Some(cap.map_or_else(|| "no budget".into(), |c| format!("budget {}", usd(c)))),
            )
            .await;
            if resumed {
                state.engine.start(id);
            }
            state.engine.companies_changed(id, Vec::new()).await?;
        }
        Err((spent, cap)) => {
            return Err(AppError::BadRequest(format!(
                "A budget of {} leaves no room: {} is spent and one more company can cost up to {}. \
                 Set at least {}, or remove the budget.",
                usd(cap),
                usd(spent),
                usd(per_company),
                usd(spent + per_company)
            )));
        }
    }
    Ok(job_view(&find_job(state, id).await?))
}

/// Runs the failed and unfinished companies again; `refresh` re-runs every
/// company and ignores cached research.
pub async fn retry(
    state: &AppState,
    actor: &Actor,
    id: i32,
    refresh: bool,
) -> Result<u64, AppError> {
    let job = managed(state, actor, id, if refresh { "re-run" } else { "retry" }).await?;
    if spend::has_monthly_budgets(state, actor).await? {
        // Priced and admitted like a new job; the job's budget grows by what it may spend now.
        let plan = retry_plan(state, actor, id, refresh).await?;
        let what = if refresh { "This re-run" } else { "This retry" };
        spend::admit_more(state, actor, &job, what, plan.estimate.usd).await?;
    }
    let queued = state.engine.retry(id, refresh).await?;
    let action = if refresh { "job.refresh" } else { "job.retry" };
    audit(
        state,
        actor,
        action,
        format!("job {id} ({})", job.name),
        Some(format!("{queued} companies queued")),
    )
    .await;
    Ok(queued)
}

/// What a retry (or, with `refresh`, a fresh re-run) would run and cost,
/// said before it starts; unverified companies wait in the review queue.
pub async fn retry_plan(
    state: &AppState,
    _actor: &Actor,
    id: i32,
    refresh: bool,
) -> Result<RetryPlan, AppError> {
    let job = find_job(state, id).await?;
    let candidates = job_runs::retry_candidates(&state.db, id, refresh).await?;
    // Research an earlier attempt paid for is not bought again; the cache serves more.
    let kept = candidates.iter().filter(|(_, _, kept)| *kept).count();
    let cached = estimate::cached(
        state,
        &job.target_type,
        candidates
            .iter()
            .filter(|(_, _, kept)| !kept)
            .map(|(n, w, _)| (n.as_str(), w.as_deref())),
        refresh,
    )
    .await?;
    Ok(RetryPlan {
        estimate: estimate::estimate(state, candidates.len(), candidates.len() - kept - cached),
        waiting_for_review: job_runs::waiting_for_review(&state.db, id).await?,
    })
}

pub async fn delete(state: &AppState, actor: &Actor, id: i32) -> Result<(), AppError> {
    let job = managed(state, actor, id, "delete").await?;
    if matches!(
        JobStatus::parse(&job.status),
        Some(JobStatus::Running | JobStatus::Pending)
    ) {
        return Err(AppError::BadRequest(
            "Cannot delete a running job. Cancel it first.".into(),
        ));
    }
    jobs::delete(&state.db, id).await?;
    audit(
        state,
        actor,
        "job.delete",
        format!("job {id} ({})", job.name),
        None,
    )
    .await;
    Ok(())
}

/// The rubrics a job can be scored with (their latest versions).
pub async fn target_types(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<TargetTypeView>, AppError> {
    let mut types = Vec::new();
    for summary in super::rubrics::list(state, actor).await? {
        let Some(version) = state
            .engine
            .rubrics()
            .version(summary.latest_version_id)
            .await?
        else {
            continue;
        };
        let r = &version.rubric;
        types.push(TargetTypeView {
            id: r.id.clone(),
            label: r.label.clone(),
            description: r.description.clone(),
            version: version.number,
            criteria: r
                .criteria
                .iter()
                .iter()
                .map(|(_, c)| CriterionView {
                    label: c.label.clone(),
                    max: c.max,
                    options: c
                        .options
                        .iter()
                        .map(|o| (o.id.clone(), o.label.clone(), o.points))
                        .collect(),
                })
                .collect(),
            priority_labels: crate::domain::rubric::PriorityTier::ALL
                .iter()
                .map(|t| (t.as_str().to_string(), r.priority_label(*t).to_string()))
                .collect(),
        });
    }
    Ok(types)
}
