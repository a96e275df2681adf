//! Coming from v1: `territory_planner import-v1 <file>` (the real binary)
//! imports a v1-shaped SQLite file built here from v1's documented schema,
//! and the server refuses to start on such a file without writing to it.

use std::{path::Path, process::Output};

use chrono::{Duration as Days, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, QueryOrder};
use territory_planner::{
    domain::{company_name::cache_key, evidence::EvidenceSource},
    server::db::entities::{cache_entry, company, job},
};

use crate::helpers::{backends, server_command, spawn_app};

/// v1's tables as SQLAlchemy created them (v1-reference.md §2), the columns the import reads.
const V1_SCHEMA: &str = "
CREATE TABLE research_jobs (
    id INTEGER PRIMARY KEY, name VARCHAR(255), status VARCHAR(50), total_companies INTEGER,
    completed_companies INTEGER, failed_companies INTEGER, total_tavily_credits FLOAT,
    total_cost_usd FLOAT, last_activity_at DATETIME, stalled INTEGER, created_at DATETIME,
    started_at DATETIME, completed_at DATETIME, original_filename VARCHAR(255),
    submitted_by VARCHAR(100), job_type VARCHAR(32));
CREATE TABLE companies (
    id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES research_jobs(id),
    name VARCHAR(255) NOT NULL, website VARCHAR(500), status VARCHAR(50), error_message TEXT,
    description TEXT, employee_count VARCHAR(100), total_funding VARCHAR(100),
    funding_millions FLOAT, last_round VARCHAR(200), investors TEXT, headquarters VARCHAR(255),
    founded_year INTEGER, industry VARCHAR(255), business_model VARCHAR(255),
    gpu_use_case_tier VARCHAR(20), gpu_use_case_label VARCHAR(255), gpu_analysis_reasoning TEXT,
    signals_positive TEXT, signals_negative TEXT, score_gpu_use_case INTEGER,
    score_scale_budget INTEGER, score_growth_signals INTEGER, score_confidence INTEGER,
    score_total INTEGER, priority_tier VARCHAR(20), recommended_action TEXT,
    tavily_credits_used FLOAT, tavily_response_time FLOAT, llm_tokens_used INTEGER,
    llm_response_time FLOAT, search_results_raw TEXT, llm_response_raw TEXT,
    tavily_data_cached BOOLEAN, tavily_data_verified BOOLEAN, tavily_cached_at DATETIME,
    tavily_validation_message TEXT, tavily_formatted_results TEXT, created_at DATETIME,
    researched_at DATETIME);
";

fn v1_time(days_ago: i64) -> String {
    (Utc::now() - Days::days(days_ago))
        .naive_utc()
        .format("%Y-%m-%d %H:%M:%S%.6f")
        .to_string()
}

fn research_text(name: &str) -> String {
    format!(
        "Search Results for: {name}\nSources (2 high-quality results)\n\n\
         Source 1: {name} raises a large round (relevance: 0.92)\nhttps://news.example/{slug}\nContent:\n\
         {name} trains frontier models on thousands of GPUs and is hiring infrastructure engineers.\n\n\
         Source 2: {name} home (relevance: 0.71)\nhttps://{slug}.example\nContent:\n\
         {name} builds AI systems for enterprises; {name} runs large training clusters.\n",
        slug = name.to_lowercase().replace(' ', "")
    )
}

