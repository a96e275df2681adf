//! Users, personal API tokens and the audit log.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, sea_query::Expr,
};

use super::entities::{api_token, audit_entry, user};
use crate::domain::account::{AuditEntryView, Role, TokenView, UserView};

pub struct NewUser {
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub must_change_password: bool,
}

pub async fn count_users(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find().count(db).await
}

pub async fn create_user(db: &impl ConnectionTrait, new: NewUser) -> Result<user::Model, DbErr> {
    user::ActiveModel {
        name: Set(new.name),
        email: Set(new.email),
        password_hash: Set(new.password_hash),
        role: Set(new.role.as_str().into()),
        disabled: Set(false),
        must_change_password: Set(new.must_change_password),
        created_at: Set(Utc::now()),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find_user(db: &impl ConnectionTrait, id: i32) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
}

pub async fn list_users(db: &impl ConnectionTrait) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
}

pub async fn count_active_admins(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.as_str()))
        .filter(user::Column::Disabled.eq(false))
        .count(db)
        .await
}

pub async fn update_user(
    db: &impl ConnectionTrait,
    row: user::ActiveModel,
) -> Result<user::Model, DbErr> {
    row.update(db).await
}

pub async fn record_login(db: &impl ConnectionTrait, id: i32) -> Result<(), DbErr> {
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The names of these users, for showing who started a job.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<std::collections::HashMap<i32, String>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

pub fn user_view(u: &user::Model) -> UserView {
    UserView {
        id: u.id,
        name: u.name.clone(),
        email: u.email.clone(),
        role: Role::parse(&u.role).unwrap_or(Role::Member),
        disabled: u.disabled,
        must_change_password: u.must_change_password,
        created_at: u.created_at,
        last_login_at: u.last_login_at,
        monthly_budget_usd: u.monthly_budget_usd,
    }
}

pub async fn create_token(
    db: &impl ConnectionTrait,
    user_id: i32,
    name: &str,
    hash: &str,
    prefix: &str,
) -> Result<api_token::Model, DbErr> {
    api_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name.into()),
        token_hash: Set(hash.into()),
        prefix: Set(prefix.into()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The user behind an unrevoked token; marks the token used (to the minute).
pub async fn user_for_token(
    db: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<user::Model>, DbErr> {
    let Some(token) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    // At most one write a minute per token: a script polling progress does
    // not turn every read into a write.
    let now = Utc::now();
    if token
        .last_used_at
        .is_none_or(|at| now - at > chrono::Duration::seconds(60))
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    find_user(db, token.user_id).await
}

pub async fn tokens_of(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await
}

/// Revokes the user's token; false if they have no such unrevoked token.
pub async fn revoke_token(db: &impl ConnectionTrait, user_id: i32, id: i32) -> Result<bool, DbErr> {
    let result = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub fn token_view(t: &api_token::Model) -> TokenView {
    TokenView {
        id: t.id,
        name: t.name.clone(),
        prefix: t.prefix.clone(),
        created_at: t.created_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
    }
}

pub struct AuditRecord<'a> {
    pub user_id: Option<i32>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: String,
    pub detail: Option<String>,
}

pub async fn audit(db: &impl ConnectionTrait, record: AuditRecord<'_>) -> Result<(), DbErr> {
    let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    audit_entry::ActiveModel {
        at: Set(Utc::now()),
        user_id: Set(record.user_id),
        actor: Set(clip(record.actor, 254)),
        action: Set(clip(record.action, 40)),
        target: Set(clip(&record.target, 300)),
        detail: Set(record.detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn audit_page(
    db: &impl ConnectionTrait,
    skip: u64,
    limit: u64,
) -> Result<(Vec<audit_entry::Model>, u64), DbErr> {
    let total = audit_entry::Entity::find().count(db).await?;
    let rows = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::At)
        .order_by_desc(audit_entry::Column::Id)
        .offset(skip)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub fn audit_view(e: &audit_entry::Model) -> AuditEntryView {
    AuditEntryView {
        id: e.id,
        at: e.at,
        actor: e.actor.clone(),
        action: e.action.clone(),
        target: e.target.clone(),
        detail: e.detail.clone(),
    }
}
