//! The CSV export: every field a rep needs, the rubric's own column names,
//! formula-safe cells; all companies or the current filter.

use crate::domain::{
    csv_export,
    rubric::Rubric,
    views::{CompanyView, JobDetail},
};

#[derive(Debug, Default)]
pub struct Filter {
    pub tier: Option<String>,
    pub status: Option<String>,
    pub query: Option<String>,
}

impl Filter {
    pub fn keeps(&self, c: &CompanyView) -> bool {
        let tier_ok = self.tier.as_deref().is_none_or(|t| {
            c.priority_tier
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case(t))
        });
        let status_ok = self
            .status
            .as_deref()
            .is_none_or(|s| c.status.eq_ignore_ascii_case(s));
        let query_ok = self.query.as_deref().is_none_or(|q| {
            let q = q.to_lowercase();
            [Some(&c.name), c.industry.as_ref(), c.description.as_ref()]
                .into_iter()
                .flatten()
                .any(|field| field.to_lowercase().contains(&q))
        });
        tier_ok && status_ok && query_ok
    }
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

pub fn render(
    detail: &JobDetail,
    rubric: Option<&Rubric>,
    filter: &Filter,
) -> Result<String, csv::Error> {
    let label = |key: &str, fallback: &str| -> String {
        rubric
            .and_then(|r| {
                r.criteria
                    .iter()
                    .into_iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, c)| c.label.clone())
            })
            .unwrap_or_else(|| fallback.to_string())
    };
    let use_case = label("use_case", "Use Case");
    let headers: Vec<String> = vec![
        "Rank".into(),
        "Company Name".into(),
        "Website".into(),
        "Priority Tier".into(),
        "Total Score".into(),
        format!("{use_case} Tier"),
        use_case.clone(),
        "Description".into(),
        "Employee Count".into(),
        "Funding (Millions USD)".into(),
        "Total Funding (Text)".into(),
        "Last Round".into(),
        "Investors".into(),
        "Founded".into(),
        "Industry".into(),
        "Business Model".into(),
        "Headquarters".into(),
        format!("Score: {use_case}"),
        format!("Score: {}", label("scale_budget", "Scale/Budget")),
        format!("Score: {}", label("growth", "Growth")),
        format!("Score: {}", label("confidence", "Confidence")),
        "Reasoning".into(),
        "Positive Signals".into(),
        "Negative Signals".into(),
        "Recommended Action".into(),
        "Sources".into(),
        "Cache Hit".into(),
        "Validation Confidence".into(),
        "Status".into(),
        "Error".into(),
        "Cost (USD)".into(),
        "Submitted By".into(),
    ];
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows = detail
        .companies
        .iter()
        .enumerate()
        .filter(|(_, c)| filter.keeps(c))
        .map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                c.name.clone(),
                opt(&c.website),
                opt(&c.priority_tier),
                opt(&c.score_total),
                opt(&c.gpu_use_case_tier),
                opt(&c.gpu_use_case_label),
                opt(&c.description),
                opt(&c.employee_count),
                c.funding_millions
                    .filter(|m| *m > 0.0)
                    .map(|m| format!("{m}"))
                    .unwrap_or_default(),
                opt(&c.total_funding),
                opt(&c.last_round),
                c.investors.join("; "),
                opt(&c.founded_year),
                opt(&c.industry),
                opt(&c.business_model),
                opt(&c.headquarters),
                opt(&c.score_gpu_use_case),
                opt(&c.score_scale_budget),
                opt(&c.score_growth_signals),
                opt(&c.score_confidence),
                opt(&c.gpu_analysis_reasoning),
                c.signals_positive.join("; "),
                c.signals_negative.join("; "),
                opt(&c.recommended_action),
                c.sources
                    .iter()
                    .map(|s| s.url.clone())
                    .collect::<Vec<_>>()
                    .join(" | "),
                if c.cache_hit { "yes" } else { "no" }.into(),
                c.validation_confidence
                    .map(|v| format!("{v:.2}"))
                    .unwrap_or_default(),
                c.status.clone(),
                opt(&c.error_message),
                format!("{:.4}", c.cost_usd),
                detail.job.submitted_by.clone(),
            ]
        });
    csv_export::write(&header_refs, rows)
}
