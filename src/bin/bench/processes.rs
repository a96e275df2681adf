//! The server and the fake upstream, each a release binary in its own process,
//! stopped when dropped.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A free port on the loopback interface.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A binary next to this one (target/release/…).
fn sibling(name: &str) -> PathBuf {
    let me = std::env::current_exe().expect("own path");
    me.with_file_name(name)
}

fn wait_until_up(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    let address = url.trim_start_matches("http://").to_string();
    while std::net::TcpStream::connect(&address).is_err() {
        assert!(Instant::now() < deadline, "{url} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub struct Fake {
    child: Child,
    pub url: String,
}

impl Fake {
    pub fn start(search_ms: u64, llm_ms: u64) -> Self {
        let port = free_port();
        let child = Command::new(sibling("fake_upstream"))
            .arg(format!("127.0.0.1:{port}"))
            .env("FAKE_SEARCH_LATENCY_MS", search_ms.to_string())
            .env("FAKE_LLM_LATENCY_MS", llm_ms.to_string())
            .stdout(Stdio::null())
            .spawn()
            .expect("fake_upstream starts (make bench builds it)");
        let url = format!("http://127.0.0.1:{port}");
        wait_until_up(&url);
        Self { child, url }
    }

    /// What the fake has answered so far (its `Stats` as JSON).
    pub async fn stats(&self) -> serde_json::Value {
        reqwest::get(format!("{}/__stats", self.url))
            .await
            .and_then(|r| r.error_for_status())
            .expect("the fake's stats")
            .json()
            .await
            .expect("stats as JSON")
    }

    /// Searches the fake has answered so far.
    pub async fn searches(&self) -> u64 {
        self.stats().await["total"]["searches"]
            .as_u64()
            .unwrap_or_default()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Server {
    child: Child,
    pub url: String,
    _data: tempfile::TempDir,
}

impl Server {
    /// The release server on a fresh SQLite database (or BENCH_DATABASE_URL),
    /// sign-in off, the fake as both upstreams.
    pub fn start(fake: &Fake, search_concurrency: usize, llm_concurrency: usize) -> Self {
        Self::start_on(
            fake,
            search_concurrency,
            llm_concurrency,
            std::env::var("BENCH_DATABASE_URL").ok(),
        )
    }

    /// The same on `database` (a fresh SQLite file when `None`).
    pub fn start_on(
        fake: &Fake,
        search_concurrency: usize,
        llm_concurrency: usize,
        database: Option<String>,
    ) -> Self {
        let port = free_port();
        let data = tempfile::tempdir().expect("temp dir");
        let database = database
            .unwrap_or_else(|| format!("sqlite://{}/bench.db?mode=rwc", data.path().display()));
        let site = std::env::current_dir()
            .expect("working directory")
            .join("target/site");
        let child = Command::new(sibling("territory_planner"))
            .current_dir(data.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LEPTOS_OUTPUT_NAME", "territory_planner")
            .env("LEPTOS_SITE_ROOT", site)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_ENV", "PROD")
            .env("DATABASE_URL", database)
            .env("AUTH_MODE", "off")
            .env("TAVILY_BASE_URL", &fake.url)
            .env("LLM_BASE_URL", format!("{}/v1", fake.url))
            .env("SEARCH_CONCURRENCY", search_concurrency.to_string())
            .env("LLM_CONCURRENCY", llm_concurrency.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the server starts (make bench builds it)");
        let url = format!("http://127.0.0.1:{port}");
        wait_until_up(&url);
        Self {
            child,
            url,
            _data: data,
        }
    }

    fn proc_file(&self, name: &str) -> String {
        std::fs::read_to_string(format!("/proc/{}/{name}", self.child.id())).unwrap_or_default()
    }

    /// User and system CPU time the server has used so far.
    pub fn cpu_seconds(&self) -> f64 {
        let stat = self.proc_file("stat");
        // Fields after the command name (which is in parentheses): utime is the 14th field.
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // Linux counts in clock ticks of 1/100 s (USER_HZ).
        (ticks(11) + ticks(12)) / 100.0
    }

    /// The server's peak resident memory.
    pub fn peak_rss_mib(&self) -> f64 {
        self.proc_file("status")
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
