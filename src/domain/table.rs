//! The results table's rules: live updates, filters and sorting. Plain
//! functions, so they are tested without a browser.

use serde::{Deserialize, Serialize};

use super::{
    job::ProgressEvent,
    views::{CompanyView, JobDetail},
};

/// Applies a progress event to a loaded job. Returns true when a company
/// finished (its full details are then worth fetching).
pub fn apply(detail: &mut JobDetail, event: &ProgressEvent) -> bool {
    match event {
        ProgressEvent::Company {
            company_id,
            status,
            stage,
            score_total,
            priority_tier,
            error_message,
            ..
        } => {
            let Some(company) = detail.companies.iter_mut().find(|c| c.id == *company_id) else {
                return false;
            };
            company.status = status.as_str().to_string();
            company.stage = stage.as_str().to_string();
            if score_total.is_some() {
                company.score_total = *score_total;
                company.priority_tier = priority_tier.clone();
            }
            if error_message.is_some() {
                company.error_message = error_message.clone();
            }
            status.is_finished()
        }
        ProgressEvent::Job {
            status,
            total,
            completed,
            failed,
            cancelled,
            error_message,
            ..
        } => {
            let job = &mut detail.job;
            job.status = status.as_str().to_string();
            job.total_companies = *total;
            job.completed_companies = *completed;
            job.failed_companies = *failed;
            job.cancelled_companies = *cancelled;
            job.pending_companies = (total - completed - failed - cancelled).max(0);
            job.progress_percent =
                super::views::progress_percent(completed + failed + cancelled, *total);
            job.error_message = error_message.clone();
            status.is_finished()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableView {
    pub query: String,
    /// HOT/WARM/WATCH/COLD, or empty for all.
    pub tier: String,
    /// A company status, or empty for all.
    pub status: String,
    pub sort: SortKey,
    pub descending: bool,
}

impl Default for TableView {
    fn default() -> Self {
        Self {
            query: String::new(),
            tier: String::new(),
            status: String::new(),
            sort: SortKey::Rank,
            descending: false,
        }
    }
}

fn tier_order(tier: Option<&str>) -> u8 {
    match tier {
        Some("HOT") => 0,
        Some("WARM") => 1,
        Some("WATCH") => 2,
        Some("COLD") => 3,
        _ => 4,
    }
}

/// The rank of each company (1 = best score), by position in `companies`'s ranked order.
pub fn ranked(companies: &[CompanyView]) -> Vec<(usize, CompanyView)> {
    let mut sorted = companies.to_vec();
    super::views::rank(&mut sorted);
    sorted
        .into_iter()
        .enumerate()
        .map(|(i, c)| (i + 1, c))
        .collect()
}

/// The rows to show, filtered and sorted, each with its overall rank.
pub fn rows(companies: &[CompanyView], view: &TableView) -> Vec<(usize, CompanyView)> {
    let query = view.query.trim().to_lowercase();
    let mut rows: Vec<(usize, CompanyView)> = ranked(companies)
        .into_iter()
        .filter(|(_, c)| {
            view.tier.is_empty() || c.priority_tier.as_deref() == Some(view.tier.as_str())
        })
        .filter(|(_, c)| view.status.is_empty() || c.status == view.status)
        .filter(|(_, c)| {
            query.is_empty()
                || [
                    Some(&c.name),
                    c.industry.as_ref(),
                    c.description.as_ref(),
                    c.headquarters.as_ref(),
                ]
                .into_iter()
                .flatten()
                .any(|f| f.to_lowercase().contains(&query))
        })
        .collect();
    rows.sort_by(|(ra, a), (rb, b)| {
        let ordering = match view.sort {
            SortKey::Rank | SortKey::Score => ra.cmp(rb),
            SortKey::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            SortKey::Priority => {
                tier_order(a.priority_tier.as_deref()).cmp(&tier_order(b.priority_tier.as_deref()))
            }
            SortKey::UseCase => a
                .score_gpu_use_case
                .unwrap_or(-1)
                .cmp(&b.score_gpu_use_case.unwrap_or(-1))
                .reverse(),
            SortKey::Funding => a
                .funding_millions
                .unwrap_or(-1.0)
                .total_cmp(&b.funding_millions.unwrap_or(-1.0))
                .reverse(),
            SortKey::Cache => b.cache_hit.cmp(&a.cache_hit),
            SortKey::Confidence => a
                .validation_confidence
                .unwrap_or(-1.0)
                .total_cmp(&b.validation_confidence.unwrap_or(-1.0))
                .reverse(),
            SortKey::Status => a.status.cmp(&b.status),
        };
        let ordering = ordering.then(ra.cmp(rb));
        if view.descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    rows
}

/// Companies per priority tier (HOT, WARM, WATCH, COLD).
pub fn tier_counts(companies: &[CompanyView]) -> [usize; 4] {
    let mut counts = [0; 4];
    for c in companies {
        let i = tier_order(c.priority_tier.as_deref()) as usize;
        if i < 4 {
            counts[i] += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::job::{CompanyStatus, Stage};

    fn company(
        id: i32,
        name: &str,
        score: Option<i32>,
        tier: Option<&str>,
        status: &str,
    ) -> CompanyView {
        serde_json::from_value(serde_json::json!({
            "id": id, "job_id": 1, "name": name, "website": null, "status": status, "stage": "done",
            "description": null, "employee_count": null, "total_funding": null, "funding_millions": score.map(f64::from),
            "last_round": null, "investors": [], "headquarters": null, "founded_year": null, "industry": "AI",
            "business_model": null, "gpu_use_case_tier": null, "gpu_use_case_label": null, "gpu_analysis_reasoning": null,
            "signals_positive": [], "signals_negative": [], "score_gpu_use_case": score, "score_scale_budget": null,
            "score_growth_signals": null, "score_confidence": null, "score_total": score, "score_breakdown": null,
            "priority_tier": tier, "recommended_action": null, "error_message": null, "cache_hit": false,
            "evidence_fetched_at": null, "validation_confidence": null, "validation_verdict": null, "sources": [],
            "search_attempts": 1, "tavily_credits_used": 2.0, "tavily_response_time": 1.0, "llm_tokens_used": 10,
            "llm_response_time": 1.0, "cost_usd": 0.02, "researched_at": null
        }))
        .unwrap()
    }

    fn sample() -> Vec<CompanyView> {
        vec![
            company(1, "Beta", Some(60), Some("WARM"), "completed"),
            company(2, "alpha", Some(90), Some("HOT"), "completed"),
            company(3, "Gamma", None, None, "failed"),
            company(4, "Delta", Some(20), Some("COLD"), "completed"),
        ]
    }

    #[test]
    fn rows_are_ranked_by_score_with_unscored_last() {
        let names: Vec<(usize, String)> = rows(&sample(), &TableView::default())
            .into_iter()
            .map(|(r, c)| (r, c.name))
            .collect();
        assert_eq!(
            names,
            vec![
                (1, "alpha".into()),
                (2, "Beta".into()),
                (3, "Delta".into()),
                (4, "Gamma".into())
            ]
        );
    }

    #[test]
    fn filters_and_sorting_keep_the_overall_rank() {
        let view = TableView {
            tier: "COLD".into(),
            ..TableView::default()
        };
        assert_eq!(
            rows(&sample(), &view)
                .iter()
                .map(|(r, _)| *r)
                .collect::<Vec<_>>(),
            vec![3]
        );
        let view = TableView {
            sort: SortKey::Name,
            ..TableView::default()
        };
        assert_eq!(rows(&sample(), &view)[0].1.name, "alpha");
        let view = TableView {
            sort: SortKey::Name,
            descending: true,
            ..TableView::default()
        };
        assert_eq!(rows(&sample(), &view)[0].1.name, "Gamma");
        let view = TableView {
            query: "gam".into(),
            ..TableView::default()
        };
        assert_eq!(rows(&sample(), &view).len(), 1);
        let view = TableView {
            status: "failed".into(),
            ..TableView::default()
        };
        assert_eq!(rows(&sample(), &view)[0].1.name, "Gamma");
        assert_eq!(tier_counts(&sample()), [1, 1, 0, 1]);
    }

    #[test]
    fn progress_events_update_rows_in_place() {
        let mut detail: JobDetail = serde_json::from_value(serde_json::json!({
            "id": 1, "name": "j", "job_type": "iaas", "status": "running", "total_companies": 4,
            "completed_companies": 0, "failed_companies": 0, "cancelled_companies": 0, "pending_companies": 4,
            "progress_percent": 0.0, "created_at": "2026-01-01T00:00:00Z", "started_at": null, "completed_at": null,
            "last_activity_at": null, "original_filename": null, "submitted_by": "x", "total_tavily_credits": 0.0,
            "total_cost_usd": 0.0, "cache_hits": 0, "cache_misses": 0, "validation_prompt_tokens": 0,
            "validation_completion_tokens": 0, "scoring_prompt_tokens": 0, "scoring_completion_tokens": 0,
            "error_message": null, "cancel_requested": false, "stalled": false, "companies": []
        }))
        .unwrap();
        detail.companies = sample();
        let finished = apply(
            &mut detail,
            &ProgressEvent::Company {
                job_id: 1,
                company_id: 3,
                status: CompanyStatus::Researching,
                stage: Stage::Scoring,
                score_total: None,
                priority_tier: None,
                error_message: None,
            },
        );
        assert!(!finished);
        assert_eq!(detail.companies[2].stage, "scoring");
        let finished = apply(
            &mut detail,
            &ProgressEvent::Company {
                job_id: 1,
                company_id: 3,
                status: CompanyStatus::Completed,
                stage: Stage::Done,
                score_total: Some(77),
                priority_tier: Some("HOT".into()),
                error_message: None,
            },
        );
        assert!(finished);
        assert_eq!(detail.companies[2].score_total, Some(77));
        apply(
            &mut detail,
            &ProgressEvent::Job {
                job_id: 1,
                status: crate::domain::job::JobStatus::Running,
                total: 4,
                completed: 3,
                failed: 1,
                cancelled: 0,
                error_message: None,
            },
        );
        assert_eq!(detail.job.progress_percent, 100.0);
    }
}
