//! Runs of the same list: each company's result in a job, matched across
//! jobs on its company key, and a company's score history across jobs of a rubric.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
};

use super::entities::{company, job};
use crate::domain::{
    changes::{Entry, HistoryPoint, RunResult},
    job::CompanyStatus,
    rubric::PriorityTier,
};

#[derive(FromQueryResult)]
struct Row {
    id: i32,
    name: String,
    company_key: Option<String>,
    status: String,
    score_total: Option<i32>,
    final_tier: Option<String>,
}

fn result(status: &str, score: Option<i32>, tier: Option<&str>) -> Option<RunResult> {
    (status == CompanyStatus::Completed.as_str()).then_some(())?;
    Some(RunResult {
        score: score?,
        tier: PriorityTier::parse(tier?)?,
    })
}

/// Every company of the job with its result (the final tier: a person's override counts).
pub async fn entries(db: &impl ConnectionTrait, job_id: i32) -> Result<Vec<Entry>, DbErr> {
    use company::Column as C;
    let rows = company::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::Name,
            C::CompanyKey,
            C::Status,
            C::ScoreTotal,
            C::FinalTier,
        ])
        .filter(C::JobId.eq(job_id))
        .order_by_asc(C::Position)
        .into_model::<Row>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let key = r
                .company_key
                .clone()
                .unwrap_or_else(|| r.name.to_lowercase());
            let found = result(&r.status, r.score_total, r.final_tier.as_deref());
            (key, r.name, r.id, found)
        })
        .collect())
}

/// Each scored company's reasoning in a job, by company key.
pub async fn reasonings(
    db: &impl ConnectionTrait,
    job_id: i32,
) -> Result<Vec<(String, String, i32, String)>, DbErr> {
    use company::Column as C;
    let rows: Vec<(i32, String, Option<String>, Option<String>)> = company::Entity::find()
        .select_only()
        .columns([C::Id, C::Name, C::CompanyKey, C::Reasoning])
        .filter(C::JobId.eq(job_id))
        .filter(C::Reasoning.is_not_null())
        .order_by_asc(C::Position)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, key, reasoning)| {
            let key = key.unwrap_or_else(|| name.to_lowercase());
            (key, name, id, reasoning.unwrap_or_default())
        })
        .collect())
}

/// A company's scores in every job of a rubric, oldest first.
pub async fn of_company(
    db: &impl ConnectionTrait,
    company_key: &str,
    target_type: &str,
) -> Result<Vec<HistoryPoint>, DbErr> {
    company::Entity::find()
        .select_only()
        .column_as(job::Column::Id, "job_id")
        .column_as(job::Column::Name, "job_name")
        .column_as(job::Column::CreatedAt, "at")
        .column(company::Column::ScoreTotal)
        .column(company::Column::FinalTier)
        .join(JoinType::InnerJoin, company::Relation::Job.def())
        .filter(company::Column::CompanyKey.eq(company_key))
        .filter(job::Column::TargetType.eq(target_type))
        .filter(company::Column::Status.eq(CompanyStatus::Completed.as_str()))
        .order_by_asc(job::Column::CreatedAt)
        .into_model::<HistoryPoint>()
        .all(db)
        .await
}
