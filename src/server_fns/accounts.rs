//! Server functions of sign-in, the Account page and the admin pages; each
//! calls `services::accounts`.

use leptos::prelude::*;

use super::error::AppError;
use crate::domain::account::{AuditPage, CurrentUser, NewToken, Role, TokenView, UserView};

#[cfg(feature = "ssr")]
mod server {
    pub use crate::server::services::{accounts, team};
    pub use crate::server_fns::request::{actor, parts, session, state};

    /// Where to go after signing in: a path of this site, never another site.
    pub fn local_path(next: Option<&str>) -> String {
        match next.map(str::trim) {
            Some(path)
                if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') =>
            {
                path.to_string()
            }
            _ => "/".into(),
        }
    }

    pub fn client_address() -> Option<std::net::IpAddr> {
        let parts = parts()?;
        let state = state();
        crate::server::guard::client_address(
            &state.security,
            &parts.headers,
            crate::server::guard::peer_of(&parts.extensions),
        )
    }
}

/// The signed-in person, or `None` (the frame shows "Sign in").
#[server(prefix = "/fn", endpoint = "account/me")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    Ok(server::actor()
        .ok()
        .map(|actor| server::accounts::current(&actor)))
}

/// Whether the first-run setup is still open.
#[server(prefix = "/fn", endpoint = "account/setup_needed")]
pub async fn setup_needed() -> Result<bool, AppError> {
    server::accounts::setup_needed(&server::state()).await
}

/// Creates the first admin (with the setup token from the server's log) and signs in.
#[server(prefix = "/fn", endpoint = "account/setup")]
pub async fn setup(
    token: String,
    name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    let session = server::session().await?;
    let form = server::accounts::SetupForm {
        token,
        name,
        email,
        password,
    };
    server::accounts::setup(&server::state(), &session, form).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "account/login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let session = server::session().await?;
    let address = server::client_address();
    server::accounts::login(&server::state(), &session, address, &email, &password).await?;
    leptos_axum::redirect(&server::local_path(next.as_deref()));
    Ok(())
}

#[server(prefix = "/fn", endpoint = "account/logout")]
pub async fn logout() -> Result<(), AppError> {
    let session = server::session().await?;
    server::accounts::logout(&session).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "account/password")]
pub async fn change_password(
    current: String,
    new: String,
    confirm: String,
) -> Result<(), AppError> {
    if new != confirm {
        return Err(AppError::BadRequest(
            "The new password and its confirmation differ.".into(),
        ));
    }
    server::accounts::change_password(&server::state(), &server::actor()?, &current, &new).await
}

#[server(prefix = "/fn", endpoint = "account/tokens")]
pub async fn list_tokens() -> Result<Vec<TokenView>, AppError> {
    server::team::tokens(&server::state(), &server::actor()?).await
}

#[server(prefix = "/fn", endpoint = "account/tokens/create")]
pub async fn create_token(name: String) -> Result<NewToken, AppError> {
    server::team::create_token(&server::state(), &server::actor()?, &name).await
}

#[server(prefix = "/fn", endpoint = "account/tokens/revoke")]
pub async fn revoke_token(id: i32) -> Result<(), AppError> {
    server::team::revoke_token(&server::state(), &server::actor()?, id).await
}

#[server(prefix = "/fn", endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserView>, AppError> {
    server::team::users(&server::state(), &server::actor()?).await
}

#[server(prefix = "/fn", endpoint = "admin/users/create")]
pub async fn create_user(
    name: String,
    email: String,
    role: Role,
    temporary_password: String,
) -> Result<UserView, AppError> {
    let form = server::team::NewUserForm {
        name,
        email,
        role,
        temporary_password,
    };
    server::team::create_user(&server::state(), &server::actor()?, form).await
}

#[server(prefix = "/fn", endpoint = "admin/users/role")]
pub async fn set_role(id: i32, role: Role) -> Result<UserView, AppError> {
    let change = crate::domain::account::UserChange::Role(role);
    server::team::update_user(&server::state(), &server::actor()?, id, change).await
}

#[server(prefix = "/fn", endpoint = "admin/users/disabled")]
pub async fn set_disabled(id: i32, disabled: bool) -> Result<UserView, AppError> {
    let change = crate::domain::account::UserChange::Disabled(disabled);
    server::team::update_user(&server::state(), &server::actor()?, id, change).await
}

/// Sets a temporary password (a form of its own, so it works as a plain form post).
#[server(prefix = "/fn", endpoint = "admin/users/password")]
pub async fn set_temporary_password(
    id: i32,
    temporary_password: String,
) -> Result<UserView, AppError> {
    let change = crate::domain::account::UserChange::TemporaryPassword(temporary_password);
    server::team::update_user(&server::state(), &server::actor()?, id, change).await
}

/// Sets an account's own monthly budget (blank: the team's default for each account).
#[server(prefix = "/fn", endpoint = "admin/users/budget")]
pub async fn set_user_budget(id: i32, monthly_budget_usd: String) -> Result<UserView, AppError> {
    let change = crate::domain::account::UserChange::MonthlyBudget(monthly_budget_usd);
    server::team::update_user(&server::state(), &server::actor()?, id, change).await
}

#[server(prefix = "/fn", endpoint = "admin/audit")]
pub async fn audit_log(skip: u64, limit: u64) -> Result<AuditPage, AppError> {
    server::team::audit_log(&server::state(), &server::actor()?, Some(skip), Some(limit)).await
}
