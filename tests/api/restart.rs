//! Kill -9 in the middle of a job, start again: the job resumes, nothing is
//! stuck, and no company whose result was stored is researched or charged again.

use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::Duration,
};

use territory_planner::server::{
    db::{self, companies, entities::company, jobs},
    fake_upstream::{FakeConfig, FakeUpstream},
};

use crate::{
    engine::{V1_SAMPLE, new_job},
    helpers::{TestDatabase, backends, server_command},
};

/// A server process that is killed if the test ends early (a failed assert),
/// so no orphan outlives the test.
struct Server(Child);

impl std::ops::Deref for Server {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(database_url: &str, fake: &FakeUpstream) -> Server {
    Server(
        server_command()
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .env("TAVILY_BASE_URL", fake.search_url())
            .env("LLM_BASE_URL", fake.llm_url())
            .env("JOB_LEASE_SECS", "1")
            .env("SEARCH_CONCURRENCY", "2")
            .env("LLM_CONCURRENCY", "2")
            .env("RETRY_BASE_DELAY_SECS", "0.02")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts"),
    )
}

#[tokio::test]
async fn a_killed_server_resumes_its_jobs_without_charging_twice() {
    for backend in backends() {
        let database = TestDatabase::new(backend).await;
        let conn = db::connect_and_migrate(&database.url).await.unwrap();
        let fake = FakeUpstream::start(
            FakeConfig {
                search_latency: (Duration::from_millis(50), Duration::from_millis(150)),
                llm_latency: (Duration::from_millis(50), Duration::from_millis(150)),
                ..FakeConfig::default()
            },
            None,
        )
        .await
        .unwrap();
        // The job is written to the database; a server picks it up by itself.
        let job = jobs::create(&conn, new_job("iaas", &V1_SAMPLE))
            .await
            .unwrap();

        let mut first = start_server(&database.url, &fake);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let done = companies::for_job(&conn, job.id)
                .await
                .unwrap()
                .iter()
                .filter(|c| c.status == "completed")
                .count();
            if done >= 4 {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the first server never made progress"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        first.kill().unwrap();
        first.wait().unwrap();

        let before: HashMap<i32, (String, Option<i32>, f64)> = companies::for_job(&conn, job.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.status == "completed")
            .map(|c| (c.id, (c.name.clone(), c.score_total, c.tavily_credits)))
            .collect();
        assert!(before.len() < V1_SAMPLE.len(), "killed mid-job");
        let killed_job = jobs::find(&conn, job.id).await.unwrap().unwrap();
        assert_eq!(
            killed_job.status, "running",
            "a killed server leaves the job running"
        );

        let mut second = start_server(&database.url, &fake);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
        let finished = loop {
            let row = jobs::find(&conn, job.id).await.unwrap().unwrap();
            if row.status != "running" && row.status != "pending" {
                break row;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the job was not resumed ({})",
                row.status
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &second.id().to_string()])
            .status();
        let _ = second.wait();

        assert_eq!(finished.status, "completed", "{backend:?}");
        let rows = companies::for_job(&conn, job.id).await.unwrap();
        assert!(
            rows.iter().all(|c| c.status == "completed"),
            "every company completed after the resume"
        );
        for (id, (name, score, credits)) in &before {
            let calls = fake.calls_for(name);
            assert_eq!(
                (calls.searches, calls.scorings),
                (1, 1),
                "{name} was researched again after its result was stored"
            );
            let row = rows.iter().find(|c| c.id == *id).unwrap();
            assert_eq!(
                (&row.score_total, row.tavily_credits),
                (score, *credits),
                "{name} was rewritten"
            );
        }
        let credits: f64 = rows.iter().map(|c| c.tavily_credits).sum();
        assert_eq!(finished.tavily_credits, credits);
        // The job's totals are kept up to date in passing, not per company:
        // after the kill and the resume they still equal the sums of its rows.
        assert_eq!(
            (finished.total_companies, finished.completed_companies),
            (rows.len() as i32, rows.len() as i32)
        );
        let sum = |f: fn(&company::Model) -> i64| rows.iter().map(f).sum::<i64>();
        assert_eq!(
            (
                finished.validation_prompt_tokens,
                finished.scoring_prompt_tokens,
                finished.scoring_completion_tokens
            ),
            (
                sum(|c| c.validation_prompt_tokens),
                sum(|c| c.scoring_prompt_tokens),
                sum(|c| c.scoring_completion_tokens)
            )
        );
        let cost: f64 = rows.iter().map(|c| c.cost_usd).sum();
        assert!(
            (finished.cost_usd - cost).abs() < 1e-9,
            "{} vs {cost}",
            finished.cost_usd
        );
        assert_eq!(
            finished.cache_misses,
            rows.iter().filter(|c| c.search_attempts > 0).count() as i32
        );
        // Every search the provider served is charged. A search's credits
        // are written as it goes out, so a kill between that write and the
        // request leaving charges one the provider never saw: at most one per
        // search slot (SEARCH_CONCURRENCY=2 here), never fewer than served.
        let served = 2.0 * fake.stats().total.searches as f64;
        assert!(
            credits >= served && credits <= served + 2.0 * 2.0,
            "every search is accounted for: {credits} credits charged, {served} served"
        );
        conn.close().await.ok();
    }
}
