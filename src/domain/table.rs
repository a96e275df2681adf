//! The results table as a query: what the job page shows, what
//! `GET /api/jobs/{id}/companies` answers and what the CSV export writes all
//! come from one [`CompanyQuery`], run once on the server. Live updates are
//! applied to the rows on screen as deltas.

use serde::{Deserialize, Serialize};

use super::{
    job::{CompanyProgress, CompanyStatus, JobProgress, ProgressEvent, ReviewReason, Stage},
    rubric::PriorityTier,
    views::{JobView, progress_percent},
};

/// Rows per page when the query does not say.
pub const PAGE_SIZE: u64 = 100;
/// The most rows one page may ask for.
pub const MAX_PAGE_SIZE: u64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Overall rank: score, highest first, unscored last, then name.
    #[default]
    Rank,
    Name,
    Priority,
    UseCase,
    Funding,
    Score,
    Cache,
    Confidence,
    Status,
}

impl SortKey {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rank => "rank",
            Self::Name => "name",
            Self::Priority => "priority",
            Self::UseCase => "use_case",
            Self::Funding => "funding",
            Self::Score => "score",
            Self::Cache => "cache",
            Self::Confidence => "confidence",
            Self::Status => "status",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// The column's natural order (best first for scores, A to Z for names).
    #[default]
    Asc,
    Desc,
}

/// Which companies of a job, in which order, and which page of them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[serde(default)]
pub struct CompanyQuery {
    /// Rows to skip.
    pub skip: u64,
    /// Rows per page, 1 to 500; 100 when not given. The export ignores paging.
    pub limit: Option<u64>,
    pub sort: SortKey,
    pub order: Order,
    /// HOT, WARM, WATCH or COLD.
    pub tier: Option<PriorityTier>,
    pub status: Option<CompanyStatus>,
    /// Only companies waiting for a person's review.
    pub review: bool,
    /// Case-insensitive text in the name, industry, description or headquarters.
    pub q: Option<String>,
}

impl CompanyQuery {
    /// The search text, trimmed; `None` when blank.
    pub fn text(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    /// Whether a company with these fields passes the filter (the server's rule).
    pub fn keeps(&self, row: &CompanyRow, description: Option<&str>) -> bool {
        let text = self.text().map(str::to_lowercase);
        self.tier.is_none_or(|t| row.priority_tier == Some(t))
            && self.status.is_none_or(|s| row.status == s)
            && (!self.review || row.review.is_some())
            && text.is_none_or(|q| {
                [
                    Some(row.name.as_str()),
                    row.industry.as_deref(),
                    description,
                    row.headquarters.as_deref(),
                ]
                .into_iter()
                .flatten()
                .any(|field| field.to_lowercase().contains(&q))
            })
    }

    /// The query string (without `?`), leaving out defaults; `paging` adds skip and limit.
    pub fn to_query_string(&self, paging: bool) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if paging {
            if self.skip > 0 {
                pairs.push(("skip", self.skip.to_string()));
            }
            if let Some(limit) = self.limit {
                pairs.push(("limit", limit.to_string()));
            }
        }
        if self.sort != SortKey::Rank {
            pairs.push(("sort", self.sort.as_str().into()));
        }
        if self.order == Order::Desc {
            pairs.push(("order", "desc".into()));
        }
        if let Some(tier) = self.tier {
            pairs.push(("tier", tier.as_str().into()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().into()));
        }
        if self.review {
            pairs.push(("review", "true".into()));
        }
        if let Some(q) = self.text() {
            pairs.push(("q", percent_encode(q)));
        }
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The CSV export of exactly these rows (every page).
    pub fn export_href(&self, job_id: i32) -> String {
        let query = self.to_query_string(false);
        if query.is_empty() {
            format!("/api/jobs/{job_id}/export")
        } else {
            format!("/api/jobs/{job_id}/export?{query}")
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One row of the results table: what the table shows, nothing more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyRow {
    /// Rank in the whole job (1 = best score), whatever the filter and order.
    pub rank: u32,
    pub id: i32,
    pub name: String,
    pub website: Option<String>,
    pub industry: Option<String>,
    pub headquarters: Option<String>,
    pub status: CompanyStatus,
    pub stage: Stage,
    /// The tier that counts: a person's override, else the model's.
    pub priority_tier: Option<PriorityTier>,
    /// The model's tier, when a person overrode it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_tier: Option<PriorityTier>,
    /// Why the company waits for review, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewReason>,
    pub score_total: Option<i32>,
    pub use_case_tier: Option<String>,
    pub funding_millions: Option<f64>,
    pub total_funding: Option<String>,
    pub cache_hit: bool,
    pub validation_confidence: Option<f64>,
    pub error_message: Option<String>,
}

/// Scored companies per priority tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TierCounts {
    pub hot: u32,
    pub warm: u32,
    pub watch: u32,
    pub cold: u32,
}

impl TierCounts {
    pub fn get(&self, tier: PriorityTier) -> u32 {
        match tier {
            PriorityTier::Hot => self.hot,
            PriorityTier::Warm => self.warm,
            PriorityTier::Watch => self.watch,
            PriorityTier::Cold => self.cold,
        }
    }

    pub fn add(&mut self, tier: PriorityTier, n: u32) {
        match tier {
            PriorityTier::Hot => self.hot += n,
            PriorityTier::Warm => self.warm += n,
            PriorityTier::Watch => self.watch += n,
            PriorityTier::Cold => self.cold += n,
        }
    }

    pub fn scored(&self) -> u32 {
        self.hot + self.warm + self.watch + self.cold
    }

    /// Each tier's share of the scored companies, in whole percent.
    pub fn percent(&self, tier: PriorityTier) -> u32 {
        (self.get(tier) * 100)
            .checked_div(self.scored())
            .unwrap_or(0)
    }
}

/// A page of a job's companies, how many match the filter, and the tiers of the whole job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompanyPage {
    pub rows: Vec<CompanyRow>,
    /// Companies matching the filter, on every page.
    pub matching: u64,
    pub skip: u64,
    pub limit: u64,
    pub tiers: TierCounts,
}

/// What a job page needs before any row: the job and its tier counts.
/// The server-sent events' snapshot, and what a reconnect gets again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct JobSnapshot {
    pub job: JobView,
    pub tiers: TierCounts,
}

impl JobSnapshot {
    /// Whether this is a later state of the job than `other`: later activity, or
    /// the same moment with the job finished (its totals are written just before
    /// its status). A page whose fetch of the job crossed the event stream's
    /// snapshot keeps the later of the two.
    pub fn is_newer_than(&self, other: &JobSnapshot) -> bool {
        let key = |s: &JobSnapshot| (s.job.last_activity_at, s.job.status.is_finished());
        key(self) > key(other)
    }
}

/// What a progress event changed on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Applied {
    /// A row on screen finished: its place in the order may have changed.
    pub row_finished: bool,
    /// The job itself finished.
    pub job_finished: bool,
}

