//! The research engine: search -> validation -> scoring for every company of a
//! job, as a continuous pipeline under the deployment's concurrency limits.
//! Work state lives in the database. Every instance works on every running
//! job, holding only per-company claims (fenced, on a lease of the
//! database's clock), so instances can stall, die or stop at any moment.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use sea_orm::{DatabaseConnection, DbErr};

use super::{
    db::{
        claims::{self, Claim},
        entities::job,
        job_runs,
        jobs::{self, NewJob},
    },
    providers::{LlmProvider, SearchProvider},
    rubric_book::RubricBook,
};
use crate::domain::job::{CompanyProgress, ProgressEvent};

mod cache;
mod capacity;
mod company_task;
pub mod events;
mod held;
mod limits;
mod outage;
mod research;
mod runner;
mod scoring;
mod settings;
pub mod webhook;

pub use settings::{CachePolicy, EngineSettings, OutagePolicy, Pricing};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("unknown target type {given:?}; use one of: {known}")]
    UnknownTargetType { given: String, known: String },
    #[error("rubric version {0} does not exist")]
    UnknownRubricVersion(i32),
    #[error("a job needs at least one company")]
    NoCompanies,
    #[error("job {0} not found")]
    JobNotFound(i32),
    #[error("job {0} is already running")]
    AlreadyRunning(i32),
    #[error("job {0} is not running")]
    NotRunning(i32),
    #[error(transparent)]
    Database(#[from] DbErr),
}

struct Inner {
    db: DatabaseConnection,
    search: Arc<dyn SearchProvider>,
    llm: Arc<dyn LlmProvider>,
    rubrics: RubricBook,
    settings: EngineSettings,
    /// This instance's share of the deployment's limits, and its admission window.
    limits: Arc<limits::Limits>,
    held: Arc<held::Held>,
    events: events::Events,
    instance_id: String,
    /// Jobs with a driver in this instance.
    running: Mutex<HashSet<i32>>,
    stopping: tokio::sync::watch::Sender<bool>,
    background: Mutex<Vec<runner::AbortOnDrop>>,
    /// For job notices to the webhook.
    http: reqwest::Client,
}

/// A cheap handle on the engine.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

fn new_instance_id(host: &str) -> String {
    let mut host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .take(40)
        .collect();
    if host.is_empty() {
        host.push_str("host");
    }
    format!("{host}-{}-{:08x}", std::process::id(), fastrand::u32(..))
}

impl Engine {
    /// Starts the engine's background work (the share of the limits, claim
    /// renewal, progress from other instances); the caller then resumes jobs
    /// with [`Engine::spawn_supervisor`].
    pub fn new(
        db: DatabaseConnection,
        search: Arc<dyn SearchProvider>,
        llm: Arc<dyn LlmProvider>,
        rubrics: RubricBook,
        settings: EngineSettings,
    ) -> Self {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        let instance_id = new_instance_id(&host);
        let limits = Arc::new(limits::Limits::new(
            settings.search_concurrency,
            settings.llm_concurrency,
        ));
        let (leftovers, leftovers_inbox) = tokio::sync::mpsc::unbounded_channel();
        let (events, event_tasks) = events::Events::new(&db, &instance_id);
        let engine = Self {
            inner: Arc::new(Inner {
                limits: limits.clone(),
                held: Arc::new(held::Held::new(leftovers)),
                events,
                instance_id: instance_id.clone(),
                running: Mutex::new(HashSet::new()),
                stopping: tokio::sync::watch::channel(false).0,
                background: Mutex::default(),
                http: reqwest::Client::new(),
                db,
                search,
                llm,
                rubrics,
                settings,
            }),
        };
        let weak = Arc::downgrade(&engine.inner);
        let registry = limits::Registry {
            db: engine.inner.db.clone(),
            id: instance_id.clone(),
            host,
            lease: engine.inner.settings.lease,
            limits,
        };
        let mut background: Vec<runner::AbortOnDrop> =
            event_tasks.into_iter().map(runner::AbortOnDrop).collect();
        background.push(runner::AbortOnDrop(tokio::spawn(registry.run(move || {
            weak.upgrade()
                .is_some_and(|inner| !inner.running.lock().expect("running set").is_empty())
        }))));
        background.push(runner::AbortOnDrop(tokio::spawn(held::renew_forever(
            engine.inner.db.clone(),
            engine.inner.held.clone(),
            instance_id,
            engine.inner.settings.lease,
        ))));
        let weak = Arc::downgrade(&engine.inner);
        background.push(runner::AbortOnDrop(tokio::spawn(held::settle_leftovers(
            engine.inner.db.clone(),
            leftovers_inbox,
            move |job_id| {
                // Someone has to run what went back to the queue.
                if let Some(inner) = weak.upgrade() {
                    Engine { inner }.start(job_id);
                }
            },
        ))));
        *engine.inner.background.lock().expect("background") = background;
        engine
    }

