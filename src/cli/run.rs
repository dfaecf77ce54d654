//! `sharesim run <file|dir>`: run scenarios and print their traces. On a terminal (and without
//! `NO_COLOR`) outcomes are coloured: successes green, exceptions yellow, failed expectations and
//! invariants red; piped or redirected output is the plain trace, byte for byte the snapshot's.

use super::Format;
use crate::scenario::{discover, load, run};
use serde::Serialize;
use std::path::PathBuf;

/// Examples shown by `--help`.
pub const EXAMPLES: &str = "Examples:
  sharesim run scenarios/sc/share_import_and_launch.ron
  sharesim run scenarios/ib
  sharesim run scenarios/ram --format json";

/// Arguments of `sharesim run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A scenario file or a directory of them.
    pub path: PathBuf,
    /// Report format: the traces for people, or one JSON object per scenario in an array.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// One scenario in `sharesim run --format json`.
#[derive(Debug, Serialize)]
struct ScenarioReport {
    name: String,
    passed: bool,
    failures: Vec<String>,
    calls: usize,
    rules_hit: Vec<&'static str>,
    trace: String,
}

/// Runs the scenarios and prints each trace; exit code 1 if any fails or cannot be loaded, 2 if
/// the path holds no scenario.
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
    let json = args.format == Format::Json;
    let colour = !json && super::colour();
    let mut reports = Vec::new();
    let mut failed = 0;
    for (name, path) in &files {
        let scenario = match load::load(path) {
            Ok(s) => s,
            Err(e) => {
                failed += 1;
                if json {
                    reports.push(ScenarioReport {
                        name: name.clone(),
                        passed: false,
                        failures: vec![e.to_string()],
                        calls: 0,
                        rules_hit: Vec::new(),
                        trace: String::new(),
                    });
                } else {
                    eprintln!("error: {e}");
                }
                continue;
            }
        };
        let checker = crate::checks(&scenario.world.config.quotas);
        let report = run::run(&scenario, name, checker.as_ref());
        if !report.failures.is_empty() {
            failed += 1;
        }
        if json {
            reports.push(ScenarioReport {
                name: name.clone(),
                passed: report.failures.is_empty(),
                failures: report.failures,
                calls: report.calls,
                rules_hit: report.rules_hit.into_iter().collect(),
                trace: report.trace,
            });
            continue;
        }
        if colour {
            println!("{}", paint(&report.trace));
        } else {
            println!("{}", report.trace);
        }
        if !report.failures.is_empty() {
            let mark = if colour {
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
    if json {
        super::finding::print_json(&reports);
    } else {
        println!("{} scenarios, {} failed", files.len(), failed);
    }
    i32::from(failed > 0)
}

/// The trace with ANSI colours on its outcome and problem lines.
fn paint(trace: &str) -> String {
    const GREEN: &str = "\x1b[32m";
    const YELLOW: &str = "\x1b[33m";
    const RED: &str = "\x1b[31m";
    const RESET: &str = "\x1b[0m";
    let mut out = String::with_capacity(trace.len() + trace.len() / 8);
    for line in trace.lines() {
        let body = line.trim_start();
        let code = if body.starts_with("!!") {
            Some(RED)
        } else if body.starts_with("-> ok")
            || (body.starts_with(|c: char| c.is_ascii_digit()) && body.ends_with(": ok"))
        {
            Some(GREEN)
        } else if body.starts_with("->") {
            Some(YELLOW)
        } else {
            None
        };
        match code {
            Some(code) => {
                let indent = line.strip_suffix(body).unwrap_or_default();
                out.push_str(indent);
                out.push_str(code);
                out.push_str(body);
                out.push_str(RESET);
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::paint;

    #[test]
    fn outcomes_and_problems_are_coloured_and_nothing_else_changes() {
        let trace = "scenario: x\n  1 hub  CreatePortfolio(portfolio:\"p\")\n      -> ok port-1  [SC-01]\n      !! expected Error\n  2 spoke  DeletePortfolio(portfolio:\"p\")\n      -> ResourceNotFoundException (no)  [SC-37]\n  3 observe accounts (x): ok\n";
        let painted = paint(trace);
        assert!(painted.contains("      \x1b[32m-> ok port-1  [SC-01]\x1b[0m"));
        assert!(painted.contains("      \x1b[31m!! expected Error\x1b[0m"));
        assert!(painted.contains("\x1b[33m-> ResourceNotFoundException"));
        assert!(painted.contains("\x1b[32m3 observe accounts (x): ok\x1b[0m"));
        let plain: String = painted
            .replace("\x1b[32m", "")
            .replace("\x1b[33m", "")
            .replace("\x1b[31m", "")
            .replace("\x1b[0m", "");
        assert_eq!(plain, trace);
    }
}
