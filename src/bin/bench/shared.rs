//! Two server processes on one PostgreSQL database sharing one job under the
//! same deployment-wide limits, against the concurrency lower bound.

use std::time::Instant;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

use crate::{
    client::Api,
    processes::{Fake, Server},
    row,
};

/// A fresh database on the PostgreSQL server at `admin_url`, dropped at the end.
struct Scratch {
    admin: DatabaseConnection,
    name: String,
    url: String,
}

impl Scratch {
    async fn create(admin_url: &str) -> Option<Self> {
        let admin = Database::connect(admin_url).await.ok()?;
        let name = format!("tp_bench_{:08x}", fastrand::u32(..));
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .ok()?;
        let (base, query) = admin_url.split_once('?').unwrap_or((admin_url, ""));
        let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
        let url = if query.is_empty() {
            format!("{base}/{name}")
        } else {
            format!("{base}/{name}?{query}")
        };
        Some(Self { admin, name, url })
    }

    async fn drop_now(self) {
        let _ = self
            .admin
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .await;
    }
}

pub async fn two_instances(
    admin_url: &str,
    n: usize,
    (search_ms, llm_ms): (u64, u64),
    (search_concurrency, llm_concurrency): (usize, usize),
    bound: f64,
    names: Vec<String>,
) {
    let Some(scratch) = Scratch::create(admin_url).await else {
        row(
            "two instances",
            format!("skipped: cannot create a database at {admin_url}"),
        );
        return;
    };
    let fake = Fake::start(search_ms, llm_ms);
    let first = Server::start_on(
        &fake,
        search_concurrency,
        llm_concurrency,
        Some(scratch.url.clone()),
    );
    let second = Server::start_on(
        &fake,
        search_concurrency,
        llm_concurrency,
        Some(scratch.url.clone()),
    );
    let api = Api::new(&first.url);
    let started = Instant::now();
    let job = api.start_job(&names).await;
    let run = api.wait(job, started, None).await;
    row(
        &format!("{n} companies, two instances"),
        format!(
            "{:.2} s, lower bound {bound:.2} s: wall / bound {:.3} (bound 1.10)",
            run.wall,
            run.wall / bound
        ),
    );
    let stats = fake.stats().await;
    row(
        "  upstream calls at once, at most",
        format!(
            "{} searches, {} LLM calls (limits {search_concurrency}, {llm_concurrency})",
            stats["peak_searches_in_flight"], stats["peak_llm_in_flight"]
        ),
    );
    if let Ok(db) = Database::connect(&scratch.url).await {
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "SELECT claimed_by, COUNT(*) AS n FROM companies WHERE job_id = {job} \
                     GROUP BY claimed_by ORDER BY claimed_by"
                ),
            ))
            .await
            .unwrap_or_default();
        let split: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get::<i64>("", "n").ok())
            .map(|n| n.to_string())
            .collect();
        row("  companies per instance", split.join(" + "));
        db.close().await.ok();
    }
    drop((first, second, fake));
    scratch.drop_now().await;
}
