//! `sharesim run <file|dir>`: run scenarios and print their traces.

use crate::scenario::{discover, load, run};
use std::path::PathBuf;

/// Examples shown by `--help`.
pub const EXAMPLES: &str = "Examples:
  sharesim run scenarios/sc/share_import_and_launch.ron
  sharesim run scenarios/ib";

/// Arguments of `sharesim run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A scenario file or a directory of them.
    pub path: PathBuf,
}

/// Runs the scenarios and prints each trace; exit code 1 if any fails or cannot be loaded.
pub fn main(args: &Args) -> i32 {
    let files = match discover(&args.path) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!("error: no .ron scenario under {}", args.path.display());
            return 2;
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.path.display());
            return 2;
        }
    };
    let mut failed = 0;
    for (name, path) in &files {
        let scenario = match load::load(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
                continue;
            }
        };
        let checker = crate::checks(&scenario.world.config.quotas);
        let report = run::run(&scenario, name, checker.as_ref());
        println!("{}", report.trace);
        if !report.failures.is_empty() {
            failed += 1;
            let mark = if super::colour() {
                "\x1b[31mFAILED\x1b[0m"
            } else {
                "FAILED"
            };
            println!("{mark} {name}:");
            for f in &report.failures {
                println!("  - {f}");
            }
        }
    }
    println!("{} scenarios, {} failed", files.len(), failed);
    i32::from(failed > 0)
}
