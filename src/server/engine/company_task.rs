//! One company's way through the pipeline, with its state in the database
//! after every step. Every write is fenced by the company's claim: a run
//! that lost its claim records what it spent and stops.

use std::time::Instant;

use sea_orm::DbErr;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::{
    Engine, cache,
    capacity::Capacity,
    held::ClaimGuard,
    research::Researched,
    runner::{Breaker, JobControl},
    scoring,
};
use crate::{
    domain::{
        job::{CompanyProgress, CompanyStatus, ProgressEvent, ReviewReason, Stage},
        kept::KeptResearch,
        rubric::{PriorityTier, Rubric},
    },
    server::{
        db::{
            claims::{Claim, ClaimedCompany},
            companies::{self, ScoredCompany, Spend, WriteError},
            outages,
        },
        providers::{ChatRequest, ChatResponse, ProviderError, SearchOutcome},
        rubric_book::RubricVersion,
    },
};

/// Why a company's research stopped before a result.
pub(super) enum Stop {
    /// The whole job must stop (a provider rejected the key); the company goes back to the queue.
    Abort(String),
    Cancelled,
    /// Failed for a reason a retry may fix (an answer that did not follow the rubric).
    Failed(String),
    /// An upstream provider failed (after its own retries): the outage
    /// breaker counts it; the message says what failed.
    Upstream(ProviderError, String),
    /// The job was paused (an outage): the company goes back to the queue.
    Paused,
    /// Not verified: the company waits for a person (a website, a better name).
    Review {
        message: String,
        reason: ReviewReason,
    },
    /// Another instance holds the company now.
    LostClaim,
    Database(DbErr),
}

impl From<DbErr> for Stop {
    fn from(error: DbErr) -> Self {
        Stop::Database(error)
    }
}

impl From<WriteError> for Stop {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::LostClaim(_) => Stop::LostClaim,
            WriteError::Database(error) => Stop::Database(error),
        }
    }
}

/// What one company's task needs to know and update.
pub(super) struct CompanyRun<'a> {
    pub engine: &'a Engine,
    pub control: &'a JobControl,
    pub job_id: i32,
    pub rubric: &'a Rubric,
    /// The rubric's version (the score cache keys on it).
    pub version: &'a RubricVersion,
    pub company: ClaimedCompany,
    pub claim: Claim,
    /// What this run has spent.
    pub spend: Spend,
    /// What of it is written.
    saved: Spend,
    /// Ignore cached research and overwrite it.
    pub refresh_cache: bool,
    /// Never search: score the kept evidence or fail.
    pub scoring_only: bool,
    /// The research this company paid for and has not scored yet: written
    /// with any end but a result, so the next attempt does not buy it again.
    pub kept: Option<KeptResearch>,
}

