//! Jobs and their companies: the durable work state of the research engine.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .if_not_exists()
                    .col(pk_auto(Jobs::Id))
                    .col(string(Jobs::Name))
                    .col(string_len(Jobs::TargetType, 64))
                    .col(string_len(Jobs::SubmittedBy, 100))
                    .col(string_null(Jobs::OriginalFilename))
                    .col(string_len(Jobs::Status, 16))
                    .col(boolean(Jobs::CancelRequested).default(false))
                    .col(boolean(Jobs::RefreshCache).default(false))
                    .col(integer(Jobs::TotalCompanies).default(0))
                    .col(integer(Jobs::CompletedCompanies).default(0))
                    .col(integer(Jobs::FailedCompanies).default(0))
                    .col(integer(Jobs::CancelledCompanies).default(0))
                    .col(integer(Jobs::CacheHits).default(0))
                    .col(integer(Jobs::CacheMisses).default(0))
                    .col(double(Jobs::TavilyCredits).default(0.0))
                    .col(big_integer(Jobs::ValidationPromptTokens).default(0))
                    .col(big_integer(Jobs::ValidationCompletionTokens).default(0))
                    .col(big_integer(Jobs::ScoringPromptTokens).default(0))
                    .col(big_integer(Jobs::ScoringCompletionTokens).default(0))
                    .col(double(Jobs::CostUsd).default(0.0))
                    .col(text_null(Jobs::ErrorMessage))
                    .col(string_null(Jobs::ClaimedBy))
                    .col(timestamp_with_time_zone_null(Jobs::HeartbeatAt))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .col(timestamp_with_time_zone_null(Jobs::StartedAt))
                    .col(timestamp_with_time_zone_null(Jobs::LastActivityAt))
                    .col(timestamp_with_time_zone_null(Jobs::CompletedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_jobs_status", Jobs::Status),
            ("idx_jobs_submitted_by", Jobs::SubmittedBy),
            ("idx_jobs_created_at", Jobs::CreatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .if_not_exists()
                        .name(name)
                        .table(Jobs::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .if_not_exists()
                    .col(pk_auto(Companies::Id))
                    .col(integer(Companies::JobId))
                    .col(integer(Companies::Position))
                    .col(string(Companies::Name))
                    .col(string_null(Companies::Website))
                    .col(string_len(Companies::Status, 16))
                    .col(string_len(Companies::Stage, 16))
                    .col(integer(Companies::SearchAttempts).default(0))
                    .col(boolean(Companies::CacheHit).default(false))
                    .col(timestamp_with_time_zone_null(Companies::EvidenceFetchedAt))
                    .col(boolean_null(Companies::ValidationValid))
                    .col(double_null(Companies::ValidationConfidence))
                    .col(text_null(Companies::ValidationVerdict))
                    .col(text_null(Companies::Description))
                    .col(string_null(Companies::EmployeeCount))
                    .col(string_null(Companies::TotalFunding))
                    .col(double_null(Companies::FundingMillions))
                    .col(string_null(Companies::LastRound))
                    .col(json_null(Companies::Investors))
                    .col(string_null(Companies::Headquarters))
                    .col(integer_null(Companies::FoundedYear))
                    .col(string_null(Companies::Industry))
                    .col(string_null(Companies::BusinessModel))
                    .col(string_len_null(Companies::UseCaseTier, 16))
                    .col(string_null(Companies::UseCaseLabel))
                    .col(text_null(Companies::Reasoning))
                    .col(json_null(Companies::SignalsPositive))
                    .col(json_null(Companies::SignalsNegative))
                    .col(integer_null(Companies::ScoreUseCase))
                    .col(integer_null(Companies::ScoreScaleBudget))
                    .col(integer_null(Companies::ScoreGrowth))
                    .col(integer_null(Companies::ScoreConfidence))
                    .col(integer_null(Companies::ScoreTotal))
                    .col(json_null(Companies::ScoreCitations))
                    .col(string_len_null(Companies::PriorityTier, 16))
                    .col(text_null(Companies::RecommendedAction))
                    .col(json_null(Companies::Sources))
                    .col(double(Companies::TavilyCredits).default(0.0))
                    .col(big_integer(Companies::ValidationPromptTokens).default(0))
                    .col(big_integer(Companies::ValidationCompletionTokens).default(0))
                    .col(big_integer(Companies::ScoringPromptTokens).default(0))
                    .col(big_integer(Companies::ScoringCompletionTokens).default(0))
                    .col(double(Companies::SearchSeconds).default(0.0))
                    .col(double(Companies::LlmSeconds).default(0.0))
                    .col(double(Companies::CostUsd).default(0.0))
                    .col(text_null(Companies::ErrorMessage))
                    .col(timestamp_with_time_zone(Companies::CreatedAt))
                    .col(timestamp_with_time_zone(Companies::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Companies::ResearchedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_companies_job")
                            .from(Companies::Table, Companies::JobId)
                            .to(Jobs::Table, Jobs::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_companies_job",
                vec![Companies::JobId, Companies::Position],
            ),
            (
                "idx_companies_job_status",
                vec![Companies::JobId, Companies::Status],
            ),
            ("idx_companies_priority", vec![Companies::PriorityTier]),
        ] {
            let mut index = Index::create();
            index.if_not_exists().name(name).table(Companies::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Companies::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Name,
    TargetType,
    SubmittedBy,
    OriginalFilename,
    Status,
    CancelRequested,
    RefreshCache,
    TotalCompanies,
    CompletedCompanies,
    FailedCompanies,
    CancelledCompanies,
    CacheHits,
    CacheMisses,
    TavilyCredits,
    ValidationPromptTokens,
    ValidationCompletionTokens,
    ScoringPromptTokens,
    ScoringCompletionTokens,
    CostUsd,
    ErrorMessage,
    ClaimedBy,
    HeartbeatAt,
    CreatedAt,
    StartedAt,
    LastActivityAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum Companies {
    Table,
    Id,
    JobId,
    Position,
    Name,
    Website,
    Status,
    Stage,
    SearchAttempts,
    CacheHit,
    EvidenceFetchedAt,
    ValidationValid,
    ValidationConfidence,
    ValidationVerdict,
    Description,
    EmployeeCount,
    TotalFunding,
    FundingMillions,
    LastRound,
    Investors,
    Headquarters,
    FoundedYear,
    Industry,
    BusinessModel,
    UseCaseTier,
    UseCaseLabel,
    Reasoning,
    SignalsPositive,
    SignalsNegative,
    ScoreUseCase,
    ScoreScaleBudget,
    ScoreGrowth,
    ScoreConfidence,
    ScoreTotal,
    ScoreCitations,
    PriorityTier,
    RecommendedAction,
    Sources,
    TavilyCredits,
    ValidationPromptTokens,
    ValidationCompletionTokens,
    ScoringPromptTokens,
    ScoringCompletionTokens,
    SearchSeconds,
    LlmSeconds,
    CostUsd,
    ErrorMessage,
    CreatedAt,
    UpdatedAt,
    ResearchedAt,
}
