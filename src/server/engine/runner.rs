//! One job's driver in this instance. Every instance runs a driver for every
//! running job: it claims the job's companies a few at a time as this
//! instance has room, researches them concurrently, and the instance that
//! sees the last company finish ends the job.

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::DbErr;
use tokio::{sync::Semaphore, task::JoinSet};

use super::{Engine, company_task, held::ClaimGuard, webhook};
use crate::server::rubric_book::RubricVersion;
use crate::{
    domain::budget::cap_reached,
    domain::job::{JobProgress, JobStatus, ProgressEvent},
    server::db::{
        budgets::{self, Claimed},
        claims::{self, ClaimedCompany},
        company_query,
        entities::job,
        job_runs, jobs,
        views::job_view,
    },
};

/// How often a running job's totals are brought up to date (when something
/// changed) and its cancel flag is read: the totals cost one query per tick,
/// not one per company.
const TICK: Duration = Duration::from_millis(250);
/// Companies claimed in one statement, at most: one claim per company would
/// be a database write per company; more would leave an instance holding
/// queued companies at the end of a job while the others have room.
const BATCH: u64 = 12;
/// How often a driver with companies in flight looks for more to claim
/// (another instance may have handed some back).
const LOOK_AGAIN: Duration = Duration::from_millis(500);

/// Shared by the company tasks of one job in this instance.
pub(super) struct JobControl {
    /// Set when the job must stop at once (a provider rejected the key), with the message for the user.
    abort: Mutex<Option<String>>,
    /// The job's cancel flag, as last read from the database.
    cancelled: AtomicBool,
    /// Paused by an upstream outage (here, or by another instance).
    paused: AtomicBool,
    /// Companies that failed upstream since the last one that did not.
    upstream_streak: AtomicU32,
    /// A company changed since the totals were last brought up to date.
    dirty: AtomicBool,
    /// One waiter per job in each limit's queue: holding its job's turn, a
    /// company waits for a permit, so the queue serves jobs in turn.
    pub(super) search_turn: Semaphore,
    pub(super) llm_turn: Semaphore,
}

impl Default for JobControl {
    fn default() -> Self {
        Self {
            abort: Mutex::default(),
            cancelled: AtomicBool::new(false),
            paused: AtomicBool::new(false),
            upstream_streak: AtomicU32::new(0),
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

    pub(super) fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }

    /// A company failed for an upstream reason: the breaker counts it.
    pub(super) fn upstream_failed(&self, pause_after: u32) -> Breaker {
        if self.is_paused() {
            return Breaker::Paused;
        }
        let streak = self.upstream_streak.fetch_add(1, Ordering::Relaxed) + 1;
        if pause_after > 0 && streak >= pause_after && !self.paused.swap(true, Ordering::Relaxed) {
            Breaker::Trips(streak)
        } else {
            Breaker::Counted
        }
    }

    /// A company got its answers from upstream: the run of failures is over.
    pub(super) fn upstream_answered(&self) {
        self.upstream_streak.store(0, Ordering::Relaxed);
    }

    fn stops(&self, engine: &Engine) -> bool {
        self.aborted().is_some() || self.is_cancelled() || self.is_paused() || engine.is_stopping()
    }
}

/// What the outage breaker makes of one more upstream failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Breaker {
    /// One more in the run; the company fails on its own (a retry may fix it).
    Counted,
    /// This failure completes the run: the job pauses (the run's length).
    Trips(u32),
    /// The job is paused already: the company goes back to the queue.
    Paused,
}

/// Ends a background task when dropped, however its owner ends (an error,
/// a panic): a job's ticker never outlives its driver.
pub(super) struct AbortOnDrop(pub tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
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
            skipped: job.skipped_companies,
            review: job.review_companies,
            error_message: job.error_message.clone(),
            tiers,
            view: Some(Box::new(job_view(&job))),
        }));
    }
    Ok(())
}

