use sea_orm::entity::prelude::*;

/// Verified research for one company under one rubric.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "research_cache")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub key: String,
    pub target_type: String,
    pub display_name: String,
    pub website: Option<String>,
    pub evidence: Json,
    pub source_count: i32,
    #[sea_orm(column_type = "Text")]
    pub verdict: String,
    #[sea_orm(column_type = "Double")]
    pub confidence: f64,
    pub fetched_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub size_bytes: i64,
    pub hits: i32,
    pub last_hit_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Double")]
    pub credits: f64,
    #[sea_orm(column_type = "Double")]
    pub search_seconds: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
