//! What makes a rubric unable to score, each rule with a message that says
//! what to fix: the editor shows them live, and a save is refused with them.

use super::rubric::{CriterionMode, PriorityTier, Rubric};

impl Rubric {
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
}

#[cfg(test)]
mod tests {
    use crate::domain::rubric::{
        Rubric,
        tests::{option, sample},
    };

    type Change = Box<dyn FnOnce(&mut Rubric)>;

    fn problems_of(change: impl FnOnce(&mut Rubric)) -> Vec<String> {
        let mut r = sample();
        change(&mut r);
        r.problems()
    }

    #[test]
    fn each_validation_rule_says_what_to_fix() {
        let cases: Vec<(Change, &str)> = vec![
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
