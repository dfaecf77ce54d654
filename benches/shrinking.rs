//! Shrinking cost by failure length (docs/PERFORMANCE.md, "Shrinking"): a planted bug of the
//! fault zoo is caught by the explorer, and its failing sequence is padded in front with
//! unrelated passing calls to 1,000, 10,000 and 100,000 steps, as if the explorer had found it
//! that late; the shrinker (`sharesim::shrink::shrink_against`, the self-test's shrinker) then
//! reduces each. Reports the time, the number of candidates tested and the final length.
//!
//! The padding is generated for five extra accounts (`f` to `j`) that the failing calls never
//! name, with entity names from its own counter, so it cannot be what makes the sequence fail;
//! it is drawn in chunks, each checked on the broken and the correct model as it is applied (a
//! padding that long can trip the planted bug by itself, or a violation the correct model shows
//! too; such a chunk is drawn again): by default only the state invariants after each chunk of
//! 500 calls, which keeps a 100,000-call padding to minutes, or every call in the explorer's
//! incremental mode with `SHARESIM_BENCH_PAD_CHECK=steps`. The padded sequence is checked to
//! fail the same invariant at its last step on the broken model and to pass on the correct one. Reports the
//! time to draw and check the padding, then the shrink's wall and CPU time (this thread's, from
//! /proc), the candidates tested and the final length.
//!
//! `cargo bench --bench shrinking`; environment: `SHARESIM_BENCH_LENGTHS=1000,10000` picks
//! the lengths, `SHARESIM_BENCH_SHRINK_SECONDS=300` the time budget per shrink,
//! `SHARESIM_BENCH_PAD_SECONDS=600` the time budget for drawing and checking one padding (a
//! length whose padding is not ready in time is reported and skipped: the cost of a checked
//! step grows with the world), `SHARESIM_BENCH_BREAKDOWN=1` adds one timed replay of each
//! padded sequence, split into apply, observe and check, and `SHARESIM_BENCH_PAD_ACCOUNTS=shared`
//! draws the padding over the failing calls' own accounts `a` to `e` (still with names of its
//! own), so that every call is connected to the failing one through its caller and the
//! shrinker's first pass cannot drop the padding at once.

// PANIC SAFETY: benchmark code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/cpu.rs"]
mod cpu;

use arbitrary::Unstructured;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sharesim::explore::{self, BYTES_PER_CALL, Model, Options, first_violation, reference};
use sharesim::generate::{Cat, Gen, Swarm};
use sharesim::scenario::run::StepChecker;
use sharesim::selftest::model;
use sharesim::step::StepOutcome;
use sharesim_core::fault::Fault;
use sharesim_core::{Call, Name, Observation, World, WorldSpec};
use std::time::{Duration, Instant};

/// The first failure of `fault` that the correct model passes: (calls, invariant).
fn catch(fault: Fault, spec: &WorldSpec) -> Option<(Vec<Call>, String)> {
    let checker = sharesim::checks(&spec.config.quotas);
    let broken = model(fault);
    for seed in 0..200 {
        let report = explore::explore_with(&Options::new(seed, 1000), checker.as_ref(), &broken);
        if let Some(f) = report.failure
            && first_violation(spec, &f.calls, checker.as_ref(), &reference).is_none()
        {
            return Some((f.calls, f.invariant));
        }
    }
    None
}

/// Moves every generated entity name (`port3`) out of the range the failing calls use
/// (`port1000003`), through the serde form of the call.
fn rename(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if Cat::of(s).is_some() => {
            let digits = s.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let prefix = &s[..s.len() - digits.len()];
            let n: u64 = digits.parse().unwrap_or(0);
            *s = format!("{prefix}{}", n + 1_000_000);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(rename),
        serde_json::Value::Object(map) => map.values_mut().for_each(rename),
        _ => {}
    }
}

/// A world under construction, checked after every step in the explorer's incremental check
/// mode: a rejected or read-only call is checked against the last observation
/// (`StepChecker::check_unchanged`) instead of a new one, and [`Track::verify`] rebuilds the
/// observation at the end of a chunk to confirm that those calls changed nothing. Observing a
/// world of 100,000 calls after every step is what made the padding too slow to draw.
#[derive(Clone)]
struct Track {
    world: World,
    before: Observation,
    /// Quiet calls since `before` was built.
    assumed: usize,
}

