//! Job and company states.

use serde::{Deserialize, Serialize};

use super::{rubric::PriorityTier, table::TierCounts, views::JobView};

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// pending -> running -> completed | failed | cancelled; running ->
    /// paused (an upstream outage) -> pending when it resumes.
    JobStatus {
        Pending => "pending",
        Running => "running",
        Paused => "paused",
        Completed => "completed",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

string_enum!(
    /// pending -> researching -> completed | failed | cancelled; skipped when
    /// a person marked it as not a company.
    CompanyStatus {
        Pending => "pending",
        Researching => "researching",
        Completed => "completed",
        Failed => "failed",
        Cancelled => "cancelled",
        Skipped => "skipped",
    }
);

string_enum!(
    /// Why a company waits for a person: its research was not verified, the
    /// validator says its name matches several companies, or it was verified
    /// only just (within `NEAR_THRESHOLD` of the threshold).
    ReviewReason {
        Unverified => "unverified",
        Ambiguous => "ambiguous",
        NearThreshold => "near_threshold",
    }
);

impl ReviewReason {
    /// For people, in a sentence.
    pub fn explain(self) -> &'static str {
        match self {
            Self::Unverified => "The search results could not be verified as this company.",
            Self::Ambiguous => "The name matches several companies.",
            Self::NearThreshold => "Verified, but only just: check that this is the right company.",
        }
    }

    /// Short, for badges and filters.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unverified => "Unverified",
            Self::Ambiguous => "Ambiguous name",
            Self::NearThreshold => "Low confidence",
        }
    }
}

string_enum!(
    /// Where a company is inside the pipeline.
    Stage {
        Queued => "queued",
        Searching => "searching",
        Validating => "validating",
        Scoring => "scoring",
        Done => "done",
    }
);

impl JobStatus {
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

impl CompanyStatus {
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Failed | Self::Cancelled | Self::Skipped
        )
    }
}

/// A change the engine broadcasts: one per company stage change and per job
/// status change. On the wire each is one JSON object with its `type`; the
/// browser reads the variant's own struct by the event's name, so it needs no
/// buffering deserialiser for the tagged enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProgressEvent {
    Company(CompanyProgress),
    Job(JobProgress),
}

/// A company's stage, status or score changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyProgress {
    pub job_id: i32,
    pub company_id: i32,
    pub status: CompanyStatus,
    pub stage: Stage,
    pub score_total: Option<i32>,
    pub priority_tier: Option<PriorityTier>,
    pub error_message: Option<String>,
}

/// A job's counts or status changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobProgress {
    pub job_id: i32,
    pub status: JobStatus,
    pub total: i32,
    pub completed: i32,
    pub failed: i32,
    pub cancelled: i32,
    /// Marked as not a company.
    #[serde(default)]
    pub skipped: i32,
    /// Waiting for review.
    #[serde(default)]
    pub review: i32,
    pub error_message: Option<String>,
    /// Scored companies per tier, for the job page's counts.
    #[serde(default)]
    pub tiers: TierCounts,
    /// The whole job as it now stands (cost, cache savings, times).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<Box<JobView>>,
}

impl ProgressEvent {
    pub fn job_id(&self) -> i32 {
        match self {
            ProgressEvent::Company(CompanyProgress { job_id, .. })
            | ProgressEvent::Job(JobProgress { job_id, .. }) => *job_id,
        }
    }
}

/// Tavily's price per credit, in USD.
pub const USD_PER_TAVILY_CREDIT: f64 = 0.008;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_names() {
        for status in JobStatus::ALL {
            assert_eq!(JobStatus::parse(status.as_str()), Some(*status));
        }
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.as_str()), Some(*stage));
        }
        assert_eq!(
            CompanyStatus::parse("skipped"),
            Some(CompanyStatus::Skipped)
        );
        assert_eq!(CompanyStatus::parse("ignored"), None);
        for reason in ReviewReason::ALL {
            assert_eq!(ReviewReason::parse(reason.as_str()), Some(*reason));
        }
        assert!(
            CompanyStatus::Cancelled.is_finished() && !CompanyStatus::Researching.is_finished()
        );
    }
}
