//! A job paused by an upstream outage: paused once (whichever instance's
//! breaker trips first), resumed once (by a person, or by the first
//! instance's supervisor after the back-off), its companies that failed
//! upstream queued again with the research they kept.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, QueryFilter,
    QuerySelect, TransactionTrait, sea_query::Expr,
};

use super::{
    entities::{company, job},
    job_runs::requeue,
};
use crate::domain::job::{CompanyStatus, JobStatus};

/// The longest a paused job waits before it tries again by itself.
const LONGEST_BACKOFF: Duration = Duration::from_secs(3600);

/// The wait before the `pauses`-th resume: `base`, doubled at each pause of the same job.
pub fn backoff(base: Duration, pauses: i32) -> Duration {
    let doubled = base.saturating_mul(1u32 << pauses.clamp(0, 16));
    doubled.min(LONGEST_BACKOFF.max(base))
}

/// Pauses a running job with the message for the user. Returns when it will
/// resume by itself, if this call paused it (else it was paused, or ended, already).
pub async fn pause(
    db: &impl ConnectionTrait,
    job_id: i32,
    message: impl Fn(DateTime<Utc>) -> String,
    base: Duration,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let pauses: Option<i32> = job::Entity::find_by_id(job_id)
        .select_only()
        .column(job::Column::OutagePauses)
        .into_tuple()
        .one(db)
        .await?;
    let Some(pauses) = pauses else {
        return Ok(None);
    };
    let resume_at = Utc::now()
        + chrono::Duration::from_std(backoff(base, pauses)).unwrap_or(chrono::Duration::MAX);
    let paused = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Paused.as_str()))
        .col_expr(job::Column::ErrorMessage, Expr::value(message(resume_at)))
        .col_expr(job::Column::ResumeAt, Expr::value(resume_at))
        .col_expr(
            job::Column::OutagePauses,
            Expr::col(job::Column::OutagePauses).add(1),
        )
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
        .filter(job::Column::CancelRequested.eq(false))
        .exec(db)
        .await?
        .rows_affected;
    Ok((paused == 1).then_some(resume_at))
}

/// Paused jobs whose back-off is over.
pub async fn due(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Vec<i32>, DbErr> {
    job::Entity::find()
        .select_only()
        .column(job::Column::Id)
        .filter(job::Column::Status.eq(JobStatus::Paused.as_str()))
        .filter(job::Column::ResumeAt.lte(now))
        .into_tuple()
        .all(db)
        .await
}

/// A paused job back to pending, without its pause message and resume time.
pub(super) fn unpause(job_id: i32) -> sea_orm::UpdateMany<job::Entity> {
    job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(JobStatus::Pending.as_str()),
        )
        .col_expr(
            job::Column::ErrorMessage,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            job::Column::ResumeAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::Status.eq(JobStatus::Paused.as_str()))
}

/// Resumes a paused job (only once its back-off is over, with `due_only`):
/// it is pending again and its companies that failed for a reason a retry
/// may fix are queued again, keeping the research they paid for. Returns the
/// companies queued again, if this call resumed it.
pub async fn resume(
    db: &DatabaseConnection,
    job_id: i32,
    due_only: bool,
) -> Result<Option<u64>, DbErr> {
    let tx = db.begin().await?;
    let mut update = unpause(job_id);
    if due_only {
        update = update.filter(job::Column::ResumeAt.lte(Utc::now()));
    }
    if update.exec(&tx).await?.rows_affected == 0 {
        return Ok(None);
    }
    let requeued = requeue(
        company::Entity::update_many()
            .filter(company::Column::JobId.eq(job_id))
            .filter(company::Column::Status.eq(CompanyStatus::Failed.as_str()))
            .filter(company::Column::Review.is_null()),
    )
    .exec(&tx)
    .await?
    .rows_affected;
    tx.commit().await?;
    Ok(Some(requeued))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pause_waits_twice_as_long_up_to_an_hour() {
        let base = Duration::from_secs(60);
        assert_eq!(backoff(base, 0), Duration::from_secs(60));
        assert_eq!(backoff(base, 1), Duration::from_secs(120));
        assert_eq!(backoff(base, 3), Duration::from_secs(480));
        assert_eq!(backoff(base, 10), LONGEST_BACKOFF);
        assert_eq!(backoff(base, 1_000), LONGEST_BACKOFF);
        // A base above the cap is taken as it is.
        assert_eq!(
            backoff(Duration::from_secs(7200), 2),
            Duration::from_secs(7200)
        );
    }
}
