//! The research cache: entries, totals, and the actions on them. Everyone
//! signed in reads it and may refresh an entry (that starts a job); only
//! admins delete entries or clear it.

use chrono::Utc;

use super::{audit, page_bounds, search_text};
use crate::{
    domain::{
        cache::{
            CacheEntryDetail, CachePage, CacheQuery, CacheRefresh, CacheSort, CacheStats,
            ClearedCache,
        },
        company_name::CompanyName,
    },
    server::{
        auth::Actor,
        db::{
            cache,
            jobs::{NewCompany, NewJob},
            views::{cache_entry_detail, cache_entry_view},
        },
        state::AppState,
    },
    server_fns::error::AppError,
};

/// A cache listing as a REST client or the page asks for it, checked.
pub fn query(
    search: Option<&str>,
    sort: Option<&str>,
    order: Option<&str>,
    skip: Option<u64>,
    limit: Option<u64>,
) -> Result<CacheQuery, AppError> {
    let sort = match sort.map(str::trim).filter(|s| !s.is_empty()) {
        None => CacheSort::default(),
        Some(raw) => CacheSort::parse(raw).ok_or_else(|| {
            let known: Vec<&str> = CacheSort::ALL.iter().map(|s| s.as_str()).collect();
            AppError::BadRequest(format!(
                "Invalid sort {raw:?}. Must be one of: {}",
                known.join(", ")
            ))
        })?,
    };
    let descending = match order.map(str::trim) {
        None | Some("") => sort != CacheSort::Name && sort != CacheSort::TargetType,
        Some("desc") => true,
        Some("asc") => false,
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "Invalid order {other:?}. Must be asc or desc"
            )));
        }
    };
    let (skip, limit) = page_bounds(skip, limit, 50, 500)?;
    Ok(CacheQuery {
        search: search_text(search)?,
        sort,
        descending,
        skip,
        limit,
    })
}

pub async fn list(
    state: &AppState,
    _actor: &Actor,
    query: CacheQuery,
) -> Result<CachePage, AppError> {
    // The page sends a CacheQuery as it is: bound it like a REST query.
    let (skip, limit) = page_bounds(Some(query.skip), Some(query.limit), 50, 500)?;
    let query = CacheQuery {
        search: search_text(query.search.as_deref())?,
        skip,
        limit,
        ..query
    };
    let (rows, total) = cache::list(&state.db, &query).await?;
    let now = Utc::now();
    Ok(CachePage {
        entries: rows.iter().map(|e| cache_entry_view(e, now)).collect(),
        total,
    })
}

pub async fn stats(state: &AppState, _actor: &Actor) -> Result<CacheStats, AppError> {
    Ok(cache::stats(
        &state.db,
        Utc::now(),
        state.config.cache_enabled,
        state.config.cache_ttl_days,
    )
    .await?)
}

fn not_found(id: i32) -> AppError {
    AppError::NotFound(format!(
        "Cache entry {id} not found; it may have been deleted or cleared"
    ))
}

pub async fn entry(
    state: &AppState,
    _actor: &Actor,
    id: i32,
) -> Result<CacheEntryDetail, AppError> {
    let entry = cache::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    Ok(cache_entry_detail(&entry, Utc::now()))
}

pub async fn delete(state: &AppState, actor: &Actor, id: i32) -> Result<(), AppError> {
    actor.require_admin("delete cache entries")?;
    let entry = cache::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if !cache::delete(&state.db, id).await? {
        return Err(not_found(id));
    }
    audit(
        state,
        actor,
        "cache.delete",
        format!("cache entry {id} ({})", entry.display_name),
        None,
    )
    .await;
    Ok(())
}

/// Researches the entry's company again now, as a one-company job that
/// ignores the cache and overwrites the entry when the new research verifies.
pub async fn refresh(state: &AppState, actor: &Actor, id: i32) -> Result<CacheRefresh, AppError> {
    let entry = cache::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let name = CompanyName::parse(&entry.display_name)
        .map_err(|e| AppError::BadRequest(format!("This entry's name cannot be searched: {e}")))?;
    // One search, priced and admitted under the monthly budgets like any job.
    let price = super::estimate::estimate(state, 1, 1);
    let budget_usd = super::spend::admit(state, actor, "This refresh", price.usd, None).await?;
    let job = state
        .engine
        .submit(NewJob {
            name: format!("Cache refresh: {name}"),
            target_type: entry.target_type.clone(),
            submitted_by: crate::server::intake::submitter(&actor.name),
            owner_id: actor.user_id,
            original_filename: None,
            companies: vec![NewCompany::new(name, entry.website.clone())],
            refresh_cache: true,
            budget_usd,
            previous_job_id: None,
            scheduled: None,
            rubric_version: None,
            scoring_only: false,
        })
        .await?;
    audit(
        state,
        actor,
        "cache.refresh",
        format!("cache entry {id} ({})", entry.display_name),
        Some(format!("job {}", job.id)),
    )
    .await;
    Ok(CacheRefresh {
        entry_id: id,
        job_id: job.id,
        message: format!(
            "Refreshing {}: job {} searches it again and updates the entry once the new research is verified.",
            entry.display_name, job.id
        ),
    })
}

pub async fn clear(
    state: &AppState,
    actor: &Actor,
    expired_only: bool,
) -> Result<ClearedCache, AppError> {
    actor.require_admin("clear the research cache")?;
    let deleted = cache::clear(&state.db, expired_only, Utc::now()).await?;
    let what = if expired_only {
        "expired entries"
    } else {
        "all entries"
    };
    audit(
        state,
        actor,
        "cache.clear",
        format!("research cache ({what})"),
        Some(format!("{deleted} deleted")),
    )
    .await;
    Ok(ClearedCache {
        deleted,
        expired_only,
    })
}
