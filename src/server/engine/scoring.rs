//! Scoring against the rubric. The model picks categories; the rubric gives
//! the points. A request refused as too large is retried with less evidence,
//! never with fewer instructions.

use super::company_task::{CompanyRun, Stop};
use crate::{
    domain::{
        evidence::{self, EvidenceSource},
        llm_output::parse_answer,
        prompt,
        score::{Score, ScoringAnswer, score, scoring_schema},
    },
    server::{
        db::score_cache,
        providers::{ChatRequest, ProviderError},
    },
};

pub(super) struct Scored {
    pub answer: ScoringAnswer,
    pub score: Score,
    /// The sources exactly as the model saw them (what the citations point to).
    pub sources: Vec<EvidenceSource>,
    /// Served by the score cache: no scoring call was made.
    pub reused: bool,
}

const MAX_SHRINKS: u32 = 3;

pub(super) async fn score_company(
    run: &mut CompanyRun<'_>,
    evidence: &[EvidenceSource],
) -> Result<Scored, Stop> {
    let rubric = run.rubric;
    let engine = run.engine;
    let cache_on = engine.inner.settings.cache.enabled;
    let rendered = evidence::render(evidence);
    let key = score_cache::key(
        &run.version.hash,
        &engine.inner.settings.llm_model,
        run.name(),
        run.website(),
        &rendered,
    );
    if cache_on
        && let Some(answer) = score_cache::get(&engine.inner.db, &key).await?
        && let Ok(answer) = parse_answer::<ScoringAnswer>(&answer)
        && let Ok(score) = score(rubric, &answer.criteria, evidence.len())
    {
        return Ok(Scored {
            answer,
            score,
            sources: evidence.to_vec(),
            reused: true,
        });
    }
    let schema = scoring_schema(rubric);
    let mut sent = evidence.to_vec();
    let mut budget = rendered.len();
    let mut shrinks = 0;
    let mut reasked = false;
    loop {
        let request = ChatRequest {
            system: rubric.prompts.system.trim().to_string(),
            user: prompt::scoring_user(rubric, run.name(), run.website(), &evidence::render(&sent)),
            schema_name: format!("score_{}", rubric.id),
            schema: schema.clone(),
            temperature: 0.3,
            max_tokens: 2048,
        };
        match run.chat(&request).await? {
            Ok(response) => {
                run.spend.scoring_prompt_tokens += response.prompt_tokens as i64;
                run.spend.scoring_completion_tokens += response.completion_tokens as i64;
                let parsed = parse_answer::<ScoringAnswer>(&response.content)
                    .map_err(|e| e.to_string())
                    .and_then(|answer| {
                        score(rubric, &answer.criteria, sent.len())
                            .map(|score| (answer, score))
                            .map_err(|e| e.to_string())
                    });
                match parsed {
                    Ok((answer, score)) => {
                        // Kept for next time; a failure to keep it costs that, not this score.
                        if cache_on
                            && let Err(error) = score_cache::put(
                                &engine.inner.db,
                                &key,
                                run.version.id,
                                &response.content,
                            )
                            .await
                        {
                            tracing::warn!(company = run.name(), %error, "could not keep the score in the score cache");
                        }
                        return Ok(Scored {
                            answer,
                            score,
                            sources: sent,
                            reused: false,
                        });
                    }
                    Err(_) if !reasked => reasked = true,
                    Err(problem) => {
                        return Err(Stop::Failed(format!(
                            "Scoring failed: the model's answer did not follow the rubric ({problem})."
                        )));
                    }
                }
            }
            Err(ProviderError::TooLarge { .. }) if shrinks < MAX_SHRINKS && budget > 2_000 => {
                shrinks += 1;
                budget /= 2;
                sent = evidence::fit(&sent, budget);
                tracing::info!(
                    company = run.name(),
                    budget,
                    "request too large; retrying with less evidence"
                );
            }
            Err(error) if error.stops_the_job() => {
                return Err(Stop::Abort(format!("Stopped: {error}.")));
            }
            Err(error) => {
                let message = format!("Scoring failed: {error}.");
                return Err(Stop::Upstream(error, message));
            }
        }
    }
}
