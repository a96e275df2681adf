//! Rows to wire types.

use chrono::Utc;
use serde::Deserialize;

use super::{
    entities::{cache_entry, company, job},
    jobs::credits_cost,
};
use crate::domain::{
    cache::{CacheEntryDetail, CacheEntryView},
    evidence::EvidenceSource,
    job::{CompanyStatus, JobStatus, ReviewReason, Stage},
    rubric::PriorityTier,
    score::SubScore,
    table::CompanyRow,
    views::{CompanyView, JobView, STALL_AFTER_SECS, TierOverrideView, progress_percent},
};

fn strings(value: &Option<serde_json::Value>) -> Vec<String> {
    value
        .as_ref()
        .and_then(|v| Vec::<String>::deserialize(v).ok())
        .unwrap_or_default()
}

pub fn job_view(job: &job::Model) -> JobView {
    let finished = job.completed_companies
        + job.failed_companies
        + job.cancelled_companies
        + job.skipped_companies;
    let running = job.status == JobStatus::Running.as_str();
    let last = job.last_activity_at.or(job.started_at);
    JobView {
        id: job.id,
        name: job.name.clone(),
        job_type: job.target_type.clone(),
        status: JobStatus::parse(&job.status).unwrap_or(JobStatus::Failed),
        total_companies: job.total_companies,
        completed_companies: job.completed_companies,
        failed_companies: job.failed_companies,
        cancelled_companies: job.cancelled_companies,
        skipped_companies: job.skipped_companies,
        review_companies: job.review_companies,
        pending_companies: (job.total_companies - finished).max(0),
        progress_percent: progress_percent(finished, job.total_companies),
        created_at: job.created_at,
        started_at: job.started_at,
        completed_at: job.completed_at,
        last_activity_at: job.last_activity_at,
        original_filename: job.original_filename.clone(),
        submitted_by: job.submitted_by.clone(),
        owner_id: job.owner_id,
        total_tavily_credits: job.tavily_credits,
        total_cost_usd: (job.cost_usd * 10_000.0).round() / 10_000.0,
        cache_hits: job.cache_hits,
        cache_misses: job.cache_misses,
        credits_saved: job.credits_saved,
        usd_saved: credits_cost(job.credits_saved),
        seconds_saved: job.seconds_saved,
        validation_prompt_tokens: job.validation_prompt_tokens,
        validation_completion_tokens: job.validation_completion_tokens,
        scoring_prompt_tokens: job.scoring_prompt_tokens,
        scoring_completion_tokens: job.scoring_completion_tokens,
        error_message: job.error_message.clone(),
        cancel_requested: job.cancel_requested,
        stalled: running
            && last.is_some_and(|at| (Utc::now() - at).num_seconds() > STALL_AFTER_SECS),
        budget_usd: job.budget_usd,
        resume_at: job.resume_at,
        previous_job_id: job.previous_job_id,
        rubric_version_id: job.rubric_version_id,
        rubric_version: job.rubric_version,
        scoring_only: job.scoring_only,
        score_hits: job.score_hits,
        backtest: job.backtest,
    }
}

fn company_status(c: &company::Model) -> CompanyStatus {
    CompanyStatus::parse(&c.status).unwrap_or(CompanyStatus::Failed)
}

fn stage(c: &company::Model) -> Stage {
    Stage::parse(&c.stage).unwrap_or(Stage::Done)
}

/// The tier that counts (a person's, else the model's).
fn tier(c: &company::Model) -> Option<PriorityTier> {
    c.final_tier.as_deref().and_then(PriorityTier::parse)
}

fn model_tier(c: &company::Model) -> Option<PriorityTier> {
    c.priority_tier.as_deref().and_then(PriorityTier::parse)
}

fn review(c: &company::Model) -> Option<ReviewReason> {
    c.review.as_deref().and_then(ReviewReason::parse)
}

pub fn tier_override(c: &company::Model) -> Option<TierOverrideView> {
    Some(TierOverrideView {
        tier: c.tier_override.as_deref().and_then(PriorityTier::parse)?,
        model_tier: model_tier(c),
        note: c.override_note.clone().unwrap_or_default(),
        set_by: c.override_by.clone().unwrap_or_default(),
        set_at: c.override_at.map(to_millis),
    })
}

/// How much of a company a view carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Sources as url, title and relevance; no score breakdown and no validator's
    /// prose (a job's detail, the export).
    Listed,
    /// Everything: source excerpts and the score breakdown (a company opened on its own).
    Full,
}

/// A time to the millisecond (what a listing needs; nanoseconds only make it longer).
fn to_millis(at: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(at, 3)
}

