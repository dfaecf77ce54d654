//! The proptest-state-machine peer: the tool a Rust user would otherwise pick to test a stateful
//! model, set up to be as close to the sharesim explorer as its API allows.
//!
//! - Reference state machine: the sharesim generator (`sharesim::generate::Gen`, its hot pools
//!   and per-kind weights) is the reference state. A transition is a proptest byte vector
//!   (`BYTES_PER_CALL` bytes, as many as the explorer draws per call), and applying it draws the
//!   next call from those bytes through `arbitrary::Unstructured`, exactly as the explorer and
//!   the `ops` fuzz target do. The initial state draws the swarm profile from a `u64` with
//!   `Swarm::from_seed`, and keeps it for the whole case: the explorer's rule before its swarm
//!   phases. So each call is drawn as the explorer draws it, and the comparison measures the
//!   drivers, not two generators: proptest's runner, value trees, sequence strategy and one
//!   profile per case against one ChaCha8 stream with a new profile every `PHASE` calls. With
//!   `SHARESIM_PEER_PHASES=1` the peer switches profile by the explorer's schedule too
//!   (`Swarm::of_seed_at`, counted in transitions), which shows how much of the explorer's lead
//!   is the schedule and how much the rest of the driver.
//! - Sequence length: uniform in `1..=max_len` (proptest-state-machine's `sequential` size),
//!   with `max_len` the explorer's episode (1,000 calls) by default.
//! - System under test: `World::with_fault` (the broken core) with `sharesim::checks` wrapped in
//!   `explore::Tolerant` after every step, as `selftest::run` does, and in the explorer's default
//!   check mode (`explore::CheckMode::Incremental`): a rejected or read-only call is checked with
//!   `check_unchanged` against the last observation, except the first of each kind in a case and
//!   every `VERIFY_EVERY`th, which are observed and checked in full; a violation is confirmed by a
//!   full replay (`first_violation`), as the explorer confirms its own. Where the explorer
//!   observes only the parts a call can change (`World::observe_after`: after a changing call,
//!   and for the first quiet call of each kind), the peer observes in full, as a test written
//!   against the model's public observation would: that partial observation is part of what
//!   the explorer brings, and the comparison counts it. It counts only if the
//!   correct model passes the same calls (otherwise it is background and the case goes on
//!   unchecked), again as in the self-test. (The explorer's end-of-episode comparison of the
//!   assumed observation with a fresh one, a guard against models that change the world on a
//!   rejected call, is not repeated: no fault of the zoo does that.)
//! - Runner: a `TestRunner` on proptest's ChaCha RNG seeded from the bench's seed, no failure
//!   persistence, no fork, no shrinking (the bench times the first detection; shrinking is
//!   section 4's business). The budget ends the run through a global rejection.
//!
//! Writing proptest strategies of its own for the ~60 operations (a second generator) would
//! compare generators as much as drivers, and would not share the weights; it is not done.

use arbitrary::Unstructured;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};
use sharesim::explore::{
    self, BYTES_PER_CALL, EPISODE, Tolerant, VERIFY_EVERY, first_violation, reference,
};
use sharesim::generate::{Gen, Swarm};
use sharesim::scenario::run::StepChecker;
use sharesim::step::StepOutcome;
use sharesim_core::fault::Fault;
use sharesim_core::{Call, Observation, OpKind, World};
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::{Detection, cpu};

/// The reference state: the generator and the call the last transition drew (none when the
/// bytes did not decode, which the explorer skips too).
#[derive(Clone, Debug)]
pub struct RefState {
    generator: Gen,
    last: Option<Call>,
    /// The case's profile seed and the transitions applied, for `SHARESIM_PEER_PHASES`.
    seed: u64,
    transitions: usize,
}

/// Whether the peer follows the explorer's schedule of swarm phases (`SHARESIM_PEER_PHASES=1`).
fn phased() -> bool {
    static PHASED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PHASED.get_or_init(|| std::env::var("SHARESIM_PEER_PHASES").as_deref() == Ok("1"))
}

/// The reference state machine over the sharesim generator.
pub struct Reference;

impl ReferenceStateMachine for Reference {
    type State = RefState;
    type Transition = Vec<u8>;

    fn init_state() -> BoxedStrategy<RefState> {
        any::<u64>()
            .prop_map(|seed| RefState {
                generator: Gen::new(Swarm::from_seed(seed)),
                last: None,
                seed,
                transitions: 0,
            })
            .boxed()
    }

    fn transitions(_state: &RefState) -> BoxedStrategy<Vec<u8>> {
        proptest::collection::vec(any::<u8>(), BYTES_PER_CALL).boxed()
    }

    fn apply(mut state: RefState, bytes: &Vec<u8>) -> RefState {
        state.transitions += 1;
        if phased() && Swarm::switches_at(state.transitions) {
            let swarm = Swarm::of_seed_at(state.seed, state.transitions);
            state.generator.set_swarm(swarm);
        }
        state.last = state
            .generator
            .next_call(&mut Unstructured::new(bytes))
            .ok();
        state
    }
}

/// One run: the fault, the budget and what happened so far. `StateMachineTest` is a set of
/// associated functions, so the run lives in a thread-local.
struct Run {
    fault: Fault,
    checker: Tolerant<'static>,
    start: Instant,
    cpu_start: f64,
    budget: Duration,
    steps: usize,
    cases: usize,
    background: usize,
    found: Option<Detection>,
}

thread_local! {
    static RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
    /// The strict checker, built once per thread (it is stateless) and borrowed by each run's
    /// `Tolerant` wrapper.
    static STRICT: &'static dyn StepChecker =
        Box::leak(sharesim::checks(&explore::world_spec().config.quotas));
}

