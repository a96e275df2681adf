//! Accounts as the pages and the API see them: roles, users, tokens, the
//! audit log, and what the signed-in person may do. Plain Rust for both targets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an account may do. Everyone signed in sees the team's jobs and the
/// cache and starts jobs; admins also act on anyone's jobs, clear or delete
/// cache entries, manage users and read the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Member,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Admin, Role::Member];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "admin" => Some(Role::Admin),
            "member" => Some(Role::Member),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Member => "Member",
        }
    }
}

/// The person using the app, for the navigation and for hiding buttons they
/// may not use. The server checks every action again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: Option<i32>,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// Sign-in is off (`AUTH_MODE=off`, loopback only): no logout, no tokens.
    pub local_mode: bool,
    pub must_change_password: bool,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether this person may cancel, retry or delete a job owned by `owner_id`.
    pub fn may_manage_job(&self, owner_id: Option<i32>) -> bool {
        self.is_admin() || (owner_id.is_some() && owner_id == self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserView {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// The account's own monthly budget (USD); none: the team's default for each account.
    pub monthly_budget_usd: Option<f64>,
}

/// A change an admin makes to a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserChange {
    Role(Role),
    Disabled(bool),
    /// A temporary password the user must change at the next sign-in.
    TemporaryPassword(String),
    /// The account's own monthly budget as typed (blank: the team's default).
    MonthlyBudget(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i32,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub token: TokenView,
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i32,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    pub total: u64,
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 200;

/// Why a password cannot be used, or `None`.
pub fn password_problem(password: &str) -> Option<String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        Some(format!(
            "The password must have at least {MIN_PASSWORD_CHARS} characters."
        ))
    } else if length > MAX_PASSWORD_CHARS {
        Some(format!(
            "The password must have at most {MAX_PASSWORD_CHARS} characters."
        ))
    } else {
        None
    }
}

/// A lowercased, trimmed email address, or what is wrong with it.
pub fn normalise_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(format!(
            "{:?} is not an email address; use a form like ana@example.com.",
            raw.trim()
        ))
    }
}

/// A display name: whitespace collapsed, 1 to 100 characters.
pub fn normalise_person_name(raw: &str) -> Result<String, String> {
    let name = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\0', "");
    match name.chars().count() {
        0 => Err("Type the person's name.".into()),
        1..=100 => Ok(name),
        _ => Err("The name must have at most 100 characters.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_manage_every_job_members_only_their_own() {
        let member = CurrentUser {
            id: Some(2),
            name: "Ana".into(),
            email: "ana@example.com".into(),
            role: Role::Member,
            local_mode: false,
            must_change_password: false,
        };
        assert!(member.may_manage_job(Some(2)));
        assert!(!member.may_manage_job(Some(3)));
        assert!(!member.may_manage_job(None));
        let admin = CurrentUser {
            role: Role::Admin,
            ..member
        };
        assert!(admin.may_manage_job(Some(3)) && admin.may_manage_job(None));
    }

    #[test]
    fn emails_are_normalised_or_refused_with_a_reason() {
        assert_eq!(
            normalise_email("  Ana@Example.COM ").unwrap(),
            "ana@example.com"
        );
        assert!(
            normalise_email("ana")
                .unwrap_err()
                .contains("ana@example.com")
        );
        assert!(normalise_email("ana@localhost").is_err());
        assert!(normalise_email("a b@example.com").is_err());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(password_problem("short").is_some());
        assert!(password_problem("long enough password").is_none());
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse(" Admin "), Some(Role::Admin));
        assert_eq!(Role::parse("owner"), None);
    }
}
