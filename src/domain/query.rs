//! Search queries, as v1 built them at its best (quoted name, the word
//! "company", a domain hint, the rubric's keywords), with a sensible hint.

use super::company_name::{core_name, looks_like_domain, website_host};

/// The domain hint: the CSV's website when given; the name itself when it is a
/// domain; otherwise `slug.com OR slug.ai OR slug.io` from the core name, with a
/// trailing " AI" word dropped. `None` when nothing usable is left.
pub fn domain_hint(name: &str, website: Option<&str>) -> Option<String> {
    if let Some(host) = website.and_then(website_host) {
        return Some(host);
    }
    if looks_like_domain(name) {
        return Some(name.trim().to_ascii_lowercase());
    }
    let core = core_name(name);
    let mut words: Vec<&str> = core.split_whitespace().collect();
    if words.len() > 1 && words.last().is_some_and(|w| w.eq_ignore_ascii_case("ai")) {
        words.pop();
    }
    let slug: String = words
        .concat()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    (!slug.is_empty()).then(|| format!("{slug}.com OR {slug}.ai OR {slug}.io"))
}

/// The quoted part of a query: the core name, or the name itself when nothing is left.
fn quoted(name: &str) -> String {
    let core = core_name(name);
    let shown = if core.is_empty() {
        name.trim()
    } else {
        core.as_str()
    };
    format!("\"{}\"", shown.replace('"', ""))
}

/// The first query for a company.
pub fn first_query(name: &str, website: Option<&str>, keywords: &str) -> String {
    let mut parts = vec![quoted(name)];
    if let Some(hint) = domain_hint(name, website) {
        parts.push(format!("({hint})"));
    }
    parts.push("company".into());
    if !keywords.trim().is_empty() {
        parts.push(keywords.trim().to_string());
    }
    parts.join(" ")
}

/// The query used when the first results did not describe the company: it
/// leans on the website or domain and asks for the company's own pages.
pub fn refined_query(name: &str, website: Option<&str>, refine_keywords: &str) -> String {
    let mut parts = vec![quoted(name)];
    match domain_hint(name, website) {
        Some(hint) if !hint.contains(" OR ") => parts.push(format!("site:{hint} OR \"{hint}\"")),
        Some(hint) => parts.push(format!("({hint})")),
        None => {}
    }
    parts.push("official website about".into());
    if !refine_keywords.trim().is_empty() {
        parts.push(refine_keywords.trim().to_string());
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_hints_for_v1_failure_cases() {
        for (name, website, expected) in [
            ("Character.ai", None, Some("character.ai")),
            (
                "Foo Aircraft",
                None,
                Some("fooaircraft.com OR fooaircraft.ai OR fooaircraft.io"),
            ),
            (
                "Suburbia Fulfillment, LLC",
                None,
                Some("suburbiafulfillment.com OR suburbiafulfillment.ai OR suburbiafulfillment.io"),
            ),
            (
                "UserGems 💎",
                None,
                Some("usergems.com OR usergems.ai OR usergems.io"),
            ),
            ("stealthium.io", None, Some("stealthium.io")),
            ("Read AI", None, Some("read.com OR read.ai OR read.io")),
            (
                "Mistral AI",
                None,
                Some("mistral.com OR mistral.ai OR mistral.io"),
            ),
            ("AI", None, Some("ai.com OR ai.ai OR ai.io")),
            ("Read AI", Some("https://www.read.ai/"), Some("read.ai")),
            ("💎", None, None),
        ] {
            assert_eq!(domain_hint(name, website).as_deref(), expected, "{name}");
        }
    }

    #[test]
    fn first_queries_follow_v1s_shape() {
        assert_eq!(
            first_query(
                "Anthropic",
                None,
                "GPU compute infrastructure machine learning funding"
            ),
            "\"Anthropic\" (anthropic.com OR anthropic.ai OR anthropic.io) company GPU compute infrastructure machine learning funding"
        );
        assert_eq!(
            first_query("Suburbia Fulfillment, LLC", None, "GPU"),
            "\"Suburbia Fulfillment\" (suburbiafulfillment.com OR suburbiafulfillment.ai OR suburbiafulfillment.io) company GPU"
        );
        assert_eq!(
            first_query("UserGems 💎", Some("usergems.com"), "x"),
            "\"UserGems\" (usergems.com) company x"
        );
    }

    #[test]
    fn refined_queries_lean_on_the_domain() {
        assert_eq!(
            refined_query("Read AI", Some("read.ai"), "product customers"),
            "\"Read AI\" site:read.ai OR \"read.ai\" official website about product customers"
        );
        assert!(
            refined_query("Foo Aircraft", None, "")
                .starts_with("\"Foo Aircraft\" (fooaircraft.com")
        );
    }
}
