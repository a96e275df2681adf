//! Server functions behind the review queue, the review actions and tier
//! overrides; each calls `services::review` (or `services::jobs` for the
//! retry plan).

use leptos::prelude::*;

use super::error::AppError;
use crate::domain::{
    review::ReviewPage,
    rubric::PriorityTier,
    views::{CompanyView, Estimate, RetryPlan},
};

#[cfg(feature = "ssr")]
mod server {
    pub use crate::server::services::{
        jobs,
        review::{self, ResearchAgain},
    };
    pub use crate::server_fns::request::{actor, state};
}

/// A page of the companies waiting for review, across jobs.
#[server(prefix = "/fn", endpoint = "review/queue")]
pub async fn review_queue(skip: u64, limit: u64) -> Result<ReviewPage, AppError> {
    server::review::queue(&server::state(), &server::actor()?, Some(skip), Some(limit)).await
}

/// How many companies wait for review (the navigation's count).
#[server(prefix = "/fn", endpoint = "review/count")]
pub async fn review_count() -> Result<u64, AppError> {
    server::review::count(&server::state(), &server::actor()?).await
}

/// What researching one company again costs at most (shown before it runs).
#[server(prefix = "/fn", endpoint = "review/price")]
pub async fn research_price() -> Result<Estimate, AppError> {
    server::review::price(&server::state(), &server::actor()?)
}

/// Researches a company again with a website or a corrected name.
#[server(prefix = "/fn", endpoint = "review/research")]
pub async fn research_again(
    job_id: i32,
    company_id: i32,
    name: Option<String>,
    website: Option<String>,
) -> Result<CompanyView, AppError> {
    let given = server::ResearchAgain { name, website };
    server::review::research_again(
        &server::state(),
        &server::actor()?,
        job_id,
        company_id,
        given,
    )
    .await
}

/// Accepts a verified company as it is.
#[server(prefix = "/fn", endpoint = "review/accept")]
pub async fn accept_company(job_id: i32, company_id: i32) -> Result<CompanyView, AppError> {
    server::review::accept(&server::state(), &server::actor()?, job_id, company_id).await
}

/// Marks a company as not a company.
#[server(prefix = "/fn", endpoint = "review/not_a_company")]
pub async fn mark_not_a_company(job_id: i32, company_id: i32) -> Result<CompanyView, AppError> {
    server::review::not_a_company(&server::state(), &server::actor()?, job_id, company_id).await
}

/// Sets a company's tier by hand, with a note.
#[server(prefix = "/fn", endpoint = "review/set_tier")]
pub async fn set_tier(
    job_id: i32,
    company_id: i32,
    tier: PriorityTier,
    note: String,
) -> Result<CompanyView, AppError> {
    server::review::set_override(
        &server::state(),
        &server::actor()?,
        job_id,
        company_id,
        tier,
        &note,
    )
    .await
}

/// Removes a company's tier set by hand.
#[server(prefix = "/fn", endpoint = "review/remove_tier")]
pub async fn remove_tier(job_id: i32, company_id: i32) -> Result<CompanyView, AppError> {
    server::review::remove_override(&server::state(), &server::actor()?, job_id, company_id).await
}

/// What "Retry failed" (or, with `refresh`, a fresh re-run) would run and cost.
#[server(prefix = "/fn", endpoint = "review/retry_plan")]
pub async fn plan_retry(id: i32, refresh: bool) -> Result<RetryPlan, AppError> {
    server::jobs::retry_plan(&server::state(), &server::actor()?, id, refresh).await
}
