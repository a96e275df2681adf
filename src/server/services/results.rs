//! A job's results: one query over its companies (page, sort, filter, search)
//! shared by the job page, `GET /api/jobs/{id}/companies` and the export; a
//! company opened on its own; the job with its counts for live pages.

use super::{page_bounds, search_text};
use crate::{
    domain::{
        table::{CompanyPage, CompanyQuery, JobSnapshot, MAX_PAGE_SIZE, PAGE_SIZE},
        views::CompanyView,
    },
    server::{
        auth::Actor,
        db::{
            companies, company_query,
            entities::{company, job},
            jobs,
            views::{Detail, company_row, company_view, job_view},
        },
        state::AppState,
    },
    server_fns::error::AppError,
};

pub(super) async fn find_job(state: &AppState, id: i32) -> Result<job::Model, AppError> {
    jobs::find(&state.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound("Job not found".into()))
}

/// Checks the query's text once, for every door.
fn checked(query: &CompanyQuery) -> Result<CompanyQuery, AppError> {
    Ok(CompanyQuery {
        q: search_text(query.q.as_deref())?,
        ..query.clone()
    })
}

/// One page of a job's companies, how many match, and the job's tier counts.
pub async fn companies(
    state: &AppState,
    _actor: &Actor,
    id: i32,
    query: &CompanyQuery,
) -> Result<CompanyPage, AppError> {
    find_job(state, id).await?;
    let query = checked(query)?;
    let (skip, limit) = page_bounds(Some(query.skip), query.limit, PAGE_SIZE, MAX_PAGE_SIZE)?;
    let rows = company_query::rows(&state.db, id, &query, Some((skip, limit))).await?;
    Ok(CompanyPage {
        rows: rows.iter().map(|(rank, c)| company_row(*rank, c)).collect(),
        matching: company_query::matching(&state.db, id, &query).await?,
        skip,
        limit,
        tiers: company_query::tier_counts(&state.db, id).await?,
    })
}

/// Every company the query matches, in its order, with its overall rank (the export).
pub async fn all_matching(
    state: &AppState,
    id: i32,
    query: &CompanyQuery,
) -> Result<Vec<(u32, company::Model)>, AppError> {
    let query = checked(query)?;
    Ok(company_query::rows(&state.db, id, &query, None).await?)
}

/// A company with everything: its sources' excerpts and the score breakdown.
pub async fn company(
    state: &AppState,
    _actor: &Actor,
    id: i32,
    company_id: i32,
) -> Result<CompanyView, AppError> {
    let found = companies::find(&state.db, company_id)
        .await?
        .filter(|c| c.job_id == id)
        .ok_or_else(|| AppError::NotFound("This job has no such company.".into()))?;
    Ok(company_view(&found, Detail::Full))
}

/// The job and its tier counts: what a live page needs before any row.
pub async fn snapshot(state: &AppState, _actor: &Actor, id: i32) -> Result<JobSnapshot, AppError> {
    let job = find_job(state, id).await?;
    Ok(JobSnapshot {
        job: job_view(&job),
        tiers: company_query::tier_counts(&state.db, id).await?,
    })
}
