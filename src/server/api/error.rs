//! How REST answers the service layer's [`AppError`]: its status and
//! `{"detail": "..."}` that says what to fix; and how server functions'
//! errors get their status.

use axum::{
    extract::FromRequestParts,
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
};

use crate::server::{auth::Actor, guard};
use crate::server_fns::error::AppError;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        guard::refuse("/api", self)
    }
}

/// A REST handler's signed-in actor; 401 with a `detail` when nobody is.
impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .ok_or_else(unauthorized)
    }
}

pub fn unauthorized() -> AppError {
    AppError::Unauthorized(
        "Sign in first, or send an API token as Authorization: Bearer <token> (create one on the Account page)."
            .into(),
    )
}

/// Server functions answer every error with 500; this gives each error its
/// status (the client decodes any 4xx/5xx body as the error, so nothing else changes).
pub async fn server_fn_status(response: Response) -> Response {
    if !response.headers().contains_key("serverfnerror")
        || response.status() != StatusCode::INTERNAL_SERVER_ERROR
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    parts.status = serde_json::from_slice::<AppError>(&bytes)
        .map_or(StatusCode::INTERNAL_SERVER_ERROR, |e| guard::status_of(&e));
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
