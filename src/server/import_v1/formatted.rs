//! v1's research text ("Search Results for: …", then per source "Source i:
//! <title> (relevance: 0.xx)", its URL, "Content:" and the page) read back
//! into sources, so imported research is cut, filtered and cited like ours.

use crate::domain::evidence::RawSource;

/// The sources of one v1 formatted text, in order; none if it has no source.
pub fn sources(text: &str) -> Vec<RawSource> {
    let mut found: Vec<RawSource> = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some((title, relevance)) = source_heading(line) {
            let url = lines.next().unwrap_or_default().trim().to_string();
            if lines.peek().is_some_and(|l| l.trim() == "Content:") {
                lines.next();
            }
            found.push(RawSource {
                url,
                title,
                content: String::new(),
                raw_content: Some(String::new()),
                relevance,
            });
        } else if let Some(source) = found.last_mut() {
            let page = source.raw_content.get_or_insert_with(String::new);
            if !page.is_empty() {
                page.push('\n');
            }
            page.push_str(line);
        }
    }
    for source in &mut found {
        let page = source.raw_content.take().unwrap_or_default();
        let page = page.trim().to_string();
        source.content = page.chars().take(500).collect();
        source.raw_content = Some(page);
    }
    found.retain(|s| !s.url.is_empty() && !s.content.is_empty());
    found
}

/// "Source 3: Title (relevance: 0.81)" -> ("Title", 0.81).
fn source_heading(line: &str) -> Option<(String, f64)> {
    let rest = line.strip_prefix("Source ")?;
    let (number, rest) = rest.split_once(": ")?;
    number.trim().parse::<u32>().ok()?;
    let (title, relevance) = rest.trim_end().rsplit_once(" (relevance: ")?;
    let relevance = relevance.strip_suffix(')')?.trim().parse::<f64>().ok()?;
    Some((title.trim().to_string(), relevance))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Search Results for: Acme\n\
        Sources (2 high-quality results)\n\
        \n\
        Source 1: Acme raises $20M (relevance: 0.91)\n\
        https://news.example/acme\n\
        Content:\n\
        Acme builds GPU clusters.\n\
        It trains models.\n\
        \n\
        Source 2: Acme (relevance: 0.40)\n\
        https://acme.example\n\
        Content:\n\
        Acme home page.\n";

    #[test]
    fn v1_research_text_reads_back_as_sources_with_their_pages() {
        let found = sources(TEXT);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].title, "Acme raises $20M");
        assert_eq!(found[0].url, "https://news.example/acme");
        assert_eq!(found[0].relevance, 0.91);
        assert_eq!(
            found[0].raw_content.as_deref(),
            Some("Acme builds GPU clusters.\nIt trains models.")
        );
        assert_eq!(found[1].content, "Acme home page.");
    }

    #[test]
    fn text_without_sources_or_with_empty_pages_gives_none() {
        assert!(sources("Search Results for: Acme\nSources (0 high-quality results)\n").is_empty());
        assert!(
            sources("Source 1: Empty (relevance: 0.5)\nhttps://e.example\nContent:\n").is_empty()
        );
        assert!(sources("").is_empty());
    }
}
