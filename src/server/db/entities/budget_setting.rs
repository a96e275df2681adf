use sea_orm::entity::prelude::*;

/// A monthly budget an admin set in the app (`team`, or `each_account`, the
/// default of every account); it replaces the environment's value.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    /// None: no budget of this kind.
    #[sea_orm(column_type = "Double", nullable)]
    pub budget_usd: Option<f64>,
    pub set_by: String,
    pub set_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
