//! Integration tests: the real router on port 0, a fresh database per test
//! (SQLite always; PostgreSQL too when TEST_POSTGRES_URL is set).

mod accounts;
mod binary;
mod binary_accounts;
mod budgets;
mod cache;
mod contract;
mod cross_site;
mod engine;
mod faults;
mod health;
mod helpers;
mod import_v1;
mod instances;
mod limits;
mod outages;
mod overrides;
mod pages;
mod processes;
mod reruns;
mod rescores;
mod rest;
mod restart;
mod results;
mod review;
mod schedules;
mod studio;
mod webhooks;
