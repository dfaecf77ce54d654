//! Explorer throughput with the invariant checker after every step (docs/PERFORMANCE.md,
//! "Explorer throughput"), in both check modes, and its parts measured apart: generating and
//! applying calls, the observation after a step, the full checker and the incremental one.
//!
//! Every world size runs the explorer itself (`explore::explore_from`, one seed per sample):
//! small is the five-account world of `explore::world_spec`, exactly what `sharesim check` runs
//! per seed (1,000-step episodes); medium (100 accounts, 1,000 resources) and large (10,000
//! accounts, 100,000 resources, nested OUs) start from the worlds of `common`, with the
//! generator drawing over their accounts. The large world is built only when a bench of it is
//! selected (`cargo bench --bench explorer -- large`), and its episodes are 50 steps.

// PANIC SAFETY: benchmark code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
#[path = "common/cpu.rs"]
mod cpu;

use divan::counter::ItemsCount;
use sharesim::explore::{self, CheckMode, Episode, Options};
use sharesim::step::StepOutcome;
use sharesim_core::{Call, Observation, World, WorldSpec};
use std::sync::OnceLock;

/// Steps per measured episode: the explorer's own on the small and medium worlds; fewer on the
/// large one, whose full observation costs seconds.
fn episode(size: &str) -> usize {
    if size == "large" { 50 } else { EPISODE }
}

/// Steps per measured episode of the small and medium worlds.
const EPISODE: usize = explore::EPISODE;

fn main() {
    // The large world takes long to build: only when a bench of it is selected.
    let large = std::env::args().any(|a| a.contains("large"));
    for name in ["small", "medium", "large"] {
        if name == "large" && !large {
            continue;
        }
        let t = std::time::Instant::now();
        let (world, _) = start(name);
        eprintln!(
            "{name}: start world built in {:.1} s ({} accounts)",
            t.elapsed().as_secs_f64(),
            world.accounts().count()
        );
    }
    divan::main();
    // Divan's figures are wall time, inflated on a shared machine; the explorer benches also
    // count the CPU time of their thread (docs/PERFORMANCE.md quotes these).
    let totals = CPU.lock().map(|t| t.clone()).unwrap_or_default();
    if !totals.is_empty() {
        eprintln!("steps per CPU second (all samples):");
    }
    for ((bench, size), (steps, secs)) in totals {
        eprintln!(
            "  {bench} {size}: {:.0} ({steps} steps in {secs:.2} s of CPU)",
            steps as f64 / secs
        );
    }
}

/// Steps and CPU seconds of every sample, by (bench, size).
type CpuTotals = std::collections::BTreeMap<(&'static str, String), (usize, f64)>;

/// The CPU totals of the explorer benches.
static CPU: std::sync::Mutex<CpuTotals> = std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Whether the benches of `size` are left out: those of the large world unless it was named
/// on the command line (a run of all of them takes tens of minutes).
fn skipped(size: &str) -> bool {
    size == "large" && !std::env::args().any(|a| a.contains("large"))
}

/// The world a run starts from and its spec.
fn start(size: &str) -> &'static (World, WorldSpec) {
    static SMALL: OnceLock<(World, WorldSpec)> = OnceLock::new();
    static MEDIUM: OnceLock<(World, WorldSpec)> = OnceLock::new();
    static LARGE: OnceLock<(World, WorldSpec)> = OnceLock::new();
    let built = |size: common::Size| {
        let built = common::build(size);
        assert_eq!(built.rejected, 0, "{} setup calls rejected", built.rejected);
        (built.world, common::spec(size))
    };
    match size {
        "small" => SMALL.get_or_init(|| {
            let spec = explore::world_spec();
            (World::new(&spec), spec)
        }),
        "medium" => MEDIUM.get_or_init(|| built(common::MEDIUM)),
        _ => LARGE.get_or_init(|| built(common::LARGE)),
    }
}

/// The generated calls of one episode from `seed` (generation needs no world).
fn calls(spec: &WorldSpec, seed: u64, steps: usize) -> Vec<Call> {
    Episode::new(spec, seed, None, steps)
        .map(|(_, call)| call)
        .collect()
}

