//! Time and steps to detect each fault of the zoo (docs/PERFORMANCE.md, section 3), for three
//! drivers of the same broken core (`World::with_fault`) and the same invariant checker
//! (`sharesim::checks`, wrapped in `explore::Tolerant`), in one run on one machine:
//!
//! - `sharesim`: the explorer exactly as `sharesim selftest --runs N` runs it
//!   (`sharesim::selftest::run` from first seed `1000 * i`, shrinking switched off);
//! - `proptest`: a proptest-state-machine peer whose reference state is sharesim's own generator
//!   (`peer/proptest_sm.rs`): it compares only the drivers, so its ratio is about 1 by
//!   construction;
//! - `proptest-user`: the proptest-state-machine peer a user would write (`peer/proptest_user.rs`):
//!   strategies of its own per operation, weighted with sharesim's per-kind weights, names drawn
//!   from a reference state of what earlier transitions created, no swarm profiles and no chains;
//!   it compares what a user gets from sharesim with what the obvious hand-written test finds;
//! - `libfuzzer`: `cargo fuzz run -s none ops` with `SHARESIM_FAULT` naming the fault
//!   (`peer/libfuzzer.rs`).
//!
//! For each fault and seed the drivers run back to back, so that the machine's load falls on all
//! of them alike. A detection counts only if the correct model passes the failing calls. Each run
//! reports steps (calls applied to the broken model until the detection), wall seconds and CPU
//! seconds (this thread's scheduler runtime from /proc, or the `cargo fuzz run` process tree's
//! user and system time, of 10 ms resolution). Medians count a
//! run that did not catch the fault as slower than any that did (`>budget` when it is the
//! median); the ratio is sharesim's median over each other driver's (below 0.5 meets the issue's
//! "at least 2x sooner"). Against a missed median the ratio is a bound, from the wall or CPU time
//! the missed runs actually spent (under load a 5 s wall budget buys far less CPU).
//!
//! `cargo bench --bench peer`; environment:
//! - `SHARESIM_PEER_SEEDS` (10): seeds per fault and driver;
//! - `SHARESIM_PEER_SECONDS` (10): time budget per run;
//! - `SHARESIM_PEER_FUZZ_SECONDS` (as `SHARESIM_PEER_SECONDS`): libFuzzer's budget per run
//!   (`-max_total_time`, whole seconds);
//! - `SHARESIM_PEER_FUZZ_ARGS` (none): more libFuzzer flags, separated by spaces;
//! - `SHARESIM_PEER_FUZZ_CORPUS` (`regressions`): `empty` runs libFuzzer without the checked-in
//!   seed inputs of `fuzz/regressions/ops/`;
//! - `SHARESIM_PEER_FAULTS` (all): comma-separated fault names;
//! - `SHARESIM_PEER_DRIVERS` (`sharesim,proptest,proptest-user,libfuzzer`);
//! - `SHARESIM_PEER_MAX_LEN` (1000): the longest proptest case (both proptest peers);
//! - `SHARESIM_PEER_PHASES` (unset): `1` makes the generator-based peer switch swarm profile
//!   by the explorer's schedule (`Swarm::of_seed_at`) instead of keeping one per case.

// PANIC SAFETY: benchmark code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/cpu.rs"]
pub mod cpu;
#[path = "peer/libfuzzer.rs"]
mod libfuzzer;
#[path = "peer/proptest_sm.rs"]
mod proptest_sm;
#[path = "peer/proptest_user.rs"]
mod proptest_user;

use sharesim::explore::Budget;
use sharesim_core::fault::Fault;
use std::collections::BTreeMap;
use std::time::Duration;

