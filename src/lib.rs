//! `sharesim`: the harness around the reference model: scenarios, the explorer, invariants,
//! conformance and the command line.
#![deny(missing_docs)]

pub mod step;
