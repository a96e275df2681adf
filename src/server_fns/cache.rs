//! Server functions behind the Cache page; each calls `services::cache`.

use leptos::prelude::*;

use super::error::AppError;
use crate::domain::cache::{
    CacheEntryDetail, CachePage, CacheQuery, CacheRefresh, CacheStats, ClearedCache,
};

#[cfg(feature = "ssr")]
mod server {
    pub use crate::server::services::cache;
    pub use crate::server_fns::request::{actor, state};
}

#[server(prefix = "/fn", endpoint = "cache_admin/stats")]
pub async fn get_cache_stats() -> Result<CacheStats, AppError> {
    server::cache::stats(&server::state(), &server::actor()?).await
}

#[server(prefix = "/fn", endpoint = "cache_admin/list")]
pub async fn list_cache(query: CacheQuery) -> Result<CachePage, AppError> {
    server::cache::list(&server::state(), &server::actor()?, query).await
}

#[server(prefix = "/fn", endpoint = "cache_admin/entry")]
pub async fn get_cache_entry(id: i32) -> Result<CacheEntryDetail, AppError> {
    server::cache::entry(&server::state(), &server::actor()?, id).await
}

#[server(prefix = "/fn", endpoint = "cache_admin/delete")]
pub async fn delete_cache_entry(id: i32) -> Result<(), AppError> {
    server::cache::delete(&server::state(), &server::actor()?, id).await
}

#[server(prefix = "/fn", endpoint = "cache_admin/refresh")]
pub async fn refresh_cache_entry(id: i32) -> Result<CacheRefresh, AppError> {
    server::cache::refresh(&server::state(), &server::actor()?, id).await
}

#[server(prefix = "/fn", endpoint = "cache_admin/clear")]
pub async fn clear_cache(expired_only: bool) -> Result<ClearedCache, AppError> {
    server::cache::clear(&server::state(), &server::actor()?, expired_only).await
}