/// The system under test: the broken world, the last observation and the calls so far.
pub struct Sut {
    world: World,
    before: Observation,
    calls: Vec<Call>,
    /// Rejected or read-only calls so far, and the kinds of those checked in full.
    quiet: usize,
    sampled: BTreeSet<OpKind>,
    /// A violation was seen in this case (the detection, or background): stop checking.
    done: bool,
}

impl Sut {
    /// A fresh broken world for the run's fault.
    pub fn for_run() -> Sut {
        let fault = RUN.with_borrow(|r| r.as_ref().map(|r| r.fault)).unwrap();
        let world = World::with_fault(&explore::world_spec(), fault);
        let before = world.observe();
        Sut {
            world,
            before,
            calls: Vec::new(),
            quiet: 0,
            sampled: BTreeSet::new(),
            done: false,
        }
    }

    /// Applies one call to the broken world and checks it as the explorer's incremental mode
    /// does; a violation that the correct model does not share ends the run as a detection.
    pub fn step(&mut self, call: Call) {
        if self.done {
            return;
        }
        RUN.with_borrow_mut(|run| {
            let run = run.as_mut().unwrap();
            run.steps += 1;
            let outcome = self.world.apply(&call);
            let quiet = outcome.result.is_err() || call.op.kind().is_read_only();
            let outcome = StepOutcome::from(&outcome);
            let sample = quiet && {
                self.quiet += 1;
                self.sampled.insert(call.op.kind()) || self.quiet.is_multiple_of(VERIFY_EVERY)
            };
            let violation = if quiet && !sample {
                run.checker.check_unchanged(&self.before, &call, &outcome)
            } else {
                let after = self.world.observe();
                let found = run
                    .checker
                    .check_step(&self.before, &call, &outcome, &after);
                self.before = after;
                found
            };
            self.calls.push(call);
            if violation.is_empty() {
                return;
            }
            self.done = true;
            let spec = explore::world_spec();
            let broken = sharesim::selftest::model(run.fault);
            let Some((_, invariant, ..)) =
                first_violation(&spec, &self.calls, &run.checker, &broken)
            else {
                return;
            };
            // The correct model is replayed as `selftest::run` replays it (incrementally).
            let on_reference = explore::first_violation_with(
                &spec,
                &self.calls,
                &run.checker,
                &reference,
                explore::CheckMode::Incremental,
            );
            if on_reference.is_some() {
                run.background += 1;
                return;
            }
            run.found = Some(Detection {
                caught: true,
                steps: run.steps,
                seconds: run.start.elapsed().as_secs_f64(),
                cpu_seconds: cpu::thread() - run.cpu_start,
                invariant,
                extra: String::new(),
            });
        });
    }
}

/// The state-machine test of the broken core.
pub struct Peer;

impl StateMachineTest for Peer {
    type SystemUnderTest = Sut;
    type Reference = Reference;

    fn init_test(_ref_state: &RefState) -> Sut {
        Sut::for_run()
    }

    fn apply(mut sut: Sut, ref_state: &RefState, _bytes: Vec<u8>) -> Sut {
        if let Some(call) = ref_state.last.clone() {
            sut.step(call);
        }
        sut
    }
}

/// Runs the peer against `fault` from `seed` until the first detection or the end of the
/// budget; `max_len` bounds the length of a case.
pub fn run(fault: Fault, seed: u64, budget: Duration, max_len: usize) -> Detection {
    run_machine::<Peer>(fault, seed, budget, max_len)
}

/// Runs the state-machine test `M` (whose system under test is [`Sut`]) against `fault` from
/// `seed` until the first detection or the end of the budget, with cases of `1..=max_len`
/// transitions.
pub fn run_machine<M>(fault: Fault, seed: u64, budget: Duration, max_len: usize) -> Detection
where
    M: StateMachineTest<SystemUnderTest = Sut>,
{
    let strict = STRICT.with(|s| *s);
    RUN.set(Some(Run {
        fault,
        checker: Tolerant::new(strict),
        start: Instant::now(),
        cpu_start: cpu::thread(),
        budget,
        steps: 0,
        cases: 0,
        background: 0,
        found: None,
    }));
    let config = Config {
        cases: u32::MAX,
        failure_persistence: None,
        max_shrink_iters: 0,
        max_global_rejects: 0,
        fork: false,
        timeout: 0,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &key);
    let mut runner = TestRunner::new_with_rng(config.clone(), rng);
    let strategy = <M::Reference as ReferenceStateMachine>::sequential_strategy(1..=max_len.max(1));
    // The counter of transitions seen only serves shrinking, and proptest-state-machine 0.9
    // panics on a failure it is not allowed to shrink if the counter was used: pass none.
    let _ = runner.run(&strategy, |(initial, transitions, _seen)| {
        let out_of_budget = RUN.with_borrow_mut(|r| {
            let r = r.as_mut().unwrap();
            r.cases += 1;
            r.start.elapsed() >= r.budget
        });
        if out_of_budget {
            return Err(TestCaseError::reject("budget spent"));
        }
        M::test_sequential(config.clone(), initial, transitions, None);
        match RUN.with_borrow(|r| r.as_ref().is_some_and(|r| r.found.is_some())) {
            true => Err(TestCaseError::fail("the planted bug was caught")),
            false => Ok(()),
        }
    });
    let run = RUN.take().unwrap();
    let extra = format!("cases={} background={}", run.cases, run.background);
    match run.found {
        Some(found) => Detection { extra, ..found },
        None => Detection {
            caught: false,
            steps: run.steps,
            seconds: run.start.elapsed().as_secs_f64(),
            cpu_seconds: cpu::thread() - run.cpu_start,
            invariant: String::new(),
            extra,
        },
    }
}

/// The default longest case: the explorer's episode.
pub const MAX_LEN: usize = EPISODE;
