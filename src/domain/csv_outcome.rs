//! A labelled file's outcome column (won/lost, customer/not, good/bad fit):
//! found by its header, read word by word, and shown in the upload preview
//! as the mapping it used, so a rep sees how each word was taken.

use serde::{Deserialize, Serialize};

use super::{
    backtest::{Outcome, parse_outcome},
    csv_input::ParsedCsv,
};

pub(super) const OUTCOME_HEADERS: &[&str] = &[
    "outcome",
    "deal outcome",
    "deal_outcome",
    "won_lost",
    "won/lost",
    "win_loss",
    "win/loss",
    "result",
    "label",
    "fit",
    "customer",
    "is_customer",
];

/// How one word of the column was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeWord {
    pub word: String,
    pub outcome: Outcome,
    pub count: usize,
}

/// The outcome column as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeColumn {
    pub header: String,
    /// Each distinct word and the outcome it stands for: positive ones first, most used first.
    pub words: Vec<OutcomeWord>,
    pub positives: usize,
    pub negatives: usize,
    /// Companies with a blank outcome: scored, but not counted in the back-test.
    pub unlabelled: usize,
}

impl OutcomeColumn {
    /// The preview's line: `Outcome column "Stage": won → positive (12), lost → negative (8).`
    pub fn summary(&self) -> String {
        let words: Vec<String> = self
            .words
            .iter()
            .map(|w| format!("{} → {} ({})", w.word, w.outcome.as_str(), w.count))
            .collect();
        let blank = if self.unlabelled > 0 {
            format!(
                " {} without an outcome are scored but not counted.",
                self.unlabelled
            )
        } else {
            String::new()
        };
        format!(
            "Outcome column {:?}: {}.{blank}",
            self.header,
            words.join(", ")
        )
    }
}

/// Reads the outcome of every company (`raw` holds each company's line and
/// cell, in order). A column in which no cell is an outcome word is not an
/// outcome column (a CRM's "Result" of another kind, say) and is ignored;
/// otherwise a cell that is not an outcome word rejects its row with what to write.
pub(super) fn label(parsed: &mut ParsedCsv, header: &str, raw: Vec<(usize, String)>) {
    if !raw.iter().any(|(_, cell)| parse_outcome(cell).is_ok()) {
        return;
    }
    let mut column = OutcomeColumn {
        header: header.to_string(),
        words: Vec::new(),
        positives: 0,
        negatives: 0,
        unlabelled: 0,
    };
    let companies = std::mem::take(&mut parsed.companies);
    for (mut company, (line, cell)) in companies.into_iter().zip(raw) {
        let cell = cell.trim();
        if cell.is_empty() {
            column.unlabelled += 1;
            parsed.companies.push(company);
            continue;
        }
        match parse_outcome(cell) {
            Ok(outcome) => {
                let word = cell.to_lowercase();
                match column.words.iter_mut().find(|w| w.word == word) {
                    Some(known) => known.count += 1,
                    None => column.words.push(OutcomeWord {
                        word,
                        outcome,
                        count: 1,
                    }),
                }
                match outcome {
                    Outcome::Positive => column.positives += 1,
                    Outcome::Negative => column.negatives += 1,
                }
                company.outcome = Some(outcome);
                parsed.companies.push(company);
            }
            Err(message) => parsed.reject(format!("Row {line}: {}: {message}", company.name)),
        }
    }
    // The positive words first, then the negative ones, the most used first.
    column.words.sort_by(|a, b| {
        let key = |w: &OutcomeWord| (w.outcome != Outcome::Positive, std::cmp::Reverse(w.count));
        key(a).cmp(&key(b)).then_with(|| a.word.cmp(&b.word))
    });
    parsed.outcomes = Some(column);
}

#[cfg(test)]
mod tests {
    use crate::domain::{backtest::Outcome, csv_input::parse};

    #[test]
    fn an_outcome_column_is_read_and_its_mapping_shown() {
        let text = "company,outcome\nA,Won\nB,lost\nC,won\nD,\nE,maybe\n";
        let parsed = parse(text, 10).unwrap();
        let outcomes: Vec<_> = parsed.companies.iter().map(|c| c.outcome).collect();
        assert_eq!(
            outcomes,
            [
                Some(Outcome::Positive),
                Some(Outcome::Negative),
                Some(Outcome::Positive),
                None
            ]
        );
        let column = parsed.outcomes.unwrap();
        assert_eq!(
            column.summary(),
            "Outcome column \"outcome\": won → positive (2), lost → negative (1). 1 without an outcome are scored but not counted."
        );
        assert_eq!(parsed.rejected_count, 1);
        assert!(
            parsed.rejected[0].starts_with("Row 6: E: \"maybe\" is not an outcome"),
            "{:?}",
            parsed.rejected
        );
    }

    #[test]
    fn a_column_of_other_words_is_not_an_outcome_column() {
        let parsed = parse("company,result\nA,Series B\nB,pending\n", 10).unwrap();
        assert_eq!(parsed.outcomes, None);
        assert_eq!(parsed.companies.len(), 2);
        assert!(parsed.companies.iter().all(|c| c.outcome.is_none()));
    }

    #[test]
    fn the_mapping_lists_the_positive_words_first() {
        let text = "company,outcome\nA,won\nB,Won\nC,lost\nD,lost\nE,customer\n";
        let column = parse(text, 10).unwrap().outcomes.unwrap();
        assert!(
            column
                .summary()
                .starts_with("Outcome column \"outcome\": won → positive (2), customer → positive (1), lost → negative (2)."),
            "{}",
            column.summary()
        );
    }

    #[test]
    fn customer_and_fit_words_map_too() {
        let parsed = parse("name,fit\nA,good fit\nB,Bad-Fit\n", 10).unwrap();
        let column = parsed.outcomes.unwrap();
        assert_eq!((column.positives, column.negatives), (1, 1));
    }
}
