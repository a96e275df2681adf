//! Schedules: a list run again every N days as the person who set it up,
//! each run admitted under the monthly budgets with its own budget, and the
//! research cache's TTL deciding what is searched again. Every instance
//! looks for due schedules; a due run starts once (see `db::schedules`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{audit, jobs::budget_cap, rerun, results::find_job};
use crate::{
    domain::{
        budget::usd,
        schedule::{ScheduleView, every, first_run, parse_every_days},
    },
    server::{
        auth::{Actor, Via},
        db::{
            accounts,
            entities::schedule,
            jobs,
            schedules::{self, NewSchedule, Outcome},
        },
        engine::webhook::ScheduleSummary,
        state::AppState,
    },
    server_fns::error::AppError,
};

/// A schedule as typed into the form or sent by a REST caller.
#[derive(Debug, Default, Clone)]
pub struct ScheduleRequest {
    pub job_id: i32,
    /// Whole days between runs, 1 to 366 (90 is a quarter).
    pub every_days: String,
    /// Each run's budget in USD; blank: twice its estimate, within the monthly budgets.
    pub budget_usd: Option<String>,
    /// The first run (a date like 2027-03-01, or an RFC 3339 time); blank: one gap from now.
    pub first_run_at: Option<String>,
}

async fn views(
    state: &AppState,
    actor: &Actor,
    rows: Vec<schedule::Model>,
) -> Result<Vec<ScheduleView>, AppError> {
    let mut names = HashMap::new();
    for id in rows.iter().map(|s| s.job_id) {
        if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(id) {
            let name = jobs::find(&state.db, id).await?.map(|j| j.name);
            slot.insert(name.unwrap_or_else(|| format!("Job {id} (deleted)")));
        }
    }
    let mut views = Vec::with_capacity(rows.len());
    for s in rows {
        let can_stop = may_stop(actor, &s);
        views.push(ScheduleView {
            id: s.id,
            job_id: s.job_id,
            job_name: names.get(&s.job_id).cloned().unwrap_or_default(),
            last_job_id: s.last_job_id,
            every_days: s.every_days,
            next_run_at: s.next_run_at,
            budget_usd: s.budget_usd,
            created_at: s.created_at,
            last_run_at: s.last_run_at,
            last_error: s.last_error,
            runs: schedules::runs(&state.db, s.id).await?,
            can_stop,
            created_by: s.created_by_name,
        });
    }
    Ok(views)
}

/// A schedule is stopped by the person who set it up, or an admin.
fn may_stop(actor: &Actor, s: &schedule::Model) -> bool {
    actor.is_admin() || (s.created_by.is_some() && s.created_by == actor.user_id)
}

/// Every schedule of the team, the next to run first.
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<ScheduleView>, AppError> {
    let rows = schedules::list(&state.db).await?;
    views(state, actor, rows).await
}

/// Sets up a schedule for a job's list.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    request: ScheduleRequest,
) -> Result<ScheduleView, AppError> {
    let job = find_job(state, request.job_id).await?;
    let every_days = parse_every_days(&request.every_days).map_err(AppError::BadRequest)?;
    let budget_usd = budget_cap(request.budget_usd.as_deref())?;
    let first_run_at = first_run(request.first_run_at.as_deref(), every_days, Utc::now())
        .map_err(AppError::BadRequest)?;
    let created = schedules::create(
        &state.db,
        NewSchedule {
            job_id: job.id,
            every_days,
            first_run_at,
            budget_usd,
            created_by: actor.user_id,
            created_by_name: actor.name.clone(),
        },
    )
    .await?;
    audit(
        state,
        actor,
        "schedule.create",
        format!("schedule {} (job {}, {})", created.id, job.id, job.name),
        Some(format!(
            "{}, first run {}{}",
            every(every_days),
            first_run_at.format("%Y-%m-%d %H:%M UTC"),
            budget_usd
                .map(|b| format!(", {} per run", usd(b)))
                .unwrap_or_default()
        )),
    )
    .await;
    Ok(views(state, actor, vec![created]).await?.remove(0))
}

