//! The ICP studio: rubrics live in the database as immutable versions (the
//! built-in ones seeded from `rubrics/*.toml`), every job records the version
//! it was scored with, scores are reused for the same evidence, version and
//! model, and a labelled company carries the outcome a back-test checks.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Rubrics::Table)
                    .if_not_exists()
                    .col(string(Rubrics::Id).primary_key())
                    .col(boolean(Rubrics::BuiltIn))
                    .col(string_null(Rubrics::SeededHash))
                    .col(string(Rubrics::CreatedByName))
                    .col(timestamp_with_time_zone(Rubrics::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RubricVersions::Table)
                    .if_not_exists()
                    .col(pk_auto(RubricVersions::Id))
                    .col(string(RubricVersions::RubricId))
                    .col(integer(RubricVersions::Version))
                    .col(text(RubricVersions::Body))
                    .col(string(RubricVersions::ContentHash))
                    .col(string(RubricVersions::CreatedByName))
                    .col(timestamp_with_time_zone(RubricVersions::CreatedAt))
                    .col(text_null(RubricVersions::Note))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_rubric_versions_number")
                    .table(RubricVersions::Table)
                    .col(RubricVersions::RubricId)
                    .col(RubricVersions::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ScoreCache::Table)
                    .if_not_exists()
                    .col(string(ScoreCache::Key).primary_key())
                    .col(integer(ScoreCache::RubricVersionId))
                    .col(text(ScoreCache::Answer))
                    .col(timestamp_with_time_zone(ScoreCache::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for mut column in [
            integer_null(Jobs::RubricVersionId),
            integer_null(Jobs::RubricVersion),
            boolean(Jobs::ScoringOnly).default(false).to_owned(),
            integer(Jobs::ScoreHits).default(0).to_owned(),
            boolean(Jobs::Backtest).default(false).to_owned(),
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
        for mut column in [
            boolean(Companies::ScoreReused).default(false).to_owned(),
            string_null(Companies::Outcome),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Companies::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Companies::ScoreReused, Companies::Outcome] {
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
            Jobs::RubricVersionId,
            Jobs::RubricVersion,
            Jobs::ScoringOnly,
            Jobs::ScoreHits,
            Jobs::Backtest,
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
        for table in [
            ScoreCache::Table.into_iden(),
            RubricVersions::Table.into_iden(),
            Rubrics::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Rubrics {
    Table,
    Id,
    BuiltIn,
    SeededHash,
    CreatedByName,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RubricVersions {
    Table,
    Id,
    RubricId,
    Version,
    Body,
    ContentHash,
    CreatedByName,
    CreatedAt,
    Note,
}

#[derive(DeriveIden)]
enum ScoreCache {
    Table,
    Key,
    RubricVersionId,
    Answer,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Jobs {
    Table,
    RubricVersionId,
    RubricVersion,
    ScoringOnly,
    ScoreHits,
    Backtest,
}

#[derive(DeriveIden, Clone, Copy)]
enum Companies {
    Table,
    ScoreReused,
    Outcome,
}
