//! What the Settings page shows of the configuration (never a key).

use crate::server::{auth::Actor, state::AppState};
use crate::server_fns::{error::AppError, settings::SettingsSummary};

pub fn summary(state: &AppState, _actor: &Actor) -> Result<SettingsSummary, AppError> {
    Ok(state.settings_summary())
}

/// Whether research runs on the built-in sample data.
pub fn demo_mode(state: &AppState, _actor: &Actor) -> bool {
    state.demo_upstream.is_some()
}
