//! A back-test's report: the metrics of one scored, labelled list, the
//! score distribution of each outcome, and the worst misses with their
//! reasoning; exported as CSV as well as JSON.

use serde::{Deserialize, Serialize};

use super::{
    backtest::{Labelled, Metrics, Outcome},
    rubric::PriorityTier,
};

/// Ten points of score, and how many accounts of each outcome fell in them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScoreBucket {
    /// The bucket holds scores from `from` to `to`, both included.
    pub from: u32,
    pub to: u32,
    pub positives: u32,
    pub negatives: u32,
}

/// A labelled account the rubric got badly wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Miss {
    pub company_id: i32,
    pub name: String,
    pub outcome: Outcome,
    pub score: u32,
    pub tier: PriorityTier,
    pub reasoning: String,
    /// The sources the score rests on: (title, url).
    pub sources: Vec<(String, String)>,
}

/// What a back-test reports for one job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BacktestReport {
    pub job_id: i32,
    pub job_name: String,
    pub rubric_id: String,
    pub rubric_label: String,
    pub rubric_version: Option<i32>,
    /// Labelled companies the job has not finished yet (the figures grow as they finish).
    pub pending: u32,
    pub metrics: Metrics,
    pub distribution: Vec<ScoreBucket>,
    /// Negatives scored HOT (highest first), then positives scored COLD (lowest first).
    pub worst_misses: Vec<Miss>,
    /// The job this one re-scored (its report is the one to compare with).
    pub compared_with: Option<i32>,
}

/// The score distribution of each outcome, in buckets of ten (90 to 100 is the last).
pub fn distribution(accounts: &[Labelled]) -> Vec<ScoreBucket> {
    let mut buckets: Vec<ScoreBucket> = (0..10)
        .map(|i| ScoreBucket {
            from: i * 10,
            to: if i == 9 { 100 } else { i * 10 + 9 },
            positives: 0,
            negatives: 0,
        })
        .collect();
    for account in accounts {
        let Some(score) = account.score else { continue };
        let bucket = &mut buckets[(score.min(100) / 10).min(9) as usize];
        match account.outcome {
            Outcome::Positive => bucket.positives += 1,
            Outcome::Negative => bucket.negatives += 1,
        }
    }
    buckets
}

/// Whether an account is a miss: lost but HOT, or won but COLD.
pub fn is_miss(outcome: Outcome, tier: PriorityTier) -> bool {
    matches!(
        (outcome, tier),
        (Outcome::Negative, PriorityTier::Hot) | (Outcome::Positive, PriorityTier::Cold)
    )
}

/// The worst misses first: lost accounts by score, highest first, then won
/// accounts by score, lowest first; at most `limit`.
pub fn rank_misses(mut misses: Vec<Miss>, limit: usize) -> Vec<Miss> {
    misses.sort_by_key(|m| match m.outcome {
        Outcome::Negative => (0, 100 - m.score.min(100)),
        Outcome::Positive => (1, m.score),
    });
    misses.truncate(limit);
    misses
}

fn rate(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{v:.4}"))
}

impl BacktestReport {
    /// The figures as one CSV table: `kind,label,positives,negatives,value`.
    pub fn to_csv(&self) -> String {
        let m = &self.metrics;
        let mut out = String::from("kind,label,positives,negatives,value\n");
        let version = self
            .rubric_version
            .map_or_else(String::new, |v| format!(" v{v}"));
        out.push_str(&format!(
            "rubric,\"{}{version}\",,,\n",
            self.rubric_label.replace('"', "\"\"")
        ));
        out.push_str(&format!(
            "summary,accounts,{},{},{}\n",
            m.positives,
            m.negatives,
            m.positives + m.negatives
        ));
        out.push_str(&format!("summary,unscored,,,{}\n", m.unscored));
        out.push_str(&format!(
            "summary,precision_hot_warm,,,{}\n",
            rate(m.precision)
        ));
        out.push_str(&format!("summary,recall_hot_warm,,,{}\n", rate(m.recall)));
        out.push_str(&format!("summary,roc_auc,,,{}\n", rate(m.auc)));
        for t in &m.tiers {
            out.push_str(&format!(
                "tier,{},{},{},{}\n",
                t.tier.as_str(),
                t.positives,
                t.negatives,
                rate(t.win_rate)
            ));
        }
        for b in &self.distribution {
            out.push_str(&format!(
                "score,{}-{},{},{},\n",
                b.from, b.to, b.positives, b.negatives
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::backtest::metrics;

    fn labelled(outcome: Outcome, score: u32, tier: PriorityTier) -> Labelled {
        Labelled {
            outcome,
            score: Some(score),
            tier: Some(tier),
        }
    }

    #[test]
    fn scores_fall_in_buckets_of_ten_with_100_in_the_last() {
        let accounts = [
            labelled(Outcome::Positive, 100, PriorityTier::Hot),
            labelled(Outcome::Positive, 90, PriorityTier::Hot),
            labelled(Outcome::Negative, 9, PriorityTier::Cold),
            labelled(Outcome::Negative, 10, PriorityTier::Cold),
        ];
        let buckets = distribution(&accounts);
        assert_eq!(buckets.len(), 10);
        assert_eq!(
            (buckets[9].from, buckets[9].to, buckets[9].positives),
            (90, 100, 2)
        );
        assert_eq!((buckets[0].negatives, buckets[1].negatives), (1, 1));
    }

    fn miss(outcome: Outcome, score: u32) -> Miss {
        Miss {
            company_id: score as i32,
            name: format!("{score}"),
            outcome,
            score,
            tier: PriorityTier::Hot,
            reasoning: String::new(),
            sources: Vec::new(),
        }
    }

    #[test]
    fn the_worst_misses_come_first() {
        assert!(is_miss(Outcome::Negative, PriorityTier::Hot));
        assert!(is_miss(Outcome::Positive, PriorityTier::Cold));
        assert!(!is_miss(Outcome::Negative, PriorityTier::Warm));
        let ranked = rank_misses(
            vec![
                miss(Outcome::Positive, 20),
                miss(Outcome::Negative, 80),
                miss(Outcome::Positive, 5),
                miss(Outcome::Negative, 95),
            ],
            3,
        );
        let order: Vec<_> = ranked.iter().map(|m| m.score).collect();
        assert_eq!(order, [95, 80, 5]);
    }

    #[test]
    fn the_csv_holds_every_figure() {
        let accounts = [
            labelled(Outcome::Positive, 80, PriorityTier::Hot),
            labelled(Outcome::Negative, 20, PriorityTier::Cold),
        ];
        let report = BacktestReport {
            job_id: 1,
            job_name: "won and lost".into(),
            rubric_id: "iaas".into(),
            rubric_label: "IaaS".into(),
            rubric_version: Some(2),
            pending: 0,
            metrics: metrics(&accounts),
            distribution: distribution(&accounts),
            worst_misses: Vec::new(),
            compared_with: None,
        };
        let csv = report.to_csv();
        assert!(csv.contains("rubric,\"IaaS v2\""), "{csv}");
        assert!(
            csv.contains("summary,precision_hot_warm,,,1.0000\n"),
            "{csv}"
        );
        assert!(csv.contains("summary,roc_auc,,,1.0000\n"), "{csv}");
        assert!(csv.contains("tier,HOT,1,0,1.0000\n"), "{csv}");
        assert!(csv.contains("tier,WARM,0,0,\n"), "{csv}");
        assert!(csv.contains("score,80-89,1,0,\n"), "{csv}");
    }
}