/// One episode of the explorer (`explore::explore_from`: generate, apply, observe, check) from
/// the start world of `size`, seeds 1, 2, ... in turn. On the small world this is exactly what
/// `sharesim check` runs per seed.
fn episodes(bencher: divan::Bencher, size: &str, check: CheckMode) {
    if skipped(size) {
        return;
    }
    let (world, spec) = start(size);
    let checker = sharesim::checks(&spec.config.quotas);
    let steps = episode(size);
    let mut seed = 0u64;
    bencher.counter(ItemsCount::new(steps)).bench_local(|| {
        seed += 1;
        let opts = Options {
            check,
            ..Options::new(seed, steps)
        };
        let cpu_start = cpu::thread();
        let report = explore::explore_from(world, spec, &opts, checker.as_ref());
        let cpu = cpu::thread() - cpu_start;
        if let Ok(mut totals) = CPU.lock() {
            let bench = match check {
                CheckMode::Full => "explore_checked_full",
                CheckMode::Incremental => "explore_checked_incremental",
            };
            let entry = totals.entry((bench, size.to_owned())).or_default();
            entry.0 += report.steps;
            entry.1 += cpu;
        }
        if let Some(f) = &report.failure {
            eprintln!("{size} seed {seed}: {} at step {}", f.invariant, f.step);
        }
        divan::black_box(report.steps)
    });
}

/// The explorer with every step observed and checked in full. Steps per second.
#[divan::bench(args = ["small", "medium", "large"], sample_count = 10, sample_size = 1)]
fn explore_checked_full(bencher: divan::Bencher, size: &str) {
    episodes(bencher, size, CheckMode::Full);
}

/// The explorer in its default, incremental mode. Steps per second.
#[divan::bench(args = ["small", "medium", "large"], sample_count = 10, sample_size = 1)]
fn explore_checked_incremental(bencher: divan::Bencher, size: &str) {
    episodes(bencher, size, CheckMode::Incremental);
}

/// Generating and applying the same calls without observing or checking. Steps per second.
#[divan::bench(args = ["small", "medium", "large"], sample_count = 10, sample_size = 1)]
fn explore_apply_only(bencher: divan::Bencher, size: &str) {
    if skipped(size) {
        return;
    }
    let (world, spec) = start(size);
    let steps = episode(size);
    let mut seed = 0u64;
    bencher
        .counter(ItemsCount::new(steps))
        .with_inputs(|| world.clone())
        .bench_local_values(|mut world: World| {
            seed += 1;
            for (_, call) in Episode::new(spec, seed, None, steps) {
                divan::black_box(world.apply(&call));
            }
            world
        });
}

/// The state half-way through an episode: the world, the observation before the next call, the
/// call, its outcome and the observation after it.
fn mid_run(size: &str) -> &'static (World, Observation, Call, StepOutcome, Observation) {
    static SMALL: OnceLock<(World, Observation, Call, StepOutcome, Observation)> = OnceLock::new();
    static MEDIUM: OnceLock<(World, Observation, Call, StepOutcome, Observation)> = OnceLock::new();
    static LARGE: OnceLock<(World, Observation, Call, StepOutcome, Observation)> = OnceLock::new();
    let cell = match size {
        "small" => &SMALL,
        "medium" => &MEDIUM,
        _ => &LARGE,
    };
    cell.get_or_init(|| {
        let (world, spec) = start(size);
        let mut world = world.clone();
        let mut stream = calls(spec, 1, episode(size) / 2 + 1);
        let last = stream.pop().unwrap();
        for call in &stream {
            world.apply(call);
        }
        let before = world.observe();
        let outcome = StepOutcome::from(&world.clone().apply(&last));
        let mut after_world = world.clone();
        after_world.apply(&last);
        let after = after_world.observe();
        (world, before, last, outcome, after)
    })
}

/// `World::observe` half-way through an episode (once per step in full mode).
#[divan::bench(args = ["small", "medium", "large"], sample_count = 30)]
fn observe_mid_run(bencher: divan::Bencher, size: &str) {
    if skipped(size) {
        return;
    }
    let (world, ..) = mid_run(size);
    bencher.bench_local(|| divan::black_box(world.observe()));
}

/// The full checker on one step half-way through an episode.
#[divan::bench(args = ["small", "medium", "large"], sample_count = 30)]
fn check_step_mid_run(bencher: divan::Bencher, size: &str) {
    if skipped(size) {
        return;
    }
    let (_, before, call, outcome, after) = mid_run(size);
    let checker = sharesim::checks(&sharesim_core::Quotas::default());
    bencher.bench_local(|| divan::black_box(checker.check_step(before, call, outcome, after)));
}

/// The incremental checker on the same step taken as a rejected call (`check_unchanged`, what a
/// rejected or read-only step costs in incremental mode besides generate and apply).
#[divan::bench(args = ["small", "medium", "large"], sample_count = 30)]
fn check_unchanged_mid_run(bencher: divan::Bencher, size: &str) {
    if skipped(size) {
        return;
    }
    let (_, before, call, _, _) = mid_run(size);
    let checker = sharesim::checks(&sharesim_core::Quotas::default());
    let rejected = StepOutcome::Err {
        exception: "ValidationException".to_owned(),
    };
    bencher.bench_local(|| divan::black_box(checker.check_unchanged(before, call, &rejected)));
}
