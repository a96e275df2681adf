//! The research pipeline's benchmark: a job of N companies through the fake
//! upstream with fixed latencies, compared with the lower bound that the two
//! concurrency limits allow; then the same companies again, as a quarterly
//! re-run served by the research cache.
//!
//!   cargo run --release --features ssr --bin bench -- [--companies 1000]
//!     [--search-ms 400] [--validate-ms 150] [--score-ms 300]
//!     [--search-concurrency 50] [--llm-concurrency 10] [--database-url URL]

use std::{sync::Arc, time::Instant};

use territory_planner::{
    domain::{company_name::CompanyName, job::JobStatus},
    server::{
        db::{self, jobs},
        engine::{Engine, EngineSettings},
        fake_upstream::{FakeConfig, FakeUpstream},
        providers::{llm::OpenAiCompatibleClient, retry::RetryPolicy, tavily::TavilyClient},
        rubrics::Rubrics,
    },
};
use tokio::time::Duration;

struct Args {
    companies: usize,
    search_ms: u64,
    validate_ms: u64,
    score_ms: u64,
    search_concurrency: usize,
    llm_concurrency: usize,
    database_url: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        companies: 1000,
        search_ms: 400,
        validate_ms: 150,
        score_ms: 300,
        search_concurrency: 50,
        llm_concurrency: 10,
        database_url: None,
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
            "--companies" => a.companies = number() as usize,
            "--search-ms" => a.search_ms = number(),
            "--validate-ms" => a.validate_ms = number(),
            "--score-ms" => a.score_ms = number(),
            "--search-concurrency" => a.search_concurrency = number() as usize,
            "--llm-concurrency" => a.llm_concurrency = number() as usize,
            "--database-url" => a.database_url = Some(value),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let a = args();
    let ms = Duration::from_millis;
    let fake = FakeUpstream::start(
        FakeConfig {
            search_latency: (ms(a.search_ms), ms(a.search_ms)),
            llm_latency: (ms(a.validate_ms), ms(a.validate_ms)),
            scoring_extra_latency: ms(a.score_ms.saturating_sub(a.validate_ms)),
            ..FakeConfig::default()
        },
        None,
    )
    .await
    .expect("fake upstream starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let url = a
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/bench.db?mode=rwc", dir.path().display()));
    let database = db::connect_and_migrate(&url).await.expect("database");
    let retry = RetryPolicy::default();
    let timeout = Duration::from_secs(60);
    let settings = EngineSettings {
        search_concurrency: a.search_concurrency,
        llm_concurrency: a.llm_concurrency,
        ..EngineSettings::default()
    };
    let engine = Engine::new(
        database.clone(),
        Arc::new(TavilyClient::new(&fake.search_url(), None, timeout, retry)),
        Arc::new(OpenAiCompatibleClient::new(
            &fake.llm_url(),
            None,
            "bench",
            timeout,
            retry,
        )),
        Rubrics::built_in(),
        settings,
    );
    let companies: Vec<jobs::NewCompany> = (1..=a.companies)
        .map(|i| jobs::NewCompany {
            name: CompanyName::parse(&format!("Benchmark Co {i:04}")).expect("valid name"),
            website: None,
        })
        .collect();
    let (job, wall) = run_job(&engine, companies.clone()).await;
    let finished = jobs::find(&database, job)
        .await
        .expect("job row")
        .expect("job exists");
    assert_eq!(finished.status, JobStatus::Completed.as_str());

    let n = a.companies as f64;
    let (s, v, c) = (
        a.search_ms as f64 / 1000.0,
        a.validate_ms as f64 / 1000.0,
        a.score_ms as f64 / 1000.0,
    );
    let search_bound = n * s / a.search_concurrency as f64 + v + c;
    let llm_bound = s + n * (v + c) / a.llm_concurrency as f64;
    let bound = search_bound.max(llm_bound);
    let stats = fake.stats();
    println!("companies                 {}", a.companies);
    println!(
        "completed / failed        {} / {}",
        finished.completed_companies, finished.failed_companies
    );
    println!(
        "latencies (s)             search {s}, validation {v}, scoring {c}; limits: {} searches, {} LLM calls",
        a.search_concurrency, a.llm_concurrency
    );
    println!("wall time                 {wall:.2} s");
    println!(
        "lower bound               {bound:.2} s (search-limited {search_bound:.2} s, LLM-limited {llm_bound:.2} s)"
    );
    println!("wall / bound              {:.3}", wall / bound);
    println!(
        "calls per company         {:.2} searches, {:.2} validations, {:.2} scorings",
        stats.total.searches as f64 / n,
        stats.total.validations as f64 / n,
        stats.total.scorings as f64 / n
    );
    println!(
        "prompt tokens per company {:.0} (validation {:.0}, scoring {:.0})",
        (finished.validation_prompt_tokens + finished.scoring_prompt_tokens) as f64 / n,
        finished.validation_prompt_tokens as f64 / n,
        finished.scoring_prompt_tokens as f64 / n
    );
    println!(
        "credits per company       {:.2}",
        finished.tavily_credits / n
    );
    println!(
        "peak memory (RSS)         {:.1} MiB (app and fake upstream in one process)",
        peak_rss_mib()
    );

    // The quarterly re-run: the same companies again, served by the research cache.
    let searches_before = fake.stats().total.searches;
    let (rerun, rerun_wall) = run_job(&engine, companies).await;
    let rerun = jobs::find(&database, rerun)
        .await
        .expect("job row")
        .expect("job exists");
    println!(
        "re-run (research cache)   {rerun_wall:.2} s, {} searches, {} cache hits, ${:.2} saved",
        fake.stats().total.searches - searches_before,
        rerun.cache_hits,
        jobs::credits_cost(rerun.credits_saved)
    );
}

/// Submits a job and waits for it to finish; its id and wall time.
async fn run_job(engine: &Engine, companies: Vec<jobs::NewCompany>) -> (i32, f64) {
    let mut events = engine.subscribe();
    let started = Instant::now();
    let job = engine
        .submit(jobs::NewJob {
            owner_id: None,
            name: "benchmark".into(),
            target_type: "iaas".into(),
            submitted_by: "bench".into(),
            original_filename: None,
            companies,
            refresh_cache: false,
        })
        .await
        .expect("job submitted");
    loop {
        match events.recv().await {
            Ok(territory_planner::domain::job::ProgressEvent::Job { job_id, status, .. })
                if job_id == job.id && status.is_finished() =>
            {
                break;
            }
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(error) => panic!("event stream closed: {error}"),
        }
    }
    (job.id, started.elapsed().as_secs_f64())
}
