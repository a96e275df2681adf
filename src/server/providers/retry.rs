//! Retries with exponential backoff and jitter (backon), honouring Retry-After.

use std::{future::Future, time::Duration};

use backon::{ExponentialBuilder, Retryable};

use super::ProviderError;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: usize,
    pub min_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// Runs `call` until it succeeds, fails for good, or runs out of retries.
    pub async fn run<T, F, Fut>(&self, call: F) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ProviderError>>,
    {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_retries)
            .with_jitter();
        call.retry(backoff)
            .sleep(tokio::time::sleep)
            .when(ProviderError::is_transient)
            .adjust(|error, delay| {
                // A server that says when to come back is believed (within reason).
                delay.map(|d| error.retry_after().map_or(d, |after| after.max(d)))
            })
            .notify(|error, delay| tracing::debug!(%error, ?delay, "retrying upstream call"))
            .await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::server::providers::Provider;

    fn fast() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        }
    }

    #[tokio::test]
    async fn transient_errors_are_retried_until_success() {
        let calls = AtomicUsize::new(0);
        let result = fast()
            .run(|| async {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(ProviderError::Status {
                        provider: Provider::Search,
                        status: 503,
                        message: String::new(),
                        retry_after: None,
                    })
                } else {
                    Ok(7)
                }
            })
            .await;
        assert_eq!(result.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn unauthorized_is_not_retried() {
        let calls = AtomicUsize::new(0);
        let result: Result<(), _> = fast()
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(ProviderError::Unauthorized {
                    provider: Provider::Llm,
                    status: 401,
                })
            })
            .await;
        assert!(matches!(result, Err(ProviderError::Unauthorized { .. })));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn retries_stop_after_the_limit() {
        let calls = AtomicUsize::new(0);
        let result: Result<(), _> = fast()
            .run(|| async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(ProviderError::Timeout {
                    provider: Provider::Llm,
                    after: Duration::from_secs(1),
                })
            })
            .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }
}
