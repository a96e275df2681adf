use sea_orm::entity::prelude::*;

/// A running app instance and the share of the upstream limits it holds.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "instances")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub host: String,
    pub started_at: DateTimeUtc,
    /// The registration holds until then (the database's clock).
    pub expires_at: DateTimeUtc,
    /// Has work: it asks for a share of the limits.
    pub active: bool,
    pub search_share: i32,
    pub llm_share: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
