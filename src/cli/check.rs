//! `sharesim check`: the main job. Every scenario with the invariant checker, then the explorer
//! for a time or step budget, then a summary table and an exit code CI can use.

use super::Format;
use super::finding::{FailureReport, ShrinkReport, print_json, reproduce};
use super::progress::Progress;
use crate::explore::{self, Budget, CampaignOptions};
use crate::regression;
use crate::scenario::{discover, load, run};
use serde::Serialize;
use sharesim_core::catalog::RULES;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Examples shown by `--help`.
pub const EXAMPLES: &str = "Examples:
  sharesim check                      # every scenario, then 30 s of exploration
  sharesim check --time 5m            # a longer exploration budget
  sharesim check --steps 20000        # a fixed, reproducible budget
  sharesim check --impl 'python3 adapter.py'   # also run conformance against an implementation
  sharesim check --fault import-copies --steps 20000   # a zoo fault: must fail with a shrunk scenario
  sharesim check --format json";

/// Arguments of `sharesim check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario directory.
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Exploration time budget (30s, 2m, 1h); ignored when --steps is given.
    #[arg(long, default_value = "30s", value_parser = super::parse_duration, allow_hyphen_values = true)]
    pub time: Duration,
    /// Exploration step budget (reproducible, unlike a time budget).
    #[arg(long)]
    pub steps: Option<usize>,
    /// The first explorer seed; seeds run in order from it.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Calls per explorer seed (at least 1).
    #[arg(long, default_value_t = 1000, value_parser = super::at_least_one)]
    pub steps_per_seed: usize,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also run the suite against this implementation (see `sharesim conform --help`).
    #[arg(long = "impl", value_name = "COMMAND")]
    pub implementation: Option<String>,
    /// Explore a broken model of the fault zoo instead of the reference model (see
    /// `sharesim selftest --list`); the run must fail and print the shrunk scenario.
    #[cfg(feature = "faults")]
    #[arg(long, value_parser = super::selftest::parse_fault)]
    pub fault: Option<sharesim_core::fault::Fault>,
    /// Time budget for shrinking an exploration failure.
    #[arg(long, default_value = "30s", value_parser = super::parse_duration, allow_hyphen_values = true)]
    pub shrink_time: Duration,
    /// How each explored step is checked: incremental (the default, several times faster:
    /// rejected and read-only calls are not re-observed, with sampled and end-of-seed
    /// verification, and a failure is confirmed in full mode) or full (every step observed and
    /// checked in full). Both report the same failures; see `explore::CheckMode`.
    #[arg(long, value_enum, default_value_t = explore::CheckMode::Incremental)]
    pub check_mode: explore::CheckMode,
    /// No progress display.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The outcome of running a scenario directory.
#[derive(Debug, Default, Serialize)]
pub struct Suite {
    /// Scenarios run.
    pub scenarios: usize,
    /// Scenarios that passed.
    pub passed: usize,
    /// Failures: scenario name to its failure lines (load errors included).
    pub failures: BTreeMap<String, Vec<String>>,
    /// Rule id to the scenarios whose steps it decided.
    pub reached: BTreeMap<&'static str, Vec<String>>,
    /// Calls applied.
    pub calls: usize,
}