impl CompanyRun<'_> {
    pub fn name(&self) -> &str {
        &self.company.name
    }

    pub fn website(&self) -> Option<&str> {
        self.company.website.as_deref()
    }

    fn update_cost(&mut self) {
        let p = self.engine.inner.settings.pricing;
        let s = &mut self.spend;
        s.cost_usd = s.credits * p.usd_per_credit
            + (s.validation_prompt_tokens + s.scoring_prompt_tokens) as f64
                * p.usd_per_million_prompt_tokens
                / 1e6
            + (s.validation_completion_tokens + s.scoring_completion_tokens) as f64
                * p.usd_per_million_completion_tokens
                / 1e6;
    }

    /// What this run spent since its last write (the next write adds it).
    pub fn unsaved(&mut self) -> Spend {
        self.update_cost();
        self.spend.since(&self.saved)
    }

    /// Takes a fenced write's outcome: on success its spend is written.
    pub fn wrote(&mut self, result: Result<(), WriteError>) -> Result<(), Stop> {
        result?;
        self.saved = self.spend.clone();
        Ok(())
    }

    pub fn emit(
        &self,
        status: CompanyStatus,
        stage: Stage,
        error: Option<String>,
        score: Option<(i32, PriorityTier)>,
    ) {
        self.engine.emit(ProgressEvent::Company(CompanyProgress {
            job_id: self.job_id,
            company_id: self.company.id,
            status,
            stage,
            score_total: score.as_ref().map(|(total, _)| *total),
            priority_tier: score.map(|(_, tier)| tier),
            error_message: error,
        }));
    }

    /// Persists a stage change (with the spend so far) and announces it.
    pub async fn stage(&mut self, stage: Stage) -> Result<(), Stop> {
        let spend = self.unsaved();
        let written = companies::set_stage(&self.engine.inner.db, self.claim, stage, &spend).await;
        self.wrote(written)?;
        self.emit(CompanyStatus::Researching, stage, None, None);
        Ok(())
    }

    /// Before money is spent: the claim must still be ours. Normally known
    /// from the last renewal; after a stall it is asked of the database.
    async fn still_mine(&self) -> Result<(), Stop> {
        if self.engine.claim_is_fresh(self.claim) || self.engine.reconfirm(self.claim).await? {
            Ok(())
        } else {
            Err(Stop::LostClaim)
        }
    }

    /// One search under the deployment's search limit. Its expected credits
    /// are written before it is sent (a crash mid-call still counts what the
    /// provider charged), and corrected by what the answer says.
    pub async fn search(
        &mut self,
        query: &str,
    ) -> Result<Result<SearchOutcome, ProviderError>, Stop> {
        let expected = self.engine.inner.search.credits_per_search();
        let (engine, control) = (self.engine, self.control);
        let started = Instant::now();
        let result = {
            let _permit =
                fair_permit(engine, &control.search_turn, &engine.inner.limits.search).await;
            // Checked once it may go: the wait may have spanned a stall or a pause.
            self.still_mine().await?;
            self.not_paused()?;
            // Written as the search goes out, not while it waits for its turn.
            self.spend.credits += expected;
            self.spend.search_attempts += 1;
            if let Err(stop) = self.stage(Stage::Searching).await {
                // Not sent: not spent.
                self.spend.credits -= expected;
                self.spend.search_attempts -= 1;
                return Err(stop);
            }
            engine.inner.search.search(query).await
        };
        self.spend.search_seconds += started.elapsed().as_secs_f64();
        self.spend.credits -= expected;
        if let Ok(outcome) = &result {
            self.spend.credits += outcome.credits;
        }
        Ok(result)
    }

    /// One LLM call under the deployment's LLM limit; its time is added to the spend.
    pub async fn chat(
        &mut self,
        request: &ChatRequest,
    ) -> Result<Result<ChatResponse, ProviderError>, Stop> {
        let started = Instant::now();
        let engine = self.engine;
        let result = {
            let _permit =
                fair_permit(engine, &self.control.llm_turn, &engine.inner.limits.llm).await;
            self.still_mine().await?;
            self.not_paused()?;
            engine.inner.llm.chat(request).await
        };
        self.spend.llm_seconds += started.elapsed().as_secs_f64();
        Ok(result)
    }

    fn not_paused(&self) -> Result<(), Stop> {
        if self.control.is_paused() {
            Err(Stop::Paused)
        } else {
            Ok(())
        }
    }

    /// Stops here if the job was cancelled, paused or must abort.
    pub async fn checkpoint(&self) -> Result<(), Stop> {
        if let Some(message) = self.control.aborted() {
            return Err(Stop::Abort(message));
        }
        self.not_paused()?;
        if self.control.is_cancelled() || self.engine.is_stopping() {
            return Err(Stop::Cancelled);
        }
        Ok(())
    }
}

/// A permit of a limit, taken in the job's turn: while a company of a job
/// waits in the limit's (first-come) queue, the job's other companies wait
/// behind it, so the queue holds one company per job and serves jobs in turn.
async fn fair_permit<'b>(
    engine: &'b Engine,
    turn: &Semaphore,
    limit: &'b Capacity,
) -> SemaphorePermit<'b> {
    let _turn = turn.acquire().await.expect("never closed");
    engine.inner.limits.permit(limit).await
}