impl Track {
    fn new(spec: &WorldSpec, model: Model) -> Track {
        let world = model(spec);
        let before = world.observe();
        Track {
            world,
            before,
            assumed: 0,
        }
    }

    /// Applies a call; the first violation of the checker, if any. With `full`, the call is
    /// observed and checked in full even if it is quiet.
    fn step(&mut self, call: &Call, checker: &dyn StepChecker, full: bool) -> Option<String> {
        let outcome = self.world.apply(call);
        let quiet = !full && (outcome.result.is_err() || call.op.kind().is_read_only());
        let outcome = StepOutcome::from(&outcome);
        let violations = if quiet {
            self.assumed += 1;
            checker.check_unchanged(&self.before, call, &outcome)
        } else {
            let after = self.world.observe();
            let violations = checker.check_step(&self.before, call, &outcome, &after);
            self.before = after;
            self.assumed = 0;
            violations
        };
        violations
            .into_iter()
            .next()
            .map(|(invariant, _)| invariant)
    }

    /// Applies a call without checking it (the chunk check of the padding).
    fn apply(&mut self, call: &Call) {
        self.world.apply(call);
        self.assumed += 1;
    }

    /// Observes the world and checks the state invariants only: whether they hold.
    fn state_holds(&mut self, checker: &dyn StepChecker) -> bool {
        self.before = self.world.observe();
        self.assumed = 0;
        checker.check_state(&self.before).is_empty()
    }

    /// Whether the quiet calls since the last observation left the world as it was.
    fn verify(&mut self) -> bool {
        if self.assumed == 0 {
            return true;
        }
        self.assumed = 0;
        let fresh = self.world.observe();
        let same = fresh == self.before;
        self.before = fresh;
        same
    }
}

/// The broken and the correct model's worlds.
type Tracks = (Track, Track);

/// How the padding is checked as it is drawn (`SHARESIM_BENCH_PAD_CHECK`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum PadCheck {
    /// Every call, in the explorer's incremental mode, in chunks of 50 (`steps`): a changing
    /// call costs an observation of the world, so a 100,000-call padding takes hours.
    Steps,
    /// The state invariants after every chunk of 500 calls (`chunks`, the default): one
    /// observation per chunk and model. A step invariant broken inside the padding, or a state
    /// invariant broken and restored within a chunk, goes unseen; the shrinker's result is
    /// confirmed in full whatever the padding holds.
    Chunks,
}

impl PadCheck {
    /// Calls drawn per chunk; a chunk after which a model fails is drawn again.
    fn chunk(self) -> usize {
        match self {
            PadCheck::Steps => 50,
            PadCheck::Chunks => 500,
        }
    }
}

