//! The ICP studio's wire views: rubrics with their versions, a re-score's
//! price, and what a saved version says.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rubric::Rubric;

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

/// How a rubric is chosen for a job or a re-score: `v3 · IaaS Targets`.
pub fn version_label(label: &str, version: i32) -> String {
    format!("{label} · v{version}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
