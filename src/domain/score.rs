//! From the model's picks to points, a total and a priority tier.
//!
//! The model answers with option ids from the rubric (and cites sources); the
//! points come from the rubric table, each sub-score is clamped to its range,
//! and the tier follows the thresholds. A tier and its points cannot disagree
//! and a total cannot exceed the rubric's maximum (at most 100).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::rubric::{Criterion, CriterionMode, PriorityTier, Rubric};

/// What the scoring model must return (the JSON schema is generated from the rubric).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringAnswer {
    pub company_name: String,
    pub research: Research,
    pub analysis: Analysis,
    pub criteria: Picks,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Research {
    pub description: String,
    pub employee_count: Option<String>,
    pub total_funding: Option<String>,
    pub funding_millions: Option<f64>,
    pub last_round: Option<String>,
    pub investors: Vec<String>,
    pub headquarters: Option<String>,
    pub founded_year: Option<i32>,
    pub industry: Option<String>,
    pub business_model: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Analysis {
    pub reasoning: String,
    pub signals_positive: Vec<String>,
    pub signals_negative: Vec<String>,
}

/// One pick per criterion. `choices` holds one id for single-choice criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pick {
    pub choices: Vec<String>,
    pub evidence: String,
    /// 1-based indexes of the sources this pick rests on.
    pub sources: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Picks {
    pub use_case: Pick,
    pub scale_budget: Pick,
    pub growth: Pick,
    pub confidence: Pick,
}

/// Points for one criterion, with what they rest on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubScore {
    pub points: u32,
    pub max: u32,
    pub choices: Vec<String>,
    pub evidence: String,
    pub sources: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub use_case: SubScore,
    pub scale_budget: SubScore,
    pub growth: SubScore,
    pub confidence: SubScore,
    pub total: u32,
    pub priority: PriorityTier,
    pub use_case_tier: String,
    pub use_case_label: String,
    pub recommended_action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("the model picked {value:?} for {criterion}, which the rubric does not list")]
    UnknownOption { criterion: String, value: String },
    #[error("the model must pick exactly one option for {criterion}, it picked {count}")]
    NotOneChoice { criterion: String, count: usize },
}

fn sub_score(
    key: &str,
    criterion: &Criterion,
    pick: &Pick,
    source_count: usize,
) -> Result<SubScore, ScoreError> {
    let mut choices: Vec<String> = Vec::new();
    for choice in &pick.choices {
        if criterion.option(choice).is_none() {
            return Err(ScoreError::UnknownOption {
                criterion: key.into(),
                value: choice.clone(),
            });
        }
        if !choices.contains(choice) {
            choices.push(choice.clone());
        }
    }
    if criterion.mode == CriterionMode::Single && choices.len() != 1 {
        return Err(ScoreError::NotOneChoice {
            criterion: key.into(),
            count: choices.len(),
        });
    }
    let raw: u32 = choices
        .iter()
        .filter_map(|id| criterion.option(id))
        .map(|o| o.points)
        .sum();
    let mut sources: Vec<u32> = pick
        .sources
        .iter()
        .copied()
        .filter(|&i| i >= 1 && (i as usize) <= source_count)
        .collect();
    sources.sort_unstable();
    sources.dedup();
    Ok(SubScore {
        points: raw.min(criterion.max),
        max: criterion.max,
        choices,
        evidence: pick.evidence.trim().to_string(),
        sources,
    })
}

/// Scores the picks against the rubric. `source_count` bounds the cited indexes.
pub fn score(rubric: &Rubric, picks: &Picks, source_count: usize) -> Result<Score, ScoreError> {
    let c = &rubric.criteria;
    let use_case = sub_score("use_case", &c.use_case, &picks.use_case, source_count)?;
    let scale_budget = sub_score(
        "scale_budget",
        &c.scale_budget,
        &picks.scale_budget,
        source_count,
    )?;
    let growth = sub_score("growth", &c.growth, &picks.growth, source_count)?;
    let confidence = sub_score("confidence", &c.confidence, &picks.confidence, source_count)?;
    let total =
        (use_case.points + scale_budget.points + growth.points + confidence.points).min(100);
    let priority = rubric.priority_for(total);
    let tier = use_case.choices[0].clone();
    let use_case_label = c
        .use_case
        .option(&tier)
        .map(|o| o.label.clone())
        .unwrap_or_default();
    Ok(Score {
        recommended_action: rubric.action_for(priority).to_string(),
        use_case_tier: tier,
        use_case_label,
        use_case,
        scale_budget,
        growth,
        confidence,
        total,
        priority,
    })
}

fn nullable(kind: &str) -> Value {
    json!({ "type": [kind, "null"] })
}

fn pick_schema(criterion: &Criterion) -> Value {
    let ids = criterion.option_ids();
    let description = match criterion.mode {
        CriterionMode::Single => format!("{}: exactly one option id", criterion.label),
        CriterionMode::Additive => format!(
            "{}: every option id that applies (may be empty)",
            criterion.label
        ),
    };
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["choices", "evidence", "sources"],
        "properties": {
            "choices": {"type": "array", "description": description, "items": {"type": "string", "enum": ids}},
            "evidence": {"type": "string", "description": "the facts from the sources that justify the choice"},
            "sources": {"type": "array", "description": "1-based numbers of the sources cited", "items": {"type": "integer"}}
        }
    })
}

