//! Monthly budgets: the team's and each account's, set by an admin in the
//! app (else `MONTHLY_BUDGET_USD` and `MONTHLY_BUDGET_PER_USER_USD`), and an
//! account's own where an admin set one. A job starts only if its
//! estimate fits in what every budget that applies has left, and then gets
//! its own budget within that, so jobs running side by side cannot together
//! pass a month's budget.

use chrono::{Datelike, TimeZone, Utc};

use super::audit;
use crate::{
    domain::budget::{BudgetScope, BudgetSettings, MonthBudget, job_cap, parse_cap, usd},
    server::{
        auth::Actor,
        db::{accounts, budgets, entities::job},
        state::AppState,
    },
    server_fns::error::AppError,
};

const TEAM: &str = "team";
const EACH_ACCOUNT: &str = "each_account";

/// The monthly budgets in force: the app's, else the environment's.
pub async fn settings(state: &AppState, _actor: &Actor) -> Result<BudgetSettings, AppError> {
    let mut found = BudgetSettings {
        team_usd: state.config.monthly_budget_usd,
        each_account_usd: state.config.monthly_budget_per_user_usd,
        set_by: None,
        set_at: None,
    };
    for row in budgets::settings(&state.db).await? {
        match row.scope.as_str() {
            TEAM => found.team_usd = row.budget_usd,
            EACH_ACCOUNT => found.each_account_usd = row.budget_usd,
            _ => continue,
        }
        if found.set_at.is_none_or(|at| at < row.set_at) {
            found.set_at = Some(row.set_at);
            found.set_by = Some(row.set_by);
        }
    }
    Ok(found)
}

/// An admin sets the team's monthly budget and each account's (as typed; blank: none).
pub async fn set_settings(
    state: &AppState,
    actor: &Actor,
    team: &str,
    each_account: &str,
) -> Result<BudgetSettings, AppError> {
    actor.require_admin("set the monthly budgets")?;
    let team = parse_cap(team).map_err(|e| AppError::BadRequest(format!("Team budget: {e}")))?;
    let each = parse_cap(each_account)
        .map_err(|e| AppError::BadRequest(format!("Each account's budget: {e}")))?;
    budgets::set_setting(&state.db, TEAM, team, &actor.label()).await?;
    budgets::set_setting(&state.db, EACH_ACCOUNT, each, &actor.label()).await?;
    let shown = |b: Option<f64>| b.map_or_else(|| "none".to_string(), usd);
    audit(
        state,
        actor,
        "budget.set",
        "monthly budgets".into(),
        Some(format!(
            "team {}, each account {}",
            shown(team),
            shown(each)
        )),
    )
    .await;
    settings(state, actor).await
}

/// The team's budget and this actor's own, where they exist.
async fn limits(state: &AppState, actor: &Actor) -> Result<(Option<f64>, Option<f64>), AppError> {
    let set = settings(state, actor).await?;
    let mine = match actor.user_id {
        Some(id) => accounts::find_user(&state.db, id)
            .await?
            .and_then(|u| u.monthly_budget_usd)
            .or(set.each_account_usd),
        None => None,
    };
    Ok((set.team_usd, mine))
}

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
    let (team, mine) = limits(state, actor).await?;
    if let Some(budget) = team {
        let month = budgets::month(&state.db, since, None).await?;
        found.push(MonthBudget {
            scope: BudgetScope::Team,
            budget_usd: budget,
            spent_usd: month.spent,
            set_aside_usd: month.set_aside,
        });
    }
    if let (Some(budget), Some(user)) = (mine, actor.user_id) {
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

/// Whether any monthly budget applies to this actor (else an action is not priced to be admitted).
pub async fn has_monthly_budgets(state: &AppState, actor: &Actor) -> Result<bool, AppError> {
    let (team, mine) = limits(state, actor).await?;
    Ok(team.is_some() || mine.is_some())
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

/// Admits more work on a job under the monthly budgets (a retry, a fresh
/// re-run, a company researched again): refused with 402 and the numbers,
/// else the job's budget grows by what the new work may spend.
pub async fn admit_more(
    state: &AppState,
    actor: &Actor,
    job: &job::Model,
    what: &str,
    estimate: f64,
) -> Result<(), AppError> {
    if let Some(extra) = admit(state, actor, what, estimate, None).await? {
        let per_company = state.engine.company_ceiling_usd();
        // Room for at least one company is what `admit` just checked.
        let _ = budgets::set(&state.db, job.id, Some(job.cost_usd + extra), per_company).await?;
    }
    Ok(())
}
