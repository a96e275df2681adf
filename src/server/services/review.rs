//! The review queue and a person's corrections: research a company again
//! with its website or a better name, accept it as it is, mark it as not a
//! company, or set its tier by hand. Each acts on one company inside its
//! job; the job's totals, its live page and its export follow.

use super::{audit, estimate, jobs::website, page_bounds, results::find_job};
use crate::{
    domain::{
        company_name::{CompanyName, NameError, cache_key},
        job::{CompanyProgress, CompanyStatus},
        review::{ReviewItem, ReviewPage, override_note},
        rubric::PriorityTier,
        views::{CompanyView, Estimate},
    },
    server::{
        auth::Actor,
        db::{
            companies,
            entities::{company, job},
            job_runs,
            overrides::{self, NewOverride},
            review::{self, Correction},
            views::{Detail, company_view},
        },
        state::AppState,
    },
    server_fns::error::AppError,
};

/// A company named or located better than in the CSV.
#[derive(Debug, Default, Clone)]
pub struct ResearchAgain {
    pub name: Option<String>,
    pub website: Option<String>,
}

/// The queue across jobs, most recently changed first.
pub async fn queue(
    state: &AppState,
    actor: &Actor,
    skip: Option<u64>,
    limit: Option<u64>,
) -> Result<ReviewPage, AppError> {
    let (skip, limit) = page_bounds(skip, limit, 50, 200)?;
    let (rows, total) = review::queue(&state.db, skip, limit).await?;
    Ok(ReviewPage {
        items: rows
            .iter()
            .filter_map(|(company, job)| {
                let job = job.as_ref()?;
                Some(ReviewItem {
                    job_id: job.id,
                    job_name: job.name.clone(),
                    job_type: job.target_type.clone(),
                    company: company_view(company, Detail::Full),
                })
            })
            .collect(),
        total,
        research_price: price(state, actor)?,
    })
}

/// What researching one company again costs at most.
pub fn price(state: &AppState, _actor: &Actor) -> Result<Estimate, AppError> {
    Ok(estimate::estimate(state, 1, 1))
}

/// How many companies wait for review.
pub async fn count(state: &AppState, _actor: &Actor) -> Result<u64, AppError> {
    Ok(review::count(&state.db).await?)
}

/// The job and its company, if this actor may correct them.
async fn managed(
    state: &AppState,
    actor: &Actor,
    job_id: i32,
    company_id: i32,
    what: &str,
) -> Result<(job::Model, company::Model), AppError> {
    let job = find_job(state, job_id).await?;
    actor.require_job_manager(job.owner_id, &job.submitted_by, what)?;
    let company = companies::find(&state.db, company_id)
        .await?
        .filter(|c| c.job_id == job_id)
        .ok_or_else(|| AppError::NotFound("This job has no such company.".into()))?;
    Ok((job, company))
}

fn busy(company: &company::Model) -> AppError {
    AppError::BadRequest(format!(
        "{} is being researched right now; wait until it finishes.",
        company.name
    ))
}

/// The company as it now stands (for the answer, and for the live pages).
async fn reread(state: &AppState, company_id: i32) -> Result<company::Model, AppError> {
    companies::find(&state.db, company_id)
        .await?
        .ok_or_else(|| AppError::NotFound("The company is gone (its job was deleted).".into()))
}

fn progress(c: &company::Model) -> CompanyProgress {
    let view = company_view(c, Detail::Listed);
    CompanyProgress {
        job_id: c.job_id,
        company_id: c.id,
        status: view.status,
        stage: view.stage,
        score_total: view.score_total,
        priority_tier: view.priority_tier,
        error_message: view.error_message,
    }
}

/// A person's change of one company, to tell its job's pages and the audit log.
struct Changed<'a> {
    job: &'a job::Model,
    /// The company as it was before the change.
    found: &'a company::Model,
    action: &'static str,
    detail: Option<String>,
    /// The company was queued again: the job runs (here) to research it.
    resume: bool,
}

impl Changed<'_> {
    /// Recounts the job, tells its live pages, writes the audit line; answers the company as it now is.
    async fn tell(self, state: &AppState, actor: &Actor) -> Result<CompanyView, AppError> {
        let now = reread(state, self.found.id).await?;
        let job_id = self.job.id;
        if self.resume {
            state.engine.resume(job_id, vec![progress(&now)]).await?;
        } else {
            state
                .engine
                .companies_changed(job_id, vec![progress(&now)])
                .await?;
        }
        let target = format!("{} in job {job_id} ({})", self.found.name, self.job.name);
        audit(state, actor, self.action, target, self.detail).await;
        Ok(company_view(&now, Detail::Full))
    }
}

