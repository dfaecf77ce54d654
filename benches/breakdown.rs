//! Where `World::apply` spends its time: the core throughput stream of `common`, timed call by
//! call and summed per operation kind, for building the world and for the measured stream, plus
//! one `World::observe` of the final state. This is the profile that docs/PERFORMANCE.md cites
//! for the per-call costs (not a statistical benchmark: one pass, wall-clock per call).
//!
//! `cargo bench --bench breakdown` runs the small and medium worlds;
//! `SHARESIM_BENCH_SIZES=small,medium,large` adds the large one (slow: see PERFORMANCE.md);
//! `SHARESIM_BENCH_STREAM=2000` sets the stream length (20,000 by default);
//! `SHARESIM_BENCH_OBSERVE=0` skips the final observation;
//! `SHARESIM_BENCH_CPU_REPEAT=10` also applies the stream to 10 fresh copies of the built world
//! without per-call timing and prints the fastest and the median CPU time of the calling thread
//! (the figure to compare on a shared machine, where wall time is inflated by other processes).

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

use sharesim_core::{Call, World};
use std::collections::BTreeMap;
use std::time::Instant;

/// Per-kind totals: calls, successes, seconds.
type Totals = BTreeMap<&'static str, (usize, usize, f64)>;

fn run(world: &mut World, calls: &[Call]) -> (Totals, f64) {
    let mut totals = Totals::new();
    let start = Instant::now();
    for call in calls {
        let t = Instant::now();
        let ok = world.apply(call).result.is_ok();
        let e = totals.entry(call.op.kind().into()).or_default();
        e.0 += 1;
        e.1 += usize::from(ok);
        e.2 += t.elapsed().as_secs_f64();
    }
    (totals, start.elapsed().as_secs_f64())
}

fn print(title: &str, totals: &Totals, seconds: f64) {
    let calls: usize = totals.values().map(|t| t.0).sum();
    println!(
        "{title}: {calls} calls in {seconds:.3} s = {:.0} calls/s, {:.2} us/call",
        calls as f64 / seconds,
        seconds / calls as f64 * 1e6
    );
    let mut rows: Vec<_> = totals.iter().collect();
    rows.sort_by(|a, b| b.1.2.total_cmp(&a.1.2));
    println!(
        "  {:<36} {:>7} {:>7} {:>12} {:>7}",
        "kind", "calls", "ok", "us/call", "share"
    );
    for (kind, (n, ok, s)) in rows {
        println!(
            "  {kind:<36} {n:>7} {ok:>7} {:>12.2} {:>6.1}%",
            s / *n as f64 * 1e6,
            s / seconds * 100.0
        );
    }
}

/// Applies `calls` to `repeat` fresh copies of `built` and prints the fastest and the median CPU
/// time of this thread per pass (the copy is made outside the measurement).
fn cpu_repeat(built: &World, calls: &[Call], repeat: usize) {
    let mut passes = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        let mut world = built.clone();
        let start = cpu::thread();
        for call in calls {
            std::hint::black_box(world.apply(call));
        }
        passes.push(cpu::thread() - start);
        drop(world);
    }
    passes.sort_by(f64::total_cmp);
    let fastest = passes[0];
    let median = passes[passes.len() / 2];
    println!(
        "stream CPU time over {repeat} passes: fastest {:.1} ms = {:.0} calls per CPU second \
         ({:.2} us/call); median {:.1} ms = {:.0} calls per CPU second",
        fastest * 1e3,
        calls.len() as f64 / fastest,
        fastest / calls.len() as f64 * 1e6,
        median * 1e3,
        calls.len() as f64 / median
    );
}

fn main() {
    let sizes = std::env::var("SHARESIM_BENCH_SIZES").unwrap_or_else(|_| "small,medium".into());
    let stream_len: usize = std::env::var("SHARESIM_BENCH_STREAM")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let observe = std::env::var("SHARESIM_BENCH_OBSERVE").map_or(true, |v| v != "0");
    let repeat: usize = std::env::var("SHARESIM_BENCH_CPU_REPEAT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for name in sizes.split(',').filter(|s| !s.is_empty()) {
        // `cargo bench` passes `--bench`; any other argument is ignored.
        let size = common::size(name);
        println!("== {name}: {} accounts", size.accounts);
        let mut world = World::new(&common::spec(size));
        let setup = common::setup_calls(size);
        let (totals, seconds) = run(&mut world, &setup);
        print("build", &totals, seconds);
        let stream = common::Stream::new(size, 7).take(stream_len);
        let built = world.clone();
        let (totals, seconds) = run(&mut world, &stream);
        print("stream", &totals, seconds);
        if observe {
            let t = Instant::now();
            let obs = world.observe();
            println!(
                "observe after the stream: {:.3} ms",
                t.elapsed().as_secs_f64() * 1e3
            );
            drop(obs);
        }
        if repeat > 0 {
            cpu_repeat(&built, &stream, repeat);
        }
        println!();
    }
}
