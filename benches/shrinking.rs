//! Shrinking cost by failure length (docs/PERFORMANCE.md, "Shrinking"): a planted bug of the
//! fault zoo is caught by the explorer, and its failing sequence is padded in front with
//! unrelated passing calls to 1,000, 10,000 and 100,000 steps, as if the explorer had found it
//! that late; the shrinker (`sharesim::shrink::shrink_against`, the self-test's shrinker) then
//! reduces each. Reports the time, the number of candidates tested and the final length.
//!
//! The padding is generated for five extra accounts (`f` to `j`) that the failing calls never
//! name, with entity names from its own counter, so it cannot be what makes the sequence fail;
//! each padded sequence is checked to fail the same invariant at its last step on the broken
//! model and to pass on the correct one before it is shrunk.
//!
//! `cargo bench --bench shrinking`; `SHARESIM_BENCH_LENGTHS=1000,10000` picks the lengths,
//! `SHARESIM_BENCH_SHRINK_SECONDS=300` the time budget per shrink.

// PANIC SAFETY: benchmark code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use arbitrary::Unstructured;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sharesim::explore::{self, BYTES_PER_CALL, Options, first_violation, reference};
use sharesim::generate::{Cat, Gen, Swarm};
use sharesim::selftest::model;
use sharesim_core::fault::Fault;
use sharesim_core::{Call, Name, WorldSpec};
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

/// `n` generated calls over the accounts `f` to `j` only, with names of their own.
fn padding(n: usize, seed: u64) -> Vec<Call> {
    let mut spec = explore::world_spec();
    spec.accounts = ["f", "g", "h", "i", "j"]
        .iter()
        .map(|a| Name::from(*a))
        .collect();
    let mut generator = Gen::for_world(&spec, Swarm::ALL);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut buf = [0u8; BYTES_PER_CALL];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        rng.fill_bytes(&mut buf);
        if let Ok(call) = generator.next_call(&mut Unstructured::new(&buf)) {
            let mut value = serde_json::to_value(&call).unwrap();
            rename(&mut value);
            out.push(serde_json::from_value(value).unwrap());
        }
    }
    out
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
        "{:>8} {:>10} {:>10} {:>8} {:>12}",
        "length", "seconds", "tests", "final", "out of time"
    );
    let broken = model(fault);
    for &n in &lengths {
        let mut padded = None;
        for seed in 0..20 {
            let mut seq = padding(n.saturating_sub(calls.len()), seed);
            seq.extend(calls.iter().cloned());
            let fails_last = first_violation(&spec, &seq, checker.as_ref(), &broken)
                .is_some_and(|(step, inv, ..)| step == seq.len() && inv == invariant);
            if fails_last && first_violation(&spec, &seq, checker.as_ref(), &reference).is_none() {
                padded = Some(seq);
                break;
            }
        }
        let Some(seq) = padded else {
            println!("{n:>8} no padding of this length keeps the failure (skipped)");
            continue;
        };
        let start = Instant::now();
        let shrunk = sharesim::shrink::shrink_against(
            &spec,
            &seq,
            &invariant,
            checker.as_ref(),
            &broken,
            Some(&reference),
            budget,
        );
        let seconds = start.elapsed().as_secs_f64();
        match shrunk {
            Some(s) => println!(
                "{:>8} {seconds:>10.2} {:>10} {:>8} {:>12}",
                seq.len(),
                s.stats.tests,
                s.calls.len(),
                s.stats.out_of_time
            ),
            None => println!(
                "{:>8} {seconds:>10.2} shrinking lost the failure",
                seq.len()
            ),
        }
    }
}
