//! Search and validation: fail closed. Only evidence the validator verified
//! goes on to scoring; a validator error never counts as verified (it fails
//! the company for a retry); unverified research waits for a person.

use chrono::{DateTime, Utc};

use super::company_task::{CompanyRun, Stop};
use crate::{
    domain::{
        evidence::{self, EvidenceSource},
        job::ReviewReason,
        job::Stage,
        kept::KeptResearch,
        llm_output::parse_answer,
        prompt, query,
        verdict::{Verdict, verdict_schema},
    },
    server::{
        db::companies,
        providers::{ChatRequest, Provider, ProviderError},
    },
};

/// Evidence that may be scored.
pub(super) struct Researched {
    pub evidence: Vec<EvidenceSource>,
    pub fetched_at: DateTime<Utc>,
    pub cache_hit: bool,
    /// The validator's verdict when it verified the evidence; only then may it be cached.
    pub verified: Option<Verdict>,
}

fn unverified(verdict: String) -> Verdict {
    Verdict {
        valid: false,
        confidence: 0.0,
        verdict,
        issues: vec!["unverified".into()],
        candidates: vec![],
    }
}

/// Searches the web and validates what it found (the research cache wraps this).
pub(super) async fn fetch(run: &mut CompanyRun<'_>) -> Result<Researched, Stop> {
    let settings = run.engine.inner.settings.clone();
    let attempts = settings.max_search_attempts.max(1);
    let mut last: Option<(Verdict, u32)> = None;
    for attempt in 1..=attempts {
        if attempt > 1 {
            run.checkpoint().await?;
        }
        // What an earlier attempt paid for and could not check is checked first.
        let reuse = run
            .kept
            .as_ref()
            .filter(|kept| attempt == 1 && kept.verified.is_none())
            .map(|kept| (kept.evidence.clone(), kept.fetched_at));
        let (evidence, fetched_at) = match reuse {
            Some(kept) => kept,
            None => {
                let evidence = search(run, attempt, attempts).await?;
                let Some(evidence) = evidence else { continue };
                run.kept = (!evidence.is_empty()).then(|| KeptResearch::fetched(evidence.clone()));
                (evidence, Utc::now())
            }
        };
        let verdict = if evidence.is_empty() {
            unverified("The search returned no usable sources.".into())
        } else if !settings.validation_enabled {
            return Ok(Researched {
                evidence,
                fetched_at,
                cache_hit: false,
                verified: None,
            });
        } else {
            run.checkpoint().await?;
            run.stage(Stage::Validating).await?;
            validate(run, &evidence).await?
        };
        let verified = verdict.verifies(settings.validation_threshold);
        let spend = run.unsaved();
        let found = (!verified).then_some(evidence.as_slice());
        let written =
            companies::record_verdict(&run.engine.inner.db, run.claim, &verdict, found, &spend)
                .await;
        run.wrote(written)?;
        if verified {
            if let Some(kept) = &mut run.kept {
                kept.verified = Some(verdict.clone());
            }
            return Ok(Researched {
                evidence,
                fetched_at,
                cache_hit: false,
                verified: Some(verdict),
            });
        }
        // Not verified: nothing worth keeping.
        run.kept = None;
        // Another search for the same name cannot tell namesakes apart: a
        // person can, with the website.
        let ambiguous = verdict.is_ambiguous() && run.website().is_none();
        last = Some((verdict, attempt));
        if ambiguous {
            break;
        }
    }
    let (verdict, searches) =
        last.unwrap_or_else(|| (unverified("No search succeeded.".into()), attempts));
    let reason = verdict
        .review(settings.validation_threshold, run.website().is_some())
        .unwrap_or(ReviewReason::Unverified);
    let message = match reason {
        ReviewReason::Ambiguous => format!(
            "Not scored: {name} could be any of {candidates}. Give its website (in the review queue, or in the CSV) to say which.",
            name = run.name(),
            candidates = verdict.candidates.join(", "),
        ),
        _ => format!(
            "Not researched: the search results do not describe {name} (validator confidence {confidence:.2} after {searches} \
             search{plural}): \"{verdict}\". Check the spelling, or give the company's website (in the review queue, or in the CSV).",
            name = run.name(),
            confidence = verdict.confidence,
            plural = if searches == 1 { "" } else { "es" },
            verdict = verdict.verdict.trim(),
        ),
    };
    Err(Stop::Review { message, reason })
}

/// One search (the first query, or the refined one after it): its prepared
/// evidence, or None when it failed and another attempt is left.
async fn search(
    run: &mut CompanyRun<'_>,
    attempt: u32,
    attempts: u32,
) -> Result<Option<Vec<EvidenceSource>>, Stop> {
    let q = if attempt == 1 {
        query::first_query(run.name(), run.website(), &run.rubric.search.keywords)
    } else {
        query::refined_query(
            run.name(),
            run.website(),
            &run.rubric.search.refine_keywords,
        )
    };
    // The search writes the stage, with its expected credits.
    match run.search(&q).await? {
        Ok(outcome) => Ok(Some(evidence::prepare(
            run.name(),
            &outcome.sources,
            &run.engine.inner.settings.budget,
        ))),
        Err(error) if error.stops_the_job() => Err(Stop::Abort(format!("Stopped: {error}."))),
        Err(error) if attempt < attempts => {
            tracing::warn!(company = run.name(), %error, "search failed; trying again");
            Ok(None)
        }
        Err(error) => {
            let message = format!("Search failed: {error}.");
            Err(Stop::Upstream(error, message))
        }
    }
}

/// Asks the validator; an unreadable answer is asked again once, and any
/// remaining failure is an upstream failure, never a verdict.
async fn validate(run: &mut CompanyRun<'_>, evidence: &[EvidenceSource]) -> Result<Verdict, Stop> {
    let settings = &run.engine.inner.settings;
    let excerpt = evidence::render(&evidence::fit(evidence, settings.validation_chars));
    let request = ChatRequest {
        system: prompt::VALIDATION_SYSTEM.to_string(),
        user: prompt::validation_user(run.name(), run.website(), &excerpt),
        schema_name: "company_validation".into(),
        schema: verdict_schema(),
        temperature: 0.1,
        max_tokens: 300,
    };
    let mut problem = String::new();
    for _ in 0..2 {
        match run.chat(&request).await? {
            Ok(response) => {
                run.spend.validation_prompt_tokens += response.prompt_tokens as i64;
                run.spend.validation_completion_tokens += response.completion_tokens as i64;
                match parse_answer::<Verdict>(&response.content) {
                    Ok(verdict) => return Ok(verdict),
                    Err(error) => problem = error.to_string(),
                }
            }
            Err(error) if error.stops_the_job() => {
                return Err(Stop::Abort(format!("Stopped: {error}.")));
            }
            Err(error) => return Err(check_failed(error)),
        }
    }
    Err(check_failed(ProviderError::Malformed {
        provider: Provider::Llm,
        message: problem,
    }))
}

/// The model failed, not the research: an upstream failure that "Retry
/// failed" (or the end of an outage) runs again from the research kept,
/// never a verdict (nor a second search) on it.
fn check_failed(error: ProviderError) -> Stop {
    let message = format!(
        "The check of the search results could not be completed ({error}). Retry the job once the model answers again."
    );
    Stop::Upstream(error, message)
}
