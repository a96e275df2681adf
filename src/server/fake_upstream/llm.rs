//! The fake chat completions: a validator and a scorer that answer from the corpus.

use serde_json::{Value, json};

use super::corpus::{Corpus, Kind, Profile};

/// The "Company:" and "Website given by the user:" lines of our prompts.
pub fn company_of(prompt: &str) -> (String, Option<String>) {
    let field = |label: &str| {
        prompt
            .lines()
            .find_map(|line| line.strip_prefix(label))
            .map(|v| v.trim().to_string())
    };
    let name = field("Company:").unwrap_or_default();
    let website = field("Website given by the user:").filter(|w| w != "none");
    (name, website)
}

fn mentioned<'a>(profiles: &'a [Profile], evidence: &str) -> Vec<&'a Profile> {
    let lower = evidence.to_lowercase();
    profiles
        .iter()
        .filter(|p| lower.contains(&p.website))
        .collect()
}

pub fn validate(corpus: &Corpus, prompt: &str) -> Value {
    let (name, website) = company_of(prompt);
    let profiles = corpus.lookup(&name, website.as_deref());
    let seen = mentioned(&profiles, prompt);
    // Every company the bare name could mean, whatever the website settles.
    let namesakes = corpus.lookup(&name, None);
    let candidates: Vec<String> = if namesakes.len() > 1 {
        namesakes
            .iter()
            .map(|p| format!("{} ({})", p.name, p.website))
            .collect()
    } else {
        vec![]
    };
    let (valid, confidence, verdict, issues): (bool, f64, String, Vec<&str>) = match seen.as_slice()
    {
        [] => (
            false,
            0.1,
            format!("No source mentions {name}; the results are generic articles."),
            vec!["company not mentioned"],
        ),
        [p] if p.kind == Kind::Parked => (
            false,
            0.2,
            format!("{name} is only a parked domain with no business behind it."),
            vec!["parked domain"],
        ),
        [p] if p.kind == Kind::Thin => (
            true,
            0.65,
            format!(
                "Only two thin sources describe {}, {}; little else confirms it.",
                p.name, p.summary
            ),
            vec!["few sources"],
        ),
        [p] => (
            true,
            0.9,
            format!("The sources describe {}, {}.", p.name, p.summary),
            vec![],
        ),
        _ => (
            false,
            0.35,
            format!(
                "The sources describe {} different companies named {name}.",
                seen.len()
            ),
            vec!["ambiguous name"],
        ),
    };
    // An ambiguous name the website settled is verified, still with its namesakes.
    json!({"valid": valid, "confidence": confidence, "verdict": verdict, "issues": issues, "candidates": candidates})
}

fn enum_of<'a>(schema: &'a Value, criterion: &str) -> Vec<&'a str> {
    schema["properties"]["criteria"]["properties"][criterion]["properties"]["choices"]["items"]["enum"]
        .as_array()
        .map(|ids| ids.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn pick(choices: Vec<&str>, evidence: &str) -> Value {
    json!({"choices": choices, "evidence": evidence, "sources": [1, 2]})
}

fn funding_bracket(millions: Option<f64>) -> &'static str {
    match millions {
        None => "funding_unknown",
        Some(m) if m >= 100.0 => "funding_100m_plus",
        Some(m) if m >= 50.0 => "funding_50_100m",
        Some(m) if m >= 20.0 => "funding_20_50m",
        Some(m) if m >= 10.0 => "funding_10_20m",
        Some(m) if m >= 5.0 => "funding_5_10m",
        Some(_) => "funding_under_5m",
    }
}

/// `use_case`: the use-case tier to score instead of the profile's (a
/// company whose business changed between two runs).
pub fn score(
    corpus: &Corpus,
    prompt: &str,
    schema_name: &str,
    schema: &Value,
    use_case: Option<&str>,
) -> Value {
    let (name, website) = company_of(prompt);
    let profiles = corpus.lookup(&name, website.as_deref());
    let profile = mentioned(&profiles, prompt).first().map(|p| (*p).clone());
    let managed = schema_name.contains("managed");
    let first_or = |criterion: &str, wanted: &str| {
        let ids = enum_of(schema, criterion);
        if ids.contains(&wanted) {
            wanted.to_string()
        } else {
            ids.last().unwrap_or(&"").to_string()
        }
    };
    let Some(p) = profile else {
        return json!({
            "company_name": name,
            "research": {"description": "No information about this company was found.", "employee_count": null,
                "total_funding": null, "funding_millions": null, "last_round": null, "investors": [],
                "headquarters": null, "founded_year": null, "industry": null, "business_model": null},
            "analysis": {"reasoning": "The sources do not describe the company.", "signals_positive": [], "signals_negative": ["no information"]},
            "criteria": {
                "use_case": pick(vec![&first_or("use_case", "UNKNOWN")], "none"),
                "scale_budget": pick(vec![&first_or("scale_budget", "funding_unknown")], "none"),
                "growth": pick(vec![], "none"),
                "confidence": pick(vec![&first_or("confidence", "low")], "none"),
            }
        });
    };
    let tier = match use_case {
        Some(tier) => tier,
        None if managed => &p.managed_tier,
        None => &p.iaas_tier,
    };
    let scale = if managed {
        p.managed_adoption.clone()
    } else {
        funding_bracket(p.funding_millions).to_string()
    };
    let growth_ids = enum_of(schema, "growth");
    let growth: Vec<&str> = p
        .growth
        .iter()
        .filter_map(|g| {
            growth_ids
                .iter()
                .find(|id| id.starts_with(g.as_str()))
                .copied()
        })
        .collect();
    json!({
        "company_name": p.name,
        "research": {
            "description": format!("{} is {}.", p.name, p.summary),
            "employee_count": p.employees,
            "total_funding": p.funding_millions.map(|m| format!("${m}M")),
            "funding_millions": p.funding_millions,
            "last_round": p.last_round,
            "investors": p.investors,
            "headquarters": p.headquarters,
            "founded_year": p.founded,
            "industry": p.industry,
            "business_model": "B2B",
        },
        "analysis": {
            "reasoning": format!("{} is {} [1]. Funding and investors are reported in [2].", p.name, p.summary),
            "signals_positive": [p.summary.clone()],
            "signals_negative": [],
        },
        "criteria": {
            "use_case": pick(vec![&first_or("use_case", tier)], &p.summary),
            "scale_budget": pick(vec![&first_or("scale_budget", &scale)], "funding as reported [2]"),
            "growth": pick(growth, "hiring and funding news [1][2]"),
            "confidence": pick(vec![&first_or("confidence", "high")], "several consistent sources"),
        }
    })
}
