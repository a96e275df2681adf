//! Numbers for people.

/// "$0.040", "$12.50": the domain's dollars.
pub use crate::domain::budget::usd;

/// "$1.5B", "$25M", "$500K", or the funding text when there is no number.
pub fn funding(millions: Option<f64>, text: Option<&str>) -> String {
    match millions {
        Some(m) if m >= 1000.0 => format!("${:.1}B", m / 1000.0),
        Some(m) if m >= 1.0 => format!("${m:.0}M"),
        Some(m) if m > 0.0 => format!("${:.0}K", m * 1000.0),
        _ => text
            .filter(|t| !t.is_empty() && *t != "Unknown")
            .unwrap_or("–")
            .to_string(),
    }
}

/// "2026-12-01 18:07 UTC". Written by hand: chrono's strftime parser is a
/// sizeable part of the browser's bundle for this one format.
pub fn utc_minute(at: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// "850 ms", "12.3 s", "4.2 min", "1.5 h".
pub fn duration(seconds: f64) -> String {
    if seconds <= 0.0 {
        "–".into()
    } else if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1000.0)
    } else if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else if seconds < 3600.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-04T05:06:59.9Z")
            .unwrap()
            .to_utc();
        assert_eq!(utc_minute(&at), "2026-03-04 05:06 UTC");
        assert_eq!(utc_minute(&at), at.format("%Y-%m-%d %H:%M UTC").to_string());
        assert_eq!(funding(Some(1500.0), None), "$1.5B");
        assert_eq!(funding(Some(25.0), None), "$25M");
        assert_eq!(funding(Some(0.5), None), "$500K");
        assert_eq!(funding(None, Some("Unknown")), "–");
        assert_eq!(funding(None, Some("Series A")), "Series A");
        assert_eq!(duration(0.25), "250 ms");
        assert_eq!(duration(90.0), "1.5 min");
        assert_eq!(usd(0.0164), "$0.016");
    }
}
