//! Prompt text for validation and scoring. Only the evidence is ever shrunk;
//! the instructions and the output format are always sent whole.

use super::rubric::{Criterion, CriterionMode, Rubric};

pub const VALIDATION_SYSTEM: &str = "You are a data-quality validator. You decide whether web search results \
describe one specific, real company. You answer only with the JSON object asked for, nothing before or after it.";

fn company_lines(name: &str, website: Option<&str>) -> String {
    format!(
        "Company: {name}\nWebsite given by the user: {}\n",
        website.unwrap_or("none")
    )
}

/// The validator's question, with an excerpt of every kept source.
pub fn validation_user(name: &str, website: Option<&str>, evidence: &str) -> String {
    format!(
        "{company}
    Decide whether the numbered sources below describe this specific company: not a namesake, not a different \
business, not generic articles.

Mark it VALID only if: the sources mention the company or a close match; they contain real business or \
    technology information, not ads or boilerplate; at least one source is about the company itself; nothing is \
obviously wrong or irrelevant; it appears to be a real operating business.

Mark it INVALID if: no source mentions the company; everything is generic or spam; the name is mismatched \
    (searched Anthropic, got Party City); there are under 50 words of real content; there is only a domain name or \
    a parked domain; the sources are mostly unrelated articles that merely mention AI or GPU keywords; the name \
    looks fake or non-existent; the company clearly does something else than the sources claim; the sources \
describe several unrelated companies.

Be strict: if unsure, mark it INVALID with a low confidence.
If the name could mean several different companies (two businesses called Mercury, say), list each of them \
as \"Name (website)\" in candidates, even when the sources settle which one is meant; otherwise leave candidates empty.
Answer with: valid (true/false), confidence (0.0 to 1.0), verdict (one sentence), issues (short strings), \
candidates (strings).

Sources:
{evidence}",
        company = company_lines(name, website),
    )
}

fn criterion_block(key: &str, criterion: &Criterion) -> String {
    let mode = match criterion.mode {
        CriterionMode::Single => "pick exactly one",
        CriterionMode::Additive => "pick every option that applies, or none",
    };
    let mut block = format!(
        "{key} - {} (max {} points; {mode})",
        criterion.label, criterion.max
    );
    if !criterion.guidance.is_empty() {
        block.push_str(&format!(": {}", criterion.guidance));
    }
    for option in &criterion.options {
        block.push_str(&format!(
            "\n  - {}: {} ({} points)",
            option.id, option.label, option.points
        ));
        if !option.description.is_empty() {
            block.push_str(&format!(". {}", option.description));
        }
    }
    block
}

/// The scoring request's user message: evidence, the rubric's instructions,
/// the criteria table and the output contract.
pub fn scoring_user(rubric: &Rubric, name: &str, website: Option<&str>, evidence: &str) -> String {
    let criteria = rubric
        .criteria
        .iter()
        .iter()
        .map(|(key, c)| criterion_block(key, c))
        .collect::<Vec<_>>()
        .join("\n\n");
    format!(
        "{company}
Sources (cite them by number, as [n]):
{evidence}
---
{instructions}
---
CRITERIA. For each criterion give the option id(s) in `choices`, the facts that justify them in `evidence`, \
and the numbers of the sources they rest on in `sources`. The points come from this table; do not compute them.

{criteria}
---
Return one JSON object with: company_name; research (description, employee_count, total_funding, \
funding_millions, last_round, investors, headquarters, founded_year, industry, business_model; null when \
unknown); analysis (reasoning in 2-3 sentences citing [n], signals_positive, signals_negative); criteria \
(use_case, scale_budget, growth, confidence). Only the JSON object.",
        company = company_lines(name, website),
        instructions = rubric.prompts.user.trim(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rubric::tests::sample;

    #[test]
    fn prompts_carry_the_company_the_evidence_and_every_option() {
        let prompt = scoring_user(&sample(), "Acme", Some("acme.com"), "[1] Acme page");
        assert!(prompt.starts_with("Company: Acme\nWebsite given by the user: acme.com\n"));
        assert!(prompt.contains("[1] Acme page"));
        for id in [
            "S", "A", "E", "UNKNOWN", "big", "growth", "hiring", "high", "low",
        ] {
            assert!(prompt.contains(&format!("  - {id}: ")), "{id}");
        }
        let validation = validation_user("Acme", None, "[1] x");
        assert!(validation.contains("Company: Acme\nWebsite given by the user: none"));
        assert!(validation.ends_with("[1] x"));
    }
}
