//! Reusable views.

pub mod app_frame;
pub mod badges;
pub mod browser;
pub mod cache_entry;
pub mod cache_table;
pub mod cache_totals;
pub mod company_details;
pub mod company_table;
pub mod confirm;
pub mod demo_banner;
pub mod format;
pub mod hydration_marker;
pub mod job_header;
pub mod job_list;
pub mod new_job;
pub mod page_header;
