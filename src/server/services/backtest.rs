//! Back-tests: a labelled list (won/lost…) scored against a rubric version,
//! reported as a tier-by-outcome table, precision and recall of HOT+WARM,
//! the score's ROC AUC, its distribution per outcome and the worst misses.
//! Two versions compare on the same list by re-scoring it (no searches).

use super::{audit, results::find_job};
use crate::{
    domain::{
        backtest::{Labelled, Outcome, metrics},
        backtest_report::{BacktestReport, Miss, distribution, is_miss, rank_misses},
        evidence::EvidenceSource,
        job::CompanyStatus,
        rubric::PriorityTier,
    },
    server::{auth::Actor, db::companies, state::AppState},
    server_fns::error::AppError,
};

const MISSES_SHOWN: usize = 20;

/// The back-test report of a job whose companies carry outcomes.
pub async fn report(state: &AppState, _actor: &Actor, id: i32) -> Result<BacktestReport, AppError> {
    let job = find_job(state, id).await?;
    if !job.backtest {
        return Err(AppError::BadRequest(format!(
            "Job {id} has no outcomes to test against: upload a labelled CSV (a company column and an outcome column such as won/lost) to run a back-test."
        )));
    }
    let rows = companies::for_job(&state.db, id).await?;
    let mut accounts = Vec::new();
    let mut misses = Vec::new();
    let mut pending = 0;
    for row in &rows {
        let Some(outcome) = row.outcome.as_deref().and_then(Outcome::parse) else {
            continue;
        };
        let status = CompanyStatus::parse(&row.status);
        if matches!(
            status,
            Some(CompanyStatus::Pending | CompanyStatus::Researching)
        ) {
            pending += 1;
            continue;
        }
        let score = row.score_total.map(|s| s.max(0) as u32);
        // The rubric's own tier: a person's override says nothing about the rubric.
        let tier = row.priority_tier.as_deref().and_then(PriorityTier::parse);
        accounts.push(Labelled {
            outcome,
            score,
            tier,
        });
        if let (Some(score), Some(tier)) = (score, tier)
            && is_miss(outcome, tier)
        {
            let sources: Vec<EvidenceSource> = row
                .sources
                .clone()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default();
            misses.push(Miss {
                company_id: row.id,
                name: row.name.clone(),
                outcome,
                score,
                tier,
                reasoning: row.reasoning.clone().unwrap_or_default(),
                sources: sources.into_iter().map(|s| (s.title, s.url)).collect(),
            });
        }
    }
    let label = state
        .engine
        .rubrics()
        .for_job(job.rubric_version_id, &job.target_type)
        .await?
        .map_or_else(|| job.target_type.clone(), |v| v.rubric.label.clone());
    let previous_is_backtest = match job.previous_job_id {
        Some(p) => crate::server::db::jobs::find(&state.db, p)
            .await?
            .is_some_and(|p| p.backtest),
        None => false,
    };
    Ok(BacktestReport {
        job_id: id,
        job_name: job.name.clone(),
        rubric_id: job.target_type.clone(),
        rubric_label: label,
        rubric_version: job.rubric_version,
        pending,
        metrics: metrics(&accounts),
        distribution: distribution(&accounts),
        worst_misses: rank_misses(misses, MISSES_SHOWN),
        compared_with: job.previous_job_id.filter(|_| previous_is_backtest),
    })
}

/// The report's figures as CSV: (file name, body).
pub async fn export_csv(
    state: &AppState,
    actor: &Actor,
    id: i32,
) -> Result<(String, String), AppError> {
    let report = report(state, actor, id).await?;
    audit(
        state,
        actor,
        "backtest.export",
        format!("job {id} ({})", report.job_name),
        None,
    )
    .await;
    Ok((format!("backtest_{id}.csv"), report.to_csv()))
}
