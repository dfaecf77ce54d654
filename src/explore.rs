//! The seeded explorer: generated call sequences against the reference model, with the checker
//! after every step.
//!
//! A run is defined entirely by its seed: a ChaCha8 generator (portable and stable across `rand`
//! versions, unlike `StdRng`) fills a buffer per call, and [`crate::generate::Gen`] turns it into the
//! call through `arbitrary::Unstructured`, the same way libFuzzer's bytes are turned into calls
//! by the `ops` target. The swarm profile is derived from the seed too (or pinned). The same
//! seed gives the same calls, the same outcomes and the same report, byte for byte; the
//! determinism audit ([`audit`]) checks exactly that, step by step.

use crate::generate::{Gen, Swarm};
use crate::scenario::run::StepChecker;
use crate::step::StepOutcome;
use arbitrary::Unstructured;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sharesim_core::{Call, OpKind, World, WorldSpec};
use std::collections::BTreeSet;

pub use crate::generate::{ACCOUNTS, REGIONS, world_spec};

/// Bytes of entropy drawn per generated call; the generator needs far fewer for most calls.
pub const BYTES_PER_CALL: usize = 128;

/// Builds the world a run starts from: the reference model, or a broken one of the fault zoo.
pub type Model<'a> = &'a dyn Fn(&WorldSpec) -> World;

/// The correct reference model.
pub fn reference(spec: &WorldSpec) -> World {
    World::new(spec)
}

/// A failing run: where, which calls, and what failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The seed of the run.
    pub seed: u64,
    /// The swarm profile of the run.
    pub swarm: Swarm,
    /// The 1-based step that failed.
    pub step: usize,
    /// The calls applied, the failing one last.
    pub calls: Vec<Call>,
    /// The invariant id.
    pub invariant: String,
    /// The violation, for people.
    pub message: String,
    /// The outcome of the failing call.
    pub outcome: StepOutcome,
}

impl Failure {
    /// The failing call's kind.
    pub fn kind(&self) -> Option<OpKind> {
        self.calls.last().map(|c| c.op.kind())
    }

    /// The deduplication signature: invariant, op kind and outcome
    /// (`INV-03 DeletePortfolio ok`).
    pub fn signature(&self) -> String {
        signature(&self.invariant, self.kind(), &self.outcome)
    }
}

/// Violations the explorer finds in the current model, by the start of their signature
/// (invariant and kind of the failing call; the outcome may follow): open bugs of the model or disagreements with the checker, each with
/// a shrunk scenario in the report of the harness that found it (`sharesim fuzz --seed N
/// --steps M --no-write` prints it). `cargo test`'s fixed seeds and the `ops` fuzz target
/// report these without failing, so that they look for new ones; delete an entry once its bug
/// is fixed, so that it cannot come back.
pub const KNOWN_VIOLATIONS: &[&str] = &[];

/// Whether a signature is one of [`KNOWN_VIOLATIONS`].
pub fn is_known(signature: &str) -> bool {
    KNOWN_VIOLATIONS
        .iter()
        .any(|k| signature == *k || signature.starts_with(&format!("{k} ")))
}

/// A checker that drops the violations of [`KNOWN_VIOLATIONS`], so that exploration goes on
/// past an open bug instead of stopping at it every time. A known violation of a state
/// invariant persists after the step that caused it, so the exact (invariant, message) of each
/// one tolerated is remembered and tolerated on later steps too.
pub struct Tolerant<'a> {
    inner: &'a dyn StepChecker,
    seen: std::cell::RefCell<BTreeSet<(String, String)>>,
}

impl<'a> Tolerant<'a> {
    /// Wraps a checker.
    pub fn new(inner: &'a dyn StepChecker) -> Tolerant<'a> {
        Tolerant {
            inner,
            seen: std::cell::RefCell::new(BTreeSet::new()),
        }
    }
}

impl std::fmt::Debug for Tolerant<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tolerant")
    }
}

impl StepChecker for Tolerant<'_> {
    fn check_state(&self, obs: &sharesim_core::Observation) -> Vec<String> {
        self.inner.check_state(obs)
    }

    fn check_step(
        &self,
        before: &sharesim_core::Observation,
        call: &Call,
        outcome: &StepOutcome,
        after: &sharesim_core::Observation,
    ) -> Vec<(String, String)> {
        let mut found = self.inner.check_step(before, call, outcome, after);
        let mut seen = self.seen.borrow_mut();
        found.retain(|v| {
            if seen.contains(v) {
                return false;
            }
            if is_known(&signature(&v.0, Some(call.op.kind()), outcome)) {
                seen.insert(v.clone());
                return false;
            }
            true
        });
        found
    }
}

