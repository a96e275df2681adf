//! The cross-job research cache: verified evidence per company and rubric,
//! claims that make concurrent lookups search once, daily hit/miss counts,
//! and what each company and job saved through it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ResearchCache::Table)
                    .if_not_exists()
                    .col(pk_auto(ResearchCache::Id))
                    .col(string_len(ResearchCache::Key, 400))
                    .col(string_len(ResearchCache::TargetType, 64))
                    .col(string(ResearchCache::DisplayName))
                    .col(string_null(ResearchCache::Website))
                    .col(json(ResearchCache::Evidence))
                    .col(integer(ResearchCache::SourceCount).default(0))
                    .col(text(ResearchCache::Verdict))
                    .col(double(ResearchCache::Confidence))
                    .col(timestamp_with_time_zone(ResearchCache::FetchedAt))
                    .col(timestamp_with_time_zone(ResearchCache::ExpiresAt))
                    .col(big_integer(ResearchCache::SizeBytes).default(0))
                    .col(integer(ResearchCache::Hits).default(0))
                    .col(timestamp_with_time_zone_null(ResearchCache::LastHitAt))
                    .col(double(ResearchCache::Credits).default(0.0))
                    .col(double(ResearchCache::SearchSeconds).default(0.0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_research_cache_key")
                    .table(ResearchCache::Table)
                    .col(ResearchCache::Key)
                    .col(ResearchCache::TargetType)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_research_cache_expires_at")
                    .table(ResearchCache::Table)
                    .col(ResearchCache::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ResearchCacheClaims::Table)
                    .if_not_exists()
                    .col(string_len(ResearchCacheClaims::Key, 400))
                    .col(string_len(ResearchCacheClaims::TargetType, 64))
                    .col(string(ResearchCacheClaims::Owner))
                    .col(timestamp_with_time_zone(ResearchCacheClaims::ClaimedUntil))
                    .primary_key(
                        Index::create()
                            .col(ResearchCacheClaims::Key)
                            .col(ResearchCacheClaims::TargetType),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ResearchCacheDaily::Table)
                    .if_not_exists()
                    .col(string_len(ResearchCacheDaily::Day, 10).primary_key())
                    .col(big_integer(ResearchCacheDaily::Hits).default(0))
                    .col(big_integer(ResearchCacheDaily::Misses).default(0))
                    .col(double(ResearchCacheDaily::CreditsSaved).default(0.0))
                    .col(double(ResearchCacheDaily::SecondsSaved).default(0.0))
                    .to_owned(),
            )
            .await?;

        // SQLite takes one column per ALTER TABLE.
        for col in [Savings::CreditsSaved, Savings::SecondsSaved] {
            for table in [Savings::Companies, Savings::Jobs] {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table)
                            .add_column(double(col).default(0.0))
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [Savings::CreditsSaved, Savings::SecondsSaved] {
            for table in [Savings::Companies, Savings::Jobs] {
                manager
                    .alter_table(Table::alter().table(table).drop_column(col).to_owned())
                    .await?;
            }
        }
        manager
            .drop_table(Table::drop().table(ResearchCacheDaily::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ResearchCacheClaims::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ResearchCache::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ResearchCache {
    Table,
    Id,
    Key,
    TargetType,
    DisplayName,
    Website,
    Evidence,
    SourceCount,
    Verdict,
    Confidence,
    FetchedAt,
    ExpiresAt,
    SizeBytes,
    Hits,
    LastHitAt,
    Credits,
    SearchSeconds,
}

#[derive(DeriveIden)]
enum ResearchCacheClaims {
    Table,
    Key,
    TargetType,
    Owner,
    ClaimedUntil,
}

#[derive(DeriveIden)]
enum ResearchCacheDaily {
    Table,
    Day,
    Hits,
    Misses,
    CreditsSaved,
    SecondsSaved,
}

#[derive(DeriveIden, Clone, Copy)]
enum Savings {
    Companies,
    Jobs,
    CreditsSaved,
    SecondsSaved,
}
