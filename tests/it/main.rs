//! The integration tests: one binary, one module per concern.

// PANIC SAFETY: test code; a failed expectation is reported by panicking.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod ci_templates;
mod cli;
mod conform;
mod explore;
mod faults;
mod fuzz_regressions;
mod indexes;
mod invariants;
mod scenario_cli;
mod scenario_errors;
mod scenarios;
mod tidy;
