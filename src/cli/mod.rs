//! The `sharesim` command line: one file per subcommand, each with its clap arguments and a
//! function that returns the process exit code.

pub mod check;
pub mod coverage;
pub mod finding;
pub mod fuzz;
pub mod import_crash;
pub mod progress;
pub mod run;
#[cfg(feature = "faults")]
pub mod selftest;

use clap::{Parser, Subcommand, ValueEnum};

/// Deterministic scenario harness, fuzzer and conformance runner for cross-account sharing
/// (AWS Service Catalog portfolio sharing; EC2 Image Builder sharing through AWS RAM).
#[derive(Debug, Parser)]
#[command(name = "sharesim", version, about, long_about = None)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: every scenario, the invariant checker, and an explorer budget.
    #[command(after_help = check::EXAMPLES)]
    Check(check::Args),
    /// Run scenario files and print their traces.
    #[command(after_help = run::EXAMPLES)]
    Run(run::Args),
    /// Which scenarios reach each rule id; fails if a `[SEED]` rule is unreached.
    #[command(after_help = coverage::EXAMPLES)]
    Coverage(coverage::Args),
    /// Serve the reference model over the conformance protocol on stdin/stdout.
    #[command(after_help = crate::conform::cli::SERVE_EXAMPLES)]
    Serve(crate::conform::cli::ServeArgs),
    /// Run the suite against another implementation in lockstep with the reference model.
    #[command(after_help = crate::conform::cli::CONFORM_EXAMPLES)]
    Conform(crate::conform::cli::ConformArgs),
    /// The seeded explorer: generated calls, shrinking of failures, determinism audit.
    #[command(after_help = fuzz::EXAMPLES)]
    Fuzz(fuzz::Args),
    /// Explore every fault of the zoo and report how fast the checker catches it.
    #[cfg(feature = "faults")]
    #[command(after_help = selftest::EXAMPLES)]
    Selftest(selftest::Args),
    /// Turn a libFuzzer crash artifact of the `ops` target into a regression scenario.
    #[command(after_help = import_crash::EXAMPLES)]
    ImportCrash(import_crash::Args),
}

/// Output formats of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Text for people.
    #[default]
    Human,
    /// JSON for machines.
    Json,
}

/// Runs the parsed command line and returns the exit code.
pub fn main(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check::main(&args),
        Command::Run(args) => run::main(&args),
        Command::Coverage(args) => coverage::main(&args),
        Command::Serve(args) => i32::from(crate::conform::cli::serve(&args)),
        Command::Conform(args) => i32::from(crate::conform::cli::conform(&args)),
        Command::Fuzz(args) => fuzz::main(&args),
        #[cfg(feature = "faults")]
        Command::Selftest(args) => selftest::main(&args),
        Command::ImportCrash(args) => import_crash::main(&args),
    }
}

/// Whether colour may be used on stdout: a terminal, and `NO_COLOR` unset (no-color.org).
pub fn colour() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Parses a duration such as `30s`, `2m`, `1h` or `500ms`.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit())
        .map_or((s, "s"), |i| s.split_at(i));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: expected a number and a unit (30s, 2m)"))?;
    let secs = |k: u64| std::time::Duration::from_secs(n.saturating_mul(k));
    match unit {
        "ms" => Ok(std::time::Duration::from_millis(n)),
        "s" | "" => Ok(secs(1)),
        "m" => Ok(secs(60)),
        "h" => Ok(secs(3600)),
        other => Err(format!(
            "invalid duration unit {other:?} in {s:?}: use ms, s, m or h"
        )),
    }
}

/// Parses a count that must be at least 1 (calls per seed, episodes): 0 would silently mean
/// something else, so it is refused with a message instead.
pub fn at_least_one(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "invalid count {s:?}: expected a whole number of at least 1"
        )),
    }
}
