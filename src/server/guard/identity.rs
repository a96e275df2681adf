//! Who is asking: a bearer token, a session, or the local mode; and the
//! sign-in (or first-run setup) page for browsers that are nobody yet.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Request, State},
    http::Method,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::{PUBLIC_DOORS, PUBLIC_PAGES, bearer, refuse};
use crate::server::{
    auth::{Actor, SESSION_USER_KEY, Via, token_hash},
    config::AuthMode,
    db::accounts,
    state::AppState,
};
use crate::server_fns::error::AppError;

/// Inner guard (inside the session layer): who is asking, and the sign-in
/// page for browsers that are nobody yet.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if PUBLIC_DOORS.contains(&path.as_str()) {
        return next.run(request).await;
    }
    let session = request.extensions().get::<Session>().cloned();
    let secret = bearer(request.headers()).map(str::to_string);
    let actor = match resolve(&state, secret, session).await {
        Ok(actor) => actor,
        Err(error) => return refuse(&path, error),
    };
    let page = is_page_request(request.method(), &path);
    match &actor {
        Some(actor) => {
            if page && actor.must_change_password && path != "/account" {
                return Redirect::to("/account").into_response();
            }
            request.extensions_mut().insert(actor.clone());
        }
        None if page && !PUBLIC_PAGES.contains(&path.as_str()) => {
            return match state.security.has_users(&state.db).await {
                Ok(false) => Redirect::to("/setup").into_response(),
                Ok(true) => Redirect::to(&login_url(request.uri())).into_response(),
                Err(error) => refuse(&path, error),
            };
        }
        None => {}
    }
    next.run(request).await
}

/// `/login?next=<where the browser wanted to go>`.
fn login_url(uri: &axum::http::Uri) -> String {
    let wanted = uri.path_and_query().map_or("/", |pq| pq.as_str());
    if wanted == "/" {
        return "/login".into();
    }
    match reqwest::Url::parse_with_params("http://x/login", [("next", wanted)]) {
        Ok(url) => format!("/login?{}", url.query().unwrap_or_default()),
        Err(_) => "/login".into(),
    }
}

/// A browser navigating to a page (not the API, server functions or files).
fn is_page_request(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/fn/")
        && !path.starts_with("/pkg/")
        && !path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

async fn resolve(
    state: &AppState,
    secret: Option<String>,
    session: Option<Session>,
) -> Result<Option<Actor>, AppError> {
    if state.security.auth_mode == AuthMode::Off {
        return Ok(Some(Actor::local()));
    }
    if let Some(secret) = secret {
        let user = accounts::user_for_token(&state.db, &token_hash(&secret))
            .await
            .map_err(|e| AppError::internal("looking up an API token", e))?;
        return match user {
            Some(user) if !user.disabled => Ok(Some(Actor::from_user(&user, Via::Token))),
            _ => Err(AppError::Unauthorized(
                "The API token is wrong, revoked, or its account is disabled. Create a token on the Account page and send it as Authorization: Bearer <token>."
                    .into(),
            )),
        };
    }
    let Some(session) = session else {
        return Ok(None);
    };
    let user_id = match session.get::<i32>(SESSION_USER_KEY).await {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(None),
        Err(error) => {
            tracing::warn!(%error, "an unreadable session was ignored");
            return Ok(None);
        }
    };
    let user = accounts::find_user(&state.db, user_id)
        .await
        .map_err(|e| AppError::internal("loading the signed-in user", e))?;
    match user {
        Some(user) if !user.disabled => Ok(Some(Actor::from_user(&user, Via::Session))),
        _ => {
            // Disabled or deleted since signing in: the session ends now.
            let _ = session.flush().await;
            Ok(None)
        }
    }
}

/// The peer address of a request, when the server was started with connect info.
pub fn peer_of(extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_told_apart_from_doors_and_files() {
        assert!(is_page_request(&Method::GET, "/"));
        assert!(is_page_request(&Method::GET, "/jobs/3"));
        assert!(!is_page_request(&Method::POST, "/jobs/3"));
        assert!(!is_page_request(&Method::GET, "/api/jobs"));
        assert!(!is_page_request(&Method::GET, "/fn/jobs/list"));
        assert!(!is_page_request(
            &Method::GET,
            "/pkg/territory_planner.wasm"
        ));
        assert!(!is_page_request(&Method::GET, "/favicon.ico"));
    }

    #[test]
    fn the_login_link_remembers_where_the_browser_wanted_to_go() {
        assert_eq!(login_url(&"/".parse().unwrap()), "/login");
        assert_eq!(
            login_url(&"/jobs/3?tab=a&b=c".parse().unwrap()),
            "/login?next=%2Fjobs%2F3%3Ftab%3Da%26b%3Dc"
        );
    }
}
