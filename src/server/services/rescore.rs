//! Re-score: a finished job's companies scored again with another rubric or
//! version from the evidence the job already has. Scoring calls only, never
//! a search; scores the score cache holds for the same evidence, version and
//! model are free. The result is a new job linked to the first, so its page
//! compares the two.

use chrono::Utc;

use super::{
    estimate,
    jobs::{submit, submitted_by},
    results::find_job,
};
use crate::{
    domain::{
        backtest::Outcome,
        company_name::CompanyName,
        evidence::{self, EvidenceSource},
        job::{CompanyStatus, JobStatus},
        kept::KeptResearch,
        studio::RescorePlan,
        verdict::Verdict,
        views::JobView,
    },
    server::{
        auth::Actor,
        db::{
            companies,
            entities::company,
            jobs::{NewCompany, NewJob},
            score_cache,
        },
        rubric_book::RubricVersion,
        state::AppState,
    },
    server_fns::error::AppError,
};

/// A finished company's verified evidence, as a re-score starts from it.
fn stored(row: &company::Model) -> Option<NewCompany> {
    if row.status != CompanyStatus::Completed.as_str() {
        return None;
    }
    let evidence: Vec<EvidenceSource> = serde_json::from_value(row.sources.clone()?).ok()?;
    if evidence.is_empty() || evidence.iter().all(|s| s.excerpt.is_empty()) {
        return None;
    }
    let json_list = |value: &Option<serde_json::Value>| -> Vec<String> {
        value
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default()
    };
    let verdict = Verdict {
        valid: row.validation_valid.unwrap_or(true),
        confidence: row.validation_confidence.unwrap_or(1.0),
        verdict: row
            .validation_verdict
            .clone()
            .unwrap_or_else(|| "Not checked (validation was off)".into()),
        issues: json_list(&row.validation_issues),
        candidates: json_list(&row.validation_candidates),
    };
    Some(NewCompany {
        kept: Some(KeptResearch {
            evidence,
            fetched_at: row.evidence_fetched_at.unwrap_or_else(Utc::now),
            verified: Some(verdict),
        }),
        outcome: row.outcome.as_deref().and_then(Outcome::parse),
        ..NewCompany::new(CompanyName::parse(&row.name).ok()?, row.website.clone())
    })
}

/// The score cache's keys for these companies under `version`.
pub(super) fn score_keys(
    state: &AppState,
    version: &RubricVersion,
    companies: &[NewCompany],
) -> Vec<String> {
    let model = &state.engine.settings().llm_model;
    companies
        .iter()
        .filter_map(|c| {
            let kept = c.kept.as_ref()?;
            Some(score_cache::key(
                &version.hash,
                model,
                c.name.as_str(),
                c.website.as_deref(),
                &evidence::render(&kept.evidence),
            ))
        })
        .collect()
}

/// How many of a scoring-only job's companies the score cache serves now.
pub(super) async fn reusable(
    state: &AppState,
    version: &RubricVersion,
    companies: &[NewCompany],
) -> Result<usize, AppError> {
    if !state.config.cache_enabled {
        return Ok(0);
    }
    let keys = score_keys(state, version, companies);
    Ok(score_cache::count(&state.db, &keys).await?)
}

async fn version(
    state: &AppState,
    version_id: i32,
) -> Result<std::sync::Arc<RubricVersion>, AppError> {
    state
        .engine
        .rubrics()
        .version(version_id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "There is no rubric version {version_id}: pick one from the Rubrics page."
            ))
        })
}

struct Prepared {
    job: crate::server::db::entities::job::Model,
    version: std::sync::Arc<RubricVersion>,
    companies: Vec<NewCompany>,
    left_out: usize,
}

async fn prepare(state: &AppState, id: i32, version_id: i32) -> Result<Prepared, AppError> {
    let job = find_job(state, id).await?;
    if !JobStatus::parse(&job.status).is_some_and(JobStatus::is_finished) {
        return Err(AppError::BadRequest(format!(
            "Job {id} is {}: re-score it once it has finished.",
            job.status
        )));
    }
    let version = version(state, version_id).await?;
    let rows = companies::for_job(&state.db, id).await?;
    let considered = rows
        .iter()
        .filter(|c| c.status != CompanyStatus::Skipped.as_str())
        .count();
    let companies: Vec<NewCompany> = rows.iter().filter_map(stored).collect();
    if companies.is_empty() {
        return Err(AppError::BadRequest(format!(
            "Job {id} has no company with verified evidence stored, so there is nothing to re-score: run its list again instead."
        )));
    }
    let left_out = considered - companies.len();
    Ok(Prepared {
        job,
        version,
        companies,
        left_out,
    })
}

/// What re-scoring the job with this version would do and cost.
pub async fn plan(
    state: &AppState,
    _actor: &Actor,
    id: i32,
    version_id: i32,
) -> Result<RescorePlan, AppError> {
    let p = prepare(state, id, version_id).await?;
    let reused = reusable(state, &p.version, &p.companies).await?;
    let calls = p.companies.len() - reused;
    Ok(RescorePlan {
        job_id: p.job.id,
        rubric_id: p.version.rubric.id.clone(),
        rubric_label: p.version.rubric.label.clone(),
        version_id: p.version.id,
        version: p.version.number,
        companies: p.companies.len(),
        reused,
        scoring_calls: calls,
        left_out: p.left_out,
        usd: estimate::scoring(state, calls),
    })
}

/// Re-scores the job with this version as a new job linked to it.
pub async fn start(
    state: &AppState,
    actor: &Actor,
    id: i32,
    version_id: i32,
    budget_usd: Option<f64>,
) -> Result<JobView, AppError> {
    let p = prepare(state, id, version_id).await?;
    let base = p
        .job
        .name
        .split(" · ")
        .next()
        .unwrap_or(&p.job.name)
        .to_string();
    let new = NewJob {
        name: format!(
            "{base} · re-scored with {} v{}",
            p.version.rubric.label, p.version.number
        ),
        target_type: p.version.rubric.id.clone(),
        submitted_by: submitted_by(actor, None),
        owner_id: actor.user_id,
        original_filename: p.job.original_filename.clone(),
        companies: p.companies,
        refresh_cache: false,
        budget_usd,
        previous_job_id: Some(id),
        scheduled: None,
        rubric_version: Some(p.version.id),
        scoring_only: true,
    };
    submit(state, actor, new).await
}
