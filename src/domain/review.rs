//! The review queue on the wire: companies a person should look at, with
//! their job, and what researching one again would cost.

use serde::{Deserialize, Serialize};

use super::views::{CompanyView, Estimate};

/// A company waiting for review, with the job it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewItem {
    pub job_id: i32,
    pub job_name: String,
    pub job_type: String,
    pub company: CompanyView,
}

/// A page of the review queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewPage {
    pub items: Vec<ReviewItem>,
    pub total: u64,
    /// What researching one company again costs at most (nothing if the
    /// research cache already holds the corrected company).
    pub research_price: Estimate,
}

/// The most characters of a tier override's note.
pub const MAX_NOTE_CHARS: usize = 500;

/// A note as typed: trimmed, required, bounded; `Err` says what to fix.
pub fn override_note(raw: &str) -> Result<String, String> {
    let note = raw.trim();
    if note.is_empty() {
        return Err(
            "Say why in a note: the team sees it beside the tier, and in the export.".into(),
        );
    }
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(format!(
            "The note must be at most {MAX_NOTE_CHARS} characters."
        ));
    }
    Ok(note.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_required_trimmed_and_bounded() {
        assert_eq!(override_note("  met them  ").unwrap(), "met them");
        assert!(override_note("   ").unwrap_err().contains("note"));
        assert!(override_note(&"x".repeat(501)).unwrap_err().contains("500"));
        assert!(override_note(&"é".repeat(500)).is_ok());
    }
}
