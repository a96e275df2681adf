use sea_orm::entity::prelude::*;

/// A list run again every `every_days` days, as its creator, within its budget.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "schedules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The job whose list the schedule repeats.
    pub job_id: i32,
    /// The latest run: the next one runs its list and compares with it.
    pub last_job_id: Option<i32>,
    pub every_days: i32,
    pub next_run_at: DateTimeUtc,
    /// Each run's own budget (USD); none: twice its estimate, within the monthly budgets.
    #[sea_orm(column_type = "Double", nullable)]
    pub budget_usd: Option<f64>,
    pub created_by: Option<i32>,
    pub created_by_name: String,
    pub created_at: DateTimeUtc,
    pub last_run_at: Option<DateTimeUtc>,
    /// Why the last due run did not start (a budget, an unfinished run…).
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
