//! A small fake of Tavily's /search and OpenAI's /v1/chat/completions on
//! 127.0.0.1, answering from an offline corpus of sample companies, with
//! injectable latency and faults. Tests and the benchmark use it, and it is the
//! app's demo mode when no keys are configured.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};
use tokio::sync::oneshot;

mod corpus;
mod llm;
mod search;
mod stats;

pub use corpus::Corpus;
use stats::InFlight;
pub use stats::{Calls, Stats};

/// Shares of requests that fail, each in 0..=1 (drawn once per request, in this order).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    pub rate_429: f64,
    pub rate_500: f64,
    pub rate_timeout: f64,
    pub rate_malformed: f64,
    /// LLM only: a well-formed completion whose content is prose, not JSON.
    pub rate_garbage: f64,
    pub retry_after_secs: f64,
    /// How long a "timeout" hangs before answering.
    pub hang: Duration,
}

#[derive(Debug, Clone)]
pub struct FakeConfig {
    pub search_latency: (Duration, Duration),
    pub llm_latency: (Duration, Duration),
    /// Extra LLM latency for scoring calls on top of `llm_latency`.
    pub scoring_extra_latency: Duration,
    pub faults: Faults,
    /// LLM requests larger than this are refused with HTTP 400 "context length exceeded".
    pub max_llm_request_bytes: Option<usize>,
    /// When set, requests must carry `Authorization: Bearer <key>` or get 401.
    pub required_key: Option<String>,
    /// Put NUL characters into page text and into every string of the
    /// model's answers (some pages and models do; PostgreSQL refuses them).
    pub inject_nul: bool,
    pub seed: u64,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            search_latency: (Duration::ZERO, Duration::ZERO),
            llm_latency: (Duration::ZERO, Duration::ZERO),
            scoring_extra_latency: Duration::ZERO,
            faults: Faults::default(),
            max_llm_request_bytes: None,
            required_key: None,
            inject_nul: false,
            seed: 7,
        }
    }
}

impl FakeConfig {
    /// Demo mode: no faults, a little latency so progress is visible.
    pub fn demo() -> Self {
        Self {
            search_latency: (Duration::from_millis(400), Duration::from_millis(1200)),
            llm_latency: (Duration::from_millis(300), Duration::from_millis(900)),
            ..Self::default()
        }
    }
}

struct Shared {
    config: FakeConfig,
    corpus: Corpus,
    rng: Mutex<fastrand::Rng>,
    stats: Mutex<Stats>,
    /// Companies whose model calls answer 503 until changed (an outage a test turns on and off).
    outage: Mutex<std::collections::HashSet<String>>,
    /// Searches answer Tavily's 432 (the plan's credit limit) while set.
    quota_spent: std::sync::atomic::AtomicBool,
    /// Use-case tiers scored instead of the profiles' (a business that changed).
    use_case: Mutex<std::collections::HashMap<String, String>>,
}

