//! Research a company already paid for, kept on its row while its check or
//! scoring could not finish (an upstream outage, a stop): the next attempt
//! starts from it instead of buying the same search again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{evidence::EvidenceSource, verdict::Verdict};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptResearch {
    /// The evidence as prepared from the search (excerpts included).
    pub evidence: Vec<EvidenceSource>,
    pub fetched_at: DateTime<Utc>,
    /// The validator's verdict once it verified the evidence: then only
    /// scoring is left. None: the evidence still has to be checked.
    pub verified: Option<Verdict>,
}

impl KeptResearch {
    pub fn fetched(evidence: Vec<EvidenceSource>) -> Self {
        Self {
            evidence,
            fetched_at: Utc::now(),
            verified: None,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("plain data serialises")
    }

    /// What a row keeps; a value that cannot be read is no research (the
    /// company is searched again rather than failing for good).
    pub fn from_json(value: Option<serde_json::Value>) -> Option<Self> {
        serde_json::from_value::<Self>(value?)
            .ok()
            .filter(|kept| !kept.evidence.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> EvidenceSource {
        EvidenceSource {
            index: 1,
            title: "Acme".into(),
            url: "https://acme.example".into(),
            relevance: 0.9,
            excerpt: "Acme builds rockets.".into(),
        }
    }

    #[test]
    fn kept_research_survives_the_database_round_trip() {
        let mut kept = KeptResearch::fetched(vec![source()]);
        kept.verified = Some(Verdict {
            valid: true,
            confidence: 0.9,
            verdict: "Acme".into(),
            issues: vec![],
            candidates: vec![],
        });
        assert_eq!(KeptResearch::from_json(Some(kept.to_json())), Some(kept));
    }

    #[test]
    fn unreadable_or_empty_kept_research_is_none() {
        assert_eq!(KeptResearch::from_json(None), None);
        assert_eq!(
            KeptResearch::from_json(Some(serde_json::json!({"x": 1}))),
            None
        );
        let empty = KeptResearch::fetched(vec![]);
        assert_eq!(KeptResearch::from_json(Some(empty.to_json())), None);
    }
}
