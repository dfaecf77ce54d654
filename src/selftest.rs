//! The oracle's self-test: explore each broken model of the fault zoo
//! ([`sharesim_core::fault::Fault`]) until the checker in force catches it, and measure how
//! long that took and how small the shrunk scenario is.
//!
//! A fault that is never caught is a blind spot of the checker (or of the generator, if it never
//! builds the state the bug needs); the self-test fails then, so oracle strength cannot rot
//! silently.

use crate::explore::{self, Budget, CampaignOptions, EPISODE};
use sharesim_core::fault::Fault;
use sharesim_core::{World, WorldSpec};
use std::time::Duration;

/// What exploring one fault found.
#[derive(Debug, Clone)]
pub struct FaultResult {
    /// The fault.
    pub fault: Fault,
    /// Whether the checker caught it within the budget.
    pub caught: bool,
    /// Steps explored until detection (or in all, if not caught).
    pub steps: usize,
    /// Seconds until detection (or in all).
    pub seconds: f64,
    /// The seed that caught it.
    pub seed: Option<u64>,
    /// The invariant that caught it.
    pub invariant: Option<String>,
    /// Calls in the failing sequence before shrinking.
    pub failing_len: usize,
    /// Calls after shrinking.
    pub shrunk_len: Option<usize>,
    /// Seconds spent shrinking.
    pub shrink_seconds: f64,
}

/// The model with `fault` planted.
pub fn model(fault: Fault) -> impl Fn(&WorldSpec) -> World {
    move |spec| World::with_fault(spec, fault)
}

/// Explores the broken model from `first_seed` until the checker catches it or the budget runs
/// out, then shrinks the failing sequence (no file is written).
pub fn run(fault: Fault, first_seed: u64, budget: Budget, shrink_budget: Duration) -> FaultResult {
    let spec = explore::world_spec();
    let checker = crate::checks(&spec.config.quotas);
    let broken = model(fault);
    let opts = CampaignOptions {
        first_seed,
        budget,
        episode: EPISODE,
        swarm: None,
    };
    let c = explore::campaign(&opts, checker.as_ref(), &broken, &mut |_| {});
    let mut result = FaultResult {
        fault,
        caught: c.failure.is_some(),
        steps: c.steps,
        seconds: c.elapsed.as_secs_f64(),
        seed: None,
        invariant: None,
        failing_len: 0,
        shrunk_len: None,
        shrink_seconds: 0.0,
    };
    if let Some(f) = c.failure {
        result.seed = Some(f.seed);
        result.invariant = Some(f.invariant.clone());
        result.failing_len = f.calls.len();
        if let Some(shrunk) = crate::shrink::shrink(
            &spec,
            &f.calls,
            &f.invariant,
            checker.as_ref(),
            &broken,
            shrink_budget,
        ) {
            result.shrunk_len = Some(shrunk.calls.len());
            result.shrink_seconds = shrunk.stats.elapsed.as_secs_f64();
        }
    }
    result
}
