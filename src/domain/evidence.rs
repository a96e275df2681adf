//! The evidence budget: what of the search results reaches a prompt.
//!
//! Sources under a relevance floor are dropped, duplicates removed, page
//! boilerplate stripped, and every kept source gets a fair share of a fixed
//! character budget, filled first with passages that name the company.

use serde::{Deserialize, Serialize};

use super::company_name::core_name;

/// One search result as the provider returned it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawSource {
    pub url: String,
    pub title: String,
    /// The provider's snippet.
    pub content: String,
    /// The full page text, when the provider sent it.
    pub raw_content: Option<String>,
    pub relevance: f64,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A kept source, numbered from 1 as the prompts cite it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvidenceSource {
    /// The number the prompts cite it by; left out with the excerpt in a job's detail.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub index: u32,
    pub url: String,
    pub title: String,
    pub relevance: f64,
    /// Left out where only the list of sources is wanted (a job's detail).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// Upper bound on the rendered evidence, headers included.
    pub total_chars: usize,
    pub min_relevance: f64,
    pub max_sources: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            total_chars: 24_000,
            min_relevance: 0.2,
            max_sources: 10,
        }
    }
}

impl Budget {
    pub fn with_total(&self, total_chars: usize) -> Self {
        Self {
            total_chars,
            ..self.clone()
        }
    }
}

const BOILERPLATE: &[&str] = &[
    "cookie",
    "privacy policy",
    "terms of service",
    "terms of use",
    "all rights reserved",
    "sign in",
    "log in",
    "sign up",
    "subscribe",
    "newsletter",
    "skip to content",
    "skip to main",
    "share on",
    "follow us",
    "©",
    "javascript",
    "accept all",
];

fn strip_markdown_links(line: &str) -> String {
    // "[text](url)" -> "text"
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        let Some(close_rel) = rest[open..].find("](") else {
            break;
        };
        let close = open + close_rel;
        let Some(end_rel) = rest[close..].find(')') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(&rest[open + 1..close]);
        rest = &rest[close + end_rel + 1..];
    }
    out.push_str(rest);
    out
}

/// The lines of a page worth reading, without navigation, legal text and repeats.
fn clean_lines(text: &str, company: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut lines = Vec::new();
    for raw in text.lines() {
        let raw = raw.trim();
        if raw.is_empty()
            || raw.starts_with("![")
            || raw.starts_with("http://")
            || raw.starts_with("https://")
        {
            continue;
        }
        let line = strip_markdown_links(raw)
            .trim_matches(|c: char| {
                c == '#' || c == '*' || c == '|' || c == '-' || c.is_whitespace()
            })
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let lower = line.to_lowercase();
        let names_company = !company.is_empty() && lower.contains(company);
        let words = line.split(' ').count();
        if line.is_empty()
            || (!names_company && line.len() < 120 && BOILERPLATE.iter().any(|b| lower.contains(b)))
            || (!names_company && words < 4 && line.len() < 40)
        {
            continue;
        }
        if seen.insert(lower) {
            lines.push(line);
        }
    }
    lines
}