/// `n` generated calls over the accounts `f` to `j` only, with names of their own, followed by
/// `calls`: the padded failure. The padding is checked on the broken and on the correct model
/// as it is drawn, as `check` says (a padding that long can trip the planted bug by itself, or a
/// violation the correct model shows too): a chunk after which either model fails is rolled
/// back and drawn again. The failing calls are then checked step by step (in incremental mode,
/// the last one in full). Returns the sequence if it fails `invariant` at its last call on the
/// broken model and passes on the correct one.
fn padded(
    spec: &WorldSpec,
    n: usize,
    seed: u64,
    (failing, invariant): (&[Call], &str),
    (checker, broken): (&dyn StepChecker, Model),
    (check, deadline): (PadCheck, Instant),
    reached: &mut usize,
) -> Option<Vec<Call>> {
    let mut pad_spec = explore::world_spec();
    if std::env::var("SHARESIM_BENCH_PAD_ACCOUNTS").as_deref() != Ok("shared") {
        pad_spec.accounts = ["f", "g", "h", "i", "j"]
            .iter()
            .map(|a| Name::from(*a))
            .collect();
    }
    let mut generator = Gen::for_world(&pad_spec, Swarm::ALL);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut buf = [0u8; BYTES_PER_CALL];
    let mut out: Vec<Call> = Vec::with_capacity(n + failing.len());
    let mut tracks = (Track::new(spec, broken), Track::new(spec, &reference));
    let mut rollbacks = 0;
    // The states at the start of the last few chunks: a planted bug can be set up in one chunk
    // and show in a later one (a copied import shows when its portfolio changes), so a chunk
    // that keeps failing is dropped together with the one before it.
    let mut saves: Vec<(Tracks, Gen, usize)> = Vec::new();
    let mut failures_here = 0;
    while out.len() < n {
        *reached = (*reached).max(out.len());
        if Instant::now() >= deadline {
            return None;
        }
        saves.push((tracks.clone(), generator.clone(), out.len()));
        if saves.len() > 4 {
            saves.remove(0);
        }
        let mut clean = true;
        for _ in 0..check.chunk().min(n - out.len()) {
            rng.fill_bytes(&mut buf);
            let Ok(call) = generator.next_call(&mut Unstructured::new(&buf)) else {
                continue;
            };
            let mut value = serde_json::to_value(&call).unwrap();
            rename(&mut value);
            let call: Call = serde_json::from_value(value).unwrap();
            if check == PadCheck::Chunks {
                tracks.0.apply(&call);
                tracks.1.apply(&call);
                out.push(call);
                continue;
            }
            let broken_fails = tracks.0.step(&call, checker, false).is_some();
            let reference_fails = tracks.1.step(&call, checker, false).is_some();
            out.push(call);
            if broken_fails || reference_fails {
                clean = false;
                break;
            }
        }
        clean = clean
            && match check {
                // A quiet call that changed the world would have been a NO-SIDE-EFFECT failure.
                PadCheck::Steps => tracks.0.verify() && tracks.1.verify(),
                PadCheck::Chunks => tracks.0.state_holds(checker) && tracks.1.state_holds(checker),
            };
        if clean {
            failures_here = 0;
            continue;
        }
        rollbacks += 1;
        failures_here += 1;
        if rollbacks > 1000 {
            return None;
        }
        // Back to the start of this chunk, or after three failures in a row to the start of
        // the one before.
        if failures_here > 3 && saves.len() > 1 {
            saves.pop();
            failures_here = 0;
        }
        let (t, g, len) = saves.pop()?;
        (tracks, generator) = (t, g);
        out.truncate(len);
    }
    let last = failing.len();
    for (i, call) in failing.iter().enumerate() {
        // The failing call is checked in full; the others like the padding.
        let full = i + 1 == last;
        if full && !(tracks.0.verify() && tracks.1.verify()) {
            return None;
        }
        let found = tracks.0.step(call, checker, full);
        if found.is_some() && (i + 1 < last || found.as_deref() != Some(invariant)) {
            return None;
        }
        if i + 1 == last && found.is_none() {
            return None;
        }
        if tracks.1.step(call, checker, full).is_some() {
            return None;
        }
        out.push(call.clone());
    }
    Some(out)
}

/// One replay of `calls` on the broken model (what each of the shrinker's tests does): its CPU
/// time, and how its wall time splits between `World::apply`, `World::observe` and the checker.
fn replay_breakdown(spec: &WorldSpec, calls: &[Call], checker: &dyn StepChecker, broken: Model) {
    let cpu_start = cpu::thread();
    let mut world = broken(spec);
    let mut before = world.observe();
    let mut parts = [Duration::ZERO; 3];
    for call in calls {
        let t0 = Instant::now();
        let outcome = StepOutcome::from(&world.apply(call));
        let t1 = Instant::now();
        let after = world.observe();
        let t2 = Instant::now();
        let _ = checker.check_step(&before, call, &outcome, &after);
        let t3 = Instant::now();
        parts[0] += t1 - t0;
        parts[1] += t2 - t1;
        parts[2] += t3 - t2;
        before = after;
    }
    let cpu = cpu::thread() - cpu_start;
    let total: f64 = parts.iter().map(Duration::as_secs_f64).sum();
    let share = |d: Duration| 100.0 * d.as_secs_f64() / total.max(1e-9);
    println!(
        "{:>8} one replay: {cpu:.2} CPU s, {total:.2} wall s: apply {:.0} %, observe {:.0} %, check {:.0} %",
        calls.len(),
        share(parts[0]),
        share(parts[1]),
        share(parts[2]),
    );
}

