//! What the engine is configured with: limits, leases, validation, prices, the cache.

use std::time::Duration;

use crate::domain::{budget::CompanyCeiling, evidence::Budget};

/// Prices used for the cost estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pricing {
    pub usd_per_credit: f64,
    pub usd_per_million_prompt_tokens: f64,
    pub usd_per_million_completion_tokens: f64,
}

impl Default for Pricing {
    fn default() -> Self {
        Self {
            usd_per_credit: crate::domain::job::USD_PER_TAVILY_CREDIT,
            usd_per_million_prompt_tokens: 0.25,
            usd_per_million_completion_tokens: 0.75,
        }
    }
}

#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub search_concurrency: usize,
    pub llm_concurrency: usize,
    pub validation_enabled: bool,
    pub validation_threshold: f64,
    pub max_search_attempts: u32,
    pub budget: Budget,
    /// Characters of evidence the validator sees (an excerpt of every source).
    pub validation_chars: usize,
    /// A company claim (and an instance's registration) not renewed for
    /// this long is taken over by another instance.
    pub lease: Duration,
    pub pricing: Pricing,
    pub cache: CachePolicy,
    pub outage: OutagePolicy,
    /// Where job notices go (none: nowhere).
    pub webhook: Option<super::webhook::WebhookSettings>,
    /// The scoring model: part of what the score cache keys on.
    pub llm_model: String,
}

/// When an upstream outage pauses a job, and for how long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutagePolicy {
    /// Companies of a job failing upstream one after the other that pause
    /// it (0: never pause; each company fails on its own).
    pub pause_after: u32,
    /// The first pause's wait before the job resumes by itself (doubled at each pause).
    pub backoff: Duration,
}

impl Default for OutagePolicy {
    fn default() -> Self {
        Self {
            pause_after: 5,
            backoff: Duration::from_secs(60),
        }
    }
}

impl EngineSettings {
    /// The most one company can cost with these settings: every search
    /// attempt, each check asked twice, scoring asked twice, each call's
    /// prompt at the evidence budget (three characters a token, instructions
    /// included) and its answer at its token limit.
    pub fn company_ceiling(&self, credits_per_search: f64) -> CompanyCeiling {
        let attempts = self.max_search_attempts.max(1);
        let checks = f64::from(attempts) * 2.0;
        CompanyCeiling {
            searches: attempts,
            credits_per_search,
            usd_per_credit: self.pricing.usd_per_credit,
            prompt_tokens: checks * (self.validation_chars as f64 / 3.0 + 1_000.0)
                + 2.0 * (self.budget.total_chars as f64 / 3.0 + 4_000.0),
            completion_tokens: checks * 300.0 + 2.0 * 2_048.0,
            usd_per_million_prompt_tokens: self.pricing.usd_per_million_prompt_tokens,
            usd_per_million_completion_tokens: self.pricing.usd_per_million_completion_tokens,
        }
    }
}

/// Whether verified research is shared across jobs, and for how long.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CachePolicy {
    pub enabled: bool,
    pub ttl_days: u32,
}

impl Default for CachePolicy {
    fn default() -> Self {
        Self {
            enabled: true,
            ttl_days: 30,
        }
    }
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            search_concurrency: 50,
            llm_concurrency: 10,
            validation_enabled: true,
            validation_threshold: 0.6,
            max_search_attempts: 2,
            budget: Budget::default(),
            validation_chars: 8_000,
            lease: Duration::from_secs(30),
            pricing: Pricing::default(),
            cache: CachePolicy::default(),
            outage: OutagePolicy::default(),
            webhook: None,
            llm_model: String::new(),
        }
    }
}
