//! The seeded explorer: generated call sequences against the reference model, with the checker
//! after every step.
//!
//! A run is defined entirely by its seed: a ChaCha8 generator (portable and stable across `rand`
//! versions, unlike `StdRng`) fills a buffer per call, and [`crate::generate::Gen`] turns it into the
//! call through `arbitrary::Unstructured`, the same way libFuzzer's bytes are turned into calls
//! by the `ops` target. The swarm profiles are derived from the seed too: a new one every
//! [`PHASE`](crate::generate::swarm::PHASE) calls over a world that keeps its state, so that a
//! bug needing several groups of operations can get them in turn (or one profile is pinned for
//! the whole run). The same
//! seed gives the same calls, the same outcomes and the same report, byte for byte; the
//! determinism audit ([`audit`]) checks exactly that, step by step.

use crate::generate::{Gen, Swarm};
use crate::scenario::run::{Memo, StepChecker};
use crate::step::StepOutcome;
use arbitrary::Unstructured;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sharesim_core::{Call, Observation, OpKind, World, WorldSpec};
use std::collections::BTreeSet;
use std::sync::Arc;

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
    /// The swarm profile in force at the failing step.
    pub swarm: Swarm,
    /// Whether the profile was pinned for the whole run; otherwise it is the one of the seed's
    /// schedule at the failing step ([`Swarm::of_seed_at`]).
    pub pinned: bool,
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

    /// The profile for people: a pinned one as it parses back (`sc-only`), one of a seed's
    /// schedule with its phase (`0a410, phase 3`).
    pub fn profile(&self) -> String {
        if self.pinned {
            self.swarm.to_string()
        } else {
            format!("{}, phase {}", self.swarm, Swarm::phase_of(self.step))
        }
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
        self.tolerate(
            self.inner.check_step(before, call, outcome, after),
            call,
            outcome,
        )
    }

    fn check_step_from_clean(
        &self,
        before: &sharesim_core::Observation,
        call: &Call,
        outcome: &StepOutcome,
        after: &sharesim_core::Observation,
    ) -> Vec<(String, String)> {
        // A known violation skipped here because its inputs did not change was tolerated when
        // they did, with the same message, so it would be dropped anyway.
        self.tolerate(
            self.inner
                .check_step_from_clean(before, call, outcome, after),
            call,
            outcome,
        )
    }

    fn check_step_memo(
        &self,
        memo: &mut Memo,
        before: &Arc<Observation>,
        call: &Call,
        outcome: &StepOutcome,
        after: &Arc<Observation>,
        clean: bool,
    ) -> Vec<(String, String)> {
        // As for `check_step_from_clean`: what a clean check skips was tolerated when found.
        self.tolerate(
            self.inner
                .check_step_memo(memo, before, call, outcome, after, clean),
            call,
            outcome,
        )
    }

    fn check_unchanged(
        &self,
        obs: &sharesim_core::Observation,
        call: &Call,
        outcome: &StepOutcome,
    ) -> Vec<(String, String)> {
        self.tolerate(
            self.inner.check_unchanged(obs, call, outcome),
            call,
            outcome,
        )
    }
}

impl Tolerant<'_> {
    /// Drops the known violations of one step's findings.
    fn tolerate(
        &self,
        mut found: Vec<(String, String)>,
        call: &Call,
        outcome: &StepOutcome,
    ) -> Vec<(String, String)> {
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
    /// The swarm profile of the first step (a pinned profile, or phase 0 of the seed's).
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
    /// How many calls had been applied before the step at which the world's planted bug first
    /// acted (`World::fault_fired`), if it did; always `None` for the correct model. Before
    /// it, the broken world did exactly what the correct one would have done with the same
    /// calls, so the self-test need check the correct model only from there.
    pub fault_at: Option<usize>,
}

/// How to explore one seed.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The seed.
    pub seed: u64,
    /// Calls to generate.
    pub steps: usize,
    /// A profile pinned for the whole run; when absent, the seed's own schedule, a new
    /// profile every [`PHASE`](crate::generate::swarm::PHASE) calls.
    pub swarm: Option<Swarm>,
    /// Record a hash of each step's outcome and observation (the determinism audit).
    pub hashes: bool,
    /// How each step is observed and checked.
    pub check: CheckMode,
}