/// The signature of a violation: invariant id, kind of the failing call, and its outcome.
pub fn signature(invariant: &str, kind: Option<OpKind>, outcome: &StepOutcome) -> String {
    let kind = kind.map_or("none", |k| k.name());
    let outcome = outcome.exception().unwrap_or("ok");
    format!("{invariant} {kind} {outcome}")
}

/// What one seed explored.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// The swarm profile.
    pub swarm: Swarm,
    /// Calls applied.
    pub steps: usize,
    /// Rule ids that decided some step.
    pub rules_hit: BTreeSet<&'static str>,
    /// Op kinds generated.
    pub kinds: BTreeSet<OpKind>,
    /// The first failure, if any.
    pub failure: Option<Failure>,
    /// Per-step hashes of outcome and observation (only when asked for, see [`Options`]).
    pub hashes: Vec<u64>,
}

/// How to explore one seed.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The seed.
    pub seed: u64,
    /// Calls to generate.
    pub steps: usize,
    /// A pinned swarm profile; derived from the seed when absent.
    pub swarm: Option<Swarm>,
    /// Record a hash of each step's outcome and observation (the determinism audit).
    pub hashes: bool,
}

impl Options {
    /// `steps` calls from `seed` with the seed's own swarm profile.
    pub fn new(seed: u64, steps: usize) -> Options {
        Options {
            seed,
            steps,
            swarm: None,
            hashes: false,
        }
    }
}

/// Explores `steps` generated calls from `seed` against the reference model, checking every
/// step.
pub fn explore(seed: u64, steps: usize, checker: &dyn StepChecker) -> Report {
    explore_with(&Options::new(seed, steps), checker, &reference)
}

/// Explores one seed against a model.
pub fn explore_with(opts: &Options, checker: &dyn StepChecker, model: Model) -> Report {
    let swarm = opts.swarm.unwrap_or_else(|| Swarm::from_seed(opts.seed));
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let spec = world_spec();
    let mut generator = Gen::for_world(&spec, swarm);
    let mut world = model(&spec);
    let mut report = Report {
        seed: opts.seed,
        swarm,
        ..Report::default()
    };
    let mut calls = Vec::new();
    let mut before = world.observe();
    let mut buf = [0u8; BYTES_PER_CALL];
    for step in 1..=opts.steps {
        rng.fill_bytes(&mut buf);
        let Ok(call) = generator.next_call(&mut Unstructured::new(&buf)) else {
            continue;
        };
        report.steps += 1;
        report.kinds.insert(call.op.kind());
        let (outcome, violations, after) = match guarded_apply(&mut world, &call) {
            Ok(outcome) => {
                report.rules_hit.extend(outcome.rules.iter().copied());
                let after = world.observe();
                let outcome = StepOutcome::from(&outcome);
                let violations = checker.check_step(&before, &call, &outcome, &after);
                (outcome, violations, after)
            }
            Err(panic) => (panic_outcome(), vec![panic], before.clone()),
        };
        if opts.hashes {
            report.hashes.push(step_hash(&outcome, &after));
        }
        calls.push(call);
        if let Some((invariant, message)) = violations.into_iter().next() {
            report.failure = Some(Failure {
                seed: opts.seed,
                swarm,
                step,
                calls,
                invariant,
                message,
                outcome,
            });
            return report;
        }
        before = after;
    }
    report
}

/// The first violation of replaying `calls` on a fresh world: (1-based step, invariant,
/// message, outcome). The shrinker's test and the replay of libFuzzer inputs.
pub fn first_violation(
    spec: &WorldSpec,
    calls: &[Call],
    checker: &dyn StepChecker,
    model: Model,
) -> Option<(usize, String, String, StepOutcome)> {
    let mut world = model(spec);
    let mut before = world.observe();
    for (i, call) in calls.iter().enumerate() {
        let outcome = match guarded_apply(&mut world, call) {
            Ok(outcome) => StepOutcome::from(&outcome),
            Err((invariant, message)) => return Some((i + 1, invariant, message, panic_outcome())),
        };
        let after = world.observe();
        if let Some((invariant, message)) = checker
            .check_step(&before, call, &outcome, &after)
            .into_iter()
            .next()
        {
            return Some((i + 1, invariant, message, outcome));
        }
        before = after;
    }
    None
}

/// The invariant id of a model that panics: `World::apply` promises never to.
pub const PANIC: &str = "PANIC";

/// Applies a call, turning a panic of the model into a violation of [`PANIC`] with the panic's
/// message, so that a panic is found, shrunk and written like any other failure.
fn guarded_apply(
    world: &mut World,
    call: &Call,
) -> Result<sharesim_core::Outcome, (String, String)> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| world.apply(call))).map_err(|e| {
        let message = e
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_owned());
        (
            PANIC.to_owned(),
            format!(
                "World::apply panicked on {}: {message}",
                call.op.kind().name()
            ),
        )
    })
}