fn main() {
    let lengths: Vec<usize> = std::env::var("SHARESIM_BENCH_LENGTHS")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.parse().ok())
        .collect();
    let budget = Duration::from_secs(
        std::env::var("SHARESIM_BENCH_SHRINK_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(300),
    );
    let pad_budget = Duration::from_secs(
        std::env::var("SHARESIM_BENCH_PAD_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(600),
    );
    let breakdown = std::env::var("SHARESIM_BENCH_BREAKDOWN").is_ok_and(|v| v == "1");
    let pad_check = match std::env::var("SHARESIM_BENCH_PAD_CHECK").as_deref() {
        Ok("steps") => PadCheck::Steps,
        Ok("chunks") | Err(_) => PadCheck::Chunks,
        Ok(other) => panic!("SHARESIM_BENCH_PAD_CHECK={other}: steps or chunks"),
    };
    let small = explore::world_spec();
    let mut spec = small.clone();
    spec.accounts
        .extend(["f", "g", "h", "i", "j"].iter().map(|a| Name::from(*a)));
    let checker = sharesim::checks(&spec.config.quotas);
    let Some((fault, calls, invariant)) =
        Fault::all().find_map(|fault| catch(fault, &small).map(|(c, i)| (fault, c, i)))
    else {
        println!("no fault of the zoo was caught: nothing to shrink");
        return;
    };
    println!(
        "fault {}: caught by {invariant} after {} calls",
        fault.name(),
        calls.len()
    );
    println!(
        "{:>8} {:>10} {:>10} {:>10} {:>8} {:>8} {:>12}",
        "length", "padding s", "wall s", "cpu s", "tests", "final", "out of time"
    );
    let broken = model(fault);
    for &n in &lengths {
        let pad_start = Instant::now();
        let pad_cpu_start = cpu::thread();
        let check_until = (pad_check, pad_start + pad_budget);
        let mut reached = 0;
        let padded = (0..5).find_map(|seed| {
            padded(
                &spec,
                n.saturating_sub(calls.len()),
                seed,
                (&calls, &invariant),
                (checker.as_ref(), &broken),
                check_until,
                &mut reached,
            )
        });
        let pad = pad_start.elapsed().as_secs_f64();
        let pad_cpu = cpu::thread() - pad_cpu_start;
        let Some(seq) = padded else {
            println!(
                "{n:>8} {pad:>10.2} no padding keeps the failure within the padding budget (skipped; {reached} padding calls drawn and checked)"
            );
            continue;
        };
        println!(
            "{:>8} padding of {} calls drawn and checked: {pad:.2} wall s, {pad_cpu:.2} CPU s",
            "",
            seq.len() - calls.len()
        );
        if breakdown {
            replay_breakdown(&spec, &seq, checker.as_ref(), &broken);
        }
        let start = Instant::now();
        let cpu_start = cpu::thread();
        let shrunk = sharesim::shrink::shrink_against(
            &spec,
            &seq,
            &invariant,
            checker.as_ref(),
            &broken,
            Some(&reference),
            budget,
        );
        let wall = start.elapsed().as_secs_f64();
        let cpu = cpu::thread() - cpu_start;
        match shrunk {
            Some(s) => {
                println!(
                    "{:>8} {pad:>10.2} {wall:>10.2} {cpu:>10.2} {:>8} {:>8} {:>12}",
                    seq.len(),
                    s.stats.tests,
                    s.calls.len(),
                    s.stats.out_of_time
                );
                let phases: Vec<String> = s
                    .stats
                    .phases
                    .iter()
                    .map(|(p, t)| format!("{p} {:.3}", t.as_secs_f64()))
                    .collect();
                let passes: Vec<String> = s
                    .stats
                    .passes
                    .iter()
                    .map(|(p, a, b)| format!("{p} {a}->{b}"))
                    .collect();
                println!(
                    "{:>8} wall s by phase: {}; {} full tests, {} fast rounds undone; passes: {}",
                    "",
                    phases.join(", "),
                    s.stats.full_tests,
                    s.stats.fast_undone,
                    passes.join(", ")
                );
            }
            None => println!(
                "{:>8} {pad:>10.2} {wall:>10.2} {cpu:>10.2} shrinking lost the failure",
                seq.len()
            ),
        }
    }
}
