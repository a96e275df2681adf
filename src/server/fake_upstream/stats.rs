//! What the fake was asked: calls per company, and requests in flight.

use std::{collections::BTreeMap, sync::Arc};

use serde::Serialize;

use super::{Endpoint, Shared};

/// What the fake was asked, for tests and the benchmark.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Calls {
    pub searches: u64,
    pub validations: u64,
    pub scorings: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub total: Calls,
    pub faults_injected: u64,
    pub by_company: BTreeMap<String, Calls>,
    /// Requests being answered now, and the most there ever were at once.
    pub searches_in_flight: u64,
    pub peak_searches_in_flight: u64,
    pub llm_in_flight: u64,
    pub peak_llm_in_flight: u64,
}

/// Counts a request as in flight while it lives.
pub(super) struct InFlight {
    shared: Arc<Shared>,
    endpoint: Endpoint,
}

impl InFlight {
    pub(super) fn new(shared: &Arc<Shared>, endpoint: Endpoint) -> Self {
        let mut stats = shared.stats.lock().expect("stats");
        match endpoint {
            Endpoint::Search => {
                stats.searches_in_flight += 1;
                stats.peak_searches_in_flight =
                    stats.peak_searches_in_flight.max(stats.searches_in_flight);
            }
            Endpoint::Chat => {
                stats.llm_in_flight += 1;
                stats.peak_llm_in_flight = stats.peak_llm_in_flight.max(stats.llm_in_flight);
            }
        }
        drop(stats);
        Self {
            shared: shared.clone(),
            endpoint,
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut stats = self.shared.stats.lock().expect("stats");
        match self.endpoint {
            Endpoint::Search => stats.searches_in_flight -= 1,
            Endpoint::Chat => stats.llm_in_flight -= 1,
        }
    }
}
