//! Runs the fake Tavily + OpenAI-compatible upstream on its own, for manual
//! testing against a separately started app:
//!
//!   cargo run --features ssr --bin fake_upstream -- 127.0.0.1:8787
//!   TAVILY_BASE_URL=http://127.0.0.1:8787 LLM_BASE_URL=http://127.0.0.1:8787/v1 make run
//!
//! FAKE_LATENCY_MS (e.g. "200-800") and FAKE_FAULT_RATE (0..1, split over 429,
//! 500, malformed answers and garbage LLM output) add latency and faults;
//! FAKE_SEARCH_LATENCY_MS and FAKE_LLM_LATENCY_MS set one side on its own.

use std::{net::SocketAddr, time::Duration};

use territory_planner::server::fake_upstream::{FakeConfig, FakeUpstream, Faults};

/// The latency range in `variable`, else in FAKE_LATENCY_MS, else none.
fn latency(variable: &str) -> (Duration, Duration) {
    let spec = std::env::var(variable)
        .or_else(|_| std::env::var("FAKE_LATENCY_MS"))
        .unwrap_or_default();
    let (low, high) = spec
        .split_once('-')
        .unwrap_or((spec.as_str(), spec.as_str()));
    let ms = |v: &str| Duration::from_millis(v.trim().parse().unwrap_or(0));
    (ms(low), ms(high))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8787".into())
        .parse()
        .expect("usage: fake_upstream [ADDR:PORT]");
    let rate: f64 = std::env::var("FAKE_FAULT_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let config = FakeConfig {
        search_latency: latency("FAKE_SEARCH_LATENCY_MS"),
        llm_latency: latency("FAKE_LLM_LATENCY_MS"),
        faults: Faults {
            rate_429: rate / 4.0,
            rate_500: rate / 4.0,
            rate_malformed: rate / 4.0,
            rate_garbage: rate / 4.0,
            retry_after_secs: 1.0,
            ..Faults::default()
        },
        ..FakeConfig::default()
    };
    let fake = FakeUpstream::start(config, Some(addr)).await?;
    println!("fake upstream (sample data) on http://{}", fake.addr);
    println!("  TAVILY_BASE_URL={}", fake.search_url());
    println!("  LLM_BASE_URL={}", fake.llm_url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
