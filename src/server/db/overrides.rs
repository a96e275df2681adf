//! Tiers set by hand. An override belongs to a company (its key: name and
//! website, normalised) and a rubric, not to one job: it holds in every job
//! that has the company, re-runs included, until someone removes it. Each
//! company row carries a copy (who, when, why) and its final tier, so
//! ranking, filters and counts read one column.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Func, OnConflict, Query},
};

use super::entities::{company, job, tier_override};
use crate::domain::{company_name::cache_key, rubric::PriorityTier};

/// A tier a person sets.
pub struct NewOverride<'a> {
    pub company_key: &'a str,
    pub target_type: &'a str,
    pub tier: PriorityTier,
    pub note: &'a str,
    pub set_by: &'a str,
    pub set_by_user_id: Option<i32>,
}

pub async fn find(
    db: &impl ConnectionTrait,
    company_key: &str,
    target_type: &str,
) -> Result<Option<tier_override::Model>, DbErr> {
    tier_override::Entity::find()
        .filter(tier_override::Column::CompanyKey.eq(company_key))
        .filter(tier_override::Column::TargetType.eq(target_type))
        .one(db)
        .await
}

/// The overrides of a rubric for these company keys.
pub async fn for_keys(
    db: &impl ConnectionTrait,
    target_type: &str,
    keys: &[String],
) -> Result<HashMap<String, tier_override::Model>, DbErr> {
    let mut found = HashMap::new();
    for chunk in keys.chunks(500) {
        let rows = tier_override::Entity::find()
            .filter(tier_override::Column::TargetType.eq(target_type))
            .filter(tier_override::Column::CompanyKey.is_in(chunk.iter().cloned()))
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|o| (o.company_key.clone(), o)));
    }
    Ok(found)
}

/// A new company row's copy of its override.
pub fn copy_onto(row: &mut company::ActiveModel, found: Option<&tier_override::Model>) {
    row.tier_override = Set(found.map(|o| o.tier.clone()));
    row.override_note = Set(found.map(|o| o.note.clone()));
    row.override_by = Set(found.map(|o| o.set_by.clone()));
    row.override_at = Set(found.map(|o| o.set_at));
}

/// Sets (or replaces) the override; returns the jobs whose companies changed.
pub async fn set(db: &impl ConnectionTrait, new: NewOverride<'_>) -> Result<Vec<i32>, DbErr> {
    let row = tier_override::ActiveModel {
        company_key: Set(new.company_key.to_string()),
        target_type: Set(new.target_type.to_string()),
        tier: Set(new.tier.as_str().to_string()),
        note: Set(new.note.to_string()),
        set_by: Set(new.set_by.to_string()),
        set_by_user_id: Set(new.set_by_user_id),
        set_at: Set(Utc::now()),
        ..Default::default()
    };
    tier_override::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                tier_override::Column::CompanyKey,
                tier_override::Column::TargetType,
            ])
            .update_columns([
                tier_override::Column::Tier,
                tier_override::Column::Note,
                tier_override::Column::SetBy,
                tier_override::Column::SetByUserId,
                tier_override::Column::SetAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let stored = find(db, new.company_key, new.target_type).await?;
    apply(db, new.company_key, new.target_type, stored.as_ref()).await
}

/// Removes the override; the model's tier counts again everywhere.
pub async fn remove(
    db: &impl ConnectionTrait,
    company_key: &str,
    target_type: &str,
) -> Result<Vec<i32>, DbErr> {
    tier_override::Entity::delete_many()
        .filter(tier_override::Column::CompanyKey.eq(company_key))
        .filter(tier_override::Column::TargetType.eq(target_type))
        .exec(db)
        .await?;
    apply(db, company_key, target_type, None).await
}

/// Copies the override (or its absence) onto every company with this key in
/// a job of this rubric, and recomputes their final tier.
async fn apply(
    db: &impl ConnectionTrait,
    company_key: &str,
    target_type: &str,
    found: Option<&tier_override::Model>,
) -> Result<Vec<i32>, DbErr> {
    use company::Column as C;
    let jobs_of_rubric = Query::select()
        .column(job::Column::Id)
        .from(job::Entity)
        .and_where(job::Column::TargetType.eq(target_type))
        .to_owned();
    let matching = || {
        company::Entity::find()
            .filter(C::CompanyKey.eq(company_key))
            .filter(C::JobId.in_subquery(jobs_of_rubric.clone()))
    };
    let job_ids: Vec<i32> = matching()
        .select_only()
        .column(C::JobId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let tier = found.map(|o| o.tier.clone());
    // Unscored companies have no final tier: an override waits for a score.
    let final_tier = Expr::case(
        Expr::col(C::PriorityTier).is_null(),
        Expr::val(Option::<String>::None),
    )
    .finally(Func::coalesce([
        Expr::val(tier.clone()),
        Expr::col(C::PriorityTier),
    ]));
    company::Entity::update_many()
        .col_expr(C::TierOverride, Expr::val(tier))
        .col_expr(C::OverrideNote, Expr::val(found.map(|o| o.note.clone())))
        .col_expr(C::OverrideBy, Expr::val(found.map(|o| o.set_by.clone())))
        .col_expr(C::OverrideAt, Expr::val(found.map(|o| o.set_at)))
        .col_expr(C::FinalTier, final_tier.into())
        .filter(C::CompanyKey.eq(company_key))
        .filter(C::JobId.in_subquery(jobs_of_rubric))
        .exec(db)
        .await?;
    Ok(job_ids)
}

/// Gives every company from before company keys its key (once, at start-up;
/// several instances doing it at once write the same values).
pub async fn backfill_keys(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use company::Column as C;
    let mut filled = 0;
    loop {
        let rows: Vec<(i32, String, Option<String>)> = company::Entity::find()
            .select_only()
            .columns([C::Id, C::Name, C::Website])
            .filter(C::CompanyKey.is_null())
            .limit(500)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        for (id, name, website) in rows {
            company::Entity::update_many()
                .col_expr(
                    C::CompanyKey,
                    Expr::val(cache_key(&name, website.as_deref())),
                )
                .filter(C::Id.eq(id))
                .exec(db)
                .await?;
            filled += 1;
        }
    }
}