/// Applies a progress event to the job and the rows on screen, in place.
pub fn apply(
    snapshot: &mut JobSnapshot,
    rows: &mut [CompanyRow],
    event: &ProgressEvent,
) -> Applied {
    match event {
        ProgressEvent::Company(CompanyProgress {
            company_id,
            status,
            stage,
            score_total,
            priority_tier,
            error_message,
            ..
        }) => {
            let Some(row) = rows.iter_mut().find(|r| r.id == *company_id) else {
                return Applied::default();
            };
            row.status = *status;
            row.stage = *stage;
            if !status.is_finished() {
                // Back in the queue or in research: the last verdict is history.
                row.review = None;
            }
            if score_total.is_some() {
                row.score_total = *score_total;
                row.priority_tier = *priority_tier;
            }
            if error_message.is_some() {
                row.error_message = error_message.clone();
            }
            Applied {
                row_finished: status.is_finished(),
                job_finished: false,
            }
        }
        ProgressEvent::Job(JobProgress {
            status,
            total,
            completed,
            failed,
            cancelled,
            skipped,
            review,
            error_message,
            tiers,
            view,
            ..
        }) => {
            if let Some(view) = view {
                snapshot.job = (**view).clone();
            }
            let job = &mut snapshot.job;
            job.status = *status;
            job.total_companies = *total;
            job.completed_companies = *completed;
            job.failed_companies = *failed;
            job.cancelled_companies = *cancelled;
            job.skipped_companies = *skipped;
            job.review_companies = *review;
            let finished = completed + failed + cancelled + skipped;
            job.pending_companies = (total - finished).max(0);
            job.progress_percent = progress_percent(finished, *total);
            job.error_message = error_message.clone();
            snapshot.tiers = *tiers;
            Applied {
                row_finished: false,
                job_finished: status.is_finished(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::job::JobStatus;

    fn row(id: i32, name: &str, tier: Option<PriorityTier>, status: CompanyStatus) -> CompanyRow {
        CompanyRow {
            rank: id as u32,
            id,
            name: name.into(),
            website: None,
            industry: Some("AI infrastructure".into()),
            headquarters: Some("Zürich".into()),
            status,
            stage: Stage::Done,
            priority_tier: tier,
            model_tier: None,
            review: None,
            score_total: None,
            use_case_tier: None,
            funding_millions: None,
            total_funding: None,
            cache_hit: false,
            validation_confidence: None,
            error_message: None,
        }
    }

    #[test]
    fn the_query_string_round_trips_awkward_text_and_leaves_out_defaults() {
        assert_eq!(CompanyQuery::default().to_query_string(true), "");
        let query = CompanyQuery {
            skip: 200,
            limit: Some(100),
            sort: SortKey::Funding,
            order: Order::Desc,
            tier: Some(PriorityTier::Hot),
            status: Some(CompanyStatus::Completed),
            review: false,
            q: Some("  a#b+c%d=e&f g/é ".into()),
        };
        assert_eq!(
            query.to_query_string(true),
            "skip=200&limit=100&sort=funding&order=desc&tier=HOT&status=completed&q=a%23b%2Bc%25d%3De%26f%20g%2F%C3%A9"
        );
        assert_eq!(
            query.export_href(7),
            "/api/jobs/7/export?sort=funding&order=desc&tier=HOT&status=completed&q=a%23b%2Bc%25d%3De%26f%20g%2F%C3%A9"
        );
        assert_eq!(CompanyQuery::default().export_href(7), "/api/jobs/7/export");
    }

    #[test]
    fn the_filter_matches_tier_status_and_text_in_any_searched_field() {
        let hot = row(1, "Acme", Some(PriorityTier::Hot), CompanyStatus::Completed);
        let failed = row(2, "Beta", None, CompanyStatus::Failed);
        let by_tier = CompanyQuery {
            tier: Some(PriorityTier::Hot),
            ..Default::default()
        };
        assert!(by_tier.keeps(&hot, None) && !by_tier.keeps(&failed, None));
        let by_status = CompanyQuery {
            status: Some(CompanyStatus::Failed),
            ..Default::default()
        };
        assert!(!by_status.keeps(&hot, None) && by_status.keeps(&failed, None));
        for text in ["acme", "INFRA", "zürich", "robots"] {
            let query = CompanyQuery {
                q: Some(text.into()),
                ..Default::default()
            };
            assert!(query.keeps(&hot, Some("Robots for warehouses")), "{text}");
            assert!(!query.keeps(&hot, Some("")) || text != "robots");
        }
        let mut waiting = failed.clone();
        waiting.review = Some(ReviewReason::Ambiguous);
        let in_review = CompanyQuery {
            review: true,
            ..Default::default()
        };
        assert!(in_review.keeps(&waiting, None) && !in_review.keeps(&failed, None));
        assert_eq!(in_review.to_query_string(false), "review=true");
        let blank = CompanyQuery {
            q: Some("   ".into()),
            ..Default::default()
        };
        assert!(blank.keeps(&failed, None));
    }

    #[test]
    fn progress_events_update_rows_on_screen_and_the_counts() {
        let job: JobView = serde_json::from_value(serde_json::json!({
            "id": 1, "name": "j", "job_type": "iaas", "status": "running", "total_companies": 4,
            "completed_companies": 0, "failed_companies": 0, "cancelled_companies": 0, "pending_companies": 4,
            "progress_percent": 0.0, "created_at": "2026-01-01T00:00:00Z", "started_at": null, "completed_at": null,
            "last_activity_at": null, "original_filename": null, "submitted_by": "x", "total_tavily_credits": 0.0,
            "total_cost_usd": 0.0, "cache_hits": 0, "cache_misses": 0, "validation_prompt_tokens": 0,
            "validation_completion_tokens": 0, "scoring_prompt_tokens": 0, "scoring_completion_tokens": 0,
            "error_message": null, "cancel_requested": false, "stalled": false
        }))
        .unwrap();
        let mut snapshot = JobSnapshot {
            job,
            tiers: TierCounts::default(),
        };
        let mut rows = vec![row(3, "Gamma", None, CompanyStatus::Pending)];
        let company = |status, stage, score: Option<i32>| {
            ProgressEvent::Company(CompanyProgress {
                job_id: 1,
                company_id: 3,
                status,
                stage,
                score_total: score,
                priority_tier: score.map(|_| PriorityTier::Hot),
                error_message: None,
            })
        };
        let applied = apply(
            &mut snapshot,
            &mut rows,
            &company(CompanyStatus::Researching, Stage::Scoring, None),
        );
        assert_eq!(applied, Applied::default());
        assert_eq!(rows[0].stage, Stage::Scoring);
        let applied = apply(
            &mut snapshot,
            &mut rows,
            &company(CompanyStatus::Completed, Stage::Done, Some(77)),
        );
        assert!(applied.row_finished);
        assert_eq!(rows[0].score_total, Some(77));
        assert_eq!(rows[0].priority_tier, Some(PriorityTier::Hot));
        let mut tiers = TierCounts::default();
        tiers.add(PriorityTier::Hot, 3);
        let applied = apply(
            &mut snapshot,
            &mut rows,
            &ProgressEvent::Job(JobProgress {
                job_id: 1,
                status: JobStatus::Completed,
                total: 4,
                completed: 3,
                failed: 1,
                cancelled: 0,
                skipped: 0,
                review: 0,
                error_message: None,
                tiers,
                view: None,
            }),
        );
        assert!(applied.job_finished);
        assert_eq!(snapshot.job.progress_percent, 100.0);
        // A fetch from before the end is older than what the events said.
        let mut fetched = snapshot.clone();
        fetched.job.status = JobStatus::Running;
        assert!(snapshot.is_newer_than(&fetched));
        assert!(!fetched.is_newer_than(&snapshot));
        assert!(!snapshot.is_newer_than(&snapshot.clone()));
        // Later activity wins, whatever the status.
        fetched.job.last_activity_at = Some(chrono::Utc::now());
        assert!(fetched.is_newer_than(&snapshot));
        assert_eq!(snapshot.tiers.percent(PriorityTier::Hot), 100);
        assert!(snapshot.job.status.is_finished());
    }
}
