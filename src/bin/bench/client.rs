//! The benchmark's side of the HTTP API: start jobs, follow them, read pages.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use super::row;

pub struct Api {
    pub(crate) http: reqwest::Client,
    pub(crate) url: String,
}

/// A finished job as the benchmark saw it.
pub struct Run {
    pub wall: f64,
    /// (seconds since the start, companies finished), as polled.
    samples: Vec<(f64, i64)>,
    pub cache_hits: i64,
}

impl Run {
    /// When `k` companies had finished, by the polls.
    fn time_of(&self, k: i64) -> f64 {
        self.samples
            .iter()
            .find(|(_, done)| *done >= k)
            .map_or(self.wall, |(t, _)| *t)
    }

    /// Seconds for the first 1,000 companies and for the last 1,000.
    pub fn first_and_last_thousand(&self) -> (f64, f64) {
        let total = self.samples.last().map_or(0, |(_, done)| *done);
        (
            self.time_of(1000),
            self.time_of(total) - self.time_of(total - 1000),
        )
    }
}

/// Event-stream clients reading in the background.
pub struct Watchers {
    handles: Vec<tokio::task::JoinHandle<()>>,
    events: Arc<AtomicU64>,
}

impl Watchers {
    /// Stops them; how many events they read in all.
    pub async fn stop(self) -> u64 {
        for handle in self.handles {
            handle.abort();
        }
        self.events.load(Ordering::Relaxed)
    }
}

