//! The state every handler and server function shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::config::{Config, Upstream};
use super::engine::Engine;
use super::fake_upstream::FakeUpstream;
use super::guard::Security;
use crate::server_fns::settings::SettingsSummary;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub engine: Engine,
    /// The request guard's settings and sign-in state.
    pub security: Arc<Security>,
    /// The in-process fake upstream serving demo mode, kept alive with the state.
    pub demo_upstream: Option<Arc<FakeUpstream>>,
}

/// A URL for display: scheme, host, port and path, without credentials or query.
fn display_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.to_string().trim_end_matches('/').to_string()
        }
        Err(_) => "(invalid URL)".to_string(),
    }
}

fn describe_upstream(upstream: &Upstream) -> String {
    match upstream {
        Upstream::Remote { base_url, .. } => display_url(base_url),
        Upstream::Demo => "built-in sample data (demo mode)".to_string(),
    }
}

impl AppState {
    pub fn settings_summary(&self) -> SettingsSummary {
        let config = &self.config;
        SettingsSummary {
            demo_mode: config.tavily.is_demo() || config.llm.is_demo(),
            database_backend: config.database_backend().to_string(),
            tavily_base_url: describe_upstream(&config.tavily),
            tavily_key_configured: config.tavily.has_key(),
            llm_base_url: describe_upstream(&config.llm),
            llm_model: config.llm_model.clone(),
            llm_key_configured: config.llm.has_key(),
            search_concurrency: config.search_concurrency,
            llm_concurrency: config.llm_concurrency,
            cache_enabled: config.cache_enabled,
            cache_ttl_days: config.cache_ttl_days,
            validation_threshold: config.validation_threshold,
            max_search_attempts: config.max_search_attempts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::display_url;

    #[test]
    fn display_urls_drop_credentials_and_queries() {
        assert_eq!(
            display_url("https://user:pw@api.example.com/v1?key=abc"),
            "https://api.example.com/v1"
        );
    }
}
