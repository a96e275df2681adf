//! An OpenAI-compatible POST {base}/chat/completions with structured output.

use std::time::Duration;

use async_trait::async_trait;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use super::{
    ChatRequest, ChatResponse, JsonEndpoint, LlmProvider, Provider, ProviderError,
    retry::RetryPolicy,
};

pub struct OpenAiCompatibleClient {
    endpoint: JsonEndpoint,
    model: String,
    retry: RetryPolicy,
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

impl OpenAiCompatibleClient {
    pub fn new(
        base_url: &str,
        api_key: Option<SecretString>,
        model: &str,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            endpoint: JsonEndpoint::new(Provider::Llm, base_url, api_key, timeout),
            model: model.to_string(),
            retry,
        }
    }

    async fn call(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let body = json!({
            "model": self.model,
            "messages": [
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.user},
            ],
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": request.schema_name, "strict": true, "schema": request.schema},
            },
        });
        let completion: Completion = self.endpoint.post("/chat/completions", &body).await?;
        let usage = completion.usage.unwrap_or(Usage {
            prompt_tokens: 0,
            completion_tokens: 0,
        });
        let content = completion
            .choices
            .into_iter()
            .next()
            .and_then(|c| c.message.content)
            .ok_or_else(|| ProviderError::Malformed {
                provider: Provider::Llm,
                message: "the completion has no message content".into(),
            })?;
        Ok(ChatResponse {
            content,
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: usage.completion_tokens,
        })
    }
}

#[async_trait]
impl LlmProvider for OpenAiCompatibleClient {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        self.retry.run(|| self.call(request)).await
    }
}
