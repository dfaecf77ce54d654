//! `sharesim`: the harness around the reference model: scenarios, the explorer, invariants,
//! conformance and the command line.
//!
//! Module map: [`scenario`] (RON format, loader, runner), [`generate`] (call generation and swarm
//! profiles), [`explore`] (seeded exploration),
//! [`render`] (stable text for traces and snapshots), [`step`] (what a harness sees of a call),
//! [`conform`] (other implementations in lockstep with the model), [`cli`] (the `sharesim`
//! subcommands).
#![deny(missing_docs)]

pub mod cli;
pub mod conform;
pub mod explore;
pub mod fuzzing;
pub mod generate;
pub mod invariants;
pub mod regression;
pub mod render;
pub mod scenario;
#[cfg(feature = "faults")]
pub mod selftest;
pub mod shrink;
pub mod step;

/// mimalloc instead of the system allocator for every program built on the harness (the CLI, the
/// benches, the tests, the fuzz targets): building and dropping observations is most of an
/// explorer step, and glibc's malloc and free were about a quarter of its profile; with mimalloc
/// an explorer step costs about 19 % less CPU (docs/PERFORMANCE.md, section 2). A program that
/// embeds the harness and wants its own allocator turns off the `mimalloc` feature.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use scenario::run::StepChecker;
use sharesim_core::Quotas;

/// The checker every scenario run, exploration and conformance run uses after each step.
pub fn checks(quotas: &Quotas) -> Box<dyn StepChecker> {
    Box::new(invariants::Checker::new(quotas))
}
