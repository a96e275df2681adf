//! Server-only code: configuration, state, persistence, HTTP routes, telemetry.

pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod engine;
pub mod fake_upstream;
pub mod guard;
pub mod import_v1;
pub mod intake;
pub mod providers;
pub mod rubric_book;
pub mod rubrics;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
