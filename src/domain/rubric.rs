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

    /// Every reason the rubric cannot score, each saying what to fix.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            problems.push(format!(
                "The id {:?} must be lower-case letters, digits and _ (for example \"gpu_buyers\").",
                self.id
            ));
        }
        if self.label.trim().is_empty() {
            problems.push("The name is empty: give the rubric a name.".into());
        }
        if self.search.keywords.trim().is_empty() {
            problems.push("The search keywords are empty: name what a search should find next to the company (for example \"GPU machine learning funding\").".into());
        }
        if self.prompts.system.trim().is_empty() || self.prompts.user.trim().is_empty() {
            problems.push("The guidance for the model is empty: say who the ideal customer is and how to judge the evidence.".into());
        }
        let mut max_total = 0;
        let mut reachable = 0;
        for (key, criterion) in self.criteria.iter() {
            let name = if criterion.label.trim().is_empty() {
                problems.push(format!("The criterion {key} has no name."));
                key.to_string()
            } else {
                criterion.label.trim().to_string()
            };
            if criterion.options.is_empty() {
                problems.push(format!("{name}: add at least one option."));
            }
            let mut seen = std::collections::BTreeSet::new();
            for option in &criterion.options {
                if option.id.trim().is_empty() {
                    problems.push(format!("{name}: an option has an empty id."));
                } else if !seen.insert(option.id.as_str()) {
                    problems.push(format!(
                        "{name}: the option id {:?} is used twice; each option needs its own id.",
                        option.id
                    ));
                }
                if option.label.trim().is_empty() {
                    problems.push(format!("{name}: the option {:?} has no label.", option.id));
                }
                if option.points > criterion.max {
                    problems.push(format!(
                        "{name}: the option {:?} is worth {} points, above the criterion's maximum of {}.",
                        option.id, option.points, criterion.max
                    ));
                }
            }
            max_total += criterion.max;
            reachable += match criterion.mode {
                CriterionMode::Single => criterion
                    .options
                    .iter()
                    .map(|o| o.points)
                    .max()
                    .unwrap_or(0),
                CriterionMode::Additive => criterion
                    .options
                    .iter()
                    .map(|o| o.points)
                    .sum::<u32>()
                    .min(criterion.max),
            };
        }
        if max_total != 100 {
            problems.push(format!(
                "The criteria's maxima add up to {max_total}; they must add up to 100, so a total reads as a score out of 100."
            ));
        }
        let t = &self.priority.thresholds;
        if !(t.hot > t.warm && t.warm > t.watch && t.watch >= 1) {
            problems.push(format!(
                "The tier thresholds must descend: HOT above WARM above WATCH, and WATCH at least 1 (so a company can be COLD); they are {}/{}/{}.",
                t.hot, t.warm, t.watch
            ));
        } else if t.hot > reachable.min(100) {
            problems.push(format!(
                "No company can be HOT: the best options add up to {reachable}, and HOT needs {}. Lower the HOT threshold or raise the points.",
                t.hot
            ));
        }
        for tier in PriorityTier::ALL {
            for (what, map) in [
                ("label", &self.priority.labels),
                ("recommended action", &self.priority.actions),
            ] {
                if map.get(tier.as_str()).is_none_or(|v| v.trim().is_empty()) {
                    problems.push(format!("{} has no {what}.", tier.as_str()));
                }
            }
        }
        problems
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

    fn problems_of(change: impl FnOnce(&mut Rubric)) -> Vec<String> {
        let mut r = sample();
        change(&mut r);
        r.problems()
    }

    #[test]
    fn each_validation_rule_says_what_to_fix() {
        let cases: Vec<(Box<dyn FnOnce(&mut Rubric)>, &str)> = vec![
            (
                Box::new(|r| r.criteria.use_case.options.push(option("Z", 60))),
                "x: the option \"Z\" is worth 60 points, above the criterion's maximum of 50.",
            ),
            (
                Box::new(|r| r.criteria.growth.max = 40),
                "The criteria's maxima add up to 130; they must add up to 100, so a total reads as a score out of 100.",
            ),
            (
                Box::new(|r| r.criteria.growth.max = 0),
                "The criteria's maxima add up to 90; they must add up to 100, so a total reads as a score out of 100.",
            ),
            (
                Box::new(|r| r.priority.thresholds.warm = 80),
                "The tier thresholds must descend: HOT above WARM above WATCH, and WATCH at least 1 (so a company can be COLD); they are 75/80/35.",
            ),
            (
                Box::new(|r| r.priority.thresholds.watch = 0),
                "The tier thresholds must descend: HOT above WARM above WATCH, and WATCH at least 1 (so a company can be COLD); they are 75/55/0.",
            ),
            (
                Box::new(|r| {
                    r.criteria.use_case.options.retain(|o| o.points < 20);
                }),
                "No company can be HOT: the best options add up to 60, and HOT needs 75. Lower the HOT threshold or raise the points.",
            ),
            (
                Box::new(|r| {
                    r.priority.actions.remove("COLD");
                }),
                "COLD has no recommended action.",
            ),
            (
                Box::new(|r| {
                    r.priority.labels.insert("HOT".into(), " ".into());
                }),
                "HOT has no label.",
            ),
            (
                Box::new(|r| r.criteria.confidence.options.push(option("high", 1))),
                "x: the option id \"high\" is used twice; each option needs its own id.",
            ),
            (
                Box::new(|r| r.criteria.confidence.options.push(option(" ", 1))),
                "x: an option has an empty id.",
            ),
            (
                Box::new(|r| r.criteria.scale_budget.options.clear()),
                "x: add at least one option.",
            ),
            (
                Box::new(|r| r.criteria.growth.options[0].label = String::new()),
                "x: the option \"growth\" has no label.",
            ),
            (
                Box::new(|r| r.criteria.growth.label = String::new()),
                "The criterion growth has no name.",
            ),
            (
                Box::new(|r| r.id = "Bad Id".into()),
                "The id \"Bad Id\" must be lower-case letters, digits and _ (for example \"gpu_buyers\").",
            ),
            (
                Box::new(|r| r.label = "  ".into()),
                "The name is empty: give the rubric a name.",
            ),
            (
                Box::new(|r| r.search.keywords = String::new()),
                "The search keywords are empty: name what a search should find next to the company (for example \"GPU machine learning funding\").",
            ),
            (
                Box::new(|r| r.prompts.user = " ".into()),
                "The guidance for the model is empty: say who the ideal customer is and how to judge the evidence.",
            ),
        ];
        for (change, message) in cases {
            let problems = problems_of(change);
            assert!(
                problems.iter().any(|p| p == message),
                "expected {message:?} in {problems:?}"
            );
        }
    }

    #[test]
    fn an_additive_criterion_reaches_at_most_its_maximum() {
        // Growth's options add up to 10 = its max; capping at 6 leaves 50+30+6+10 = 96 >= 75.
        let problems = problems_of(|r| {
            r.criteria.growth.options[0].points = 2;
            r.criteria.growth.options[1].points = 2;
            r.criteria.growth.options[2].points = 2;
        });
        assert!(problems.is_empty(), "{problems:?}");
        let problems = problems_of(|r| {
            r.criteria.growth.max = 10;
            r.criteria.growth.options[0].points = 2;
            r.criteria.growth.options[1].points = 2;
            r.criteria.growth.options[2].points = 2;
            r.priority.thresholds.hot = 97;
        });
        assert_eq!(
            problems,
            [
                "No company can be HOT: the best options add up to 96, and HOT needs 97. Lower the HOT threshold or raise the points."
            ]
        );
    }
}
