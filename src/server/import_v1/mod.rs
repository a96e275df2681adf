//! `territory_planner import-v1 <v1's SQLite file>`: a team moving from v1
//! keeps its history. v1's jobs and companies become finished jobs here
//! (in the job list, with their scores); v1's cached searches go into the
//! research cache only where they were verified at `VALIDATION_THRESHOLD`
//! or above, and only while the cache's TTL still counts them fresh. The v1
//! file is opened read-only; importing twice adds nothing the second time.

mod formatted;
mod read;
mod write;

use std::{collections::HashMap, process::ExitCode};

use chrono::Utc;
use sea_orm::{DatabaseConnection, DbErr};

use self::read::V1Company;
use crate::{
    domain::{
        company_name::cache_key,
        evidence::{self, Budget},
        verdict::Verdict,
    },
    server::{
        config::Config,
        db::{
            self,
            cache::{self, CacheKey, NewEntry},
        },
    },
};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "usage: territory_planner import-v1 <path to v1's SQLite file> [--v1-threshold <0..1>]"
    )]
    Usage,
    #[error("{0}")]
    Config(#[from] crate::server::config::ConfigError),
    #[error("there is no file {0}")]
    Missing(String),
    #[error("{0} is not a v1 database: it has no research_jobs table")]
    NotV1(String),
    #[error("cannot read the v1 file {path}: {error}")]
    ReadV1 { path: String, error: DbErr },
    #[error(transparent)]
    Target(#[from] db::DbSetupError),
    #[error(
        "import stopped by a database error (jobs imported so far stay, and a new run skips them): {0}"
    )]
    Database(#[from] DbErr),
}

/// What the import is told: where v1's research may go, and how it is cut.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    pub validation_threshold: f64,
    /// The threshold v1 itself ran with (TAVILY_VALIDATION_THRESHOLD; its
    /// code's default was 0.1): what "verified" meant in a v1 file that did
    /// not record the validator's confidence.
    pub v1_threshold: f64,
    pub cache_enabled: bool,
    pub cache_ttl_days: u32,
    pub budget: Budget,
}

/// What an import did, printed line by line.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub jobs: usize,
    pub already_imported: usize,
    pub companies: usize,
    pub scored: usize,
    pub cached: usize,
    /// v1 research left out of the cache, and why.
    pub not_verified: usize,
    pub below_threshold: usize,
    pub expired: usize,
    pub unreadable: usize,
}

impl Report {
    pub fn lines(&self, settings: &ImportSettings) -> Vec<String> {
        let mut lines = vec![
            format!(
                "jobs: {} imported as finished jobs{}",
                self.jobs,
                if self.already_imported > 0 {
                    format!(", {} imported before (skipped)", self.already_imported)
                } else {
                    String::new()
                }
            ),
            format!(
                "companies: {} ({} with scores)",
                self.companies, self.scored
            ),
            format!("research cache: {} entries from v1", self.cached),
        ];
        if self.below_threshold > 0 {
            lines.push(format!(
                "  {} left out: v1 verified them at confidence {} or more, below VALIDATION_THRESHOLD {} \
                 (if your v1 ran with a higher TAVILY_VALIDATION_THRESHOLD, import again with --v1-threshold <it>)",
                self.below_threshold, settings.v1_threshold, settings.validation_threshold
            ));
        }
        for (count, why) in [
            (
                self.not_verified,
                "not verified by v1's validator (failed, errored or skipped)",
            ),
            (self.expired, "older than CACHE_TTL_DAYS"),
            (self.unreadable, "no sources could be read from v1's text"),
        ] {
            if count > 0 {
                lines.push(format!("  {count} left out: {why}"));
            }
        }
        lines
    }
}

/// Imports every v1 job not imported yet, then v1's verified research.
pub async fn import(
    target: &DatabaseConnection,
    v1: &DatabaseConnection,
    settings: &ImportSettings,
) -> Result<Report, DbErr> {
    let mut report = Report::default();
    // The newest verified research per rubric and company key.
    let mut research: HashMap<(String, String), V1Company> = HashMap::new();
    for job in read::jobs(v1).await? {
        let companies = read::companies(v1, job.id).await?;
        if write::already_imported(target, job.id).await? {
            report.already_imported += 1;
        } else {
            report.scored += write::job(target, &job, &companies).await?;
            report.jobs += 1;
            report.companies += companies.len();
        }
        for company in companies {
            if !(company.cached && company.formatted_results.is_some()) {
                continue;
            }
            let key = (job.job_type.clone(), cache_key(&company.name, None));
            let newer = research
                .get(&key)
                .is_none_or(|kept| kept.cached_at < company.cached_at);
            if newer {
                research.insert(key, company);
            }
        }
    }
    if settings.cache_enabled {
        for ((target_type, key), company) in research {
            cache_research(target, settings, &mut report, target_type, key, company).await?;
        }
    }
    Ok(report)
}

