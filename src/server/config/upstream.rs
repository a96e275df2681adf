//! Where each provider's requests go, and the rule that both are real or
//! both are the built-in sample data: real searches judged by the fake model
//! (or the reverse) would reject nearly every real company, and cost money.

use secrecy::SecretString;

use super::ConfigError;

/// Where a provider's requests go.
#[derive(Debug, Clone)]
pub enum Upstream {
    /// A real (or self-hosted) endpoint. The key may be absent for local servers.
    Remote {
        base_url: String,
        api_key: Option<SecretString>,
    },
    /// Neither a key nor a base URL is configured: use the built-in sample data.
    Demo,
}

impl Upstream {
    pub fn is_demo(&self) -> bool {
        matches!(self, Upstream::Demo)
    }

    pub fn has_key(&self) -> bool {
        matches!(
            self,
            Upstream::Remote {
                api_key: Some(_),
                ..
            }
        )
    }
}

/// Refuses a half-configured deployment, naming the variable that is missing.
pub fn both_or_neither(tavily: &Upstream, llm: &Upstream) -> Result<(), ConfigError> {
    let missing = |variable: &str, set: &str| ConfigError {
        variable: variable.into(),
        message: format!(
            "{set} is set but {variable} is not: set {variable} too (or unset {set} for demo mode, which uses built-in sample data for both)"
        ),
    };
    match (tavily.is_demo(), llm.is_demo()) {
        (true, false) => Err(missing("TAVILY_API_KEY", llm_variable(llm))),
        (false, true) => Err(missing("LLM_API_KEY", tavily_variable(tavily))),
        _ => Ok(()),
    }
}

fn llm_variable(llm: &Upstream) -> &'static str {
    if llm.has_key() {
        "LLM_API_KEY"
    } else {
        "LLM_BASE_URL"
    }
}

fn tavily_variable(tavily: &Upstream) -> &'static str {
    if tavily.has_key() {
        "TAVILY_API_KEY"
    } else {
        "TAVILY_BASE_URL"
    }
}
