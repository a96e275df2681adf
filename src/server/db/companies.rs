//! Company queries and mutations. A company's result is written in one
//! update, so a crash never leaves it half-written, and every write of a
//! company in research is fenced by its claim (see `claims`).

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set,
    UpdateMany,
    sea_query::{Expr, Func},
};
use serde_json::json;

use super::{claims::Claim, entities::company};
use crate::domain::{
    evidence::EvidenceSource,
    job::{CompanyStatus, ReviewReason, Stage},
    kept::KeptResearch,
    score::{Research, Score},
    verdict::Verdict,
};

/// What a company's research has cost: a run adds what it spent since its
/// last write, so two instances that both worked on a company (one of them
/// after losing its claim) are both counted, and nothing twice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spend {
    pub search_attempts: i32,
    pub credits: f64,
    pub validation_prompt_tokens: i64,
    pub validation_completion_tokens: i64,
    pub scoring_prompt_tokens: i64,
    pub scoring_completion_tokens: i64,
    pub search_seconds: f64,
    pub llm_seconds: f64,
    pub cost_usd: f64,
}

impl Spend {
    /// What was spent since `earlier` (a run's spend at its last write).
    pub fn since(&self, earlier: &Spend) -> Spend {
        Spend {
            search_attempts: self.search_attempts - earlier.search_attempts,
            credits: self.credits - earlier.credits,
            validation_prompt_tokens: self.validation_prompt_tokens
                - earlier.validation_prompt_tokens,
            validation_completion_tokens: self.validation_completion_tokens
                - earlier.validation_completion_tokens,
            scoring_prompt_tokens: self.scoring_prompt_tokens - earlier.scoring_prompt_tokens,
            scoring_completion_tokens: self.scoring_completion_tokens
                - earlier.scoring_completion_tokens,
            search_seconds: self.search_seconds - earlier.search_seconds,
            llm_seconds: self.llm_seconds - earlier.llm_seconds,
            cost_usd: self.cost_usd - earlier.cost_usd,
        }
    }

    /// Adds this spend to the row's counters.
    fn add_to(&self, update: UpdateMany<company::Entity>) -> UpdateMany<company::Entity> {
        use company::Column as C;
        fn plus(column: C, value: impl Into<sea_orm::Value>) -> Expr {
            Expr::col(column).add(Expr::val(value))
        }
        update
            .col_expr(
                C::SearchAttempts,
                plus(C::SearchAttempts, self.search_attempts),
            )
            .col_expr(C::TavilyCredits, plus(C::TavilyCredits, self.credits))
            .col_expr(
                C::ValidationPromptTokens,
                plus(C::ValidationPromptTokens, self.validation_prompt_tokens),
            )
            .col_expr(
                C::ValidationCompletionTokens,
                plus(
                    C::ValidationCompletionTokens,
                    self.validation_completion_tokens,
                ),
            )
            .col_expr(
                C::ScoringPromptTokens,
                plus(C::ScoringPromptTokens, self.scoring_prompt_tokens),
            )
            .col_expr(
                C::ScoringCompletionTokens,
                plus(C::ScoringCompletionTokens, self.scoring_completion_tokens),
            )
            .col_expr(
                C::SearchSeconds,
                plus(C::SearchSeconds, self.search_seconds),
            )
            .col_expr(C::LlmSeconds, plus(C::LlmSeconds, self.llm_seconds))
            .col_expr(C::CostUsd, plus(C::CostUsd, self.cost_usd))
    }
}

/// A fenced write was refused, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("company {0} was taken over by another instance")]
    LostClaim(i32),
    #[error(transparent)]
    Database(#[from] DbErr),
}

