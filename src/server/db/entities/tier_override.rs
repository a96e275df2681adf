use sea_orm::entity::prelude::*;

/// A tier a person set by hand for one company (by its key) and rubric: it
/// holds in every job and re-run until someone removes it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tier_overrides")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub company_key: String,
    pub target_type: String,
    pub tier: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub set_by: String,
    pub set_by_user_id: Option<i32>,
    pub set_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
