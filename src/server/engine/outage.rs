//! The end of an outage pause: by a person ("Resume now"), or by the first
//! instance whose supervisor sees the back-off is over. Companies that
//! failed upstream are queued again with the research they kept, so the
//! resume pays for the calls that failed, not for what was already bought.

use chrono::Utc;
use sea_orm::DbErr;

use super::{Engine, runner};
use crate::server::db::outages;

/// Resumes the paused jobs whose back-off is over (each once, across instances).
pub(super) async fn resume_due(engine: &Engine) -> Result<(), DbErr> {
    let db = &engine.inner.db;
    for job_id in outages::due(db, Utc::now()).await? {
        if let Some(requeued) = outages::resume(db, job_id, true).await? {
            tracing::info!(
                job_id,
                companies = requeued,
                "resuming a job paused by an upstream outage"
            );
            engine.start(job_id);
            runner::emit_job(engine, job_id).await?;
        }
    }
    Ok(())
}

/// Resumes a paused job now. Returns the companies queued again, or None
/// when the job was not paused (any more).
pub(super) async fn resume_now(engine: &Engine, job_id: i32) -> Result<Option<u64>, DbErr> {
    let resumed = outages::resume(&engine.inner.db, job_id, false).await?;
    if resumed.is_some() {
        tracing::info!(
            job_id,
            "a person resumed a job paused by an upstream outage"
        );
        engine.start(job_id);
        runner::emit_job(engine, job_id).await?;
    }
    Ok(resumed)
}
