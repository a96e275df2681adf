//! v1's jobs and companies as finished jobs of this version: one
//! transaction per job, marked with the v1 job's id so an import runs once.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set, TransactionTrait,
};
use serde_json::Value;

use super::read::{V1Company, V1Job};
use crate::{
    domain::{
        company_name::cache_key,
        job::{CompanyStatus, JobStatus, Stage, USD_PER_TAVILY_CREDIT},
        rubric::PriorityTier,
    },
    server::db::{
        entities::{company, job},
        jobs, overrides,
    },
};

pub async fn already_imported(db: &DatabaseConnection, v1_id: i32) -> Result<bool, DbErr> {
    Ok(job::Entity::find()
        .filter(job::Column::ImportedFromV1.eq(v1_id))
        .count(db)
        .await?
        > 0)
}

/// A v1 job that never ended ends here: this version does not resume it.
fn job_status(v1: &str) -> (JobStatus, Option<String>) {
    match JobStatus::parse(v1) {
        Some(status @ (JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled)) => {
            (status, None)
        }
        _ => (
            JobStatus::Failed,
            Some(format!(
                "Imported from v1 while {v1}: it did not finish there."
            )),
        ),
    }
}

fn company_status(v1: &str) -> (CompanyStatus, Option<&'static str>) {
    match CompanyStatus::parse(v1) {
        Some(status @ (CompanyStatus::Completed | CompanyStatus::Failed)) => (status, None),
        Some(CompanyStatus::Skipped) => (CompanyStatus::Skipped, None),
        _ => (
            CompanyStatus::Cancelled,
            Some("Not researched in v1 before the import."),
        ),
    }
}

/// v1 kept lists as JSON text.
fn json_list(text: Option<&str>) -> Option<Value> {
    let parsed: Value = serde_json::from_str(text?).ok()?;
    parsed.is_array().then_some(parsed)
}

/// Inserts one v1 job with its companies; returns how many were scored.
pub async fn job(
    db: &DatabaseConnection,
    v1: &V1Job,
    companies: &[V1Company],
) -> Result<usize, DbErr> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let created_at = v1.created_at.unwrap_or(now);
    let (status, message) = job_status(&v1.status);
    let created = job::ActiveModel {
        name: Set(v1
            .name
            .clone()
            .unwrap_or_else(|| format!("v1 job #{}", v1.id))),
        target_type: Set(v1.job_type.clone()),
        submitted_by: Set(v1
            .submitted_by
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "Anonymous".into())),
        owner_id: Set(None),
        original_filename: Set(v1.original_filename.clone()),
        status: Set(status.as_str().into()),
        total_companies: Set(companies.len() as i32),
        error_message: Set(message),
        created_at: Set(created_at),
        started_at: Set(v1.started_at),
        last_activity_at: Set(v1.completed_at.or(v1.started_at)),
        completed_at: Set(Some(v1.completed_at.unwrap_or(created_at))),
        imported_from_v1: Set(Some(v1.id)),
        ..jobs::zero_totals()
    }
    .insert(&txn)
    .await?;
    let keys: Vec<String> = companies.iter().map(|c| cache_key(&c.name, None)).collect();
    let overridden = overrides::for_keys(&txn, &v1.job_type, &keys).await?;
    let mut scored = 0;
    let rows: Vec<company::ActiveModel> = companies
        .iter()
        .zip(keys)
        .enumerate()
        .map(|(position, (c, key))| {
            let (status, message) = company_status(&c.status);
            let tier = c.priority_tier.as_deref().and_then(PriorityTier::parse);
            let completed = status == CompanyStatus::Completed && tier.is_some();
            scored += usize::from(completed);
            let found = overridden.get(&key);
            let final_tier = found.map(|o| o.tier.clone()).or_else(|| {
                completed
                    .then(|| tier.map(|t| t.as_str().to_string()))
                    .flatten()
            });
            let mut row = company::ActiveModel {
                job_id: Set(created.id),
                position: Set(position as i32),
                name: Set(c.name.clone()),
                website: Set(None),
                company_key: Set(Some(key.clone())),
                status: Set(status.as_str().into()),
                stage: Set(Stage::Done.as_str().into()),
                search_attempts: Set(i32::from(c.credits > 0.0)),
                cache_hit: Set(false),
                error_message: Set(c.error_message.clone().or(message.map(str::to_string))),
                description: Set(c.description.clone()),
                employee_count: Set(c.employee_count.clone().filter(|e| e != "None")),
                total_funding: Set(c.total_funding.clone()),
                funding_millions: Set(c.funding_millions.filter(|f| f.is_finite() && *f >= 0.0)),
                last_round: Set(c.last_round.clone()),
                investors: Set(json_list(c.investors.as_deref())),
                headquarters: Set(c.headquarters.clone()),
                founded_year: Set(c.founded_year.filter(|y| (1800..=2100).contains(y))),
                industry: Set(c.industry.clone()),
                business_model: Set(c.business_model.clone()),
                use_case_tier: Set(c.use_case_tier.clone()),
                use_case_label: Set(c.use_case_label.clone()),
                reasoning: Set(c.reasoning.clone()),
                signals_positive: Set(json_list(c.signals_positive.as_deref())),
                signals_negative: Set(json_list(c.signals_negative.as_deref())),
                score_use_case: Set(completed.then_some(c.score_use_case).flatten()),
                score_scale_budget: Set(completed.then_some(c.score_scale_budget).flatten()),
                score_growth: Set(completed.then_some(c.score_growth).flatten()),
                score_confidence: Set(completed.then_some(c.score_confidence).flatten()),
                score_total: Set(completed.then_some(c.score_total).flatten()),
                priority_tier: Set(completed
                    .then(|| tier.map(|t| t.as_str().to_string()))
                    .flatten()),
                final_tier: Set(final_tier),
                recommended_action: Set(c.recommended_action.clone()),
                tavily_credits: Set(c.credits),
                validation_prompt_tokens: Set(0),
                validation_completion_tokens: Set(0),
                // v1 counted only the scoring call's total tokens.
                scoring_prompt_tokens: Set(c.llm_tokens),
                scoring_completion_tokens: Set(0),
                search_seconds: Set(c.search_seconds),
                llm_seconds: Set(c.llm_seconds),
                // v1 priced Tavily credits only.
                cost_usd: Set(c.credits * USD_PER_TAVILY_CREDIT),
                credits_saved: Set(0.0),
                seconds_saved: Set(0.0),
                validation_verdict: Set(c.validation_message.clone()),
                evidence_fetched_at: Set(c.cached_at),
                created_at: Set(c.created_at.unwrap_or(created_at)),
                updated_at: Set(now),
                researched_at: Set(c.researched_at),
                ..Default::default()
            };
            overrides::copy_onto(&mut row, found);
            row
        })
        .collect();
    for chunk in rows.chunks(200) {
        company::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    jobs::refresh_totals(&txn, created.id).await?;
    txn.commit().await?;
    Ok(scored)
}
