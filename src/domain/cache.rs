//! The research cache as users see it: entries, their freshness, the query
//! of the management page and the totals. Plain Rust for both targets.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::evidence::EvidenceSource;

/// Days over which the hit rate is reported.
pub const HIT_RATE_DAYS: i64 = 30;

/// When research fetched at `fetched_at` stops being served.
pub fn expires_at(fetched_at: DateTime<Utc>, ttl_days: u32) -> DateTime<Utc> {
    fetched_at + Duration::days(i64::from(ttl_days))
}

/// Hits over lookups, or `None` before the first lookup.
pub fn hit_rate(hits: i64, misses: i64) -> Option<f64> {
    let lookups = hits + misses;
    (lookups > 0).then(|| hits as f64 / lookups as f64)
}

/// "3 days", "5 hours", "just now": how old evidence is, for people.
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let d = now - since;
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if d.num_days() >= 1 {
        plural(d.num_days(), "day")
    } else if d.num_hours() >= 1 {
        plural(d.num_hours(), "hour")
    } else if d.num_minutes() >= 1 {
        plural(d.num_minutes(), "minute")
    } else {
        "just now".into()
    }
}

/// "1.2 KB": a size for people.
pub fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

/// A cache entry in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CacheEntryView {
    pub id: i32,
    pub key: String,
    pub name: String,
    pub target_type: String,
    pub website: Option<String>,
    pub confidence: f64,
    pub verdict: String,
    pub source_count: i32,
    pub fetched_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub expired: bool,
    pub size_bytes: i64,
    pub hits: i32,
    pub last_hit_at: Option<DateTime<Utc>>,
    pub credits: f64,
}

/// One entry with the evidence it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CacheEntryDetail {
    #[serde(flatten)]
    pub entry: CacheEntryView,
    pub evidence: Vec<EvidenceSource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CachePage {
    pub entries: Vec<CacheEntryView>,
    pub total: u64,
}

/// Totals of the management page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CacheStats {
    pub enabled: bool,
    pub ttl_days: u32,
    pub entries: u64,
    /// Entries still served (verified and not expired).
    pub verified: u64,
    pub expired: u64,
    pub size_bytes: i64,
    pub hits_30d: i64,
    pub misses_30d: i64,
    pub hit_rate_30d: Option<f64>,
    pub credits_saved: f64,
    pub usd_saved: f64,
    pub seconds_saved: f64,
}

/// What the table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CacheSort {
    Name,
    TargetType,
    #[default]
    FetchedAt,
    ExpiresAt,
    Confidence,
    Hits,
    Size,
}

impl CacheSort {
    pub const ALL: [CacheSort; 7] = [
        CacheSort::Name,
        CacheSort::TargetType,
        CacheSort::FetchedAt,
        CacheSort::ExpiresAt,
        CacheSort::Confidence,
        CacheSort::Hits,
        CacheSort::Size,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CacheSort::Name => "name",
            CacheSort::TargetType => "target_type",
            CacheSort::FetchedAt => "fetched_at",
            CacheSort::ExpiresAt => "expires_at",
            CacheSort::Confidence => "confidence",
            CacheSort::Hits => "hits",
            CacheSort::Size => "size",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// Search, sort and paging of the cache table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheQuery {
    /// Part of the name, key or website, any case.
    pub search: Option<String>,
    pub sort: CacheSort,
    pub descending: bool,
    pub skip: u64,
    pub limit: u64,
}

/// What a clear removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClearedCache {
    pub deleted: u64,
    pub expired_only: bool,
}

/// A refresh runs as a one-company job; this is where to follow it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CacheRefresh {
    pub entry_id: i32,
    pub job_id: i32,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn entries_expire_after_their_ttl() {
        assert_eq!(expires_at(at(1, 0), 30), at(1, 0) + Duration::days(30));
        assert_eq!(expires_at(at(1, 0), 0), at(1, 0));
    }

    #[test]
    fn the_hit_rate_needs_a_lookup() {
        assert_eq!(hit_rate(0, 0), None);
        assert_eq!(hit_rate(3, 1), Some(0.75));
        assert_eq!(hit_rate(0, 5), Some(0.0));
    }

    #[test]
    fn ages_and_sizes_read_well() {
        assert_eq!(age(at(1, 0), at(4, 1)), "3 days");
        assert_eq!(age(at(1, 0), at(1, 1)), "1 hour");
        assert_eq!(age(at(1, 0), at(1, 0)), "just now");
        assert_eq!(size(999), "999 B");
        assert_eq!(size(1_260), "1.3 KB");
        assert_eq!(size(2_500_000), "2.5 MB");
    }

    #[test]
    fn sorts_round_trip_through_their_names() {
        for sort in CacheSort::ALL {
            assert_eq!(CacheSort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(CacheSort::parse("nope"), None);
    }
}
