//! `sharesim selftest`: the explorer against every fault of the zoo; reports steps and seconds
//! to detection and the length of the shrunk scenario, and fails if any fault goes uncaught.

use crate::explore::Budget;
use crate::selftest::{self, FaultResult};
use sharesim_core::fault::Fault;
use std::time::Duration;

/// Examples shown by `--help`.
pub const EXAMPLES: &str = "Examples:
  sharesim selftest                          # every fault, up to 60 s each
  sharesim selftest --fault import-copies    # one fault
  sharesim selftest --runs 5                 # five detections per fault, medians reported
  sharesim selftest --list";

/// Arguments of `sharesim selftest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this fault.
    #[arg(long, value_parser = parse_fault)]
    pub fault: Option<Fault>,
    /// List the faults and exit.
    #[arg(long)]
    pub list: bool,
    /// Time budget per fault and run.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration, allow_hyphen_values = true)]
    pub time: Duration,
    /// Step budget per fault and run (reproducible; overrides --time).
    #[arg(long)]
    pub steps: Option<usize>,
    /// Detections per fault, from different first seeds (seed, seed + 1000, ...); medians are
    /// reported (at least 1).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,
    /// The first seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Time budget for shrinking each failure.
    #[arg(long, default_value = "30s", value_parser = super::parse_duration, allow_hyphen_values = true)]
    pub shrink_time: Duration,
    /// Report format.
    #[arg(long, value_enum, default_value_t = super::Format::Human)]
    pub format: super::Format,
}

/// Parses a fault name (`import-copies`).
pub fn parse_fault(s: &str) -> Result<Fault, String> {
    s.parse().map_err(|_| {
        let names: Vec<&str> = Fault::all().map(Fault::name).collect();
        format!("unknown fault {s:?}; the zoo has: {}", names.join(", "))
    })
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => xs.get(n / 2).copied().unwrap_or(0.0),
        _ => {
            (xs.get(n / 2 - 1).copied().unwrap_or(0.0) + xs.get(n / 2).copied().unwrap_or(0.0))
                / 2.0
        }
    }
}

#[derive(Debug, serde::Serialize)]
struct Row {
    fault: &'static str,
    caught: String,
    invariant: String,
    median_steps: f64,
    median_seconds: f64,
    median_shrunk_len: f64,
    median_shrink_seconds: f64,
}

/// Runs the self-test; exit code 1 if a fault is not caught.
pub fn main(args: &Args) -> i32 {
    if args.list {
        for f in Fault::all() {
            println!("{}", f.name());
        }
        return 0;
    }
    let budget = args.steps.map_or(Budget::Time(args.time), Budget::Steps);
    let faults: Vec<Fault> = match args.fault {
        Some(f) => vec![f],
        None => Fault::all().collect(),
    };
    let mut rows = Vec::new();
    let mut missed = 0;
    for fault in faults {
        let runs: Vec<FaultResult> = (0..args.runs)
            .map(|i| {
                selftest::run(
                    fault,
                    args.seed.wrapping_add(i * 1000),
                    budget,
                    args.shrink_time,
                )
            })
            .collect();
        let caught = runs.iter().filter(|r| r.caught).count();
        if caught < runs.len() {
            missed += 1;
        }
        // Medians over the runs that caught the fault; over all runs when none did.
        let of = |f: fn(&FaultResult) -> f64| {
            median(
                runs.iter()
                    .filter(|r| r.caught || caught == 0)
                    .map(f)
                    .collect(),
            )
        };
        let row = Row {
            fault: fault.name(),
            caught: format!("{caught}/{}", runs.len()),
            invariant: runs
                .iter()
                .find_map(|r| r.invariant.clone())
                .unwrap_or_else(|| "-".to_owned()),
            median_steps: of(|r| r.steps as f64),
            median_seconds: of(|r| r.seconds),
            median_shrunk_len: of(|r| r.shrunk_len.unwrap_or(0) as f64),
            median_shrink_seconds: of(|r| r.shrink_seconds),
        };
        if args.format == super::Format::Human {
            println!(
                "{:<36} caught {:>5}  {:>8} steps {:>7.2} s  shrunk to {:>3} calls in {:>5.2} s  [{}]",
                row.fault,
                row.caught,
                row.median_steps,
                row.median_seconds,
                row.median_shrunk_len,
                row.median_shrink_seconds,
                row.invariant
            );
        }
        rows.push(row);
    }
    match args.format {
        super::Format::Json => match serde_json::to_string_pretty(&rows) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("error: {e}"),
        },
        super::Format::Human => {
            println!();
            if missed == 0 {
                println!("selftest: every fault caught ({} faults)", rows.len());
            } else {
                println!(
                    "selftest: FAILED: {missed} of {} faults not caught in every run; if none was \
                     caught at all, the checker in force (`sharesim::checks`) may not check \
                     anything yet",
                    rows.len()
                );
            }
        }
    }
    i32::from(missed > 0)
}