fn url_key(url: &str) -> String {
    let lower = url.trim().to_lowercase();
    let no_scheme = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
    let no_www = no_scheme.strip_prefix("www.").unwrap_or(no_scheme);
    no_www
        .split(['#', '?'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string()
}

fn content_key(lines: &[String]) -> String {
    lines
        .iter()
        .flat_map(|l| l.chars())
        .filter(|c| c.is_alphanumeric())
        .take(300)
        .collect::<String>()
        .to_lowercase()
}

/// Cuts `text` to at most `max` bytes at a word boundary, marking the cut.
fn truncate_words(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    if max < 2 {
        return String::new();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text[..end]
        .rfind(' ')
        .filter(|&i| i > end / 2)
        .unwrap_or(end);
    format!("{}…", text[..cut].trim_end())
}

/// Splits `budget` over sources of the given lengths: nobody gets more than
/// they have, and what short sources leave over goes to the long ones.
fn fair_shares(lengths: &[usize], budget: usize) -> Vec<usize> {
    let mut shares = vec![0; lengths.len()];
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]);
    let mut remaining = budget;
    for (position, &i) in order.iter().enumerate() {
        let left = order.len() - position;
        let share = (remaining / left).min(lengths[i]);
        shares[i] = share;
        remaining -= share;
    }
    shares
}

fn header(index: u32, title: &str, relevance: f64, url: &str) -> String {
    format!("[{index}] {title} (relevance {relevance:.2})\nURL: {url}\n")
}

/// Picks and trims the sources that fit the budget.
pub fn prepare(company: &str, sources: &[RawSource], budget: &Budget) -> Vec<EvidenceSource> {
    let company_lower = core_name(company).to_lowercase();
    let mut candidates: Vec<&RawSource> = sources
        .iter()
        .filter(|s| s.relevance >= budget.min_relevance && !s.url.trim().is_empty())
        .collect();
    candidates.sort_by(|a, b| b.relevance.total_cmp(&a.relevance));

    let mut seen_urls = std::collections::HashSet::new();
    let mut seen_content = std::collections::HashSet::new();
    let mut kept: Vec<(&RawSource, Vec<String>)> = Vec::new();
    for source in candidates {
        if kept.len() >= budget.max_sources {
            break;
        }
        let text = source
            .raw_content
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&source.content);
        let lines = clean_lines(text, &company_lower);
        if lines.is_empty()
            || !seen_urls.insert(url_key(&source.url))
            || !seen_content.insert(content_key(&lines))
        {
            continue;
        }
        kept.push((source, lines));
    }

    let titles: Vec<String> = kept
        .iter()
        .map(|(s, _)| {
            truncate_words(
                s.title
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .as_str(),
                200,
            )
        })
        .collect();
    let overhead: usize = kept
        .iter()
        .zip(&titles)
        .enumerate()
        .map(|(i, ((s, _), title))| header(i as u32 + 1, title, s.relevance, &s.url).len() + 2)
        .sum();
    let text_budget = budget.total_chars.saturating_sub(overhead);
    let lengths: Vec<usize> = kept
        .iter()
        .map(|(_, lines)| lines.iter().map(|l| l.len() + 1).sum())
        .collect();
    let shares = fair_shares(&lengths, text_budget);

    kept.into_iter()
        .zip(titles)
        .zip(shares)
        .enumerate()
        .map(|(i, (((source, lines), title), share))| EvidenceSource {
            index: i as u32 + 1,
            url: source.url.trim().to_string(),
            title,
            relevance: source.relevance,
            excerpt: select_passages(&lines, &company_lower, share),
        })
        .collect()
}

/// Lines that name the company first, then the others, within `share`
/// characters; emitted in page order.
fn select_passages(lines: &[String], company: &str, share: usize) -> String {
    let names = |l: &String| !company.is_empty() && l.to_lowercase().contains(company);
    let order = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| names(l))
        .chain(lines.iter().enumerate().filter(|(_, l)| !names(l)));
    let mut chosen: Vec<(usize, String)> = Vec::new();
    let mut used = 0;
    for (position, line) in order {
        let left = share.saturating_sub(used);
        if left < 2 {
            break;
        }
        let piece = if line.len() < left {
            line.clone()
        } else {
            truncate_words(line, left - 1)
        };
        if piece.is_empty() {
            break;
        }
        used += piece.len() + 1;
        chosen.push((position, piece));
    }
    chosen.sort_by_key(|(position, _)| *position);
    chosen
        .into_iter()
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The same sources cut down so that their rendering fits `total_chars`:
/// every source keeps a fair share (used for the validator's excerpt and to
/// shrink a request a provider refused as too large).
pub fn fit(sources: &[EvidenceSource], total_chars: usize) -> Vec<EvidenceSource> {
    let overhead: usize = sources
        .iter()
        .map(|s| header(s.index, &s.title, s.relevance, &s.url).len() + 2)
        .sum();
    let lengths: Vec<usize> = sources.iter().map(|s| s.excerpt.len()).collect();
    let shares = fair_shares(&lengths, total_chars.saturating_sub(overhead));
    sources
        .iter()
        .zip(shares)
        .map(|(s, share)| EvidenceSource {
            excerpt: truncate_words(&s.excerpt, share),
            ..s.clone()
        })
        .collect()
}

