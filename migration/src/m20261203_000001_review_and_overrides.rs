//! Scores a rep can correct: why a company waits for review (with the
//! validator's issues and the companies its name matches), a company key to
//! find the same company in every job, the tier a person set by hand (and
//! who, when, why), the final tier that ranks, and the team's overrides.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn add_columns(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Copy + 'static,
    columns: Vec<ColumnDef>,
) -> Result<(), DbErr> {
    // One column per statement: SQLite alters one thing at a time.
    for mut column in columns {
        manager
            .alter_table(
                Table::alter()
                    .table(table)
                    .add_column(&mut column)
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_columns(
            manager,
            Companies::Table,
            vec![
                string_null(Companies::CompanyKey),
                string_len_null(Companies::Review, 32),
                json_null(Companies::ValidationIssues),
                json_null(Companies::ValidationCandidates),
                string_len_null(Companies::FinalTier, 16),
                string_len_null(Companies::TierOverride, 16),
                text_null(Companies::OverrideNote),
                string_null(Companies::OverrideBy),
                timestamp_with_time_zone_null(Companies::OverrideAt),
            ],
        )
        .await?;
        add_columns(
            manager,
            Jobs::Table,
            vec![
                integer(Jobs::SkippedCompanies).default(0).to_owned(),
                integer(Jobs::ReviewCompanies).default(0).to_owned(),
            ],
        )
        .await?;
        // Until now the model's tier was the only one.
        manager
            .exec_stmt(
                Query::update()
                    .table(Companies::Table)
                    .value(Companies::FinalTier, Expr::col(Companies::PriorityTier))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_companies_company_key", Companies::CompanyKey),
            ("idx_companies_review", Companies::Review),
        ] {
            manager
                .create_index(
                    Index::create()
                        .if_not_exists()
                        .name(name)
                        .table(Companies::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(TierOverrides::Table)
                    .if_not_exists()
                    .col(pk_auto(TierOverrides::Id))
                    .col(string(TierOverrides::CompanyKey))
                    .col(string_len(TierOverrides::TargetType, 64))
                    .col(string_len(TierOverrides::Tier, 16))
                    .col(text(TierOverrides::Note))
                    .col(string(TierOverrides::SetBy))
                    .col(integer_null(TierOverrides::SetByUserId))
                    .col(timestamp_with_time_zone(TierOverrides::SetAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_tier_overrides_company")
                    .table(TierOverrides::Table)
                    .col(TierOverrides::CompanyKey)
                    .col(TierOverrides::TargetType)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TierOverrides::Table).to_owned())
            .await?;
        for name in ["idx_companies_company_key", "idx_companies_review"] {
            manager
                .drop_index(Index::drop().name(name).table(Companies::Table).to_owned())
                .await?;
        }
        for column in [Jobs::SkippedCompanies, Jobs::ReviewCompanies] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Jobs::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Companies::CompanyKey,
            Companies::Review,
            Companies::ValidationIssues,
            Companies::ValidationCandidates,
            Companies::FinalTier,
            Companies::TierOverride,
            Companies::OverrideNote,
            Companies::OverrideBy,
            Companies::OverrideAt,
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
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Companies {
    Table,
    PriorityTier,
    CompanyKey,
    Review,
    ValidationIssues,
    ValidationCandidates,
    FinalTier,
    TierOverride,
    OverrideNote,
    OverrideBy,
    OverrideAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Jobs {
    Table,
    SkippedCompanies,
    ReviewCompanies,
}

#[derive(DeriveIden)]
enum TierOverrides {
    Table,
    Id,
    CompanyKey,
    TargetType,
    Tier,
    Note,
    SetBy,
    SetByUserId,
    SetAt,
}