/// Tells the webhook (if there is one) that the job finished, failed, was
/// cancelled or paused. Called by the one instance that made the change.
pub(super) async fn announce(engine: &Engine, job_id: i32) -> Result<(), DbErr> {
    let Some(settings) = engine.inner.settings.webhook.clone() else {
        return Ok(());
    };
    let Some(job) = jobs::find(&engine.inner.db, job_id).await? else {
        return Ok(());
    };
    let tiers = company_query::tier_counts(&engine.inner.db, job_id).await?;
    let url = settings
        .public_url
        .as_ref()
        .map(|base| format!("{}/jobs/{job_id}", base.trim_end_matches('/')));
    let notice = webhook::JobNotice::new(webhook::JobSummary {
        id: job.id,
        name: job.name.clone(),
        status: JobStatus::parse(&job.status).unwrap_or(JobStatus::Failed),
        total: job.total_companies,
        completed: job.completed_companies,
        failed: job.failed_companies,
        cancelled: job.cancelled_companies,
        review: job.review_companies,
        tiers,
        cost_usd: job.cost_usd,
        message: job.error_message.clone(),
        url,
    });
    webhook::deliver(
        engine.inner.http.clone(),
        settings,
        notice,
        format!("job {job_id}"),
    );
    Ok(())
}

/// Cancels what nobody holds and ends the job if nothing is left.
pub(super) async fn finish_cancelled(engine: &Engine, job_id: i32) -> Result<(), DbErr> {
    claims::cancel_unheld(&engine.inner.db, job_id).await?;
    conclude(engine, job_id).await
}

/// Ends the job if all its companies have finished, and announces it.
pub(super) async fn conclude(engine: &Engine, job_id: i32) -> Result<(), DbErr> {
    if job_runs::try_finish(&engine.inner.db, job_id).await? {
        tracing::info!(job_id, "job finished");
        announce(engine, job_id).await?;
    }
    emit_job(engine, job_id).await
}

pub(super) async fn drive(engine: &Engine, job_id: i32) -> Result<(), DbErr> {
    let db = &engine.inner.db;
    let Some(job) = jobs::find(db, job_id).await? else {
        return Ok(());
    };
    if !matches!(
        JobStatus::parse(&job.status),
        Some(JobStatus::Pending | JobStatus::Running)
    ) {
        return Ok(());
    }
    let book = &engine.inner.rubrics;
    let version = book
        .for_job(job.rubric_version_id, &job.target_type)
        .await?;
    if let Some(version) = version.as_ref()
        && job.rubric_version_id.is_none()
    {
        jobs::stamp_version(db, job_id, (version.id, version.number)).await?;
    }
    let Some(rubric) = version else {
        let message = format!(
            "This job's rubric {:?} (version {}) is not on this server.",
            job.target_type,
            job.rubric_version.unwrap_or_default()
        );
        job_runs::fail(db, job_id, &message).await?;
        return emit_job(engine, job_id).await;
    };
    if job_runs::set_running(db, job_id).await? {
        job_runs::mark_started(db, job_id).await?;
        tracing::info!(job_id, rubric = %rubric.rubric.id, version = rubric.number, "job running");
        emit_job(engine, job_id).await?;
    }

    let control = Arc::new(JobControl::default());
    if job_runs::control(db, job_id).await?.cancel_requested {
        return finish_cancelled(engine, job_id).await;
    }
    let _ticker = AbortOnDrop(spawn_ticker(engine, job_id, control.clone()));
    let mut tasks = JoinSet::new();
    let claimed = claim_and_run(engine, &control, &job, &rubric, &mut tasks).await;
    // Even after a database error, the companies in flight finish or are handed back.
    while let Some(joined) = tasks.join_next().await {
        log_task(job_id, joined);
    }
    claimed?;
    if engine.is_stopping() {
        return Ok(());
    }
    if control.is_paused() {
        // Paused by an outage: what is left waits for the resume.
        return emit_job(engine, job_id).await;
    }
    if let Some(message) = control.aborted() {
        if job_runs::fail(db, job_id, &message).await? {
            tracing::warn!(job_id, %message, "job stopped");
            announce(engine, job_id).await?;
        }
        return emit_job(engine, job_id).await;
    }
    if control.is_cancelled() || job_runs::control(db, job_id).await?.cancel_requested {
        return finish_cancelled(engine, job_id).await;
    }
    conclude(engine, job_id).await
}

/// Claims companies a few at a time (one statement for several) and starts
/// each as this instance has room.
async fn claim_and_run(
    engine: &Engine,
    control: &Arc<JobControl>,
    job: &job::Model,
    rubric: &Arc<RubricVersion>,
    tasks: &mut JoinSet<Result<(), DbErr>>,
) -> Result<(), DbErr> {
    let mut queue = VecDeque::new();
    let result = claim_and_run_from(engine, control, job, rubric, tasks, &mut queue).await;
    // Claimed but not started: back to the queue for any instance, now.
    if !queue.is_empty() {
        let claims: Vec<_> = queue
            .iter()
            .map(|(_, guard): &Queued| guard.claim)
            .collect();
        claims::hand_back(&engine.inner.db, &claims).await?;
        for (_, mut guard) in queue {
            guard.settle();
        }
    }
    result
}

