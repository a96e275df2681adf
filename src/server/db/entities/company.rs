use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub job_id: i32,
    pub position: i32,
    pub name: String,
    pub website: Option<String>,
    pub status: String,
    pub stage: String,
    pub search_attempts: i32,
    pub cache_hit: bool,
    pub evidence_fetched_at: Option<DateTimeUtc>,
    pub validation_valid: Option<bool>,
    #[sea_orm(column_type = "Double", nullable)]
    pub validation_confidence: Option<f64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub validation_verdict: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub employee_count: Option<String>,
    pub total_funding: Option<String>,
    #[sea_orm(column_type = "Double", nullable)]
    pub funding_millions: Option<f64>,
    pub last_round: Option<String>,
    pub investors: Option<Json>,
    pub headquarters: Option<String>,
    pub founded_year: Option<i32>,
    pub industry: Option<String>,
    pub business_model: Option<String>,
    pub use_case_tier: Option<String>,
    pub use_case_label: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reasoning: Option<String>,
    pub signals_positive: Option<Json>,
    pub signals_negative: Option<Json>,
    pub score_use_case: Option<i32>,
    pub score_scale_budget: Option<i32>,
    pub score_growth: Option<i32>,
    pub score_confidence: Option<i32>,
    pub score_total: Option<i32>,
    pub score_citations: Option<Json>,
    pub priority_tier: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub recommended_action: Option<String>,
    pub sources: Option<Json>,
    #[sea_orm(column_type = "Double")]
    pub tavily_credits: f64,
    pub validation_prompt_tokens: i64,
    pub validation_completion_tokens: i64,
    pub scoring_prompt_tokens: i64,
    pub scoring_completion_tokens: i64,
    #[sea_orm(column_type = "Double")]
    pub search_seconds: f64,
    #[sea_orm(column_type = "Double")]
    pub llm_seconds: f64,
    #[sea_orm(column_type = "Double")]
    pub cost_usd: f64,
    #[sea_orm(column_type = "Double")]
    pub credits_saved: f64,
    #[sea_orm(column_type = "Double")]
    pub seconds_saved: f64,
    #[sea_orm(column_type = "Text", nullable)]
    pub error_message: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub researched_at: Option<DateTimeUtc>,
    /// The instance that claimed the company last (kept after it finished).
    pub claimed_by: Option<String>,
    /// Raised by every claim: a write carrying an older token is refused.
    pub claim_token: i64,
    /// The claim holds until then (the database's clock); none once finished.
    pub lease_until: Option<DateTimeUtc>,
    /// The company as every job knows it (name and website, normalised): the
    /// research cache's key, and what a tier override is kept under.
    pub company_key: Option<String>,
    /// Why the company waits for a person (a `ReviewReason`); none when it does not.
    pub review: Option<String>,
    /// The validator's issues and the companies it says the name matches.
    pub validation_issues: Option<Json>,
    pub validation_candidates: Option<Json>,
    /// The tier that counts: a person's override, else the model's
    /// (`priority_tier`); none while unscored.
    pub final_tier: Option<String>,
    /// The tier a person set for this company and rubric, with the note, who and when.
    pub tier_override: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub override_note: Option<String>,
    pub override_by: Option<String>,
    pub override_at: Option<DateTimeUtc>,
    /// Research already paid for (a `KeptResearch`) whose check or scoring
    /// failed upstream: the next attempt starts from it, not from a search.
    pub kept_evidence: Option<Json>,
    /// The score came from the score cache (no scoring call).
    pub score_reused: bool,
    /// A back-test's label for the company (an `Outcome`: positive or negative).
    pub outcome: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::job::Entity",
        from = "Column::JobId",
        to = "super::job::Column::Id",
        on_delete = "Cascade"
    )]
    Job,
}

impl Related<super::job::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Job.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
