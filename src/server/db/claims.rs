//! Work is claimed per company. A claim stamps the instance, raises the
//! company's fencing token and sets a lease on the database's clock; every
//! later write of the company carries the token, so an owner that lost its
//! claim (it stalled past the lease and another instance took the company
//! over) is refused at its next write and stops.

use std::time::Duration;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ExprTrait, FromQueryResult,
    QueryFilter, QuerySelect, QueryTrait,
    sea_query::{Expr, LockBehavior, LockType, Query},
};

use super::{clock, entities::company};
use crate::domain::job::{CompanyStatus, Stage};

/// One company held by one instance: its writes are accepted while the
/// company's token is still this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Claim {
    pub company_id: i32,
    pub token: i64,
}

/// A company as a claim hands it to a worker.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ClaimedCompany {
    pub id: i32,
    pub position: i32,
    pub name: String,
    pub website: Option<String>,
    pub claim_token: i64,
    /// A person's tier for this company and rubric, if any.
    pub tier_override: Option<String>,
    /// Research an earlier attempt paid for and could not finish (a `KeptResearch`).
    pub kept_evidence: Option<serde_json::Value>,
}

impl ClaimedCompany {
    pub fn claim(&self) -> Claim {
        Claim {
            company_id: self.id,
            token: self.claim_token,
        }
    }
}

const UNFINISHED: [&str; 2] = ["pending", "researching"];

fn unfinished() -> sea_orm::sea_query::SimpleExpr {
    company::Column::Status.is_in(UNFINISHED)
}

/// Nobody holds it: never claimed since it was queued, or its lease ran out.
fn unheld(db: &impl ConnectionTrait) -> sea_orm::sea_query::SimpleExpr {
    company::Column::LeaseUntil
        .is_null()
        .or(Expr::col(company::Column::LeaseUntil).lt(clock::now(db)))
}

/// Claims up to `limit` queued, unheld companies of the job, in input order,
/// in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances
/// claiming at the same moment take different companies; SQLite runs one
/// writer at a time). It walks the queued companies only (an index on job,
/// status and position), so a claim costs the same late in a big job as early:
/// companies whose holder died mid-research are queued again by
/// [`requeue_expired`] first.
pub async fn claim_batch(
    db: &impl ConnectionTrait,
    job_id: i32,
    instance: &str,
    lease: Duration,
    limit: u64,
) -> Result<Vec<ClaimedCompany>, DbErr> {
    use company::Column as C;
    let mut candidates = Query::select();
    candidates
        .column(C::Id)
        .from(company::Entity)
        .and_where(C::JobId.eq(job_id))
        .and_where(C::Status.eq(CompanyStatus::Pending.as_str()))
        .and_where(unheld(db))
        .order_by(C::Position, sea_orm::Order::Asc)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    let mut update = company::Entity::update_many()
        .col_expr(C::ClaimedBy, Expr::value(instance))
        .col_expr(C::ClaimToken, Expr::col(C::ClaimToken).add(1i64))
        .col_expr(C::LeaseUntil, clock::after(db, lease))
        .filter(C::Id.in_subquery(candidates))
        .into_query();
    update.returning(Query::returning().columns([
        C::Id,
        C::Position,
        C::Name,
        C::Website,
        C::ClaimToken,
        C::TierOverride,
        C::KeptEvidence,
    ]));
    let rows = db.query_all(&update).await?;
    let mut claimed = rows
        .iter()
        .map(|row| ClaimedCompany::from_query_result(row, ""))
        .collect::<Result<Vec<_>, _>>()?;
    claimed.sort_by_key(|c| c.position);
    Ok(claimed)
}

