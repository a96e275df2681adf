//! The instances that share one database, and the share of each upstream
//! limit each of them holds. A share only grows while the live shares of all
//! instances stay within the limit (checked in the same statement), and a
//! registration that was not renewed within its lease stops counting, so a
//! dead instance's share comes back to the others.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, ExprTrait, QueryFilter, Set,
    Statement, TransactionSession, TransactionTrait,
    sea_query::{Expr, OnConflict},
};

use super::{clock, entities::instance};

/// Which upstream limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    Search,
    Llm,
}

impl LimitKind {
    fn column(self) -> &'static str {
        match self {
            LimitKind::Search => "search_share",
            LimitKind::Llm => "llm_share",
        }
    }
}

/// What this instance publishes about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub id: String,
    pub host: String,
    pub active: bool,
    pub search_share: i32,
    pub llm_share: i32,
}

/// Whether a registration was still holding when it was renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    Renewed,
    /// It had run out (or never existed): it is back, with no share at all,
    /// since the others may have taken what it held.
    Lapsed,
}

/// Renews this instance's registration for `lease`. Shares written here must
/// not exceed what [`grow`] granted (they only shrink this way).
pub async fn publish(
    db: &impl ConnectionTrait,
    me: &Registration,
    lease: Duration,
) -> Result<Renewal, DbErr> {
    use instance::Column as C;
    let renewed = instance::Entity::update_many()
        .col_expr(C::Active, Expr::value(me.active))
        .col_expr(C::SearchShare, Expr::value(me.search_share))
        .col_expr(C::LlmShare, Expr::value(me.llm_share))
        .col_expr(C::ExpiresAt, clock::after(db, lease))
        .filter(C::Id.eq(me.id.as_str()))
        .filter(Expr::col(C::ExpiresAt).gt(clock::now(db)))
        .exec(db)
        .await?
        .rows_affected;
    if renewed == 1 {
        return Ok(Renewal::Renewed);
    }
    // Registering (again): forget instances gone for a day (killed, not stopped).
    instance::Entity::delete_many()
        .filter(Expr::col(C::ExpiresAt).lt(clock::before(db, Duration::from_secs(86_400))))
        .exec(db)
        .await?;
    let row = instance::ActiveModel {
        id: Set(me.id.clone()),
        host: Set(me.host.clone()),
        started_at: Set(Utc::now()),
        expires_at: Set(Utc::now()),
        active: Set(me.active),
        search_share: Set(0),
        llm_share: Set(0),
    };
    instance::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::Id)
                .update_columns([C::Active, C::SearchShare, C::LlmShare])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    instance::Entity::update_many()
        .col_expr(C::ExpiresAt, clock::after(db, lease))
        .filter(C::Id.eq(me.id.as_str()))
        .exec(db)
        .await?;
    Ok(Renewal::Lapsed)
}

/// The instances whose registration holds now.
pub async fn live(db: &impl ConnectionTrait) -> Result<Vec<instance::Model>, DbErr> {
    instance::Entity::find()
        .filter(Expr::col(instance::Column::ExpiresAt).gt(clock::now(db)))
        .all(db)
        .await
}

/// Raises this instance's share of `kind` to `want` if the live shares of
/// the others leave room for it under `limit`. Returns whether it did.
pub async fn grow(
    db: &(impl ConnectionTrait + TransactionTrait),
    id: &str,
    kind: LimitKind,
    want: i32,
    limit: i32,
) -> Result<bool, DbErr> {
    let column = kind.column();
    let backend = db.get_database_backend();
    let (sql, now) = match backend {
        DbBackend::Postgres => (
            format!(
                "UPDATE instances SET {column} = $1 WHERE id = $2 AND expires_at > CURRENT_TIMESTAMP \
                 AND (SELECT COALESCE(SUM({column}), 0) FROM instances \
                      WHERE id <> $2 AND expires_at > CURRENT_TIMESTAMP) + $1 <= $3"
            ),
            None,
        ),
        _ => (
            format!(
                "UPDATE instances SET {column} = ?1 WHERE id = ?2 AND expires_at > ?4 \
                 AND (SELECT COALESCE(SUM({column}), 0) FROM instances \
                      WHERE id <> ?2 AND expires_at > ?4) + ?1 <= ?3"
            ),
            Some(Utc::now()),
        ),
    };
    let mut values: Vec<sea_orm::Value> = vec![want.into(), id.into(), limit.into()];
    if let Some(now) = now {
        values.push(now.into());
    }
    let statement = Statement::from_sql_and_values(backend, sql, values);
    let txn = db.begin().await?;
    if backend == DbBackend::Postgres {
        // One grower at a time, so two growers never both see the old sum.
        txn.execute_raw(Statement::from_string(
            backend,
            "SELECT pg_advisory_xact_lock(7126001)",
        ))
        .await?;
    }
    let grown = txn.execute_raw(statement).await?.rows_affected();
    txn.commit().await?;
    Ok(grown == 1)
}

/// Forgets this instance (a clean shutdown): its shares are free at once.
pub async fn remove(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    instance::Entity::delete_by_id(id.to_string())
        .exec(db)
        .await?;
    Ok(())
}
