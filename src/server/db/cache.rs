//! The research cache's tables: verified entries keyed by company and rubric,
//! claims that make one fetch per key at a time across jobs and instances, and
//! the daily hit/miss counts behind the hit rate.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ExprTrait, FromQueryResult, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Alias, Expr, Func, OnConflict},
};

use super::{
    entities::{cache_day, cache_entry},
    sum_if, sum_of, sum_of_big,
};
use crate::domain::{
    cache::{self, CacheQuery, CacheSort, CacheStats, HIT_RATE_DAYS},
    evidence::EvidenceSource,
    job::USD_PER_TAVILY_CREDIT,
    verdict::Verdict,
};

/// A company under one rubric: the cache's identity of research.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub key: String,
    pub target_type: String,
}

/// Verified research to keep.
pub struct NewEntry<'a> {
    pub key: &'a CacheKey,
    pub display_name: &'a str,
    pub website: Option<&'a str>,
    pub evidence: &'a [EvidenceSource],
    pub verdict: &'a Verdict,
    pub fetched_at: DateTime<Utc>,
    pub ttl_days: u32,
    pub credits: f64,
    pub search_seconds: f64,
}

fn key_filter(key: &CacheKey) -> Condition {
    Condition::all()
        .add(cache_entry::Column::Key.eq(key.key.as_str()))
        .add(cache_entry::Column::TargetType.eq(key.target_type.as_str()))
}

/// The entry that may be served now: verified (the only kind stored) and unexpired.
pub async fn lookup(
    db: &impl ConnectionTrait,
    key: &CacheKey,
    now: DateTime<Utc>,
) -> Result<Option<cache_entry::Model>, DbErr> {
    cache_entry::Entity::find()
        .filter(key_filter(key))
        .filter(cache_entry::Column::ExpiresAt.gt(now))
        .one(db)
        .await
}

