use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub target_type: String,
    pub submitted_by: String,
    /// The account that started the job (none for jobs from before accounts).
    pub owner_id: Option<i32>,
    pub original_filename: Option<String>,
    pub status: String,
    pub cancel_requested: bool,
    pub refresh_cache: bool,
    pub total_companies: i32,
    pub completed_companies: i32,
    pub failed_companies: i32,
    pub cancelled_companies: i32,
    /// Marked "not a company" by a person: finished, out of the ranking.
    pub skipped_companies: i32,
    /// Companies waiting for a person's review.
    pub review_companies: i32,
    pub cache_hits: i32,
    pub cache_misses: i32,
    #[sea_orm(column_type = "Double")]
    pub tavily_credits: f64,
    pub validation_prompt_tokens: i64,
    pub validation_completion_tokens: i64,
    pub scoring_prompt_tokens: i64,
    pub scoring_completion_tokens: i64,
    #[sea_orm(column_type = "Double")]
    pub cost_usd: f64,
    #[sea_orm(column_type = "Double")]
    pub credits_saved: f64,
    #[sea_orm(column_type = "Double")]
    pub seconds_saved: f64,
    #[sea_orm(column_type = "Text", nullable)]
    pub error_message: Option<String>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub last_activity_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    /// A job paused by an upstream outage resumes by itself then.
    pub resume_at: Option<DateTimeUtc>,
    /// How often an outage paused it (each pause waits twice as long).
    pub outage_pauses: i32,
    /// The v1 job it was imported from (`import-v1`).
    pub imported_from_v1: Option<i32>,
    /// The most the job may spend (USD); it pauses before a company that could pass it.
    #[sea_orm(column_type = "Double", nullable)]
    pub budget_usd: Option<f64>,
    /// The job this one runs again ("Run this list again"): what changed is measured against it.
    pub previous_job_id: Option<i32>,
    /// The schedule that started this run, and the time the run was due
    /// (unique together: a due run starts once across instances).
    pub schedule_id: Option<i32>,
    pub scheduled_for: Option<DateTimeUtc>,
    /// The rubric version the job scores with (none only for jobs from
    /// before versions, until their rubric is seeded).
    pub rubric_version_id: Option<i32>,
    /// Its number within the rubric (shown as "v3").
    pub rubric_version: Option<i32>,
    /// Scored again from another job's stored evidence: no search, ever.
    pub scoring_only: bool,
    /// Companies whose score came from the score cache.
    pub score_hits: i32,
    /// Its companies carry won/lost outcomes: it reports a back-test.
    pub backtest: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::company::Entity")]
    Company,
}

impl Related<super::company::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Company.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
