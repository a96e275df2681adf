//! Company names as users type them, and the forms derived from them.

use serde::{Deserialize, Serialize};

/// Legal-form words removed from the end of a name (compared without dots, case-insensitive).
const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "plc",
    "pty",
    "pte",
    "oy",
    "ab",
    "as",
    "kk",
];

pub const MAX_NAME_CHARS: usize = 200;
/// The longest website host kept, so a name and its host always fit the
/// cache key's column (400 characters).
pub const MAX_HOST_CHARS: usize = 190;
/// The cache key column's width.
pub const MAX_KEY_CHARS: usize = 400;

/// A trimmed, non-empty company name with single spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CompanyName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the company name is empty")]
    Empty,
    #[error("the company name is longer than {MAX_NAME_CHARS} characters")]
    TooLong,
    #[error("the company name has no letter or digit")]
    NoLetters,
}

impl CompanyName {
    /// Whitespace collapsed; NUL and other control characters removed
    /// (PostgreSQL refuses NUL in text); at least one letter or digit.
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let name = without_controls(raw)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(NameError::TooLong);
        }
        if !name.chars().any(char::is_alphanumeric) {
            return Err(NameError::NoLetters);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CompanyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text without NUL and other control characters (tabs and line breaks
/// become spaces). Everything that is written to the database from outside
/// (names, page text, model output) passes through this.
pub fn without_controls(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(c),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Keeps letters, digits and the punctuation that appears in real names;
/// drops emoji and other symbols.
fn without_symbols(name: &str) -> String {
    let kept: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '&' | '.' | '-' | '\'' | ',') {
                c
            } else {
                ' '
            }
        })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_legal_suffix(word: &str) -> bool {
    let bare: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    !bare.is_empty() && LEGAL_SUFFIXES.contains(&bare.as_str())
}

/// The name without emoji and without trailing legal-form words
/// ("Suburbia Fulfillment, LLC" -> "Suburbia Fulfillment"). Whole words only:
/// "Foo Aircraft" and "Cohere" stay as they are.
pub fn core_name(name: &str) -> String {
    let cleaned = without_symbols(name);
    let mut words: Vec<&str> = cleaned.split(' ').collect();
    while words.len() > 1 && words.last().is_some_and(|w| is_legal_suffix(w)) {
        words.pop();
    }
    let joined = words.join(" ");
    joined
        .trim_matches(|c: char| c == ',' || c == '-' || c.is_whitespace())
        .to_string()
}

/// Whether the whole name is a domain, like "stealthium.io" or "Character.ai".
pub fn looks_like_domain(name: &str) -> bool {
    let name = name.trim();
    let Some((head, tld)) = name.rsplit_once('.') else {
        return false;
    };
    !head.is_empty()
        && (2..=24).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// The host of a website as users type it: "https://www.Example.com/about" -> "example.com".
pub fn website_host(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let without_scheme = raw.split_once("://").map_or(raw, |(_, rest)| rest);
    let host = without_scheme
        .split(['/', '?', '#'])
        .next()?
        .rsplit('@')
        .next()?
        .split(':')
        .next()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.len() <= MAX_HOST_CHARS && looks_like_domain(&host)).then_some(host)
}

/// The cache key of a company: the same company typed differently meets
/// ("Anthropic", " anthropic ", "Anthropic, Inc.", "ANTHROPIC"), while a
/// different name ("Read AI" vs "Read") or a different website does not.
pub fn cache_key(name: &str, website: Option<&str>) -> String {
    let core = core_name(name).to_lowercase();
    let words: Vec<String> = core
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut key = words.join(" ");
    if key.is_empty() {
        // Only a name without letters or digits gets here (CompanyName refuses
        // it); the key is still never empty.
        key = name.trim().to_lowercase();
    }
    if let Some(host) = website.and_then(website_host) {
        key.push_str(" @");
        key.push_str(&host);
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_symbol_only_names_are_refused_or_removed() {
        assert_eq!(CompanyName::parse("Ac\0me\u{7}").unwrap().as_str(), "Acme");
        assert_eq!(CompanyName::parse("!!! ---"), Err(NameError::NoLetters));
        assert_eq!(CompanyName::parse("\0\0"), Err(NameError::Empty));
        assert_eq!(without_controls("a\0b\tc"), "ab\tc");
    }

    #[test]
    fn cache_keys_are_never_empty_and_fit_their_column() {
        for raw in ["Inc.", "LLC", "🙂 A", "ß", "O'Neil & Co"] {
            let name = CompanyName::parse(raw).unwrap();
            assert!(!cache_key(name.as_str(), None).is_empty(), "{raw}");
        }
        let long_name = "a".repeat(MAX_NAME_CHARS);
        let long_host = format!("{}.com", "b".repeat(MAX_HOST_CHARS - 4));
        assert!(website_host(&long_host).is_some());
        assert!(website_host(&format!("b{long_host}")).is_none());
        assert!(cache_key(&long_name, Some(&long_host)).chars().count() <= MAX_KEY_CHARS);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            CompanyName::parse("  Acme   Robotics ").unwrap().as_str(),
            "Acme Robotics"
        );
        assert_eq!(CompanyName::parse(" \t ").unwrap_err(), NameError::Empty);
        assert_eq!(
            CompanyName::parse(&"x".repeat(201)).unwrap_err(),
            NameError::TooLong
        );
    }

    #[test]
    fn core_names_lose_legal_suffixes_and_emoji_but_never_parts_of_words() {
        for (input, expected) in [
            ("Suburbia Fulfillment, LLC", "Suburbia Fulfillment"),
            ("Anthropic, Inc.", "Anthropic"),
            ("Foo Aircraft", "Foo Aircraft"),
            ("UserGems 💎", "UserGems"),
            ("Read AI", "Read AI"),
            ("Siemens AG", "Siemens"),
            ("Corp", "Corp"),
            ("Incorporated Widgets Ltd.", "Incorporated Widgets"),
            ("11x", "11x"),
            ("The Honest Company", "The Honest Company"),
        ] {
            assert_eq!(core_name(input), expected, "{input}");
        }
    }

    #[test]
    fn domains_are_recognised() {
        assert!(looks_like_domain("stealthium.io"));
        assert!(looks_like_domain("Character.ai"));
        assert!(looks_like_domain("led321.com"));
        assert!(!looks_like_domain("Mistral AI"));
        assert!(!looks_like_domain("Copy.ai rocks"));
        assert!(!looks_like_domain("v1.0"));
    }

    #[test]
    fn website_hosts_are_normalised() {
        assert_eq!(
            website_host("https://www.Example.com/about?x=1").as_deref(),
            Some("example.com")
        );
        assert_eq!(website_host("acme.io").as_deref(), Some("acme.io"));
        assert_eq!(
            website_host("http://user@acme.io:8080/").as_deref(),
            Some("acme.io")
        );
        assert_eq!(website_host("not a website"), None);
    }

    #[test]
    fn cache_keys_meet_for_the_same_company_only() {
        let anthropic = cache_key("Anthropic", None);
        for variant in [
            " anthropic ",
            "Anthropic, Inc.",
            "ANTHROPIC",
            "Anthropic Inc",
        ] {
            assert_eq!(cache_key(variant, None), anthropic, "{variant}");
        }
        assert_ne!(cache_key("Read AI", None), cache_key("Read", None));
        assert_ne!(
            cache_key("Mercury", Some("mercury.com")),
            cache_key("Mercury", Some("mercury.ai"))
        );
        assert_eq!(
            cache_key("Mercury", Some("https://www.mercury.com/")),
            cache_key("mercury", Some("mercury.com"))
        );
    }
}
