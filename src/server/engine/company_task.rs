//! One company's way through the pipeline, with its state in the database
//! after every step.

use std::time::Instant;

use sea_orm::DbErr;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::{Engine, cache, runner::JobControl, scoring};
use crate::{
    domain::{
        job::{CompanyProgress, CompanyStatus, ProgressEvent, Stage},
        rubric::{PriorityTier, Rubric},
    },
    server::{
        db::{
            companies::{self, ScoredCompany, Spend},
            entities::company,
        },
        providers::{ChatRequest, ChatResponse, ProviderError, SearchOutcome},
    },
};

/// Why a company's research stopped before a result.
pub(super) enum Stop {
    /// The whole job must stop (a provider rejected the key); the company goes back to the queue.
    Abort(String),
    Cancelled,
    Failed(String),
    Database(DbErr),
}

impl From<DbErr> for Stop {
    fn from(error: DbErr) -> Self {
        Stop::Database(error)
    }
}

/// What one company's task needs to know and update.
pub(super) struct CompanyRun<'a> {
    pub engine: &'a Engine,
    pub control: &'a JobControl,
    pub job_id: i32,
    pub rubric: &'a Rubric,
    pub company: company::Model,
    pub spend: Spend,
    /// Ignore cached research and overwrite it.
    pub refresh_cache: bool,
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
    pub async fn stage(&mut self, stage: Stage) -> Result<(), DbErr> {
        self.save_spend(stage).await?;
        self.emit(CompanyStatus::Researching, stage, None, None);
        Ok(())
    }

    /// Saves the spend so far, at `stage`.
    pub async fn save_spend(&mut self, stage: Stage) -> Result<(), DbErr> {
        self.update_cost();
        companies::set_stage(
            &self.engine.inner.db,
            self.company.id,
            CompanyStatus::Researching,
            stage,
            &self.spend,
        )
        .await
    }

    /// One search under the global search limit; its time is added to the spend.
    pub async fn search(&mut self, query: &str) -> Result<SearchOutcome, ProviderError> {
        let started = Instant::now();
        let result = {
            let _permit =
                fair_permit(&self.control.search_turn, &self.engine.inner.search_permits).await;
            self.engine.inner.search.search(query).await
        };
        self.spend.search_seconds += started.elapsed().as_secs_f64();
        self.spend.search_attempts += 1;
        result
    }

    /// One LLM call under the global LLM limit; its time is added to the spend.
    pub async fn chat(&mut self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let started = Instant::now();
        let result = {
            let _permit = fair_permit(&self.control.llm_turn, &self.engine.inner.llm_permits).await;
            self.engine.inner.llm.chat(request).await
        };
        self.spend.llm_seconds += started.elapsed().as_secs_f64();
        result
    }

    /// Stops here if the job was cancelled or must abort.
    pub async fn checkpoint(&self) -> Result<(), Stop> {
        if let Some(message) = self.control.aborted() {
            return Err(Stop::Abort(message));
        }
        if self.control.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        Ok(())
    }
}

/// A permit of a global limit, taken in the job's turn: while a company of a
/// job waits in the limit's (first-come) queue, the job's other companies wait
/// behind it, so the queue holds one company per job and serves jobs in turn.
async fn fair_permit<'a>(turn: &Semaphore, limit: &'a Semaphore) -> SemaphorePermit<'a> {
    let _turn = turn.acquire().await.expect("never closed");
    limit.acquire().await.expect("never closed")
}

/// The job a company belongs to, as its task sees it.
pub(super) struct JobRef<'a> {
    pub id: i32,
    pub rubric: &'a Rubric,
    pub refresh_cache: bool,
}

pub(super) async fn process(
    engine: &Engine,
    control: &JobControl,
    job: JobRef<'_>,
    company: company::Model,
) -> Result<(), DbErr> {
    let JobRef {
        id: job_id,
        rubric,
        refresh_cache,
    } = job;
    let db = &engine.inner.db;
    if CompanyStatus::parse(&company.status).is_some_and(CompanyStatus::is_finished) {
        return Ok(());
    }
    let spend = Spend::of(&company);
    let mut run = CompanyRun {
        engine,
        control,
        job_id,
        rubric,
        company,
        spend,
        refresh_cache,
    };
    let outcome = pipeline(&mut run).await;
    run.update_cost();
    let id = run.company.id;
    match outcome {
        Ok(()) => {}
        Err(Stop::Abort(message)) => {
            control.abort(message);
            companies::requeue(db, id, &run.spend).await?;
            run.emit(CompanyStatus::Pending, Stage::Queued, None, None);
        }
        Err(Stop::Cancelled) => {
            let message = "Cancelled while it was being researched.";
            companies::finish_unscored(db, id, CompanyStatus::Cancelled, message, &run.spend)
                .await?;
            run.emit(
                CompanyStatus::Cancelled,
                Stage::Done,
                Some(message.into()),
                None,
            );
        }
        Err(Stop::Failed(message)) => {
            companies::finish_unscored(db, id, CompanyStatus::Failed, &message, &run.spend).await?;
            run.emit(CompanyStatus::Failed, Stage::Done, Some(message), None);
        }
        Err(Stop::Database(error)) => return Err(error),
    }
    control.touch();
    Ok(())
}

async fn pipeline(run: &mut CompanyRun<'_>) -> Result<(), Stop> {
    run.checkpoint().await?;
    run.stage(Stage::Searching).await?;
    let researched = cache::research(run).await?;
    run.checkpoint().await?;
    // The spend is already stored with the verdict: scoring is announced, not written.
    run.emit(CompanyStatus::Researching, Stage::Scoring, None, None);
    let scored = scoring::score_company(run, &researched.evidence).await?;
    run.update_cost();
    companies::complete(
        &run.engine.inner.db,
        run.company.id,
        ScoredCompany {
            research: &scored.answer.research,
            reasoning: &scored.answer.analysis.reasoning,
            signals_positive: &scored.answer.analysis.signals_positive,
            signals_negative: &scored.answer.analysis.signals_negative,
            score: &scored.score,
            sources: &scored.sources,
            cache_hit: researched.cache_hit,
            evidence_fetched_at: researched.fetched_at,
        },
        &run.spend,
    )
    .await?;
    run.emit(
        CompanyStatus::Completed,
        Stage::Done,
        None,
        Some((scored.score.total as i32, scored.score.priority)),
    );
    Ok(())
}
