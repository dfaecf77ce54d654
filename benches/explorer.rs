//! Explorer throughput with the invariant checker after every step (docs/PERFORMANCE.md,
//! "Explorer throughput"), and its parts measured apart: generating and applying calls, the
//! observation after a step, and the checker.
//!
//! small: the explorer exactly as `sharesim check` runs it (`sharesim::explore::explore`, the
//! five-account world of `explore::world_spec`, 1,000-step episodes). medium: the same step loop
//! (generator, apply, `World::observe`, `check_step`) on the 100-account, 1,000-resource world of
//! `common`, with the generator drawing over those 100 accounts.

// PANIC SAFETY: benchmark code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use arbitrary::Unstructured;
use divan::counter::ItemsCount;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sharesim::explore::{self, BYTES_PER_CALL};
use sharesim::generate::{Gen, Swarm};
use sharesim::step::StepOutcome;
use sharesim_core::{Call, Observation, World, WorldSpec};
use std::sync::OnceLock;

/// Steps per measured episode.
const EPISODE: usize = 1_000;

fn main() {
    divan::main();
}

/// The world a run starts from and its spec.
fn start(size: &str) -> &'static (World, WorldSpec) {
    static SMALL: OnceLock<(World, WorldSpec)> = OnceLock::new();
    static MEDIUM: OnceLock<(World, WorldSpec)> = OnceLock::new();
    match size {
        "small" => SMALL.get_or_init(|| {
            let spec = explore::world_spec();
            (World::new(&spec), spec)
        }),
        _ => MEDIUM.get_or_init(|| {
            let built = common::build(common::MEDIUM);
            (built.world, common::spec(common::MEDIUM))
        }),
    }
}

/// The generated calls of one episode from `seed` (generation needs no world).
fn calls(spec: &WorldSpec, seed: u64, steps: usize) -> Vec<Call> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut generator = Gen::for_world(spec, Swarm::from_seed(seed));
    let mut buf = [0u8; BYTES_PER_CALL];
    let mut out = Vec::with_capacity(steps);
    for _ in 0..steps {
        rng.fill_bytes(&mut buf);
        if let Ok(call) = generator.next_call(&mut Unstructured::new(&buf)) {
            out.push(call);
        }
    }
    out
}

/// The full step loop: generate, apply, observe, check. Steps per second.
#[divan::bench(args = ["small", "medium"], sample_count = 10, sample_size = 1)]
fn explore_checked(bencher: divan::Bencher, size: &str) {
    let (world, spec) = start(size);
    let checker = sharesim::checks(&spec.config.quotas);
    let mut seed = 0u64;
    bencher
        .counter(ItemsCount::new(EPISODE))
        .with_inputs(|| world.clone())
        .bench_local_values(|mut world: World| {
            seed += 1;
            if size == "small" {
                // The explorer itself, as `sharesim check` runs it.
                return divan::black_box(explore::explore(seed, EPISODE, checker.as_ref())).steps;
            }
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut generator = Gen::for_world(spec, Swarm::from_seed(seed));
            let mut buf = [0u8; BYTES_PER_CALL];
            let mut before = world.observe();
            let mut steps = 0;
            for _ in 0..EPISODE {
                rng.fill_bytes(&mut buf);
                let Ok(call) = generator.next_call(&mut Unstructured::new(&buf)) else {
                    continue;
                };
                let outcome = StepOutcome::from(&world.apply(&call));
                let after = world.observe();
                if !checker
                    .check_step(&before, &call, &outcome, &after)
                    .is_empty()
                {
                    break;
                }
                before = after;
                steps += 1;
            }
            steps
        });
}

/// Generating and applying the same calls without observing or checking. Steps per second.
#[divan::bench(args = ["small", "medium"], sample_count = 10, sample_size = 1)]
fn explore_apply_only(bencher: divan::Bencher, size: &str) {
    let (world, spec) = start(size);
    let mut seed = 0u64;
    bencher
        .counter(ItemsCount::new(EPISODE))
        .with_inputs(|| world.clone())
        .bench_local_values(|mut world: World| {
            seed += 1;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut generator = Gen::for_world(spec, Swarm::from_seed(seed));
            let mut buf = [0u8; BYTES_PER_CALL];
            for _ in 0..EPISODE {
                rng.fill_bytes(&mut buf);
                if let Ok(call) = generator.next_call(&mut Unstructured::new(&buf)) {
                    divan::black_box(world.apply(&call));
                }
            }
            world
        });
}

/// The state half-way through an episode: the world, the observation before the next call, the
/// call, its outcome and the observation after it.
fn mid_run(size: &str) -> &'static (World, Observation, Call, StepOutcome, Observation) {
    static SMALL: OnceLock<(World, Observation, Call, StepOutcome, Observation)> = OnceLock::new();
    static MEDIUM: OnceLock<(World, Observation, Call, StepOutcome, Observation)> = OnceLock::new();
    let cell = if size == "small" { &SMALL } else { &MEDIUM };
    cell.get_or_init(|| {
        let (world, spec) = start(size);
        let mut world = world.clone();
        let mut stream = calls(spec, 1, EPISODE / 2 + 1);
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

/// `World::observe` half-way through an episode (once per step in the explorer).
#[divan::bench(args = ["small", "medium"], sample_count = 30)]
fn observe_mid_run(bencher: divan::Bencher, size: &str) {
    let (world, ..) = mid_run(size);
    bencher.bench_local(|| divan::black_box(world.observe()));
}

/// The checker on one step half-way through an episode.
#[divan::bench(args = ["small", "medium"], sample_count = 30)]
fn check_step_mid_run(bencher: divan::Bencher, size: &str) {
    let (_, before, call, outcome, after) = mid_run(size);
    let checker = sharesim::checks(&sharesim_core::Quotas::default());
    bencher.bench_local(|| divan::black_box(checker.check_step(before, call, outcome, after)));
}
