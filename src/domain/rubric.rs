//! Rubrics as data: what to search for, how to prompt, and the point tables.
//!
//! A rubric file (TOML, under `rubrics/`) names four criteria: `use_case`,
//! `scale_budget`, `growth` and `confidence`. The LLM only picks option ids;
//! [`crate::domain::score`] turns picks into points, a total and a tier.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// HOT / WARM / WATCH / COLD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum PriorityTier {
    #[serde(alias = "hot")]
    Hot,
    #[serde(alias = "warm")]
    Warm,
    #[serde(alias = "watch")]
    Watch,
    #[serde(alias = "cold")]
    Cold,
}

impl PriorityTier {
    pub const ALL: [PriorityTier; 4] = [Self::Hot, Self::Warm, Self::Watch, Self::Cold];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hot => "HOT",
            Self::Warm => "WARM",
            Self::Watch => "WATCH",
            Self::Cold => "COLD",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|tier| tier.as_str().eq_ignore_ascii_case(value))
    }
}

/// How a criterion's options combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum CriterionMode {
    /// Exactly one option applies.
    Single,
    /// Any number of options apply; their points add up (capped at `max`).
    Additive,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CriterionOption {
    pub id: String,
    pub label: String,
    pub points: u32,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub label: String,
    pub max: u32,
    pub mode: CriterionMode,
    /// How the model should choose, in words; goes into the prompt.
    #[serde(default)]
    pub guidance: String,
    pub options: Vec<CriterionOption>,
}

impl Criterion {
    pub fn option(&self, id: &str) -> Option<&CriterionOption> {
        self.options.iter().find(|o| o.id == id)
    }

    pub fn option_ids(&self) -> Vec<&str> {
        self.options.iter().map(|o| o.id.as_str()).collect()
    }
}

/// The four criteria, in the order of the score columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Criteria {
    pub use_case: Criterion,
    pub scale_budget: Criterion,
    pub growth: Criterion,
    pub confidence: Criterion,
}

impl Criteria {
    /// The four keys, in the order of the score columns.
    pub const KEYS: [&'static str; 4] = ["use_case", "scale_budget", "growth", "confidence"];

    pub fn get(&self, key: &str) -> Option<&Criterion> {
        self.iter()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, c)| c)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Criterion> {
        match key {
            "use_case" => Some(&mut self.use_case),
            "scale_budget" => Some(&mut self.scale_budget),
            "growth" => Some(&mut self.growth),
            "confidence" => Some(&mut self.confidence),
            _ => None,
        }
    }

