//! `sharesim check`: the main job. Every scenario with the invariant checker, then the explorer
//! for a time or step budget, then a summary table and an exit code CI can use.

use super::Format;
use crate::explore;
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
  sharesim check --format json";

/// Arguments of `sharesim check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario directory.
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Exploration time budget (30s, 2m, 1h); ignored when --steps is given.
    #[arg(long, default_value = "30s", value_parser = super::parse_duration)]
    pub time: Duration,
    /// Exploration step budget (reproducible, unlike a time budget).
    #[arg(long)]
    pub steps: Option<usize>,
    /// The first explorer seed; seeds run in order from it.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Calls per explorer seed.
    #[arg(long, default_value_t = 1000)]
    pub steps_per_seed: usize,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
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
    let (mut seeds, mut steps) = (Vec::new(), 0usize);
    let explore_start = Instant::now();
    let mut seed = args.seed;
    loop {
        let done = match args.steps {
            Some(limit) => steps >= limit,
            None => explore_start.elapsed() >= args.time,
        };
        if done {
            break;
        }
        let budget = args
            .steps
            .map_or(args.steps_per_seed, |l| args.steps_per_seed.min(l - steps));
        let checker = crate::checks(&explore::world_spec().config.quotas);
        let report = explore::explore(seed, budget, checker.as_ref());
        seeds.push(seed);
        steps += report.steps;
        rules.extend(report.rules_hit.iter().copied());
        if let Some(f) = report.failure {
            failures.insert(
                format!("explorer seed {seed}"),
                vec![format!(
                    "step {}: {} {}\nreproduce: sharesim fuzz --seed {seed} --steps {}",
                    f.step, f.invariant, f.message, f.step
                )],
            );
        }
        seed += 1;
    }
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
    };
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&summary) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("error: {e}"),
        },
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
