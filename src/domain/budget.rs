//! Budgets: the most a job may spend, and what one company can cost at
//! worst, so a job pauses before a company that could take it past its cap
//! rather than after.

use serde::{Deserialize, Serialize};

/// Whose monthly budget: the whole deployment's, or the signed-in account's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BudgetScope {
    Team,
    You,
}

/// The monthly budgets in force: set by an admin in the app, else from the
/// environment (`MONTHLY_BUDGET_USD`, `MONTHLY_BUDGET_PER_USER_USD`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BudgetSettings {
    /// The whole team's budget per calendar month (UTC); none: no limit.
    pub team_usd: Option<f64>,
    /// Each account's budget per month, unless an admin set the account's own.
    pub each_account_usd: Option<f64>,
    /// Who last set them in the app, and when; none: the environment's values.
    pub set_by: Option<String>,
    pub set_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A monthly budget and what this calendar month (UTC) has used of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MonthBudget {
    pub scope: BudgetScope,
    pub budget_usd: f64,
    /// Spent by jobs started this month.
    pub spent_usd: f64,
    /// What unfinished jobs may still spend within their own budgets.
    pub set_aside_usd: f64,
}

impl MonthBudget {
    pub fn available(&self) -> f64 {
        (self.budget_usd - self.spent_usd - self.set_aside_usd).max(0.0)
    }

    fn whose(&self) -> &'static str {
        match self.scope {
            BudgetScope::Team => "the team's",
            BudgetScope::You => "your",
        }
    }

    /// "$1.20 of $50.00 this month (team)", for the dashboard.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} of {} spent this month ({})",
            usd(self.spent_usd),
            usd(self.budget_usd),
            match self.scope {
                BudgetScope::Team => "team",
                BudgetScope::You => "you",
            }
        );
        if self.set_aside_usd > 0.0 {
            text.push_str(&format!(
                ", {} set aside for running jobs",
                usd(self.set_aside_usd)
            ));
        }
        text
    }

    /// Why an action estimated at `estimate` may not start, with the numbers.
    pub fn refusal(&self, what: &str, estimate: f64) -> String {
        format!(
            "{what} is estimated at {}, and {} monthly budget has {} left ({} spent and {} set aside for running jobs, of {}). \
             Start fewer companies, or ask an admin to raise the budget.",
            usd(estimate),
            self.whose(),
            usd(self.available()),
            usd(self.spent_usd),
            usd(self.set_aside_usd),
            usd(self.budget_usd)
        )
    }
}

/// The budget a job gets under monthly budgets: what was asked (if
/// anything), never more than what the months have left, and without an
/// explicit cap twice the estimate (at least one company's worst case more),
/// so one job does not set aside a whole month.
pub fn job_cap(asked: Option<f64>, available: f64, estimate: f64, per_company: f64) -> f64 {
    let headroom = (estimate * 2.0).max(estimate + per_company);
    asked.unwrap_or(headroom).min(available)
}

/// The prices and limits that bound one company's cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompanyCeiling {
    pub searches: u32,
    pub credits_per_search: f64,
    pub usd_per_credit: f64,
    /// Prompt and completion tokens of one company's model calls, at most.
    pub prompt_tokens: f64,
    pub completion_tokens: f64,
    pub usd_per_million_prompt_tokens: f64,
    pub usd_per_million_completion_tokens: f64,
}

impl CompanyCeiling {
    /// The most one company can cost: every search attempt, and the model's
    /// calls at their limits.
    pub fn usd(&self) -> f64 {
        f64::from(self.searches) * self.credits_per_search * self.usd_per_credit
            + (self.prompt_tokens * self.usd_per_million_prompt_tokens
                + self.completion_tokens * self.usd_per_million_completion_tokens)
                / 1e6
    }
}

/// Companies that may start within `cap`, with `used` spent or set aside.
pub fn companies_that_fit(cap: f64, used: f64, per_company: f64) -> u64 {
    if per_company <= 0.0 {
        return u64::MAX;
    }
    let room = cap - used;
    if room < per_company {
        0
    } else {
        (room / per_company).floor() as u64
    }
}

/// The largest budget a person may set, in US dollars.
pub const MAX_BUDGET_USD: f64 = 1_000_000.0;

