//! `sharesim`: the harness around the reference model: scenarios, the explorer, invariants,
//! conformance and the command line.
#![deny(missing_docs)]

pub mod render;
pub mod scenario;
pub mod step;

use scenario::run::{NoChecks, StepChecker};
use sharesim_core::Quotas;

/// The checker every scenario run, exploration and conformance run uses after each step.
pub fn checks(_quotas: &Quotas) -> Box<dyn StepChecker> {
    Box::new(NoChecks)
}