/// The evidence as it appears in prompts.
pub fn render(sources: &[EvidenceSource]) -> String {
    sources
        .iter()
        .map(|s| {
            format!(
                "{}{}\n",
                header(s.index, &s.title, s.relevance, &s.url),
                s.excerpt
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(url: &str, relevance: f64, text: &str) -> RawSource {
        RawSource {
            url: url.into(),
            title: format!("Title of {url}"),
            content: "snippet text about something here".into(),
            raw_content: Some(text.into()),
            relevance,
        }
    }

    fn filler(words: usize, topic: &str) -> String {
        (0..words)
            .map(|i| format!("{topic}{} ", i % 97))
            .collect::<String>()
    }

    #[test]
    fn nothing_rendered_exceeds_the_budget_even_for_huge_pages() {
        let pages: Vec<RawSource> = (0..10)
            .map(|i| {
                source(
                    &format!("https://e{i}.com/a"),
                    0.9,
                    &format!(
                        "{}\nAcme builds robots.\n",
                        filler(60_000, &format!("w{i}x"))
                    ),
                )
            })
            .collect();
        for total in [2_000, 6_000, 24_000] {
            let kept = prepare("Acme", &pages, &Budget::default().with_total(total));
            assert_eq!(kept.len(), 10);
            let rendered = render(&kept);
            assert!(rendered.len() <= total, "{} > {total}", rendered.len());
            assert!(
                kept.iter()
                    .all(|s| s.excerpt.contains("Acme builds robots.")),
                "company passages first"
            );
        }
    }

    #[test]
    fn low_relevance_duplicates_and_boilerplate_are_dropped() {
        let body = "Acme Robotics designs warehouse robots for logistics companies worldwide.";
        let pages = vec![
            source(
                "https://acme.com/",
                0.9,
                &format!("Sign in\nAccept all cookies please now\n{body}\n© 2025 Acme"),
            ),
            source(
                "https://www.acme.com/#top",
                0.8,
                "Other page with a long enough line of text to keep it.",
            ),
            source("https://copy.com/x", 0.7, body),
            source(
                "https://low.com/",
                0.1,
                "A low relevance page with plenty of words in it.",
            ),
        ];
        let kept = prepare("Acme Robotics", &pages, &Budget::default());
        assert_eq!(kept.len(), 1, "{kept:#?}");
        assert_eq!(kept[0].index, 1);
        assert_eq!(kept[0].excerpt, body);
    }

    #[test]
    fn fitting_keeps_every_source_within_the_smaller_budget() {
        let pages: Vec<RawSource> = (0..6)
            .map(|i| {
                source(
                    &format!("https://f{i}.com/"),
                    0.9,
                    &filler(5_000, &format!("p{i}q")),
                )
            })
            .collect();
        let full = prepare("Acme", &pages, &Budget::default());
        let small = fit(&full, 6_000);
        assert_eq!(small.len(), full.len());
        assert!(render(&small).len() <= 6_000);
        assert!(
            small.iter().all(|s| s.excerpt.len() > 300),
            "each source keeps a share"
        );
    }

    #[test]
    fn short_sources_leave_their_share_to_long_ones() {
        assert_eq!(fair_shares(&[10, 1000, 1000], 610), vec![10, 300, 300]);
        assert_eq!(fair_shares(&[5, 5], 100), vec![5, 5]);
    }

    #[test]
    fn truncation_respects_words_and_utf8() {
        assert_eq!(truncate_words("héllo wörld again", 12), "héllo…");
        assert!(truncate_words(&"é".repeat(100), 11).len() <= 11);
    }
}
