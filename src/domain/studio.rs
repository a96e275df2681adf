//! The ICP studio's wire views: rubrics with their versions, a re-score's
//! price, and what a saved version says.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rubric::{
    Criteria, Criterion, CriterionMode, CriterionOption, Priority, PriorityTier, Prompts, Rubric,
    Search, Thresholds,
};

/// A rubric in the list, as its latest version describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RubricSummary {
    pub id: String,
    pub label: String,
    pub description: String,
    /// Seeded from the server's `rubrics/` folder: only admins change it.
    pub built_in: bool,
    pub latest_version: i32,
    /// The latest version's id (what a job or re-score names).
    pub latest_version_id: i32,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    /// Whether the person asking may save a new version.
    pub may_edit: bool,
}

/// One saved version in a rubric's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionSummary {
    pub id: i32,
    pub version: i32,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub note: Option<String>,
}

/// One version of a rubric, whole, with the rubric's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RubricVersionView {
    /// The version's id.
    pub id: i32,
    pub version: i32,
    pub latest_version: i32,
    pub built_in: bool,
    pub may_edit: bool,
    pub rubric: Rubric,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub note: Option<String>,
    /// Every version, newest first.
    pub history: Vec<VersionSummary>,
}

/// What re-scoring a finished job with a rubric version would do, before it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RescorePlan {
    pub job_id: i32,
    pub rubric_id: String,
    pub rubric_label: String,
    pub version_id: i32,
    pub version: i32,
    /// Companies with verified evidence stored: the ones re-scored.
    pub companies: usize,
    /// Of them, scored with this version and evidence before: free.
    pub reused: usize,
    /// Scoring calls the re-score makes (no searches, ever).
    pub scoring_calls: usize,
    /// Companies with no verified evidence stored (left out; they would need a search).
    pub left_out: usize,
    pub usd: f64,
}

impl RescorePlan {
    /// The price, said in words before anything is spent.
    pub fn summary(&self) -> String {
        let reused = if self.reused > 0 {
            format!(
                " {} were scored with this version and this evidence before, so they cost nothing.",
                self.reused
            )
        } else {
            String::new()
        };
        let left_out = if self.left_out > 0 {
            format!(
                " {} without verified evidence are left out (they would need a search).",
                self.left_out
            )
        } else {
            String::new()
        };
        format!(
            "Re-scores {} companies from the evidence this job already has: {} scoring calls, no searches, about ${:.3}.{reused}{left_out}",
            self.companies, self.scoring_calls, self.usd
        )
    }
}

/// A version offered for a re-score: "IaaS Targets · v3 (latest)".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VersionChoice {
    pub version_id: i32,
    pub rubric_id: String,
    pub label: String,
    pub latest: bool,
}

fn option(id: &str, label: &str, points: u32, description: &str) -> CriterionOption {
    CriterionOption {
        id: id.into(),
        label: label.into(),
        points,
        description: description.into(),
    }
}

fn criterion(
    label: &str,
    max: u32,
    mode: CriterionMode,
    guidance: &str,
    options: Vec<CriterionOption>,
) -> Criterion {
    Criterion {
        label: label.into(),
        max,
        mode,
        guidance: guidance.into(),
        options,
    }
}

/// A new rubric's first draft: valid, generic, meant to be rewritten.
pub fn starter() -> Rubric {
    let by_tier = |f: fn(PriorityTier) -> &'static str| {
        PriorityTier::ALL
            .into_iter()
            .map(|t| (t.as_str().to_string(), f(t).to_string()))
            .collect()
    };
    Rubric {
        id: String::new(),
        label: String::new(),
        description: String::new(),
        search: Search {
            keywords: "company product customers funding".into(),
            refine_keywords: "company overview product customers employees".into(),
        },
        prompts: Prompts {
            system: "You are an analyst who judges how well ONE company fits our ideal customer profile, from the numbered search results only. Cite sources as [n]. Never invent facts; when the results are thin, say so and pick the lowest options with low confidence.\n\nAnswer with the JSON object only.".into(),
            user: "Our ideal customer: describe who buys from you, what they do, and what makes them a strong fit.".into(),
        },
        criteria: Criteria {
            use_case: criterion("Fit", 50, CriterionMode::Single, "How closely the company matches the ideal customer.", vec![
                option("strong", "Strong fit", 50, "Clearly does what our ideal customer does."),
                option("partial", "Partial fit", 30, "Some of it, or in a nearby market."),
                option("weak", "Weak fit", 10, "Little in common with our ideal customer."),
                option("unknown", "Unknown", 0, "The results do not say what the company does."),
            ]),
            scale_budget: criterion("Scale and budget", 30, CriterionMode::Single, "Whether the company can buy at our price.", vec![
                option("large", "Large budget", 30, "Large funding, revenue or headcount."),
                option("medium", "Some budget", 15, "A funded company of moderate size."),
                option("small", "Little budget", 5, "Small, early or unfunded."),
            ]),
            growth: criterion("Growth signals", 10, CriterionMode::Additive, "Every signal that applies adds up, capped at the maximum.", vec![
                option("hiring", "Hiring", 4, "Open roles in the team that would use us."),
                option("funding", "Recent funding", 3, "A round in the last 12 months."),
                option("expansion", "Expansion", 3, "New markets, products or offices."),
            ]),
            confidence: criterion("Confidence", 10, CriterionMode::Single, "How sure the evidence makes you.", vec![
                option("high", "High", 10, "Several sources agree."),
                option("medium", "Medium", 5, "One good source."),
                option("low", "Low", 2, "Thin or indirect evidence."),
            ]),
        },
        priority: Priority {
            thresholds: Thresholds { hot: 75, warm: 55, watch: 35 },
            labels: by_tier(|t| match t {
                PriorityTier::Hot => "HOT",
                PriorityTier::Warm => "WARM",
                PriorityTier::Watch => "WATCH",
                PriorityTier::Cold => "COLD",
            }),
            actions: by_tier(|t| match t {
                PriorityTier::Hot => "Reach out this week.",
                PriorityTier::Warm => "Add to a nurture sequence.",
                PriorityTier::Watch => "Check again next quarter.",
                PriorityTier::Cold => "No action.",
            }),
        },
    }
}

/// How a rubric is chosen for a job or a re-score: `v3 · IaaS Targets`.
pub fn version_label(label: &str, version: i32) -> String {
    format!("{label} · v{version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_is_valid_once_it_has_a_name() {
        let mut rubric = starter();
        assert_eq!(
            rubric.problems(),
            [
                "The id \"\" must be lower-case letters, digits and _ (for example \"gpu_buyers\").",
                "The name is empty: give the rubric a name."
            ]
        );
        rubric.id = "mine".into();
        rubric.label = "Mine".into();
        assert!(rubric.problems().is_empty(), "{:?}", rubric.problems());
    }

    #[test]
    fn a_rescore_plan_says_no_searches_and_what_is_free() {
        let plan = RescorePlan {
            job_id: 1,
            rubric_id: "iaas".into(),
            rubric_label: "IaaS".into(),
            version_id: 7,
            version: 2,
            companies: 10,
            reused: 4,
            scoring_calls: 6,
            left_out: 1,
            usd: 0.0123,
        };
        assert_eq!(
            plan.summary(),
            "Re-scores 10 companies from the evidence this job already has: 6 scoring calls, no searches, about $0.012. \
             4 were scored with this version and this evidence before, so they cost nothing. \
             1 without verified evidence are left out (they would need a search)."
        );
    }
}
