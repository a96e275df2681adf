//! Monthly budgets: the deployment's (`MONTHLY_BUDGET_USD`) and each
//! account's (`MONTHLY_BUDGET_PER_USER_USD`). A job starts only if its
//! estimate fits in what every budget that applies has left, and then gets
//! its own budget within that, so jobs running side by side cannot together
//! pass a month's budget.

use chrono::{Datelike, TimeZone, Utc};

use crate::{
    domain::budget::{BudgetScope, MonthBudget, job_cap},
    server::{auth::Actor, db::budgets, state::AppState},
    server_fns::error::AppError,
};

/// The first instant of this calendar month, UTC.
fn month_start() -> chrono::DateTime<Utc> {
    let now = Utc::now();
    Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
}

/// The monthly budgets that apply to this actor, with this month's use.
pub async fn month_budgets(state: &AppState, actor: &Actor) -> Result<Vec<MonthBudget>, AppError> {
    let since = month_start();
    let mut found = Vec::new();
    if let Some(budget) = state.config.monthly_budget_usd {
        let month = budgets::month(&state.db, since, None).await?;
        found.push(MonthBudget {
            scope: BudgetScope::Team,
            budget_usd: budget,
            spent_usd: month.spent,
            set_aside_usd: month.set_aside,
        });
    }
    if let (Some(budget), Some(user)) = (state.config.monthly_budget_per_user_usd, actor.user_id) {
        let month = budgets::month(&state.db, since, Some(user)).await?;
        found.push(MonthBudget {
            scope: BudgetScope::You,
            budget_usd: budget,
            spent_usd: month.spent,
            set_aside_usd: month.set_aside,
        });
    }
    Ok(found)
}

pub fn has_monthly_budgets(state: &AppState) -> bool {
    state.config.monthly_budget_usd.is_some() || state.config.monthly_budget_per_user_usd.is_some()
}

/// Admits an action estimated at `estimate` under the monthly budgets:
/// refused (402, with the numbers) if one has less left; else the budget the
/// job runs under (`asked`, or one within what is left). Without monthly
/// budgets, `asked` as it is.
pub async fn admit(
    state: &AppState,
    actor: &Actor,
    what: &str,
    estimate: f64,
    asked: Option<f64>,
) -> Result<Option<f64>, AppError> {
    let months = month_budgets(state, actor).await?;
    if months.is_empty() {
        return Ok(asked);
    }
    if let Some(short) = months.iter().find(|m| m.available() < estimate) {
        return Err(AppError::PaymentRequired(short.refusal(what, estimate)));
    }
    let available = months
        .iter()
        .map(MonthBudget::available)
        .fold(f64::INFINITY, f64::min);
    Ok(Some(job_cap(
        asked,
        available,
        estimate,
        state.engine.company_ceiling_usd(),
    )))
}
