//! Reading a CSV of prospect companies (already decoded to text).
//!
//! Header names are matched case-insensitively; a headerless single column
//! keeps its first row; an optional website/domain column is read; blank and
//! duplicate names are dropped and counted; a row limit applies.

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
    /// The header of the name column, or None for a headerless single column.
    pub name_column: Option<String>,
    pub website_column: Option<String>,
}

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

/// Parses the text of a CSV file. `max_rows` bounds the companies kept.
pub fn parse(text: &str, max_rows: usize) -> Result<ParsedCsv, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
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
    let single_column = headers.iter().filter(|h| !h.trim().is_empty()).count() == 1;
    let (name_index, header_row) = match name_index {
        Some(i) => (i, true),
        None if single_column => (
            headers
                .iter()
                .position(|h| !h.trim().is_empty())
                .unwrap_or(0),
            false,
        ),
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
    let website_index = website_index.filter(|_| header_row);

    let mut parsed = ParsedCsv {
        companies: Vec::new(),
        rows_read: 0,
        blank: 0,
        duplicates: 0,
        too_long: 0,
        name_column: header_row.then(|| headers[name_index].trim().to_string()),
        website_column: website_index.map(|i| headers[i].trim().to_string()),
    };
    let mut seen = std::collections::HashSet::new();
    let data = (!header_row)
        .then_some(Ok(first))
        .into_iter()
        .chain(records);
    for record in data {
        let record = record.map_err(|e| malformed(&e))?;
        parsed.rows_read += 1;
        let raw_name = record.get(name_index).unwrap_or_default();
        let website = website_index
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(|w| website_host(w).unwrap_or_else(|| w.to_string()));
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
        };
        if !seen.insert(cache_key(name.as_str(), website.as_deref())) {
            parsed.duplicates += 1;
            continue;
        }
        parsed.companies.push(CsvCompany { name, website });
    }
    if parsed.companies.is_empty() {
        return Err(CsvError::NoNames);
    }
    if parsed.companies.len() > max_rows {
        return Err(CsvError::TooManyRows {
            rows: parsed.companies.len(),
            limit: max_rows,
        });
    }
    Ok(parsed)
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
    fn a_headerless_single_column_keeps_its_first_row() {
        let parsed = parse("Anthropic\nCohere\nMistral AI\n", 10).unwrap();
        assert_eq!(names(&parsed), vec!["Anthropic", "Cohere", "Mistral AI"]);
        assert_eq!(parsed.name_column, None);
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
