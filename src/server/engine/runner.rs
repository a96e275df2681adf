//! One job's run in this process: claim its lease, research its unfinished
//! companies concurrently, and record how it ended.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use sea_orm::DbErr;
use tokio::{sync::Semaphore, task::JoinSet};

use super::{Engine, company_task};
use crate::{
    domain::job::{CompanyStatus, JobProgress, JobStatus, ProgressEvent},
    server::db::{companies, company_query, jobs, views::job_view},
};

/// How often a running job's totals are brought up to date (when something
/// changed) and its cancel flag is read: the totals cost one query per tick,
/// not one per company.
const TICK: Duration = Duration::from_millis(250);

/// Shared by the company tasks of one run.
pub(super) struct JobControl {
    /// Set when the job must stop at once (a provider rejected the key), with the message for the user.
    abort: Mutex<Option<String>>,
    /// The job's cancel flag, as last read from the database.
    cancelled: AtomicBool,
    /// A company changed since the totals were last brought up to date.
    dirty: AtomicBool,
    /// One waiter per job in each global queue: holding its job's turn, a
    /// company waits for a global permit, so the queue serves jobs in turn.
    pub(super) search_turn: Semaphore,
    pub(super) llm_turn: Semaphore,
}

impl Default for JobControl {
    fn default() -> Self {
        Self {
            abort: Mutex::default(),
            cancelled: AtomicBool::new(false),
            dirty: AtomicBool::new(false),
            search_turn: Semaphore::new(1),
            llm_turn: Semaphore::new(1),
        }
    }
}

impl JobControl {
    pub(super) fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Marks the totals out of date; the next tick recomputes and announces them.
    pub(super) fn touch(&self) {
        self.dirty.store(true, Ordering::Relaxed);
    }

    pub(super) fn abort(&self, message: String) {
        let mut slot = self.abort.lock().expect("abort slot");
        if slot.is_none() {
            *slot = Some(message);
        }
    }

    pub(super) fn aborted(&self) -> Option<String> {
        self.abort.lock().expect("abort slot").clone()
    }
}

pub(super) async fn emit_job(engine: &Engine, job_id: i32) -> Result<(), DbErr> {
    if let Some(job) = jobs::find(&engine.inner.db, job_id).await? {
        let tiers = company_query::tier_counts(&engine.inner.db, job_id).await?;
        engine.emit(ProgressEvent::Job(JobProgress {
            job_id,
            status: JobStatus::parse(&job.status).unwrap_or(JobStatus::Failed),
            total: job.total_companies,
            completed: job.completed_companies,
            failed: job.failed_companies,
            cancelled: job.cancelled_companies,
            error_message: job.error_message.clone(),
            tiers,
            view: Some(Box::new(job_view(&job))),
        }));
    }
    Ok(())
}

pub(super) async fn finish_cancelled(engine: &Engine, job_id: i32) -> Result<(), DbErr> {
    companies::cancel_unfinished(&engine.inner.db, job_id).await?;
    jobs::finish(&engine.inner.db, job_id, JobStatus::Cancelled, None).await?;
    emit_job(engine, job_id).await
}