/// A multipart body with one CSV file of these company names.
fn upload_body(names: &[String]) -> (String, Vec<u8>) {
    let boundary = "territory-planner-bench-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.csv\"\r\n\
         Content-Type: text/csv\r\n\r\ncompany_name\n"
    );
    for name in names {
        body.push_str(name);
        body.push('\n');
    }
    body.push_str(&format!("\r\n--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

impl Api {
    pub fn new(url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: url.to_string(),
        }
    }

    pub(crate) async fn json(&self, path: &str) -> serde_json::Value {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .json()
            .await
            .expect("JSON")
    }

    /// Starts a job of these companies; its id.
    pub async fn start_job(&self, names: &[String]) -> i64 {
        let (content_type, body) = upload_body(names);
        let job: serde_json::Value = self
            .http
            .post(format!("{}/api/jobs/upload?submitted_by=bench", self.url))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("the upload is accepted")
            .json()
            .await
            .expect("the job as JSON");
        job["id"].as_i64().expect("a job id")
    }

    /// Polls the job's progress until it finishes.
    pub async fn wait(&self, job: i64, started: Instant, every: Option<Duration>) -> Run {
        let every = every.unwrap_or(Duration::from_millis(100));
        let mut samples = Vec::new();
        loop {
            let progress = self.json(&format!("/api/jobs/{job}/progress")).await;
            let t = started.elapsed().as_secs_f64();
            let done = ["completed", "failed", "cancelled"]
                .iter()
                .map(|k| progress[k].as_i64().unwrap_or(0))
                .sum();
            samples.push((t, done));
            let status = progress["status"].as_str().unwrap_or_default();
            if matches!(status, "completed" | "failed" | "cancelled") {
                assert_eq!(status, "completed", "the job completed");
                let listed = self.json("/api/jobs?limit=500").await;
                let cache_hits = listed["jobs"]
                    .as_array()
                    .and_then(|jobs| jobs.iter().find(|j| j["id"] == job))
                    .and_then(|j| j["cache_hits"].as_i64())
                    .unwrap_or(0);
                return Run {
                    wall: t,
                    samples,
                    cache_hits,
                };
            }
            tokio::time::sleep(every).await;
        }
    }

    pub async fn run_job(&self, names: &[String], every: Option<Duration>) -> Run {
        let started = Instant::now();
        let job = self.start_job(names).await;
        self.wait(job, started, every).await
    }

    /// `n` clients following the job's event stream, counting what they read.
    pub async fn watch(&self, job: i64, n: usize) -> Watchers {
        let events = Arc::new(AtomicU64::new(0));
        let mut handles = Vec::new();
        for _ in 0..n {
            let request = self.http.get(format!("{}/api/jobs/{job}/events", self.url));
            let events = events.clone();
            handles.push(tokio::spawn(async move {
                let Ok(mut response) = request.send().await else {
                    return;
                };
                while let Ok(Some(chunk)) = response.chunk().await {
                    let read = chunk.windows(6).filter(|w| w == b"event:").count() as u64;
                    events.fetch_add(read, Ordering::Relaxed);
                }
            }));
        }
        Watchers { handles, events }
    }

    /// Bytes of the answer to GET `path`, and seconds it took; raw bytes when
    /// `encoding` is given (what goes over the wire).
    async fn get(&self, path: &str, encoding: Option<&str>) -> (usize, f64) {
        let started = Instant::now();
        let mut request = self.http.get(format!("{}{path}", self.url));
        if let Some(encoding) = encoding {
            request = request.header("accept-encoding", encoding);
        }
        let body = request
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .bytes()
            .await
            .expect("a body");
        (body.len(), started.elapsed().as_secs_f64())
    }

    pub async fn report_pages(&self, job: i64, n: usize) {
        let page = format!("/jobs/{job}");
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..5 {
            let (bytes, seconds) = self.get(&page, None).await;
            size = bytes;
            times.push(seconds);
        }
        times.sort_by(f64::total_cmp);
        let (gzipped, _) = self.get(&page, Some("gzip")).await;
        row(
            "job page (server render)",
            format!(
                "{:.0} ms median of 5 (bound 200 ms); {} KB of HTML, {} KB gzipped (bound 300 KB)",
                times[2] * 1000.0,
                size / 1024,
                gzipped / 1024
            ),
        );
        let (detail, seconds) = self.get(&format!("/api/jobs/{job}"), None).await;
        let (detail_gz, _) = self.get(&format!("/api/jobs/{job}"), Some("gzip")).await;
        row(
            "GET /api/jobs/{id}",
            format!(
                "{} bytes per company (bound 2,048), {:.1} MB in {:.2} s; {:.1} MB gzipped",
                detail / n,
                detail as f64 / 1e6,
                seconds,
                detail_gz as f64 / 1e6
            ),
        );
        let rows = format!("/api/jobs/{job}/companies?limit=100&sort=name&q=co");
        let (page_bytes, seconds) = self.get(&rows, None).await;
        row(
            "one page of 100 companies",
            format!(
                "{} KB in {:.0} ms, sorted by name and searched (bound 150 KB)",
                page_bytes / 1024,
                seconds * 1000.0
            ),
        );
    }

    /// What a browser downloads to open each page: the entry JS and wasm, the
    /// split loader, and the page's own chunks (from cargo-leptos's split
    /// manifest in `pkg`), each as it goes over the wire (brotli).
    pub async fn report_bundle(&self, pkg: &std::path::Path) {
        let wire = |file: String| async move {
            self.get(&format!("/pkg/{file}"), Some("br, gzip")).await.0
        };
        let mut entry = 0;
        for file in ["territory_planner.wasm", "territory_planner.js"] {
            entry += wire(file.to_string()).await;
        }
        let manifest: std::collections::BTreeMap<String, Vec<String>> =
            std::fs::read_to_string(pkg.join("__wasm_split_manifest.json"))
                .ok()
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or_default();
        if manifest.is_empty() {
            row(
                "wasm and JS on the wire",
                format!("{} KB (bound 400 KB), one bundle", entry / 1024),
            );
            return;
        }
        let loader = std::fs::read_dir(pkg)
            .expect("the pkg folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .find(|name| name.starts_with("__wasm_split.") && name.ends_with(".js"))
            .expect("the split loader");
        entry += wire(loader).await;
        let mut chunk_bytes = std::collections::BTreeMap::new();
        for chunk in manifest.values().flatten() {
            if !chunk_bytes.contains_key(chunk) {
                chunk_bytes.insert(chunk.clone(), wire(format!("{chunk}.wasm")).await);
            }
        }
        // "__job_route_view_<hash>" is the job page; other splits ("details_view_<hash>")
        // are parts a page fetches on demand.
        let name = |split: &str| {
            let base = split.trim_start_matches('_');
            match base.split_once("_route_view") {
                Some((page, _)) => (true, page.to_string()),
                None => (
                    false,
                    base.rsplit_once('_').map_or(base, |(n, _)| n).to_string(),
                ),
            }
        };
        let bytes = |chunks: &[&String]| chunks.iter().map(|c| chunk_bytes[*c]).sum::<usize>();
        let mut pages = Vec::new();
        let mut parts = Vec::new();
        for (split, chunks) in &manifest {
            let (is_page, name) = name(split);
            if is_page {
                pages.push((entry + bytes(&chunks.iter().collect::<Vec<_>>()), name));
            } else {
                parts.push((chunks, name));
            }
        }
        pages.sort();
        let (largest, page) = pages.last().cloned().expect("a page");
        row(
            "wasm and JS on the wire",
            format!(
                "{} KB to open the heaviest page ({page}; bound 400 KB), {} KB shared by all pages, {} KB for every page together",
                largest / 1024,
                entry / 1024,
                (entry + chunk_bytes.values().sum::<usize>()) / 1024
            ),
        );
        row(
            "  each page's first visit",
            pages
                .iter()
                .map(|(bytes, name)| format!("{name} {} KB", bytes / 1024))
                .collect::<Vec<_>>()
                .join(", "),
        );
        // What an on-demand part adds to the heaviest page when it is first used.
        let heaviest = manifest
            .iter()
            .find(|(split, _)| name(split) == (true, page.clone()))
            .map(|(_, chunks)| chunks.clone())
            .unwrap_or_default();
        for (chunks, part) in parts {
            let extra: Vec<&String> = chunks.iter().filter(|c| !heaviest.contains(c)).collect();
            row(
                &format!("  {part} (on demand)"),
                format!("+{} KB the first time it is used", bytes(&extra) / 1024),
            );
        }
    }
}
