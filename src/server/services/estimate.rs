//! What research would cost, said before anything is spent: two Tavily
//! credits per company that needs a search (a second search is rarely
//! needed), plus the model's tokens for every company.

use crate::{
    domain::{company_name::cache_key, views::Estimate},
    server::{db::cache, state::AppState},
    server_fns::error::AppError,
};

/// Credits of one company's first search.
const CREDITS_PER_COMPANY: f64 = 2.0;
/// Tokens of one company's validation and scoring, as measured on the fake upstream's prompts.
const PROMPT_TOKENS: f64 = 6_000.0;
const COMPLETION_TOKENS: f64 = 700.0;

pub fn estimate(state: &AppState, companies: usize, to_research: usize) -> Estimate {
    let pricing = state.engine.settings().pricing;
    let credits = CREDITS_PER_COMPANY * to_research as f64;
    let llm_usd = companies as f64
        * (PROMPT_TOKENS * pricing.usd_per_million_prompt_tokens
            + COMPLETION_TOKENS * pricing.usd_per_million_completion_tokens)
        / 1e6;
    Estimate {
        companies,
        to_research,
        credits,
        usd: credits * pricing.usd_per_credit + llm_usd,
    }
}

/// Tokens of one scoring call alone (a re-score makes no search and no validation).
const SCORING_PROMPT_TOKENS: f64 = 3_500.0;
const SCORING_COMPLETION_TOKENS: f64 = 500.0;

/// What `calls` scoring calls cost (a re-score's price: no search, no validation).
pub fn scoring(state: &AppState, calls: usize) -> f64 {
    let pricing = state.engine.settings().pricing;
    calls as f64
        * (SCORING_PROMPT_TOKENS * pricing.usd_per_million_prompt_tokens
            + SCORING_COMPLETION_TOKENS * pricing.usd_per_million_completion_tokens)
        / 1e6
}

/// How many of these companies (name, website) the research cache can serve
/// for this rubric now (none when the cache is off or `fresh` research is asked for).
pub async fn cached(
    state: &AppState,
    target_type: &str,
    companies: impl Iterator<Item = (&str, Option<&str>)>,
    fresh: bool,
) -> Result<usize, AppError> {
    if !state.config.cache_enabled || fresh {
        return Ok(0);
    }
    let keys: Vec<String> = companies
        .map(|(name, website)| cache_key(name, website))
        .collect();
    Ok(cache::count_servable(&state.db, target_type, &keys, chrono::Utc::now()).await?)
}
