//! Reading a CSV of prospect companies (already decoded to text).
//!
//! Header names are matched case-insensitively; a single column must have a
//! known name header (so a header is never researched as a company); an
//! optional website/domain column is read and checked; blank and duplicate
//! names are dropped and counted, unusable rows are rejected with a message;
//! a row limit applies. `.tsv` files are split on tabs.

use serde::{Deserialize, Serialize};

use super::company_name::{CompanyName, NameError, cache_key, website_host};

const NAME_HEADERS: &[&str] = &[
    "company_name",
    "company name",
    "companyname",
    "name",
    "company",
    "account",
    "account name",
    "account_name",
    "organization",
    "organisation",
];
const WEBSITE_HEADERS: &[&str] = &[
    "website",
    "domain",
    "url",
    "company website",
    "company_website",
    "company domain",
    "company_domain",
    "site",
];

/// One company read from the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvCompany {
    pub name: CompanyName,
    pub website: Option<String>,
    /// A labelled file's outcome for the company (won/lost…), for a back-test.
    #[serde(default)]
    pub outcome: Option<super::backtest::Outcome>,
}

/// What a file held, before anything is started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedCsv {
    pub companies: Vec<CsvCompany>,
    /// Data rows read (the header excluded).
    pub rows_read: usize,
    pub blank: usize,
    pub duplicates: usize,
    /// Names over the length limit, skipped.
    pub too_long: usize,
    /// The header of the name column.
    pub name_column: Option<String>,
    pub website_column: Option<String>,
    /// A labelled file's outcome column, and how its words were read.
    #[serde(default)]
    pub outcomes: Option<super::csv_outcome::OutcomeColumn>,
    /// Rows left out because of what they hold, each with what to fix (the first 20).
    pub rejected: Vec<String>,
    /// How many rows were rejected in all.
    pub rejected_count: usize,
}

/// The rejections kept for display.
const MAX_REJECTIONS_SHOWN: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("The file is empty. Upload a CSV with one company name per row.")]
    Empty,
    #[error(
        "No company name column found (columns: {found}). Name the column company_name, name, company or account, \
         or upload a single column of names."
    )]
    NoNameColumn { found: String },
    #[error("No company names found: every row is blank.")]
    NoNames,
    #[error("The file has {rows} companies; the limit is {limit}. Split it into smaller files.")]
    TooManyRows { rows: usize, limit: usize },
    #[error("Row {row} could not be read as CSV: {message}")]
    Malformed { row: usize, message: String },
    #[error(
        "The file has one column, and its first row {first:?} is not a known header, so it is not clear \
         whether it is a company. Put the header company_name (or name, company, account) in the first row, above the names."
    )]
    UnknownSingleHeader { first: String },
    #[error("No row could be used. {first}")]
    AllRejected { first: String },
}

fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_matches('"')
        .replace(['-', '.'], "_")
        .to_lowercase()
}

fn find_column(headers: &[String], wanted: &[&str]) -> Option<usize> {
    wanted.iter().find_map(|w| {
        headers
            .iter()
            .position(|h| normalise_header(h) == *w || h.trim().to_lowercase() == *w)
    })
}

/// Parses the text of a comma-separated file. `max_rows` bounds the companies kept.
pub fn parse(text: &str, max_rows: usize) -> Result<ParsedCsv, CsvError> {
    parse_delimited(text, b',', max_rows)
}

/// The field delimiter of a file by its name: tabs for `.tsv`, else commas.
pub fn delimiter_for(file_name: &str) -> u8 {
    if file_name.to_lowercase().ends_with(".tsv") {
        b'\t'
    } else {
        b','
    }
}

