//! The service layer: every use case exactly once, with one error type
//! ([`AppError`]). Each takes the [`Actor`] the request guard resolved and
//! checks what it may do, so no door can forget. REST handlers
//! (`server::api`) and server functions (`server_fns`) are thin adapters that
//! parse their input and call these.

pub mod accounts;
pub mod backtest;
pub mod cache;
pub mod estimate;
pub mod export;
pub mod jobs;
pub mod rerun;
pub mod rescore;
pub mod results;
pub mod review;
pub mod rubrics;
pub mod schedules;
pub mod settings;
pub mod spend;
pub mod team;
pub mod uploads;

use crate::server::{auth::Actor, db::accounts as account_rows, state::AppState};
use crate::server_fns::error::AppError;

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        AppError::internal("database error", error)
    }
}

impl From<crate::server::engine::EngineError> for AppError {
    fn from(error: crate::server::engine::EngineError) -> Self {
        use crate::server::engine::EngineError;
        match error {
            EngineError::JobNotFound(_) => AppError::NotFound("Job not found".into()),
            EngineError::AlreadyRunning(_) => AppError::BadRequest("Job is already running".into()),
            EngineError::NotRunning(_) => AppError::BadRequest("Job is not running".into()),
            EngineError::UnknownTargetType { .. }
            | EngineError::NoCompanies
            | EngineError::UnknownRubricVersion(_) => AppError::BadRequest(error.to_string()),
            EngineError::Database(error) => error.into(),
        }
    }
}

impl From<crate::server::intake::IntakeError> for AppError {
    fn from(error: crate::server::intake::IntakeError) -> Self {
        use crate::server::intake::IntakeError;
        match error {
            IntakeError::BadRequest(m) => AppError::BadRequest(m),
            IntakeError::TooLarge(m) => AppError::TooLarge(m),
        }
    }
}

/// Writes an audit line. The action has happened by then, so a failure to
/// write is logged, not returned.
pub async fn audit(
    state: &AppState,
    actor: &Actor,
    action: &str,
    target: String,
    detail: Option<String>,
) {
    let record = account_rows::AuditRecord {
        user_id: actor.user_id,
        actor: &actor.label(),
        action,
        target,
        detail,
    };
    if let Err(error) = account_rows::audit(&state.db, record).await {
        tracing::error!(%error, action, "could not write the audit log");
    }
}

/// A page's position: `skip` up to a million, `limit` from 1 to `max`.
pub fn page_bounds(
    skip: Option<u64>,
    limit: Option<u64>,
    default: u64,
    max: u64,
) -> Result<(u64, u64), AppError> {
    let skip = skip.unwrap_or(0);
    if skip > 1_000_000 {
        return Err(AppError::BadRequest("skip must be at most 1000000".into()));
    }
    let limit = limit.unwrap_or(default);
    if !(1..=max).contains(&limit) {
        return Err(AppError::BadRequest(format!(
            "limit must be between 1 and {max}"
        )));
    }
    Ok((skip, limit))
}

/// A search string: trimmed, without NUL, at most 200 characters; `None` if blank.
pub fn search_text(raw: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(text) = raw.map(|q| q.replace('\0', "").trim().to_string()) else {
        return Ok(None);
    };
    if text.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "The search text must be at most 200 characters.".into(),
        ));
    }
    Ok((!text.is_empty()).then_some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded_with_a_message() {
        assert_eq!(page_bounds(None, None, 50, 500).unwrap(), (0, 50));
        assert!(page_bounds(None, Some(0), 50, 500).is_err());
        assert!(
            page_bounds(None, Some(501), 50, 500)
                .unwrap_err()
                .to_string()
                .contains("500")
        );
        assert!(page_bounds(Some(u64::MAX), None, 50, 500).is_err());
    }

    #[test]
    fn search_text_is_trimmed_and_bounded() {
        assert_eq!(search_text(Some("  ")).unwrap(), None);
        assert_eq!(search_text(Some(" a\0b ")).unwrap().as_deref(), Some("ab"));
        assert!(search_text(Some(&"x".repeat(201))).is_err());
    }
}
