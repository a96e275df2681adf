//! What changed between two runs of the same list: companies that became
//! HOT, moved up or down a tier, or dropped out, with their score change.

use serde::{Deserialize, Serialize};

use super::rubric::PriorityTier;

/// A company's result in one run (none: not scored there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunResult {
    pub score: i32,
    pub tier: PriorityTier,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Change {
    /// The company's key (normalised name and website), the same in both runs.
    pub key: String,
    pub name: String,
    /// The company's row in the new run, if it is in it.
    pub company_id: Option<i32>,
    pub before: Option<RunResult>,
    pub after: Option<RunResult>,
}

impl Change {
    /// The score change ("+12", "−8"), when scored in both runs.
    pub fn score_change(&self) -> Option<i32> {
        Some(self.after.as_ref()?.score - self.before.as_ref()?.score)
    }
}

/// One scored run of a company: its score history is these, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sea_orm::FromQueryResult))]
pub struct HistoryPoint {
    pub job_id: i32,
    pub job_name: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub score_total: Option<i32>,
    pub final_tier: Option<String>,
}

/// A new run compared with the one before it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobChanges {
    pub job_id: i32,
    pub previous_job_id: Option<i32>,
    /// HOT now, and not before (or not in the last run at all).
    pub new_hot: Vec<Change>,
    /// A better tier than before (new HOT ones excepted).
    pub up: Vec<Change>,
    pub down: Vec<Change>,
    /// Scored before, not now: unverified, failed, or no longer on the list.
    pub dropped: Vec<Change>,
    /// Same tier in both runs.
    pub unchanged: usize,
    /// Same tier, different score, biggest move first.
    #[serde(default)]
    pub score_moves: Vec<Change>,
    /// The companies whose reasoning changed most (a re-score's comparison).
    #[serde(default)]
    pub reasoning: Vec<ReasoningChange>,
    /// The rubric versions of the two runs ("IaaS Targets v2"), when known.
    #[serde(default)]
    pub versions: Option<(String, String)>,
}

/// A company whose reasoning changed between two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReasoningChange {
    pub name: String,
    pub company_id: i32,
    pub before: String,
    pub after: String,
    /// How much of the wording changed, 0 (same words) to 1 (no word in common).
    pub changed: f64,
}

fn words(text: &str) -> std::collections::HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

/// How different two texts' words are: 1 minus the Jaccard index of their word sets.
pub fn wording_change(before: &str, after: &str) -> f64 {
    let (a, b) = (words(before), words(after));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    1.0 - a.intersection(&b).count() as f64 / union as f64
}

/// One company's reasoning in a run: key, name, row id, text.
pub type Reasoned = (String, String, i32, String);

/// The `limit` companies whose reasoning changed most, most first (unchanged ones left out).
pub fn reasoning_changes(
    before: &[Reasoned],
    after: &[Reasoned],
    limit: usize,
) -> Vec<ReasoningChange> {
    let earlier: std::collections::HashMap<&str, &str> = before
        .iter()
        .map(|(key, _, _, text)| (key.as_str(), text.as_str()))
        .collect();
    let mut changes: Vec<ReasoningChange> = after
        .iter()
        .filter_map(|(key, name, id, text)| {
            let was = earlier.get(key.as_str())?;
            let changed = wording_change(was, text);
            (changed > 0.0).then(|| ReasoningChange {
                name: name.clone(),
                company_id: *id,
                before: (*was).to_string(),
                after: text.clone(),
                changed,
            })
        })
        .collect();
    changes.sort_by(|a, b| b.changed.total_cmp(&a.changed));
    changes.truncate(limit);
    changes
}

/// One company in a run: key, name, row id, result.
pub type Entry = (String, String, i32, Option<RunResult>);

/// Better tiers first: HOT is 0.
fn rank(tier: PriorityTier) -> usize {
    PriorityTier::ALL
        .iter()
        .position(|t| *t == tier)
        .unwrap_or(usize::MAX)
}

