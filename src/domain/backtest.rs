//! Back-test arithmetic: how well a rubric's scores and tiers separate the
//! accounts a team won from those it lost. Plain functions over labelled
//! results, so the numbers can be checked by hand (the ICP studio, #13).

use serde::{Deserialize, Serialize};

use super::rubric::PriorityTier;

/// What happened with an account, as the labelled file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Outcome {
    /// Won, a customer, a good fit.
    Positive,
    /// Lost, not a customer, a bad fit.
    Negative,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Positive => "positive",
            Self::Negative => "negative",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "positive" => Some(Self::Positive),
            "negative" => Some(Self::Negative),
            _ => None,
        }
    }
}

/// The words an outcome column may hold for each side (compared without case,
/// spaces, hyphens or underscores).
const POSITIVE: [&str; 10] = [
    "won", "win", "customer", "goodfit", "good", "fit", "yes", "true", "1", "positive",
];
const NEGATIVE: [&str; 12] = [
    "lost",
    "loss",
    "notcustomer",
    "notacustomer",
    "noncustomer",
    "badfit",
    "bad",
    "notfit",
    "no",
    "false",
    "0",
    "negative",
];

/// An outcome cell: one of the known words, or a message saying which are.
pub fn parse_outcome(raw: &str) -> Result<Outcome, String> {
    let key: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect();
    if POSITIVE.contains(&key.as_str()) {
        Ok(Outcome::Positive)
    } else if NEGATIVE.contains(&key.as_str()) {
        Ok(Outcome::Negative)
    } else {
        Err(format!(
            "{:?} is not an outcome: use won/lost, customer/not customer, good fit/bad fit or yes/no.",
            raw.trim()
        ))
    }
}

/// One labelled account as the rubric scored it (no score: it could not be scored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Labelled {
    pub outcome: Outcome,
    pub score: Option<u32>,
    pub tier: Option<PriorityTier>,
}

/// One tier's row of the tier-by-outcome table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TierOutcomes {
    pub tier: PriorityTier,
    pub positives: u32,
    pub negatives: u32,
    /// Positives among the tier's accounts (none for an empty tier).
    pub win_rate: Option<f64>,
}

/// What a back-test reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Metrics {
    pub tiers: Vec<TierOutcomes>,
    /// Of the accounts ranked HOT or WARM, the share that were positive.
    pub precision: Option<f64>,
    /// Of the positive accounts, the share ranked HOT or WARM.
    pub recall: Option<f64>,
    /// The chance that a random positive scores above a random negative (ties count half).
    pub auc: Option<f64>,
    pub positives: u32,
    pub negatives: u32,
    /// Accounts without a score (left out of every figure).
    pub unscored: u32,
}