/// The job a company belongs to, as its task sees it.
pub(super) struct JobRef<'a> {
    pub id: i32,
    pub rubric: &'a RubricVersion,
    pub refresh_cache: bool,
    /// A re-score: companies are scored from their kept evidence, never searched.
    pub scoring_only: bool,
}

pub(super) async fn process(
    engine: &Engine,
    control: &JobControl,
    job: JobRef<'_>,
    company: ClaimedCompany,
    mut guard: ClaimGuard,
) -> Result<(), DbErr> {
    let db = &engine.inner.db;
    let mut run = CompanyRun {
        engine,
        control,
        job_id: job.id,
        rubric: &job.rubric.rubric,
        version: job.rubric,
        claim: guard.claim,
        company,
        spend: Spend::default(),
        saved: Spend::default(),
        refresh_cache: job.refresh_cache,
        scoring_only: job.scoring_only,
        kept: None,
    };
    run.kept = KeptResearch::from_json(run.company.kept_evidence.take());
    let result = pipeline(&mut run).await;
    match &result {
        Ok(()) | Err(Stop::Review { .. }) => control.upstream_answered(),
        _ => {}
    }
    let outcome = match result {
        Err(Stop::Cancelled) if engine.is_stopping() && !control.is_cancelled() => {
            // This instance is stopping: the company goes back to the queue.
            requeue(&mut run).await
        }
        Err(Stop::Abort(message)) => {
            control.abort(message);
            requeue(&mut run).await
        }
        Err(Stop::Paused) => requeue(&mut run).await,
        Err(Stop::Upstream(error, message)) => {
            let pause_after = engine.inner.settings.outage.pause_after;
            match control.upstream_failed(pause_after) {
                Breaker::Counted => fail(&mut run, message).await,
                Breaker::Trips(streak) => match pause_job(&run, &error, streak).await {
                    Ok(()) => requeue(&mut run).await,
                    Err(error) => Err(Stop::Database(error)),
                },
                Breaker::Paused => requeue(&mut run).await,
            }
        }
        Err(Stop::Cancelled) => {
            let message = "Cancelled while it was being researched.";
            let spend = run.unsaved();
            let written = companies::finish_unscored(
                db,
                run.claim,
                CompanyStatus::Cancelled,
                message,
                run.kept.as_ref(),
                &spend,
            )
            .await;
            run.wrote(written).map(|()| {
                run.emit(
                    CompanyStatus::Cancelled,
                    Stage::Done,
                    Some(message.into()),
                    None,
                )
            })
        }
        Err(Stop::Failed(message)) => fail(&mut run, message).await,
        Err(Stop::Review { message, reason }) => {
            let spend = run.unsaved();
            let written =
                companies::finish_in_review(db, run.claim, reason, &message, &spend).await;
            run.wrote(written)
                .map(|()| run.emit(CompanyStatus::Failed, Stage::Done, Some(message), None))
        }
        other => other,
    };
    control.touch();
    match outcome {
        Err(Stop::LostClaim) => {
            // What it spent before it knew was spent all the same.
            guard.settle();
            tracing::info!(
                company = run.company.id,
                "another instance took this company over; stopping it here"
            );
            companies::add_spend(db, run.company.id, &run.unsaved()).await
        }
        // The guard hands the company back; its lease would run out otherwise.
        Err(Stop::Database(error)) => Err(error),
        // Its end is written (the other stops were turned into writes above).
        _ => {
            guard.settle();
            Ok(())
        }
    }
}

/// Back to the queue for any instance, with the research it kept.
async fn requeue(run: &mut CompanyRun<'_>) -> Result<(), Stop> {
    let spend = run.unsaved();
    let db = &run.engine.inner.db;
    let written = companies::requeue(db, run.claim, run.kept.as_ref(), &spend).await;
    run.wrote(written)
        .map(|()| run.emit(CompanyStatus::Pending, Stage::Queued, None, None))
}

