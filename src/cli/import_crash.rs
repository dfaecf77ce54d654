//! `sharesim import-crash <artifact>`: a libFuzzer crash artifact of the `ops` target becomes a
//! shrunk regression scenario, exactly like an explorer failure.

use crate::regression::{self, Written};
use std::path::PathBuf;
use std::time::Duration;

/// Examples shown by `--help`.
pub const EXAMPLES: &str = "Examples:
  sharesim import-crash fuzz/artifacts/ops/crash-0123abcd
  sharesim import-crash fuzz/artifacts/ops/crash-0123abcd --no-write";

/// Arguments of `sharesim import-crash`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The artifact (bytes as libFuzzer wrote them).
    pub artifact: PathBuf,
    /// Where to write the regression.
    #[arg(long, default_value = regression::DIR)]
    pub out: PathBuf,
    /// Print the shrunk scenario instead of writing it.
    #[arg(long)]
    pub no_write: bool,
    /// Time budget for shrinking.
    #[arg(long, default_value = "60s", value_parser = super::parse_duration)]
    pub shrink_time: Duration,
}

/// Imports the artifact; exit code 0 when a regression was written (or printed), 1 when the
/// artifact does not fail, 2 when it cannot be read.
pub fn main(args: &Args) -> i32 {
    let data = match std::fs::read(&args.artifact) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {}: {e}", args.artifact.display());
            return 2;
        }
    };
    let name = args.artifact.file_name().map_or_else(
        || "artifact".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let dir = (!args.no_write).then_some(args.out.as_path());
    match crate::fuzzing::import_crash(
        &name,
        &data,
        &crate::explore::reference,
        args.shrink_time,
        dir,
    ) {
        Ok((shrunk, written)) => {
            println!(
                "{name}: {} fails; shrunk {} calls to {}",
                shrunk.invariant,
                shrunk.stats.original,
                shrunk.calls.len()
            );
            match written {
                Some(Written::New(p)) => println!("wrote {}", p.display()),
                Some(Written::Duplicate(p)) => {
                    println!("duplicate of {} (same signature), not written", p.display())
                }
                None => {
                    let found_by = crate::scenario::FoundBy {
                        driver: "libfuzzer".to_owned(),
                        seed: name,
                        swarm: String::new(),
                        commit: regression::commit(),
                        failure: shrunk.invariant.clone(),
                        explanation: regression::first_sentence(&shrunk.message),
                    };
                    match regression::render(&regression::scenario(&shrunk, found_by)) {
                        Ok(text) => println!("{text}"),
                        Err(e) => eprintln!("error: {e}"),
                    }
                }
            }
            0
        }
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}
