//! The CSV export: every field a rep needs, the rubric's own column names,
//! formula-safe cells; exactly the companies of the job page's query.

use std::collections::HashMap;

use super::{audit, results};
use crate::{
    domain::{
        changes::RunResult,
        csv_export,
        rubric::Rubric,
        table::CompanyQuery,
        views::{CompanyView, JobView},
    },
    server::{
        auth::Actor,
        db::{
            history,
            views::{Detail, company_view, job_view},
        },
        state::AppState,
    },
    server_fns::error::AppError,
};

/// A CSV of the companies the query matches (every page, in its order): its
/// file name and text. The job page links here with its own query, so the
/// file holds exactly what the screen shows.
pub async fn export(
    state: &AppState,
    actor: &Actor,
    id: i32,
    query: &CompanyQuery,
) -> Result<(String, String), AppError> {
    let job = job_view(&results::find_job(state, id).await?);
    // A re-run's export says where each company stood in the run before.
    let previous: Option<HashMap<String, Option<RunResult>>> = match job.previous_job_id {
        Some(previous) => Some(
            history::entries(&state.db, previous)
                .await?
                .into_iter()
                .map(|(key, _, _, result)| (key, result))
                .collect(),
        ),
        None => None,
    };
    let rows: Vec<Row> = results::all_matching(state, id, query)
        .await?
        .iter()
        .map(|(rank, c)| {
            let before = previous.as_ref().map(|p| {
                c.company_key
                    .as_ref()
                    .and_then(|key| p.get(key).cloned().flatten())
            });
            (*rank, company_view(c, Detail::Listed), before)
        })
        .collect();
    let rubric = state
        .engine
        .rubrics()
        .for_job(job.rubric_version_id, &job.job_type)
        .await?;
    let body = render(&job, &rows, rubric.as_ref().map(|v| &v.rubric))
        .map_err(|e| AppError::internal("writing the CSV export", e))?;
    audit(
        state,
        actor,
        "job.export",
        format!("job {id} ({})", job.name),
        Some(format!("{} companies", rows.len())),
    )
    .await;
    Ok((format!("research_results_{id}.csv"), body))
}

/// A row of the export: rank, company, and (in a re-run) its result in the run before.
type Row = (u32, CompanyView, Option<Option<RunResult>>);

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn render(job: &JobView, companies: &[Row], rubric: Option<&Rubric>) -> Result<String, csv::Error> {
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
    let mut headers: Vec<String> = vec![
        "Rank".into(),
        "Company Name".into(),
        "Website".into(),
        "Priority Tier".into(),
        "Model Tier".into(),
        "Tier Override Note".into(),
        "Tier Override By".into(),
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
        "Needs Review".into(),
        "Error".into(),
        "Cost (USD)".into(),
        "Submitted By".into(),
    ];
    if job.previous_job_id.is_some() {
        headers.extend(["Previous Tier".into(), "Previous Score".into()]);
    }
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows = companies.iter().map(|(rank, c, before)| {
        let mut row = vec![
            rank.to_string(),
            c.name.clone(),
            opt(&c.website),
            c.priority_tier
                .map(|t| t.as_str())
                .unwrap_or_default()
                .into(),
            // The model's tier, beside the final one when a person overrode it.
            match &c.tier_override {
                Some(o) => o.model_tier.map(|t| t.as_str()).unwrap_or_default(),
                None => c.priority_tier.map(|t| t.as_str()).unwrap_or_default(),
            }
            .into(),
            c.tier_override
                .as_ref()
                .map(|o| o.note.clone())
                .unwrap_or_default(),
            c.tier_override
                .as_ref()
                .map(|o| o.set_by.clone())
                .unwrap_or_default(),
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
            c.status.as_str().into(),
            c.review.map(|r| r.label()).unwrap_or_default().into(),
            opt(&c.error_message),
            format!("{:.4}", c.cost_usd),
            job.submitted_by.clone(),
        ];
        if let Some(before) = before {
            let before = before.as_ref();
            row.push(
                before
                    .map(|r| r.tier.as_str().to_string())
                    .unwrap_or_default(),
            );
            row.push(before.map(|r| r.score.to_string()).unwrap_or_default());
        }
        row
    });
    csv_export::write(&header_refs, rows)
}
