//! The request guard: the one place every request passes through before a
//! handler or server function runs. It refuses unknown host names (DNS
//! rebinding), bodies over their door's limit (while reading, not after),
//! non-multipart posts to upload doors, and state-changing requests from other
//! sites; it resolves who is asking (session cookie, API token, or local mode)
//! and sends browsers without a session to the sign-in page. What each person
//! may do is decided in the service layer, which asks for the [`Actor`].

mod headers;
mod identity;
pub mod origin;

use headers::add_security_headers;
pub use headers::{page_policy, set_page_policy};
pub use identity::{identify, peer_of};

use std::{
    net::{IpAddr, SocketAddr},
    sync::atomic::{AtomicBool, Ordering},
};

use axum::{
    Json,
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use secrecy::SecretString;

use self::origin::{AllowedHosts, Provenance, provenance};
use super::{
    auth::{SESSION_COOKIE, limits::LoginLimiter},
    config::AuthMode,
    db::accounts,
    state::AppState,
};
use crate::server_fns::error::AppError;

/// Server functions live under this prefix; REST under `/api`.
pub const SERVER_FN_PREFIX: &str = "/fn";
/// Doors that take a CSV file (multipart), with the upload limit.
pub const UPLOAD_PATHS: [&str; 3] = [
    "/api/jobs/upload",
    "/fn/jobs/preview",
    "/fn/jobs/start_upload",
];
/// Every other door's body limit.
pub const OTHER_BODY_LIMIT: usize = 256 * 1024;
/// Pages anyone may open.
pub(crate) const PUBLIC_PAGES: [&str; 2] = ["/login", "/setup"];
/// Doors that answer without asking who is there (and so work while the
/// database is down, for a load balancer's health check).
pub(crate) const PUBLIC_DOORS: [&str; 2] = ["/api/health", "/api/openapi.json"];

/// The guard's settings and sign-in state, shared by every request.
pub struct Security {
    pub auth_mode: AuthMode,
    pub hosts: AllowedHosts,
    pub secure_cookies: bool,
    pub setup_token: SecretString,
    pub login_limiter: LoginLimiter,
    pub trust_forwarded_for: bool,
    pub max_upload_bytes: usize,
    pub session_days: i64,
    /// Set once a user exists; until then pages lead to the first-run setup.
    has_users: AtomicBool,
}

impl std::fmt::Debug for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Security")
            .field("auth_mode", &self.auth_mode)
            .field("hosts", &self.hosts)
            .finish_non_exhaustive()
    }
}

pub struct SecurityParts {
    pub auth_mode: AuthMode,
    pub hosts: AllowedHosts,
    pub secure_cookies: bool,
    pub setup_token: SecretString,
    pub trust_forwarded_for: bool,
    pub max_upload_bytes: usize,
    pub session_days: i64,
}

impl Security {
    pub fn new(parts: SecurityParts) -> Self {
        Self {
            auth_mode: parts.auth_mode,
            hosts: parts.hosts,
            secure_cookies: parts.secure_cookies,
            setup_token: parts.setup_token,
            login_limiter: LoginLimiter::default(),
            trust_forwarded_for: parts.trust_forwarded_for,
            max_upload_bytes: parts.max_upload_bytes,
            session_days: parts.session_days,
            has_users: AtomicBool::new(false),
        }
    }

    /// Whether any account exists (remembered once true; asked of the
    /// database until then, so another instance's first admin is seen).
    pub async fn has_users(&self, db: &sea_orm::DatabaseConnection) -> Result<bool, AppError> {
        if self.has_users.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let any = accounts::count_users(db)
            .await
            .map_err(|e| AppError::internal("counting users", e))?
            > 0;
        if any {
            self.has_users.store(true, Ordering::Relaxed);
        }
        Ok(any)
    }

    fn body_limit(&self, path: &str) -> usize {
        if UPLOAD_PATHS.contains(&path) {
            self.max_upload_bytes + 64 * 1024
        } else {
            OTHER_BODY_LIMIT
        }
    }
}

/// The HTTP status of a service error.
pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::BadRequest(_) | AppError::Transport(_) => StatusCode::BAD_REQUEST,
        AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::PaymentRequired(_) => StatusCode::PAYMENT_REQUIRED,
        AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error answered the way the door's clients read it: server functions
/// decode [`AppError`], REST clients read `{"detail": ...}`.
pub fn refuse(path: &str, error: AppError) -> Response {
    let status = status_of(&error);
    if path.starts_with(SERVER_FN_PREFIX) {
        (status, Json(error)).into_response()
    } else {
        (
            status,
            Json(serde_json::json!({"detail": error.to_string()})),
        )
            .into_response()
    }
}