type Queued = (ClaimedCompany, ClaimGuard);

async fn claim_and_run_from(
    engine: &Engine,
    control: &Arc<JobControl>,
    job: &job::Model,
    rubric: &Arc<RubricVersion>,
    tasks: &mut JoinSet<Result<(), DbErr>>,
    queue: &mut VecDeque<Queued>,
) -> Result<(), DbErr> {
    let db = &engine.inner.db;
    let admission = engine.inner.limits.admission.semaphore().clone();
    loop {
        // Each running job has at most one waiter in the admission queue
        // (first come, first served), so free room goes to the jobs in turn
        // and a small job is not stuck behind a big one.
        let slot = loop {
            tokio::select! {
                slot = admission.clone().acquire_owned() => break slot.expect("never closed"),
                Some(joined) = tasks.join_next() => log_task(job.id, joined),
            }
        };
        if control.stops(engine) {
            return Ok(());
        }
        if queue.is_empty() {
            let claimed_at = Instant::now();
            let per_company = engine.company_ceiling_usd();
            let claimed = match budgets::claim(
                db,
                job.id,
                engine.instance_id(),
                engine.inner.settings.lease,
                BATCH,
                per_company,
            )
            .await?
            {
                Claimed::Companies(claimed) => claimed,
                Claimed::OverBudget { cap, spent } => {
                    drop(slot);
                    if tasks.is_empty() {
                        // Nothing in flight will free room: the job waits for a person.
                        let message = cap_reached(cap, spent, per_company);
                        if budgets::pause(db, job.id, &message).await? {
                            tracing::info!(job_id = job.id, cap, spent, "job paused at its budget");
                            announce(engine, job.id).await?;
                        }
                        control.paused.store(true, Ordering::Relaxed);
                        return Ok(());
                    }
                    // What the companies in flight do not spend of their share frees room.
                    if let Some(joined) = tasks.join_next().await {
                        log_task(job.id, joined);
                    }
                    continue;
                }
            };
            if claimed.is_empty() {
                drop(slot);
                if tasks.is_empty() {
                    return Ok(());
                }
                tokio::select! {
                    Some(joined) = tasks.join_next() => log_task(job.id, joined),
                    () = tokio::time::sleep(LOOK_AGAIN) => {}
                }
                continue;
            }
            queue.extend(claimed.into_iter().map(|company| {
                let guard = engine.inner.held.hold(company.claim(), claimed_at);
                (company, guard)
            }));
        }
        let (company, guard) = queue.pop_front().expect("claimed above");
        let engine = engine.clone();
        let control = control.clone();
        let rubric = rubric.clone();
        let refresh_cache = job.refresh_cache;
        let scoring_only = job.scoring_only;
        let job_id = job.id;
        tasks.spawn(async move {
            let _slot = slot;
            let job = company_task::JobRef {
                id: job_id,
                rubric: &rubric,
                refresh_cache,
                scoring_only,
            };
            company_task::process(&engine, &control, job, company, guard).await
        });
    }
}

fn log_task(job_id: i32, joined: Result<Result<(), DbErr>, tokio::task::JoinError>) {
    match joined {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::error!(job_id, %error, "a company task hit a database error; its company goes back to the queue")
        }
        Err(error) => {
            tracing::error!(job_id, %error, "a company task panicked; its company failed with a reason")
        }
    }
}

/// Every tick: reads the job's cancel flag and status (another instance may
/// have stopped it), and when a company changed, recomputes the job's totals
/// from its rows (exact, also after a crash) and announces them.
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
            match job_runs::control(db, job_id).await {
                Ok(now) => {
                    control
                        .cancelled
                        .store(now.cancel_requested, Ordering::Relaxed);
                    if now.status == Some(JobStatus::Paused) {
                        control.paused.store(true, Ordering::Relaxed);
                    }
                    if now.status.is_some_and(JobStatus::is_finished) {
                        control
                            .abort(now.error_message.unwrap_or_else(|| {
                                "The job was ended by another instance.".into()
                            }));
                    }
                }
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
