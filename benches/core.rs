//! Core throughput: `World::apply` on a mixed, state-aware call stream, on the small, medium and
//! large worlds of `common` (docs/PERFORMANCE.md, "Core throughput").
//!
//! Each sample applies the whole stream to a fresh clone of the built world (the clone is not
//! timed), so every sample measures the same state transitions; divan reports calls per second
//! through the item counter. `cargo bench --bench core` runs it; `-- --list` lists the benches.

// PANIC SAFETY: benchmark code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{Built, Size};
use divan::counter::ItemsCount;
use sharesim_core::{Call, World};
use std::sync::OnceLock;

/// Calls per measured stream: 20,000 on every world (the large one too, since RAM stopped
/// cloning the world on every change; docs/PERFORMANCE.md).
fn stream_len(_size: &str) -> usize {
    20_000
}

fn main() {
    // The large world takes minutes to build: only when its bench is selected.
    let large = std::env::args().any(|a| a.contains("large"));
    for name in ["small", "medium", "large"] {
        if name == "large" && !large {
            continue;
        }
        let (built, stream) = fixture(name);
        eprintln!(
            "{name}: built with {} calls ({} rejected); stream of {} calls, {} succeed",
            built.calls,
            built.rejected,
            stream.len(),
            common::successes(&built.world, stream)
        );
    }
    divan::main();
}

/// The built world and the stream of `name`, built once per process.
fn fixture(name: &str) -> &'static (Built, Vec<Call>) {
    static SMALL: OnceLock<(Built, Vec<Call>)> = OnceLock::new();
    static MEDIUM: OnceLock<(Built, Vec<Call>)> = OnceLock::new();
    static LARGE: OnceLock<(Built, Vec<Call>)> = OnceLock::new();
    let cell = match name {
        "small" => &SMALL,
        "medium" => &MEDIUM,
        _ => &LARGE,
    };
    cell.get_or_init(|| {
        let size: Size = common::size(name);
        let built = common::build(size);
        let stream = common::Stream::new(size, 7).take(stream_len(name));
        (built, stream)
    })
}

/// `World::apply` over the stream; calls per second.
#[divan::bench(args = ["small", "medium", "large"], sample_count = 20, sample_size = 1)]
fn apply(bencher: divan::Bencher, size: &str) {
    let (built, stream) = fixture(size);
    bencher
        .counter(ItemsCount::new(stream.len()))
        .with_inputs(|| built.world.clone())
        .bench_local_values(|mut world: World| {
            for call in stream {
                divan::black_box(world.apply(call));
            }
            world
        });
}

/// `World::observe` on the built world (the explorer's per-step cost, see the explorer bench).
#[divan::bench(args = ["small", "medium"], sample_count = 50)]
fn observe(bencher: divan::Bencher, size: &str) {
    let (built, _) = fixture(size);
    bencher.bench_local(|| divan::black_box(built.world.observe()));
}

/// Cloning a built world (what the apply bench leaves out of its timing).
#[divan::bench(args = ["small", "medium"], sample_count = 20)]
fn clone_world(bencher: divan::Bencher, size: &str) {
    let (built, _) = fixture(size);
    bencher.bench_local(|| divan::black_box(built.world.clone()));
}
