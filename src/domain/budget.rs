//! Budgets: the most a job may spend, and what one company can cost at
//! worst, so a job pauses before a company that could take it past its cap
//! rather than after.

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
    fn the_pause_says_what_was_spent_of_what_and_what_to_do() {
        assert_eq!(
            cap_reached(0.1, 0.072, 0.036),
            "Paused at its budget: $0.072 of $0.100 spent, and one more company can cost up to $0.036. Raise the budget to go on."
        );
    }
}