/// Researches the company again under a corrected name or website (both
/// checked like the single-company form). Searching it unchanged is refused:
/// it would buy the same results. Verified research is cached under the
/// corrected company's key.
pub async fn research_again(
    state: &AppState,
    actor: &Actor,
    job_id: i32,
    company_id: i32,
    given: ResearchAgain,
) -> Result<CompanyView, AppError> {
    let (job, found) = managed(state, actor, job_id, company_id, "correct companies of").await?;
    let name = match given
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        Some(raw) => CompanyName::parse(raw)
            .map_err(|e| match e {
                NameError::Empty => AppError::BadRequest("Type the company's name.".into()),
                other => AppError::BadRequest(format!("{other}. Type the company's name.")),
            })?
            .as_str()
            .to_string(),
        None => found.name.clone(),
    };
    let site = website(given.website.as_deref())?.or_else(|| found.website.clone());
    if name == found.name && site == found.website {
        return Err(AppError::BadRequest(
            "Give the company's website (like example.com) or a corrected name: researching it unchanged would buy the same results."
                .into(),
        ));
    }
    if super::spend::has_monthly_budgets(state, actor).await? {
        // One company researched afresh, priced and admitted like any spending action.
        let price = estimate::estimate(state, 1, 1);
        super::spend::admit_more(state, actor, &job, "This research", price.usd).await?;
    }
    let key = cache_key(&name, site.as_deref());
    let kept = overrides::find(&state.db, &key, &job.target_type).await?;
    let queued = review::requeue_corrected(
        &state.db,
        company_id,
        Correction {
            name: &name,
            website: site.as_deref(),
            company_key: &key,
            tier_override: kept.as_ref(),
        },
    )
    .await?;
    if !queued {
        return Err(busy(&found));
    }
    // A finished job opens again for it (cached research is used again: only
    // the corrected company is pending); a running one claims it by itself.
    job_runs::reopen(&state.db, job_id, false).await?;
    let detail = format!(
        "as {name}{}",
        site.as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default()
    );
    let changed = Changed {
        job: &job,
        found: &found,
        action: "company.research_again",
        detail: Some(detail),
        resume: true,
    };
    changed.tell(state, actor).await
}

/// A verified company, accepted as it is: it leaves the queue with its score.
pub async fn accept(
    state: &AppState,
    actor: &Actor,
    job_id: i32,
    company_id: i32,
) -> Result<CompanyView, AppError> {
    let (job, found) = managed(state, actor, job_id, company_id, "review companies of").await?;
    if !review::accept(&state.db, company_id).await? {
        return Err(AppError::BadRequest(format!(
            "Only a scored company waiting for review can be accepted as it is; {} is not one. \
             Research it again with its website instead.",
            found.name
        )));
    }
    let changed = Changed {
        job: &job,
        found: &found,
        action: "company.accept",
        detail: found.review.clone(),
        resume: false,
    };
    changed.tell(state, actor).await
}

/// Not a company: it ends as skipped, out of the ranking, the totals and every retry.
pub async fn not_a_company(
    state: &AppState,
    actor: &Actor,
    job_id: i32,
    company_id: i32,
) -> Result<CompanyView, AppError> {
    let (job, found) = managed(state, actor, job_id, company_id, "review companies of").await?;
    let note = format!("Marked as not a company by {}.", actor.label());
    if !review::skip(&state.db, company_id, &note).await? {
        let status = CompanyStatus::parse(&found.status);
        return Err(match status {
            Some(CompanyStatus::Skipped) => AppError::BadRequest(format!(
                "{} is already marked as not a company.",
                found.name
            )),
            _ => busy(&found),
        });
    }
    let changed = Changed {
        job: &job,
        found: &found,
        action: "company.not_a_company",
        detail: None,
        resume: false,
    };
    changed.tell(state, actor).await
}

/// Sets the company's tier by hand, with a note: it holds for this company
/// and rubric in every job, re-runs included, until someone removes it.
pub async fn set_override(
    state: &AppState,
    actor: &Actor,
    job_id: i32,
    company_id: i32,
    tier: PriorityTier,
    note: &str,
) -> Result<CompanyView, AppError> {
    let (job, found) = managed(state, actor, job_id, company_id, "set tiers in").await?;
    let note = override_note(note).map_err(AppError::BadRequest)?;
    if found.priority_tier.is_none() {
        return Err(AppError::BadRequest(format!(
            "{} has no score yet: research it first, then set its tier.",
            found.name
        )));
    }
    let key = company_key(&found);
    let jobs = overrides::set(
        &state.db,
        NewOverride {
            company_key: &key,
            target_type: &job.target_type,
            tier,
            note: &note,
            set_by: &actor.label(),
            set_by_user_id: actor.user_id,
        },
    )
    .await?;
    let now = overridden(state, &jobs, company_id).await?;
    audit(
        state,
        actor,
        "company.override",
        format!("{} in job {job_id} ({})", found.name, job.name),
        Some(format!(
            "{} (model: {}): {note}",
            tier.as_str(),
            found.priority_tier.as_deref().unwrap_or("none")
        )),
    )
    .await;
    Ok(company_view(&now, Detail::Full))
}

/// Removes the company's override: the model's tier counts again, in every job.
pub async fn remove_override(
    state: &AppState,
    actor: &Actor,
    job_id: i32,
    company_id: i32,
) -> Result<CompanyView, AppError> {
    let (job, found) = managed(state, actor, job_id, company_id, "set tiers in").await?;
    if found.tier_override.is_none() {
        return Err(AppError::BadRequest(format!(
            "{} has no tier set by hand.",
            found.name
        )));
    }
    let jobs = overrides::remove(&state.db, &company_key(&found), &job.target_type).await?;
    let now = overridden(state, &jobs, company_id).await?;
    audit(
        state,
        actor,
        "company.override_removed",
        format!("{} in job {job_id} ({})", found.name, job.name),
        found.tier_override.clone(),
    )
    .await;
    Ok(company_view(&now, Detail::Full))
}

fn company_key(c: &company::Model) -> String {
    c.company_key
        .clone()
        .unwrap_or_else(|| cache_key(&c.name, c.website.as_deref()))
}

/// Tells every job the override changed; returns the company as it now stands.
async fn overridden(
    state: &AppState,
    jobs: &[i32],
    company_id: i32,
) -> Result<company::Model, AppError> {
    let now = reread(state, company_id).await?;
    for job_id in jobs {
        let changed = if *job_id == now.job_id {
            vec![progress(&now)]
        } else {
            vec![]
        };
        state.engine.companies_changed(*job_id, changed).await?;
    }
    Ok(now)
}
