//! A job's companies as a query: the overall rank (a window function), the
//! filter, the order and the page, in one statement on either database. The
//! job page, `GET /api/jobs/{id}/companies` and the CSV export all use it.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QuerySelect,
    sea_query::{
        Alias, Asterisk, Expr, ExprTrait, Func, LikeExpr, Order as SqlOrder, Query, SelectStatement,
    },
};

use super::{cache::like_literal, entities::company};
use crate::domain::{
    rubric::PriorityTier,
    table::{CompanyQuery, Order, SortKey, TierCounts},
};

use company::Column as C;

/// The final tier (a person's override, else the model's) as its order, unscored last.
const TIER_ORDER: &str = "CASE final_tier WHEN 'HOT' THEN 0 WHEN 'WARM' THEN 1 WHEN 'WATCH' THEN 2 \
                          WHEN 'COLD' THEN 3 ELSE 4 END";

/// The overall rank: final tier, then score, highest first, unscored last,
/// then name and input order. (Without overrides the tier follows the score.)
fn rank() -> String {
    format!(
        "ROW_NUMBER() OVER (ORDER BY {TIER_ORDER}, COALESCE(score_total, -1) DESC, LOWER(name) ASC, position ASC)"
    )
}

/// The filter as a condition on a company row (the same on both databases).
fn condition(job_id: i32, query: &CompanyQuery) -> Condition {
    let mut condition = Condition::all().add(ExprTrait::eq(Expr::col(C::JobId), job_id));
    if let Some(tier) = query.tier {
        condition = condition.add(ExprTrait::eq(Expr::col(C::FinalTier), tier.as_str()));
    }
    if let Some(status) = query.status {
        condition = condition.add(ExprTrait::eq(Expr::col(C::Status), status.as_str()));
    }
    if query.review {
        condition = condition.add(Expr::col(C::Review).is_not_null());
    }
    if let Some(text) = query.text() {
        let pattern = format!("%{}%", like_literal(&text.to_lowercase()));
        let like = |col: C| {
            Expr::expr(Func::lower(Expr::col(col)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        condition = condition.add(
            Condition::any()
                .add(like(C::Name))
                .add(like(C::Industry))
                .add(like(C::Description))
                .add(like(C::Headquarters)),
        );
    }
    condition
}

/// The sort key's expression in its natural order (best or A first).
fn sort_expr(key: SortKey) -> (Expr, SqlOrder) {
    let coalesced = |col: C| {
        Expr::cust(format!(
            "COALESCE({}, -1)",
            sea_orm::IdenStatic::as_str(&col)
        ))
    };
    match key {
        SortKey::Rank | SortKey::Score => (Expr::col(Alias::new("rank")), SqlOrder::Asc),
        SortKey::Name => (Expr::expr(Func::lower(Expr::col(C::Name))), SqlOrder::Asc),
        SortKey::Priority => (Expr::cust(TIER_ORDER), SqlOrder::Asc),
        SortKey::UseCase => (coalesced(C::ScoreUseCase), SqlOrder::Desc),
        SortKey::Funding => (coalesced(C::FundingMillions), SqlOrder::Desc),
        SortKey::Cache => (Expr::col(C::CacheHit), SqlOrder::Desc),
        SortKey::Confidence => (coalesced(C::ValidationConfidence), SqlOrder::Desc),
        SortKey::Status => (Expr::col(C::Status), SqlOrder::Asc),
    }
}

fn flipped(order: SqlOrder, descending: bool) -> SqlOrder {
    match (order, descending) {
        (SqlOrder::Asc, true) => SqlOrder::Desc,
        (SqlOrder::Desc, true) => SqlOrder::Asc,
        (order, _) => order,
    }
}

/// The statement: ranked over the whole job, then filtered, ordered and paged.
fn statement(job_id: i32, query: &CompanyQuery, page: Option<(u64, u64)>) -> SelectStatement {
    let ranked = Query::select()
        .column(Asterisk)
        .expr_as(Expr::cust(rank()), Alias::new("rank"))
        .from(company::Entity)
        .and_where(ExprTrait::eq(Expr::col(C::JobId), job_id))
        .to_owned();
    let descending = query.order == Order::Desc;
    let (expr, natural) = sort_expr(query.sort);
    let mut outer = Query::select();
    outer
        .column(Asterisk)
        .from_subquery(ranked, Alias::new("ranked"))
        .cond_where(condition(job_id, query))
        .order_by_expr(expr, flipped(natural, descending))
        .order_by_expr(
            Expr::col(Alias::new("rank")),
            flipped(SqlOrder::Asc, descending),
        );
    if let Some((skip, limit)) = page {
        outer.offset(skip).limit(limit);
    }
    outer
}

/// The matching companies, each with its overall rank, in the query's order;
/// one page of them, or all of them when `page` is `None`.
pub async fn rows(
    db: &impl ConnectionTrait,
    job_id: i32,
    query: &CompanyQuery,
    page: Option<(u64, u64)>,
) -> Result<Vec<(u32, company::Model)>, DbErr> {
    let statement = statement(job_id, query, page);
    db.query_all(&statement)
        .await?
        .iter()
        .map(|row| {
            let rank: i64 = row.try_get("", "rank")?;
            Ok((rank as u32, company::Model::from_query_result(row, "")?))
        })
        .collect()
}

/// How many companies match the filter.
pub async fn matching(
    db: &impl ConnectionTrait,
    job_id: i32,
    query: &CompanyQuery,
) -> Result<u64, DbErr> {
    company::Entity::find()
        .filter(condition(job_id, query))
        .count(db)
        .await
}

/// Scored companies of the job per final tier.
pub async fn tier_counts(db: &impl ConnectionTrait, job_id: i32) -> Result<TierCounts, DbErr> {
    let counted: Vec<(Option<String>, i64)> = company::Entity::find()
        .select_only()
        .column(C::FinalTier)
        .column_as(Expr::from(Func::count(Expr::col(C::Id))), "n")
        .filter(C::JobId.eq(job_id))
        .filter(C::FinalTier.is_not_null())
        .group_by(C::FinalTier)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = TierCounts::default();
    for (tier, n) in counted {
        if let Some(tier) = tier.as_deref().and_then(PriorityTier::parse) {
            counts.add(tier, n as u32);
        }
    }
    Ok(counts)
}