impl Options {
    /// `steps` calls from `seed` with the seed's own swarm profile, checked incrementally.
    pub fn new(seed: u64, steps: usize) -> Options {
        Options {
            seed,
            steps,
            swarm: None,
            hashes: false,
            check: CheckMode::default(),
        }
    }
}

/// How the explorer observes and checks each step (`--check-mode`).
///
/// Both modes report the same failures on the same seeds (tests/it/explore.rs runs both on many
/// seeds, on the reference model and on every fault of the zoo); incremental is the default
/// because it explores several times more steps per second (docs/PERFORMANCE.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckMode {
    /// Observe the world after every call and check every step with
    /// `StepChecker::check_step`: no assumption about the model at all.
    Full,
    /// Rebuild the observation only after calls that can change the world. Every call is
    /// atomic, so a rejected call changes nothing, and a read-only call changes nothing (§0.4,
    /// such a step is checked with `StepChecker::check_unchanged` against the last
    /// observation, which is not rebuilt. That assumption is what NO-SIDE-EFFECT checks, so it
    /// is not trusted blindly:
    ///
    /// - every [`VERIFY_EVERY`]th rejected or read-only call is observed and checked in full
    ///   as in [`CheckMode::Full`] (one that left the observation unchanged with
    ///   `check_unchanged` after all, which on an unchanged observation is the full check);
    /// - the first rejected or read-only call of each kind in a seed (unless it is such a
    ///   `VERIFY_EVERY`th one) is observed in the parts a call of its kind can change, for the
    ///   accounts it could reach (`World::observe_after`), and checked against that: where an
    ///   implementation that is not atomic would have written before failing;
    /// - at the end of a seed the observation is rebuilt in full and compared with the one
    ///   assumed or rebuilt in part (below);
    /// - a seed that fails, or whose observation differs at the end, is replayed in full mode,
    ///   and the full mode's report is the seed's report (so a failure is reported at the same
    ///   step, with the same invariant, as in full mode). A failure is replayed from the last
    ///   checkpoint (a copy of the world where a sampled call's full observation matched the
    ///   assumed one) when full mode fails there at the same call, and from the start
    ///   otherwise.
    ///
    /// What this can miss that full mode catches: a rejected or read-only call that is not
    /// observed in full and changes the world (outside its own parts, if it is the first of its
    /// kind) in a way that the check of a later changing call, which rebuilds that part,
    /// accepts as that call's own effect, or that a later call undoes before the next full
    /// observation. A change still there at the end of the seed is found then, and the full
    /// replay blames it on the call that made it. The conformance runner, which drives
    /// implementations that are not ours, always observes every step.
    ///
    /// After a call that may change the world, only the parts of the observation its kind can
    /// change are rebuilt (`World::observe_after`), and from a clean observation only the state
    /// invariants whose inputs changed are checked (`StepChecker::check_step_from_clean`);
    /// tests/it/explore.rs shows both equal their full counterparts on generated sequences.
    #[default]
    Incremental,
}

/// In [`CheckMode::Incremental`], every this many rejected or read-only calls one is observed
/// and checked in full.
pub const VERIFY_EVERY: usize = 16;

/// How a rejected or read-only call is re-observed in [`CheckMode::Incremental`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sample {
    /// Not at all: its observation is assumed unchanged.
    No,
    /// In the parts its kind can change (`World::observe_after`).
    InPart,
    /// In full (`World::observe`).
    InFull,
}

