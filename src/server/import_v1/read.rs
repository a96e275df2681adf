//! Rows of a v1 database, read by column name: v1 added columns over time
//! (`ALTER TABLE … ADD COLUMN` at start-up), so a column an older v1 never
//! had reads as empty instead of failing the import.

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult, Statement, TryGetable};

pub struct V1Job {
    pub id: i32,
    pub name: Option<String>,
    pub status: String,
    pub job_type: String,
    pub submitted_by: Option<String>,
    pub original_filename: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

pub struct V1Company {
    pub name: String,
    pub status: String,
    pub error_message: Option<String>,
    pub description: Option<String>,
    pub employee_count: Option<String>,
    pub total_funding: Option<String>,
    pub funding_millions: Option<f64>,
    pub last_round: Option<String>,
    pub investors: Option<String>,
    pub headquarters: Option<String>,
    pub founded_year: Option<i32>,
    pub industry: Option<String>,
    pub business_model: Option<String>,
    pub use_case_tier: Option<String>,
    pub use_case_label: Option<String>,
    pub reasoning: Option<String>,
    pub signals_positive: Option<String>,
    pub signals_negative: Option<String>,
    pub score_use_case: Option<i32>,
    pub score_scale_budget: Option<i32>,
    pub score_growth: Option<i32>,
    pub score_confidence: Option<i32>,
    pub score_total: Option<i32>,
    pub priority_tier: Option<String>,
    pub recommended_action: Option<String>,
    pub credits: f64,
    pub search_seconds: f64,
    pub llm_seconds: f64,
    pub llm_tokens: i64,
    pub created_at: Option<DateTime<Utc>>,
    pub researched_at: Option<DateTime<Utc>>,
    /// What v1 kept for its cache: whether it called the research verified,
    /// the validator's sentence, when, and the text it scored.
    pub cached: bool,
    pub verified: bool,
    pub validation_message: Option<String>,
    /// Only some v1 files recorded the validator's confidence.
    pub validation_confidence: Option<f64>,
    pub cached_at: Option<DateTime<Utc>>,
    pub formatted_results: Option<String>,
}

fn get<T: TryGetable>(row: &QueryResult, column: &str) -> Option<T> {
    row.try_get::<Option<T>>("", column).ok().flatten()
}

/// v1 wrote naive UTC times as text (SQLAlchemy's format), sometimes with a `T`.
fn time(row: &QueryResult, column: &str) -> Option<DateTime<Utc>> {
    if let Some(naive) = get::<NaiveDateTime>(row, column) {
        return Some(naive.and_utc());
    }
    let text: String = get(row, column)?;
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text.trim(), format).ok())
    .map(|naive| naive.and_utc())
}

/// A number SQLite may hold as a REAL or an INTEGER.
fn number(row: &QueryResult, column: &str) -> Option<f64> {
    get::<f64>(row, column).or_else(|| get::<i64>(row, column).map(|n| n as f64))
}

fn flag(row: &QueryResult, column: &str) -> bool {
    get::<i64>(row, column).is_some_and(|v| v != 0)
}

async fn all(db: &DatabaseConnection, sql: &str) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
}

pub async fn jobs(db: &DatabaseConnection) -> Result<Vec<V1Job>, DbErr> {
    let rows = all(db, "SELECT * FROM research_jobs ORDER BY id").await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(V1Job {
                id: get::<i64>(row, "id")? as i32,
                name: get(row, "name"),
                status: get(row, "status").unwrap_or_else(|| "completed".into()),
                job_type: get(row, "job_type").unwrap_or_else(|| "iaas".into()),
                submitted_by: get(row, "submitted_by"),
                original_filename: get(row, "original_filename"),
                created_at: time(row, "created_at"),
                started_at: time(row, "started_at"),
                completed_at: time(row, "completed_at"),
            })
        })
        .collect())
}

pub async fn companies(db: &DatabaseConnection, job_id: i32) -> Result<Vec<V1Company>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT * FROM companies WHERE job_id = ? ORDER BY id",
            [job_id.into()],
        ))
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let name: String = get(row, "name")?;
            Some(V1Company {
                name: name.trim().to_string(),
                status: get(row, "status").unwrap_or_else(|| "pending".into()),
                error_message: get(row, "error_message"),
                description: get(row, "description"),
                employee_count: get(row, "employee_count"),
                total_funding: get(row, "total_funding"),
                funding_millions: number(row, "funding_millions"),
                last_round: get(row, "last_round"),
                investors: get(row, "investors"),
                headquarters: get(row, "headquarters"),
                founded_year: get::<i64>(row, "founded_year").map(|y| y as i32),
                industry: get(row, "industry"),
                business_model: get(row, "business_model"),
                use_case_tier: get(row, "gpu_use_case_tier"),
                use_case_label: get(row, "gpu_use_case_label"),
                reasoning: get(row, "gpu_analysis_reasoning"),
                signals_positive: get(row, "signals_positive"),
                signals_negative: get(row, "signals_negative"),
                score_use_case: get::<i64>(row, "score_gpu_use_case").map(|v| v as i32),
                score_scale_budget: get::<i64>(row, "score_scale_budget").map(|v| v as i32),
                score_growth: get::<i64>(row, "score_growth_signals").map(|v| v as i32),
                score_confidence: get::<i64>(row, "score_confidence").map(|v| v as i32),
                score_total: get::<i64>(row, "score_total").map(|v| v as i32),
                priority_tier: get(row, "priority_tier"),
                recommended_action: get(row, "recommended_action"),
                credits: number(row, "tavily_credits_used").unwrap_or(0.0),
                search_seconds: number(row, "tavily_response_time").unwrap_or(0.0),
                llm_seconds: number(row, "llm_response_time").unwrap_or(0.0),
                llm_tokens: get(row, "llm_tokens_used").unwrap_or(0),
                created_at: time(row, "created_at"),
                researched_at: time(row, "researched_at"),
                cached: flag(row, "tavily_data_cached"),
                verified: flag(row, "tavily_data_verified"),
                validation_message: get(row, "tavily_validation_message"),
                validation_confidence: number(row, "tavily_validation_confidence"),
                cached_at: time(row, "tavily_cached_at"),
                formatted_results: get(row, "tavily_formatted_results"),
            })
        })
        .collect())
}
