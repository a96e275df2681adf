//! Spend that never surprises, outages that cost nothing, re-runs with
//! history and v1's history: a job's budget, the job a re-run repeats, a job paused by an upstream outage (until when, and how
//! often it paused), the research a company already paid for kept on its row
//! until it is scored, and the v1 job a job was imported from (so an import
//! runs once).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for mut column in [
            timestamp_with_time_zone_null(Jobs::ResumeAt),
            integer(Jobs::OutagePauses).default(0).to_owned(),
            integer_null(Jobs::ImportedFromV1),
            double_null(Jobs::BudgetUsd),
            integer_null(Jobs::PreviousJobId),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Jobs::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .add_column(json_null(Companies::KeptEvidence))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_jobs_imported_from_v1")
                    .table(Jobs::Table)
                    .col(Jobs::ImportedFromV1)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_jobs_imported_from_v1")
                    .table(Jobs::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Jobs::ResumeAt,
            Jobs::OutagePauses,
            Jobs::ImportedFromV1,
            Jobs::BudgetUsd,
            Jobs::PreviousJobId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Jobs::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Companies::Table)
                    .drop_column(Companies::KeptEvidence)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Jobs {
    Table,
    ResumeAt,
    OutagePauses,
    ImportedFromV1,
    BudgetUsd,
    PreviousJobId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Companies {
    Table,
    KeptEvidence,
}
