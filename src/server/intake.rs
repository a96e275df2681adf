//! Turning an uploaded file into companies: the file name and size are
//! checked, the text decoded (UTF-8 with or without BOM, UTF-16 with a BOM,
//! or Windows-1252/Latin-1, converted and said so) and the CSV read. Shared by
//! the REST upload and the dashboard's server functions.

use crate::{
    domain::csv_input::{self, ParsedCsv},
    server::db::jobs::{NewCompany, NewJob},
};

/// A file that cannot become a job, with what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    TooLarge(String),
}

/// Reads an uploaded file within the configured limits.
pub fn read_upload(
    file_name: &str,
    bytes: &[u8],
    max_bytes: usize,
    max_companies: usize,
) -> Result<(ParsedCsv, Option<&'static str>), IntakeError> {
    check_file_name(file_name)?;
    if bytes.len() > max_bytes {
        return Err(IntakeError::TooLarge(too_large(max_bytes)));
    }
    let (text, converted) = decode(bytes)?;
    let parsed =
        csv_input::parse_delimited(&text, csv_input::delimiter_for(file_name), max_companies)
            .map_err(|e| IntakeError::BadRequest(e.to_string()))?;
    Ok((parsed, converted))
}

/// The submitter as stored: whitespace collapsed, at most 100 characters, "Anonymous" if blank.
pub fn submitter(raw: &str) -> String {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        "Anonymous".into()
    } else {
        name.chars().take(100).collect()
    }
}

/// The job an uploaded file becomes, named after the file.
pub fn upload_job(
    file_name: &str,
    parsed: ParsedCsv,
    target_type: String,
    submitted_by: &str,
) -> NewJob {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    NewJob {
        name: format!("{stem} ({} companies)", parsed.companies.len()),
        target_type,
        submitted_by: submitter(submitted_by),
        owner_id: None,
        original_filename: Some(file_name.to_string()),
        companies: parsed
            .companies
            .into_iter()
            .map(|c| NewCompany {
                outcome: c.outcome,
                ..NewCompany::new(c.name, c.website)
            })
            .collect(),
        refresh_cache: false,
        budget_usd: None,
        previous_job_id: None,
        scheduled: None,
        rubric_version: None,
        scoring_only: false,
    }
}

pub fn too_large(max_bytes: usize) -> String {
    format!(
        "The file is larger than {} MB. Split it into smaller files.",
        max_bytes / 1_000_000
    )
}

/// The file's text and, when it was converted, from what.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<&'static str>), IntakeError> {
    if bytes.is_empty() {
        return Err(IntakeError::BadRequest(
            "The file is empty. Upload a CSV with one company name per row.".into(),
        ));
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, had_errors) = encoding.decode(bytes);
        if had_errors {
            return Err(IntakeError::BadRequest(format!(
                "The file starts like {} but is not valid {}. Save it as UTF-8 CSV.",
                encoding.name(),
                encoding.name()
            )));
        }
        let converted = (encoding != encoding_rs::UTF_8).then_some(encoding.name());
        return Ok((text.into_owned(), converted));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), None)),
        Err(_) if bytes.contains(&0) => Err(IntakeError::BadRequest(
            "The file is not text (it contains NUL bytes). Upload a CSV saved as UTF-8.".into(),
        )),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok((text.into_owned(), Some("Windows-1252 (Latin-1)")))
        }
    }
}

/// Accepts CSV (and plain text) file names, case-insensitively.
pub fn check_file_name(name: &str) -> Result<(), IntakeError> {
    if name.chars().count() > 150 || name.chars().any(char::is_control) {
        return Err(IntakeError::BadRequest(
            "The file name is too long or holds control characters; rename the file (at most 150 characters) and upload it again.".into(),
        ));
    }
    let lower = name.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".txt") || lower.ends_with(".tsv") {
        Ok(())
    } else {
        Err(IntakeError::BadRequest(format!(
            "File must be a CSV (.csv); got {name:?}. In Excel use Save As > CSV UTF-8."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_read_or_converted() {
        assert_eq!(
            decode("name\nAcme\n".as_bytes()).unwrap(),
            ("name\nAcme\n".into(), None)
        );
        let latin1 = b"name\nSoci\xe9t\xe9 G\xe9n\xe9rale\n";
        let (text, from) = decode(latin1).unwrap();
        assert_eq!(text, "name\nSociété Générale\n");
        assert!(from.unwrap().contains("1252"));
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("name\nAcme".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16).unwrap().0, "name\nAcme");
        assert!(decode(b"").is_err());
        assert!(decode(b"\x00\x01\xff\xfe\x00").is_err());
    }

    #[test]
    fn file_names_are_checked_case_insensitively() {
        assert!(check_file_name("Prospects.CSV").is_ok());
        assert!(check_file_name("prospects.xlsx").is_err());
    }
}
