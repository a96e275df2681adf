//! SeaORM entities. Rows are mapped to wire types before they leave the server.

pub mod api_token;
pub mod audit_entry;
pub mod budget_setting;
pub mod cache_claim;
pub mod cache_day;
pub mod cache_entry;
pub mod company;
pub mod instance;
pub mod job;
pub mod rubric;
pub mod rubric_version;
pub mod schedule;
pub mod score_entry;
pub mod session;
pub mod tier_override;
pub mod user;
