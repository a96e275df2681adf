use sea_orm::entity::prelude::*;

/// A rubric the team scores with; its content is in its versions.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "rubrics")]
pub struct Model {
    /// The rubric's id (a job's `target_type`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Seeded from `rubrics/*.toml`: only admins change it.
    pub built_in: bool,
    /// The hash of the file last seeded (a changed file adds a version).
    pub seeded_hash: Option<String>,
    pub created_by_name: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