pub fn company_row(rank: u32, c: &company::Model) -> CompanyRow {
    CompanyRow {
        rank,
        id: c.id,
        name: c.name.clone(),
        website: c.website.clone(),
        industry: c.industry.clone(),
        headquarters: c.headquarters.clone(),
        status: company_status(c),
        stage: stage(c),
        priority_tier: tier(c),
        model_tier: c.tier_override.as_ref().and(model_tier(c)),
        review: review(c),
        score_total: c.score_total,
        use_case_tier: c.use_case_tier.clone(),
        funding_millions: c.funding_millions,
        total_funding: c.total_funding.clone(),
        cache_hit: c.cache_hit,
        validation_confidence: c.validation_confidence,
        error_message: c.error_message.clone(),
    }
}

pub fn company_view(c: &company::Model, detail: Detail) -> CompanyView {
    let full = detail == Detail::Full;
    let mut sources = c
        .sources
        .as_ref()
        .and_then(|v| Vec::<EvidenceSource>::deserialize(v).ok())
        .unwrap_or_default();
    if !full {
        for source in &mut sources {
            source.excerpt.clear();
            source.index = 0;
        }
    }
    let rounded = |value: f64, places: i32| {
        let scale = 10f64.powi(places);
        (value * scale).round() / scale
    };
    CompanyView {
        id: c.id,
        job_id: c.job_id,
        name: c.name.clone(),
        website: c.website.clone(),
        status: company_status(c),
        stage: stage(c),
        description: c.description.clone(),
        employee_count: c.employee_count.clone(),
        total_funding: c.total_funding.clone(),
        funding_millions: c.funding_millions,
        last_round: c.last_round.clone(),
        investors: strings(&c.investors),
        headquarters: c.headquarters.clone(),
        founded_year: c.founded_year,
        industry: c.industry.clone(),
        business_model: c.business_model.clone(),
        gpu_use_case_tier: c.use_case_tier.clone(),
        gpu_use_case_label: c.use_case_label.clone(),
        gpu_analysis_reasoning: c.reasoning.clone(),
        signals_positive: strings(&c.signals_positive),
        signals_negative: strings(&c.signals_negative),
        score_gpu_use_case: c.score_use_case,
        score_scale_budget: c.score_scale_budget,
        score_growth_signals: c.score_growth,
        score_confidence: c.score_confidence,
        score_total: c.score_total,
        score_breakdown: c
            .score_citations
            .as_ref()
            .filter(|_| full)
            .and_then(|v| std::collections::BTreeMap::<String, SubScore>::deserialize(v).ok()),
        priority_tier: tier(c),
        tier_override: tier_override(c),
        review: review(c),
        recommended_action: c.recommended_action.clone(),
        error_message: c.error_message.clone(),
        cache_hit: c.cache_hit,
        evidence_fetched_at: c.evidence_fetched_at.map(to_millis),
        credits_saved: c.credits_saved,
        validation_confidence: c.validation_confidence,
        validation_verdict: if full {
            c.validation_verdict.clone()
        } else {
            None
        },
        validation_issues: if full {
            strings(&c.validation_issues)
        } else {
            vec![]
        },
        validation_candidates: if full {
            strings(&c.validation_candidates)
        } else {
            vec![]
        },
        sources,
        search_attempts: c.search_attempts,
        tavily_credits_used: c.tavily_credits,
        tavily_response_time: rounded(c.search_seconds, 3),
        llm_tokens_used: c.validation_prompt_tokens
            + c.validation_completion_tokens
            + c.scoring_prompt_tokens
            + c.scoring_completion_tokens,
        llm_response_time: rounded(c.llm_seconds, 3),
        cost_usd: rounded(c.cost_usd, 6),
        researched_at: c.researched_at.map(to_millis),
    }
}

pub fn cache_entry_view(e: &cache_entry::Model, now: chrono::DateTime<Utc>) -> CacheEntryView {
    CacheEntryView {
        id: e.id,
        key: e.key.clone(),
        name: e.display_name.clone(),
        target_type: e.target_type.clone(),
        website: e.website.clone(),
        confidence: e.confidence,
        verdict: e.verdict.clone(),
        source_count: e.source_count,
        fetched_at: e.fetched_at,
        expires_at: e.expires_at,
        expired: e.expires_at <= now,
        size_bytes: e.size_bytes,
        hits: e.hits,
        last_hit_at: e.last_hit_at,
        credits: e.credits,
    }
}

pub fn cache_entry_detail(e: &cache_entry::Model, now: chrono::DateTime<Utc>) -> CacheEntryDetail {
    CacheEntryDetail {
        entry: cache_entry_view(e, now),
        evidence: Vec::deserialize(&e.evidence).unwrap_or_default(),
    }
}
