//! The `sharesim serve` and `sharesim conform` subcommands: argument structs for the main
//! binary's clap parser and the functions that run them and return the exit code.
//!
//! Exit codes of `conform`: 0 every run passed or was not applicable; 1 a run diverged; 2 a usage
//! or report-writing error; 3 the implementation failed (crash, hang, bad message, wrong
//! protocol version).

use crate::conform::implementation::Implementation;
use crate::conform::protocol::{Capabilities, ImplInfo, PROTOCOL_VERSION, schema_json};
use crate::conform::report::{self, write_atomically};
use crate::conform::runner::{ObserveMode, Options, Report, Run, RunReport, RunResult, run_suite};
use crate::conform::runs;
use crate::conform::serve::serve as serve_lines;
use crate::conform::subprocess::{CommandLine, Limits, SubprocessImpl};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Examples printed after `sharesim serve --help`.
pub const SERVE_EXAMPLES: &str = "Examples:
  echo '{\"type\":\"hello\",\"protocol\":1}' | sharesim serve
  sharesim conform --impl 'sharesim serve'     # the protocol path end to end
The protocol: docs/PROTOCOL.md";

/// Examples printed after `sharesim conform --help`.
pub const CONFORM_EXAMPLES: &str = "Examples:
  sharesim conform --impl 'python3 my_adapter.py --region us-east-1'
  sharesim conform --impl node --impl-arg adapter.js --cwd ../my-impl --seeds 50
  sharesim conform --impl ./impl --junit conform.xml --matrix conform.md --force
  sharesim conform --print-schema > docs/protocol.schema.json
Exit codes: 0 passed or not applicable, 1 diverged, 2 usage or report error, 3 the
implementation failed (crash, hang, bad message, other protocol version).
The protocol: docs/PROTOCOL.md";

/// `sharesim serve`: the reference model over the protocol on stdin/stdout.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {}

/// Output formats of `sharesim conform`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A summary for people.
    #[default]
    Human,
    /// The whole report as JSON.
    Json,
}

/// `sharesim conform`: runs the suite against another implementation in lockstep with the
/// reference model.
#[derive(Debug, Clone, clap::Args)]
pub struct ConformArgs {
    /// The implementation's command, split like a POSIX shell would (quotes respected; no shell
    /// is run, nothing is expanded).
    #[arg(
        long = "impl",
        value_name = "COMMAND",
        required_unless_present = "print_schema"
    )]
    pub implementation: Option<String>,
    /// One more argument for the implementation, passed verbatim (repeatable).
    #[arg(long = "impl-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub impl_args: Vec<String>,
    /// The implementation's working directory.
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<PathBuf>,
    /// The scenario corpus to run (every `.ron` file below it); skipped when it does not exist.
    #[arg(long, value_name = "DIR", default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Also run this many generated runs (seeds 1..=N), restricted to the declared operations.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seeds: u64,
    /// Only runs whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write a JUnit XML report.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Also write a Markdown matrix.
    #[arg(long, value_name = "FILE")]
    pub matrix: Option<PathBuf>,
    /// Replace existing report files.
    #[arg(long)]
    pub force: bool,
    /// Time limit for each answer, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub call_timeout_ms: u64,
    /// Time limit for the whole session, in seconds.
    #[arg(long, value_name = "S", default_value_t = 600)]
    pub total_timeout_s: u64,
    /// When to compare observations.
    #[arg(long, value_enum, default_value_t = ObserveMode::EveryStep)]
    pub observe: ObserveMode,
    /// Accept the lenient-only implementation-defined cases.
    #[arg(long)]
    pub lenient: bool,
    /// Do not shrink reproductions.
    #[arg(long)]
    pub no_shrink: bool,
    /// Print the protocol's JSON Schema and exit.
    #[arg(long)]
    pub print_schema: bool,
}

/// Runs `sharesim serve` on the process's stdin and stdout; returns the exit code.
pub fn serve(_args: &ServeArgs) -> u8 {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match serve_lines(stdin.lock(), stdout.lock()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            2
        }
    }
}

/// Runs `sharesim conform` with the process's stdout and stderr; returns the exit code.
pub fn conform(args: &ConformArgs) -> u8 {
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    conform_to(args, &mut out, &mut err)
}