/// What one driver's run against one fault found.
#[derive(Debug, Clone)]
pub struct Detection {
    /// Whether the planted bug was caught within the budget.
    pub caught: bool,
    /// Calls applied to the broken model until the detection (or in all).
    pub steps: usize,
    /// Wall seconds until the detection (or in all).
    pub seconds: f64,
    /// CPU seconds until the detection (or in all).
    pub cpu_seconds: f64,
    /// The invariant that caught it.
    pub invariant: String,
    /// Driver-specific counts, for the log.
    pub extra: String,
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The sharesim explorer, as `sharesim selftest` runs it. `selftest::run` reports the wall time
/// to detection; the CPU time is measured around the call, which also replays the failing
/// sequence once (the shrinker's check, with a zero budget), and is scaled by the share of the
/// wall time that went to detection.
fn sharesim_run(fault: Fault, seed: u64, budget: Duration) -> Detection {
    let wall = std::time::Instant::now();
    let cpu_start = cpu::thread();
    let r = sharesim::selftest::run(fault, seed * 1000, Budget::Time(budget), Duration::ZERO);
    let cpu_total = cpu::thread() - cpu_start;
    let wall_total = wall.elapsed().as_secs_f64();
    let share = if wall_total > 0.0 {
        (r.seconds / wall_total).min(1.0)
    } else {
        1.0
    };
    Detection {
        caught: r.caught,
        steps: r.steps,
        seconds: r.seconds,
        cpu_seconds: cpu_total * share,
        invariant: r.invariant.unwrap_or_default(),
        extra: format!("background={}", r.background),
    }
}

/// The median, counting runs that did not catch the fault as infinitely slow.
fn median(runs: &[Detection], value: fn(&Detection) -> f64) -> f64 {
    median_of(
        runs.iter()
            .map(|r| if r.caught { value(r) } else { f64::INFINITY })
            .collect(),
    )
}

/// A lower bound of the median: a run that did not catch the fault counts as what it spent
/// (its detection, had it come, would have taken longer). For CPU time this is the CPU the
/// missed run actually got, which under load is far less than the wall budget.
fn median_bound(runs: &[Detection], value: fn(&Detection) -> f64) -> f64 {
    median_of(runs.iter().map(value).collect())
}

fn median_of(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

fn show(x: f64, budget: &str) -> String {
    if x.is_infinite() {
        format!(">{budget}")
    } else if x >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}

/// `a / b`; a missed median is only known to exceed its lower bound (`a_bound`, `b_bound`, see
/// [`median_bound`]), so the ratio is a bound.
fn ratio(a: f64, b: f64, a_bound: f64, b_bound: f64) -> String {
    match (a.is_finite(), b.is_finite()) {
        (true, true) if b > 0.0 => format!("{:.3}", a / b),
        (true, true) => "-".to_owned(),
        (true, false) => format!("<{:.3}", a / b_bound),
        (false, true) => format!(">{:.3}", a_bound / b),
        (false, false) => "both missed".to_owned(),
    }
}

fn main() {
    let seeds: u64 = env("SHARESIM_PEER_SEEDS", 10);
    let budget = Duration::from_secs(env("SHARESIM_PEER_SECONDS", 10));
    let fuzz_budget = Duration::from_secs(env("SHARESIM_PEER_FUZZ_SECONDS", budget.as_secs()));
    let fuzz_args: Vec<String> = std::env::var("SHARESIM_PEER_FUZZ_ARGS")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let max_len: usize = env("SHARESIM_PEER_MAX_LEN", proptest_sm::MAX_LEN);
    let drivers: Vec<String> = std::env::var("SHARESIM_PEER_DRIVERS")
        .unwrap_or_else(|_| "sharesim,proptest,proptest-user,libfuzzer".into())
        .split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    for d in &drivers {
        assert!(
            ["sharesim", "proptest", "proptest-user", "libfuzzer"].contains(&d.as_str()),
            "unknown driver {d:?}"
        );
    }
    let faults: Vec<Fault> = match std::env::var("SHARESIM_PEER_FAULTS") {
        Ok(list) => list
            .split(',')
            .map(|s| {
                s.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("unknown fault {s:?}"))
            })
            .collect(),
        Err(_) => Fault::all().collect(),
    };
    let budget_text = format!("{}s", budget.as_secs());
    let scratch = std::env::temp_dir().join(format!("sharesim-peer-{}", std::process::id()));
    let fuzz_overhead = if drivers.iter().any(|d| d == "libfuzzer") {
        libfuzzer::build().unwrap_or_else(|e| panic!("{e}"));
        let o = libfuzzer::overhead(&scratch).unwrap_or_else(|e| panic!("{e}"));
        println!("libfuzzer: CPU seconds of a run without inputs (subtracted): {o:.2}");
        o
    } else {
        0.0
    };
    println!(
        "seeds {seeds}, budget {budget_text} per run (libFuzzer {}s, seed inputs {}, extra flags {fuzz_args:?}), proptest cases of 1..={max_len} calls, drivers {}",
        fuzz_budget.as_secs(),
        if libfuzzer::seeded() {
            "fuzz/regressions/ops"
        } else {
            "none"
        },
        drivers.join(",")
    );
    println!(
        "{:<36} {:>4} {:<13} {:>6} {:>8} {:>8} {:>8}  {:<10} extra",
        "fault", "seed", "driver", "caught", "steps", "wall s", "cpu s", "invariant"
    );
    let mut all: BTreeMap<(Fault, String), Vec<Detection>> = BTreeMap::new();
    for &fault in &faults {
        for seed in 0..seeds {
            for driver in &drivers {
                let d = match driver.as_str() {
                    "sharesim" => sharesim_run(fault, seed, budget),
                    "proptest" => proptest_sm::run(fault, seed, budget, max_len),
                    "proptest-user" => proptest_user::run(fault, seed, budget, max_len),
                    _ => libfuzzer::run(
                        fault.name(),
                        seed,
                        fuzz_budget,
                        &fuzz_args,
                        fuzz_overhead,
                        &scratch,
                    )
                    .unwrap_or_else(|e| panic!("{e}")),
                };
                println!(
                    "{:<36} {seed:>4} {driver:<13} {:>6} {:>8} {:>8.3} {:>8.2}  {:<10} {}",
                    fault.name(),
                    if d.caught { "yes" } else { "no" },
                    d.steps,
                    d.seconds,
                    d.cpu_seconds,
                    d.invariant,
                    d.extra
                );
                all.entry((fault, driver.clone())).or_default().push(d);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!();
    println!("medians over {seeds} seeds (a miss counts as slower than any detection)");
    println!(
        "{:<36} {:<13} {:>6} {:>9} {:>9} {:>9}",
        "fault", "driver", "caught", "steps", "wall s", "cpu s"
    );
    // (fault, driver) -> (wall median, CPU median, their lower bounds)
    let mut medians: BTreeMap<(Fault, &str), [f64; 4]> = BTreeMap::new();
    for &fault in &faults {
        for driver in &drivers {
            let runs = &all[&(fault, driver.clone())];
            let caught = runs.iter().filter(|r| r.caught).count();
            let steps = median(runs, |r| r.steps as f64);
            let w = median(runs, |r| r.seconds);
            let c = median(runs, |r| r.cpu_seconds);
            let bounds = (
                median_bound(runs, |r| r.seconds),
                median_bound(runs, |r| r.cpu_seconds),
            );
            medians.insert((fault, driver.as_str()), [w, c, bounds.0, bounds.1]);
            println!(
                "{:<36} {driver:<13} {:>6} {:>9} {:>9} {:>9}",
                fault.name(),
                format!("{caught}/{}", runs.len()),
                show(steps, "budget"),
                show(w, &budget_text),
                show(c, &budget_text),
            );
        }
    }
    if !drivers.iter().any(|d| d == "sharesim") {
        return;
    }
    for peer in drivers.iter().filter(|d| *d != "sharesim") {
        println!();
        println!("ratio of medians sharesim/{peer} (< 0.5: sharesim at least 2x sooner)");
        println!("{:<36} {:>16} {:>16}", "fault", "wall", "cpu");
        for &fault in &faults {
            let [sw, sc, swb, scb] = medians[&(fault, "sharesim")];
            let [pw, pc, pwb, pcb] = medians[&(fault, peer.as_str())];
            println!(
                "{:<36} {:>16} {:>16}",
                fault.name(),
                ratio(sw, pw, swb, pwb),
                ratio(sc, pc, scb, pcb)
            );
        }
    }
}
