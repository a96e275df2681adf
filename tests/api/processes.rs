//! Server processes for the tests of several instances, and a client that
//! listens to a job's events as a browser does.

use std::{
    collections::BTreeSet,
    io::BufRead,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
};

use territory_planner::server::fake_upstream::FakeUpstream;

use crate::helpers::{Backend, backends, server_command};

pub const LEASE_SECS: &str = "2";
pub const SEARCH_LIMIT: u64 = 4;
pub const LLM_LIMIT: u64 = 6;

/// One server process. Killed (and continued first, if frozen) when dropped.
pub struct Instance {
    pub child: Child,
    pub addr: String,
}

impl Instance {
    pub fn start(database_url: &str, fake: &FakeUpstream, lease_secs: &str) -> Self {
        let mut child = server_command()
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", database_url)
            .env("TAVILY_BASE_URL", fake.search_url())
            .env("LLM_BASE_URL", fake.llm_url())
            .env("JOB_LEASE_SECS", lease_secs)
            .env("SEARCH_CONCURRENCY", SEARCH_LIMIT.to_string())
            .env("LLM_CONCURRENCY", LLM_LIMIT.to_string())
            .env("RETRY_BASE_DELAY_SECS", "0.02")
            .env("AUTH_MODE", "off")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("server logs its address").unwrap();
            let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            if let Some(addr) = event["addr"].as_str() {
                break addr.to_string();
            }
        };
        // Keep reading, or a full pipe would block the server's logging.
        std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
        Self { child, addr }
    }

    /// The part of its instance id that names this process.
    pub fn marker(&self) -> String {
        format!("-{}-", self.child.id())
    }

    pub fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill {signal}");
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        self.signal("-CONT");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn postgres() -> Option<Backend> {
    backends().into_iter().find(|b| *b == Backend::Postgres)
}

/// Company names the fake upstream knows.
pub fn names(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("Benchmark Co {i:04}")).collect()
}

/// Events of one job as a browser hears them: (event name, JSON data).
pub struct Listener {
    events: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
    pub task: tokio::task::JoinHandle<()>,
}

impl Listener {
    pub async fn connect(addr: &str, job_id: i32) -> Self {
        let response = reqwest::get(format!("http://{addr}/api/jobs/{job_id}/events"))
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let events = Arc::new(Mutex::new(Vec::new()));
        let heard = events.clone();
        let task = tokio::spawn(async move {
            let mut response = response;
            let mut buffer = String::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    let mut name = String::from("message");
                    let mut data = String::new();
                    for line in block.lines() {
                        if let Some(value) = line.strip_prefix("event:") {
                            name = value.trim().to_string();
                        } else if let Some(value) = line.strip_prefix("data:") {
                            data.push_str(value.trim());
                        }
                    }
                    let data =
                        serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data));
                    heard.lock().unwrap().push((name, data));
                }
            }
        });
        Self { events, task }
    }

    pub fn heard(&self) -> Vec<(String, serde_json::Value)> {
        self.events.lock().unwrap().clone()
    }

    /// Companies this client heard complete.
    pub fn completed(&self) -> BTreeSet<i32> {
        self.heard()
            .iter()
            .filter(|(name, data)| name == "company" && data["status"] == "completed")
            .filter_map(|(_, data)| data["company_id"].as_i64().map(|id| id as i32))
            .collect()
    }
}
