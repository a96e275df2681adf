//! The benchmark: the real server and the standalone fake upstream as their
//! own processes, driven over HTTP as a team would drive them.
//!
//!   make bench                      (builds both in release, then runs this)
//!   target/release/bench [--companies 1000,5000] [--search-ms 29] [--llm-ms 122]
//!       [--search-concurrency 50] [--llm-concurrency 10]
//!
//! It reports, each figure with its bound or as a ratio, from one run:
//! - at zero upstream latency: the server's CPU and wall time per company, and
//!   the time per company of a big job's last 1,000 against its first 1,000;
//! - at the given latencies: each job's wall time against the lower bound that
//!   the two concurrency limits allow; a one-company job started 10 s into the
//!   biggest job against its solo time; the server's peak memory with 10
//!   event-stream clients watching;
//! - on the finished biggest job: the job page's render time and size, the
//!   job detail's bytes per company, one page of 100 rows;
//! - the wasm and JS on the wire to open each page (the bundle is split per
//!   page), and a re-run served by the research cache;
//! - with PostgreSQL (BENCH_POSTGRES_URL, else TEST_POSTGRES_URL): two
//!   instances sharing one job of the smallest size under the same limits;
//! - the smallest job re-scored with a new rubric version (scoring calls
//!   only) against the LLM-only bound, and the same re-score again.

mod client;
mod processes;
mod shared;
mod studio;

use std::time::{Duration, Instant};

use client::Api;
use processes::{Fake, Server};

struct Args {
    sizes: Vec<usize>,
    search_ms: u64,
    llm_ms: u64,
    search_concurrency: usize,
    llm_concurrency: usize,
}

fn args() -> Args {
    let mut a = Args {
        sizes: vec![1000, 5000],
        search_ms: 29,
        llm_ms: 122,
        search_concurrency: 50,
        llm_concurrency: 10,
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    for pair in raw.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        let number = || {
            value
                .parse::<u64>()
                .unwrap_or_else(|_| panic!("{} needs a number", pair[0]))
        };
        match pair[0].as_str() {
            "--companies" => {
                a.sizes = value
                    .split(',')
                    .map(|n| n.trim().parse().expect("--companies takes N[,N…]"))
                    .collect()
            }
            "--search-ms" => a.search_ms = number(),
            "--llm-ms" => a.llm_ms = number(),
            "--search-concurrency" => a.search_concurrency = number() as usize,
            "--llm-concurrency" => a.llm_concurrency = number() as usize,
            other => panic!("unknown argument {other}"),
        }
    }
    a.sizes.sort_unstable();
    a
}

/// Company names from `first`, `n` of them: the fake knows them all.
fn names(first: usize, n: usize) -> Vec<String> {
    (first..first + n)
        .map(|i| format!("Benchmark Co {i:04}"))
        .collect()
}

pub(crate) fn row(label: &str, value: String) {
    println!("{label:<34}{value}");
}

