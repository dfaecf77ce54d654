//! The seeded explorer: generated call sequences against the reference model, with the invariant
//! checker after every step.
//!
//! A run is defined entirely by its seed: a ChaCha8 generator (portable and stable across `rand`
//! versions, unlike `StdRng`) produces the bytes that `arbitrary` turns into calls. The same seed
//! gives the same calls, the same outcomes and the same report, byte for byte.

use crate::scenario::run::StepChecker;
use crate::step::StepOutcome;
use arbitrary::{Arbitrary, Unstructured};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sharesim_core::{Call, Name, OpKind, Region, World, WorldSpec};
use std::collections::BTreeSet;

/// Accounts of the explorer's world; the generator also names one unknown account (a cold name).
pub const ACCOUNTS: &[&str] = &["a", "b", "c", "d", "e"];

/// Regions of the explorer's world.
pub const REGIONS: &[&str] = &["us-east-1", "us-west-2"];

/// Bytes of entropy drawn per generated call.
pub const BYTES_PER_CALL: usize = 256;

/// The explorer's starting world.
pub fn world_spec() -> WorldSpec {
    WorldSpec {
        accounts: ACCOUNTS.iter().map(|a| Name::from(*a)).collect(),
        regions: REGIONS.iter().map(|r| Region::from(*r)).collect(),
        config: Default::default(),
    }
}

/// A failing run: the seed, the step, the calls up to and including it, and what failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The seed of the run.
    pub seed: u64,
    /// The 1-based step that failed.
    pub step: usize,
    /// The calls applied, the failing one last.
    pub calls: Vec<Call>,
    /// The invariant id.
    pub invariant: String,
    /// The violation, for people.
    pub message: String,
}

/// What one seed explored.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// Calls applied.
    pub steps: usize,
    /// Rule ids that decided some step.
    pub rules_hit: BTreeSet<&'static str>,
    /// Op kinds generated.
    pub kinds: BTreeSet<OpKind>,
    /// The first failure, if any.
    pub failure: Option<Failure>,
}

/// Explores `steps` generated calls from `seed`, checking every step.
pub fn explore(seed: u64, steps: usize, checker: &dyn StepChecker) -> Report {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut world = World::new(&world_spec());
    let mut report = Report {
        seed,
        ..Report::default()
    };
    let mut calls = Vec::new();
    let mut before = world.observe();
    let mut buf = vec![0u8; BYTES_PER_CALL];
    for step in 1..=steps {
        rng.fill_bytes(&mut buf);
        let mut u = Unstructured::new(&buf);
        let Ok(call) = Call::arbitrary(&mut u) else {
            continue;
        };
        let outcome = world.apply(&call);
        report.steps += 1;
        report.kinds.insert(call.op.kind());
        report.rules_hit.extend(outcome.rules.iter().copied());
        let after = world.observe();
        let violations = checker.check_step(&before, &call, &StepOutcome::from(&outcome), &after);
        calls.push(call);
        if let Some((invariant, message)) = violations.into_iter().next() {
            report.failure = Some(Failure {
                seed,
                step,
                calls,
                invariant,
                message,
            });
            return report;
        }
        before = after;
    }
    report
}
