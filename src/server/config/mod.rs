//! Configuration from the environment (and an optional `.env`).
//!
//! Every variable has a documented default; v1's names are accepted as aliases
//! so a v1 deployment keeps its `.env`. A bad value stops start-up with one line
//! that names the variable. Keys are [`SecretString`]s: their `Debug` output is
//! redacted and they are never echoed in an error.

use std::time::Duration;

use secrecy::SecretString;

pub mod security;
mod upstream;

pub use security::{AuthMode, SecuritySettings};
pub use upstream::Upstream;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/territory_planner.db?mode=rwc";
pub const DEFAULT_TAVILY_BASE_URL: &str = "https://api.tavily.com";
pub const DEFAULT_LLM_BASE_URL: &str = "https://api.crusoe.ai/v1";
pub const DEFAULT_LLM_MODEL: &str = "meta-llama/Llama-3.3-70B-Instruct";

/// A configuration value that cannot be used. Displayed as one line naming the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub tavily: Upstream,
    pub llm: Upstream,
    pub llm_model: String,
    pub search_concurrency: usize,
    pub llm_concurrency: usize,
    pub cache_enabled: bool,
    pub cache_ttl_days: u32,
    pub validation_enabled: bool,
    pub validation_threshold: f64,
    pub max_search_attempts: u32,
    /// Companies failing upstream in a row that pause a job (0: never).
    pub outage_pause_after: u32,
    /// The first pause's wait before the job resumes by itself.
    pub outage_backoff: Duration,
    pub search_timeout: Duration,
    pub llm_timeout: Duration,
    pub log_format: LogFormat,
    pub rubrics_dir: std::path::PathBuf,
    pub evidence_budget_chars: usize,
    pub job_lease: Duration,
    pub upstream_retries: usize,
    pub retry_base_delay: Duration,
    pub llm_usd_per_million_prompt_tokens: f64,
    pub llm_usd_per_million_completion_tokens: f64,
    pub max_upload_bytes: usize,
    pub max_companies_per_job: usize,
    /// The most the whole deployment may spend in a calendar month (UTC), if capped.
    pub monthly_budget_usd: Option<f64>,
    /// The most each account may spend in a calendar month, if capped.
    pub monthly_budget_per_user_usd: Option<f64>,
    /// Where job notices are POSTed (finished, failed, cancelled, paused).
    pub webhook_url: Option<String>,
    /// Signs them (HMAC-SHA256); never logged.
    pub webhook_secret: Option<secrecy::SecretString>,
    pub security: SecuritySettings,
}

/// Reads variables through a lookup function, so tests can pass a map.
struct Vars<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Vars<'_> {
    /// The first non-blank value among `name` and its aliases, with the name it was found under.
    fn get(&self, name: &str, aliases: &[&str]) -> Option<(String, String)> {
        std::iter::once(name)
            .chain(aliases.iter().copied())
            .find_map(|var| {
                let value = (self.lookup)(var)?;
                let value = value.trim();
                (!value.is_empty()).then(|| (var.to_string(), value.to_string()))
            })
    }

    fn parse<T>(
        &self,
        name: &str,
        aliases: &[&str],
        default: T,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        match self.get(name, aliases) {
            None => Ok(default),
            Some((variable, value)) => parse(&value).map_err(|message| ConfigError {
                variable: describe(&variable, name),
                message,
            }),
        }
    }
}

fn describe(variable: &str, canonical: &str) -> String {
    if variable == canonical {
        variable.to_string()
    } else {
        format!("{variable} (v1 name of {canonical})")
    }
}

fn positive_count(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("must be at least 1, got 0".into()),
        Ok(n) if n > 10_000 => Err(format!("must be at most 10000, got {n}")),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("must be a whole number such as 10, got {value:?}")),
    }
}

fn fraction(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "must be a number from 0 to 1 such as 0.6, got {value:?}"
        )),
    }
}

fn flag(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("must be true or false, got {value:?}")),
    }
}

fn budget(value: &str) -> Result<Option<f64>, String> {
    crate::domain::budget::parse_cap(value)
}

fn seconds(value: &str) -> Result<Duration, String> {
    match value.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 3600.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "must be a number of seconds between 0 and 3600, got {value:?}"
        )),
    }
}

fn http_url(value: &str) -> Result<String, String> {
    let parsed = reqwest::Url::parse(value)
        .map_err(|e| format!("must be an http(s) URL such as https://api.example.com ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "must start with http:// or https://, got scheme {:?}",
            parsed.scheme()
        ));
    }
    Ok(value.trim_end_matches('/').to_string())
}