/// Compares two runs, company by company (matched on their keys).
pub fn compare(job_id: i32, previous_job_id: i32, before: &[Entry], after: &[Entry]) -> JobChanges {
    let mut changes = JobChanges {
        job_id,
        previous_job_id: Some(previous_job_id),
        ..JobChanges::default()
    };
    let earlier: std::collections::HashMap<&str, &Entry> =
        before.iter().map(|e| (e.0.as_str(), e)).collect();
    let mut seen = std::collections::HashSet::new();
    for (key, name, id, now) in after {
        seen.insert(key.as_str());
        let was = earlier.get(key.as_str()).and_then(|e| e.3.clone());
        let change = Change {
            key: key.clone(),
            name: name.clone(),
            company_id: Some(*id),
            before: was.clone(),
            after: now.clone(),
        };
        match (was, now) {
            (was, Some(now))
                if now.tier == PriorityTier::Hot
                    && was.as_ref().is_none_or(|w| w.tier != PriorityTier::Hot) =>
            {
                changes.new_hot.push(change)
            }
            (Some(was), Some(now)) if rank(now.tier) < rank(was.tier) => changes.up.push(change),
            (Some(was), Some(now)) if rank(now.tier) > rank(was.tier) => changes.down.push(change),
            (Some(_), None) => changes.dropped.push(change),
            (Some(was), Some(now)) => {
                changes.unchanged += 1;
                if was.score != now.score {
                    changes.score_moves.push(change);
                }
            }
            _ => {}
        }
    }
    for (key, name, _, was) in before {
        if !seen.contains(key.as_str()) && was.is_some() {
            changes.dropped.push(Change {
                key: key.clone(),
                name: name.clone(),
                company_id: None,
                before: was.clone(),
                after: None,
            });
        }
    }
    // Biggest moves first.
    let by_move = |c: &Change| std::cmp::Reverse(c.score_change().map_or(0, i32::abs));
    changes.up.sort_by_key(by_move);
    changes.down.sort_by_key(by_move);
    changes.score_moves.sort_by_key(by_move);
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, id: i32, result: Option<(i32, PriorityTier)>) -> Entry {
        (
            key.into(),
            key.to_uppercase(),
            id,
            result.map(|(score, tier)| RunResult { score, tier }),
        )
    }

    #[test]
    fn two_runs_compare_into_new_hot_up_down_dropped_and_unchanged() {
        use PriorityTier::*;
        let before = [
            entry("a", 1, Some((60, Warm))),
            entry("b", 2, Some((80, Hot))),
            entry("c", 3, Some((40, Watch))),
            entry("d", 4, Some((20, Cold))),
            entry("e", 5, Some((70, Warm))),
            entry("gone", 6, Some((50, Watch))),
            entry("never", 7, None),
        ];
        let after = [
            entry("a", 11, Some((90, Hot))),
            entry("b", 12, Some((50, Watch))),
            entry("c", 13, Some((60, Warm))),
            entry("d", 14, Some((25, Cold))),
            entry("e", 15, None),
            entry("new", 16, Some((77, Hot))),
        ];
        let changes = compare(2, 1, &before, &after);
        let names = |list: &[Change]| list.iter().map(|c| c.key.clone()).collect::<Vec<_>>();
        assert_eq!(names(&changes.new_hot), ["a", "new"]);
        assert_eq!(names(&changes.up), ["c"]);
        assert_eq!(names(&changes.down), ["b"]);
        assert_eq!(names(&changes.dropped), ["e", "gone"]);
        assert_eq!(changes.unchanged, 1);
        assert_eq!(names(&changes.score_moves), ["d"]);
        assert_eq!(changes.new_hot[0].score_change(), Some(30));
        assert_eq!(changes.down[0].score_change(), Some(-30));
        assert_eq!(changes.new_hot[1].score_change(), None);
        assert_eq!(changes.dropped[1].company_id, None);
    }

    #[test]
    fn the_reasoning_that_changed_most_comes_first() {
        assert_eq!(
            wording_change("Trains its own models", "trains its OWN models."),
            0.0
        );
        assert_eq!(wording_change("GPU cluster", "API reseller"), 1.0);
        let reasoned =
            |key: &str, text: &str| (key.to_string(), key.to_uppercase(), 1, text.to_string());
        let before = [
            reasoned("a", "trains large models on its own cluster"),
            reasoned("b", "uses the OpenAI API for chat"),
            reasoned("c", "same words here"),
        ];
        let after = [
            reasoned("a", "trains large models on rented cloud GPUs"),
            reasoned("b", "builds robotics foundation models"),
            reasoned("c", "same words here"),
        ];
        let changes = reasoning_changes(&before, &after, 10);
        let order: Vec<_> = changes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(order, ["B", "A"]);
        assert_eq!(changes[0].before, "uses the OpenAI API for chat");
    }
}