/// The JSON schema of [`ScoringAnswer`] for this rubric (strict-mode compatible).
pub fn scoring_schema(rubric: &Rubric) -> Value {
    let strings = json!({"type": "array", "items": {"type": "string"}});
    let c = &rubric.criteria;
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["company_name", "research", "analysis", "criteria"],
        "properties": {
            "company_name": {"type": "string"},
            "research": {
                "type": "object",
                "additionalProperties": false,
                "required": ["description", "employee_count", "total_funding", "funding_millions", "last_round",
                             "investors", "headquarters", "founded_year", "industry", "business_model"],
                "properties": {
                    "description": {"type": "string", "description": "1-2 sentences on what the company does"},
                    "employee_count": nullable("string"),
                    "total_funding": nullable("string"),
                    "funding_millions": {"type": ["number", "null"], "description": "total funding in millions of USD; null if unknown"},
                    "last_round": nullable("string"),
                    "investors": strings,
                    "headquarters": nullable("string"),
                    "founded_year": nullable("integer"),
                    "industry": nullable("string"),
                    "business_model": nullable("string")
                }
            },
            "analysis": {
                "type": "object",
                "additionalProperties": false,
                "required": ["reasoning", "signals_positive", "signals_negative"],
                "properties": {
                    "reasoning": {"type": "string", "description": "2-3 sentences citing evidence as [n]"},
                    "signals_positive": strings,
                    "signals_negative": strings
                }
            },
            "criteria": {
                "type": "object",
                "additionalProperties": false,
                "required": ["use_case", "scale_budget", "growth", "confidence"],
                "properties": {
                    "use_case": pick_schema(&c.use_case),
                    "scale_budget": pick_schema(&c.scale_budget),
                    "growth": pick_schema(&c.growth),
                    "confidence": pick_schema(&c.confidence)
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rubric::tests::sample;

    fn pick(choices: &[&str], sources: &[u32]) -> Pick {
        Pick {
            choices: choices.iter().map(|s| s.to_string()).collect(),
            evidence: "because".into(),
            sources: sources.to_vec(),
        }
    }

    fn picks(use_case: &str, scale: &str, growth: &[&str], confidence: &str) -> Picks {
        Picks {
            use_case: pick(&[use_case], &[1]),
            scale_budget: pick(&[scale], &[2]),
            growth: pick(growth, &[]),
            confidence: pick(&[confidence], &[1, 2]),
        }
    }

    #[test]
    fn points_come_from_the_table_and_the_tier_from_the_total() {
        let s = score(
            &sample(),
            &picks("S", "big", &["growth", "hiring", "funding"], "high"),
            3,
        )
        .unwrap();
        assert_eq!(
            (
                s.use_case.points,
                s.scale_budget.points,
                s.growth.points,
                s.confidence.points
            ),
            (50, 30, 10, 10)
        );
        assert_eq!(s.total, 100);
        assert_eq!(s.priority, PriorityTier::Hot);
        assert_eq!(s.recommended_action, "call now");

        let s = score(&sample(), &picks("E", "unknown", &[], "low"), 3).unwrap();
        assert_eq!(s.total, 22);
        assert_eq!(s.priority, PriorityTier::Cold);
        assert_eq!(s.use_case_tier, "E");
    }

    #[test]
    fn additive_criteria_are_clamped_and_deduplicated() {
        let mut rubric = sample();
        rubric.criteria.growth.max = 6;
        let s = score(
            &rubric,
            &picks(
                "A",
                "big",
                &["growth", "growth", "hiring", "funding"],
                "medium",
            ),
            3,
        )
        .unwrap();
        assert_eq!(s.growth.points, 6);
        assert_eq!(s.growth.choices, vec!["growth", "hiring", "funding"]);
    }

    #[test]
    fn unknown_or_missing_picks_are_errors_not_guesses() {
        let err = score(&sample(), &picks("Q", "big", &[], "high"), 3).unwrap_err();
        assert!(matches!(err, ScoreError::UnknownOption { .. }));
        let mut p = picks("S", "big", &[], "high");
        p.confidence.choices.clear();
        assert!(matches!(
            score(&sample(), &p, 3).unwrap_err(),
            ScoreError::NotOneChoice { .. }
        ));
    }

    #[test]
    fn cited_sources_outside_the_evidence_are_dropped() {
        let mut p = picks("S", "big", &[], "high");
        p.use_case.sources = vec![0, 2, 2, 9, 1];
        let s = score(&sample(), &p, 3).unwrap();
        assert_eq!(s.use_case.sources, vec![1, 2]);
    }

    #[test]
    fn the_schema_lists_the_rubric_options() {
        let schema = scoring_schema(&sample());
        let ids = &schema["properties"]["criteria"]["properties"]["use_case"]["properties"]["choices"]
            ["items"]["enum"];
        assert_eq!(ids, &json!(["S", "A", "E", "UNKNOWN"]));
    }
}
