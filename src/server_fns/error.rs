//! The one error type of the service layer: every use case returns it, the
//! REST adapters answer it as a status with `{"detail": "..."}`, and the
//! server functions send it to the browser.
//!
//! It carries only messages meant for users. Internal details are logged with
//! `tracing` on the server and never serialised.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request cannot be carried out as given; the message says what to fix.
    #[error("{0}")]
    BadRequest(String),
    /// Nobody is signed in (or the token is wrong); the message says how to sign in.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but this account may not do this; the message says why.
    #[error("{0}")]
    Forbidden(String),
    /// The thing asked for does not exist (any more).
    #[error("{0}")]
    NotFound(String),
    /// The request body is larger than the limit.
    #[error("{0}")]
    TooLarge(String),
    /// Spending this would pass a budget; the message gives the numbers.
    #[error("{0}")]
    PaymentRequired(String),
    /// Too many attempts; the message says how long to wait.
    #[error("{0}")]
    TooManyRequests(String),
    /// Something failed on the server. Details are in the server log only.
    #[error("Something went wrong on the server. Try again; if it persists, check the server log.")]
    Internal,
    /// The call did not reach the server, or its answer could not be read.
    #[error("Could not reach the server ({0}). Check your connection and try again.")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                AppError::BadRequest(message)
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an internal failure with its full chain and returns the opaque
    /// user-facing variant.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "{context}");
        AppError::Internal
    }
}
