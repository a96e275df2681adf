//! Several instances on one database: work is claimed per company with a
//! fencing token and a lease, and every instance publishes the share of the
//! upstream limits it holds. The job-wide lease of one instance is gone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            string_null(Companies::ClaimedBy),
            big_integer(Companies::ClaimToken).default(0).to_owned(),
            timestamp_with_time_zone_null(Companies::LeaseUntil),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Companies::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // Claims take a job's queued companies in input order: an index walk.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_companies_job_status_position")
                    .table(Companies::Table)
                    .col(Companies::JobId)
                    .col(Companies::Status)
                    .col(Companies::Position)
                    .to_owned(),
            )
            .await?;
        for column in [Jobs::ClaimedBy, Jobs::HeartbeatAt] {
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
            .create_table(
                Table::create()
                    .table(Instances::Table)
                    .if_not_exists()
                    .col(string_len(Instances::Id, 64).primary_key())
                    .col(string_len(Instances::Host, 255))
                    .col(timestamp_with_time_zone(Instances::StartedAt))
                    .col(timestamp_with_time_zone(Instances::ExpiresAt))
                    .col(boolean(Instances::Active).default(false))
                    .col(integer(Instances::SearchShare).default(0))
                    .col(integer(Instances::LlmShare).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Instances::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_companies_job_status_position")
                    .table(Companies::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Companies::ClaimedBy,
            Companies::ClaimToken,
            Companies::LeaseUntil,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Companies::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            string_null(Jobs::ClaimedBy),
            timestamp_with_time_zone_null(Jobs::HeartbeatAt),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Jobs::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    JobId,
    Status,
    Position,
    ClaimedBy,
    ClaimToken,
    LeaseUntil,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    ClaimedBy,
    HeartbeatAt,
}

#[derive(DeriveIden)]
enum Instances {
    Table,
    Id,
    Host,
    StartedAt,
    ExpiresAt,
    Active,
    SearchShare,
    LlmShare,
}