fn panic_outcome() -> StepOutcome {
    StepOutcome::Err {
        exception: PANIC.to_owned(),
    }
}

/// A stable 64-bit hash (FNV-1a) of a step's outcome and the observation after it, over their
/// JSON rendering: equal hashes for equal steps on any machine and in any process.
pub fn step_hash(outcome: &StepOutcome, after: &sharesim_core::Observation) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(
        serde_json::to_string(outcome)
            .unwrap_or_default()
            .as_bytes(),
    );
    feed(serde_json::to_string(after).unwrap_or_default().as_bytes());
    h
}

/// The result of a determinism audit of one seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// The seed.
    pub seed: u64,
    /// Steps compared.
    pub steps: usize,
    /// The first step (1-based) whose outcome or observation differed between the two runs.
    pub first_divergence: Option<usize>,
}

/// Runs a seed twice and compares per-step hashes of outcome and observation; names the first
/// step that differs. Nondeterminism (hash-map iteration, wall clock, unseeded randomness)
/// shows up as a divergence; a different step count counts as a divergence at the first step
/// one run has and the other has not.
pub fn audit(seed: u64, steps: usize, checker: &dyn StepChecker, model: Model) -> Audit {
    let opts = Options {
        hashes: true,
        ..Options::new(seed, steps)
    };
    let first = explore_with(&opts, checker, model);
    let second = explore_with(&opts, checker, model);
    let common = first.hashes.len().min(second.hashes.len());
    let first_divergence = first
        .hashes
        .iter()
        .zip(&second.hashes)
        .position(|(a, b)| a != b)
        .map(|i| i + 1)
        .or_else(|| (first.hashes.len() != second.hashes.len()).then_some(common + 1));
    Audit {
        seed,
        steps: common,
        first_divergence,
    }
}

/// How long a campaign runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// A number of calls, over all seeds (reproducible).
    Steps(usize),
    /// Wall time (checked between seeds).
    Time(std::time::Duration),
}

/// Default calls per seed of a campaign: long enough to build deep sharing graphs, short
/// enough that the observation after every step stays cheap.
pub const EPISODE: usize = 1000;

/// A campaign: seeds in order from the first, each explored for an episode, until the budget
/// is spent or a seed fails.
#[derive(Debug, Clone, Default)]
pub struct Campaign {
    /// The first seed.
    pub first_seed: u64,
    /// Seeds explored (the failing one included).
    pub seeds: usize,
    /// Calls applied over all seeds.
    pub steps: usize,
    /// Rule ids that decided some step.
    pub rules_hit: BTreeSet<&'static str>,
    /// Op kinds generated.
    pub kinds: BTreeSet<OpKind>,
    /// The first failure.
    pub failure: Option<Failure>,
    /// Wall time spent.
    pub elapsed: std::time::Duration,
}

/// How to run a campaign.
#[derive(Debug, Clone, Copy)]
pub struct CampaignOptions {
    /// The first seed.
    pub first_seed: u64,
    /// The budget.
    pub budget: Budget,
    /// Calls per seed.
    pub episode: usize,
    /// A pinned swarm profile; each seed's own when absent.
    pub swarm: Option<Swarm>,
}

/// Runs a campaign; `tick` sees the running totals after every seed (for progress output).
pub fn campaign(
    opts: &CampaignOptions,
    checker: &dyn StepChecker,
    model: Model,
    tick: &mut dyn FnMut(&Campaign),
) -> Campaign {
    let start = std::time::Instant::now();
    let mut c = Campaign {
        first_seed: opts.first_seed,
        ..Campaign::default()
    };
    let mut seed = opts.first_seed;
    loop {
        let steps = match opts.budget {
            Budget::Steps(limit) if c.steps >= limit => break,
            Budget::Steps(limit) => opts.episode.min(limit - c.steps),
            Budget::Time(t) if start.elapsed() >= t => break,
            Budget::Time(_) => opts.episode,
        };
        let run = Options {
            swarm: opts.swarm,
            ..Options::new(seed, steps.max(1))
        };
        let report = explore_with(&run, checker, model);
        c.seeds += 1;
        c.steps += report.steps;
        c.rules_hit.extend(report.rules_hit.iter().copied());
        c.kinds.extend(report.kinds.iter().copied());
        c.elapsed = start.elapsed();
        if report.failure.is_some() {
            c.failure = report.failure;
            tick(&c);
            break;
        }
        tick(&c);
        seed = seed.wrapping_add(1);
    }
    c.elapsed = start.elapsed();
    c
}
