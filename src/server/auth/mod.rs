//! Who is asking: accounts, passwords (Argon2id), personal API tokens
//! (SHA-256 of a random secret), sessions and the sign-in limits. The request
//! guard ([`crate::server::guard`]) resolves an [`Actor`] once per request;
//! the service layer asks for it and checks what it may do.

pub mod limits;
pub mod store;

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng, rand_core::RngCore},
};
use sha2::{Digest, Sha256};

use crate::domain::account::{CurrentUser, Role};
use crate::server::db::entities::user;
use crate::server_fns::error::AppError;

/// The session key holding the signed-in user's id.
pub const SESSION_USER_KEY: &str = "user_id";
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tp_session";
/// Every token starts with this, so a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "tp_";

/// How the actor proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Session,
    Token,
    /// `AUTH_MODE=off` on a loopback address: the person at this machine.
    Local,
}

/// The signed-in person behind a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub via: Via,
    pub must_change_password: bool,
}

impl Actor {
    pub fn from_user(user: &user::Model, via: Via) -> Self {
        Self {
            user_id: Some(user.id),
            name: user.name.clone(),
            email: user.email.clone(),
            role: Role::parse(&user.role).unwrap_or(Role::Member),
            via,
            must_change_password: user.must_change_password,
        }
    }

    pub fn local() -> Self {
        Self {
            user_id: None,
            name: "Local user".into(),
            email: String::new(),
            role: Role::Admin,
            via: Via::Local,
            must_change_password: false,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The name the audit log and `submitted_by` show.
    pub fn label(&self) -> String {
        if self.email.is_empty() {
            self.name.clone()
        } else {
            format!("{} <{}>", self.name, self.email)
        }
    }

    pub fn view(&self) -> CurrentUser {
        CurrentUser {
            id: self.user_id,
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
            local_mode: self.via == Via::Local,
            must_change_password: self.must_change_password,
        }
    }

    /// Admins only; `what` finishes "Only an admin can ...".
    pub fn require_admin(&self, what: &str) -> Result<(), AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "Only an admin can {what}. Ask an admin of your team."
            )))
        }
    }

    /// The job's owner or an admin; `what` is the action ("cancel", "delete").
    pub fn require_job_manager(
        &self,
        owner_id: Option<i32>,
        owner_name: &str,
        what: &str,
    ) -> Result<(), AppError> {
        if self.view().may_manage_job(owner_id) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "Only {owner_name}, who started this job, or an admin can {what} it."
            )))
        }
    }
}

/// An Argon2id hash (the crate's default parameters) in PHC string form.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::internal("hashing a password", e))
}

/// [`hash_password`] on a blocking thread: hashing is deliberately slow,
/// and the async workers serve other requests meanwhile.
pub async fn hash_password_off_thread(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::internal("hashing a password", e))?
}

/// Whether `password` matches `hash`. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// [`verify_password`] on a blocking thread.
pub async fn verify_password_off_thread(password: &str, hash: &str) -> Result<bool, AppError> {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::internal("checking a password", e))
}

/// A hash to verify against when the account does not exist, so that a
/// wrong email takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("not a password anybody has").unwrap_or_default())
}

/// `bytes` random bytes from the operating system, hex-encoded.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// A new token's secret: `tp_` and 32 random bytes.
pub fn new_token_secret() -> String {
    format!("{TOKEN_PREFIX}{}", random_hex(32))
}

/// What is stored of a token: its SHA-256, hex.
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterx", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_only_as_a_hash() {
        let (a, b) = (new_token_secret(), new_token_secret());
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert!(same_secret(&a, &a.clone()) && !same_secret(&a, &b));
    }

    #[test]
    fn only_owners_and_admins_manage_a_job() {
        let member = Actor {
            user_id: Some(7),
            name: "Bo".into(),
            email: "bo@example.com".into(),
            role: Role::Member,
            via: Via::Session,
            must_change_password: false,
        };
        assert!(member.require_job_manager(Some(7), "Bo", "delete").is_ok());
        let refused = member
            .require_job_manager(Some(8), "Ana", "delete")
            .unwrap_err();
        assert_eq!(
            refused.to_string(),
            "Only Ana, who started this job, or an admin can delete it."
        );
        assert!(member.require_admin("clear the cache").is_err());
        assert!(Actor::local().require_admin("clear the cache").is_ok());
    }
}
