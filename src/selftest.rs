//! The oracle's self-test: explore each broken model of the fault zoo
//! ([`sharesim_core::fault::Fault`]) until the checker in force catches it, and measure how
//! long that took and how small the shrunk scenario is.
//!
//! A detection counts only if the correct model passes the same sequence: a violation that the
//! reference model shows too is a bug of the model (or the checker), not the planted one, and
//! exploration goes on with the next seed. Shrinking keeps that condition, so the shrunk
//! scenario isolates the planted bug. A fault that is never caught is a blind spot of the
//! checker (or of the generator, if it never builds the state the bug needs); the self-test
//! fails then, so oracle strength cannot rot silently.

use crate::explore::{self, Budget, CheckMode, EPISODE, Options, first_violation_from, reference};
use crate::scenario::run::StepChecker;
use sharesim_core::Call;
use sharesim_core::fault::Fault;
use sharesim_core::{World, WorldSpec};
use std::time::{Duration, Instant};

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
    /// Violations skipped because the correct model shows them too.
    pub background: usize,
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

/// Explores the broken model from `first_seed`, one episode per seed, until the checker catches
/// the planted bug or the budget runs out, then shrinks the failing sequence (no file is
/// written).
pub fn run(fault: Fault, first_seed: u64, budget: Budget, shrink_budget: Duration) -> FaultResult {
    let start = Instant::now();
    let spec = explore::world_spec();
    let strict = crate::checks(&spec.config.quotas);
    let checker = explore::Tolerant::new(strict.as_ref());
    let broken = model(fault);
    let mut result = FaultResult {
        fault,
        caught: false,
        steps: 0,
        seconds: 0.0,
        seed: None,
        invariant: None,
        background: 0,
        failing_len: 0,
        shrunk_len: None,
        shrink_seconds: 0.0,
    };
    let mut seed = first_seed;
    let failure = loop {
        let steps = match budget {
            Budget::Steps(limit) if result.steps >= limit => break None,
            Budget::Steps(limit) => EPISODE.min(limit - result.steps),
            Budget::Time(t) if start.elapsed() >= t => break None,
            Budget::Time(_) => EPISODE,
        };
        let report = explore::explore_with(&Options::new(seed, steps), &checker, &broken);
        result.steps += report.steps;
        seed = seed.wrapping_add(1);
        let Some(f) = report.failure else { continue };
        if on_reference(&spec, &f.calls, report.fault_at, &checker) {
            result.background += 1;
            continue;
        }
        break Some(f);
    };
    result.seconds = start.elapsed().as_secs_f64();
    let Some(f) = failure else {
        return result;
    };
    result.caught = true;
    result.seed = Some(f.seed);
    result.invariant = Some(f.invariant.clone());
    result.failing_len = f.calls.len();
    if let Some(shrunk) = crate::shrink::shrink_against(
        &spec,
        &f.calls,
        &f.invariant,
        &checker,
        &broken,
        Some(&reference),
        shrink_budget,
    ) {
        result.shrunk_len = Some(shrunk.calls.len());
        result.shrink_seconds = shrunk.stats.elapsed.as_secs_f64();
    }
    result
}

/// Whether the correct model shows a violation too on the broken world's failing `calls`, whose
/// planted bug first acted after `fault_at` calls ([`explore::Report::fault_at`]).
///
/// Until then the broken world did exactly what the correct one does with the same calls (the
/// planted bug can change nothing without `World::faulty` answering yes, which the world
/// records), so the correct model passes the same checks there and only the calls from that
/// one on need checking; the ones before are applied without a check. A bug that never acted
/// made no difference at all: the violation is the correct model's too. A failure without
/// calls (the explorer's finding that a model is not deterministic) is not the correct
/// model's.
///
/// The correct model is checked in incremental mode: it changes nothing on a rejected or
/// read-only call, so this finds what a full check finds, and anything it finds is
/// confirmed in full.
fn on_reference(
    spec: &WorldSpec,
    calls: &[Call],
    fault_at: Option<usize>,
    checker: &dyn StepChecker,
) -> bool {
    if calls.is_empty() {
        return false;
    }
    let Some(from) = fault_at.filter(|&k| k < calls.len()) else {
        return true;
    };
    first_violation_from(
        spec,
        calls,
        from,
        checker,
        &reference,
        CheckMode::Incremental,
    )
    .is_some()
}
