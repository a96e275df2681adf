//! One module per page.

pub mod cache;
pub mod dashboard;
pub mod not_found;
pub mod settings;
