//! What the API and the pages show of jobs and companies. v1's field names are
//! kept (`job_type`, `gpu_use_case_tier`, `score_total`, …) so its scripts keep
//! working; the new fields come on top.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    evidence::EvidenceSource,
    job::{CompanyStatus, JobStatus, ReviewReason, Stage},
    rubric::PriorityTier,
    score::SubScore,
};

fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

/// A job without `last_activity_at` for this long while running counts as stalled.
pub const STALL_AFTER_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobView {
    pub id: i32,
    pub name: String,
    pub job_type: String,
    pub status: JobStatus,
    pub total_companies: i32,
    pub completed_companies: i32,
    pub failed_companies: i32,
    pub cancelled_companies: i32,
    /// Marked as not a company by a person: finished, not ranked.
    #[serde(default)]
    pub skipped_companies: i32,
    /// Companies waiting for a person's review (see `ReviewReason`).
    #[serde(default)]
    pub review_companies: i32,
    pub pending_companies: i32,
    pub progress_percent: f64,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub original_filename: Option<String>,
    pub submitted_by: String,
    /// The account that started the job; with the role, it decides who may cancel, retry or delete it.
    #[serde(default)]
    pub owner_id: Option<i32>,
    pub total_tavily_credits: f64,
    pub total_cost_usd: f64,
    pub cache_hits: i32,
    pub cache_misses: i32,
    /// Tavily credits the cache saved this job, in credits and dollars.
    #[serde(default)]
    pub credits_saved: f64,
    #[serde(default)]
    pub usd_saved: f64,
    /// Research time the cache saved this job.
    #[serde(default)]
    pub seconds_saved: f64,
    pub validation_prompt_tokens: i64,
    pub validation_completion_tokens: i64,
    pub scoring_prompt_tokens: i64,
    pub scoring_completion_tokens: i64,
    pub error_message: Option<String>,
    pub cancel_requested: bool,
    pub stalled: bool,
    /// The most the job may spend (USD); none: no cap.
    #[serde(default)]
    pub budget_usd: Option<f64>,
    /// A job an upstream outage paused resumes by itself then; a paused job
    /// without it waits at its budget for a person to raise it.
    #[serde(default)]
    pub resume_at: Option<DateTime<Utc>>,
    /// The job whose list this one runs again: what changed is measured against it.
    #[serde(default)]
    pub previous_job_id: Option<i32>,
    /// The rubric version it scores with: its id and its number ("v3").
    #[serde(default)]
    pub rubric_version_id: Option<i32>,
    #[serde(default)]
    pub rubric_version: Option<i32>,
    /// Re-scored from another job's stored evidence (no searches).
    #[serde(default)]
    pub scoring_only: bool,
    /// Companies whose score the score cache served (no scoring call).
    #[serde(default)]
    pub score_hits: i32,
    /// Its companies carry won/lost outcomes: it has a back-test report.
    #[serde(default)]
    pub backtest: bool,
}

impl JobView {
    /// Paused at its budget (not by an outage): raising the budget resumes it.
    pub fn waits_for_budget(&self) -> bool {
        self.status == JobStatus::Paused && self.resume_at.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyView {
    pub id: i32,
    pub job_id: i32,
    pub name: String,
    pub website: Option<String>,
    pub status: CompanyStatus,
    pub stage: Stage,
    pub description: Option<String>,
    pub employee_count: Option<String>,
    pub total_funding: Option<String>,
    pub funding_millions: Option<f64>,
    pub last_round: Option<String>,
    pub investors: Vec<String>,
    pub headquarters: Option<String>,
    pub founded_year: Option<i32>,
    pub industry: Option<String>,
    pub business_model: Option<String>,
    pub gpu_use_case_tier: Option<String>,
    pub gpu_use_case_label: Option<String>,
    pub gpu_analysis_reasoning: Option<String>,
    pub signals_positive: Vec<String>,
    pub signals_negative: Vec<String>,
    pub score_gpu_use_case: Option<i32>,
    pub score_scale_budget: Option<i32>,
    pub score_growth_signals: Option<i32>,
    pub score_confidence: Option<i32>,
    pub score_total: Option<i32>,
    /// Per criterion (use_case, scale_budget, growth, confidence): points, choices, cited sources.
    /// Only in a company's own detail (`GET /api/jobs/{id}/companies/{company_id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_breakdown: Option<std::collections::BTreeMap<String, SubScore>>,
    /// The tier that counts: a person's override when there is one, else the model's.
    pub priority_tier: Option<PriorityTier>,
    /// The tier a person set by hand, with the model's beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_override: Option<TierOverrideView>,
    /// Why the company waits for a person's review, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewReason>,
    pub recommended_action: Option<String>,
    pub error_message: Option<String>,
    pub cache_hit: bool,
    pub evidence_fetched_at: Option<DateTime<Utc>>,
    /// Tavily credits saved by serving this company from the cache (left out when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub credits_saved: f64,
    pub validation_confidence: Option<f64>,
    /// The validator's words; only in a company's own detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_verdict: Option<String>,
    /// The validator's issues, and the companies it says the name could mean; only in a company's own detail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation_issues: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub validation_candidates: Vec<String>,
    /// Url, title and relevance; the excerpts only in a company's own detail.
    pub sources: Vec<EvidenceSource>,
    pub search_attempts: i32,
    pub tavily_credits_used: f64,
    pub tavily_response_time: f64,
    pub llm_tokens_used: i64,
    pub llm_response_time: f64,
    pub cost_usd: f64,
    pub researched_at: Option<DateTime<Utc>>,
}

/// A tier set by hand: it holds for the company and rubric in every job until removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TierOverrideView {
    pub tier: PriorityTier,
    /// What the model said (none while the company is unscored).
    pub model_tier: Option<PriorityTier>,
    pub note: String,
    pub set_by: String,
    pub set_at: Option<DateTime<Utc>>,
}

/// What an action that spends would cost, shown before it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Estimate {
    /// Companies the action runs.
    pub companies: usize,
    /// Of them, those that need a search (the rest are served by the research cache).
    pub to_research: usize,
    pub credits: f64,
    pub usd: f64,
}