/// A budget as typed: blank is none; otherwise dollars above zero.
pub fn parse_cap(raw: &str) -> Result<Option<f64>, String> {
    let raw = raw.trim().trim_start_matches('$').trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.replace(',', "").parse::<f64>() {
        Ok(usd) if usd.is_finite() && usd > 0.0 && usd <= MAX_BUDGET_USD => Ok(Some(usd)),
        _ => Err(format!(
            "{raw:?} is not a budget: give US dollars above 0 (like 5 or 12.50), or leave it blank for none."
        )),
    }
}

/// Dollars as the app shows them: cents, or tenths of a cent below a dollar.
pub fn usd(value: f64) -> String {
    if value.abs() < 1.0 {
        format!("${value:.3}")
    } else {
        format!("${value:.2}")
    }
}

/// Why a job stopped at its budget, and what to do.
pub fn cap_reached(cap: f64, spent: f64, per_company: f64) -> String {
    format!(
        "Paused at its budget: {} of {} spent, and one more company can cost up to {}. Raise the budget to go on.",
        usd(spent),
        usd(cap),
        usd(per_company)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ceiling() -> CompanyCeiling {
        CompanyCeiling {
            searches: 2,
            credits_per_search: 2.0,
            usd_per_credit: 0.008,
            prompt_tokens: 10_000.0,
            completion_tokens: 2_348.0,
            usd_per_million_prompt_tokens: 0.25,
            usd_per_million_completion_tokens: 0.75,
        }
    }

    #[test]
    fn one_company_at_worst_pays_every_search_and_both_calls_at_their_limits() {
        let usd = ceiling().usd();
        assert!((usd - (0.032 + 0.0025 + 0.001761)).abs() < 1e-9, "{usd}");
    }

    #[test]
    fn only_companies_that_fit_whole_may_start() {
        assert_eq!(companies_that_fit(0.10, 0.0, 0.036), 2);
        assert_eq!(companies_that_fit(0.10, 0.07, 0.036), 0);
        assert_eq!(companies_that_fit(0.10, 0.11, 0.036), 0);
        assert_eq!(companies_that_fit(0.10, 0.064, 0.036), 1);
        assert_eq!(companies_that_fit(1.0, 0.0, 0.0), u64::MAX);
    }

    #[test]
    fn a_budget_is_dollars_above_zero_or_nothing() {
        assert_eq!(parse_cap(""), Ok(None));
        assert_eq!(parse_cap("  "), Ok(None));
        assert_eq!(parse_cap("5"), Ok(Some(5.0)));
        assert_eq!(parse_cap("$12.50"), Ok(Some(12.5)));
        assert_eq!(parse_cap("1,200"), Ok(Some(1200.0)));
        for bad in ["0", "-3", "abc", "NaN", "inf", "2000000"] {
            let error = parse_cap(bad).unwrap_err();
            assert!(error.contains("US dollars"), "{bad}: {error}");
        }
    }

    #[test]
    fn a_job_under_monthly_budgets_is_capped_by_what_is_left() {
        assert_eq!(job_cap(Some(5.0), 3.0, 1.0, 0.05), 3.0);
        assert_eq!(job_cap(Some(0.5), 3.0, 1.0, 0.05), 0.5);
        assert_eq!(job_cap(None, 30.0, 1.0, 0.05), 2.0);
        assert_eq!(job_cap(None, 30.0, 0.01, 0.05), 0.060000000000000005);
        assert_eq!(job_cap(None, 1.5, 1.0, 0.05), 1.5);
    }

    #[test]
    fn a_refusal_gives_every_number() {
        let month = MonthBudget {
            scope: BudgetScope::Team,
            budget_usd: 10.0,
            spent_usd: 8.5,
            set_aside_usd: 1.0,
        };
        assert_eq!(month.available(), 0.5);
        assert_eq!(
            month.refusal("This job", 2.0),
            "This job is estimated at $2.00, and the team's monthly budget has $0.500 left ($8.50 spent and $1.00 set aside for running jobs, of $10.00). \
             Start fewer companies, or ask an admin to raise the budget."
        );
        assert_eq!(
            month.summary(),
            "$8.50 of $10.00 spent this month (team), $1.00 set aside for running jobs"
        );
    }

    #[test]
    fn the_pause_says_what_was_spent_of_what_and_what_to_do() {
        assert_eq!(
            cap_reached(0.1, 0.072, 0.036),
            "Paused at its budget: $0.072 of $0.100 spent, and one more company can cost up to $0.036. Raise the budget to go on."
        );
    }
}
