//! The research engine: search -> validation -> scoring for every company of a
//! job, as a continuous pipeline under global concurrency limits. Work state
//! lives in the database; this process only holds leases on the jobs it runs.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{Semaphore, broadcast};

use super::{
    db::{
        entities::job,
        jobs::{self, NewJob},
    },
    providers::{LlmProvider, SearchProvider},
    rubrics::Rubrics,
};
use crate::domain::{evidence::Budget, job::ProgressEvent};

mod cache;
mod company_task;
mod research;
mod runner;
mod scoring;

/// Prices used for the cost estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pricing {
    pub usd_per_credit: f64,
    pub usd_per_million_prompt_tokens: f64,
    pub usd_per_million_completion_tokens: f64,
}

impl Default for Pricing {
    fn default() -> Self {
        Self {
            usd_per_credit: crate::domain::job::USD_PER_TAVILY_CREDIT,
            usd_per_million_prompt_tokens: 0.25,
            usd_per_million_completion_tokens: 0.75,
        }
    }
}

#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub search_concurrency: usize,
    pub llm_concurrency: usize,
    pub validation_enabled: bool,
    pub validation_threshold: f64,
    pub max_search_attempts: u32,
    pub budget: Budget,
    /// Characters of evidence the validator sees (an excerpt of every source).
    pub validation_chars: usize,
    /// A job whose owner has not renewed its lease for this long is taken over.
    pub lease: Duration,
    pub pricing: Pricing,
    pub cache: CachePolicy,
}

/// Whether verified research is shared across jobs, and for how long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CachePolicy {
    pub enabled: bool,
    pub ttl_days: u32,
}

impl Default for CachePolicy {
    fn default() -> Self {
        Self {
            enabled: true,
            ttl_days: 30,
        }
    }
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            search_concurrency: 50,
            llm_concurrency: 10,
            validation_enabled: true,
            validation_threshold: 0.6,
            max_search_attempts: 2,
            budget: Budget::default(),
            validation_chars: 8_000,
            lease: Duration::from_secs(30),
            pricing: Pricing::default(),
            cache: CachePolicy::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("unknown target type {given:?}; use one of: {known}")]
    UnknownTargetType { given: String, known: String },
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
    rubrics: Rubrics,
    settings: EngineSettings,
    search_permits: Semaphore,
    llm_permits: Semaphore,
    /// Companies in flight at once, across jobs: enough to keep both limits busy,
    /// few enough that a company moves on to scoring soon after its check.
    admission: Arc<Semaphore>,
    events: broadcast::Sender<ProgressEvent>,
    instance_id: String,
    running: Mutex<HashSet<i32>>,
}

