//! Writing results as CSV for spreadsheets and CRMs, safe against formula injection.

/// A cell that a spreadsheet would run as a formula (= + - @, tab, CR) gets a
/// leading apostrophe, so it is shown as text.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Writes a header and rows, every cell neutralised.
pub fn write(
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<String, csv::Error> {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.iter().map(|c| neutralise(c)))?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    // A BOM makes Excel read UTF-8 (emoji, accents) correctly.
    Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        for risky in ["+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(risky).starts_with('\''), "{risky}");
        }
        assert_eq!(neutralise("Anthropic"), "Anthropic");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn output_is_quoted_csv_with_a_bom() {
        let out = write(
            &["Name", "Note"],
            [vec!["Acme, Inc.".into(), "=1+1".into()]],
        )
        .unwrap();
        assert_eq!(out, "\u{feff}Name,Note\n\"Acme, Inc.\",'=1+1\n");
    }
}