/// A running fake upstream. Stops when dropped.
pub struct FakeUpstream {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl FakeUpstream {
    /// Starts on 127.0.0.1 with an ephemeral port (or `addr`).
    pub async fn start(config: FakeConfig, addr: Option<SocketAddr>) -> std::io::Result<Self> {
        let listener =
            tokio::net::TcpListener::bind(addr.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0))))
                .await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            rng: Mutex::new(fastrand::Rng::with_seed(config.seed)),
            config,
            corpus: Corpus::default(),
            stats: Mutex::new(Stats::default()),
            outage: Mutex::default(),
            quota_spent: Default::default(),
            use_case: Mutex::default(),
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let app = router(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            shared,
            _stop: stop,
        })
    }

    /// The value for TAVILY_BASE_URL.
    pub fn search_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The value for LLM_BASE_URL.
    pub fn llm_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats.lock().expect("stats").clone()
    }

    /// From now on the model answers 503 for these companies ("*": for
    /// every company; "scoring:Acme": only Acme's scoring calls; none: the
    /// outage is over).
    pub fn set_outage(&self, companies: &[&str]) {
        *self.shared.outage.lock().expect("outage") =
            companies.iter().map(|c| c.to_string()).collect();
    }

    /// From now on the model scores this company's use case as `tier` (S, A,
    /// B, C, D, E or UNKNOWN): its business changed since the last run, and
    /// a search finds the news (so its evidence differs from what was kept).
    pub fn set_use_case(&self, company: &str, tier: &str) {
        self.shared
            .use_case
            .lock()
            .expect("use case")
            .insert(company.to_string(), tier.to_string());
    }

    /// From now on searches answer 432, the plan's credit limit (false: credits again).
    pub fn set_quota_spent(&self, spent: bool) {
        self.shared
            .quota_spent
            .store(spent, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn calls_for(&self, company: &str) -> Calls {
        self.stats()
            .by_company
            .get(company)
            .cloned()
            .unwrap_or_default()
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/search", post(search_handler))
        .route("/v1/chat/completions", post(chat_handler))
        .route("/chat/completions", post(chat_handler))
        .route("/__stats", get(stats_handler))
        .with_state(shared)
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": {"message": message}}))).into_response()
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Endpoint {
    Search,
    Chat,
}

impl Shared {
    async fn pause(&self, (low, high): (Duration, Duration)) {
        let wait = if high > low {
            let spread = (high - low).as_micros() as u64;
            low + Duration::from_micros(self.rng.lock().expect("rng").u64(0..=spread))
        } else {
            low
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    fn record(&self, company: &str, f: impl Fn(&mut Calls)) {
        let mut stats = self.stats.lock().expect("stats");
        f(&mut stats.total);
        f(stats.by_company.entry(company.to_string()).or_default());
    }

    /// Auth, size and random faults, in that order. `None` means: answer normally.
    async fn fault(
        &self,
        endpoint: Endpoint,
        headers: &HeaderMap,
        body_len: usize,
    ) -> Option<Response> {
        if let Some(key) = &self.config.required_key {
            let expected = format!("Bearer {key}");
            if headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                != Some(expected.as_str())
            {
                return Some(error(
                    StatusCode::UNAUTHORIZED,
                    "invalid or missing API key",
                ));
            }
        }
        if endpoint == Endpoint::Chat
            && self
                .config
                .max_llm_request_bytes
                .is_some_and(|max| body_len > max)
        {
            return Some(error(
                StatusCode::BAD_REQUEST,
                "This model's maximum context length is exceeded: the request is too large",
            ));
        }
        let f = &self.config.faults;
        let draw = self.rng.lock().expect("rng").f64();
        let mut edge = 0.0;
        let mut hit = |rate: f64| {
            let lower = edge;
            edge += rate;
            draw >= lower && draw < edge
        };
        let response = if hit(f.rate_429) {
            let mut response = error(StatusCode::TOO_MANY_REQUESTS, "rate limited");
            response.headers_mut().insert(
                header::RETRY_AFTER,
                f.retry_after_secs.to_string().parse().expect("a number"),
            );
            response
        } else if hit(f.rate_500) {
            error(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        } else if hit(f.rate_timeout) {
            tokio::time::sleep(f.hang).await;
            error(StatusCode::GATEWAY_TIMEOUT, "too slow")
        } else if hit(f.rate_malformed) {
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"results\": [tru",
            )
                .into_response()
        } else {
            return None;
        };
        self.stats.lock().expect("stats").faults_injected += 1;
        Some(response)
    }
}

/// A request is answered to the end even when its client went away (killed,
/// say): like a real provider, the fake has done the work and charged for it.
async fn finish_anyway(work: impl Future<Output = Response> + Send + 'static) -> Response {
    tokio::spawn(work)
        .await
        .unwrap_or_else(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "the fake failed"))
}

async fn search_handler(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    finish_anyway(search(shared, headers, body)).await
}

async fn search(shared: Arc<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let _in_flight = InFlight::new(&shared, Endpoint::Search);
    shared.pause(shared.config.search_latency).await;
    if let Some(response) = shared.fault(Endpoint::Search, &headers, body.len()).await {
        return response;
    }
    if shared.quota_spent.load(std::sync::atomic::Ordering::SeqCst) {
        let status = StatusCode::from_u16(432).expect("a valid status");
        return error(status, "This request exceeds your plan's set usage limit.");
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "body must be JSON");
    };
    let query = request["query"].as_str().unwrap_or_default();
    let (name, mut results) = search::results(&shared.corpus, query);
    // A company whose business changed (`set_use_case`) has news about it.
    if let Some(tier) = shared.use_case.lock().expect("use case").get(&name)
        && let Some(first) = results.first_mut()
    {
        let news = format!(" Update: {name} has changed its business (now use case {tier}).");
        for field in ["content", "raw_content"] {
            if let Some(text) = first[field].as_str() {
                first[field] = format!("{text}{news}").into();
            }
        }
    }
    if shared.config.inject_nul {
        results.iter_mut().for_each(with_nul);
    }
    shared.record(&name, |c| c.searches += 1);
    let credits = if request["search_depth"] == "advanced" {
        2
    } else {
        1
    };
    Json(json!({"query": query, "results": results, "usage": {"credits": credits}, "response_time": 0.5}))
        .into_response()
}

async fn chat_handler(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    finish_anyway(chat(shared, headers, body)).await
}

async fn chat(shared: Arc<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let _in_flight = InFlight::new(&shared, Endpoint::Chat);
    shared.pause(shared.config.llm_latency).await;
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "body must be JSON");
    };
    let schema_name = request["response_format"]["json_schema"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let schema = &request["response_format"]["json_schema"]["schema"];
    let prompt: String = request["messages"]
        .as_array()
        .map(|messages| {
            messages
                .iter()
                .filter_map(|m| m["content"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let scoring = schema_name.starts_with("score_");
    if scoring {
        tokio::time::sleep(shared.config.scoring_extra_latency).await;
    }
    if let Some(response) = shared.fault(Endpoint::Chat, &headers, body.len()).await {
        return response;
    }
    let (company, _) = llm::company_of(&prompt);
    let down = {
        let outage = shared.outage.lock().expect("outage");
        let down_for = |who: &str| {
            outage.contains(who) || (scoring && outage.contains(&format!("scoring:{who}")))
        };
        down_for(&company) || down_for("*")
    };
    if down {
        shared.stats.lock().expect("stats").faults_injected += 1;
        return error(StatusCode::SERVICE_UNAVAILABLE, "the model is overloaded");
    }
    let answer = if scoring {
        shared.record(&company, |c| c.scorings += 1);
        let changed = shared
            .use_case
            .lock()
            .expect("use case")
            .get(&company)
            .cloned();
        llm::score(
            &shared.corpus,
            &prompt,
            &schema_name,
            schema,
            changed.as_deref(),
        )
    } else {
        shared.record(&company, |c| c.validations += 1);
        llm::validate(&shared.corpus, &prompt)
    };
    let mut answer = answer;
    if shared.config.inject_nul {
        with_nul(&mut answer);
    }
    let garbage = {
        let rate = shared.config.faults.rate_garbage;
        rate > 0.0 && shared.rng.lock().expect("rng").f64() < rate
    };
    let content = if garbage {
        shared.stats.lock().expect("stats").faults_injected += 1;
        "I'm sorry, I can't produce JSON for that right now.".to_string()
    } else {
        // Some servers wrap JSON in a fence even when asked for a schema.
        let nul = if shared.config.inject_nul {
            "\u{0}"
        } else {
            ""
        };
        format!("{nul}```json\n{answer}\n```")
    };
    let completion_tokens = (content.len() / 4) as u64;
    Json(json!({
        "id": "fake-completion",
        "object": "chat.completion",
        "model": request["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": (body.len() / 4) as u64, "completion_tokens": completion_tokens,
                  "total_tokens": (body.len() / 4) as u64 + completion_tokens},
    }))
    .into_response()
}

/// Appends a NUL character to every string (for `inject_nul`).
fn with_nul(value: &mut Value) {
    match value {
        Value::String(text) => text.push('\0'),
        Value::Array(items) => items.iter_mut().for_each(with_nul),
        Value::Object(fields) => fields.values_mut().for_each(with_nul),
        _ => {}
    }
}

async fn stats_handler(State(shared): State<Arc<Shared>>) -> Json<Stats> {
    Json(shared.stats.lock().expect("stats").clone())
}
