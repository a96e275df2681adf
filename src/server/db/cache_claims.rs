//! Who is fetching a cache key right now: one instance's company at a time,
//! on a lease of the database's clock, so jobs (on any instance) that ask for
//! the same company at the same moment search it once.

use std::time::Duration;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};

use super::{cache::CacheKey, clock, entities::cache_claim};

fn claim_filter(key: &CacheKey) -> Condition {
    Condition::all()
        .add(cache_claim::Column::Key.eq(key.key.as_str()))
        .add(cache_claim::Column::TargetType.eq(key.target_type.as_str()))
}

/// Claims the right to fetch `key` for `lease` (the database's clock). False
/// while someone else holds an unexpired claim; a stale claim (its holder
/// died) is taken over.
pub async fn try_claim(
    db: &impl ConnectionTrait,
    key: &CacheKey,
    owner: &str,
    lease: Duration,
) -> Result<bool, DbErr> {
    use cache_claim::Column as C;
    let mut insert = sea_orm::sea_query::Query::insert();
    insert
        .into_table(cache_claim::Entity)
        .columns([C::Key, C::TargetType, C::Owner, C::ClaimedUntil])
        .values_panic([
            Expr::value(key.key.clone()),
            Expr::value(key.target_type.clone()),
            Expr::value(owner),
            clock::after(db, lease),
        ])
        .on_conflict(
            OnConflict::columns([C::Key, C::TargetType])
                .do_nothing()
                .to_owned(),
        );
    if db.execute(&insert).await?.rows_affected() > 0 {
        return Ok(true);
    }
    let taken_over = cache_claim::Entity::update_many()
        .col_expr(C::Owner, Expr::value(owner))
        .col_expr(C::ClaimedUntil, clock::after(db, lease))
        .filter(claim_filter(key))
        .filter(Expr::col(C::ClaimedUntil).lt(clock::now(db)))
        .exec(db)
        .await?
        .rows_affected;
    Ok(taken_over > 0)
}

/// Extends a claim this owner still holds.
pub async fn renew_claim(
    db: &impl ConnectionTrait,
    key: &CacheKey,
    owner: &str,
    lease: Duration,
) -> Result<(), DbErr> {
    use cache_claim::Column as C;
    cache_claim::Entity::update_many()
        .col_expr(C::ClaimedUntil, clock::after(db, lease))
        .filter(claim_filter(key))
        .filter(C::Owner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}

/// Drops every cache claim of this instance (a clean stop).
pub async fn release_claims_of(db: &impl ConnectionTrait, instance: &str) -> Result<u64, DbErr> {
    use cache_claim::Column as C;
    Ok(cache_claim::Entity::delete_many()
        .filter(C::Owner.starts_with(format!("{instance}/")))
        .exec(db)
        .await?
        .rows_affected)
}

pub async fn release_claim(
    db: &impl ConnectionTrait,
    key: &CacheKey,
    owner: &str,
) -> Result<(), DbErr> {
    use cache_claim::Column as C;
    cache_claim::Entity::delete_many()
        .filter(claim_filter(key))
        .filter(C::Owner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}
