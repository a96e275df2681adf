//! Job queries and mutations. Counters and costs are derived from the
//! companies' rows, so they are always the sum of what was really spent.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, FromQueryResult,
    QueryFilter, QuerySelect, Set, TransactionSession, TransactionTrait,
    sea_query::{Expr, Func},
};

use super::{
    entities::{company, job},
    overrides, sum_if, sum_of, sum_of_big,
};
use crate::domain::{
    backtest::Outcome,
    company_name::{CompanyName, cache_key},
    job::{CompanyStatus, JobStatus, Stage, USD_PER_TAVILY_CREDIT},
    kept::KeptResearch,
};

/// A company as it enters a job.
#[derive(Debug, Clone)]
pub struct NewCompany {
    pub name: CompanyName,
    pub website: Option<String>,
    /// Verified research it starts from (a re-score's stored evidence).
    pub kept: Option<KeptResearch>,
    /// A back-test's label.
    pub outcome: Option<Outcome>,
}

impl NewCompany {
    pub fn new(name: CompanyName, website: Option<String>) -> Self {
        Self {
            name,
            website,
            kept: None,
            outcome: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub name: String,
    pub target_type: String,
    pub submitted_by: String,
    /// The account that starts the job.
    pub owner_id: Option<i32>,
    pub original_filename: Option<String>,
    pub companies: Vec<NewCompany>,
    /// Research every company afresh and overwrite its cache entry.
    pub refresh_cache: bool,
    /// The most the job may spend (USD); none: no cap.
    pub budget_usd: Option<f64>,
    /// The job whose list this one runs again.
    pub previous_job_id: Option<i32>,
    /// A scheduled run: its schedule and the time it was due.
    pub scheduled: Option<(i32, DateTime<Utc>)>,
    /// The rubric version to score with (id); none: the rubric's latest.
    pub rubric_version: Option<i32>,
    /// Scored from the companies' kept evidence only, never searched.
    pub scoring_only: bool,
}

/// A new job's row with every counter and sum at zero ([`refresh_totals`]
/// brings them up to date from its companies).
pub fn zero_totals() -> job::ActiveModel {
    job::ActiveModel {
        cancel_requested: Set(false),
        refresh_cache: Set(false),
        completed_companies: Set(0),
        failed_companies: Set(0),
        cancelled_companies: Set(0),
        skipped_companies: Set(0),
        review_companies: Set(0),
        cache_hits: Set(0),
        cache_misses: Set(0),
        tavily_credits: Set(0.0),
        validation_prompt_tokens: Set(0),
        validation_completion_tokens: Set(0),
        scoring_prompt_tokens: Set(0),
        scoring_completion_tokens: Set(0),
        cost_usd: Set(0.0),
        credits_saved: Set(0.0),
        seconds_saved: Set(0.0),
        ..Default::default()
    }
}

/// Creates the job and its companies in one transaction; its rubric
/// version is stamped when it starts ([`stamp_version`]).
pub async fn create(db: &impl TransactionTrait, new: NewJob) -> Result<job::Model, DbErr> {
    create_with(db, new, None).await
}

/// Creates the job and its companies in one transaction, scored with the
/// rubric version `(id, number)`.
pub async fn create_with(
    db: &impl TransactionTrait,
    new: NewJob,
    version: Option<(i32, i32)>,
) -> Result<job::Model, DbErr> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let created = job::ActiveModel {
        name: Set(new.name),
        target_type: Set(new.target_type),
        submitted_by: Set(new.submitted_by),
        owner_id: Set(new.owner_id),
        original_filename: Set(new.original_filename),
        status: Set(JobStatus::Pending.as_str().into()),
        cancel_requested: Set(false),
        refresh_cache: Set(new.refresh_cache),
        budget_usd: Set(new.budget_usd),
        previous_job_id: Set(new.previous_job_id),
        schedule_id: Set(new.scheduled.map(|(id, _)| id)),
        scheduled_for: Set(new.scheduled.map(|(_, at)| at)),
        rubric_version_id: Set(version.map(|(id, _)| id)),
        rubric_version: Set(version.map(|(_, number)| number)),
        scoring_only: Set(new.scoring_only),
        backtest: Set(new.companies.iter().any(|c| c.outcome.is_some())),
        total_companies: Set(new.companies.len() as i32),
        created_at: Set(now),
        ..zero_totals()
    }
    .insert(&txn)
    .await?;
    let keys: Vec<String> = new
        .companies
        .iter()
        .map(|c| cache_key(c.name.as_str(), c.website.as_deref()))
        .collect();
    // Tiers the team set by hand for these companies hold in this job too.
    let overridden = overrides::for_keys(&txn, &created.target_type, &keys).await?;
    let rows: Vec<company::ActiveModel> = new
        .companies
        .into_iter()
        .zip(keys)
        .enumerate()
        .map(|(position, (c, key))| {
            let mut row = company::ActiveModel {
                job_id: Set(created.id),
                position: Set(position as i32),
                name: Set(c.name.as_str().to_string()),
                website: Set(c.website),
                kept_evidence: Set(c.kept.as_ref().map(KeptResearch::to_json)),
                outcome: Set(c.outcome.map(|o| o.as_str().to_string())),
                company_key: Set(Some(key.clone())),
                status: Set(CompanyStatus::Pending.as_str().into()),
                stage: Set(Stage::Queued.as_str().into()),
                search_attempts: Set(0),
                cache_hit: Set(false),
                tavily_credits: Set(0.0),
                validation_prompt_tokens: Set(0),
                validation_completion_tokens: Set(0),
                scoring_prompt_tokens: Set(0),
                scoring_completion_tokens: Set(0),
                search_seconds: Set(0.0),
                llm_seconds: Set(0.0),
                cost_usd: Set(0.0),
                credits_saved: Set(0.0),
                seconds_saved: Set(0.0),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            if let Some(verdict) = c.kept.as_ref().and_then(|k| k.verified.as_ref()) {
                super::companies::set_verdict(&mut row, verdict);
            }
            overrides::copy_onto(&mut row, overridden.get(&key));
            row
        })
        .collect();
    for chunk in rows.chunks(200) {
        company::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(created)
}

/// Records the rubric version a job without one scores with (the first
/// instance to start it decides).
pub async fn stamp_version(
    db: &impl ConnectionTrait,
    job_id: i32,
    (version_id, number): (i32, i32),
) -> Result<(), DbErr> {
    job::Entity::update_many()
        .col_expr(job::Column::RubricVersionId, Expr::val(version_id))
        .col_expr(job::Column::RubricVersion, Expr::val(number))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::RubricVersionId.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<job::Model>, DbErr> {
    job::Entity::find_by_id(id).one(db).await
}

#[derive(Debug, Default, FromQueryResult)]
struct Totals {
    total: Option<i64>,
    completed: Option<i64>,
    failed: Option<i64>,
    cancelled: Option<i64>,
    skipped: Option<i64>,
    review: Option<i64>,
    hits: Option<i64>,
    score_hits: Option<i64>,
    misses: Option<i64>,
    credits: Option<f64>,
    vp: Option<i64>,
    vc: Option<i64>,
    sp: Option<i64>,
    sc: Option<i64>,
    cost: Option<f64>,
    credits_saved: Option<f64>,
    seconds_saved: Option<f64>,
}

fn count_where(column: company::Column, value: &str) -> Expr {
    sum_if(Expr::col(column).eq(value))
}

/// Recomputes the job's counters and spend from its companies.
pub async fn refresh_totals(db: &impl ConnectionTrait, job_id: i32) -> Result<(), DbErr> {
    use company::Column as C;
    let totals = company::Entity::find()
        .select_only()
        .column_as(Expr::from(Func::count(Expr::col(C::Id))), "total")
        .column_as(
            count_where(C::Status, CompanyStatus::Completed.as_str()),
            "completed",
        )
        .column_as(
            count_where(C::Status, CompanyStatus::Failed.as_str()),
            "failed",
        )
        .column_as(
            count_where(C::Status, CompanyStatus::Cancelled.as_str()),
            "cancelled",
        )
        .column_as(
            count_where(C::Status, CompanyStatus::Skipped.as_str()),
            "skipped",
        )
        .column_as(sum_if(Expr::col(C::Review).is_not_null()), "review")
        .column_as(sum_if(Expr::col(C::CacheHit).eq(true)), "hits")
        .column_as(sum_if(Expr::col(C::ScoreReused).eq(true)), "score_hits")
        .column_as(sum_if(Expr::col(C::SearchAttempts).gt(0)), "misses")
        .column_as(sum_of(C::TavilyCredits, 0.0), "credits")
        .column_as(sum_of_big(C::ValidationPromptTokens), "vp")
        .column_as(sum_of_big(C::ValidationCompletionTokens), "vc")
        .column_as(sum_of_big(C::ScoringPromptTokens), "sp")
        .column_as(sum_of_big(C::ScoringCompletionTokens), "sc")
        .column_as(sum_of(C::CostUsd, 0.0), "cost")
        .column_as(sum_of(C::CreditsSaved, 0.0), "credits_saved")
        .column_as(sum_of(C::SecondsSaved, 0.0), "seconds_saved")
        .filter(C::JobId.eq(job_id))
        .into_model::<Totals>()
        .one(db)
        .await?
        .unwrap_or_default();
    let n = |v: Option<i64>| v.unwrap_or(0);
    let row = job::ActiveModel {
        id: Set(job_id),
        total_companies: Set(n(totals.total) as i32),
        completed_companies: Set(n(totals.completed) as i32),
        failed_companies: Set(n(totals.failed) as i32),
        cancelled_companies: Set(n(totals.cancelled) as i32),
        skipped_companies: Set(n(totals.skipped) as i32),
        review_companies: Set(n(totals.review) as i32),
        cache_hits: Set(n(totals.hits) as i32),
        cache_misses: Set(n(totals.misses) as i32),
        score_hits: Set(n(totals.score_hits) as i32),
        tavily_credits: Set(totals.credits.unwrap_or(0.0)),
        validation_prompt_tokens: Set(n(totals.vp)),
        validation_completion_tokens: Set(n(totals.vc)),
        scoring_prompt_tokens: Set(n(totals.sp)),
        scoring_completion_tokens: Set(n(totals.sc)),
        cost_usd: Set(totals.cost.unwrap_or(0.0)),
        credits_saved: Set(totals.credits_saved.unwrap_or(0.0)),
        seconds_saved: Set(totals.seconds_saved.unwrap_or(0.0)),
        last_activity_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    job::Entity::update(row).exec_without_returning(db).await?;
    Ok(())
}

/// Dollars for Tavily credits.
pub fn credits_cost(credits: f64) -> f64 {
    credits * USD_PER_TAVILY_CREDIT
}

/// A page of jobs, newest first, and how many match the filters.
pub async fn list(
    db: &impl ConnectionTrait,
    skip: u64,
    limit: u64,
    submitted_by: Option<&str>,
    job_type: Option<&str>,
) -> Result<(Vec<job::Model>, u64), DbErr> {
    use sea_orm::{PaginatorTrait, QueryOrder};
    let mut query = job::Entity::find();
    if let Some(who) = submitted_by {
        query = query.filter(job::Column::SubmittedBy.eq(who));
    }
    if let Some(kind) = job_type {
        query = query.filter(job::Column::TargetType.eq(kind));
    }
    let total = query.clone().count(db).await?;
    let page = query
        .order_by_desc(job::Column::CreatedAt)
        .order_by_desc(job::Column::Id)
        .offset(skip)
        .limit(limit)
        .all(db)
        .await?;
    Ok((page, total))
}

/// Everyone who has submitted a job, in order (for the submitter filter).
pub async fn submitters(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    use sea_orm::QueryOrder;
    job::Entity::find()
        .select_only()
        .column(job::Column::SubmittedBy)
        .distinct()
        .order_by_asc(job::Column::SubmittedBy)
        .limit(500)
        .into_tuple()
        .all(db)
        .await
}

/// Deletes a job and its companies.
pub async fn delete(db: &impl ConnectionTrait, job_id: i32) -> Result<(), DbErr> {
    company::Entity::delete_many()
        .filter(company::Column::JobId.eq(job_id))
        .exec(db)
        .await?;
    job::Entity::delete_by_id(job_id).exec(db).await?;
    Ok(())
}