/// A v1 file: job 1 finished with five companies (one verified well, one
/// verified only by v1's fail-open, one unverified, one failed, one never
/// researched); job 2 still running, its research older than the cache's TTL.
async fn build_v1_file(path: &Path) {
    let db = Database::connect(format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    for statement in V1_SCHEMA.split(';').filter(|s| !s.trim().is_empty()) {
        db.execute_unprepared(statement).await.unwrap();
    }
    let recent = v1_time(5);
    db.execute_unprepared(&format!(
        "INSERT INTO research_jobs (id, name, status, total_companies, created_at, started_at, completed_at, \
         original_filename, submitted_by, job_type) VALUES \
         (1, 'Research Job - Q3', 'completed', 5, '{recent}', '{recent}', '{recent}', 'q3.csv', 'Dana', 'iaas'), \
         (2, 'Single Company: Together AI', 'running', 1, '{old}', '{old}', NULL, NULL, NULL, 'managed_inference')",
        old = v1_time(90),
    ))
    .await
    .unwrap();
    let company = |id: i32,
                   job: i32,
                   name: &str,
                   status: &str,
                   tier: &str,
                   total: i32,
                   cached: (i32, i32, &str, i64)| {
        let (is_cached, verified, message, days_ago) = cached;
        format!(
            "({id}, {job}, '{name}', '{status}', {tier}, {total}, 50, 30, 10, 10, 2.0, 1.5, 900, 2.5, \
             '[\"hiring GPU engineers\"]', '[]', '[\"Sequoia\"]', {is_cached}, {verified}, '{at}', '{message}', '{text}', '{created}', {researched})",
            tier = if tier.is_empty() {
                "NULL".into()
            } else {
                format!("'{tier}'")
            },
            at = v1_time(days_ago),
            text = research_text(name).replace('\'', "''"),
            created = v1_time(days_ago),
            researched = if status == "completed" {
                format!("'{}'", v1_time(days_ago))
            } else {
                "NULL".into()
            },
        )
    };
    let rows = [
        company(
            1,
            1,
            "Anthropic",
            "completed",
            "HOT",
            100,
            (1, 1, "The results describe Anthropic, an AI lab.", 5),
        ),
        company(
            2,
            1,
            "Cohere",
            "completed",
            "WARM",
            70,
            (1, 1, "Validation error: timed out", 5),
        ),
        company(
            3,
            1,
            "Mistral AI",
            "completed",
            "WATCH",
            40,
            (0, 0, "Results are about a wind.", 5),
        ),
        company(4, 1, "Jomspar", "failed", "", 0, (0, 0, "", 5)),
        company(5, 1, "Modal", "pending", "", 0, (0, 0, "", 5)),
        company(
            6,
            2,
            "Together AI",
            "completed",
            "HOT",
            90,
            (1, 1, "The results describe Together AI.", 90),
        ),
    ];
    db.execute_unprepared(&format!(
        "INSERT INTO companies (id, job_id, name, status, priority_tier, score_total, score_gpu_use_case, \
         score_scale_budget, score_growth_signals, score_confidence, tavily_credits_used, tavily_response_time, \
         llm_tokens_used, llm_response_time, signals_positive, signals_negative, investors, tavily_data_cached, \
         tavily_data_verified, tavily_cached_at, tavily_validation_message, tavily_formatted_results, created_at, \
         researched_at) VALUES {}",
        rows.join(", ")
    ))
    .await
    .unwrap();
    db.execute_unprepared(
        "UPDATE companies SET error_message = 'Search failed: timeout' WHERE id = 4",
    )
    .await
    .unwrap();
    db.close().await.unwrap();
}

fn import(database_url: &str, args: &[&str]) -> Output {
    server_command()
        .arg("import-v1")
        .args(args)
        .env("DATABASE_URL", database_url)
        .output()
        .expect("binary runs")
}

fn stdout(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[tokio::test]
async fn import_v1_brings_v1_jobs_as_finished_jobs_and_only_research_verified_at_the_threshold() {
    for backend in backends() {
        let dir = tempfile::tempdir().unwrap();
        let v1_path = dir.path().join("territory_planner.db");
        build_v1_file(&v1_path).await;
        let v1_bytes = std::fs::read(&v1_path).unwrap();
        let app = spawn_app(backend).await;
        let url = app.state.config.database_url.clone();
        let v1_arg = v1_path.display().to_string();

        // v1 did not record its validator's confidence; it verified at 0.1 by default.
        let first = stdout(&import(&url, &[&v1_arg]));
        assert!(
            first.contains("jobs: 2 imported as finished jobs"),
            "{first}"
        );
        assert!(first.contains("companies: 6 (4 with scores)"), "{first}");
        assert!(
            first.contains("research cache: 0 entries from v1"),
            "{first}"
        );
        assert!(
            first.contains("2 left out: v1 verified them at confidence 0.1 or more, below VALIDATION_THRESHOLD 0.6"),
            "{first}"
        );
        assert!(
            first.contains("1 left out: not verified by v1's validator"),
            "{first}"
        );

        // A team whose v1 ran at 0.6 says so: its well verified, fresh research is cached.
        let second = stdout(&import(&url, &[&v1_arg, "--v1-threshold", "0.6"]));
        assert!(
            second.contains("jobs: 0 imported as finished jobs, 2 imported before (skipped)"),
            "{second}"
        );
        assert!(
            second.contains("research cache: 1 entries from v1"),
            "{second}"
        );
        assert!(
            second.contains("1 left out: older than CACHE_TTL_DAYS"),
            "{second}"
        );
        assert_eq!(
            std::fs::read(&v1_path).unwrap(),
            v1_bytes,
            "the v1 file is read, never written"
        );

        let db = &app.state.db;
        let imported = job::Entity::find()
            .filter(job::Column::ImportedFromV1.is_not_null())
            .order_by_asc(job::Column::ImportedFromV1)
            .all(db)
            .await
            .unwrap();
        assert_eq!(imported.len(), 2, "{backend:?}");
        let q3 = &imported[0];
        assert_eq!(
            (
                q3.status.as_str(),
                q3.completed_companies,
                q3.failed_companies,
                q3.cancelled_companies
            ),
            ("completed", 3, 1, 1)
        );
        assert_eq!(
            (q3.submitted_by.as_str(), q3.original_filename.as_deref()),
            ("Dana", Some("q3.csv"))
        );
        assert!(
            (q3.tavily_credits - 10.0).abs() < 1e-9,
            "{}",
            q3.tavily_credits
        );
        let unfinished = &imported[1];
        assert_eq!(unfinished.status, "failed");
        assert!(
            unfinished
                .error_message
                .as_deref()
                .unwrap()
                .contains("Imported from v1 while running")
        );
        let rows = company::Entity::find()
            .filter(company::Column::JobId.eq(q3.id))
            .order_by_asc(company::Column::Position)
            .all(db)
            .await
            .unwrap();
        let anthropic = &rows[0];
        assert_eq!(anthropic.score_total, Some(100));
        assert_eq!(anthropic.final_tier.as_deref(), Some("HOT"));
        assert_eq!(
            anthropic.company_key.as_deref(),
            Some(cache_key("Anthropic", None).as_str())
        );
        assert_eq!(
            anthropic.signals_positive,
            Some(serde_json::json!(["hiring GPU engineers"]))
        );
        assert_eq!(
            rows[3].error_message.as_deref(),
            Some("Search failed: timeout")
        );
        assert_eq!(rows[4].status, "cancelled");

        // In the job list, as any job.
        let (status, list) = app.call(reqwest::Method::GET, "/api/jobs").await;
        assert_eq!(status, 200);
        assert!(list.to_string().contains("Research Job - Q3"), "{list}");

        let cached = cache_entry::Entity::find().all(db).await.unwrap();
        assert_eq!(cached.len(), 1, "{backend:?}");
        let entry = &cached[0];
        assert_eq!(
            (entry.key.as_str(), entry.target_type.as_str()),
            (cache_key("Anthropic", None).as_str(), "iaas")
        );
        assert!(entry.confidence >= 0.6);
        let evidence: Vec<EvidenceSource> = serde_json::from_value(entry.evidence.clone()).unwrap();
        assert_eq!(evidence.len(), 2);
        assert!(
            evidence[0].excerpt.contains("frontier models"),
            "{:?}",
            evidence[0]
        );
    }
}

#[tokio::test]
async fn the_server_refuses_a_v1_database_before_writing_to_it_and_names_the_import_command() {
    let dir = tempfile::tempdir().unwrap();
    let v1_path = dir.path().join("territory_planner.db");
    build_v1_file(&v1_path).await;
    let before = std::fs::read(&v1_path).unwrap();
    let line = crate::binary::start_up_error(&[(
        "DATABASE_URL",
        &format!("sqlite://{}?mode=rwc", v1_path.display()),
    )]);
    assert!(
        line.contains("a database v1 wrote") && line.contains("territory_planner import-v1"),
        "{line}"
    );
    assert_eq!(
        std::fs::read(&v1_path).unwrap(),
        before,
        "nothing was written"
    );
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        files,
        ["territory_planner.db"],
        "no journal beside it either"
    );

    // The import refuses a file that is not v1's, and says what it wanted.
    let output = import(
        "sqlite::memory:",
        &[dir.path().join("nothing.db").to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("there is no file"));
}