/// A cheap handle on the engine.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl Engine {
    pub fn new(
        db: DatabaseConnection,
        search: Arc<dyn SearchProvider>,
        llm: Arc<dyn LlmProvider>,
        rubrics: Rubrics,
        settings: EngineSettings,
    ) -> Self {
        let (events, _) = broadcast::channel(4096);
        let window = settings.search_concurrency + 2 * settings.llm_concurrency;
        Self {
            inner: Arc::new(Inner {
                db,
                search,
                llm,
                rubrics,
                search_permits: Semaphore::new(settings.search_concurrency),
                llm_permits: Semaphore::new(settings.llm_concurrency),
                admission: Arc::new(Semaphore::new(window)),
                settings,
                events,
                instance_id: format!("{}-{:08x}", std::process::id(), fastrand::u32(..)),
                running: Mutex::new(HashSet::new()),
            }),
        }
    }

    pub fn rubrics(&self) -> &Rubrics {
        &self.inner.rubrics
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.inner.settings
    }

    /// This instance's name in job leases and cache claims.
    pub fn instance_id(&self) -> &str {
        &self.inner.instance_id
    }

    /// Progress events: one per company stage change and per job status change.
    pub fn subscribe(&self) -> broadcast::Receiver<ProgressEvent> {
        self.inner.events.subscribe()
    }

    fn emit(&self, event: ProgressEvent) {
        // Nobody listening is fine.
        let _ = self.inner.events.send(event);
    }

    /// Creates a job and starts it.
    pub async fn submit(&self, new: NewJob) -> Result<job::Model, EngineError> {
        if self.inner.rubrics.get(&new.target_type).is_none() {
            return Err(EngineError::UnknownTargetType {
                given: new.target_type,
                known: self.inner.rubrics.ids().collect::<Vec<_>>().join(", "),
            });
        }
        if new.companies.is_empty() {
            return Err(EngineError::NoCompanies);
        }
        let job = jobs::create(&self.inner.db, new).await?;
        self.start(job.id);
        Ok(job)
    }

    /// Runs the job in this process unless it already runs here.
    pub fn start(&self, job_id: i32) {
        if !self
            .inner
            .running
            .lock()
            .expect("running set")
            .insert(job_id)
        {
            return;
        }
        let engine = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = runner::run_job(&engine, job_id).await {
                    tracing::error!(job_id, %error, "job runner stopped with a database error; the job will be resumed");
                }
                engine
                    .inner
                    .running
                    .lock()
                    .expect("running set")
                    .remove(&job_id);
                // A retry that arrived while this run was finishing finds the job
                // pending again: run it now rather than leave it waiting.
                let pending = jobs::find(&engine.inner.db, job_id)
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|job| {
                        job.status == crate::domain::job::JobStatus::Pending.as_str()
                    });
                if !pending
                    || !engine
                        .inner
                        .running
                        .lock()
                        .expect("running set")
                        .insert(job_id)
                {
                    break;
                }
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
    /// end as cancelled. A job nobody is running is cancelled at once.
    pub async fn cancel(&self, job_id: i32) -> Result<(), EngineError> {
        let job = jobs::find(&self.inner.db, job_id)
            .await?
            .ok_or(EngineError::JobNotFound(job_id))?;
        let status = crate::domain::job::JobStatus::parse(&job.status);
        if status.is_none_or(|s| s.is_finished()) {
            return Err(EngineError::NotRunning(job_id));
        }
        jobs::request_cancel(&self.inner.db, job_id).await?;
        let lease = chrono::Duration::from_std(self.inner.settings.lease).unwrap_or_default();
        let owner_alive = job
            .heartbeat_at
            .is_some_and(|at| at > chrono::Utc::now() - lease);
        if !self.is_running_here(job_id) && !owner_alive {
            runner::finish_cancelled(self, job_id).await?;
        }
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
        let requeued = jobs::reset_for_retry(&self.inner.db, job_id, refresh_cache).await?;
        self.start(job_id);
        Ok(requeued)
    }

    /// Releases this instance's job leases (graceful shutdown).
    pub async fn release_leases(&self) {
        match jobs::release_all(&self.inner.db, &self.inner.instance_id).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "released running jobs for the next start"),
            Err(error) => tracing::warn!(%error, "could not release job leases"),
        }
    }

    /// Takes over jobs whose owner stopped (a crash, a restart, another
    /// instance gone), now and then every few seconds.
    pub fn spawn_supervisor(&self) -> tokio::task::JoinHandle<()> {
        let engine = self.clone();
        let every = (self.inner.settings.lease / 3).max(Duration::from_millis(200));
        tokio::spawn(async move {
            loop {
                let lease =
                    chrono::Duration::from_std(engine.inner.settings.lease).unwrap_or_default();
                match jobs::orphaned(&engine.inner.db, lease).await {
                    Ok(ids) => {
                        for id in ids {
                            if !engine.is_running_here(id) {
                                tracing::info!(job_id = id, "resuming a job whose runner stopped");
                                engine.start(id);
                            }
                        }
                    }
                    Err(error) => tracing::warn!(%error, "could not look for jobs to resume"),
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}
