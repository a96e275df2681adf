//! One module per page.

pub mod cache;
pub mod dashboard;
pub mod job;
pub mod not_found;
pub mod settings;