/// The world being explored and its last observation, stepped in either [`CheckMode`].
struct Stepper<'c> {
    world: World,
    /// The observation of `world`: rebuilt after the last step that could change it, and
    /// assumed unchanged since by rejected and read-only calls in incremental mode. Shared
    /// with `memo`, which tells the checker it is the observation it indexed last.
    obs: Arc<Observation>,
    /// What the checker kept from the last checked step (its index of `obs`).
    memo: Memo,
    /// The hash of `obs` for the determinism audit, once computed.
    obs_hash: Option<u64>,
    mode: CheckMode,
    checker: &'c dyn StepChecker,
    /// Rejected or read-only calls whose observation was assumed since `obs` was rebuilt.
    assumed: usize,
    /// Calls after which `obs` was rebuilt only in the parts the call can change
    /// (`World::observe_after`) since it was last built in full.
    partial: usize,
    /// Rejected or read-only calls so far.
    quiet: usize,
    /// Kinds of the rejected or read-only calls seen so far (the first of each is re-observed
    /// in part).
    sampled: BTreeSet<OpKind>,
    /// Whether the state invariants hold in `obs` (incremental mode only): checked on the
    /// start, and kept while no step finds a violation. From a clean observation a step is checked with
    /// `StepChecker::check_step_from_clean`, which skips the state invariants whose inputs it
    /// left unchanged.
    clean: bool,
    /// Whether the last step rebuilt the observation in full and found it equal to the one
    /// assumed or rebuilt in part: a point from which a full-mode replay may start.
    verified: bool,
    /// Calls applied so far (counting from the checkpoint's start when resumed).
    applied: usize,
    /// Calls applied before the step at which the world's planted bug first acted.
    fault_at: Option<usize>,
}

/// A world and its observation at a point of an incremental run where the observation was
/// rebuilt in full and found equal to the one the run had assumed, with no violation so far: a
/// full-mode replay of the run's later calls from here reports what a replay from the start
/// reports (every earlier step passed its check against that same observation).
struct Checkpoint {
    world: World,
    obs: Arc<Observation>,
    /// Calls of the run applied before this point.
    calls: usize,
    /// The run's [`Report::fault_at`] so far.
    fault_at: Option<usize>,
}

/// The fewest calls between two checkpoints of an incremental run: cloning the world costs
/// about as much as a few checked steps, and a confirmation replays at most this many calls
/// plus the distance to the next verified step.
const CHECKPOINT_EVERY: usize = 32;

/// One step as the explorer sees it.
struct Stepped {
    outcome: StepOutcome,
    rules: Vec<&'static str>,
    violations: Vec<(String, String)>,
}

