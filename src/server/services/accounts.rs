//! Accounts: first-run setup, sign-in and sign-out, and one's own password.
//! The team's users, tokens and audit log are in [`super::team`].

use std::net::IpAddr;

use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use secrecy::ExposeSecret;
use tower_sessions::Session;

use super::audit;
use crate::{
    domain::account::{
        CurrentUser, Role, normalise_email, normalise_person_name, password_problem,
    },
    server::{
        auth::{self, Actor, SESSION_USER_KEY, Via},
        config::AuthMode,
        db::accounts::{self as rows, NewUser},
        state::AppState,
    },
    server_fns::error::AppError,
};

const WRONG_SIGN_IN: &str = "The email or password is wrong. Check both and try again.";

pub fn current(actor: &Actor) -> CurrentUser {
    actor.view()
}

pub(super) fn password(raw: &str) -> Result<&str, AppError> {
    match password_problem(raw) {
        Some(problem) => Err(AppError::BadRequest(problem)),
        None => Ok(raw),
    }
}

fn session_failed(error: impl std::fmt::Display) -> AppError {
    AppError::internal("writing the session", error)
}

/// Starts a signed-in session for `user` (a new session id, so a session
/// fixed before sign-in is worthless).
async fn sign_in(
    state: &AppState,
    session: &Session,
    user: &crate::server::db::entities::user::Model,
) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_failed)?;
    session
        .insert(SESSION_USER_KEY, user.id)
        .await
        .map_err(session_failed)?;
    rows::record_login(&state.db, user.id).await?;
    Ok(())
}

/// Whether the first-run setup is still open (no account exists yet).
pub async fn setup_needed(state: &AppState) -> Result<bool, AppError> {
    Ok(state.security.auth_mode == AuthMode::On && !state.security.has_users(&state.db).await?)
}

pub struct SetupForm {
    pub token: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

/// Creates the first admin with the one-time setup token printed at start-up, and signs them in.
pub async fn setup(
    state: &AppState,
    session: &Session,
    form: SetupForm,
) -> Result<CurrentUser, AppError> {
    if !setup_needed(state).await? {
        return Err(AppError::Forbidden(
            "Setup is done: an admin exists. Sign in, or ask an admin for an account.".into(),
        ));
    }
    if !auth::same_secret(
        form.token.trim(),
        state.security.setup_token.expose_secret(),
    ) {
        return Err(AppError::Forbidden(
            "The setup link is wrong or from an earlier start. Open the link the server printed when it started.".into(),
        ));
    }
    let user = create(
        state,
        form.name.as_str(),
        form.email.as_str(),
        Role::Admin,
        password(&form.password)?,
        false,
    )
    .await?;
    sign_in(state, session, &user).await?;
    let actor = Actor::from_user(&user, Via::Session);
    audit(
        state,
        &actor,
        "user.setup",
        format!("user {}", user.email),
        Some("first admin".into()),
    )
    .await;
    Ok(actor.view())
}

pub(super) async fn create(
    state: &AppState,
    name: &str,
    email: &str,
    role: Role,
    password: &str,
    must_change_password: bool,
) -> Result<crate::server::db::entities::user::Model, AppError> {
    let name = normalise_person_name(name).map_err(AppError::BadRequest)?;
    let email = normalise_email(email).map_err(AppError::BadRequest)?;
    if rows::find_by_email(&state.db, &email).await?.is_some() {
        return Err(AppError::BadRequest(format!(
            "An account with the email {email} exists already."
        )));
    }
    let user = rows::create_user(
        &state.db,
        NewUser {
            name,
            email,
            password_hash: auth::hash_password_off_thread(password).await?,
            role,
            must_change_password,
        },
    )
    .await?;
    Ok(user)
}

/// `ADMIN_EMAIL` + `ADMIN_PASSWORD`: the first admin without a browser.
/// Does nothing once any account exists.
pub async fn create_admin_from_config(state: &AppState) -> Result<bool, AppError> {
    let Some((email, secret)) = state.config.security.admin.clone() else {
        return Ok(false);
    };
    if !setup_needed(state).await? {
        return Ok(false);
    }
    let name = email.split('@').next().unwrap_or("Admin").to_string();
    create(
        state,
        &name,
        &email,
        Role::Admin,
        secret.expose_secret(),
        false,
    )
    .await?;
    Ok(true)
}

/// Signs in with email and password. Tries are limited per account and per
/// address; the answer never says whether the account exists.
pub async fn login(
    state: &AppState,
    session: &Session,
    address: Option<IpAddr>,
    email: &str,
    password: &str,
) -> Result<CurrentUser, AppError> {
    let email = email.trim().to_lowercase();
    if let Err(wait) = state.security.login_limiter.check(&email, address) {
        tracing::warn!(email, ?address, "sign-in slowed after too many tries");
        return Err(AppError::TooManyRequests(format!(
            "Too many sign-in attempts. Wait {} seconds and try again.",
            wait.as_secs().max(1)
        )));
    }
    let user = rows::find_by_email(&state.db, &email).await?;
    let hash = user
        .as_ref()
        .map_or(auth::decoy_hash(), |u| u.password_hash.as_str());
    let matches = auth::verify_password_off_thread(password, hash).await?;
    match user {
        Some(user) if matches && !user.disabled => {
            sign_in(state, session, &user).await?;
            let actor = Actor::from_user(&user, Via::Session);
            audit(
                state,
                &actor,
                "user.sign_in",
                format!("user {}", user.email),
                None,
            )
            .await;
            Ok(actor.view())
        }
        _ => {
            tracing::info!(email, ?address, "a sign-in failed");
            Err(AppError::Unauthorized(WRONG_SIGN_IN.into()))
        }
    }
}

pub async fn logout(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_failed)
}

pub(super) fn account_id(actor: &Actor, what: &str) -> Result<i32, AppError> {
    actor.user_id.ok_or_else(|| {
        AppError::BadRequest(format!(
            "Sign-in is off (AUTH_MODE=off), so there is no account to {what}. Turn sign-in on to use it."
        ))
    })
}

pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let id = account_id(actor, "change the password of")?;
    let user = rows::find_user(&state.db, id)
        .await?
        .ok_or(AppError::Internal)?;
    if !auth::verify_password_off_thread(current, &user.password_hash).await? {
        return Err(AppError::BadRequest(
            "The current password is wrong.".into(),
        ));
    }
    let hash = auth::hash_password_off_thread(password(new)?).await?;
    let mut row = user.into_active_model();
    row.password_hash = Set(hash);
    row.must_change_password = Set(false);
    row.update(&state.db).await?;
    audit(
        state,
        actor,
        "user.password",
        format!("user {}", actor.email),
        Some("changed own password".into()),
    )
    .await;
    Ok(())
}
