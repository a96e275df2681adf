//! The REST API's error: a status and `{"detail": "..."}` that says what to fix.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::{domain::csv_input::CsvError, server::engine::EngineError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("Something went wrong on the server; the details are in its log.")]
    Internal,
}

impl ApiError {
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "{context}");
        ApiError::Internal
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        ApiError::internal("database error", error)
    }
}

impl From<EngineError> for ApiError {
    fn from(error: EngineError) -> Self {
        match error {
            EngineError::JobNotFound(_) => ApiError::NotFound("Job not found".into()),
            EngineError::AlreadyRunning(_) => ApiError::BadRequest("Job is already running".into()),
            EngineError::NotRunning(_) => ApiError::BadRequest("Job is not running".into()),
            EngineError::UnknownTargetType { .. } | EngineError::NoCompanies => {
                ApiError::BadRequest(error.to_string())
            }
            EngineError::Database(error) => error.into(),
        }
    }
}

impl From<crate::server::intake::IntakeError> for ApiError {
    fn from(error: crate::server::intake::IntakeError) -> Self {
        match error {
            crate::server::intake::IntakeError::BadRequest(m) => ApiError::BadRequest(m),
            crate::server::intake::IntakeError::TooLarge(m) => ApiError::TooLarge(m),
        }
    }
}

impl From<CsvError> for ApiError {
    fn from(error: CsvError) -> Self {
        ApiError::BadRequest(error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, Json(json!({"detail": self.to_string()}))).into_response()
    }
}

impl From<ApiError> for crate::server_fns::error::AppError {
    fn from(error: ApiError) -> Self {
        use crate::server_fns::error::AppError;
        match error {
            ApiError::BadRequest(m) | ApiError::TooLarge(m) => AppError::BadRequest(m),
            ApiError::NotFound(m) => AppError::NotFound(m),
            ApiError::Internal => AppError::Internal,
        }
    }
}

/// Server functions answer every error with 500; this gives a user's mistake
/// its 4xx (the client decodes any 4xx/5xx body as the error, so nothing else changes).
pub async fn server_fn_status(response: Response) -> Response {
    use crate::server_fns::error::AppError;
    if !response.headers().contains_key("serverfnerror")
        || response.status() != StatusCode::INTERNAL_SERVER_ERROR
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    parts.status = match serde_json::from_slice::<AppError>(&bytes) {
        Ok(AppError::BadRequest(_) | AppError::Transport(_)) => StatusCode::BAD_REQUEST,
        Ok(AppError::NotFound(_)) => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
