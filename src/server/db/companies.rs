//! Company queries and mutations. A company's result is written in one
//! update, so a crash never leaves it half-written.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::Expr,
};
use serde_json::json;

use super::entities::company;
use crate::domain::{
    evidence::EvidenceSource,
    job::{CompanyStatus, Stage},
    score::{Research, Score},
    verdict::Verdict,
};

/// What a company's research has cost so far. Written as absolute values.
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
    pub fn of(model: &company::Model) -> Self {
        Self {
            search_attempts: model.search_attempts,
            credits: model.tavily_credits,
            validation_prompt_tokens: model.validation_prompt_tokens,
            validation_completion_tokens: model.validation_completion_tokens,
            scoring_prompt_tokens: model.scoring_prompt_tokens,
            scoring_completion_tokens: model.scoring_completion_tokens,
            search_seconds: model.search_seconds,
            llm_seconds: model.llm_seconds,
            cost_usd: model.cost_usd,
        }
    }

    fn apply(&self, row: &mut company::ActiveModel) {
        row.search_attempts = Set(self.search_attempts);
        row.tavily_credits = Set(self.credits);
        row.validation_prompt_tokens = Set(self.validation_prompt_tokens);
        row.validation_completion_tokens = Set(self.validation_completion_tokens);
        row.scoring_prompt_tokens = Set(self.scoring_prompt_tokens);
        row.scoring_completion_tokens = Set(self.scoring_completion_tokens);
        row.search_seconds = Set(self.search_seconds);
        row.llm_seconds = Set(self.llm_seconds);
        row.cost_usd = Set(self.cost_usd);
        row.updated_at = Set(Utc::now());
    }
}

fn row(id: i32, status: CompanyStatus, stage: Stage, spend: &Spend) -> company::ActiveModel {
    let mut row = company::ActiveModel {
        id: Set(id),
        status: Set(status.as_str().into()),
        stage: Set(stage.as_str().into()),
        ..Default::default()
    };
    spend.apply(&mut row);
    row
}

/// Writes the set columns of one company, without reading the row back.
async fn save(db: &impl ConnectionTrait, row: company::ActiveModel) -> Result<(), DbErr> {
    company::Entity::update(row)
        .exec_without_returning(db)
        .await
        .map(|_| ())
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

fn unfinished_of(job_id: i32) -> sea_orm::Select<company::Entity> {
    company::Entity::find()
        .filter(company::Column::JobId.eq(job_id))
        .filter(company::Column::Status.is_in([
            CompanyStatus::Pending.as_str(),
            CompanyStatus::Researching.as_str(),
        ]))
        .order_by_asc(company::Column::Position)
}

/// Ids of the companies still to research, in input order.
pub async fn unfinished_ids(db: &impl ConnectionTrait, job_id: i32) -> Result<Vec<i32>, DbErr> {
    unfinished_of(job_id)
        .select_only()
        .column(company::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// The companies still to research, in input order (one query for a whole run).
pub async fn unfinished(
    db: &impl ConnectionTrait,
    job_id: i32,
) -> Result<Vec<company::Model>, DbErr> {
    unfinished_of(job_id).all(db).await
}

/// Companies that were in flight when their worker stopped go back to the queue.
pub async fn requeue_in_flight(db: &impl ConnectionTrait, job_id: i32) -> Result<u64, DbErr> {
    Ok(company::Entity::update_many()
        .col_expr(
            company::Column::Status,
            Expr::value(CompanyStatus::Pending.as_str()),
        )
        .col_expr(company::Column::Stage, Expr::value(Stage::Queued.as_str()))
        .col_expr(company::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(company::Column::JobId.eq(job_id))
        .filter(company::Column::Status.eq(CompanyStatus::Researching.as_str()))
        .exec(db)
        .await?
        .rows_affected)
}

/// Cancels every company of the job that has not finished.
pub async fn cancel_unfinished(db: &impl ConnectionTrait, job_id: i32) -> Result<u64, DbErr> {
    Ok(company::Entity::update_many()
        .col_expr(
            company::Column::Status,
            Expr::value(CompanyStatus::Cancelled.as_str()),
        )
        .col_expr(company::Column::Stage, Expr::value(Stage::Done.as_str()))
        .col_expr(
            company::Column::ErrorMessage,
            Expr::value("Cancelled before it was researched."),
        )
        .col_expr(company::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(company::Column::JobId.eq(job_id))
        .filter(company::Column::Status.is_in([
            CompanyStatus::Pending.as_str(),
            CompanyStatus::Researching.as_str(),
        ]))
        .exec(db)
        .await?
        .rows_affected)
}

pub async fn set_stage(
    db: &impl ConnectionTrait,
    id: i32,
    status: CompanyStatus,
    stage: Stage,
    spend: &Spend,
) -> Result<(), DbErr> {
    save(db, row(id, status, stage, spend)).await
}

pub async fn record_verdict(
    db: &impl ConnectionTrait,
    id: i32,
    verdict: &Verdict,
    spend: &Spend,
) -> Result<(), DbErr> {
    let mut row = row(id, CompanyStatus::Researching, Stage::Validating, spend);
    row.validation_valid = Set(Some(verdict.valid));
    row.validation_confidence = Set(Some(verdict.confidence));
    row.validation_verdict = Set(Some(verdict.verdict.clone()));
    save(db, row).await
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
    id: i32,
    hit: CacheHit<'_>,
    spend: &Spend,
) -> Result<(), DbErr> {
    let mut row = row(id, CompanyStatus::Researching, Stage::Validating, spend);
    row.cache_hit = Set(true);
    row.evidence_fetched_at = Set(Some(hit.fetched_at));
    row.credits_saved = Set(hit.credits_saved);
    row.seconds_saved = Set(hit.seconds_saved);
    row.validation_valid = Set(Some(hit.verdict.valid));
    row.validation_confidence = Set(Some(hit.verdict.confidence));
    row.validation_verdict = Set(Some(hit.verdict.verdict.clone()));
    save(db, row).await
}

/// Ends the company with a reason (failed or cancelled).
pub async fn finish_unscored(
    db: &impl ConnectionTrait,
    id: i32,
    status: CompanyStatus,
    message: &str,
    spend: &Spend,
) -> Result<(), DbErr> {
    let mut row = row(id, status, Stage::Done, spend);
    row.error_message = Set(Some(message.to_string()));
    save(db, row).await
}

/// Puts a company back in the queue, keeping what it has spent.
pub async fn requeue(db: &impl ConnectionTrait, id: i32, spend: &Spend) -> Result<(), DbErr> {
    set_stage(db, id, CompanyStatus::Pending, Stage::Queued, spend).await
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
    pub evidence_fetched_at: chrono::DateTime<Utc>,
}

pub async fn complete(
    db: &impl ConnectionTrait,
    id: i32,
    scored: ScoredCompany<'_>,
    spend: &Spend,
) -> Result<(), DbErr> {
    let mut row = row(id, CompanyStatus::Completed, Stage::Done, spend);
    let r = scored.research;
    let s = scored.score;
    row.error_message = Set(None);
    row.cache_hit = Set(scored.cache_hit);
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
    save(db, row).await
}