/// Runs every scenario under `dir` with the invariant checker.
pub fn run_suite(dir: &Path) -> Result<Suite, String> {
    let files = discover(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if files.is_empty() {
        return Err(format!("no .ron scenario under {}", dir.display()));
    }
    let mut suite = Suite::default();
    for (name, path) in files {
        suite.scenarios += 1;
        let scenario = match load::load(&path) {
            Ok(s) => s,
            Err(e) => {
                suite.failures.insert(name, vec![e.to_string()]);
                continue;
            }
        };
        let checker = crate::checks(&scenario.world.config.quotas);
        let report = run::run(&scenario, &name, checker.as_ref());
        suite.calls += report.calls;
        for rule in &report.rules_hit {
            suite.reached.entry(rule).or_default().push(name.clone());
        }
        if report.failures.is_empty() {
            suite.passed += 1;
        } else {
            suite.failures.insert(name, report.failures);
        }
    }
    Ok(suite)
}

#[derive(Debug, Serialize)]
struct Summary {
    scenarios: usize,
    scenarios_passed: usize,
    rules_covered: usize,
    rules_total: usize,
    seed_rules_covered: usize,
    seed_rules_total: usize,
    explorer_seeds: Vec<u64>,
    steps_explored: usize,
    violations: usize,
    seconds: f64,
    failures: BTreeMap<String, Vec<String>>,
    explorer_failure: Option<ExplorerFailure>,
    conformance: Option<Conformance>,
}

/// The explorer's failure in the JSON summary: the step, how to reproduce it, the shrunk scenario.
#[derive(Debug, Serialize)]
struct ExplorerFailure {
    failure: FailureReport,
    shrink: ShrinkReport,
}

/// The conformance run in the JSON summary (its own report goes to stderr in JSON mode).
#[derive(Debug, Serialize)]
struct Conformance {
    implementation: String,
    exit_code: u8,
}

/// Runs the main job and returns the exit code: 0 when everything passed, 1 otherwise, 2 when
/// the suite could not be read.
pub fn main(args: &Args) -> i32 {
    let start = Instant::now();
    let suite = match run_suite(&args.scenarios) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut failures = suite.failures.clone();
    let mut rules: BTreeSet<&'static str> = suite.reached.keys().copied().collect();
    let campaign = explore_budget(args);
    rules.extend(campaign.rules_hit.iter().copied());
    let last_seed = args
        .seed
        .wrapping_add(campaign.seeds.saturating_sub(1) as u64);
    let seeds: Vec<u64> = if campaign.seeds == 0 {
        Vec::new()
    } else {
        vec![args.seed, last_seed]
    };
    let steps = campaign.steps;
    let explorer_failure = campaign.failure.as_ref().map(|f| {
        let failure = FailureReport::new(
            f,
            reproduce(
                f,
                args.steps_per_seed,
                fault_name(args),
                !explore::KNOWN_VIOLATIONS.is_empty(),
            ),
        );
        let shrink = shrunk_scenario(args, f);
        let mut lines = vec![
            format!(
                "step {} (swarm {}) on {} ({}): {}",
                failure.step,
                failure.swarm,
                failure.op.unwrap_or("?"),
                failure.outcome,
                failure.message
            ),
            format!("reproduce: {}", failure.reproduce),
        ];
        match (&shrink.error, &shrink.scenario) {
            (Some(e), _) => lines.push(e.clone()),
            (None, Some(text)) => lines.push(format!(
                "shrunk from {} to {} calls; the scenario:\n{text}",
                shrink.original_calls, shrink.shrunk_calls
            )),
            (None, None) => {}
        }
        failures.insert(format!("explorer seed {}", f.seed), lines);
        ExplorerFailure { failure, shrink }
    });
    let conformance = args.implementation.as_ref().map(|line| {
        let exit_code = conformance(args, line);
        if exit_code != 0 {
            failures.insert(
                format!("conformance of {line}"),
                vec![format!(
                    "sharesim conform exited with {exit_code} (its report is above{})",
                    if args.format == Format::Json {
                        ", on stderr"
                    } else {
                        ""
                    }
                )],
            );
        }
        Conformance {
            implementation: line.clone(),
            exit_code,
        }
    });
    let violations = failures.len();
    let summary = Summary {
        scenarios: suite.scenarios,
        scenarios_passed: suite.passed,
        rules_covered: RULES.iter().filter(|r| rules.contains(r.id)).count(),
        rules_total: RULES.len(),
        seed_rules_covered: RULES
            .iter()
            .filter(|r| r.seed && rules.contains(r.id))
            .count(),
        seed_rules_total: RULES.iter().filter(|r| r.seed).count(),
        explorer_seeds: seeds,
        steps_explored: steps,
        violations,
        seconds: start.elapsed().as_secs_f64(),
        failures,
        explorer_failure,
        conformance,
    };
    match args.format {
        Format::Json => print_json(&summary),
        Format::Human => print_human(&summary),
    }
    i32::from(summary.violations > 0)
}

fn print_human(s: &Summary) {
    for (name, lines) in &s.failures {
        println!("FAILED {name}");
        for line in lines {
            println!("  - {line}");
        }
    }
    let seeds = match (s.explorer_seeds.first(), s.explorer_seeds.last()) {
        (Some(a), Some(b)) => format!("seeds {a}..={b}"),
        _ => "no seeds".to_owned(),
    };
    println!();
    println!("sharesim check");
    println!(
        "  scenarios passed   {:>6} / {}",
        s.scenarios_passed, s.scenarios
    );
    println!(
        "  rules covered      {:>6} / {}",
        s.rules_covered, s.rules_total
    );
    println!(
        "  [SEED] rules       {:>6} / {}",
        s.seed_rules_covered, s.seed_rules_total
    );
    println!("  steps explored     {:>6} ({seeds})", s.steps_explored);
    println!("  violations         {:>6}", s.violations);
    println!("  time               {:>6.1} s", s.seconds);
    println!();
    println!("{}", if s.violations == 0 { "ok" } else { "FAILED" });
}

/// The model explored: the reference, or a fault of the zoo.
fn model(args: &Args) -> Box<dyn Fn(&sharesim_core::WorldSpec) -> sharesim_core::World> {
    #[cfg(feature = "faults")]
    if let Some(f) = args.fault {
        return Box::new(crate::selftest::model(f));
    }
    let _ = args;
    Box::new(explore::reference)
}

/// Runs the exploration budget with the checker after every step, showing progress.
fn explore_budget(args: &Args) -> explore::Campaign {
    let budget = match args.steps {
        Some(n) => Budget::Steps(n),
        None => Budget::Time(args.time),
    };
    if args.steps == Some(0) {
        return explore::Campaign::default();
    }
    let opts = CampaignOptions {
        first_seed: args.seed,
        budget,
        episode: args.steps_per_seed,
        swarm: None,
        check: args.check_mode,
    };
    let checker = crate::checks(&explore::world_spec().config.quotas);
    let model = model(args);
    let quiet = args.quiet || args.format == Format::Json;
    let mut progress = Progress::new("explore", budget, quiet);
    let campaign = explore::campaign(&opts, checker.as_ref(), model.as_ref(), &mut |c| {
        progress.tick(c, budget)
    });
    progress.finish();
    campaign
}

/// Shrinks an exploration failure and renders it as a regression scenario (not written: `check`
/// reports, `sharesim fuzz` writes).
fn shrunk_scenario(args: &Args, f: &explore::Failure) -> ShrinkReport {
    let checker = crate::checks(&explore::world_spec().config.quotas);
    let model = model(args);
    let spec = explore::world_spec();
    let provenance = regression::Provenance {
        driver: "explorer".to_owned(),
        seed: f.seed.to_string(),
        swarm: f.profile(),
    };
    match regression::shrink_and_write(
        regression::Failing {
            spec: &spec,
            calls: &f.calls,
            invariant: &f.invariant,
        },
        &provenance,
        checker.as_ref(),
        model.as_ref(),
        args.shrink_time,
        None,
    ) {
        Ok((shrunk, written)) => ShrinkReport::new(&shrunk, written, &provenance),
        Err(e) => ShrinkReport::failed(format!("shrinking failed: {e}")),
    }
}

/// The name of the zoo fault explored, if any.
fn fault_name(args: &Args) -> Option<&'static str> {
    #[cfg(feature = "faults")]
    if let Some(f) = args.fault {
        return Some(f.name());
    }
    let _ = args;
    None
}

/// Runs `sharesim conform` against the implementation with this command line.
fn conformance(args: &Args, line: &str) -> u8 {
    let conform_args = crate::conform::cli::ConformArgs {
        implementation: Some(line.to_owned()),
        impl_args: Vec::new(),
        cwd: None,
        scenarios: args.scenarios.clone(),
        seeds: 0,
        filter: None,
        format: crate::conform::cli::Format::Human,
        junit: None,
        matrix: None,
        force: false,
        call_timeout_ms: 10_000,
        total_timeout_s: 600,
        observe: crate::conform::runner::ObserveMode::EveryStep,
        lenient: false,
        no_shrink: false,
        print_schema: false,
    };
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    if args.format == Format::Json {
        // stdout carries only the JSON summary; the conformance report goes to stderr.
        let mut report = std::io::stderr();
        crate::conform::cli::conform_to(&conform_args, &mut report, &mut err)
    } else {
        crate::conform::cli::conform_to(&conform_args, &mut out, &mut err)
    }
}
