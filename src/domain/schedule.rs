//! Schedules: a list run again every N days, within its budget, with the
//! research cache's TTL deciding what is searched again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The longest gap between two runs a schedule may have.
pub const MAX_EVERY_DAYS: i32 = 366;

/// A schedule as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScheduleView {
    pub id: i32,
    /// The job whose list is repeated.
    pub job_id: i32,
    pub job_name: String,
    /// The latest run (the next one runs its list and says what changed since).
    pub last_job_id: Option<i32>,
    pub every_days: i32,
    pub next_run_at: DateTime<Utc>,
    /// Each run's own budget (USD).
    pub budget_usd: Option<f64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_run_at: Option<DateTime<Utc>>,
    /// Why the last due run did not start.
    pub last_error: Option<String>,
    /// Runs started so far.
    pub runs: u64,
    /// Whether the person asking may stop it (its creator, or an admin).
    pub can_stop: bool,
}

/// "every day", "every week", "every 90 days".
pub fn every(days: i32) -> String {
    match days {
        1 => "every day".into(),
        7 => "every week".into(),
        n => format!("every {n} days"),
    }
}

/// The gap between runs as typed: whole days from 1 to [`MAX_EVERY_DAYS`].
pub fn parse_every_days(raw: &str) -> Result<i32, String> {
    match raw.trim().parse::<i32>() {
        Ok(days) if (1..=MAX_EVERY_DAYS).contains(&days) => Ok(days),
        _ => Err(format!(
            "{:?} is not a number of days: give whole days from 1 to {MAX_EVERY_DAYS} (90 is a quarter).",
            raw.trim()
        )),
    }
}

/// When the first run happens: the date typed (at the time of day it was
/// set up), else one gap from now. A date in the past is refused.
pub fn first_run(
    raw: Option<&str>,
    every_days: i32,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(now + chrono::Duration::days(i64::from(every_days)));
    };
    let at = if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        at.with_timezone(&Utc)
    } else if let Ok(day) = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        day.and_time(now.time()).and_utc()
    } else {
        return Err(format!(
            "{raw:?} is not a date: give one like 2027-03-01, or leave it blank for one gap from today."
        ));
    };
    if at < now - chrono::Duration::minutes(5) {
        return Err(format!(
            "The first run ({}) is in the past: pick today or a later date.",
            at.format("%Y-%m-%d")
        ));
    }
    if at > now + chrono::Duration::days(i64::from(MAX_EVERY_DAYS)) {
        return Err("The first run must be within a year.".into());
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-02T09:30:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn gaps_are_whole_days_within_a_year() {
        assert_eq!(parse_every_days(" 90 "), Ok(90));
        assert_eq!(parse_every_days("1"), Ok(1));
        for bad in ["0", "-7", "367", "ninety", "", "1.5"] {
            let message = parse_every_days(bad).unwrap_err();
            assert!(message.contains("1 to 366"), "{bad}: {message}");
        }
        assert_eq!(every(1), "every day");
        assert_eq!(every(7), "every week");
        assert_eq!(every(90), "every 90 days");
    }

    #[test]
    fn the_first_run_defaults_to_one_gap_and_refuses_the_past() {
        assert_eq!(
            first_run(None, 90, now()).unwrap(),
            now() + chrono::Duration::days(90)
        );
        assert_eq!(
            first_run(Some(" "), 7, now()).unwrap(),
            now() + chrono::Duration::days(7)
        );
        assert_eq!(
            first_run(Some("2027-03-01"), 90, now())
                .unwrap()
                .to_rfc3339(),
            "2027-03-01T09:30:00+00:00"
        );
        assert_eq!(
            first_run(Some("2026-12-02T09:30:00Z"), 90, now()).unwrap(),
            now()
        );
        assert!(
            first_run(Some("2026-11-01"), 90, now())
                .unwrap_err()
                .contains("past")
        );
        assert!(
            first_run(Some("2028-01-01"), 90, now())
                .unwrap_err()
                .contains("year")
        );
        assert!(
            first_run(Some("next week"), 90, now())
                .unwrap_err()
                .contains("2027-03-01")
        );
    }
}
