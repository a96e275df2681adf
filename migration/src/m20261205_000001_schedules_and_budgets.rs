//! Schedules and budgets set in the app: a list re-run every N days (each
//! run a job stamped with its schedule and the time it was due for, unique,
//! so a due run starts once however many instances see it), the team's
//! monthly budgets set by an admin, and one account's own monthly budget.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Schedules::Table)
                    .if_not_exists()
                    .col(pk_auto(Schedules::Id))
                    .col(integer(Schedules::JobId))
                    .col(integer_null(Schedules::LastJobId))
                    .col(integer(Schedules::EveryDays))
                    .col(timestamp_with_time_zone(Schedules::NextRunAt))
                    .col(double_null(Schedules::BudgetUsd))
                    .col(integer_null(Schedules::CreatedBy))
                    .col(string(Schedules::CreatedByName))
                    .col(timestamp_with_time_zone(Schedules::CreatedAt))
                    .col(timestamp_with_time_zone_null(Schedules::LastRunAt))
                    .col(text_null(Schedules::LastError))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_schedules_next_run_at")
                    .table(Schedules::Table)
                    .col(Schedules::NextRunAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BudgetSettings::Table)
                    .if_not_exists()
                    .col(string(BudgetSettings::Scope).primary_key())
                    .col(double_null(BudgetSettings::BudgetUsd))
                    .col(string(BudgetSettings::SetBy))
                    .col(timestamp_with_time_zone(BudgetSettings::SetAt))
                    .to_owned(),
            )
            .await?;
        for mut column in [
            integer_null(Jobs::ScheduleId),
            timestamp_with_time_zone_null(Jobs::ScheduledFor),
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
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_jobs_schedule_run")
                    .table(Jobs::Table)
                    .col(Jobs::ScheduleId)
                    .col(Jobs::ScheduledFor)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(double_null(Users::MonthlyBudgetUsd))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::MonthlyBudgetUsd)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_jobs_schedule_run")
                    .table(Jobs::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Jobs::ScheduleId, Jobs::ScheduledFor] {
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
            .drop_table(Table::drop().table(BudgetSettings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Schedules::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Schedules {
    Table,
    Id,
    JobId,
    LastJobId,
    EveryDays,
    NextRunAt,
    BudgetUsd,
    CreatedBy,
    CreatedByName,
    CreatedAt,
    LastRunAt,
    LastError,
}

#[derive(DeriveIden)]
enum BudgetSettings {
    Table,
    Scope,
    BudgetUsd,
    SetBy,
    SetAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Jobs {
    Table,
    ScheduleId,
    ScheduledFor,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    MonthlyBudgetUsd,
}
