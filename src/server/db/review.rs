//! The review queue and what a person does with a company in it: research
//! it again with a website or a better name, accept it as it is, or mark it
//! as not a company. Every change is conditional on the company's state, so
//! a company in research is never touched, and each raises its claim token
//! to fence out any run still winding down.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::{
    entities::{company, job, tier_override},
    job_runs,
};
use crate::domain::job::{CompanyStatus, Stage};

use company::Column as C;

/// The finished states a person may act on.
fn finished() -> [&'static str; 4] {
    [
        CompanyStatus::Completed.as_str(),
        CompanyStatus::Failed.as_str(),
        CompanyStatus::Cancelled.as_str(),
        CompanyStatus::Skipped.as_str(),
    ]
}

/// Companies waiting for review across jobs, most recent first, with their job.
pub async fn queue(
    db: &impl ConnectionTrait,
    skip: u64,
    limit: u64,
) -> Result<(Vec<(company::Model, Option<job::Model>)>, u64), DbErr> {
    let waiting = || company::Entity::find().filter(C::Review.is_not_null());
    let total = waiting().count(db).await?;
    let rows = waiting()
        .find_also_related(job::Entity)
        .order_by_desc(C::UpdatedAt)
        .order_by_desc(C::Id)
        .offset(skip)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// How many companies wait for review (the navigation's count).
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    company::Entity::find()
        .filter(C::Review.is_not_null())
        .count(db)
        .await
}

/// The company under a new name or website.
pub struct Correction<'a> {
    pub name: &'a str,
    pub website: Option<&'a str>,
    pub company_key: &'a str,
    /// The override the team set for the corrected company, if any.
    pub tier_override: Option<&'a tier_override::Model>,
}

/// Queues a finished company again under its corrected name or website (the
/// last result cleared, what it spent kept). Returns false if the company is
/// queued or in research already.
pub async fn requeue_corrected(
    db: &impl ConnectionTrait,
    company_id: i32,
    correction: Correction<'_>,
) -> Result<bool, DbErr> {
    let found = correction.tier_override;
    let update = job_runs::requeue(
        company::Entity::update_many()
            .filter(C::Id.eq(company_id))
            .filter(C::Status.is_in(finished())),
    )
    .col_expr(C::Name, Expr::value(correction.name))
    .col_expr(C::Website, Expr::value(correction.website))
    .col_expr(C::CompanyKey, Expr::value(correction.company_key))
    // What was found for the old name or website is no evidence for the new one.
    .col_expr(
        C::KeptEvidence,
        Expr::value(Option::<serde_json::Value>::None),
    )
    .col_expr(C::TierOverride, Expr::value(found.map(|o| o.tier.clone())))
    .col_expr(C::OverrideNote, Expr::value(found.map(|o| o.note.clone())))
    .col_expr(C::OverrideBy, Expr::value(found.map(|o| o.set_by.clone())))
    .col_expr(C::OverrideAt, Expr::value(found.map(|o| o.set_at)));
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// A verified company a person accepts as it is: it leaves the queue with its score.
pub async fn accept(db: &impl ConnectionTrait, company_id: i32) -> Result<bool, DbErr> {
    let accepted = company::Entity::update_many()
        .col_expr(C::Review, Expr::value(Option::<String>::None))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(company_id))
        .filter(C::Status.eq(CompanyStatus::Completed.as_str()))
        .filter(C::Review.is_not_null())
        .exec(db)
        .await?
        .rows_affected;
    Ok(accepted == 1)
}

/// Not a company (a parked domain, a typo of nothing): it ends as skipped,
/// without a result, out of the ranking and of every retry.
pub async fn skip(db: &impl ConnectionTrait, company_id: i32, note: &str) -> Result<bool, DbErr> {
    let skipped = company::Entity::update_many()
        .set(super::companies::without_results())
        .col_expr(C::Status, Expr::value(CompanyStatus::Skipped.as_str()))
        .col_expr(C::Stage, Expr::value(Stage::Done.as_str()))
        .col_expr(C::ErrorMessage, Expr::value(note))
        .col_expr(C::ClaimToken, Expr::col(C::ClaimToken).add(1i64))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(company_id))
        .filter(C::Status.is_in(finished()))
        .filter(C::Status.ne(CompanyStatus::Skipped.as_str()))
        .exec(db)
        .await?
        .rows_affected;
    Ok(skipped == 1)
}
