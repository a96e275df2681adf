//! Database connection and migrations. SQLite (the embedded default) and
//! PostgreSQL run the same migrations and the same code.

use std::time::Duration;

pub mod accounts;
pub mod budgets;
pub mod cache;
pub mod cache_claims;
pub mod claims;
pub mod clock;
pub mod companies;
pub mod company_query;
pub mod entities;
pub mod history;
pub mod instances;
pub mod job_runs;
pub mod jobs;
pub mod outages;
pub mod overrides;
pub mod review;
pub mod rubrics;
pub mod schedules;
pub mod score_cache;
pub mod views;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr,
    sea_query::{Alias, Expr, Func, IntoColumnRef},
};

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the directory {path} for the SQLite database: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(DbErr),
    #[error("cannot apply database migrations: {0}")]
    Migrate(DbErr),
    #[error(
        "DATABASE_URL points at a database v1 wrote (it has v1's research_jobs table); nothing was written to it. \
         Point DATABASE_URL at a new database and bring v1's history over with: territory_planner import-v1 <path to v1's SQLite file>"
    )]
    V1Database,
}

/// SUM over the rows where `condition` holds (NULL over no rows).
pub(crate) fn sum_if(condition: Expr) -> Expr {
    let case: Expr = Expr::case(condition, 1).finally(0).into();
    Expr::from(Func::sum(case))
}

/// SUM of a column, `zero` over no rows.
pub(crate) fn sum_of(column: impl IntoColumnRef, zero: impl Into<sea_orm::Value>) -> Expr {
    Expr::from(Func::coalesce([
        Expr::from(Func::sum(Expr::col(column))),
        Expr::val(zero),
    ]))
}

/// SUM of a BIGINT column is NUMERIC on PostgreSQL: cast it back.
pub(crate) fn sum_of_big(column: impl IntoColumnRef) -> Expr {
    Expr::from(Func::cast_as(sum_of(column, 0i64), Alias::new("BIGINT")))
}

/// The file path of a SQLite URL, if it names a file.
fn sqlite_file_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.contains(":memory:")).then_some(path)
}

/// Whether v1 (the Python app) wrote this database: it has v1's jobs table.
pub async fn is_v1_database(db: &DatabaseConnection) -> Result<bool, DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => {
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'research_jobs'"
        }
        _ => {
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'research_jobs' \
             AND table_schema = current_schema()"
        }
    };
    let found = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    Ok(found.is_some())
}

/// Opens an existing SQLite file read-only (nothing, not even its journal
/// mode, is changed).
pub async fn open_sqlite_read_only(path: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(format!("sqlite://{path}"));
    options
        .max_connections(1)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| opts.read_only(true).create_if_missing(false));
    Database::connect(options).await
}

/// Refuses a database v1 wrote, before anything is written to it (a SQLite
/// file is looked at read-only, before the connection that sets its journal mode).
async fn refuse_v1(url: &str) -> Result<(), DbSetupError> {
    let Some(path) = sqlite_file_path(url) else {
        return Ok(());
    };
    if !std::path::Path::new(path).exists() {
        return Ok(());
    }
    let db = open_sqlite_read_only(path)
        .await
        .map_err(DbSetupError::Connect)?;
    let v1 = is_v1_database(&db).await.map_err(DbSetupError::Connect);
    let _ = db.close().await;
    if v1? {
        return Err(DbSetupError::V1Database);
    }
    Ok(())
}

/// Connects, creating the SQLite file's directory if needed, and migrates to
/// the latest schema. A database v1 wrote is refused untouched.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbSetupError> {
    refuse_v1(url).await?;
    if let Some(path) = sqlite_file_path(url)
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|source| DbSetupError::CreateDir {
            path: dir.display().to_string(),
            source,
        })?;
    }

    let mut options = ConnectOptions::new(url.to_string());
    options
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // One writer at a time is SQLite's rule; WAL lets readers go on meanwhile,
        // and the busy timeout makes writers queue instead of failing. In WAL
        // mode `synchronous=NORMAL` is safe against a crashed or killed process
        // (the log is written before a commit returns) and spares an fsync per
        // commit; only a power cut can lose the last commits, never consistency.
        options.max_connections(8).map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
        });
    } else {
        options.max_connections(20);
    }

    let db = Database::connect(options)
        .await
        .map_err(DbSetupError::Connect)?;
    if is_v1_database(&db).await.map_err(DbSetupError::Connect)? {
        return Err(DbSetupError::V1Database);
    }
    Migrator::up(&db, None)
        .await
        .map_err(DbSetupError::Migrate)?;
    // Companies from before company keys (the schema cannot compute them).
    let filled = overrides::backfill_keys(&db)
        .await
        .map_err(DbSetupError::Migrate)?;
    if filled > 0 {
        tracing::info!(filled, "gave existing companies their company key");
    }
    Ok(db)
}

#[cfg(test)]
mod tests {
    use super::sqlite_file_path;

    #[test]
    fn finds_the_file_of_sqlite_urls() {
        assert_eq!(
            sqlite_file_path("sqlite://data/tp.db?mode=rwc"),
            Some("data/tp.db")
        );
        assert_eq!(sqlite_file_path("sqlite:///abs/tp.db"), Some("/abs/tp.db"));
        assert_eq!(sqlite_file_path("sqlite::memory:"), None);
        assert_eq!(sqlite_file_path("postgres://h/db"), None);
    }
}
