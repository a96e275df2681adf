//! /api/cache: the research cache's entries, totals and actions. Thin
//! adapters over `services::cache`.

use axum::{
    Json,
    extract::{Path, Query, State},
};
use serde::Deserialize;

use super::openapi::ErrorBody;
use crate::{
    domain::cache::{CacheEntryDetail, CachePage, CacheRefresh, CacheStats, ClearedCache},
    server::{auth::Actor, services::cache, state::AppState},
    server_fns::error::AppError,
};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of a name, key or website (at most 200 characters; `%` and `_` are literal).
    pub q: Option<String>,
    pub sort: Option<String>,
    /// asc or desc.
    pub order: Option<String>,
    pub skip: Option<u64>,
    /// 1 to 500.
    pub limit: Option<u64>,
}

/// GET /api/cache?q=&sort=&order=&skip=&limit=
#[utoipa::path(get, path = "/api/cache", tag = "cache", params(ListParams), responses((status = 200, description = "A page of cache entries", body = CachePage), (status = 400, description = "Bad request", body = ErrorBody), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(params): Query<ListParams>,
) -> Result<Json<CachePage>, AppError> {
    let query = cache::query(
        params.q.as_deref(),
        params.sort.as_deref(),
        params.order.as_deref(),
        params.skip,
        params.limit,
    )?;
    Ok(Json(cache::list(&state, &actor, query).await?))
}

/// GET /api/cache/stats
#[utoipa::path(get, path = "/api/cache/stats", tag = "cache", responses((status = 200, description = "Totals, hit rate and savings", body = CacheStats), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<CacheStats>, AppError> {
    Ok(Json(cache::stats(&state, &actor).await?))
}

/// GET /api/cache/{id}: the entry with its evidence.
#[utoipa::path(get, path = "/api/cache/{id}", tag = "cache", params(("id" = i32, Path, description = "Cache entry id")), responses((status = 200, description = "The entry with its evidence", body = CacheEntryDetail), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn entry(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<CacheEntryDetail>, AppError> {
    Ok(Json(cache::entry(&state, &actor, id).await?))
}

/// DELETE /api/cache/{id} (admins)
#[utoipa::path(delete, path = "/api/cache/{id}", tag = "cache", params(("id" = i32, Path, description = "Cache entry id")), responses((status = 200, description = "Entry deleted", body = serde_json::Value), (status = 403, description = "Not an admin", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<serde_json::Value>, AppError> {
    cache::delete(&state, &actor, id).await?;
    Ok(Json(
        serde_json::json!({"message": "Cache entry deleted", "entry_id": id}),
    ))
}

/// POST /api/cache/{id}/refresh
#[utoipa::path(post, path = "/api/cache/{id}/refresh", tag = "cache", params(("id" = i32, Path, description = "Cache entry id")), responses((status = 200, description = "A one-company job researches the entry again", body = CacheRefresh), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i32>,
) -> Result<Json<CacheRefresh>, AppError> {
    Ok(Json(cache::refresh(&state, &actor, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub struct ClearParams {
    pub expired_only: Option<bool>,
}

/// POST /api/cache/clear with `expired_only` (query or JSON body; default true,
/// so that clearing everything is always asked for explicitly). Admins only.
#[utoipa::path(post, path = "/api/cache/clear", tag = "cache", params(ClearParams), request_body(content = Option<ClearParams>, description = "Optional JSON body, same field as the query"), responses((status = 200, description = "How many entries were deleted", body = ClearedCache), (status = 403, description = "Not an admin", body = ErrorBody)))]
pub async fn clear(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ClearParams>,
    body: Option<Json<ClearParams>>,
) -> Result<Json<ClearedCache>, AppError> {
    let expired_only = body
        .and_then(|Json(b)| b.expired_only)
        .or(query.expired_only)
        .unwrap_or(true);
    Ok(Json(cache::clear(&state, &actor, expired_only).await?))
}
