//! The validator's answer: do these results describe this company?

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::job::ReviewReason;

/// A verified company within this much of the threshold goes to review.
pub const NEAR_THRESHOLD: f64 = 0.1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub valid: bool,
    pub confidence: f64,
    /// One line, for people.
    pub verdict: String,
    pub issues: Vec<String>,
    /// The distinct companies the name could mean, when the validator sees
    /// more than one ("Mercury (mercury.com)", "Mercury (mercurylabs.ai)").
    #[serde(default)]
    pub candidates: Vec<String>,
}

impl Verdict {
    /// Verified means valid and at least as confident as the threshold. A
    /// confidence outside 0..=1 (or NaN) never verifies anything.
    pub fn verifies(&self, threshold: f64) -> bool {
        self.valid && (0.0..=1.0).contains(&self.confidence) && self.confidence >= threshold
    }

    /// The validator sees several companies behind the name.
    pub fn is_ambiguous(&self) -> bool {
        self.candidates.len() > 1
    }

    /// Whether a person should look at this company, and why. A name several
    /// companies share is settled by a website given with it (in the CSV, or
    /// by a person in review), once the research under it is verified.
    pub fn review(&self, threshold: f64, website_given: bool) -> Option<ReviewReason> {
        let verified = self.verifies(threshold);
        if self.is_ambiguous() && !(verified && website_given) {
            Some(ReviewReason::Ambiguous)
        } else if !verified {
            Some(ReviewReason::Unverified)
        } else if self.confidence < threshold + NEAR_THRESHOLD {
            Some(ReviewReason::NearThreshold)
        } else {
            None
        }
    }
}

pub fn verdict_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["valid", "confidence", "verdict", "issues", "candidates"],
        "properties": {
            "valid": {"type": "boolean", "description": "true only if the sources describe this specific, real company"},
            "confidence": {"type": "number", "description": "0.0 to 1.0"},
            "verdict": {"type": "string", "description": "one sentence"},
            "issues": {"type": "array", "items": {"type": "string"}},
            "candidates": {"type": "array", "items": {"type": "string"}, "description": "when the name could mean several different companies: each of them, as 'Name (website)'; else empty"}
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(valid: bool, confidence: f64) -> Verdict {
        Verdict {
            valid,
            confidence,
            verdict: String::new(),
            issues: vec![],
            candidates: vec![],
        }
    }

    #[test]
    fn only_valid_and_confident_verdicts_verify() {
        assert!(verdict(true, 0.8).verifies(0.6));
        assert!(verdict(true, 0.6).verifies(0.6));
        assert!(!verdict(true, 0.59).verifies(0.6));
        assert!(!verdict(false, 0.99).verifies(0.6));
        assert!(!verdict(true, f64::NAN).verifies(0.0));
        assert!(!verdict(true, 7.0).verifies(0.6));
    }

    #[test]
    fn review_catches_the_unverified_the_ambiguous_and_the_barely_verified() {
        assert_eq!(verdict(true, 0.9).review(0.6, false), None);
        assert_eq!(verdict(true, 0.7).review(0.6, false), None);
        assert_eq!(
            verdict(true, 0.65).review(0.6, true),
            Some(ReviewReason::NearThreshold)
        );
        assert_eq!(
            verdict(false, 0.9).review(0.6, false),
            Some(ReviewReason::Unverified)
        );
        let mut several = verdict(true, 0.95);
        several.candidates = vec![
            "Mercury (mercury.com)".into(),
            "Mercury (mercurylabs.ai)".into(),
        ];
        assert_eq!(several.review(0.6, false), Some(ReviewReason::Ambiguous));
        assert_eq!(several.review(0.6, true), None, "the website settled it");
        several.valid = false;
        assert_eq!(
            several.review(0.6, true),
            Some(ReviewReason::Ambiguous),
            "a website that did not settle it"
        );
        several.valid = true;
        several.candidates.truncate(1);
        assert_eq!(
            several.review(0.6, false),
            None,
            "one candidate is no ambiguity"
        );
    }
}