/// v1's research for one company, into the cache if it was verified well enough.
async fn cache_research(
    db: &DatabaseConnection,
    settings: &ImportSettings,
    report: &mut Report,
    target_type: String,
    key: String,
    company: V1Company,
) -> Result<(), DbErr> {
    let message = company.validation_message.clone().unwrap_or_default();
    // v1 failed open: a validator error or a disabled check also marked research verified.
    if !company.verified
        || message.starts_with("Validation error")
        || message.starts_with("Validation skipped")
    {
        report.not_verified += 1;
        return Ok(());
    }
    let confidence = company
        .validation_confidence
        .unwrap_or(settings.v1_threshold);
    if confidence < settings.validation_threshold {
        report.below_threshold += 1;
        return Ok(());
    }
    let fetched_at = company.cached_at.unwrap_or_else(Utc::now);
    if crate::domain::cache::expires_at(fetched_at, settings.cache_ttl_days) <= Utc::now() {
        report.expired += 1;
        return Ok(());
    }
    let text = company.formatted_results.as_deref().unwrap_or_default();
    let evidence = evidence::prepare(&company.name, &formatted::sources(text), &settings.budget);
    if evidence.is_empty() {
        report.unreadable += 1;
        return Ok(());
    }
    let key = CacheKey { key, target_type };
    // Research this version fetched since is newer: it stays.
    if cache::lookup(db, &key, Utc::now())
        .await?
        .is_some_and(|entry| entry.fetched_at >= fetched_at)
    {
        return Ok(());
    }
    cache::store(
        db,
        NewEntry {
            key: &key,
            display_name: &company.name,
            website: None,
            evidence: &evidence,
            verdict: &Verdict {
                valid: true,
                confidence,
                verdict: message,
                issues: vec![],
                candidates: vec![],
            },
            fetched_at,
            ttl_days: settings.cache_ttl_days,
            credits: company.credits,
            search_seconds: company.search_seconds,
        },
    )
    .await?;
    report.cached += 1;
    Ok(())
}

fn parse_args(args: &[String]) -> Result<(String, Option<f64>), ImportError> {
    let mut path = None;
    let mut v1_threshold = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--v1-threshold" => {
                let value = rest.next().ok_or(ImportError::Usage)?;
                let parsed = value.parse::<f64>().map_err(|_| ImportError::Usage)?;
                if !(0.0..=1.0).contains(&parsed) {
                    return Err(ImportError::Usage);
                }
                v1_threshold = Some(parsed);
            }
            _ if path.is_none() && !arg.starts_with("--") => path = Some(arg.clone()),
            _ => return Err(ImportError::Usage),
        }
    }
    Ok((path.ok_or(ImportError::Usage)?, v1_threshold))
}

async fn run_import(args: &[String]) -> Result<(String, Report, ImportSettings), ImportError> {
    let (path, v1_threshold) = parse_args(args)?;
    if !std::path::Path::new(&path).is_file() {
        return Err(ImportError::Missing(path));
    }
    // The same .env as the server's.
    let _ = dotenvy::dotenv();
    let config = Config::from_env()?;
    let settings = ImportSettings {
        validation_threshold: config.validation_threshold,
        v1_threshold: v1_threshold.unwrap_or(0.1),
        cache_enabled: config.cache_enabled,
        cache_ttl_days: config.cache_ttl_days,
        budget: Budget::default().with_total(config.evidence_budget_chars),
    };
    let v1 = db::open_sqlite_read_only(&path)
        .await
        .map_err(|error| ImportError::ReadV1 {
            path: path.clone(),
            error,
        })?;
    let is_v1 = db::is_v1_database(&v1)
        .await
        .map_err(|error| ImportError::ReadV1 {
            path: path.clone(),
            error,
        })?;
    if !is_v1 {
        return Err(ImportError::NotV1(path));
    }
    let target = db::connect_and_migrate(&config.database_url).await?;
    let report = import(&target, &v1, &settings).await?;
    Ok((path, report, settings))
}

/// The command: prints what it imported, or one line saying what to fix.
pub async fn run(args: &[String]) -> ExitCode {
    match run_import(args).await {
        Ok((path, report, settings)) => {
            println!("Imported from v1 ({path}):");
            for line in report.lines(&settings) {
                println!("  {line}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("territory_planner import-v1: {error}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_command_takes_a_path_and_an_optional_v1_threshold() {
        assert_eq!(
            parse_args(&args(&["v1.db"])).unwrap(),
            ("v1.db".to_string(), None)
        );
        assert_eq!(
            parse_args(&args(&["v1.db", "--v1-threshold", "0.6"])).unwrap(),
            ("v1.db".to_string(), Some(0.6))
        );
        for bad in [
            &[][..],
            &["v1.db", "--v1-threshold"],
            &["v1.db", "--v1-threshold", "6"],
            &["a.db", "b.db"],
            &["--force", "v1.db"],
        ] {
            assert!(
                matches!(parse_args(&args(bad)), Err(ImportError::Usage)),
                "{bad:?}"
            );
        }
    }
}
