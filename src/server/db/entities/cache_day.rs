use sea_orm::entity::prelude::*;

/// Cache lookups of one UTC day (YYYY-MM-DD), kept when entries are deleted.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "research_cache_daily")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    pub hits: i64,
    pub misses: i64,
    #[sea_orm(column_type = "Double")]
    pub credits_saved: f64,
    #[sea_orm(column_type = "Double")]
    pub seconds_saved: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
