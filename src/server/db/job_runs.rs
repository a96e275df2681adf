//! A job's run: started by the first instance that picks it up, ended once by
//! whichever instance sees its last company finish, cancelled, failed, or
//! prepared to run again. Every change is conditional on the job's status,
//! so a finished job is never reopened except by a retry.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
    QuerySelect, QueryTrait, UpdateMany, sea_query::Expr,
};

use super::{
    entities::{company, job},
    jobs::refresh_totals,
};
use crate::domain::job::{CompanyStatus, JobStatus, Stage};

/// Moves a pending job to running (the first instance to start it wins).
pub async fn set_running(db: &impl ConnectionTrait, job_id: i32) -> Result<bool, DbErr> {
    let moved = job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(JobStatus::Running.as_str()),
        )
        .col_expr(job::Column::LastActivityAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::Status.eq(JobStatus::Pending.as_str()))
        .exec(db)
        .await?
        .rows_affected;
    Ok(moved == 1)
}

/// Marks the job as started (first claim) without overwriting an earlier start.
pub async fn mark_started(db: &impl ConnectionTrait, job_id: i32) -> Result<(), DbErr> {
    job::Entity::update_many()
        .col_expr(job::Column::StartedAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::StartedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Jobs that should be running (pending or running), with their cancel flag.
pub async fn unfinished(db: &impl ConnectionTrait) -> Result<Vec<(i32, bool)>, DbErr> {
    job::Entity::find()
        .select_only()
        .column(job::Column::Id)
        .column(job::Column::CancelRequested)
        .filter(
            job::Column::Status.is_in([JobStatus::Pending.as_str(), JobStatus::Running.as_str()]),
        )
        .into_tuple()
        .all(db)
        .await
}

/// What a running job's workers read every tick.
#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    pub status: Option<JobStatus>,
    pub cancel_requested: bool,
    pub error_message: Option<String>,
}

pub async fn control(db: &impl ConnectionTrait, job_id: i32) -> Result<Control, DbErr> {
    let row: Option<(String, bool, Option<String>)> = job::Entity::find_by_id(job_id)
        .select_only()
        .column(job::Column::Status)
        .column(job::Column::CancelRequested)
        .column(job::Column::ErrorMessage)
        .into_tuple()
        .one(db)
        .await?;
    Ok(match row {
        Some((status, cancel_requested, error_message)) => Control {
            status: JobStatus::parse(&status),
            cancel_requested,
            error_message,
        },
        None => Control {
            status: None,
            cancel_requested: true,
            error_message: None,
        },
    })
}

pub async fn request_cancel(db: &impl ConnectionTrait, job_id: i32) -> Result<(), DbErr> {
    job::Entity::update_many()
        .col_expr(job::Column::CancelRequested, Expr::value(true))
        .filter(job::Column::Id.eq(job_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a job whose companies have all finished: completed, or cancelled if
/// a cancel was asked for. Returns whether this call ended it (only one
/// caller does, whichever instance gets there first; a finished job is never
/// ended again).
pub async fn try_finish(db: &impl ConnectionTrait, job_id: i32) -> Result<bool, DbErr> {
    let busy_rows = || {
        company::Entity::find()
            .select_only()
            .column(company::Column::Id)
            .filter(company::Column::JobId.eq(job_id))
            .filter(company::Column::Status.is_in([
                CompanyStatus::Pending.as_str(),
                CompanyStatus::Researching.as_str(),
            ]))
    };
    // The common answer, "not yet", without recomputing the totals.
    if busy_rows()
        .limit(1)
        .into_tuple::<i32>()
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    refresh_totals(db, job_id).await?;
    let busy = busy_rows().into_query();
    let status: Expr = Expr::case(
        Expr::col(job::Column::CancelRequested).eq(true),
        JobStatus::Cancelled.as_str(),
    )
    .finally(JobStatus::Completed.as_str())
    .into();
    let ended = job::Entity::update_many()
        .col_expr(job::Column::Status, status)
        .col_expr(job::Column::CompletedAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(job_id))
        .filter(
            Condition::any()
                .add(
                    job::Column::Status
                        .is_in([JobStatus::Pending.as_str(), JobStatus::Running.as_str()]),
                )
                // A paused job ends only when a person cancels it.
                .add(
                    job::Column::Status
                        .eq(JobStatus::Paused.as_str())
                        .and(job::Column::CancelRequested.eq(true)),
                ),
        )
        .filter(Expr::exists(busy).not())
        .exec(db)
        .await?
        .rows_affected;
    Ok(ended == 1)
}

/// Fails a job that has not ended yet, with the reason for the user.
/// Returns whether this call ended it.
pub async fn fail(db: &impl ConnectionTrait, job_id: i32, message: &str) -> Result<bool, DbErr> {
    refresh_totals(db, job_id).await?;
    let ended = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Failed.as_str()))
        .col_expr(job::Column::ErrorMessage, Expr::value(message))
        .col_expr(job::Column::CompletedAt, Expr::value(Utc::now()))
        .filter(job::Column::Id.eq(job_id))
        .filter(
            job::Column::Status.is_in([JobStatus::Pending.as_str(), JobStatus::Running.as_str()]),
        )
        .exec(db)
        .await?
        .rows_affected;
    Ok(ended == 1)
}

/// The companies a retry (or, with `refresh_cache`, a fresh re-run) runs
/// again: a retry takes the failed, cancelled and unfinished ones (completed
/// ones keep their results), a refresh every company. Neither takes a
/// company marked as not a company, nor one whose research was not verified:
/// searching it again unchanged would buy the same answer, so it waits in the
/// review queue for a website or a better name.
pub fn requeued_by_retry(job_id: i32, refresh_cache: bool) -> Condition {
    use company::Column as C;
    let mut condition = Condition::all()
        .add(C::JobId.eq(job_id))
        .add(C::Status.ne(CompanyStatus::Skipped.as_str()))
        .add(
            Condition::any()
                .add(C::Status.ne(CompanyStatus::Failed.as_str()))
                .add(C::Review.is_null()),
        );
    if !refresh_cache {
        condition = condition.add(C::Status.ne(CompanyStatus::Completed.as_str()));
    }
    condition
}

/// Prepares a finished job to run again (see [`requeued_by_retry`]).
/// Requeued companies lose the last run's result, never what they spent, nor
/// a tier a person set.
pub async fn reset_for_retry(
    db: &impl ConnectionTrait,
    job_id: i32,
    refresh_cache: bool,
) -> Result<u64, DbErr> {
    let mut update =
        requeue(company::Entity::update_many().filter(requeued_by_retry(job_id, refresh_cache)));
    if refresh_cache {
        // Fresh research means fresh: nothing an earlier attempt kept.
        update = update.col_expr(
            company::Column::KeptEvidence,
            Expr::value(Option::<serde_json::Value>::None),
        );
    }
    let requeued = update.exec(db).await?.rows_affected;
    reopen(db, job_id, refresh_cache).await?;
    Ok(requeued)
}

/// Sends the chosen companies back to the queue without the last run's result.
pub fn requeue(update: UpdateMany<company::Entity>) -> UpdateMany<company::Entity> {
    update
        .set(super::companies::without_results())
        .col_expr(
            company::Column::Status,
            Expr::value(CompanyStatus::Pending.as_str()),
        )
        .col_expr(company::Column::Stage, Expr::value(Stage::Queued.as_str()))
        .col_expr(
            company::Column::ErrorMessage,
            Expr::value(Option::<String>::None),
        )
        .col_expr(company::Column::CacheHit, Expr::value(false))
        // Fences out any run of the last attempt that is still winding down.
        .col_expr(
            company::Column::ClaimToken,
            Expr::col(company::Column::ClaimToken).add(1i64),
        )
        .col_expr(
            company::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(company::Column::CreditsSaved, Expr::value(0.0))
        .col_expr(company::Column::SecondsSaved, Expr::value(0.0))
        .col_expr(company::Column::UpdatedAt, Expr::value(Utc::now()))
}

/// Puts a finished job back in the queue (its companies to run are pending
/// already); a job still pending or running is left as it is (it claims them
/// by itself).
pub async fn reopen(
    db: &impl ConnectionTrait,
    job_id: i32,
    refresh_cache: bool,
) -> Result<(), DbErr> {
    job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(JobStatus::Pending.as_str()),
        )
        .col_expr(job::Column::CancelRequested, Expr::value(false))
        .col_expr(job::Column::RefreshCache, Expr::value(refresh_cache))
        .col_expr(
            job::Column::ErrorMessage,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            job::Column::CompletedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            job::Column::ResumeAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(job::Column::Id.eq(job_id))
        .filter(
            job::Column::Status
                .is_not_in([JobStatus::Pending.as_str(), JobStatus::Running.as_str()]),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The companies a retry (or a fresh re-run) would run: name, website, and
/// whether it kept research an earlier attempt paid for (a retry starts
/// from it; a fresh re-run does not).
pub async fn retry_candidates(
    db: &impl ConnectionTrait,
    job_id: i32,
    refresh_cache: bool,
) -> Result<Vec<(String, Option<String>, bool)>, DbErr> {
    // Whether research is kept, not the research itself (it can be large).
    let kept: Expr = Expr::case(Expr::col(company::Column::KeptEvidence).is_not_null(), 1)
        .finally(0)
        .into();
    let rows: Vec<(String, Option<String>, i32)> = company::Entity::find()
        .select_only()
        .column(company::Column::Name)
        .column(company::Column::Website)
        .column_as(kept, "kept")
        .filter(requeued_by_retry(job_id, refresh_cache))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(name, website, kept)| (name, website, kept > 0 && !refresh_cache))
        .collect())
}

/// Unverified companies of the job that wait for a person, not for a retry.
pub async fn waiting_for_review(db: &impl ConnectionTrait, job_id: i32) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    company::Entity::find()
        .filter(company::Column::JobId.eq(job_id))
        .filter(company::Column::Status.eq(CompanyStatus::Failed.as_str()))
        .filter(company::Column::Review.is_not_null())
        .count(db)
        .await
}