/// Parses delimited text. `max_rows` bounds the companies kept.
pub fn parse_delimited(text: &str, delimiter: u8, max_rows: usize) -> Result<ParsedCsv, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let first = loop {
        match records.next() {
            None => return Err(CsvError::Empty),
            Some(Err(e)) => return Err(malformed(&e)),
            Some(Ok(r)) if r.iter().all(|f| f.trim().is_empty()) => continue,
            Some(Ok(r)) => break r,
        }
    };
    let headers: Vec<String> = first.iter().map(str::to_string).collect();
    let name_index = find_column(&headers, NAME_HEADERS);
    let website_index = find_column(&headers, WEBSITE_HEADERS);
    let outcome_index = find_column(&headers, super::csv_outcome::OUTCOME_HEADERS);
    let mut raw_outcomes = Vec::new();
    let single_column = headers.iter().filter(|h| !h.trim().is_empty()).count() == 1;
    let name_index = match name_index {
        Some(i) => i,
        None if single_column => {
            return Err(CsvError::UnknownSingleHeader {
                first: headers
                    .iter()
                    .find(|h| !h.trim().is_empty())
                    .map(|h| h.trim().to_string())
                    .unwrap_or_default(),
            });
        }
        None => {
            return Err(CsvError::NoNameColumn {
                found: headers
                    .iter()
                    .map(|h| format!("{:?}", h.trim()))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    };

    let mut parsed = ParsedCsv {
        companies: Vec::new(),
        rows_read: 0,
        blank: 0,
        duplicates: 0,
        too_long: 0,
        name_column: Some(headers[name_index].trim().to_string()),
        website_column: website_index.map(|i| headers[i].trim().to_string()),
        outcomes: None,
        rejected: Vec::new(),
        rejected_count: 0,
    };
    let mut seen = std::collections::HashSet::new();
    for record in records {
        let record = record.map_err(|e| malformed(&e))?;
        parsed.rows_read += 1;
        // Line numbers as a spreadsheet shows them (the header is line 1).
        let line = record
            .position()
            .map_or(parsed.rows_read + 1, |p| p.line() as usize);
        let raw_name = record.get(name_index).unwrap_or_default();
        let raw_website = website_index
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|w| !w.is_empty());
        let name = match CompanyName::parse(raw_name) {
            Ok(name) => name,
            Err(NameError::Empty) => {
                parsed.blank += 1;
                continue;
            }
            Err(NameError::TooLong) => {
                parsed.too_long += 1;
                continue;
            }
            Err(NameError::NoLetters) => {
                parsed.reject(format!(
                    "Row {line}: {:?} has no letter or digit, so it is not a company name.",
                    super::company_name::without_controls(raw_name.trim())
                ));
                continue;
            }
        };
        let website = match raw_website.map(|w| (w, website_host(w))) {
            None => None,
            Some((_, Some(host))) => Some(host),
            Some((raw, None)) => {
                parsed.reject(format!(
                    "Row {line}: {name}'s website {:?} is not a website; use a form like example.com, or leave it empty.",
                    super::company_name::without_controls(raw)
                ));
                continue;
            }
        };
        if !seen.insert(cache_key(name.as_str(), website.as_deref())) {
            parsed.duplicates += 1;
            continue;
        }
        raw_outcomes.push((
            line,
            outcome_index
                .and_then(|i| record.get(i))
                .unwrap_or_default()
                .to_string(),
        ));
        parsed.companies.push(CsvCompany {
            name,
            website,
            outcome: None,
        });
    }
    if let Some(i) = outcome_index {
        super::csv_outcome::label(&mut parsed, headers[i].trim(), raw_outcomes);
    }
    if parsed.companies.is_empty() {
        return Err(match parsed.rejected.first() {
            Some(first) => CsvError::AllRejected {
                first: first.clone(),
            },
            None => CsvError::NoNames,
        });
    }
    if parsed.companies.len() > max_rows {
        return Err(CsvError::TooManyRows {
            rows: parsed.companies.len(),
            limit: max_rows,
        });
    }
    Ok(parsed)
}

impl ParsedCsv {
    pub(super) fn reject(&mut self, message: String) {
        self.rejected_count += 1;
        if self.rejected.len() < MAX_REJECTIONS_SHOWN {
            self.rejected.push(message);
        }
    }
}

fn malformed(error: &csv::Error) -> CsvError {
    CsvError::Malformed {
        row: error.position().map_or(0, |p| p.line() as usize),
        message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(parsed: &ParsedCsv) -> Vec<&str> {
        parsed.companies.iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn headers_match_case_insensitively_with_a_bom() {
        let parsed = parse(
            "\u{feff}Company Name,Website\nAnthropic,https://www.anthropic.com/\nCohere,\n",
            10,
        )
        .unwrap();
        assert_eq!(names(&parsed), vec!["Anthropic", "Cohere"]);
        assert_eq!(
            parsed.companies[0].website.as_deref(),
            Some("anthropic.com")
        );
        assert_eq!(parsed.companies[1].website, None);
        assert_eq!(parsed.name_column.as_deref(), Some("Company Name"));
        for header in ["company_name", "NAME", "Company", "account", "Account Name"] {
            let parsed = parse(&format!("{header}\nAcme\n"), 10).unwrap();
            assert_eq!(names(&parsed), vec!["Acme"], "{header}");
        }
    }

    #[test]
    fn a_single_column_without_a_known_header_is_refused_not_researched() {
        let err = parse("Prospects Q3\nCohere\nMistral AI\n", 10).unwrap_err();
        assert_eq!(
            err,
            CsvError::UnknownSingleHeader {
                first: "Prospects Q3".into()
            }
        );
        assert!(err.to_string().contains("company_name"));
    }

    #[test]
    fn tsv_files_are_split_on_tabs() {
        let text = "company_name\twebsite\nAcme, Inc.\tacme.com\nCohere\t\n";
        let parsed = parse_delimited(text, delimiter_for("List.TSV"), 10).unwrap();
        assert_eq!(names(&parsed), vec!["Acme, Inc.", "Cohere"]);
        assert_eq!(parsed.companies[0].website.as_deref(), Some("acme.com"));
        assert_eq!(delimiter_for("list.csv"), b',');
    }

    #[test]
    fn bad_websites_and_symbol_names_are_rejected_with_a_message() {
        let parsed = parse(
            "name,website\nAcme,not a site\n---,\nCohere,cohere.com\nBig,http://\u{0}x\n",
            10,
        )
        .unwrap();
        assert_eq!(names(&parsed), vec!["Cohere"]);
        assert_eq!(parsed.rejected_count, 3);
        assert!(
            parsed.rejected[0].starts_with("Row 2: Acme's website \"not a site\""),
            "{:?}",
            parsed.rejected
        );
        assert!(parsed.rejected[1].contains("no letter or digit"));
        assert!(!parsed.rejected[2].contains('\0'));
    }

    #[test]
    fn nul_bytes_in_cells_are_removed() {
        let parsed = parse("name\nAc\u{0}me\n", 10).unwrap();
        assert_eq!(names(&parsed), vec!["Acme"]);
    }

    #[test]
    fn blanks_and_duplicates_are_dropped_and_counted() {
        let parsed = parse(
            "name\nAnthropic\n\n  \nanthropic\nAnthropic, Inc.\nRead AI\nRead\n",
            10,
        )
        .unwrap();
        assert_eq!(names(&parsed), vec!["Anthropic", "Read AI", "Read"]);
        assert_eq!(
            (parsed.rows_read, parsed.blank, parsed.duplicates),
            (6, 1, 2)
        );
    }

    #[test]
    fn same_names_with_different_websites_are_different_companies() {
        let parsed = parse(
            "name,domain\nMercury,mercury.com\nMercury,mercurylabs.ai\nMercury,mercury.com\n",
            10,
        )
        .unwrap();
        assert_eq!(parsed.companies.len(), 2);
        assert_eq!(parsed.duplicates, 1);
    }

    #[test]
    fn bad_files_say_what_to_fix() {
        assert_eq!(parse("", 10).unwrap_err(), CsvError::Empty);
        assert_eq!(parse("\n\n", 10).unwrap_err(), CsvError::Empty);
        let err = parse("city,country\nParis,France\n", 10).unwrap_err();
        assert!(err.to_string().contains("\"city\", \"country\""), "{err}");
        assert_eq!(parse("name\n\n ,\n", 10).unwrap_err(), CsvError::NoNames);
        let many: String = std::iter::once("name".to_string())
            .chain((0..20).map(|i| format!("C{i}")))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(matches!(
            parse(&many, 5).unwrap_err(),
            CsvError::TooManyRows { limit: 5, .. }
        ));
    }

    #[test]
    fn emoji_and_formula_like_names_are_kept_as_text() {
        let parsed = parse("name\nUserGems 💎\n=HYPERLINK(\"http://x\")\n", 10).unwrap();
        assert_eq!(
            names(&parsed),
            vec!["UserGems 💎", "=HYPERLINK(\"http://x\")"]
        );
    }
}
