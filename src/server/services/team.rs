//! The team's accounts: the admin's users and audit log, and each person's
//! API tokens.

use sea_orm::{IntoActiveModel, Set};

use super::{
    accounts::{account_id, create, password},
    audit, page_bounds,
};
use crate::{
    domain::account::{AuditPage, NewToken, Role, TokenView, UserChange, UserView},
    server::{
        auth::{self, Actor},
        db::accounts as rows,
        state::AppState,
    },
    server_fns::error::AppError,
};

pub async fn users(state: &AppState, actor: &Actor) -> Result<Vec<UserView>, AppError> {
    actor.require_admin("see the list of users")?;
    Ok(rows::list_users(&state.db)
        .await?
        .iter()
        .map(rows::user_view)
        .collect())
}

pub struct NewUserForm {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub temporary_password: String,
}

/// An admin creates an account with a temporary password, changed at the first sign-in.
pub async fn create_user(
    state: &AppState,
    actor: &Actor,
    form: NewUserForm,
) -> Result<UserView, AppError> {
    actor.require_admin("create users")?;
    let user = create(
        state,
        &form.name,
        &form.email,
        form.role,
        password(&form.temporary_password)?,
        true,
    )
    .await?;
    audit(
        state,
        actor,
        "user.create",
        format!("user {}", user.email),
        Some(format!("role {}", form.role.as_str())),
    )
    .await;
    Ok(rows::user_view(&user))
}

/// An admin changes a user's role, disables or enables them, or sets a temporary password.
pub async fn update_user(
    state: &AppState,
    actor: &Actor,
    id: i32,
    change: UserChange,
) -> Result<UserView, AppError> {
    actor.require_admin("change users")?;
    let user = rows::find_user(&state.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("This user does not exist.".into()))?;
    let was_active_admin = user.role == Role::Admin.as_str() && !user.disabled;
    let removes_an_admin = was_active_admin
        && matches!(
            change,
            UserChange::Role(Role::Member) | UserChange::Disabled(true)
        );
    if removes_an_admin && rows::count_active_admins(&state.db).await? <= 1 {
        return Err(AppError::BadRequest(
            "This is the last active admin. Make another user an admin first.".into(),
        ));
    }
    let email = user.email.clone();
    let mut row = user.into_active_model();
    let (action, detail) = match &change {
        UserChange::Role(role) => {
            row.role = Set(role.as_str().into());
            ("user.role", format!("role {}", role.as_str()))
        }
        UserChange::Disabled(disabled) => {
            row.disabled = Set(*disabled);
            (
                if *disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                String::new(),
            )
        }
        UserChange::TemporaryPassword(temporary) => {
            row.password_hash = Set(auth::hash_password_off_thread(password(temporary)?).await?);
            row.must_change_password = Set(true);
            ("user.password", "temporary password set".into())
        }
        UserChange::MonthlyBudget(raw) => {
            let budget = crate::domain::budget::parse_cap(raw).map_err(AppError::BadRequest)?;
            row.monthly_budget_usd = Set(budget);
            (
                "user.budget",
                budget.map_or_else(
                    || "monthly budget: the team's default".into(),
                    |b| format!("monthly budget {}", crate::domain::budget::usd(b)),
                ),
            )
        }
    };
    let updated = rows::update_user(&state.db, row).await?;
    audit(
        state,
        actor,
        action,
        format!("user {email}"),
        (!detail.is_empty()).then_some(detail),
    )
    .await;
    Ok(rows::user_view(&updated))
}

pub async fn tokens(state: &AppState, actor: &Actor) -> Result<Vec<TokenView>, AppError> {
    let id = account_id(actor, "hold API tokens for")?;
    Ok(rows::tokens_of(&state.db, id)
        .await?
        .iter()
        .map(rows::token_view)
        .collect())
}

/// A new personal token. Its secret is in the answer and nowhere else.
pub async fn create_token(
    state: &AppState,
    actor: &Actor,
    name: &str,
) -> Result<NewToken, AppError> {
    let id = account_id(actor, "hold API tokens for")?;
    let name = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\0', "");
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::BadRequest(
            "Name the token (1 to 100 characters), e.g. \"quarterly script\".".into(),
        ));
    }
    let secret = auth::new_token_secret();
    let prefix: String = secret.chars().take(10).collect();
    let row = rows::create_token(&state.db, id, &name, &auth::token_hash(&secret), &prefix).await?;
    audit(
        state,
        actor,
        "token.create",
        format!("token {prefix}… ({name})"),
        None,
    )
    .await;
    Ok(NewToken {
        token: rows::token_view(&row),
        secret,
    })
}

pub async fn revoke_token(state: &AppState, actor: &Actor, token_id: i32) -> Result<(), AppError> {
    let id = account_id(actor, "hold API tokens for")?;
    if !rows::revoke_token(&state.db, id, token_id).await? {
        return Err(AppError::NotFound(
            "You have no such token, or it is revoked already.".into(),
        ));
    }
    audit(
        state,
        actor,
        "token.revoke",
        format!("token {token_id}"),
        None,
    )
    .await;
    Ok(())
}

pub async fn audit_log(
    state: &AppState,
    actor: &Actor,
    skip: Option<u64>,
    limit: Option<u64>,
) -> Result<AuditPage, AppError> {
    actor.require_admin("read the audit log")?;
    let (skip, limit) = page_bounds(skip, limit, 50, 500)?;
    let (entries, total) = rows::audit_page(&state.db, skip, limit).await?;
    Ok(AuditPage {
        entries: entries.iter().map(rows::audit_view).collect(),
        total,
    })
}
