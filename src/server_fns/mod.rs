//! Thin server functions: each reads the `AppState` from context, calls the
//! domain or server layer, and maps failures to a user-facing [`error::AppError`].

pub mod cache;
pub mod error;
pub mod jobs;
pub mod settings;
