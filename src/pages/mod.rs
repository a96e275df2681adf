//! One module per page.

pub mod account;
pub mod admin_audit;
pub mod admin_users;
pub mod cache;
pub mod dashboard;
pub mod job;
pub mod login;
pub mod not_found;
pub mod settings;
pub mod setup;