#[tokio::main]
async fn main() {
    let a = args();
    let biggest = *a.sizes.last().expect("at least one job size");
    println!(
        "# Territory Planner benchmark: server and fake upstream as separate processes, over HTTP"
    );
    row(
        "limits",
        format!(
            "{} searches, {} LLM calls at once",
            a.search_concurrency, a.llm_concurrency
        ),
    );

    // 1. Zero latency: what the server itself costs per company.
    println!("\n## zero upstream latency");
    {
        let fake = Fake::start(0, 0);
        let server = Server::start(&fake, a.search_concurrency, a.llm_concurrency);
        let api = Api::new(&server.url);
        let mut first = 1;
        for &n in &a.sizes {
            let cpu_before = server.cpu_seconds();
            let run = api
                .run_job(&names(first, n), Some(Duration::from_millis(50)))
                .await;
            let cpu = server.cpu_seconds() - cpu_before;
            first += n;
            row(
                &format!("{n} companies"),
                format!(
                    "{:.2} s wall, {:.2} ms wall and {:.2} ms server CPU per company (bound: 2 ms)",
                    run.wall,
                    run.wall * 1000.0 / n as f64,
                    cpu * 1000.0 / n as f64
                ),
            );
            if n >= 2000 {
                let (head, tail) = run.first_and_last_thousand();
                row(
                    "  last 1,000 / first 1,000",
                    format!(
                        "{:.3} ({:.2} ms vs {:.2} ms per company; bound 1.10)",
                        tail / head,
                        tail * 1000.0 / 1000.0,
                        head * 1000.0 / 1000.0
                    ),
                );
            }
        }
    }

    // 2. Latencies like v1's, scaled down: the wall against the concurrency bound.
    println!(
        "\n## {} ms search, {} ms LLM (validation and scoring)",
        a.search_ms, a.llm_ms
    );
    let fake = Fake::start(a.search_ms, a.llm_ms);
    let server = Server::start(&fake, a.search_concurrency, a.llm_concurrency);
    let api = Api::new(&server.url);
    let (s, l) = (a.search_ms as f64 / 1000.0, a.llm_ms as f64 / 1000.0);
    let bound = |n: usize| {
        let n = n as f64;
        let search_bound = n * s / a.search_concurrency as f64 + 2.0 * l;
        let llm_bound = s + n * 2.0 * l / a.llm_concurrency as f64;
        search_bound.max(llm_bound)
    };
    let solo = api.run_job(&names(9001, 1), None).await.wall;
    row(
        "one company, alone",
        format!("{solo:.3} s (bound {:.3} s)", bound(1)),
    );
    let mut first = 1;
    let mut biggest_job = 0;
    let mut smallest_job = 0;
    for &n in &a.sizes {
        let companies = names(first, n);
        first += n;
        if n == biggest {
            let started = Instant::now();
            let big = api.start_job(&companies).await;
            let watchers = api.watch(big, 10).await;
            tokio::time::sleep(Duration::from_secs(10)).await;
            let small = api.run_job(&names(9002, 1), None).await.wall;
            let big_run = api.wait(big, started, None).await;
            let events = watchers.stop().await;
            report_wall(n, big_run.wall, bound(n));
            row(
                "  one company, 10 s into it",
                format!(
                    "{small:.3} s, {:.2}x its solo time (bound 2x)",
                    small / solo
                ),
            );
            row(
                "  server peak memory (RSS)",
                format!(
                    "{:.1} MiB with 10 event-stream clients, {events} events read (bound 200 MiB)",
                    server.peak_rss_mib()
                ),
            );
            biggest_job = big;
        } else {
            let started = Instant::now();
            let job = api.start_job(&companies).await;
            let run = api.wait(job, started, None).await;
            report_wall(n, run.wall, bound(n));
            if smallest_job == 0 {
                smallest_job = job;
            }
        }
    }

    // 3. The finished biggest job, as a rep opens it.
    println!("\n## the finished {biggest}-company job");
    api.report_pages(biggest_job, biggest).await;

    // 4. The browser bundle and a quarterly re-run.
    println!("\n## the rest");
    let pkg = std::env::current_dir()
        .expect("working directory")
        .join("target/site/pkg");
    api.report_bundle(&pkg).await;
    let searches = fake.searches().await;
    let rerun = api.run_job(&names(1, a.sizes[0]), None).await;
    row(
        &format!("re-run of {} (cache)", a.sizes[0]),
        format!(
            "{:.2} s, {} searches, {} cache hits",
            rerun.wall,
            fake.searches().await - searches,
            rerun.cache_hits
        ),
    );
    if smallest_job != 0 {
        studio::report(&api, &fake, smallest_job, a.sizes[0], l, a.llm_concurrency).await;
    }
    drop((server, fake));

    // 5. Several instances: two processes on one PostgreSQL, one job.
    println!("\n## two instances on PostgreSQL, one job, the same limits");
    match std::env::var("BENCH_POSTGRES_URL").or_else(|_| std::env::var("TEST_POSTGRES_URL")) {
        Ok(url) => {
            let n = a.sizes[0];
            shared::two_instances(
                &url,
                n,
                (a.search_ms, a.llm_ms),
                (a.search_concurrency, a.llm_concurrency),
                bound(n),
                names(20_001, n),
            )
            .await
        }
        Err(_) => row("two instances", "skipped: set BENCH_POSTGRES_URL".into()),
    }
}

fn report_wall(n: usize, wall: f64, bound: f64) {
    row(
        &format!("{n} companies"),
        format!(
            "{wall:.2} s, lower bound {bound:.2} s: wall / bound {:.3} (bound 1.05)",
            wall / bound
        ),
    );
}
