//! The libFuzzer driver: `cargo fuzz run -s none ops` on the broken core.
//!
//! The fault is selected by the environment variable `SHARESIM_FAULT`, which the target's body
//! (`sharesim::fuzzing::ops_target`) reads once; the target itself stays glue. A run gets a fresh,
//! empty corpus and artifact directory, `-seed=N` (libFuzzer's seed 0 means "random", so the
//! bench passes `seed + 1`) and `-max_total_time`; libFuzzer's other options keep their
//! defaults. By default the checked-in inputs of `fuzz/regressions/ops/` are read as seeds, as
//! `.ci/fuzz` runs the target; with no seeds (`SHARESIM_PEER_FUZZ_CORPUS=empty`, a user's first
//! `cargo fuzz run`) libFuzzer starts from one-byte inputs and grows them slowly
//! (`-len_control`), and in a few seconds rarely reaches a sequence long enough for a fault.
//!
//! Timing: cargo's up-to-date check and the process start are not the fuzzer's work, so wall
//! time runs from the first line libFuzzer prints (`INFO: ...`) to the line of the panic message
//! that reports the violation, both stamped as they arrive on the pipe. CPU time is the
//! children's user and system time of the whole `cargo fuzz run` (cargo included), less the
//! median CPU time of a run that executes no input (`-runs=0`), measured once per bench run.
//! Steps are the calls replayed against the broken model, which the target's body counts and
//! prints with the violation.

use crate::{Detection, cpu};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The fuzz crate's directory.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// Builds the `ops` target once (`cargo fuzz build -s none ops`), so that runs only check it.
pub fn build() -> Result<(), String> {
    let status = Command::new("cargo")
        .args(["fuzz", "build", "-s", "none", "ops"])
        .current_dir(fuzz_dir())
        .status()
        .map_err(|e| format!("cannot run cargo fuzz (cargo install cargo-fuzz --locked): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo fuzz build -s none ops failed: {status}"))
    }
}

/// What one `cargo fuzz run` printed and cost.
struct Outcome {
    /// From the first libFuzzer line to the violation, or to the exit.
    seconds: f64,
    /// CPU seconds of the whole command (children's time).
    cpu_seconds: f64,
    /// Calls replayed when the violation was reported.
    steps: Option<usize>,
    /// The violated invariant.
    invariant: Option<String>,
    /// Inputs executed (`stat::number_of_executed_units`).
    executed: Option<u64>,
}

/// Whether runs read `fuzz/regressions/ops/` as seeds (`SHARESIM_PEER_FUZZ_CORPUS`, `regressions`
/// by default, or `empty`).
pub fn seeded() -> bool {
    std::env::var("SHARESIM_PEER_FUZZ_CORPUS").map_or(true, |v| v != "empty")
}

fn cargo_fuzz_run(fault: Option<&str>, args: &[String], scratch: &Path) -> Result<Outcome, String> {
    let corpus = scratch.join("corpus");
    let artifacts = scratch.join("artifacts");
    for d in [&corpus, &artifacts] {
        std::fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let mut cmd = Command::new("cargo");
    cmd.args(["fuzz", "run", "-s", "none", "ops"]).arg(&corpus);
    if seeded() {
        // After the scratch corpus: libFuzzer writes new inputs into the first directory only.
        cmd.arg(fuzz_dir().join("regressions").join("ops"));
    }
    cmd.arg("--")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        .args(args)
        .current_dir(fuzz_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove(sharesim::fuzzing::FAULT_ENV);
    if let Some(fault) = fault {
        cmd.env(sharesim::fuzzing::FAULT_ENV, fault);
    }
    let cpu_start = cpu::children();
    let mut child = cmd.spawn().map_err(|e| format!("cargo fuzz run: {e}"))?;
    let stderr = child.stderr.take().ok_or("no stderr pipe")?;
    let mut started: Option<Instant> = None;
    let mut detected: Option<Instant> = None;
    let mut steps = None;
    let mut invariant = None;
    let mut executed = None;
    let mut expect_message = false;
    let mut tail: Vec<String> = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        let now = Instant::now();
        if started.is_none() && line.starts_with("INFO: ") {
            started = Some(now);
        }
        if expect_message {
            // The line after "panicked at file:line:col:" starts the message: "INV-xx at step N: ...".
            invariant = line.split(" at step ").next().map(str::to_owned);
            expect_message = false;
        }
        if line.contains("panicked at") {
            expect_message = true;
        }
        if let Some(n) = line.strip_suffix(" calls replayed in this process") {
            detected.get_or_insert(now);
            steps = n.trim().parse().ok();
        }
        if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            executed = n.trim().parse().ok();
        }
        if line.contains("is not a fault of the zoo") {
            return Err(line);
        }
        tail.push(line);
        if tail.len() > 20 {
            tail.remove(0);
        }
    }
    let status = child.wait().map_err(|e| format!("cargo fuzz run: {e}"))?;
    let end = Instant::now();
    let cpu_seconds = cpu::children() - cpu_start;
    let Some(started) = started else {
        return Err(format!(
            "cargo fuzz run printed no libFuzzer line ({status}):\n{}",
            tail.join("\n")
        ));
    };
    if detected.is_none() && !status.success() {
        return Err(format!(
            "cargo fuzz run failed without a violation ({status}):\n{}",
            tail.join("\n")
        ));
    }
    Ok(Outcome {
        seconds: (detected.unwrap_or(end) - started).as_secs_f64(),
        cpu_seconds,
        steps,
        invariant,
        executed,
    })
}

/// The CPU seconds of a `cargo fuzz run` that executes no input: cargo's check, the process
/// start and libFuzzer's initialisation (median of three).
pub fn overhead(scratch: &Path) -> Result<f64, String> {
    let mut xs = Vec::new();
    for i in 0..3 {
        let dir = scratch.join(format!("overhead-{i}"));
        let o = cargo_fuzz_run(None, &["-runs=0".to_owned()], &dir)?;
        xs.push(o.cpu_seconds);
        let _ = std::fs::remove_dir_all(&dir);
    }
    xs.sort_by(f64::total_cmp);
    Ok(xs[1])
}

/// Runs libFuzzer against `fault` with `-seed=seed+1` for at most `budget`, with `extra` flags.
pub fn run(
    fault: &str,
    seed: u64,
    budget: Duration,
    extra: &[String],
    overhead: f64,
    scratch: &Path,
) -> Result<Detection, String> {
    let dir = scratch.join(format!("{fault}-{seed}"));
    let mut args = vec![
        format!("-seed={}", seed + 1),
        format!("-max_total_time={}", budget.as_secs().max(1)),
    ];
    args.extend(extra.iter().cloned());
    let o = cargo_fuzz_run(Some(fault), &args, &dir)?;
    let _ = std::fs::remove_dir_all(&dir);
    let caught = o.steps.is_some();
    Ok(Detection {
        caught,
        steps: o.steps.unwrap_or(0),
        seconds: o.seconds,
        cpu_seconds: (o.cpu_seconds - overhead).max(0.0),
        invariant: o.invariant.unwrap_or_default(),
        extra: format!(
            "inputs={}",
            o.executed.map_or("?".to_owned(), |n| n.to_string())
        ),
    })
}
