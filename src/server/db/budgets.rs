//! Claims within a job's budget. A company may start only if the job's spend
//! plus the most every company in flight can still cost leaves room for its
//! own worst case, so a job never spends past its cap. Claims of a capped job
//! take the job's row first: across instances they go one at a time.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, FromQueryResult, QueryFilter,
    QuerySelect, TransactionTrait, sea_query::Expr,
};

use super::{
    claims::{self, ClaimedCompany},
    entities::{company, job},
    sum_if, sum_of,
};
use crate::domain::{
    budget::companies_that_fit,
    job::{CompanyStatus, JobStatus},
};

pub enum Claimed {
    Companies(Vec<ClaimedCompany>),
    /// No company fits in what is left of the job's budget.
    OverBudget {
        cap: f64,
        spent: f64,
    },
}

#[derive(FromQueryResult)]
struct Used {
    spent: f64,
    in_flight: Option<i64>,
}

/// What the job has spent, and how many of its companies are held (claimed, in research).
async fn used(db: &impl sea_orm::ConnectionTrait, job_id: i32) -> Result<(f64, u64), DbErr> {
    use company::Column as C;
    let used = company::Entity::find()
        .select_only()
        .column_as(sum_of(C::CostUsd, 0.0), "spent")
        .column_as(
            sum_if(
                Expr::col(C::LeaseUntil)
                    .is_not_null()
                    .and(Expr::col(C::Status).is_in([
                        CompanyStatus::Pending.as_str(),
                        CompanyStatus::Researching.as_str(),
                    ])),
            ),
            "in_flight",
        )
        .filter(C::JobId.eq(job_id))
        .into_model::<Used>()
        .one(db)
        .await?;
    Ok(used.map_or((0.0, 0), |u| {
        (u.spent, Ord::max(u.in_flight.unwrap_or(0), 0) as u64)
    }))
}

/// Claims up to `limit` companies, as many as the job's budget (if it has
/// one) leaves room for at `per_company` each at worst.
pub async fn claim(
    db: &DatabaseConnection,
    job_id: i32,
    instance: &str,
    lease: Duration,
    limit: u64,
    per_company: f64,
) -> Result<Claimed, DbErr> {
    let cap: Option<Option<f64>> = job::Entity::find_by_id(job_id)
        .select_only()
        .column(job::Column::BudgetUsd)
        .into_tuple()
        .one(db)
        .await?;
    let Some(Some(cap)) = cap else {
        let claimed = claims::claim_batch(db, job_id, instance, lease, limit).await?;
        return Ok(Claimed::Companies(claimed));
    };
    let txn = db.begin().await?;
    // The job's row first: another instance's claim for this job waits here.
    job::Entity::update_many()
        .col_expr(job::Column::LastActivityAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(job_id))
        .exec(&txn)
        .await?;
    let (spent, in_flight) = used(&txn, job_id).await?;
    let fit = companies_that_fit(cap, spent + in_flight as f64 * per_company, per_company);
    if fit == 0 {
        // Only a company waiting to start can be over the budget.
        let waiting = claims::has_unheld_work(&txn, job_id).await?;
        txn.commit().await?;
        return Ok(if waiting {
            Claimed::OverBudget { cap, spent }
        } else {
            Claimed::Companies(Vec::new())
        });
    }
    let claimed = claims::claim_batch(&txn, job_id, instance, lease, Ord::min(fit, limit)).await?;
    txn.commit().await?;
    Ok(Claimed::Companies(claimed))
}

/// A month's spend: what jobs started since `since` spent, and what the
/// unfinished ones among them may still spend (their budgets' remainders).
#[derive(Debug, Clone, Copy, Default, PartialEq, FromQueryResult)]
pub struct MonthSpend {
    pub spent: f64,
    pub set_aside: f64,
}