    pub fn rubrics(&self) -> &RubricBook {
        &self.inner.rubrics
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.inner.settings
    }

    /// The most one company can cost (what a job's budget must leave room for).
    pub fn company_ceiling_usd(&self) -> f64 {
        self.inner
            .settings
            .company_ceiling(self.inner.search.credits_per_search())
            .usd()
    }

    /// Tells the webhook (if one is set) that a scheduled run did not start.
    pub fn announce_skipped_schedule(&self, schedule: webhook::ScheduleSummary) {
        if let Some(settings) = self.inner.settings.webhook.clone() {
            let subject = format!("schedule {}", schedule.id);
            let notice = webhook::ScheduleNotice::skipped(schedule, settings.public_url.as_deref());
            webhook::deliver(self.inner.http.clone(), settings, notice, subject);
        }
    }

    /// This instance's name in company claims, cache claims and the instances table.
    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    /// Progress events of every job, from every instance.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<events::Update> {
        self.inner.events.subscribe()
    }

    /// Resolves when this instance begins to stop (event streams end then).
    pub fn stopping(&self) -> impl Future<Output = ()> + Send + use<> {
        let mut stopping = self.inner.stopping.subscribe();
        async move {
            let _ = stopping.wait_for(|stopping| *stopping).await;
        }
    }

    pub fn is_stopping(&self) -> bool {
        *self.inner.stopping.borrow()
    }

    fn emit(&self, event: ProgressEvent) {
        self.inner.events.emit(event);
    }

    fn claim_is_fresh(&self, claim: Claim) -> bool {
        self.inner
            .held
            .is_fresh(claim, self.inner.settings.lease * 3 / 4)
    }

    async fn reconfirm(&self, claim: Claim) -> Result<bool, DbErr> {
        held::reconfirm(
            &self.inner.db,
            &self.inner.held,
            &self.inner.instance_id,
            claim,
            self.inner.settings.lease,
        )
        .await
    }

    /// Creates a job and starts it.
    /// Creates a job and starts it, with the rubric version it names, else
    /// its rubric's latest version.
    pub async fn submit(&self, new: NewJob) -> Result<job::Model, EngineError> {
        let book = &self.inner.rubrics;
        let version = match new.rubric_version {
            Some(id) => book
                .version(id)
                .await?
                .filter(|v| v.rubric.id == new.target_type)
                .ok_or(EngineError::UnknownRubricVersion(id))?,
            None => match book.latest(&new.target_type).await? {
                Some(version) => version,
                None => {
                    return Err(EngineError::UnknownTargetType {
                        given: new.target_type,
                        known: book.ids().await?.join(", "),
                    });
                }
            },
        };
        if new.companies.is_empty() {
            return Err(EngineError::NoCompanies);
        }
        let job =
            jobs::create_with(&self.inner.db, new, Some((version.id, version.number))).await?;
        self.start(job.id);
        Ok(job)
    }

    /// Runs a driver for the job in this instance unless one runs here already.
    /// (Other instances join through its progress events and their supervisors.)
    pub fn start(&self, job_id: i32) {
        if self.is_stopping()
            || !self
                .inner
                .running
                .lock()
                .expect("running set")
                .insert(job_id)
        {
            return;
        }
        self.inner.limits.wake.notify_one();
        let engine = self.clone();
        tokio::spawn(async move {
            // Leaves the running set however the driver ends, a panic included.
            let _driver = DriverSlot {
                engine: engine.clone(),
                job_id,
            };
            if let Err(error) = runner::drive(&engine, job_id).await {
                tracing::error!(job_id, %error, "job driver stopped with a database error; the job will be resumed");
            }
        });
    }

    pub fn is_running_here(&self, job_id: i32) -> bool {
        self.inner
            .running
            .lock()
            .expect("running set")
            .contains(&job_id)
    }

    /// Asks a job to stop. Finished companies keep their results; the others
    /// end as cancelled: at once if nobody holds them, else in their holder's
    /// hands (or here once the holder's lease ran out).
    pub async fn cancel(&self, job_id: i32) -> Result<(), EngineError> {
        let job = jobs::find(&self.inner.db, job_id)
            .await?
            .ok_or(EngineError::JobNotFound(job_id))?;
        let status = crate::domain::job::JobStatus::parse(&job.status);
        if status.is_none_or(|s| s.is_finished()) {
            return Err(EngineError::NotRunning(job_id));
        }
        job_runs::request_cancel(&self.inner.db, job_id).await?;
        runner::finish_cancelled(self, job_id).await?;
        Ok(())
    }

    /// Runs a finished job again: only its failed, cancelled and unfinished companies.
    pub async fn retry(&self, job_id: i32, refresh_cache: bool) -> Result<u64, EngineError> {
        let job = jobs::find(&self.inner.db, job_id)
            .await?
            .ok_or(EngineError::JobNotFound(job_id))?;
        if job.status == crate::domain::job::JobStatus::Running.as_str()
            || job.status == crate::domain::job::JobStatus::Pending.as_str()
        {
            return Err(EngineError::AlreadyRunning(job_id));
        }
        // A retry of a job paused by an outage is its resume: it does not wait for the back-off.
        // (If it resumed by itself meanwhile, there is nothing left to do.)
        if !refresh_cache && job.status == crate::domain::job::JobStatus::Paused.as_str() {
            return Ok(outage::resume_now(self, job_id).await?.unwrap_or(0));
        }
        let requeued = job_runs::reset_for_retry(&self.inner.db, job_id, refresh_cache).await?;
        self.start(job_id);
        runner::emit_job(self, job_id).await?;
        Ok(requeued)
    }

    /// A person changed companies of a job (a review action, an override):
    /// its totals are recounted and every page showing it hears of it.
    pub async fn companies_changed(
        &self,
        job_id: i32,
        changed: Vec<CompanyProgress>,
    ) -> Result<(), EngineError> {
        jobs::refresh_totals(&self.inner.db, job_id).await?;
        for company in changed {
            self.emit(ProgressEvent::Company(company));
        }
        runner::emit_job(self, job_id).await?;
        Ok(())
    }

    /// Runs the companies a person just queued again in a job, here (other
    /// instances join through the job's events and their supervisors).
    pub async fn resume(
        &self,
        job_id: i32,
        changed: Vec<CompanyProgress>,
    ) -> Result<(), EngineError> {
        self.start(job_id);
        self.companies_changed(job_id, changed).await
    }

    /// The first step of a clean stop: event streams end, drivers claim no
    /// more, and companies in flight stop at their next step.
    pub fn begin_stop(&self) {
        self.inner.stopping.send_replace(true);
    }

    /// The last step of a clean stop: whatever this instance still holds
    /// goes back to the queue, and its share of the limits to the others.
    pub async fn stop(&self, grace: Duration) {
        self.begin_stop();
        let deadline = tokio::time::Instant::now() + grace;
        while !self.inner.running.lock().expect("running set").is_empty()
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let held = self.inner.held.all();
        match claims::hand_back(&self.inner.db, &held).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                companies = n,
                "handed companies in flight back to the queue"
            ),
            Err(error) => {
                tracing::warn!(%error, "could not hand companies back; their leases run out")
            }
        }
        if let Err(error) =
            super::db::cache_claims::release_claims_of(&self.inner.db, &self.inner.instance_id)
                .await
        {
            tracing::warn!(%error, "could not release cache claims; they run out");
        }
        limits::Registry::leave(&self.inner.db, &self.inner.instance_id).await;
        self.inner.background.lock().expect("background").clear();
    }

    /// Joins every job that needs work, now and then every second: a new job
    /// another instance started, companies a stopped instance left behind
    /// (their lease ran out), a job whose last runner died before ending it.
    pub fn spawn_supervisor(&self) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        let every = (self.inner.settings.lease / 3)
            .clamp(Duration::from_millis(200), Duration::from_secs(1));
        tokio::spawn(async move {
            while !engine.is_stopping() {
                if let Err(error) = engine.sweep().await {
                    tracing::warn!(%error, "could not look for jobs to run");
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    async fn sweep(&self) -> Result<(), DbErr> {
        let db = &self.inner.db;
        outage::resume_due(self).await?;
        for (job_id, cancel_requested) in job_runs::unfinished(db).await? {
            // Companies a dead or stalled instance held go back to the queue,
            // also for jobs this instance drives.
            let requeued = claims::requeue_expired(db, job_id).await?;
            if requeued > 0 {
                tracing::info!(
                    job_id,
                    companies = requeued,
                    "took over companies whose holder stopped"
                );
            }
            if self.is_running_here(job_id) {
                continue;
            }
            if cancel_requested {
                runner::finish_cancelled(self, job_id).await?;
            } else if claims::has_unheld_work(db, job_id).await? {
                tracing::info!(job_id, "joining a job with companies to research");
                self.start(job_id);
            } else if job_runs::try_finish(db, job_id).await? {
                runner::emit_job(self, job_id).await?;
            }
        }
        Ok(())
    }
}

/// A job's place in the running set, given up when its driver ends.
struct DriverSlot {
    engine: Engine,
    job_id: i32,
}

impl Drop for DriverSlot {
    fn drop(&mut self) {
        self.engine
            .inner
            .running
            .lock()
            .expect("running set")
            .remove(&self.job_id);
        self.engine.inner.limits.wake.notify_one();
    }
}
