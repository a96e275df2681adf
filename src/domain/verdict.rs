//! The validator's answer: do these results describe this company?

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub valid: bool,
    pub confidence: f64,
    /// One line, for people.
    pub verdict: String,
    pub issues: Vec<String>,
}

impl Verdict {
    /// Verified means valid and at least as confident as the threshold. A
    /// confidence outside 0..=1 (or NaN) never verifies anything.
    pub fn verifies(&self, threshold: f64) -> bool {
        self.valid && (0.0..=1.0).contains(&self.confidence) && self.confidence >= threshold
    }
}

pub fn verdict_schema() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["valid", "confidence", "verdict", "issues"],
        "properties": {
            "valid": {"type": "boolean", "description": "true only if the sources describe this specific, real company"},
            "confidence": {"type": "number", "description": "0.0 to 1.0"},
            "verdict": {"type": "string", "description": "one sentence"},
            "issues": {"type": "array", "items": {"type": "string"}}
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
}
