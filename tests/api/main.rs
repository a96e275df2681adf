//! Integration tests: the real router on port 0, a fresh database per test
//! (SQLite always; PostgreSQL too when TEST_POSTGRES_URL is set).

mod binary;
mod cache;
mod contract;
mod engine;
mod health;
mod helpers;
mod pages;
mod rest;
mod restart;
