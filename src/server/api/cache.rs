//! /api/cache: the research cache's entries, totals and actions. The Cache
//! page's server functions call the same `load_*` and action functions.

use axum::{
    Json,
    extract::{Path, Query, State},
};
use chrono::Utc;
use serde::Deserialize;

use super::{error::ApiError, openapi::ErrorBody};
use crate::{
    domain::{
        cache::{
            CacheEntryDetail, CachePage, CacheQuery, CacheRefresh, CacheSort, CacheStats,
            ClearedCache,
        },
        company_name::CompanyName,
    },
    server::{
        db::{
            cache,
            jobs::{NewCompany, NewJob},
            views::{cache_entry_detail, cache_entry_view},
        },
        state::AppState,
    },
};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of a name, key or website.
    pub q: Option<String>,
    pub sort: Option<String>,
    /// asc or desc.
    pub order: Option<String>,
    pub skip: Option<u64>,
    pub limit: Option<u64>,
}

impl ListParams {
    pub fn into_query(self) -> Result<CacheQuery, ApiError> {
        let sort = match self
            .sort
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => CacheSort::default(),
            Some(raw) => CacheSort::parse(raw).ok_or_else(|| {
                let known: Vec<&str> = CacheSort::ALL.iter().map(|s| s.as_str()).collect();
                ApiError::BadRequest(format!(
                    "Invalid sort {raw:?}. Must be one of: {}",
                    known.join(", ")
                ))
            })?,
        };
        let descending = match self.order.as_deref().map(str::trim) {
            None | Some("") => sort != CacheSort::Name && sort != CacheSort::TargetType,
            Some("desc") => true,
            Some("asc") => false,
            Some(other) => {
                return Err(ApiError::BadRequest(format!(
                    "Invalid order {other:?}. Must be asc or desc"
                )));
            }
        };
        let limit = self.limit.unwrap_or(50);
        if !(1..=500).contains(&limit) {
            return Err(ApiError::BadRequest(
                "limit must be between 1 and 500".into(),
            ));
        }
        Ok(CacheQuery {
            search: self.q.filter(|q| !q.trim().is_empty()),
            sort,
            descending,
            skip: self.skip.unwrap_or(0),
            limit,
        })
    }
}

pub async fn load_page(state: &AppState, query: &CacheQuery) -> Result<CachePage, ApiError> {
    let (rows, total) = cache::list(&state.db, query).await?;
    let now = Utc::now();
    Ok(CachePage {
        entries: rows.iter().map(|e| cache_entry_view(e, now)).collect(),
        total,
    })
}

pub async fn load_stats(state: &AppState) -> Result<CacheStats, ApiError> {
    Ok(cache::stats(
        &state.db,
        Utc::now(),
        state.config.cache_enabled,
        state.config.cache_ttl_days,
    )
    .await?)
}

fn not_found(id: i32) -> ApiError {
    ApiError::NotFound(format!(
        "Cache entry {id} not found; it may have been deleted or cleared"
    ))
}

pub async fn load_entry(state: &AppState, id: i32) -> Result<CacheEntryDetail, ApiError> {
    let entry = cache::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    Ok(cache_entry_detail(&entry, Utc::now()))
}

pub async fn remove_entry(state: &AppState, id: i32) -> Result<(), ApiError> {
    if cache::delete(&state.db, id).await? {
        tracing::info!(entry = id, "cache entry deleted");
        Ok(())
    } else {
        Err(not_found(id))
    }
}

/// Researches the entry's company again now, as a one-company job that
/// ignores the cache and overwrites the entry when the new research verifies.
pub async fn refresh_entry(state: &AppState, id: i32) -> Result<CacheRefresh, ApiError> {
    let entry = cache::find(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let name = CompanyName::parse(&entry.display_name)
        .map_err(|e| ApiError::BadRequest(format!("This entry's name cannot be searched: {e}")))?;
    let job = state
        .engine
        .submit(NewJob {
            name: format!("Cache refresh: {name}"),
            target_type: entry.target_type.clone(),
            submitted_by: "Cache".into(),
            original_filename: None,
            companies: vec![NewCompany {
                name,
                website: entry.website.clone(),
            }],
            refresh_cache: true,
        })
        .await?;
    Ok(CacheRefresh {
        entry_id: id,
        job_id: job.id,
        message: format!(
            "Refreshing {}: job {} searches it again and updates the entry once the new research is verified.",
            entry.display_name, job.id
        ),
    })
}

pub async fn clear_entries(state: &AppState, expired_only: bool) -> Result<ClearedCache, ApiError> {
    let deleted = cache::clear(&state.db, expired_only, Utc::now()).await?;
    tracing::info!(deleted, expired_only, "cache cleared");
    Ok(ClearedCache {
        deleted,
        expired_only,
    })
}

/// GET /api/cache?q=&sort=&order=&skip=&limit=
#[utoipa::path(get, path = "/api/cache", tag = "cache", params(ListParams), responses((status = 200, description = "A page of cache entries", body = CachePage), (status = 400, description = "Bad request", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Json<CachePage>, ApiError> {
    Ok(Json(load_page(&state, &params.into_query()?).await?))
}

/// GET /api/cache/stats
#[utoipa::path(get, path = "/api/cache/stats", tag = "cache", responses((status = 200, description = "Totals, hit rate and savings", body = CacheStats)))]
pub async fn stats(State(state): State<AppState>) -> Result<Json<CacheStats>, ApiError> {
    Ok(Json(load_stats(&state).await?))
}

/// GET /api/cache/{id}: the entry with its evidence.
#[utoipa::path(get, path = "/api/cache/{id}", tag = "cache", params(("id" = i32, Path, description = "Cache entry id")), responses((status = 200, description = "The entry with its evidence", body = CacheEntryDetail), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn entry(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Result<Json<CacheEntryDetail>, ApiError> {
    Ok(Json(load_entry(&state, id).await?))
}

/// DELETE /api/cache/{id}
#[utoipa::path(delete, path = "/api/cache/{id}", tag = "cache", params(("id" = i32, Path, description = "Cache entry id")), responses((status = 200, description = "Entry deleted", body = serde_json::Value), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Result<Json<serde_json::Value>, ApiError> {
    remove_entry(&state, id).await?;
    Ok(Json(
        serde_json::json!({"message": "Cache entry deleted", "entry_id": id}),
    ))
}

/// POST /api/cache/{id}/refresh
#[utoipa::path(post, path = "/api/cache/{id}/refresh", tag = "cache", params(("id" = i32, Path, description = "Cache entry id")), responses((status = 200, description = "A one-company job researches the entry again", body = CacheRefresh), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    Path(id): Path<i32>,
) -> Result<Json<CacheRefresh>, ApiError> {
    Ok(Json(refresh_entry(&state, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub struct ClearParams {
    pub expired_only: Option<bool>,
}

/// POST /api/cache/clear with `expired_only` (query or JSON body; default true,
/// so that clearing everything is always asked for explicitly).
#[utoipa::path(post, path = "/api/cache/clear", tag = "cache", params(ClearParams), request_body(content = Option<ClearParams>, description = "Optional JSON body, same field as the query"), responses((status = 200, description = "How many entries were deleted", body = ClearedCache)))]
pub async fn clear(
    State(state): State<AppState>,
    Query(query): Query<ClearParams>,
    body: Option<Json<ClearParams>>,
) -> Result<Json<ClearedCache>, ApiError> {
    let expired_only = body
        .and_then(|Json(b)| b.expired_only)
        .or(query.expired_only)
        .unwrap_or(true);
    Ok(Json(clear_entries(&state, expired_only).await?))
}