pub async fn month(
    db: &impl sea_orm::ConnectionTrait,
    since: chrono::DateTime<Utc>,
    owner: Option<i32>,
) -> Result<MonthSpend, DbErr> {
    use job::Column as J;
    let unfinished = Expr::col(J::Status)
        .is_in([
            JobStatus::Pending.as_str(),
            JobStatus::Running.as_str(),
            JobStatus::Paused.as_str(),
        ])
        .and(Expr::col(J::BudgetUsd).gt(Expr::col(J::CostUsd)));
    let remainder: Expr = Expr::case(
        unfinished,
        Expr::col(J::BudgetUsd).sub(Expr::col(J::CostUsd)),
    )
    .finally(0.0)
    .into();
    let mut query = job::Entity::find()
        .select_only()
        .column_as(sum_of(J::CostUsd, 0.0), "spent")
        .column_as(
            Expr::from(sea_orm::sea_query::Func::coalesce([
                Expr::from(sea_orm::sea_query::Func::sum(remainder)),
                Expr::val(0.0),
            ])),
            "set_aside",
        )
        .filter(J::CreatedAt.gte(since));
    if let Some(owner) = owner {
        query = query.filter(J::OwnerId.eq(owner));
    }
    Ok(query
        .into_model::<MonthSpend>()
        .one(db)
        .await?
        .unwrap_or_default())
}

/// Pauses a running job at its budget, with the message for the user (no
/// back-off: it waits for a person to raise the budget). Returns whether
/// this call paused it.
pub async fn pause(
    db: &impl sea_orm::ConnectionTrait,
    job_id: i32,
    message: &str,
) -> Result<bool, DbErr> {
    let paused = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Paused.as_str()))
        .col_expr(job::Column::ErrorMessage, Expr::value(message))
        .col_expr(
            job::Column::ResumeAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
        .filter(job::Column::CancelRequested.eq(false))
        .exec(db)
        .await?
        .rows_affected;
    Ok(paused == 1)
}

/// Sets a job's budget (none: no cap). A job paused at its budget goes on if
/// the new one leaves room for a company; returns whether it was resumed.
pub async fn set(
    db: &DatabaseConnection,
    job_id: i32,
    cap: Option<f64>,
    per_company: f64,
) -> Result<Result<bool, (f64, f64)>, DbErr> {
    let txn = db.begin().await?;
    job::Entity::update_many()
        .col_expr(job::Column::BudgetUsd, Expr::value(cap))
        .filter(job::Column::Id.eq(job_id))
        .exec(&txn)
        .await?;
    let (spent, in_flight) = used(&txn, job_id).await?;
    if let Some(cap) = cap
        && companies_that_fit(cap, spent + in_flight as f64 * per_company, per_company) == 0
    {
        // Kept: the caller says how much more it takes.
        txn.commit().await?;
        return Ok(Err((spent, cap)));
    }
    // Paused at its budget (an outage pause has a resume time): it goes on.
    let resumed = super::outages::unpause(job_id)
        .filter(job::Column::ResumeAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(Ok(resumed == 1))
}

/// The monthly budgets an admin set in the app (`team`, `each_account`).
pub async fn settings(
    db: &impl sea_orm::ConnectionTrait,
) -> Result<Vec<super::entities::budget_setting::Model>, DbErr> {
    super::entities::budget_setting::Entity::find()
        .all(db)
        .await
}

/// Sets one monthly budget (none: no limit of this kind).
pub async fn set_setting(
    db: &impl sea_orm::ConnectionTrait,
    scope: &str,
    budget_usd: Option<f64>,
    set_by: &str,
) -> Result<(), DbErr> {
    use super::entities::budget_setting;
    use sea_orm::{Set, sea_query::OnConflict};
    budget_setting::Entity::insert(budget_setting::ActiveModel {
        scope: Set(scope.into()),
        budget_usd: Set(budget_usd),
        set_by: Set(set_by.into()),
        set_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(budget_setting::Column::Scope)
            .update_columns([
                budget_setting::Column::BudgetUsd,
                budget_setting::Column::SetBy,
                budget_setting::Column::SetAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