/// Extends the leases of the claims this instance still holds; returns the
/// ones the database confirmed (a claim another instance took is not).
pub async fn renew(
    db: &impl ConnectionTrait,
    instance: &str,
    held: &[Claim],
    lease: Duration,
) -> Result<Vec<Claim>, DbErr> {
    use company::Column as C;
    let mut confirmed = Vec::with_capacity(held.len());
    for chunk in held.chunks(500) {
        let mut update = company::Entity::update_many()
            .col_expr(C::LeaseUntil, clock::after(db, lease))
            .filter(C::ClaimedBy.eq(instance))
            .filter(C::Id.is_in(chunk.iter().map(|c| c.company_id)))
            .filter(C::LeaseUntil.is_not_null())
            .filter(unfinished())
            .into_query();
        update.returning(Query::returning().columns([C::Id, C::ClaimToken]));
        let rows = db.query_all(&update).await?;
        for row in rows {
            let company_id: i32 = row.try_get("", "id")?;
            let token: i64 = row.try_get("", "claim_token")?;
            if chunk
                .iter()
                .any(|c| c.company_id == company_id && c.token == token)
            {
                confirmed.push(Claim { company_id, token });
            }
        }
    }
    Ok(confirmed)
}

/// Gives companies back to the queue (shutdown, a database error): another
/// instance may claim them at once. Spend already written stays.
pub async fn hand_back(db: &impl ConnectionTrait, claims: &[Claim]) -> Result<u64, DbErr> {
    use company::Column as C;
    let mut handed = 0;
    for claim in claims {
        handed += company::Entity::update_many()
            .col_expr(C::Status, Expr::value(CompanyStatus::Pending.as_str()))
            .col_expr(C::Stage, Expr::value(Stage::Queued.as_str()))
            .col_expr(
                C::LeaseUntil,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .filter(C::Id.eq(claim.company_id))
            .filter(C::ClaimToken.eq(claim.token))
            .filter(unfinished())
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(handed)
}

/// Cancels the job's unfinished companies that nobody holds; the held ones
/// end as cancelled in their owners' hands (or here, once their lease ran out).
pub async fn cancel_unheld(db: &impl ConnectionTrait, job_id: i32) -> Result<u64, DbErr> {
    use company::Column as C;
    Ok(company::Entity::update_many()
        .col_expr(C::Status, Expr::value(CompanyStatus::Cancelled.as_str()))
        .col_expr(C::Stage, Expr::value(Stage::Done.as_str()))
        .col_expr(
            C::ErrorMessage,
            Expr::value("Cancelled before it was researched."),
        )
        .col_expr(
            C::LeaseUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .col_expr(C::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(C::JobId.eq(job_id))
        .filter(unfinished())
        .filter(unheld(db))
        .exec(db)
        .await?
        .rows_affected)
}

/// Queues again the companies whose holder's lease ran out mid-research (it
/// died or stalled), raising their token so a stalled holder is refused.
pub async fn requeue_expired(db: &impl ConnectionTrait, job_id: i32) -> Result<u64, DbErr> {
    use company::Column as C;
    let expired = || {
        Condition::all()
            .add(C::JobId.eq(job_id))
            .add(C::Status.eq(CompanyStatus::Researching.as_str()))
            .add(Expr::col(C::LeaseUntil).lt(clock::now(db)))
    };
    let any = company::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(expired())
        .limit(1)
        .into_tuple::<i32>()
        .one(db)
        .await?;
    if any.is_none() {
        return Ok(0);
    }
    Ok(company::Entity::update_many()
        .col_expr(C::Status, Expr::value(CompanyStatus::Pending.as_str()))
        .col_expr(C::Stage, Expr::value(Stage::Queued.as_str()))
        .col_expr(C::ClaimToken, Expr::col(C::ClaimToken).add(1i64))
        .col_expr(
            C::LeaseUntil,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(expired())
        .exec(db)
        .await?
        .rows_affected)
}

/// Whether the job has a queued company nobody holds.
pub async fn has_unheld_work(db: &impl ConnectionTrait, job_id: i32) -> Result<bool, DbErr> {
    use company::Column as C;
    Ok(company::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(C::JobId.eq(job_id))
        .filter(C::Status.eq(CompanyStatus::Pending.as_str()))
        .filter(unheld(db))
        .limit(1)
        .into_tuple::<i32>()
        .one(db)
        .await?
        .is_some())
}