/// The command line that reproduces a report (for the matrix header).
fn command_text(args: &ConformArgs) -> String {
    let mut words = vec!["sharesim".to_owned(), "conform".to_owned()];
    if let Some(i) = &args.implementation {
        words.push("--impl".to_owned());
        words.push(i.clone());
    }
    for a in &args.impl_args {
        words.push("--impl-arg".to_owned());
        words.push(a.clone());
    }
    if let Some(c) = &args.cwd {
        words.push("--cwd".to_owned());
        words.push(c.display().to_string());
    }
    if args.scenarios != std::path::Path::new("scenarios") {
        words.push("--scenarios".to_owned());
        words.push(args.scenarios.display().to_string());
    }
    if args.seeds > 0 {
        words.push("--seeds".to_owned());
        words.push(args.seeds.to_string());
    }
    if let Some(f) = &args.filter {
        words.push("--filter".to_owned());
        words.push(f.clone());
    }
    if args.observe != ObserveMode::EveryStep {
        words.push("--observe".to_owned());
        words.push(
            match args.observe {
                ObserveMode::EveryStep => "every-step",
                ObserveMode::End => "end",
                ObserveMode::Never => "never",
            }
            .to_owned(),
        );
    }
    if args.lenient {
        words.push("--lenient".to_owned());
    }
    if let Some(m) = &args.matrix {
        words.push("--matrix".to_owned());
        words.push(m.display().to_string());
        words.push("--force".to_owned());
    }
    words
        .iter()
        .map(|w| shlex::try_quote(w).map_or_else(|_| w.clone(), |q| q.into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The runs of a session: built-in, the scenario corpus, then generated; filtered by name.
pub fn collect_runs(args: &ConformArgs, capabilities: &Capabilities) -> Result<Vec<Run>, String> {
    let mut all = runs::builtin()?;
    if args.scenarios.exists() {
        all.extend(runs::scenarios(&args.scenarios)?);
    }
    all.extend(runs::generated(args.seeds, capabilities));
    if let Some(filter) = &args.filter {
        all.retain(|r| r.name.contains(filter.as_str()));
    }
    Ok(all)
}

/// [`conform`] with explicit output streams (for tests).
pub fn conform_to(args: &ConformArgs, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if args.print_schema {
        let _ = out.write_all(schema_json().as_bytes());
        return 0;
    }
    for path in [&args.junit, &args.matrix].into_iter().flatten() {
        if let Err(e) = report::check_writable(path, args.force) {
            let _ = writeln!(err, "error: {e}");
            return 2;
        }
    }
    let line = args.implementation.clone().unwrap_or_default();
    let command = match CommandLine::parse(&line, &args.impl_args, args.cwd.clone()) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "--impl: {e}");
            return 2;
        }
    };
    let limits = Limits {
        call: Duration::from_millis(args.call_timeout_ms),
        total: Duration::from_secs(args.total_timeout_s),
    };
    let options = Options {
        observe: args.observe,
        lenient: args.lenient,
        shrink: !args.no_shrink,
    };
    let report = match SubprocessImpl::spawn(&command, limits) {
        Ok(mut implementation) => {
            let capabilities = implementation.capabilities();
            let runs = match collect_runs(args, &capabilities) {
                Ok(r) => r,
                Err(e) => {
                    let _ = writeln!(err, "{e}");
                    return 2;
                }
            };
            let info = implementation.info().clone();
            let report = run_suite(&mut implementation, info, &runs, &options);
            implementation.shutdown();
            report
        }
        Err(e) => {
            // Nothing was learned but the diagnosis: every run is "not run".
            let runs = collect_runs(args, &Capabilities::default()).unwrap_or_default();
            let diagnosis = e.to_string();
            Report {
                protocol: PROTOCOL_VERSION,
                implementation: ImplInfo::default(),
                capabilities: Capabilities::default(),
                lenient: options.lenient,
                observe: options.observe,
                runs: runs
                    .iter()
                    .map(|r| RunReport {
                        name: r.name.clone(),
                        result: RunResult::NotRun {
                            reason: format!(
                                "the implementation failed to start: {}",
                                diagnosis.lines().next().unwrap_or_default()
                            ),
                        },
                        ops: BTreeMap::new(),
                    })
                    .collect(),
                fatal: Some(format!("{} ({})", diagnosis, e.class())),
            }
        }
    };
    let text = match args.format {
        Format::Human => report::human(&report),
        Format::Json => report::json(&report),
    };
    let _ = out.write_all(text.as_bytes());
    let mut code = report.exit_code();
    let files = [
        (args.junit.as_ref(), report::junit(&report)),
        (
            args.matrix.as_ref(),
            report::matrix(&report, &command_text(args)),
        ),
    ];
    for (path, text) in files {
        if let Some(path) = path
            && let Err(e) = write_atomically(path, &text, args.force)
        {
            let _ = writeln!(err, "error: {e}");
            code = code.max(2);
        }
    }
    code
}
