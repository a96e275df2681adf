//! Rows to wire types.

use chrono::Utc;

use super::{
    entities::{cache_entry, company, job},
    jobs::credits_cost,
};
use crate::domain::{
    cache::{CacheEntryDetail, CacheEntryView},
    evidence::EvidenceSource,
    score::SubScore,
    views::{CompanyView, JobView, STALL_AFTER_SECS, progress_percent},
};

fn strings(value: &Option<serde_json::Value>) -> Vec<String> {
    value
        .as_ref()
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

pub fn job_view(job: &job::Model) -> JobView {
    let finished = job.completed_companies + job.failed_companies + job.cancelled_companies;
    let running = job.status == "running";
    let last = job.last_activity_at.or(job.started_at);
    JobView {
        id: job.id,
        name: job.name.clone(),
        job_type: job.target_type.clone(),
        status: job.status.clone(),
        total_companies: job.total_companies,
        completed_companies: job.completed_companies,
        failed_companies: job.failed_companies,
        cancelled_companies: job.cancelled_companies,
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
    }
}

pub fn company_view(c: &company::Model) -> CompanyView {
    CompanyView {
        id: c.id,
        job_id: c.job_id,
        name: c.name.clone(),
        website: c.website.clone(),
        status: c.status.clone(),
        stage: c.stage.clone(),
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
        score_breakdown: c.score_citations.as_ref().and_then(|v| {
            serde_json::from_value::<std::collections::BTreeMap<String, SubScore>>(v.clone()).ok()
        }),
        priority_tier: c.priority_tier.clone(),
        recommended_action: c.recommended_action.clone(),
        error_message: c.error_message.clone(),
        cache_hit: c.cache_hit,
        evidence_fetched_at: c.evidence_fetched_at,
        credits_saved: c.credits_saved,
        validation_confidence: c.validation_confidence,
        validation_verdict: c.validation_verdict.clone(),
        sources: c
            .sources
            .as_ref()
            .and_then(|v| serde_json::from_value::<Vec<EvidenceSource>>(v.clone()).ok())
            .unwrap_or_default(),
        search_attempts: c.search_attempts,
        tavily_credits_used: c.tavily_credits,
        tavily_response_time: c.search_seconds,
        llm_tokens_used: c.validation_prompt_tokens
            + c.validation_completion_tokens
            + c.scoring_prompt_tokens
            + c.scoring_completion_tokens,
        llm_response_time: c.llm_seconds,
        cost_usd: c.cost_usd,
        researched_at: c.researched_at,
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
        evidence: serde_json::from_value(e.evidence.clone()).unwrap_or_default(),
    }
}