pub(super) async fn run_job(engine: &Engine, job_id: i32) -> Result<(), DbErr> {
    let db = &engine.inner.db;
    let lease = chrono::Duration::from_std(engine.inner.settings.lease).unwrap_or_default();
    if !jobs::claim(db, job_id, &engine.inner.instance_id, lease).await? {
        return Ok(());
    }
    let Some(job) = jobs::find(db, job_id).await? else {
        return Ok(());
    };
    let Some(rubric) = engine.inner.rubrics.get(&job.target_type) else {
        let message = format!(
            "This job's target type {:?} has no rubric on this server.",
            job.target_type
        );
        jobs::finish(db, job_id, JobStatus::Failed, Some(message)).await?;
        return emit_job(engine, job_id).await;
    };
    jobs::mark_started(db, job_id).await?;
    // Whatever a previous owner left in flight starts again from the queue.
    companies::requeue_in_flight(db, job_id).await?;
    jobs::refresh_totals(db, job_id).await?;
    emit_job(engine, job_id).await?;
    tracing::info!(job_id, rubric = %rubric.id, "job running");

    let control = Arc::new(JobControl::default());
    let heartbeat = spawn_heartbeat(engine, job_id);
    let ticker = spawn_ticker(engine, job_id, control.clone());
    let mut tasks = JoinSet::new();
    // Admission is taken here, one company at a time per job: each running
    // job has at most one waiter in the engine's (first-come) admission queue,
    // so free slots go to the jobs in turn and a small job is not stuck behind
    // a big one.
    // The run holds the job's lease, so nobody else changes these rows meanwhile.
    for company in companies::unfinished(db, job_id).await? {
        let slot = loop {
            tokio::select! {
                slot = engine.inner.admission.clone().acquire_owned() => break slot.expect("the admission semaphore is never closed"),
                Some(joined) = tasks.join_next() => log_task(job_id, joined),
            }
        };
        if control.aborted().is_some() || control.is_cancelled() {
            break;
        }
        let engine = engine.clone();
        let control = control.clone();
        let rubric = rubric.clone();
        let refresh_cache = job.refresh_cache;
        tasks.spawn(async move {
            let _slot = slot;
            let job = company_task::JobRef {
                id: job_id,
                rubric: &rubric,
                refresh_cache,
            };
            company_task::process(&engine, &control, job, company).await
        });
    }
    while let Some(joined) = tasks.join_next().await {
        log_task(job_id, joined);
    }
    ticker.abort();
    heartbeat.abort();

    if let Some(message) = control.aborted() {
        companies::requeue_in_flight(db, job_id).await?;
        jobs::finish(db, job_id, JobStatus::Failed, Some(message)).await?;
    } else if control.is_cancelled() || jobs::is_cancel_requested(db, job_id).await? {
        companies::cancel_unfinished(db, job_id).await?;
        jobs::finish(db, job_id, JobStatus::Cancelled, None).await?;
    } else {
        // Nothing may stay pending in a finished job: a company whose task
        // died ends failed with a reason, and a retry runs it again.
        for id in companies::unfinished_ids(db, job_id).await? {
            companies::finish_unscored(
                db,
                id,
                CompanyStatus::Failed,
                "The research stopped unexpectedly. Retry the job to run this company again.",
                &companies::find(db, id)
                    .await?
                    .map(|c| companies::Spend::of(&c))
                    .unwrap_or_default(),
            )
            .await?;
        }
        jobs::finish(db, job_id, JobStatus::Completed, None).await?;
    }
    tracing::info!(job_id, "job finished");
    emit_job(engine, job_id).await
}

fn log_task(job_id: i32, joined: Result<Result<(), DbErr>, tokio::task::JoinError>) {
    match joined {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(job_id, %error, "a company task hit a database error"),
        Err(error) => tracing::error!(job_id, %error, "a company task panicked"),
    }
}

/// Renews the job's lease every third of it while the job runs here.
fn spawn_heartbeat(engine: &Engine, job_id: i32) -> tokio::task::JoinHandle<()> {
    let engine = engine.clone();
    let every = (engine.inner.settings.lease / 3).max(Duration::from_millis(100));
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            if let Err(error) =
                jobs::heartbeat(&engine.inner.db, job_id, &engine.inner.instance_id).await
            {
                tracing::warn!(job_id, %error, "could not renew the job's lease");
            }
        }
    })
}

/// Every tick: reads the cancel flag, and when a company changed, recomputes
/// the job's totals from its rows (exact, also after a crash) and announces them.
fn spawn_ticker(
    engine: &Engine,
    job_id: i32,
    control: Arc<JobControl>,
) -> tokio::task::JoinHandle<()> {
    let engine = engine.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(TICK).await;
            let db = &engine.inner.db;
            match jobs::is_cancel_requested(db, job_id).await {
                Ok(cancelled) => control.cancelled.store(cancelled, Ordering::Relaxed),
                Err(error) => {
                    tracing::warn!(job_id, %error, "could not read the job's cancel flag")
                }
            }
            if control.dirty.swap(false, Ordering::Relaxed) {
                let updated = match jobs::refresh_totals(db, job_id).await {
                    Ok(()) => emit_job(&engine, job_id).await,
                    Err(error) => Err(error),
                };
                if let Err(error) = updated {
                    control.touch();
                    tracing::warn!(job_id, %error, "could not update the job's totals");
                }
            }
        }
    })
}
