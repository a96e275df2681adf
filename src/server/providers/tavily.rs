//! Tavily's POST /search, with a bearer key.

use std::time::Duration;

use async_trait::async_trait;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use super::{
    JsonEndpoint, Provider, ProviderError, SearchOutcome, SearchProvider, retry::RetryPolicy,
};
use crate::domain::evidence::RawSource;

/// Advanced search costs 2 credits when the answer does not say.
const DEFAULT_CREDITS: f64 = 2.0;

pub struct TavilyClient {
    endpoint: JsonEndpoint,
    retry: RetryPolicy,
}

#[derive(Deserialize)]
struct SearchResponse {
    #[serde(default)]
    results: Vec<SearchResult>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct SearchResult {
    #[serde(default)]
    title: String,
    url: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    raw_content: Option<String>,
    #[serde(default)]
    score: f64,
}

#[derive(Deserialize)]
struct Usage {
    credits: Option<f64>,
}

impl TavilyClient {
    pub fn new(
        base_url: &str,
        api_key: Option<SecretString>,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            endpoint: JsonEndpoint::new(Provider::Search, base_url, api_key, timeout),
            retry,
        }
    }

    async fn call(&self, query: &str) -> Result<(Vec<RawSource>, f64), ProviderError> {
        let body = json!({
            "query": query,
            "search_depth": "advanced",
            "max_results": 10,
            "include_raw_content": true,
            "include_answer": false,
            "include_usage": true,
        });
        let parsed: SearchResponse = self.endpoint.post("/search", &body).await?;
        let credits = parsed
            .usage
            .and_then(|u| u.credits)
            .unwrap_or(DEFAULT_CREDITS);
        let sources = parsed
            .results
            .into_iter()
            .map(|r| RawSource {
                url: r.url,
                title: r.title,
                content: r.content,
                raw_content: r.raw_content,
                relevance: r.score,
            })
            .collect();
        Ok((sources, credits))
    }
}

#[async_trait]
impl SearchProvider for TavilyClient {
    async fn search(&self, query: &str) -> Result<SearchOutcome, ProviderError> {
        let (sources, credits) = self.retry.run(|| self.call(query)).await?;
        Ok(SearchOutcome { sources, credits })
    }

    fn credits_per_search(&self) -> f64 {
        DEFAULT_CREDITS
    }
}
