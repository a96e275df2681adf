//! One job's run in this process: claim its lease, research its unfinished
//! companies concurrently, and record how it ended.

use std::sync::{Arc, Mutex};

use sea_orm::DbErr;
use tokio::task::JoinSet;

use super::{Engine, company_task};
use crate::{
    domain::job::{CompanyStatus, JobStatus, ProgressEvent},
    server::db::{companies, jobs},
};

/// Shared by the company tasks of one run: set when the job must stop at once
/// (a provider rejected the key), with the message for the user.
#[derive(Default)]
pub(super) struct JobControl {
    abort: Mutex<Option<String>>,
}

impl JobControl {
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
        engine.emit(ProgressEvent::Job {
            job_id,
            status: JobStatus::parse(&job.status).unwrap_or(JobStatus::Failed),
            total: job.total_companies,
            completed: job.completed_companies,
            failed: job.failed_companies,
            cancelled: job.cancelled_companies,
            error_message: job.error_message,
        });
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

    let heartbeat = {
        let engine = engine.clone();
        let every = (engine.inner.settings.lease / 3).max(std::time::Duration::from_millis(100));
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
    };

    let control = Arc::new(JobControl::default());
    let mut tasks = JoinSet::new();
    for company_id in companies::unfinished_ids(db, job_id).await? {
        let engine = engine.clone();
        let control = control.clone();
        let rubric = rubric.clone();
        let refresh_cache = job.refresh_cache;
        tasks.spawn(async move {
            let job = company_task::JobRef {
                id: job_id,
                rubric: &rubric,
                refresh_cache,
            };
            company_task::process(&engine, &control, job, company_id).await
        });
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::error!(job_id, %error, "a company task hit a database error")
            }
            Err(error) => tracing::error!(job_id, %error, "a company task panicked"),
        }
    }
    heartbeat.abort();

    if let Some(message) = control.aborted() {
        companies::requeue_in_flight(db, job_id).await?;
        jobs::finish(db, job_id, JobStatus::Failed, Some(message)).await?;
    } else if jobs::is_cancel_requested(db, job_id).await? {
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