/// Accepts sqlx URLs as they are, and v1's SQLAlchemy SQLite forms
/// (`sqlite:///./relative.db`, `sqlite:////absolute.db`).
fn database_url(value: &str) -> Result<String, String> {
    let url = if let Some(absolute) = value.strip_prefix("sqlite:////") {
        format!("sqlite:///{absolute}")
    } else if let Some(relative) = value.strip_prefix("sqlite:///./") {
        format!("sqlite://{relative}")
    } else {
        value.to_string()
    };
    if url.starts_with("sqlite:") {
        Ok(if url.contains("mode=") || url.contains(":memory:") {
            url
        } else if url.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        })
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(url)
    } else {
        Err("must start with sqlite:// or postgres://".into())
    }
}

fn price(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x),
        _ => Err(format!(
            "must be a price in USD per million tokens such as 0.25, got {value:?}"
        )),
    }
}

fn budget_chars(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if (2_000..=400_000).contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a number of characters from 2000 to 400000, got {value:?}"
        )),
    }
}

fn log_format(value: &str) -> Result<LogFormat, String> {
    match value.to_ascii_lowercase().as_str() {
        "json" => Ok(LogFormat::Json),
        "text" | "pretty" | "plain" => Ok(LogFormat::Text),
        _ => Err(format!("must be json or text, got {value:?}")),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup` (a map in tests, the environment in production).
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars { lookup };
        let upstream = |key: (&str, &[&str]), url: (&str, &[&str]), default_url: &str| {
            let api_key = vars
                .get(key.0, key.1)
                .map(|(_, value)| SecretString::from(value));
            let base_url = match vars.get(url.0, url.1) {
                Some((variable, value)) => {
                    Some(http_url(&value).map_err(|message| ConfigError {
                        variable: describe(&variable, url.0),
                        message,
                    })?)
                }
                None => None,
            };
            Ok::<_, ConfigError>(match (api_key, base_url) {
                (None, None) => Upstream::Demo,
                (api_key, base_url) => Upstream::Remote {
                    base_url: base_url.unwrap_or_else(|| default_url.to_string()),
                    api_key,
                },
            })
        };

        let config = Config {
            database_url: vars.parse(
                "DATABASE_URL",
                &[],
                DEFAULT_DATABASE_URL.into(),
                database_url,
            )?,
            tavily: upstream(
                ("TAVILY_API_KEY", &[]),
                ("TAVILY_BASE_URL", &[]),
                DEFAULT_TAVILY_BASE_URL,
            )?,
            llm: upstream(
                ("LLM_API_KEY", &["CRUSOE_API_KEY"]),
                ("LLM_BASE_URL", &["CRUSOE_API_BASE_URL"]),
                DEFAULT_LLM_BASE_URL,
            )?,
            llm_model: vars
                .get("LLM_MODEL", &["CRUSOE_MODEL"])
                .map_or_else(|| DEFAULT_LLM_MODEL.to_string(), |(_, v)| v),
            search_concurrency: vars.parse(
                "SEARCH_CONCURRENCY",
                &["TAVILY_CONCURRENCY"],
                50,
                positive_count,
            )?,
            llm_concurrency: vars.parse("LLM_CONCURRENCY", &["BATCH_SIZE"], 10, positive_count)?,
            cache_enabled: vars.parse("CACHE_ENABLED", &["ENABLE_TAVILY_CACHING"], true, flag)?,
            cache_ttl_days: vars.parse("CACHE_TTL_DAYS", &[], 30, |v| {
                positive_count(v).map(|n| n as u32)
            })?,
            validation_enabled: vars.parse(
                "VALIDATION_ENABLED",
                &["TAVILY_VALIDATION_ENABLED"],
                true,
                flag,
            )?,
            validation_threshold: vars.parse(
                "VALIDATION_THRESHOLD",
                &["TAVILY_VALIDATION_THRESHOLD"],
                0.6,
                fraction,
            )?,
            max_search_attempts: vars.parse(
                "MAX_SEARCH_ATTEMPTS",
                &["TAVILY_MAX_VALIDATION_RETRIES"],
                2,
                |v| match positive_count(v) {
                    Ok(n) if n <= 5 => Ok(n as u32),
                    Ok(n) => Err(format!("must be from 1 to 5, got {n}")),
                    Err(e) => Err(e),
                },
            )?,
            outage_pause_after: vars.parse("OUTAGE_PAUSE_AFTER", &[], 5, |v| {
                v.parse::<u32>()
                    .map_err(|_| format!("must be a whole number (0 never pauses), got {v:?}"))
            })?,
            outage_backoff: vars.parse(
                "OUTAGE_BACKOFF_SECS",
                &[],
                Duration::from_secs(60),
                seconds,
            )?,
            search_timeout: vars.parse(
                "SEARCH_TIMEOUT_SECS",
                &["TAVILY_TIMEOUT"],
                Duration::from_secs(30),
                seconds,
            )?,
            llm_timeout: vars.parse(
                "LLM_TIMEOUT_SECS",
                &["LLM_TIMEOUT"],
                Duration::from_secs(60),
                seconds,
            )?,
            log_format: vars.parse("LOG_FORMAT", &[], LogFormat::Text, log_format)?,
            rubrics_dir: vars
                .get("RUBRICS_DIR", &[])
                .map_or_else(|| "rubrics".into(), |(_, v)| v.into()),
            evidence_budget_chars: vars.parse(
                "EVIDENCE_BUDGET_CHARS",
                &[],
                24_000,
                budget_chars,
            )?,
            job_lease: vars.parse("JOB_LEASE_SECS", &[], Duration::from_secs(30), seconds)?,
            upstream_retries: vars.parse("UPSTREAM_RETRIES", &["MAX_RETRIES"], 3, |v| {
                match v.parse::<usize>() {
                    Ok(n) if n <= 10 => Ok(n),
                    _ => Err(format!("must be a whole number from 0 to 10, got {v:?}")),
                }
            })?,
            retry_base_delay: vars.parse(
                "RETRY_BASE_DELAY_SECS",
                &["RETRY_BASE_DELAY"],
                Duration::from_millis(500),
                seconds,
            )?,
            llm_usd_per_million_prompt_tokens: vars.parse(
                "LLM_USD_PER_MILLION_PROMPT_TOKENS",
                &[],
                0.25,
                price,
            )?,
            llm_usd_per_million_completion_tokens: vars.parse(
                "LLM_USD_PER_MILLION_COMPLETION_TOKENS",
                &[],
                0.75,
                price,
            )?,
            max_upload_bytes: vars.parse(
                "MAX_UPLOAD_MB",
                &["MAX_CSV_SIZE_MB"],
                10_000_000,
                |v| match v.parse::<usize>() {
                    Ok(n) if (1..=500).contains(&n) => Ok(n * 1_000_000),
                    _ => Err(format!(
                        "must be a number of megabytes from 1 to 500, got {v:?}"
                    )),
                },
            )?,
            max_companies_per_job: vars.parse(
                "MAX_COMPANIES_PER_JOB",
                &[],
                5_000,
                positive_count,
            )?,
            monthly_budget_usd: vars.parse("MONTHLY_BUDGET_USD", &[], None, budget)?,
            monthly_budget_per_user_usd: vars.parse(
                "MONTHLY_BUDGET_PER_USER_USD",
                &[],
                None,
                budget,
            )?,
            webhook_url: vars.parse("WEBHOOK_URL", &[], None, |v| http_url(v).map(Some))?,
            webhook_secret: vars
                .get("WEBHOOK_SECRET", &[])
                .map(|(_, secret)| secrecy::SecretString::from(secret)),
            security: SecuritySettings::read(&vars)?,
        };
        upstream::both_or_neither(&config.tavily, &config.llm)?;
        Ok(config)
    }

    /// The database backend's name, for display and health reports.
    pub fn database_backend(&self) -> &'static str {
        if self.database_url.starts_with("sqlite:") {
            "sqlite"
        } else {
            "postgres"
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret;

    use super::*;

    pub(super) fn load(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(&|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let config = load(&[]).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.search_concurrency, 50);
        assert_eq!(config.llm_concurrency, 10);
        assert_eq!(config.cache_ttl_days, 30);
        assert_eq!(config.validation_threshold, 0.6);
        assert_eq!(config.max_search_attempts, 2);
        assert_eq!(config.llm_model, DEFAULT_LLM_MODEL);
        assert!(config.tavily.is_demo() && config.llm.is_demo());
    }

    #[test]
    fn v1_names_are_accepted_as_aliases() {
        let config = load(&[
            ("TAVILY_API_KEY", "tvly-k"),
            ("CRUSOE_API_KEY", "k-llm"),
            ("CRUSOE_API_BASE_URL", "https://llm.example.com/v1/"),
            ("CRUSOE_MODEL", "some/model"),
            ("TAVILY_CONCURRENCY", "7"),
            ("BATCH_SIZE", "3"),
            ("ENABLE_TAVILY_CACHING", "false"),
            ("TAVILY_VALIDATION_ENABLED", "False"),
            ("TAVILY_VALIDATION_THRESHOLD", "0.1"),
            ("TAVILY_MAX_VALIDATION_RETRIES", "3"),
        ])
        .unwrap();
        match &config.llm {
            Upstream::Remote { base_url, api_key } => {
                assert_eq!(base_url, "https://llm.example.com/v1");
                assert_eq!(api_key.as_ref().unwrap().expose_secret(), "k-llm");
            }
            Upstream::Demo => panic!("a configured key is not demo mode"),
        }
        assert_eq!(config.llm_model, "some/model");
        assert_eq!(config.search_concurrency, 7);
        assert_eq!(config.llm_concurrency, 3);
        assert!(!config.cache_enabled);
        assert!(!config.validation_enabled);
        assert_eq!(config.validation_threshold, 0.1);
        assert_eq!(config.max_search_attempts, 3);
    }

    #[test]
    fn new_names_win_over_v1_aliases() {
        let config = load(&[("LLM_CONCURRENCY", "4"), ("BATCH_SIZE", "9")]).unwrap();
        assert_eq!(config.llm_concurrency, 4);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = load(&[("VALIDATION_THRESHOLD", "abc")]).unwrap_err();
        assert_eq!(err.variable, "VALIDATION_THRESHOLD");
        assert!(
            err.to_string()
                .starts_with("VALIDATION_THRESHOLD: must be a number from 0 to 1")
        );

        let err = load(&[("SEARCH_CONCURRENCY", "0")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "SEARCH_CONCURRENCY: must be at least 1, got 0"
        );

        let err = load(&[("BATCH_SIZE", "-3")]).unwrap_err();
        assert_eq!(err.variable, "BATCH_SIZE (v1 name of LLM_CONCURRENCY)");

        let err = load(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(err.variable, "DATABASE_URL");

        let err = load(&[("TAVILY_BASE_URL", "ftp://x")]).unwrap_err();
        assert_eq!(err.variable, "TAVILY_BASE_URL");

        let err = load(&[("CACHE_ENABLED", "maybe")]).unwrap_err();
        assert_eq!(err.variable, "CACHE_ENABLED");
    }

    #[test]
    fn keys_never_appear_in_debug_output_or_errors() {
        let config = load(&[
            ("TAVILY_API_KEY", "tvly-SECRET123"),
            ("LLM_API_KEY", "llm-SECRET456"),
        ])
        .unwrap();
        let debug = format!("{config:?}");
        assert!(
            !debug.contains("SECRET123") && !debug.contains("SECRET456"),
            "{debug}"
        );
    }

    #[test]
    fn v1_sqlalchemy_sqlite_urls_are_translated() {
        let relative = load(&[("DATABASE_URL", "sqlite:///./data/territory_planner.db")]).unwrap();
        assert_eq!(
            relative.database_url,
            "sqlite://data/territory_planner.db?mode=rwc"
        );
        let absolute = load(&[("DATABASE_URL", "sqlite:////mnt/data/tp.db")]).unwrap();
        assert_eq!(absolute.database_url, "sqlite:///mnt/data/tp.db?mode=rwc");
        let postgres = load(&[("DATABASE_URL", "postgres://u@h/db")]).unwrap();
        assert_eq!(postgres.database_backend(), "postgres");
    }

    #[test]
    fn a_base_url_without_a_key_is_a_keyless_remote_not_demo() {
        let config = load(&[
            ("LLM_BASE_URL", "http://127.0.0.1:11434/v1"),
            ("TAVILY_BASE_URL", "http://127.0.0.1:8787"),
        ])
        .unwrap();
        assert!(!config.llm.is_demo() && !config.tavily.is_demo());
        assert!(!config.llm.has_key());
    }

    #[test]
    fn one_real_provider_and_one_built_in_fake_is_refused_naming_what_is_missing() {
        let error = load(&[("TAVILY_API_KEY", "tvly-x")]).unwrap_err();
        assert_eq!(error.variable, "LLM_API_KEY");
        assert!(
            error.to_string().contains("TAVILY_API_KEY is set"),
            "{error}"
        );
        let error = load(&[("LLM_BASE_URL", "http://127.0.0.1:11434/v1")]).unwrap_err();
        assert_eq!(error.variable, "TAVILY_API_KEY");
    }
}
