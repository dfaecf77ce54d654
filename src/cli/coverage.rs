//! `sharesim coverage`: which scenarios reach each rule id. A rule is reached when it decided
//! the outcome of some step; claiming it in a scenario's `rules` is not enough. For a rule no
//! step is decided by, the report names the scenarios that claim it (statement rules and
//! checker-only invariants are only ever claimed; tests/it/tidy.rs says which must be reached).

use super::Format;
use super::check::run_suite;
use sharesim_core::catalog::RULES;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    let claimed = claims(&args.scenarios);
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
                "claimed_unreached": RULES
                    .iter()
                    .filter(|r| !suite.reached.contains_key(r.id))
                    .filter_map(|r| claimed.get(r.id).map(|c| (r.id, c)))
                    .collect::<BTreeMap<_, _>>(),
            });
            println!("{json:#}");
        }
        Format::Human => {
            for rule in RULES {
                let tag = if rule.seed { " [SEED]" } else { "" };
                match suite.reached.get(rule.id) {
                    Some(names) => println!("{}{tag}: {}", rule.id, names.join(", ")),
                    None => match claimed.get(rule.id) {
                        Some(names) => println!(
                            "{}{tag}: (unreached; claimed by {}) {}",
                            rule.id,
                            names.join(", "),
                            rule.title
                        ),
                        None => println!("{}{tag}: (unreached) {}", rule.id, rule.title),
                    },
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

/// Rule id to the scenarios under `dir` that claim it; files that do not load claim nothing (the
/// suite reports them).
fn claims(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, path) in crate::scenario::discover(dir).unwrap_or_default() {
        if let Ok(s) = crate::scenario::load::load(&path) {
            for rule in s.rules {
                out.entry(rule).or_default().push(name.clone());
            }
        }
    }
    out
}
