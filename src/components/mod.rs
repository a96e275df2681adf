//! Reusable views.

pub mod app_frame;
pub mod demo_banner;
pub mod hydration_marker;
pub mod page_header;