/// What "Retry failed" (or a fresh re-run) would do, before it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RetryPlan {
    pub estimate: Estimate,
    /// Unverified companies that stay in the review queue (not searched again unchanged).
    pub waiting_for_review: u64,
}

/// A job with its companies, ranked. The job's fields are at the top level (v1's shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobDetail {
    #[serde(flatten)]
    pub job: JobView,
    pub companies: Vec<CompanyView>,
}

/// A page of jobs and how many match the filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobPage {
    pub jobs: Vec<JobView>,
    pub total: u64,
    /// Everyone who has submitted a job, for the submitter filter.
    #[serde(default)]
    pub submitters: Vec<String>,
}

/// One criterion of a rubric, as the pages explain a score with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionView {
    pub label: String,
    pub max: u32,
    /// Its options: id, label, points.
    pub options: Vec<(String, String, u32)>,
}

impl CriterionView {
    /// The chosen option in words: "S: Frontier pre-training" where the
    /// rubric names its options by letter, else the option's label; the bare
    /// id if the rubric no longer has it.
    pub fn describe(&self, id: &str) -> String {
        match self.options.iter().find(|(option, _, _)| option == id) {
            Some((_, label, _)) if id.chars().count() <= 2 => format!("{id}: {label}"),
            Some((_, label, _)) => label.clone(),
            None => id.to_string(),
        }
    }
}

/// What the pages need to know of a rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetTypeView {
    pub id: String,
    pub label: String,
    pub description: String,
    /// The latest version's number (a new job scores with it).
    #[serde(default)]
    pub version: i32,
    /// use_case, scale_budget, growth and confidence, in that order.
    pub criteria: Vec<CriterionView>,
    /// Display label per priority tier (HOT, WARM, WATCH, COLD).
    pub priority_labels: Vec<(String, String)>,
}

/// What an uploaded file holds and would cost, before anything starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadPreview {
    pub file_name: String,
    pub rows_read: usize,
    pub blank: usize,
    pub duplicates: usize,
    pub too_long: usize,
    pub companies: usize,
    pub already_cached: usize,
    pub to_research: usize,
    pub estimated_credits: f64,
    pub estimated_usd: f64,
    pub converted_from: Option<String>,
    pub sample: Vec<String>,
    /// Rows left out, each with what to fix (the first 20), and how many in all.
    #[serde(default)]
    pub rejected: Vec<String>,
    #[serde(default)]
    pub rejected_count: usize,
    /// A labelled file's outcome column and how its words were read (a back-test).
    #[serde(default)]
    pub outcomes: Option<String>,
}

/// Percentage of finished companies, one decimal, 0 for an empty job.
pub fn progress_percent(finished: i32, total: i32) -> f64 {
    if total <= 0 {
        0.0
    } else {
        (f64::from(finished) * 1000.0 / f64::from(total)).round() / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_rounded_to_one_decimal() {
        assert_eq!(progress_percent(1, 3), 33.3);
        assert_eq!(progress_percent(0, 0), 0.0);
        assert_eq!(progress_percent(25, 25), 100.0);
    }

    #[test]
    fn a_chosen_option_reads_as_its_letter_and_label_or_its_label() {
        let criterion = CriterionView {
            label: "GPU Use Case".into(),
            max: 50,
            options: vec![
                ("S".into(), "Frontier pre-training".into(), 50),
                ("high".into(), "High: multiple sources".into(), 10),
            ],
        };
        assert_eq!(criterion.describe("S"), "S: Frontier pre-training");
        assert_eq!(criterion.describe("high"), "High: multiple sources");
        assert_eq!(criterion.describe("gone"), "gone");
    }
}