/// Stores verified research, replacing what the key held (its hit count stays).
pub async fn store(db: &impl ConnectionTrait, new: NewEntry<'_>) -> Result<(), DbErr> {
    let evidence = serde_json::to_value(new.evidence).unwrap_or_default();
    let size = evidence.to_string().len() as i64;
    let row = cache_entry::ActiveModel {
        key: Set(new.key.key.clone()),
        target_type: Set(new.key.target_type.clone()),
        display_name: Set(new.display_name.to_string()),
        website: Set(new.website.map(str::to_string)),
        evidence: Set(evidence),
        source_count: Set(new.evidence.len() as i32),
        verdict: Set(new.verdict.verdict.clone()),
        confidence: Set(new.verdict.confidence),
        fetched_at: Set(new.fetched_at),
        expires_at: Set(cache::expires_at(new.fetched_at, new.ttl_days)),
        size_bytes: Set(size),
        hits: Set(0),
        credits: Set(new.credits),
        search_seconds: Set(new.search_seconds),
        ..Default::default()
    };
    use cache_entry::Column as C;
    cache_entry::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::Key, C::TargetType])
                .update_columns([
                    C::DisplayName,
                    C::Website,
                    C::Evidence,
                    C::SourceCount,
                    C::Verdict,
                    C::Confidence,
                    C::FetchedAt,
                    C::ExpiresAt,
                    C::SizeBytes,
                    C::Credits,
                    C::SearchSeconds,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Counts a served entry.
pub async fn record_hit(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    cache_entry::Entity::update_many()
        .col_expr(
            cache_entry::Column::Hits,
            Expr::col(cache_entry::Column::Hits).add(1),
        )
        .col_expr(cache_entry::Column::LastHitAt, Expr::value(Some(now)))
        .filter(cache_entry::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// What one lookup adds to its day's counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lookup {
    pub hit: bool,
    pub credits_saved: f64,
    pub seconds_saved: f64,
}

/// Adds a lookup to today's counts (an upsert, safe under concurrency).
pub async fn count_lookup(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lookup: Lookup,
) -> Result<(), DbErr> {
    use cache_day::Column as C;
    let table = Alias::new("research_cache_daily");
    let excluded = Alias::new("excluded");
    let add = |col: C| Expr::col((table.clone(), col)).add(Expr::col((excluded.clone(), col)));
    let row = cache_day::ActiveModel {
        day: Set(now.format("%Y-%m-%d").to_string()),
        hits: Set(i64::from(lookup.hit)),
        misses: Set(i64::from(!lookup.hit)),
        credits_saved: Set(lookup.credits_saved),
        seconds_saved: Set(lookup.seconds_saved),
    };
    cache_day::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::Day)
                .value(C::Hits, add(C::Hits))
                .value(C::Misses, add(C::Misses))
                .value(C::CreditsSaved, add(C::CreditsSaved))
                .value(C::SecondsSaved, add(C::SecondsSaved))
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> Result<Option<cache_entry::Model>, DbErr> {
    cache_entry::Entity::find_by_id(id).one(db).await
}

pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<bool, DbErr> {
    Ok(cache_entry::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// Deletes every entry, or only the expired ones.
pub async fn clear(
    db: &impl ConnectionTrait,
    expired_only: bool,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut delete = cache_entry::Entity::delete_many();
    if expired_only {
        delete = delete.filter(cache_entry::Column::ExpiresAt.lte(now));
    }
    Ok(delete.exec(db).await?.rows_affected)
}

/// `text` as a LIKE pattern that matches it literally: `%`, `_` and the
/// escape character itself are escaped with a backslash.
pub fn like_literal(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A page of entries matching the query, and how many match.
pub async fn list(
    db: &impl ConnectionTrait,
    query: &CacheQuery,
) -> Result<(Vec<cache_entry::Model>, u64), DbErr> {
    use cache_entry::Column as C;
    let mut select = cache_entry::Entity::find();
    if let Some(text) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!("%{}%", like_literal(&text.to_lowercase()));
        let like = |col: C| {
            Expr::expr(Func::lower(Expr::col(col)))
                .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
        };
        select = select.filter(
            Condition::any()
                .add(like(C::DisplayName))
                .add(like(C::Key))
                .add(like(C::Website)),
        );
    }
    let total = select.clone().count(db).await?;
    let column = match query.sort {
        CacheSort::Name => C::Key,
        CacheSort::TargetType => C::TargetType,
        CacheSort::FetchedAt => C::FetchedAt,
        CacheSort::ExpiresAt => C::ExpiresAt,
        CacheSort::Confidence => C::Confidence,
        CacheSort::Hits => C::Hits,
        CacheSort::Size => C::SizeBytes,
    };
    let order = if query.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let page = select
        .order_by(column, order.clone())
        .order_by(C::Id, order)
        .offset(query.skip)
        .limit(query.limit.clamp(1, 500))
        .all(db)
        .await?;
    Ok((page, total))
}

#[derive(Debug, Default, FromQueryResult)]
struct EntryTotals {
    entries: Option<i64>,
    expired: Option<i64>,
    size: Option<i64>,
}

#[derive(Debug, Default, FromQueryResult)]
struct DayTotals {
    hits: Option<i64>,
    misses: Option<i64>,
}

#[derive(Debug, Default, FromQueryResult)]
struct SavedTotals {
    credits: Option<f64>,
    seconds: Option<f64>,
}

/// The management page's totals.
pub async fn stats(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    enabled: bool,
    ttl_days: u32,
) -> Result<CacheStats, DbErr> {
    use sea_orm::sea_query::Asterisk;
    let entries = cache_entry::Entity::find()
        .select_only()
        .column_as(Expr::expr(Func::count(Expr::col(Asterisk))), "entries")
        .column_as(
            sum_if(Expr::col(cache_entry::Column::ExpiresAt).lte(now)),
            "expired",
        )
        .column_as(sum_of_big(cache_entry::Column::SizeBytes), "size")
        .into_model::<EntryTotals>()
        .one(db)
        .await?
        .unwrap_or_default();
    let since = (now - Duration::days(HIT_RATE_DAYS - 1))
        .format("%Y-%m-%d")
        .to_string();
    let days = cache_day::Entity::find()
        .select_only()
        .column_as(sum_of_big(cache_day::Column::Hits), "hits")
        .column_as(sum_of_big(cache_day::Column::Misses), "misses")
        .filter(cache_day::Column::Day.gte(since))
        .into_model::<DayTotals>()
        .one(db)
        .await?
        .unwrap_or_default();
    let saved = cache_day::Entity::find()
        .select_only()
        .column_as(sum_of(cache_day::Column::CreditsSaved, 0.0), "credits")
        .column_as(sum_of(cache_day::Column::SecondsSaved, 0.0), "seconds")
        .into_model::<SavedTotals>()
        .one(db)
        .await?
        .unwrap_or_default();
    let n = |v: Option<i64>| v.unwrap_or(0);
    let all = n(entries.entries) as u64;
    let expired = n(entries.expired) as u64;
    let (hits, misses) = (n(days.hits), n(days.misses));
    let credits_saved = saved.credits.unwrap_or(0.0);
    Ok(CacheStats {
        enabled,
        ttl_days,
        entries: all,
        verified: all.saturating_sub(expired),
        expired,
        size_bytes: n(entries.size),
        hits_30d: hits,
        misses_30d: misses,
        hit_rate_30d: cache::hit_rate(hits, misses),
        credits_saved,
        usd_saved: credits_saved * USD_PER_TAVILY_CREDIT,
        seconds_saved: saved.seconds.unwrap_or(0.0),
    })
}

/// How many of `keys` have an entry that would be served now.
pub async fn count_servable(
    db: &impl ConnectionTrait,
    target_type: &str,
    keys: &[String],
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let mut found = 0;
    for chunk in keys.chunks(500) {
        found += cache_entry::Entity::find()
            .filter(cache_entry::Column::TargetType.eq(target_type))
            .filter(cache_entry::Column::Key.is_in(chunk.iter().map(String::as_str)))
            .filter(cache_entry::Column::ExpiresAt.gt(now))
            .count(db)
            .await? as usize;
    }
    Ok(found)
}
