//! Server functions behind schedules; each calls `services::schedules`.

use leptos::prelude::*;

use super::error::AppError;
use crate::domain::schedule::ScheduleView;

#[cfg(feature = "ssr")]
mod server {
    pub use crate::server::services::schedules::{self, ScheduleRequest};
    pub use crate::server_fns::request::{actor, state};
}

/// Every schedule of the team, the next to run first.
#[server(prefix = "/fn", endpoint = "schedules/list")]
pub async fn list_schedules() -> Result<Vec<ScheduleView>, AppError> {
    server::schedules::list(&server::state(), &server::actor()?).await
}

/// Runs a job's list again every `every_days` days (the form's fields).
#[server(prefix = "/fn", endpoint = "schedules/create")]
pub async fn create_schedule(
    job_id: i32,
    every_days: String,
    budget_usd: Option<String>,
    first_run_at: Option<String>,
) -> Result<ScheduleView, AppError> {
    let request = server::ScheduleRequest {
        job_id,
        every_days,
        budget_usd,
        first_run_at,
    };
    server::schedules::create(&server::state(), &server::actor()?, request).await
}

/// Stops a schedule (its runs stay).
#[server(prefix = "/fn", endpoint = "schedules/delete")]
pub async fn delete_schedule(id: i32) -> Result<(), AppError> {
    server::schedules::delete(&server::state(), &server::actor()?, id).await
}
