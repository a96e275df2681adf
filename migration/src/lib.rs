//! SeaORM migrations for Territory Planner. They run at start-up (`Migrator::up`)
//! on SQLite and PostgreSQL alike; nothing here is backend-specific SQL.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_jobs_and_companies;
mod m20261129_000001_create_research_cache;
mod m20261201_000001_create_accounts;
mod m20261202_000001_share_work;
mod m20261203_000001_review_and_overrides;
mod m20261204_000001_outages_and_v1_import;
mod m20261205_000001_schedules_and_budgets;
mod m20261206_000001_rubric_studio;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_jobs_and_companies::Migration),
            Box::new(m20261129_000001_create_research_cache::Migration),
            Box::new(m20261201_000001_create_accounts::Migration),
            Box::new(m20261202_000001_share_work::Migration),
            Box::new(m20261203_000001_review_and_overrides::Migration),
            Box::new(m20261204_000001_outages_and_v1_import::Migration),
            Box::new(m20261205_000001_schedules_and_budgets::Migration),
            Box::new(m20261206_000001_rubric_studio::Migration),
        ]
    }
}