impl<'c> Stepper<'c> {
    fn new(world: World, mode: CheckMode, checker: &'c dyn StepChecker) -> Stepper<'c> {
        let obs = world.observe();
        let clean = mode == CheckMode::Incremental && checker.check_state(&obs).is_empty();
        Stepper {
            obs: Arc::new(obs),
            memo: Memo::default(),
            clean,
            world,
            obs_hash: None,
            mode,
            checker,
            assumed: 0,
            partial: 0,
            quiet: 0,
            sampled: BTreeSet::new(),
            verified: false,
            applied: 0,
            fault_at: None,
        }
    }

    /// A full-mode stepper that starts from a checkpoint, without observing again.
    fn resume(checkpoint: Checkpoint, checker: &'c dyn StepChecker) -> Stepper<'c> {
        Stepper {
            applied: checkpoint.calls,
            fault_at: checkpoint.fault_at,
            world: checkpoint.world,
            obs: checkpoint.obs,
            memo: Memo::default(),
            clean: false,
            obs_hash: None,
            mode: CheckMode::Full,
            checker,
            assumed: 0,
            partial: 0,
            quiet: 0,
            sampled: BTreeSet::new(),
            verified: false,
        }
    }

    /// Applies and checks one call.
    fn step(&mut self, call: &Call) -> Stepped {
        let stepped = self.apply_and_check(call);
        // Asked after the step's observation too: some planted bugs act only there.
        if self.fault_at.is_none() && self.world.fault_fired() {
            self.fault_at = Some(self.applied);
        }
        self.applied += 1;
        stepped
    }

    fn apply_and_check(&mut self, call: &Call) -> Stepped {
        let outcome = match guarded_apply(&mut self.world, call) {
            Ok(outcome) => outcome,
            Err(panic) => {
                return Stepped {
                    outcome: panic_outcome(),
                    rules: Vec::new(),
                    violations: vec![panic],
                };
            }
        };
        let quiet = outcome.result.is_err() || call.op.kind().is_read_only();
        let rules = outcome.rules.clone();
        let outcome = StepOutcome::from(&outcome);
        let mode = self.mode;
        self.verified = false;
        let violations = match mode {
            CheckMode::Full => {
                let after = self.world.observe();
                self.check(call, &outcome, after)
            }
            CheckMode::Incremental if quiet => match self.sample(call) {
                Sample::No => {
                    self.assumed += 1;
                    self.checker.check_unchanged(&self.obs, call, &outcome)
                }
                Sample::InPart => {
                    // The first quiet call of its kind is re-observed in the parts a call of
                    // its kind can change, for the accounts it could reach
                    // (`World::observe_after`): where a call that is not atomic would have
                    // written before it failed. What it might have changed elsewhere is
                    // assumed, as for an unsampled call, until the next full observation.
                    let after = self.world.observe_after(&self.obs, call);
                    if after == *self.obs {
                        self.assumed += 1;
                        self.checker.check_unchanged(&self.obs, call, &outcome)
                    } else {
                        self.partial += 1;
                        self.check(call, &outcome, after)
                    }
                }
                Sample::InFull => {
                    // Every `VERIFY_EVERY`th quiet call is observed in full: it catches a call
                    // that changed what it should not have anywhere, and proves the
                    // observation carried forward since the last full one. If it changed
                    // nothing, the full check of the step is the unchanged check
                    // (tests/it/explore.rs and invariants.rs show the two agree on every quiet
                    // step), without indexing the observation twice.
                    let after = self.world.observe();
                    self.assumed = 0;
                    self.partial = 0;
                    if after == *self.obs {
                        self.verified = true;
                        self.checker.check_unchanged(&self.obs, call, &outcome)
                    } else {
                        self.check(call, &outcome, after)
                    }
                }
            },
            CheckMode::Incremental => {
                // A call that may have changed the world is re-observed only in the parts it
                // can change (`World::observe_after`, verified at the end of the seed).
                let after = self.world.observe_after(&self.obs, call);
                self.partial += 1;
                self.check(call, &outcome, after)
            }
        };
        Stepped {
            outcome,
            rules,
            violations,
        }
    }

    /// Checks the step from `obs` to `after`, which becomes `obs`.
    fn check(
        &mut self,
        call: &Call,
        outcome: &StepOutcome,
        after: Observation,
    ) -> Vec<(String, String)> {
        let after = Arc::new(after);
        let violations = self.checker.check_step_memo(
            &mut self.memo,
            &self.obs,
            call,
            outcome,
            &after,
            self.clean,
        );
        self.clean &= violations.is_empty();
        self.obs = after;
        self.obs_hash = None;
        self.assumed = 0;
        violations
    }

    /// How this rejected or read-only call is re-observed in incremental mode: every
    /// [`VERIFY_EVERY`]th in full, else the first of its kind in the seed in part.
    fn sample(&mut self, call: &Call) -> Sample {
        self.quiet += 1;
        let first = self.sampled.insert(call.op.kind());
        if self.quiet.is_multiple_of(VERIFY_EVERY) {
            Sample::InFull
        } else if first {
            Sample::InPart
        } else {
            Sample::No
        }
    }

    /// Rebuilds the observation in full if any was assumed or rebuilt in part, and says whether
    /// it was what was assumed.
    fn verify(&mut self) -> bool {
        if self.assumed == 0 && self.partial == 0 {
            return true;
        }
        let fresh = self.world.observe();
        let same = fresh == *self.obs;
        if !same {
            self.obs_hash = None;
        }
        self.obs = Arc::new(fresh);
        self.assumed = 0;
        self.partial = 0;
        same
    }

    /// The audit hash of a step's outcome and the current observation.
    fn hash(&mut self, outcome: &StepOutcome) -> u64 {
        let obs = *self
            .obs_hash
            .get_or_insert_with(|| observation_hash(&self.obs));
        combine(outcome_hash(outcome), obs)
    }
}

/// Explores `steps` generated calls from `seed` against the reference model, checking every
/// step.
pub fn explore(seed: u64, steps: usize, checker: &dyn StepChecker) -> Report {
    explore_with(&Options::new(seed, steps), checker, &reference)
}

/// Explores one seed against a model.
pub fn explore_with(opts: &Options, checker: &dyn StepChecker, model: Model) -> Report {
    let spec = world_spec();
    explore_seed(opts, checker, &spec, &|| model(&spec))
}

/// Explores one seed from a given world (the benchmarks' larger worlds), with the generator
/// drawing over the accounts and Regions of `spec`, the spec `start` was built from.
pub fn explore_from(
    start: &World,
    spec: &WorldSpec,
    opts: &Options,
    checker: &dyn StepChecker,
) -> Report {
    explore_seed(opts, checker, spec, &|| start.clone())
}

fn explore_seed(
    opts: &Options,
    checker: &dyn StepChecker,
    spec: &WorldSpec,
    start: &dyn Fn() -> World,
) -> Report {
    let (report, verified, checkpoint) = explore_once(opts, checker, spec, start);
    if opts.check == CheckMode::Full {
        return report;
    }
    match (report, verified) {
        // A failure found incrementally is confirmed in full mode, so that it is reported at the
        // step and with the invariant full mode reports (a call that changed the world while
        // rejected shows as NO-SIDE-EFFECT at its own step, not at a later one): from the last
        // checkpoint when full mode fails there at the same call, else from the start.
        (r, _) if r.failure.is_some() => match confirm_from(checkpoint, r, opts, checker) {
            Ok(confirmed) => confirmed,
            Err(r) => replay_full(opts, r.last_step(), checker, spec, start, *r),
        },
        // The observation assumed unchanged was not: some rejected or read-only call changed the
        // world; full mode names it.
        (r, false) => replay_full(opts, opts.steps, checker, spec, start, r),
        (r, true) => r,
    }
}

/// Confirms an incremental run's failure by replaying, in full mode, only its calls after the
/// last checkpoint. When full mode fails at the same call, the failure takes full mode's
/// invariant and message, and the rest of the report (steps, kinds, rules) is the same as a
/// full replay from the start would give, since it was built from the same calls and outcomes.
/// Anything else (no checkpoint, a failure at another call or none, the determinism audit's
/// hashes) is handed back for a replay from the start.
fn confirm_from(
    checkpoint: Option<Checkpoint>,
    mut report: Report,
    opts: &Options,
    checker: &dyn StepChecker,
) -> Result<Report, Box<Report>> {
    let (Some(checkpoint), Some(failure), false) =
        (checkpoint, report.failure.as_mut(), opts.hashes)
    else {
        return Err(Box::new(report));
    };
    let from = checkpoint.calls;
    let Some(rest) = failure.calls.get(from..) else {
        return Err(Box::new(report));
    };
    let mut stepper = Stepper::resume(checkpoint, checker);
    for (i, call) in rest.iter().enumerate() {
        let stepped = stepper.step(call);
        let Some((invariant, message)) = stepped.violations.into_iter().next() else {
            continue;
        };
        if i + 1 != rest.len() {
            break;
        }
        failure.invariant = invariant;
        failure.message = message;
        failure.outcome = stepped.outcome;
        return Ok(report);
    }
    Err(Box::new(report))
}

/// The calls of one seed's episode with their 1-based steps: the explorer's call stream, for
/// the explorer itself and for the tests and benches that need the same calls.
///
/// Each step fills [`BYTES_PER_CALL`] bytes from the seed's ChaCha8 stream and the generator
/// turns them into a call; a step whose bytes decode to nothing is skipped (it keeps its
/// number). An unpinned episode switches to the next profile of the seed's schedule every
/// [`PHASE`](crate::generate::swarm::PHASE) steps ([`Swarm::of_seed_at`]).
#[derive(Debug, Clone)]
pub struct Episode {
    seed: u64,
    pinned: bool,
    steps: usize,
    step: usize,
    rng: ChaCha8Rng,
    generator: Gen,
}

impl Episode {
    /// The first `steps` steps of `seed`, under a pinned profile or the seed's own schedule.
    pub fn new(spec: &WorldSpec, seed: u64, swarm: Option<Swarm>, steps: usize) -> Episode {
        let first = swarm.unwrap_or_else(|| Swarm::of_seed_at(seed, 1));
        Episode {
            seed,
            pinned: swarm.is_some(),
            steps,
            step: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            generator: Gen::for_world(spec, first),
        }
    }

    /// The profile in force at the last step returned.
    pub fn swarm(&self) -> Swarm {
        self.generator.swarm()
    }
}

impl Iterator for Episode {
    type Item = (usize, Call);

    fn next(&mut self) -> Option<(usize, Call)> {
        let mut buf = [0u8; BYTES_PER_CALL];
        while self.step < self.steps {
            self.step += 1;
            if !self.pinned && Swarm::switches_at(self.step) {
                self.generator
                    .set_swarm(Swarm::of_seed_at(self.seed, self.step));
            }
            self.rng.fill_bytes(&mut buf);
            if let Ok(call) = self.generator.next_call(&mut Unstructured::new(&buf)) {
                return Some((self.step, call));
            }
        }
        None
    }
}

/// Explores one seed in its mode; says whether the final observation was the one assumed, and
/// (incremental mode) gives the last checkpoint.
fn explore_once(
    opts: &Options,
    checker: &dyn StepChecker,
    spec: &WorldSpec,
    start: &dyn Fn() -> World,
) -> (Report, bool, Option<Checkpoint>) {
    let mut episode = Episode::new(spec, opts.seed, opts.swarm, opts.steps);
    let mut stepper = Stepper::new(start(), opts.check, checker);
    let mut report = Report {
        seed: opts.seed,
        swarm: episode.swarm(),
        ..Report::default()
    };
    let mut calls = Vec::new();
    let mut checkpoint: Option<Checkpoint> = None;
    while let Some((step, call)) = episode.next() {
        report.steps += 1;
        report.kinds.insert(call.op.kind());
        let stepped = stepper.step(&call);
        report.rules_hit.extend(stepped.rules.iter().copied());
        if opts.hashes {
            report.hashes.push(stepper.hash(&stepped.outcome));
        }
        calls.push(call);
        if let Some((invariant, message)) = stepped.violations.into_iter().next() {
            report.fault_at = stepper.fault_at;
            report.failure = Some(Failure {
                seed: opts.seed,
                swarm: episode.swarm(),
                pinned: opts.swarm.is_some(),
                step,
                calls,
                invariant,
                message,
                outcome: stepped.outcome,
            });
            return (report, true, checkpoint);
        }
        let since = calls.len() - checkpoint.as_ref().map_or(0, |c| c.calls);
        if stepper.verified && since >= CHECKPOINT_EVERY {
            checkpoint = Some(Checkpoint {
                world: stepper.world.clone(),
                obs: stepper.obs.clone(),
                calls: calls.len(),
                fault_at: stepper.fault_at,
            });
        }
    }
    let verified = stepper.verify();
    report.fault_at = stepper.fault_at;
    (report, verified, checkpoint)
}

impl Report {
    /// The step (of the seed's loop) of the failure, if any.
    fn last_step(&self) -> usize {
        self.failure.as_ref().map_or(0, |f| f.step)
    }
}

/// Replays a seed's first `steps` steps in full mode and reports what full mode finds. When full
/// mode finds nothing although the incremental run failed or saw the observation change (a
/// model that is not deterministic), the incremental finding stands, as a NO-SIDE-EFFECT
/// failure if it was only the changed observation.
fn replay_full(
    opts: &Options,
    steps: usize,
    checker: &dyn StepChecker,
    spec: &WorldSpec,
    start: &dyn Fn() -> World,
    incremental: Report,
) -> Report {
    let full = Options {
        steps,
        check: CheckMode::Full,
        ..*opts
    };
    let replayed = explore_once(&full, checker, spec, start).0;
    if replayed.failure.is_some() || incremental.failure.is_some() {
        return if replayed.failure.is_some() {
            replayed
        } else {
            incremental
        };
    }
    let mut report = incremental;
    report.failure = Some(Failure {
        seed: opts.seed,
        swarm: opts
            .swarm
            .unwrap_or_else(|| Swarm::of_seed_at(opts.seed, steps)),
        pinned: opts.swarm.is_some(),
        step: steps,
        calls: Vec::new(),
        invariant: "NO-SIDE-EFFECT".to_owned(),
        message: format!(
            "the observation after seed {}'s {} steps differs from the one its rejected and \
             read-only calls left, but a replay that observes every step found no violation: \
             the model is not deterministic",
            opts.seed, steps
        ),
        outcome: panic_outcome(),
    });
    report
}

/// The first violation of replaying `calls` on a fresh world: (1-based step, invariant,
/// message, outcome). The shrinker's test and the replay of libFuzzer inputs. Checks every step
/// in full ([`CheckMode::Full`]).
pub fn first_violation(
    spec: &WorldSpec,
    calls: &[Call],
    checker: &dyn StepChecker,
    model: Model,
) -> Option<(usize, String, String, StepOutcome)> {
    first_violation_with(spec, calls, checker, model, CheckMode::Full)
}

/// [`first_violation`] in a [`CheckMode`]; in incremental mode a violation, or an observation
/// that changed where none was assumed to, is confirmed by a replay in full mode.
pub fn first_violation_with(
    spec: &WorldSpec,
    calls: &[Call],
    checker: &dyn StepChecker,
    model: Model,
    mode: CheckMode,
) -> Option<(usize, String, String, StepOutcome)> {
    first_violation_from(spec, calls, 0, checker, model, mode)
}

/// [`first_violation_with`] checking only the steps from call `from` (0-based) on: the calls
/// before it are applied without a check. For the self-test, whose broken world behaved as the
/// correct one until its planted bug acted ([`Report::fault_at`]), so that the correct model
/// passes those first calls exactly as the broken world did. The step reported still counts
/// from the first call. A panic of the model in the unchecked calls is still a violation.
pub fn first_violation_from(
    spec: &WorldSpec,
    calls: &[Call],
    from: usize,
    checker: &dyn StepChecker,
    model: Model,
    mode: CheckMode,
) -> Option<(usize, String, String, StepOutcome)> {
    let from = from.min(calls.len());
    let (before, checked) = calls.split_at(from);
    let mut world = model(spec);
    for (i, call) in before.iter().enumerate() {
        if let Err((invariant, message)) = guarded_apply(&mut world, call) {
            return Some((i + 1, invariant, message, panic_outcome()));
        }
    }
    // Incremental mode's findings are confirmed in full mode from the same point.
    let mut start = (mode == CheckMode::Incremental).then(|| world.clone());
    let mut stepper = Stepper::new(world, mode, checker);
    // Called at most once, as it returns.
    let mut confirm = |upto: usize| {
        let start = start.take()?;
        let mut full = Stepper::new(start, CheckMode::Full, checker);
        checked
            .get(..upto)
            .unwrap_or(checked)
            .iter()
            .enumerate()
            .find_map(|(i, call)| {
                let stepped = full.step(call);
                let (invariant, message) = stepped.violations.into_iter().next()?;
                Some((from + i + 1, invariant, message, stepped.outcome))
            })
    };
    for (i, call) in checked.iter().enumerate() {
        let stepped = stepper.step(call);
        if let Some((invariant, message)) = stepped.violations.into_iter().next() {
            if mode == CheckMode::Incremental {
                return confirm(i + 1);
            }
            return Some((from + i + 1, invariant, message, stepped.outcome));
        }
    }
    if !stepper.verify() {
        return confirm(checked.len());
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

/// A stable 64-bit hash of a step's outcome and the observation after it: FNV-1a over the JSON
/// rendering of each, combined. Equal hashes for equal steps on any machine and in any process.
pub fn step_hash(outcome: &StepOutcome, after: &sharesim_core::Observation) -> u64 {
    combine(outcome_hash(outcome), observation_hash(after))
}

fn outcome_hash(outcome: &StepOutcome) -> u64 {
    json_hash(outcome)
}

/// Computed once per distinct observation by the explorer (an unchanged observation keeps its
/// hash), streamed into the hash without building the JSON text.
fn observation_hash(obs: &sharesim_core::Observation) -> u64 {
    json_hash(obs)
}

fn combine(outcome: u64, obs: u64) -> u64 {
    Fnv(outcome).feed(&obs.to_le_bytes()).0
}

fn json_hash(value: &impl serde::Serialize) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    // Writing into the hasher cannot fail; a value that cannot be serialised hashes as far as it got.
    let _ = serde_json::to_writer(&mut h, value);
    h.0
}

/// FNV-1a, as an `io::Write` sink.
struct Fnv(u64);

impl Fnv {
    fn feed(mut self, bytes: &[u8]) -> Fnv {
        self.absorb(bytes);
        self
    }

    fn absorb(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl std::io::Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.absorb(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
    // Every step observed, so that a nondeterministic observation shows at its own step.
    let opts = Options {
        hashes: true,
        check: CheckMode::Full,
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
    /// How each step is observed and checked.
    pub check: CheckMode,
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
            check: opts.check,
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

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use sharesim_core::{Name, Op};

    fn call(spec: &WorldSpec, op: Op) -> Call {
        Call {
            account: spec.accounts[0].clone(),
            principal: None,
            region: spec.regions[0].clone(),
            op,
        }
    }

    fn delete_missing(spec: &WorldSpec) -> Call {
        call(
            spec,
            Op::DeletePortfolio {
                portfolio: Name::from("missing"),
            },
        )
    }

    /// Changes the world behind the stepper's back, as a model that changes it on a rejected
    /// call would: a portfolio created in the `account`th account.
    fn hidden_change(s: &mut Stepper<'_>, spec: &WorldSpec, account: usize) {
        let mut create = call(
            spec,
            Op::CreatePortfolio {
                portfolio: Name::from("hidden"),
                display_name: None,
                provider_name: None,
            },
        );
        create.account = spec.accounts[account].clone();
        assert!(s.world.apply(&create).result.is_ok());
    }

    #[test]
    fn incremental_mode_assumes_only_for_rejected_and_read_only_calls_and_verifies() {
        let spec = world_spec();
        let checker = crate::invariants::Checker::new(&spec.config.quotas);
        let mut s = Stepper::new(World::new(&spec), CheckMode::Incremental, &checker);
        // The first rejected DeletePortfolio is re-observed in its own parts and found
        // unchanged, the rest assumed; the next one is assumed.
        assert!(s.step(&delete_missing(&spec)).violations.is_empty());
        assert_eq!((s.assumed, s.partial), (1, 0));
        assert!(s.step(&delete_missing(&spec)).violations.is_empty());
        assert_eq!(s.assumed, 2);
        assert!(s.verify());
        // A change made while the observation was assumed shows at the verification.
        assert!(s.step(&delete_missing(&spec)).violations.is_empty());
        hidden_change(&mut s, &spec, 0);
        assert!(!s.verify());
    }

    #[test]
    fn the_first_quiet_call_of_a_kind_is_checked_against_its_parts_observed_again() {
        let spec = world_spec();
        let checker = crate::invariants::Checker::new(&spec.config.quotas);
        let mut s = Stepper::new(World::new(&spec), CheckMode::Incremental, &checker);
        hidden_change(&mut s, &spec, 0);
        // The first of its kind: its caller's Service Catalog view is observed again, shows
        // the change, and the change is blamed on the call (NO-SIDE-EFFECT).
        let v = s.step(&delete_missing(&spec)).violations;
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].0, "NO-SIDE-EFFECT");
    }

    #[test]
    fn a_change_outside_its_parts_is_caught_by_the_next_full_sample() {
        let spec = world_spec();
        let checker = crate::invariants::Checker::new(&spec.config.quotas);
        let mut s = Stepper::new(World::new(&spec), CheckMode::Incremental, &checker);
        // Another account's portfolio, which the caller's rejected call cannot reach: the
        // first of its kind, observed in part, does not see it.
        hidden_change(&mut s, &spec, 1);
        assert!(s.step(&delete_missing(&spec)).violations.is_empty());
        assert_eq!(s.assumed, 1);
        for quiet in 2..VERIFY_EVERY {
            let v = s.step(&delete_missing(&spec)).violations;
            assert!(v.is_empty(), "quiet call {quiet}: {v:?}");
        }
        // The `VERIFY_EVERY`th quiet call is observed in full and sees it.
        let v = s.step(&delete_missing(&spec)).violations;
        assert_eq!(v.first().map(|v| v.0.as_str()), Some("NO-SIDE-EFFECT"));
    }

    #[test]
    fn full_mode_observes_every_step() {
        let spec = world_spec();
        let checker = crate::invariants::Checker::new(&spec.config.quotas);
        let mut s = Stepper::new(World::new(&spec), CheckMode::Full, &checker);
        assert!(s.step(&delete_missing(&spec)).violations.is_empty());
        hidden_change(&mut s, &spec, 1);
        let v = s.step(&delete_missing(&spec)).violations;
        assert_eq!(v.first().map(|v| v.0.as_str()), Some("NO-SIDE-EFFECT"));
    }
}