    pub fn iter(&self) -> [(&'static str, &Criterion); 4] {
        [
            ("use_case", &self.use_case),
            ("scale_budget", &self.scale_budget),
            ("growth", &self.growth),
            ("confidence", &self.confidence),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Thresholds {
    pub hot: u32,
    pub warm: u32,
    pub watch: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Priority {
    pub thresholds: Thresholds,
    /// Display label per tier, keyed HOT/WARM/WATCH/COLD.
    pub labels: BTreeMap<String, String>,
    /// Recommended action per tier, keyed HOT/WARM/WATCH/COLD.
    pub actions: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Search {
    /// Words appended to the first query, after the quoted name and domain hint.
    pub keywords: String,
    /// Words for the refined query used when the first results fail validation.
    pub refine_keywords: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Prompts {
    pub system: String,
    /// Analysis instructions; the evidence and the output format are added by the engine.
    pub user: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Rubric {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub description: String,
    pub search: Search,
    pub prompts: Prompts,
    pub criteria: Criteria,
    pub priority: Priority,
}

/// A rubric file that cannot be used, with what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rubric {rubric:?}: {message}")]
pub struct RubricError {
    pub rubric: String,
    pub message: String,
}

impl Rubric {
    /// Checks everything the scoring code relies on; the first problem found.
    pub fn validate(&self) -> Result<(), RubricError> {
        match self.problems().into_iter().next() {
            None => Ok(()),
            Some(message) => Err(RubricError {
                rubric: self.id.clone(),
                message,
            }),
        }
    }

    /// The tier a total falls into.
    pub fn priority_for(&self, total: u32) -> PriorityTier {
        let t = &self.priority.thresholds;
        if total >= t.hot {
            PriorityTier::Hot
        } else if total >= t.warm {
            PriorityTier::Warm
        } else if total >= t.watch {
            PriorityTier::Watch
        } else {
            PriorityTier::Cold
        }
    }

    /// The least total that reaches `tier`.
    pub fn threshold(&self, tier: PriorityTier) -> u32 {
        let t = &self.priority.thresholds;
        match tier {
            PriorityTier::Hot => t.hot,
            PriorityTier::Warm => t.warm,
            PriorityTier::Watch => t.watch,
            PriorityTier::Cold => 0,
        }
    }

    pub fn action_for(&self, tier: PriorityTier) -> &str {
        self.priority
            .actions
            .get(tier.as_str())
            .map_or("", String::as_str)
    }

    pub fn priority_label(&self, tier: PriorityTier) -> &str {
        self.priority
            .labels
            .get(tier.as_str())
            .map_or(tier.as_str(), String::as_str)
    }

    /// The highest total the criteria allow.
    pub fn max_total(&self) -> u32 {
        self.criteria.iter().iter().map(|(_, c)| c.max).sum()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn option(id: &str, points: u32) -> CriterionOption {
        CriterionOption {
            id: id.into(),
            label: id.into(),
            points,
            description: String::new(),
        }
    }

    pub(crate) fn sample() -> Rubric {
        let criterion = |max, mode, options| Criterion {
            label: "x".into(),
            max,
            mode,
            guidance: String::new(),
            options,
        };
        let by_tier = |f: fn(PriorityTier) -> &'static str| {
            PriorityTier::ALL
                .into_iter()
                .map(|t| (t.as_str().to_string(), f(t).to_string()))
                .collect()
        };
        Rubric {
            id: "sample".into(),
            label: "Sample".into(),
            description: String::new(),
            search: Search {
                keywords: "GPU".into(),
                refine_keywords: "about".into(),
            },
            prompts: Prompts {
                system: "s".into(),
                user: "u".into(),
            },
            criteria: Criteria {
                use_case: criterion(
                    50,
                    CriterionMode::Single,
                    vec![
                        option("S", 50),
                        option("A", 45),
                        option("E", 10),
                        option("UNKNOWN", 5),
                    ],
                ),
                scale_budget: criterion(
                    30,
                    CriterionMode::Single,
                    vec![option("big", 30), option("unknown", 10)],
                ),
                growth: criterion(
                    10,
                    CriterionMode::Additive,
                    vec![
                        option("growth", 4),
                        option("hiring", 3),
                        option("funding", 3),
                    ],
                ),
                confidence: criterion(
                    10,
                    CriterionMode::Single,
                    vec![option("high", 10), option("medium", 5), option("low", 2)],
                ),
            },
            priority: Priority {
                thresholds: Thresholds {
                    hot: 75,
                    warm: 55,
                    watch: 35,
                },
                labels: by_tier(|t| t.as_str()),
                actions: by_tier(|t| match t {
                    PriorityTier::Hot => "call now",
                    _ => "later",
                }),
            },
        }
    }

    #[test]
    fn the_sample_is_valid() {
        sample().validate().unwrap();
        assert_eq!(sample().max_total(), 100);
    }

    #[test]
    fn thresholds_derive_the_tier() {
        let r = sample();
        assert_eq!(r.priority_for(100), PriorityTier::Hot);
        assert_eq!(r.priority_for(75), PriorityTier::Hot);
        assert_eq!(r.priority_for(74), PriorityTier::Warm);
        assert_eq!(r.priority_for(55), PriorityTier::Warm);
        assert_eq!(r.priority_for(54), PriorityTier::Watch);
        assert_eq!(r.priority_for(35), PriorityTier::Watch);
        assert_eq!(r.priority_for(34), PriorityTier::Cold);
        assert_eq!(r.priority_for(0), PriorityTier::Cold);
        // The thresholds the "How scoring works" page shows are the ones applied.
        for tier in PriorityTier::ALL {
            assert_eq!(r.priority_for(r.threshold(tier)), tier);
        }
    }
}