fn row(status: CompanyStatus, stage: Stage) -> company::ActiveModel {
    company::ActiveModel {
        status: Set(status.as_str().into()),
        stage: Set(stage.as_str().into()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
}

/// The row's end: it leaves the queue for good (until a retry).
fn finished(mut row: company::ActiveModel) -> company::ActiveModel {
    row.lease_until = Set(None);
    row
}

/// Writes the set columns of one claimed company and adds `spend`, if the
/// claim still holds; without reading the row back.
async fn save(
    db: &impl ConnectionTrait,
    claim: Claim,
    row: company::ActiveModel,
    spend: &Spend,
) -> Result<(), WriteError> {
    save_with(db, claim, row, spend, |update| update).await
}

/// [`save`], with more column expressions.
async fn save_with(
    db: &impl ConnectionTrait,
    claim: Claim,
    row: company::ActiveModel,
    spend: &Spend,
    more: impl FnOnce(UpdateMany<company::Entity>) -> UpdateMany<company::Entity>,
) -> Result<(), WriteError> {
    let written = more(spend.add_to(company::Entity::update_many().set(row)))
        .filter(company::Column::Id.eq(claim.company_id))
        .filter(company::Column::ClaimToken.eq(claim.token))
        .exec(db)
        .await?
        .rows_affected;
    if written == 0 {
        return Err(WriteError::LostClaim(claim.company_id));
    }
    Ok(())
}

/// Records spend whoever holds the company now: what a run spent before it
/// learnt it had lost its claim was spent all the same.
pub async fn add_spend(
    db: &impl ConnectionTrait,
    company_id: i32,
    spend: &Spend,
) -> Result<(), DbErr> {
    if *spend == Spend::default() {
        return Ok(());
    }
    spend
        .add_to(company::Entity::update_many())
        .filter(company::Column::Id.eq(company_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<company::Model>, DbErr> {
    company::Entity::find_by_id(id).one(db).await
}

pub async fn for_job(db: &impl ConnectionTrait, job_id: i32) -> Result<Vec<company::Model>, DbErr> {
    company::Entity::find()
        .filter(company::Column::JobId.eq(job_id))
        .order_by_asc(company::Column::Position)
        .all(db)
        .await
}

pub async fn set_stage(
    db: &impl ConnectionTrait,
    claim: Claim,
    stage: Stage,
    spend: &Spend,
) -> Result<(), WriteError> {
    save(db, claim, row(CompanyStatus::Researching, stage), spend).await
}

/// The validator's answer on what a search found. Sources it did not verify
/// are kept (titles and links, not their text), so a person reviewing the
/// company sees what was found; verified ones are written once, with the score.
pub async fn record_verdict(
    db: &impl ConnectionTrait,
    claim: Claim,
    verdict: &Verdict,
    unverified: Option<&[EvidenceSource]>,
    spend: &Spend,
) -> Result<(), WriteError> {
    let mut row = row(CompanyStatus::Researching, Stage::Validating);
    set_verdict(&mut row, verdict);
    if let Some(found) = unverified {
        let listed: Vec<EvidenceSource> = found
            .iter()
            .map(|s| EvidenceSource {
                excerpt: String::new(),
                ..s.clone()
            })
            .collect();
        row.sources = Set(Some(json!(listed)));
    }
    save(db, claim, row, spend).await
}

pub(super) fn set_verdict(row: &mut company::ActiveModel, verdict: &Verdict) {
    row.validation_valid = Set(Some(verdict.valid));
    row.validation_confidence = Set(Some(verdict.confidence));
    row.validation_verdict = Set(Some(verdict.verdict.clone()));
    row.validation_issues = Set(Some(json!(verdict.issues)));
    row.validation_candidates = Set(Some(json!(verdict.candidates)));
}

/// Research served from the cache: the cached verdict, the evidence's age and what it saved.
pub struct CacheHit<'a> {
    pub verdict: &'a Verdict,
    pub fetched_at: chrono::DateTime<Utc>,
    pub credits_saved: f64,
    pub seconds_saved: f64,
}

pub async fn record_cache_hit(
    db: &impl ConnectionTrait,
    claim: Claim,
    hit: CacheHit<'_>,
    spend: &Spend,
) -> Result<(), WriteError> {
    let mut row = row(CompanyStatus::Researching, Stage::Validating);
    row.cache_hit = Set(true);
    row.evidence_fetched_at = Set(Some(hit.fetched_at));
    row.credits_saved = Set(hit.credits_saved);
    row.seconds_saved = Set(hit.seconds_saved);
    set_verdict(&mut row, hit.verdict);
    save(db, claim, row, spend).await
}

/// Ends the company with a reason (failed or cancelled), keeping the
/// research it paid for, if any, for the next attempt.
pub async fn finish_unscored(
    db: &impl ConnectionTrait,
    claim: Claim,
    status: CompanyStatus,
    message: &str,
    kept: Option<&KeptResearch>,
    spend: &Spend,
) -> Result<(), WriteError> {
    let mut row = finished(row(status, Stage::Done));
    row.error_message = Set(Some(message.to_string()));
    row.kept_evidence = Set(kept.map(KeptResearch::to_json));
    save(db, claim, row, spend).await
}

/// Ends a company whose research was not verified: failed, waiting for a
/// person (a website, a better name), never re-searched unchanged by a retry.
pub async fn finish_in_review(
    db: &impl ConnectionTrait,
    claim: Claim,
    reason: ReviewReason,
    message: &str,
    spend: &Spend,
) -> Result<(), WriteError> {
    let mut row = finished(row(CompanyStatus::Failed, Stage::Done));
    row.error_message = Set(Some(message.to_string()));
    row.review = Set(Some(reason.as_str().into()));
    row.kept_evidence = Set(None);
    save(db, claim, row, spend).await
}

/// Puts a company back in the queue for any instance, keeping what it has
/// spent and the research it paid for.
pub async fn requeue(
    db: &impl ConnectionTrait,
    claim: Claim,
    kept: Option<&KeptResearch>,
    spend: &Spend,
) -> Result<(), WriteError> {
    let mut row = finished(row(CompanyStatus::Pending, Stage::Queued));
    row.kept_evidence = Set(kept.map(KeptResearch::to_json));
    save(db, claim, row, spend).await
}

/// A company going back to the queue for a re-run: the last run's result
/// (score, tier, research, sources, verdict) is cleared, so a company whose
/// new research fails or is cancelled never ranks or exports with last
/// quarter's evidence. What it spent stays.
pub fn without_results() -> company::ActiveModel {
    company::ActiveModel {
        evidence_fetched_at: Set(None),
        validation_valid: Set(None),
        validation_confidence: Set(None),
        validation_verdict: Set(None),
        validation_issues: Set(None),
        validation_candidates: Set(None),
        review: Set(None),
        final_tier: Set(None),
        description: Set(None),
        employee_count: Set(None),
        total_funding: Set(None),
        funding_millions: Set(None),
        last_round: Set(None),
        investors: Set(None),
        headquarters: Set(None),
        founded_year: Set(None),
        industry: Set(None),
        business_model: Set(None),
        use_case_tier: Set(None),
        use_case_label: Set(None),
        reasoning: Set(None),
        signals_positive: Set(None),
        signals_negative: Set(None),
        score_use_case: Set(None),
        score_scale_budget: Set(None),
        score_growth: Set(None),
        score_confidence: Set(None),
        score_total: Set(None),
        score_citations: Set(None),
        priority_tier: Set(None),
        recommended_action: Set(None),
        sources: Set(None),
        researched_at: Set(None),
        ..Default::default()
    }
}

/// Everything a completed company stores, written at once.
pub struct ScoredCompany<'a> {
    pub research: &'a Research,
    pub reasoning: &'a str,
    pub signals_positive: &'a [String],
    pub signals_negative: &'a [String],
    pub score: &'a Score,
    pub sources: &'a [EvidenceSource],
    pub cache_hit: bool,
    /// The score came from the score cache.
    pub score_reused: bool,
    pub evidence_fetched_at: chrono::DateTime<Utc>,
    /// Verified, but a person should confirm it (near the threshold, or a name several companies share).
    pub review: Option<ReviewReason>,
}

pub async fn complete(
    db: &impl ConnectionTrait,
    claim: Claim,
    scored: ScoredCompany<'_>,
    spend: &Spend,
) -> Result<(), WriteError> {
    let mut row = finished(row(CompanyStatus::Completed, Stage::Done));
    let r = scored.research;
    let s = scored.score;
    row.error_message = Set(None);
    row.cache_hit = Set(scored.cache_hit);
    row.score_reused = Set(scored.score_reused);
    row.evidence_fetched_at = Set(Some(scored.evidence_fetched_at));
    row.description = Set(Some(r.description.clone()));
    row.employee_count = Set(r.employee_count.clone());
    row.total_funding = Set(r.total_funding.clone());
    row.funding_millions = Set(r.funding_millions.filter(|f| f.is_finite() && *f >= 0.0));
    row.last_round = Set(r.last_round.clone());
    row.investors = Set(Some(json!(r.investors)));
    row.headquarters = Set(r.headquarters.clone());
    row.founded_year = Set(r.founded_year.filter(|y| (1800..=2100).contains(y)));
    row.industry = Set(r.industry.clone());
    row.business_model = Set(r.business_model.clone());
    row.use_case_tier = Set(Some(s.use_case_tier.clone()));
    row.use_case_label = Set(Some(s.use_case_label.clone()));
    row.reasoning = Set(Some(scored.reasoning.to_string()));
    row.signals_positive = Set(Some(json!(scored.signals_positive)));
    row.signals_negative = Set(Some(json!(scored.signals_negative)));
    row.score_use_case = Set(Some(s.use_case.points as i32));
    row.score_scale_budget = Set(Some(s.scale_budget.points as i32));
    row.score_growth = Set(Some(s.growth.points as i32));
    row.score_confidence = Set(Some(s.confidence.points as i32));
    row.score_total = Set(Some(s.total as i32));
    row.score_citations = Set(Some(json!({
        "use_case": s.use_case, "scale_budget": s.scale_budget, "growth": s.growth, "confidence": s.confidence,
    })));
    row.priority_tier = Set(Some(s.priority.as_str().into()));
    row.recommended_action = Set(Some(s.recommended_action.clone()));
    row.sources = Set(Some(json!(scored.sources)));
    row.researched_at = Set(Some(Utc::now()));
    row.review = Set(scored.review.map(|r| r.as_str().to_string()));
    row.kept_evidence = Set(None);
    // The tier that counts: a person's override for this company and rubric, else the model's.
    let final_tier = Func::coalesce([
        Expr::col(company::Column::TierOverride),
        Expr::val(s.priority.as_str()),
    ]);
    save_with(db, claim, row, spend, |update| {
        update.col_expr(company::Column::FinalTier, final_tier.into())
    })
    .await
}
