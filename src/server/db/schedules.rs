//! Schedules: a list run again every N days. A due run is started once
//! across instances: its job carries the schedule and the time it was due,
//! unique together, and the schedule moves on by a conditional update that
//! only the first instance to see this due time can make.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, sea_query::Expr,
};

use super::entities::{job, schedule};

/// A schedule a person sets up.
pub struct NewSchedule {
    pub job_id: i32,
    pub every_days: i32,
    pub first_run_at: DateTime<Utc>,
    pub budget_usd: Option<f64>,
    pub created_by: Option<i32>,
    pub created_by_name: String,
}

pub async fn create(db: &impl ConnectionTrait, new: NewSchedule) -> Result<schedule::Model, DbErr> {
    schedule::ActiveModel {
        job_id: Set(new.job_id),
        last_job_id: Set(None),
        every_days: Set(new.every_days),
        next_run_at: Set(new.first_run_at),
        budget_usd: Set(new.budget_usd),
        created_by: Set(new.created_by),
        created_by_name: Set(new.created_by_name),
        created_at: Set(Utc::now()),
        last_run_at: Set(None),
        last_error: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Every schedule, the next to run first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<schedule::Model>, DbErr> {
    schedule::Entity::find()
        .order_by_asc(schedule::Column::NextRunAt)
        .order_by_asc(schedule::Column::Id)
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<schedule::Model>, DbErr> {
    schedule::Entity::find_by_id(id).one(db).await
}

pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    Ok(schedule::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// The schedules whose next run is due.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<schedule::Model>, DbErr> {
    schedule::Entity::find()
        .filter(schedule::Column::NextRunAt.lte(now))
        .order_by_asc(schedule::Column::NextRunAt)
        .all(db)
        .await
}

/// The job a due run started, if any instance started it.
pub async fn run_of(
    db: &impl ConnectionTrait,
    schedule_id: i32,
    due_at: DateTime<Utc>,
) -> Result<Option<i32>, DbErr> {
    Ok(job::Entity::find()
        .filter(job::Column::ScheduleId.eq(schedule_id))
        .filter(job::Column::ScheduledFor.eq(due_at))
        .one(db)
        .await?
        .map(|j| j.id))
}

/// How many runs a schedule has started.
pub async fn runs(db: &impl ConnectionTrait, schedule_id: i32) -> Result<u64, DbErr> {
    job::Entity::find()
        .filter(job::Column::ScheduleId.eq(schedule_id))
        .count(db)
        .await
}

/// What became of a due run.
pub enum Outcome {
    /// It started this job.
    Started(i32),
    /// It did not start, for this reason (the next run is still planned).
    Skipped(String),
}

/// Moves a schedule past the run due at `due_at`, recording what became of
/// it. Only the first call for this due time changes anything; it gets the
/// next run's time.
pub async fn advance(
    db: &impl ConnectionTrait,
    schedule: &schedule::Model,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let mut next = schedule.next_run_at;
    let every = chrono::Duration::days(i64::from(schedule.every_days.max(1)));
    // A schedule that missed runs (the app was down) runs once, then keeps its rhythm.
    while next <= now {
        next += every;
    }
    let mut update = schedule::Entity::update_many()
        .col_expr(schedule::Column::NextRunAt, Expr::value(next))
        .col_expr(schedule::Column::LastRunAt, Expr::value(now));
    update = match outcome {
        Outcome::Started(job_id) => update
            .col_expr(schedule::Column::LastJobId, Expr::value(job_id))
            .col_expr(
                schedule::Column::LastError,
                Expr::value(Option::<String>::None),
            ),
        Outcome::Skipped(reason) => {
            update.col_expr(schedule::Column::LastError, Expr::value(reason))
        }
    };
    let moved = update
        .filter(schedule::Column::Id.eq(schedule.id))
        .filter(schedule::Column::NextRunAt.eq(schedule.next_run_at))
        .exec(db)
        .await?
        .rows_affected
        == 1;
    Ok(moved.then_some(next))
}
