//! The Settings page's view of the configuration. Secrets never leave the
//! server: only whether a key is set.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::AppError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsSummary {
    pub demo_mode: bool,
    pub database_backend: String,
    pub tavily_base_url: String,
    pub tavily_key_configured: bool,
    pub llm_base_url: String,
    pub llm_model: String,
    pub llm_key_configured: bool,
    pub search_concurrency: usize,
    pub llm_concurrency: usize,
    pub cache_enabled: bool,
    pub cache_ttl_days: u32,
    pub validation_threshold: f64,
    pub max_search_attempts: u32,
}

impl SettingsSummary {
    /// Label/value pairs in display order.
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let key = |set: bool| if set { "configured" } else { "not set" }.to_string();
        let on_off = |on: bool| if on { "on" } else { "off" }.to_string();
        vec![
            ("Database", self.database_backend.clone()),
            ("Search provider (Tavily)", self.tavily_base_url.clone()),
            ("Tavily API key", key(self.tavily_key_configured)),
            ("LLM endpoint", self.llm_base_url.clone()),
            ("LLM model", self.llm_model.clone()),
            ("LLM API key", key(self.llm_key_configured)),
            ("Concurrent searches", self.search_concurrency.to_string()),
            ("Concurrent LLM calls", self.llm_concurrency.to_string()),
            ("Research cache", on_off(self.cache_enabled)),
            ("Cache lifetime", format!("{} days", self.cache_ttl_days)),
            (
                "Validation threshold",
                format!("{:.2}", self.validation_threshold),
            ),
            (
                "Search attempts per company",
                self.max_search_attempts.to_string(),
            ),
        ]
    }
}

#[server(prefix = "/fn", endpoint = "settings")]
pub async fn get_settings() -> Result<SettingsSummary, AppError> {
    use crate::server_fns::request::{actor, state};
    crate::server::services::settings::summary(&state(), &actor()?)
}

/// The monthly budgets that apply to the signed-in account, with this month's use.
#[server(prefix = "/fn", endpoint = "spend")]
pub async fn month_budgets() -> Result<Vec<crate::domain::budget::MonthBudget>, AppError> {
    use crate::server_fns::request::{actor, state};
    crate::server::services::spend::month_budgets(&state(), &actor()?).await
}

/// Whether research runs on the built-in sample data (no keys configured).
#[server(prefix = "/fn", endpoint = "demo_mode")]
pub async fn demo_mode() -> Result<bool, AppError> {
    use crate::server_fns::request::{actor, state};
    Ok(crate::server::services::settings::demo_mode(
        &state(),
        &actor()?,
    ))
}

/// The monthly budgets in force (set in the app, else from the environment).
#[server(prefix = "/fn", endpoint = "budgets")]
pub async fn budget_settings() -> Result<crate::domain::budget::BudgetSettings, AppError> {
    use crate::server_fns::request::{actor, state};
    crate::server::services::spend::settings(&state(), &actor()?).await
}

/// An admin sets the team's monthly budget and each account's (blank: none).
#[server(prefix = "/fn", endpoint = "budgets/set")]
pub async fn set_budgets(
    team_usd: String,
    each_account_usd: String,
) -> Result<crate::domain::budget::BudgetSettings, AppError> {
    use crate::server_fns::request::{actor, state};
    crate::server::services::spend::set_settings(&state(), &actor()?, &team_usd, &each_account_usd)
        .await
}