/// Failed for a reason a retry may fix; the research it paid for is kept for that retry.
async fn fail(run: &mut CompanyRun<'_>, message: String) -> Result<(), Stop> {
    let spend = run.unsaved();
    let db = &run.engine.inner.db;
    let written = companies::finish_unscored(
        db,
        run.claim,
        CompanyStatus::Failed,
        &message,
        run.kept.as_ref(),
        &spend,
    )
    .await;
    run.wrote(written)
        .map(|()| run.emit(CompanyStatus::Failed, Stage::Done, Some(message), None))
}

/// The breaker tripped here: the job pauses (once, whichever instance
/// trips first) with a message naming the provider and what it answered.
async fn pause_job(run: &CompanyRun<'_>, error: &ProviderError, streak: u32) -> Result<(), DbErr> {
    let engine = run.engine;
    let outage = engine.inner.settings.outage;
    let message = |resume_at: chrono::DateTime<chrono::Utc>| {
        format!(
            "Paused: {error} for {streak} companies in a row. The job resumes by itself at {} UTC, \
             or now with \"Resume now\"; research already paid for is not bought again.",
            resume_at.format("%H:%M:%S")
        )
    };
    if let Some(resume_at) =
        outages::pause(&engine.inner.db, run.job_id, message, outage.backoff).await?
    {
        tracing::warn!(job_id = run.job_id, %error, %resume_at, "upstream outage: job paused");
        super::runner::emit_job(engine, run.job_id).await?;
        super::runner::announce(engine, run.job_id).await?;
    }
    Ok(())
}

async fn pipeline(run: &mut CompanyRun<'_>) -> Result<(), Stop> {
    run.checkpoint().await?;
    // Announced, not written: the first write is the cache's answer or the
    // first search (with its expected credits).
    run.emit(CompanyStatus::Researching, Stage::Searching, None, None);
    let researched = match run.kept.clone() {
        // Verified by an earlier attempt that could not score it: scoring is left.
        Some(KeptResearch {
            evidence,
            fetched_at,
            verified: Some(verdict),
        }) => Researched {
            evidence,
            fetched_at,
            cache_hit: false,
            verified: Some(verdict),
        },
        _ if run.scoring_only => {
            return Err(Stop::Failed(
                "This re-score has no verified evidence stored for the company, and a re-score never searches: run the list again to research it.".into(),
            ));
        }
        _ => cache::research(run).await?,
    };
    run.checkpoint().await?;
    // The spend is already stored with the verdict: scoring is announced, not written.
    run.emit(CompanyStatus::Researching, Stage::Scoring, None, None);
    let scored = scoring::score_company(run, &researched.evidence).await?;
    let threshold = run.engine.inner.settings.validation_threshold;
    let review = researched
        .verified
        .as_ref()
        .and_then(|verdict| verdict.review(threshold, run.website().is_some()));
    let spend = run.unsaved();
    let written = companies::complete(
        &run.engine.inner.db,
        run.claim,
        ScoredCompany {
            research: &scored.answer.research,
            reasoning: &scored.answer.analysis.reasoning,
            signals_positive: &scored.answer.analysis.signals_positive,
            signals_negative: &scored.answer.analysis.signals_negative,
            score: &scored.score,
            sources: &scored.sources,
            cache_hit: researched.cache_hit,
            score_reused: scored.reused,
            evidence_fetched_at: researched.fetched_at,
            review,
        },
        &spend,
    )
    .await;
    run.wrote(written)?;
    // The tier that counts: a person's override (kept across jobs) wins.
    let tier = run
        .company
        .tier_override
        .as_deref()
        .and_then(PriorityTier::parse)
        .unwrap_or(scored.score.priority);
    run.emit(
        CompanyStatus::Completed,
        Stage::Done,
        None,
        Some((scored.score.total as i32, tier)),
    );
    Ok(())
}
