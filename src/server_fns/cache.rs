//! Server functions behind the Cache page; the REST layer does the work.

use leptos::prelude::*;

use super::error::AppError;
use crate::domain::cache::{
    CacheEntryDetail, CachePage, CacheQuery, CacheRefresh, CacheStats, ClearedCache,
};

#[cfg(feature = "ssr")]
mod server {
    pub use crate::server::api::cache::{
        clear_entries, load_entry, load_page, load_stats, refresh_entry, remove_entry,
    };

    pub fn state() -> crate::server::state::AppState {
        leptos::prelude::expect_context()
    }
}

#[server(endpoint = "cache_admin/stats")]
#[tracing::instrument]
pub async fn get_cache_stats() -> Result<CacheStats, AppError> {
    Ok(server::load_stats(&server::state()).await?)
}

#[server(endpoint = "cache_admin/list")]
#[tracing::instrument]
pub async fn list_cache(query: CacheQuery) -> Result<CachePage, AppError> {
    Ok(server::load_page(&server::state(), &query).await?)
}

#[server(endpoint = "cache_admin/entry")]
#[tracing::instrument]
pub async fn get_cache_entry(id: i32) -> Result<CacheEntryDetail, AppError> {
    Ok(server::load_entry(&server::state(), id).await?)
}

#[server(endpoint = "cache_admin/delete")]
#[tracing::instrument]
pub async fn delete_cache_entry(id: i32) -> Result<(), AppError> {
    Ok(server::remove_entry(&server::state(), id).await?)
}

#[server(endpoint = "cache_admin/refresh")]
#[tracing::instrument]
pub async fn refresh_cache_entry(id: i32) -> Result<CacheRefresh, AppError> {
    Ok(server::refresh_entry(&server::state(), id).await?)
}

#[server(endpoint = "cache_admin/clear")]
#[tracing::instrument]
pub async fn clear_cache(expired_only: bool) -> Result<ClearedCache, AppError> {
    Ok(server::clear_entries(&server::state(), expired_only).await?)
}
