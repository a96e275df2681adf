//! Thin server functions under `/fn`: each parses its arguments, takes the
//! state and the signed-in [`Actor`](crate::server::auth::Actor) from the
//! request, and calls the service layer (`server::services`).

pub mod accounts;
pub mod cache;
pub mod error;
pub mod jobs;
pub mod review;
pub mod schedules;
pub mod settings;
pub mod studio;

/// The state and the signed-in actor of the current request.
#[cfg(feature = "ssr")]
pub(crate) mod request {
    use crate::server::{api::error::unauthorized, auth::Actor, state::AppState};
    use crate::server_fns::error::AppError;
    use leptos::prelude::*;

    pub fn state() -> AppState {
        expect_context::<AppState>()
    }

    pub fn parts() -> Option<axum::http::request::Parts> {
        use_context::<axum::http::request::Parts>()
    }

    /// The signed-in actor; `Unauthorized` when nobody is.
    pub fn actor() -> Result<Actor, AppError> {
        parts()
            .and_then(|p| p.extensions.get::<Actor>().cloned())
            .ok_or_else(unauthorized)
    }

    /// The request's session (for signing in and out).
    pub async fn session() -> Result<tower_sessions::Session, AppError> {
        leptos_axum::extract::<tower_sessions::Session>()
            .await
            .map_err(|e| AppError::internal("reading the session", e))
    }
}
