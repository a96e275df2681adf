//! Domain rules, plain Rust for both targets: rubrics and scores, company
//! names and search queries, the evidence budget, job and company states.

pub mod account;
pub mod backtest;
pub mod backtest_report;
pub mod budget;
pub mod cache;
pub mod changes;
pub mod company_name;
// CSV reading and writing happen on the server only (and keep `csv` out of the wasm).
#[cfg(feature = "ssr")]
pub mod csv_export;
#[cfg(feature = "ssr")]
pub mod csv_input;
#[cfg(feature = "ssr")]
pub mod csv_outcome;
pub mod evidence;
pub mod job;
#[cfg(feature = "ssr")]
pub mod kept;
pub mod llm_output;
pub mod prompt;
pub mod query;
pub mod review;
pub mod rubric;
pub mod rubric_rules;
pub mod schedule;
pub mod score;
pub mod studio;
pub mod table;
pub mod verdict;
pub mod views;
