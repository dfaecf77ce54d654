//! `sharesim coverage`: which scenarios reach each rule id. A rule is reached when it decided
//! the outcome of some step; claiming it in a scenario's `rules` is not enough.

use super::Format;
use super::check::run_suite;
use sharesim_core::catalog::RULES;
use std::path::PathBuf;

/// Examples shown by `--help`.
pub const EXAMPLES: &str = "Examples:
  sharesim coverage
  sharesim coverage --format json";

/// Arguments of `sharesim coverage`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario directory.
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Prints the coverage report; exit code 1 if a `[SEED]` rule is reached by no scenario.
pub fn main(args: &Args) -> i32 {
    let suite = match run_suite(&args.scenarios) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let unreached_seed: Vec<&str> = RULES
        .iter()
        .filter(|r| r.seed && !suite.reached.contains_key(r.id))
        .map(|r| r.id)
        .collect();
    match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "reached": suite.reached,
                "unreached": RULES.iter().filter(|r| !suite.reached.contains_key(r.id)).map(|r| r.id).collect::<Vec<_>>(),
                "unreached_seed": unreached_seed,
            });
            println!("{json:#}");
        }
        Format::Human => {
            for rule in RULES {
                let tag = if rule.seed { " [SEED]" } else { "" };
                match suite.reached.get(rule.id) {
                    Some(names) => println!("{}{tag}: {}", rule.id, names.join(", ")),
                    None => println!("{}{tag}: (unreached) {}", rule.id, rule.title),
                }
            }
            println!();
            println!(
                "{} of {} rules reached; [SEED] rules unreached: {}",
                suite.reached.len(),
                RULES.len(),
                if unreached_seed.is_empty() {
                    "none".to_owned()
                } else {
                    unreached_seed.join(" ")
                }
            );
        }
    }
    i32::from(!unreached_seed.is_empty())
}
