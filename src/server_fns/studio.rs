//! Server functions behind the ICP studio; each calls `services::{rubrics,
//! rescore, backtest}`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::error::AppError;
use crate::domain::{
    backtest_report::BacktestReport,
    rubric::Rubric,
    studio::{RescorePlan, RubricSummary, RubricVersionView, VersionChoice},
    views::JobView,
};

#[cfg(feature = "ssr")]
mod server {
    pub use crate::server::services::{backtest, jobs::budget_cap, rescore, rubrics};
    pub use crate::server_fns::request::{actor, state};
}

/// Every rubric with its latest version.
#[server(prefix = "/fn", endpoint = "rubrics/list")]
pub async fn list_rubrics() -> Result<Vec<RubricSummary>, AppError> {
    server::rubrics::list(&server::state(), &server::actor()?).await
}

/// Every version of every rubric, for a re-score's choice.
#[server(prefix = "/fn", endpoint = "rubrics/choices")]
pub async fn rubric_choices() -> Result<Vec<VersionChoice>, AppError> {
    server::rubrics::choices(&server::state(), &server::actor()?).await
}

/// One version of a rubric (none: the latest), with its history.
#[server(prefix = "/fn", endpoint = "rubrics/version")]
pub async fn rubric_version(
    id: String,
    version: Option<i32>,
) -> Result<RubricVersionView, AppError> {
    server::rubrics::version(&server::state(), &server::actor()?, &id, version).await
}

/// Saves the editor's rubric as the next version (`based_on`: the version it started from).
#[server(prefix = "/fn", endpoint = "rubrics/save", input = Json)]
pub async fn save_rubric(
    id: String,
    rubric: Rubric,
    based_on: i32,
    note: Option<String>,
) -> Result<RubricVersionView, AppError> {
    server::rubrics::save(
        &server::state(),
        &server::actor()?,
        &id,
        rubric,
        based_on,
        note,
    )
    .await
}

/// A new rubric written in the editor (its id is made from its name when empty).
#[server(prefix = "/fn", endpoint = "rubrics/create", input = Json)]
pub async fn create_rubric(rubric: Rubric) -> Result<RubricVersionView, AppError> {
    server::rubrics::create(&server::state(), &server::actor()?, rubric, None).await
}

/// A copy of a version as a new rubric named `label`.
#[server(prefix = "/fn", endpoint = "rubrics/clone")]
pub async fn clone_rubric(version_id: i32, label: String) -> Result<RubricVersionView, AppError> {
    server::rubrics::clone_version(&server::state(), &server::actor()?, version_id, &label).await
}

/// A TOML rubric pasted or read from a file: a new rubric, or its next version.
#[server(prefix = "/fn", endpoint = "rubrics/import")]
pub async fn import_rubric(text: String) -> Result<RubricVersionView, AppError> {
    server::rubrics::import_toml(&server::state(), &server::actor()?, &text).await
}

/// What re-scoring the job with the version would do and cost.
#[server(prefix = "/fn", endpoint = "jobs/rescore_plan")]
pub async fn get_rescore_plan(id: i32, version_id: i32) -> Result<RescorePlan, AppError> {
    server::rescore::plan(&server::state(), &server::actor()?, id, version_id).await
}

/// Re-scores the job with the version (the form's fields) as a new, linked job.
#[server(prefix = "/fn", endpoint = "jobs/rescore")]
pub async fn rescore_job(
    id: i32,
    version_id: i32,
    budget_usd: Option<String>,
) -> Result<JobView, AppError> {
    let budget = server::budget_cap(budget_usd.as_deref())?;
    server::rescore::start(&server::state(), &server::actor()?, id, version_id, budget).await
}

/// The back-test report of a labelled job.
#[server(prefix = "/fn", endpoint = "jobs/backtest")]
pub async fn get_backtest(id: i32) -> Result<BacktestReport, AppError> {
    server::backtest::report(&server::state(), &server::actor()?, id).await
}
