//! The research cache in the pipeline: serve verified, unexpired research
//! when there is some; otherwise fetch it once per key (however many jobs
//! ask at the same moment) and keep it if the validator verified it.

use std::time::{Duration, Instant};

use chrono::Utc;

use super::{
    company_task::{CompanyRun, Stop},
    research::{self, Researched},
};
use crate::{
    domain::{company_name::cache_key, evidence::EvidenceSource, verdict::Verdict},
    server::db::{
        cache::{self, CacheKey, Lookup, NewEntry},
        cache_claims,
        companies::{self, CacheHit},
        entities::cache_entry,
    },
};

/// How often a job waiting for another job's fetch of the same key looks again.
const WAIT_STEP: Duration = Duration::from_millis(200);

pub(super) async fn research(run: &mut CompanyRun<'_>) -> Result<Researched, Stop> {
    let policy = run.engine.inner.settings.cache;
    if !policy.enabled {
        return research::fetch(run).await;
    }
    let db = run.engine.inner.db.clone();
    let key = CacheKey {
        key: cache_key(run.name(), run.website()),
        target_type: run.rubric.id.clone(),
    };
    // A refresh serves only what was fetched after it began (another job's
    // refresh of the same key, say), never older research.
    let fresh_since = run.refresh_cache.then(Utc::now);
    let owner = format!("{}/{}", run.engine.inner.instance_id, run.company.id);
    // A claim lives as long as a company claim: renewed while its fetch
    // runs, taken over soon after its holder died.
    let lease = run.engine.inner.settings.lease;
    loop {
        if let Some(served) = serve_cached(run, &key, fresh_since).await? {
            return Ok(served);
        }
        if cache_claims::try_claim(&db, &key, &owner, lease).await? {
            // The holder before us may have stored its research and let go
            // between our look and our claim: look once more before paying.
            let served = match serve_cached(run, &key, fresh_since).await {
                Ok(None) => None,
                Ok(Some(served)) => Some(Ok(served)),
                Err(stop) => Some(Err(stop)),
            };
            if let Some(result) = served {
                cache_claims::release_claim(&db, &key, &owner).await?;
                return result;
            }
            let renewal = keep_claim(db.clone(), key.clone(), owner.clone(), lease);
            let result = fetch_and_keep(run, &key).await;
            drop(renewal);
            cache_claims::release_claim(&db, &key, &owner).await?;
            return result;
        }
        run.checkpoint().await?;
        tokio::time::sleep(WAIT_STEP).await;
    }
}

/// Serves the key's unexpired entry (fetched since `fresh_since`, if set), if it has one.
async fn serve_cached(
    run: &mut CompanyRun<'_>,
    key: &CacheKey,
    fresh_since: Option<chrono::DateTime<Utc>>,
) -> Result<Option<Researched>, Stop> {
    let db = run.engine.inner.db.clone();
    match cache::lookup(&db, key, Utc::now()).await? {
        Some(entry) if fresh_since.is_none_or(|since| entry.fetched_at >= since) => {
            serve(run, &entry).await
        }
        _ => Ok(None),
    }
}

/// Stops the claim's renewal when dropped, however the fetch ended.
struct Renewal(tokio::task::JoinHandle<()>);

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Renews a claim every third of its lease while the returned guard lives.
fn keep_claim(
    db: sea_orm::DatabaseConnection,
    key: CacheKey,
    owner: String,
    lease: Duration,
) -> Renewal {
    let every = (lease / 3).max(Duration::from_millis(100));
    Renewal(tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            if let Err(error) = cache_claims::renew_claim(&db, &key, &owner, lease).await {
                tracing::warn!(%error, "could not renew a cache claim");
            }
        }
    }))
}

/// Serves a cached entry, or `None` if its evidence cannot be read (then it is fetched again).
async fn serve(
    run: &mut CompanyRun<'_>,
    entry: &cache_entry::Model,
) -> Result<Option<Researched>, Stop> {
    let Ok(evidence) = serde_json::from_value::<Vec<EvidenceSource>>(entry.evidence.clone()) else {
        tracing::warn!(entry = entry.id, "unreadable cache entry; fetching again");
        return Ok(None);
    };
    if evidence.is_empty() {
        return Ok(None);
    }
    let engine = run.engine;
    let db = &engine.inner.db;
    let now = Utc::now();
    let verdict = Verdict {
        valid: true,
        confidence: entry.confidence,
        verdict: entry.verdict.clone(),
        issues: Vec::new(),
        candidates: Vec::new(),
    };
    cache::record_hit(db, entry.id, now).await?;
    cache::count_lookup(
        db,
        now,
        Lookup {
            hit: true,
            credits_saved: entry.credits,
            seconds_saved: entry.search_seconds,
        },
    )
    .await?;
    let spend = run.unsaved();
    let written = companies::record_cache_hit(
        db,
        run.claim,
        CacheHit {
            verdict: &verdict,
            fetched_at: entry.fetched_at,
            credits_saved: entry.credits,
            seconds_saved: entry.search_seconds,
        },
        &spend,
    )
    .await;
    run.wrote(written)?;
    Ok(Some(Researched {
        evidence,
        fetched_at: entry.fetched_at,
        cache_hit: true,
        verified: Some(verdict),
    }))
}

/// Searches and validates; verified research is kept for the next job.
async fn fetch_and_keep(run: &mut CompanyRun<'_>, key: &CacheKey) -> Result<Researched, Stop> {
    let started = Instant::now();
    let credits_before = run.spend.credits;
    let result = research::fetch(run).await;
    let engine = run.engine;
    let db = &engine.inner.db;
    let now = Utc::now();
    cache::count_lookup(db, now, Lookup::default()).await?;
    if let Ok(researched) = &result
        && let Some(verdict) = &researched.verified
    {
        cache::store(
            db,
            NewEntry {
                key,
                display_name: run.name(),
                website: run.website(),
                evidence: &researched.evidence,
                verdict,
                fetched_at: researched.fetched_at,
                ttl_days: run.engine.inner.settings.cache.ttl_days,
                credits: run.spend.credits - credits_before,
                search_seconds: started.elapsed().as_secs_f64(),
            },
        )
        .await?;
    }
    result
}
