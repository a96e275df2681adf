//! The fake Tavily /search: pages written from the corpus.

use serde_json::{Value, json};

use super::corpus::{Corpus, Kind, Profile};

/// The quoted name and the website hint of a query built by `domain::query`.
pub fn parse_query(query: &str) -> (String, Option<String>) {
    let name = query.split('"').nth(1).unwrap_or(query).trim().to_string();
    let website = if let Some(rest) = query.split("site:").nth(1) {
        rest.split_whitespace().next().map(str::to_string)
    } else {
        query
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(hint, _)| hint.trim().to_string())
            .filter(|hint| !hint.contains(" OR "))
    };
    (name, website)
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn page(url: String, title: String, content: String, score: f64) -> Value {
    let snippet: String = content.chars().take(200).collect();
    json!({"url": url, "title": title, "content": snippet, "raw_content": content, "score": score})
}

fn noise() -> Vec<Value> {
    vec![
        page(
            "https://blog.example/gpu-demand-2025".into(),
            "GPU demand keeps growing as AI startups scale".into(),
            "Skip to content\nMenu\nAnalysts expect demand for GPU compute to keep rising as AI startups train larger \
             machine learning models and build inference infrastructure.\nMany companies now compare cloud providers \
             on price and availability of accelerators.\n(Sample data written for Territory Planner.)\nSubscribe to our newsletter"
                .into(),
            0.41,
        ),
        page(
            "https://news.example/ai-funding-roundup".into(),
            "Weekly AI funding roundup".into(),
            "This week's roundup covers several machine learning startups that raised money for infrastructure and \
             applications. None of the companies disclosed their compute spending.\n(Sample data written for Territory Planner.)"
                .into(),
            0.33,
        ),
        page(
            "https://ads.example/cheap-gpus".into(),
            "Rent GPUs cheap".into(),
            "Rent GPUs by the hour. Best prices on accelerators for your company. Click here.".into(),
            0.12,
        ),
    ]
}

fn business_pages(p: &Profile) -> Vec<Value> {
    let s = slug(&p.name);
    let funding = p
        .funding_millions
        .map_or("undisclosed funding".to_string(), |m| {
            format!("${m}M in total funding")
        });
    vec![
        page(
            format!("https://{}/", p.website),
            format!("{} | Official site", p.name),
            format!(
                "Sign in\nAccept all cookies\n# {name}\n{name} is {summary}.\nFounded in {founded}, {name} is \
                 headquartered in {hq} and employs {employees} people.\nCareers: {name} is hiring engineers.\n\
                 (Sample data written for Territory Planner's demo and tests.)\n© 2025 {name}. All rights reserved.",
                name = p.name,
                summary = p.summary,
                founded = p.founded,
                hq = p.headquarters,
                employees = p.employees,
            ),
            0.92,
        ),
        page(
            format!("https://news.example/{s}-raises"),
            format!("{} announces new funding", p.name),
            format!(
                "{name}, {summary}, has raised {funding} from investors including {investors}. The company says \
                 the money goes to research, hiring and compute.\n(Sample data written for Territory Planner.)",
                name = p.name,
                summary = p.summary,
                investors = if p.investors.is_empty() {
                    "undisclosed backers".into()
                } else {
                    p.investors.join(" and ")
                },
            ),
            0.81,
        ),
        page(
            format!("https://companies.example/{s}"),
            format!("{} - company profile", p.name),
            format!(
                "{name} company profile. Industry: {industry}. Headquarters: {hq}. Founded: {founded}. Employees: \
                 {employees}. Total funding: {funding}. Website: {website}.\n(Sample data written for Territory Planner.)",
                name = p.name,
                industry = p.industry,
                hq = p.headquarters,
                founded = p.founded,
                employees = p.employees,
                website = p.website,
            ),
            0.74,
        ),
    ]
}

fn parked_pages(p: &Profile) -> Vec<Value> {
    vec![page(
        format!("https://{}/", p.website),
        p.website.clone(),
        format!(
            "{w}\nThis domain may be for sale. Buy {w} today.\nThis page was parked free of charge by an example \
             registrar.\n(Sample data written for Territory Planner.)",
            w = p.website
        ),
        0.55,
    )]
}

/// The results for a query: the matching companies' pages, then noise.
pub fn results(corpus: &Corpus, query: &str) -> (String, Vec<Value>) {
    let (name, website) = parse_query(query);
    let mut results: Vec<Value> = corpus
        .lookup(&name, website.as_deref())
        .iter()
        .flat_map(|p| match p.kind {
            Kind::Business | Kind::Thin => business_pages(p),
            Kind::Parked => parked_pages(p),
        })
        .collect();
    results.extend(noise());
    (name, results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_built_by_the_app_are_understood() {
        assert_eq!(
            parse_query(
                "\"Anthropic\" (anthropic.com OR anthropic.ai OR anthropic.io) company GPU"
            ),
            ("Anthropic".into(), None)
        );
        assert_eq!(
            parse_query("\"UserGems\" (usergems.com) company x"),
            ("UserGems".into(), Some("usergems.com".into()))
        );
        assert_eq!(
            parse_query("\"Read AI\" site:read.ai OR \"read.ai\" official website about"),
            ("Read AI".into(), Some("read.ai".into()))
        );
    }
}
