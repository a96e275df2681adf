use sea_orm::entity::prelude::*;

/// One saved version of a rubric: never changed once written.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "rubric_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub rubric_id: String,
    /// 1, 2, 3… within its rubric.
    pub version: i32,
    /// The rubric as JSON.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// What the score cache keys on.
    pub content_hash: String,
    pub created_by_name: String,
    pub created_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