/// The answer to a body over its door's limit: the file limit on upload
/// doors, the small limit elsewhere.
fn too_large(security: &Security, path: &str) -> AppError {
    if UPLOAD_PATHS.contains(&path) {
        AppError::TooLarge(crate::server::intake::too_large(security.max_upload_bytes))
    } else {
        AppError::TooLarge(format!(
            "The request body is larger than {} KB; this door takes small forms only.",
            OTHER_BODY_LIMIT / 1024
        ))
    }
}

/// Whether an error (anywhere in its chain) is a body read past its limit.
pub fn is_body_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<http_body_util::LengthLimitError>()
            || e.to_string().contains("length limit exceeded")
        {
            return true;
        }
        current = e.source();
    }
    false
}

pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = header_str(headers, &header::AUTHORIZATION)?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers.get_all(header::COOKIE).iter().any(|v| {
        v.to_str().is_ok_and(|cookies| {
            cookies.split(';').any(|c| {
                c.trim()
                    .strip_prefix(SESSION_COOKIE)
                    .is_some_and(|rest| rest.starts_with('='))
            })
        })
    })
}

/// The client's address: the peer, or behind a trusted proxy the last
/// `X-Forwarded-For` entry (the one the proxy itself added).
pub fn client_address(
    security: &Security,
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> Option<IpAddr> {
    if security.trust_forwarded_for
        && let Some(forwarded) =
            header_str(headers, &header::HeaderName::from_static("x-forwarded-for"))
        && let Some(last) = forwarded.rsplit(',').next()
        && let Ok(ip) = last.trim().parse()
    {
        return Some(ip);
    }
    peer.map(|p| p.ip())
}

/// Outer guard: host, origin, size and content type; then security headers
/// on every answer, refusals included.
pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = match check(&state.security, &path, request) {
        Ok(request) => next.run(request).await,
        Err(error) => refuse(&path, error),
    };
    add_security_headers(response.headers_mut());
    response
}

/// The request, its body limited to its door's limit; or why it is refused.
fn check(security: &Security, path: &str, request: Request) -> Result<Request, AppError> {
    let headers = request.headers();

    let host = header_str(headers, &header::HOST)
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    match host {
        Some(host) if security.hosts.allows(&host) => {}
        other => {
            let shown = other.unwrap_or_else(|| "(none)".into());
            tracing::warn!(host = %shown, path, "refused a request for an unknown host");
            return Err(AppError::BadRequest(format!(
                "This server does not answer to the host name {shown:?}. An admin can add it with PUBLIC_URL or ALLOWED_HOSTS."
            )));
        }
    }

    if !request.method().is_safe() {
        let cookie = has_session_cookie(headers);
        let token_only = bearer(headers).is_some() && !cookie;
        if !token_only {
            let judged = provenance(
                header_str(headers, &header::ORIGIN),
                header_str(headers, &header::HeaderName::from_static("sec-fetch-site")),
                &security.hosts,
            );
            let refused = match judged {
                Provenance::SameOrigin => false,
                Provenance::CrossSite => true,
                Provenance::Unknown => cookie,
            };
            if refused {
                tracing::warn!(path, origin = ?header_str(headers, &header::ORIGIN), "refused a cross-site request");
                return Err(AppError::Forbidden(
                        "This request did not come from Territory Planner's own pages, so it was refused. Use the app itself, or an API token from a script."
                            .into(),
                    ),
                );
            }
        }
    }

    let limit = security.body_limit(path);
    let declared = header_str(headers, &header::CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(security, path));
    }

    if request.method() == Method::POST && UPLOAD_PATHS.contains(&path) {
        let multipart = header_str(headers, &header::CONTENT_TYPE).is_some_and(|t| {
            t.trim()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
                && t.contains("boundary=")
        });
        if !multipart {
            return Err(AppError::BadRequest(
                "Send the CSV as multipart/form-data, with the file in a field named \"file\"."
                    .into(),
            ));
        }
    }

    Ok(request.map(|body| Body::new(http_body_util::Limited::new(body, limit))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer tp_abc"),
        );
        assert_eq!(bearer(&headers), Some("tp_abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic xyz"));
        assert_eq!(bearer(&headers), None);
    }

    #[test]
    fn only_the_session_cookie_counts() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; tp_session=abc"),
        );
        assert!(has_session_cookie(&headers));
        headers.insert(header::COOKIE, HeaderValue::from_static("theme=dark"));
        assert!(!has_session_cookie(&headers));
    }
}