/// Stops a schedule (its creator or an admin). Runs it started stay.
pub async fn delete(state: &AppState, actor: &Actor, id: i32) -> Result<(), AppError> {
    let found = schedules::find(&state.db, id).await?.ok_or_else(|| {
        AppError::NotFound(format!(
            "Schedule {id} not found; it may have been stopped already"
        ))
    })?;
    if !may_stop(actor, &found) {
        return Err(AppError::Forbidden(format!(
            "Only {}, who set up this schedule, or an admin can stop it.",
            found.created_by_name
        )));
    }
    schedules::delete(&state.db, id).await?;
    audit(
        state,
        actor,
        "schedule.delete",
        format!("schedule {id} (job {})", found.job_id),
        Some(every(found.every_days)),
    )
    .await;
    Ok(())
}

/// The person a schedule runs as: its creator's account as it is now.
async fn runs_as(state: &AppState, s: &schedule::Model) -> Result<Actor, String> {
    let Some(user_id) = s.created_by else {
        // Set up with sign-in off: the person at this machine.
        return Ok(Actor {
            name: s.created_by_name.clone(),
            ..Actor::local()
        });
    };
    match accounts::find_user(&state.db, user_id).await {
        Ok(Some(user)) if !user.disabled => Ok(Actor::from_user(&user, Via::Session)),
        Ok(_) => Err(format!(
            "{}, who set up this schedule, no longer has an active account: an admin can stop it, and someone else set it up again.",
            s.created_by_name
        )),
        Err(error) => Err(format!("could not read the account: {error}")),
    }
}

/// Starts the run due for one schedule, or says why it did not start.
async fn start_run(state: &AppState, s: &schedule::Model) -> Outcome {
    let actor = match runs_as(state, s).await {
        Ok(actor) => actor,
        Err(reason) => return Outcome::Skipped(reason),
    };
    // The latest run's list, else the first job's (if the latest was deleted).
    let mut source = None;
    for id in s.last_job_id.into_iter().chain([s.job_id]) {
        if matches!(jobs::find(&state.db, id).await, Ok(Some(_))) {
            source = Some(id);
            break;
        }
    }
    let Some(source) = source else {
        return Outcome::Skipped(format!(
            "job #{} and its runs were deleted: stop this schedule, or set one up on another job of the list.",
            s.job_id
        ));
    };
    match rerun::run_list_again(
        state,
        &actor,
        source,
        s.budget_usd,
        Some((s.id, s.next_run_at)),
    )
    .await
    {
        Ok(job) => Outcome::Started(job.id),
        Err(error) => Outcome::Skipped(error.to_string()),
    }
}

/// Starts every due run (each once across instances). Returns the runs this instance started.
pub async fn run_due(state: &AppState, now: DateTime<Utc>) -> Result<usize, AppError> {
    let mut started = 0;
    for s in schedules::due(&state.db, now).await? {
        // Another instance (or this one, before a crash) may have started it.
        let outcome = match schedules::run_of(&state.db, s.id, s.next_run_at).await? {
            Some(job_id) => Outcome::Started(job_id),
            None => match start_run(state, &s).await {
                // A refusal may be losing a race: the unique run says who won.
                Outcome::Skipped(reason) => {
                    match schedules::run_of(&state.db, s.id, s.next_run_at).await? {
                        Some(job_id) => Outcome::Started(job_id),
                        None => Outcome::Skipped(reason),
                    }
                }
                Outcome::Started(job_id) => {
                    started += 1;
                    tracing::info!(schedule_id = s.id, job_id, "started a scheduled run");
                    Outcome::Started(job_id)
                }
            },
        };
        let skipped = match &outcome {
            Outcome::Skipped(reason) => Some(reason.clone()),
            Outcome::Started(_) => None,
        };
        // Only the instance that records the skip tells anyone about it.
        if let Some(next_run_at) = schedules::advance(&state.db, &s, outcome, now).await?
            && let Some(reason) = skipped
        {
            tracing::warn!(schedule_id = s.id, %reason, "a scheduled run did not start");
            let job_name = jobs::find(&state.db, s.job_id)
                .await?
                .map_or_else(|| format!("Job {} (deleted)", s.job_id), |j| j.name);
            state.engine.announce_skipped_schedule(ScheduleSummary {
                id: s.id,
                job_id: s.job_id,
                job_name,
                every_days: s.every_days,
                next_run_at,
                reason,
                url: None,
            });
        }
    }
    Ok(started)
}

/// Looks for due schedules every `every` until the task is aborted.
pub fn spawn(state: AppState, every: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(error) = run_due(&state, Utc::now()).await {
                tracing::warn!(%error, "could not look for due schedules");
            }
            tokio::time::sleep(every).await;
        }
    })
}