/// The area under the ROC curve of `scores`, by counting pairs: for every
/// positive and negative, 1 if the positive scored higher, ½ if equal.
pub fn roc_auc(scored: &[(u32, Outcome)]) -> Option<f64> {
    let positives: Vec<u32> = scored
        .iter()
        .filter(|(_, o)| *o == Outcome::Positive)
        .map(|(s, _)| *s)
        .collect();
    let negatives: Vec<u32> = scored
        .iter()
        .filter(|(_, o)| *o == Outcome::Negative)
        .map(|(s, _)| *s)
        .collect();
    if positives.is_empty() || negatives.is_empty() {
        return None;
    }
    let mut wins = 0.0;
    for p in &positives {
        for n in &negatives {
            wins += match p.cmp(n) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                std::cmp::Ordering::Less => 0.0,
            };
        }
    }
    Some(wins / (positives.len() * negatives.len()) as f64)
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// The back-test's figures over labelled, scored accounts.
pub fn metrics(accounts: &[Labelled]) -> Metrics {
    let scored: Vec<(u32, PriorityTier, Outcome)> = accounts
        .iter()
        .filter_map(|a| Some((a.score?, a.tier?, a.outcome)))
        .collect();
    let count = |f: &dyn Fn(&(u32, PriorityTier, Outcome)) -> bool| {
        scored.iter().filter(|a| f(a)).count() as u32
    };
    let tiers = PriorityTier::ALL
        .into_iter()
        .map(|tier| {
            let positives = count(&|a| a.1 == tier && a.2 == Outcome::Positive);
            let negatives = count(&|a| a.1 == tier && a.2 == Outcome::Negative);
            TierOutcomes {
                tier,
                positives,
                negatives,
                win_rate: share(positives, positives + negatives),
            }
        })
        .collect();
    let flagged = |t: PriorityTier| matches!(t, PriorityTier::Hot | PriorityTier::Warm);
    let true_positives = count(&|a| flagged(a.1) && a.2 == Outcome::Positive);
    let flagged_all = count(&|a| flagged(a.1));
    let positives = count(&|a| a.2 == Outcome::Positive);
    let pairs: Vec<(u32, Outcome)> = scored.iter().map(|a| (a.0, a.2)).collect();
    Metrics {
        tiers,
        precision: share(true_positives, flagged_all),
        recall: share(true_positives, positives),
        auc: roc_auc(&pairs),
        positives,
        negatives: scored.len() as u32 - positives,
        unscored: (accounts.len() - scored.len()) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::{Outcome::*, PriorityTier::*, *};

    fn account(outcome: Outcome, score: u32, tier: PriorityTier) -> Labelled {
        Labelled {
            outcome,
            score: Some(score),
            tier: Some(tier),
        }
    }

    #[test]
    fn outcome_words_of_either_side_are_read_and_others_refused_with_the_choices() {
        for won in ["Won", " customer ", "Good fit", "good-fit", "YES", "1"] {
            assert_eq!(parse_outcome(won), Ok(Positive), "{won}");
        }
        for lost in [
            "lost",
            "Not customer",
            "not a customer",
            "bad_fit",
            "No",
            "0",
        ] {
            assert_eq!(parse_outcome(lost), Ok(Negative), "{lost}");
        }
        let message = parse_outcome("maybe").unwrap_err();
        assert!(
            message.contains("\"maybe\"") && message.contains("won/lost"),
            "{message}"
        );
    }

    #[test]
    fn the_figures_match_a_small_set_counted_by_hand() {
        // Six accounts: three won (scores 90, 70, 40), three lost (80, 30, 20).
        let accounts = [
            account(Positive, 90, Hot),
            account(Negative, 80, Hot),
            account(Positive, 70, Warm),
            account(Positive, 40, Watch),
            account(Negative, 30, Cold),
            account(Negative, 20, Cold),
            Labelled {
                outcome: Positive,
                score: None,
                tier: None,
            },
        ];
        let m = metrics(&accounts);
        // HOT+WARM: 90 (won), 80 (lost), 70 (won): precision 2/3; won accounts 3, of which 2 flagged.
        assert_eq!(m.precision, Some(2.0 / 3.0));
        assert_eq!(m.recall, Some(2.0 / 3.0));
        // Pairs won > lost: 90 beats all 3, 70 beats 30 and 20, 40 beats 30 and 20: 7 of 9.
        assert_eq!(m.auc, Some(7.0 / 9.0));
        assert_eq!((m.positives, m.negatives, m.unscored), (3, 3, 1));
        let hot = &m.tiers[0];
        assert_eq!(
            (hot.tier, hot.positives, hot.negatives, hot.win_rate),
            (Hot, 1, 1, Some(0.5))
        );
        assert_eq!(m.tiers[1].win_rate, Some(1.0));
        assert_eq!(m.tiers[2].win_rate, Some(1.0));
        assert_eq!(m.tiers[3].win_rate, Some(0.0));
    }

    #[test]
    fn ties_count_half_and_one_sided_sets_have_no_auc() {
        assert_eq!(roc_auc(&[(50, Positive), (50, Negative)]), Some(0.5));
        assert_eq!(
            roc_auc(&[(60, Positive), (50, Negative), (50, Positive)]),
            Some(0.75)
        );
        assert_eq!(roc_auc(&[(60, Positive), (10, Positive)]), None);
        let m = metrics(&[account(Negative, 10, Cold)]);
        assert_eq!((m.precision, m.recall, m.auc), (None, None, None));
        assert_eq!(m.tiers[0].win_rate, None);
    }
}
