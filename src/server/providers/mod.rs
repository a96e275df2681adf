//! Upstream providers behind small traits: web search and an OpenAI-compatible LLM.
//! The real clients speak HTTP with reqwest; the tests point them at the fake upstream.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::Value;

use crate::domain::evidence::RawSource;

pub mod llm;
pub mod retry;
pub mod tavily;

/// Which upstream a failure came from, for messages that say what to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Search,
    Llm,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Provider::Search => "Tavily",
            Provider::Llm => "the LLM endpoint",
        }
    }

    pub fn key_variable(self) -> &'static str {
        match self {
            Provider::Search => "TAVILY_API_KEY",
            Provider::Llm => "LLM_API_KEY",
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ProviderError {
    #[error("{} rejected the API key (HTTP {status}); check {}", provider.name(), provider.key_variable())]
    Unauthorized { provider: Provider, status: u16 },
    #[error("{} says the plan's credit limit is reached (HTTP {status}); raise the limit or wait for the next billing period, then retry the job", provider.name())]
    QuotaExceeded { provider: Provider, status: u16 },
    #[error("{} refused the request as too large (HTTP {status})", provider.name())]
    TooLarge { provider: Provider, status: u16 },
    #[error("{} answered HTTP {status}: {message}", provider.name())]
    Status {
        provider: Provider,
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("{} did not answer within {}s", provider.name(), after.as_secs_f64())]
    Timeout { provider: Provider, after: Duration },
    #[error("could not reach {}: {message}", provider.name())]
    Transport { provider: Provider, message: String },
    #[error("{} sent an answer that could not be read: {message}", provider.name())]
    Malformed { provider: Provider, message: String },
}

impl ProviderError {
    /// Worth another try: timeouts, connection problems, 429, 5xx, unreadable answers.
    pub fn is_transient(&self) -> bool {
        match self {
            ProviderError::Status { status, .. } => *status == 429 || *status >= 500,
            ProviderError::Timeout { .. }
            | ProviderError::Transport { .. }
            | ProviderError::Malformed { .. } => true,
            ProviderError::Unauthorized { .. }
            | ProviderError::QuotaExceeded { .. }
            | ProviderError::TooLarge { .. } => false,
        }
    }

    /// Fatal for every company of the job, not just this one: a rejected key
    /// or an exhausted plan stops the job at once (its companies wait for a retry).
    pub fn stops_the_job(&self) -> bool {
        matches!(
            self,
            ProviderError::Unauthorized { .. } | ProviderError::QuotaExceeded { .. }
        )
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// What a search returned, and what it cost.
#[derive(Debug, Clone, Default)]
pub struct SearchOutcome {
    pub sources: Vec<RawSource>,
    /// Credits of every successful call, retries included.
    pub credits: f64,
}

#[async_trait]
pub trait SearchProvider: Send + Sync {
    async fn search(&self, query: &str) -> Result<SearchOutcome, ProviderError>;

    /// What one search is expected to cost, recorded before it is sent.
    fn credits_per_search(&self) -> f64 {
        0.0
    }
}

/// One structured-output chat request.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub system: String,
    pub user: String,
    pub schema_name: String,
    pub schema: Value,
    pub temperature: f32,
    pub max_tokens: u32,
}

#[derive(Debug, Clone, Default)]
pub struct ChatResponse {
    pub content: String,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

#[async_trait]
pub trait LlmProvider: Send + Sync {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError>;
}

/// An HTTP JSON API with an optional bearer key and a per-request timeout.
pub(crate) struct JsonEndpoint {
    provider: Provider,
    http: reqwest::Client,
    base_url: String,
    api_key: Option<secrecy::SecretString>,
    timeout: Duration,
}

impl JsonEndpoint {
    pub(crate) fn new(
        provider: Provider,
        base_url: &str,
        api_key: Option<secrecy::SecretString>,
        timeout: Duration,
    ) -> Self {
        Self {
            provider,
            http: reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .expect("a reqwest client with a timeout builds"),
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            timeout,
        }
    }

    /// POSTs `body` to `{base_url}{path}` and reads the JSON answer.
    pub(crate) async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<T, ProviderError> {
        use secrecy::ExposeSecret;
        let mut request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .json(body);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key.expose_secret());
        }
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(self.provider, self.timeout, e))?;
        if !response.status().is_success() {
            return Err(status_error(self.provider, response).await);
        }
        let bytes = read_capped(response, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| match e {
                Capped::Over => ProviderError::Malformed {
                    provider: self.provider,
                    message: format!(
                        "the answer is larger than {} MB",
                        MAX_ANSWER_BYTES / 1_000_000
                    ),
                },
                Capped::Failed(e) => transport_error(self.provider, self.timeout, e),
            })?;
        let malformed = |e: serde_json::Error| ProviderError::Malformed {
            provider: self.provider,
            message: e.to_string(),
        };
        let mut value: Value = serde_json::from_slice(&bytes).map_err(malformed)?;
        crate::domain::llm_output::strip_nul(&mut value);
        serde_json::from_value(value).map_err(malformed)
    }
}

/// The largest answer read from an upstream; a bigger one is refused, not buffered.
pub const MAX_ANSWER_BYTES: usize = 16_000_000;
/// The part of an error answer kept (for its message).
const MAX_ERROR_BYTES: usize = 16 * 1024;

pub(crate) enum Capped {
    Over,
    Failed(reqwest::Error),
}

/// Reads a body up to `cap` bytes, chunk by chunk; stops as soon as it is over.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, Capped> {
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(Capped::Over);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Capped::Failed)? {
        if body.len() + chunk.len() > cap {
            return Err(Capped::Over);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The first `n` bytes of a body (or fewer), as text; the rest is not read.
async fn read_prefix(mut response: reqwest::Response, n: usize) -> String {
    let mut body = Vec::new();
    while body.len() < n {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    body.truncate(n);
    String::from_utf8_lossy(&body).into_owned()
}

/// Turns a reqwest failure into a [`ProviderError`].
pub(crate) fn transport_error(
    provider: Provider,
    timeout: Duration,
    error: reqwest::Error,
) -> ProviderError {
    if error.is_timeout() {
        ProviderError::Timeout {
            provider,
            after: timeout,
        }
    } else if error.is_decode() || error.is_body() {
        ProviderError::Malformed {
            provider,
            message: error.without_url().to_string(),
        }
    } else {
        ProviderError::Transport {
            provider,
            message: error.without_url().to_string(),
        }
    }
}

/// Classifies a non-success HTTP answer. The body is kept short and never echoes headers.
pub(crate) async fn status_error(provider: Provider, response: reqwest::Response) -> ProviderError {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(120.0)));
    let body = read_prefix(response, MAX_ERROR_BYTES).await;
    let message: String = body.chars().take(300).collect();
    match status {
        401 | 403 => ProviderError::Unauthorized { provider, status },
        // Tavily: the plan's (432) or the pay-as-you-go (433) credit limit.
        432 | 433 if provider == Provider::Search => {
            ProviderError::QuotaExceeded { provider, status }
        }
        413 => ProviderError::TooLarge { provider, status },
        400 if message.to_lowercase().contains("too large")
            || message.to_lowercase().contains("too long")
            || message.to_lowercase().contains("context length") =>
        {
            ProviderError::TooLarge { provider, status }
        }
        _ => ProviderError::Status {
            provider,
            status,
            message,
            retry_after,
        },
    }
}
