//! The monthly budgets in force, and an admin setting them. Thin adapters
//! over `services::spend`.

use axum::{
    Json,
    extract::{State, rejection::JsonRejection},
};
use serde::Deserialize;

use super::{openapi::ErrorBody, review::body};
use crate::{
    domain::budget::BudgetSettings,
    server::{auth::Actor, services::spend, state::AppState},
    server_fns::error::AppError,
};

/// The team's monthly budget and each account's; null: none.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BudgetsBody {
    pub team_usd: Option<f64>,
    pub each_account_usd: Option<f64>,
}

/// GET /api/budgets: the monthly budgets in force.
#[utoipa::path(get, path = "/api/budgets", tag = "jobs", responses((status = 200, description = "The team's and each account's monthly budget, and who set them", body = BudgetSettings), (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<BudgetSettings>, AppError> {
    Ok(Json(spend::settings(&state, &actor).await?))
}

/// PUT /api/budgets: an admin sets the monthly budgets (replacing the environment's).
#[utoipa::path(put, path = "/api/budgets", tag = "jobs", request_body = BudgetsBody, responses((status = 200, description = "The budgets now in force", body = BudgetSettings), (status = 400, description = "Not a sum of dollars", body = ErrorBody), (status = 403, description = "Not an admin", body = ErrorBody)))]
pub async fn set(
    State(state): State<AppState>,
    actor: Actor,
    json: Result<Json<BudgetsBody>, JsonRejection>,
) -> Result<Json<BudgetSettings>, AppError> {
    let given = body(json)?;
    let typed = |b: Option<f64>| b.map(|b| b.to_string()).unwrap_or_default();
    Ok(Json(
        spend::set_settings(
            &state,
            &actor,
            &typed(given.team_usd),
            &typed(given.each_account_usd),
        )
        .await?,
    ))
}
