//! A finding as the command line reports it: the failure, the command that reproduces it, the
//! shrunk scenario and what happened to its file. `fuzz`, `check` and `import-crash` share it, so
//! that the reproduce line and the JSON shape are the same everywhere.

use crate::explore::Failure;
use crate::regression::{self, Provenance, Written};
use crate::shrink::Shrunk;
use serde::Serialize;

/// The command that replays an explorer failure: the seed for exactly as many steps as it took,
/// with every option that changes what the explorer generates or which model it runs. A seed's
/// own schedule of profiles follows from the seed; only a pinned profile is named.
pub fn reproduce(f: &Failure, episode: usize, fault: Option<&str>, strict: bool) -> String {
    let mut line = format!("sharesim fuzz --seed {} --steps {}", f.seed, f.step);
    if f.pinned {
        line.push_str(&format!(" --swarm {}", f.swarm));
    }
    if episode != crate::explore::EPISODE {
        line.push_str(&format!(" --episode {episode}"));
    }
    if let Some(fault) = fault {
        line.push_str(&format!(" --fault {fault}"));
    }
    if strict {
        line.push_str(" --strict");
    }
    line
}

/// The failing step of an explorer run.
#[derive(Debug, Serialize)]
pub struct FailureReport {
    /// The seed.
    pub seed: u64,
    /// The swarm profile.
    pub swarm: String,
    /// The 1-based failing step.
    pub step: usize,
    /// The invariant id.
    pub invariant: String,
    /// The failing call's operation.
    pub op: Option<&'static str>,
    /// Its outcome: `ok` or the exception name.
    pub outcome: String,
    /// The violation, for people.
    pub message: String,
    /// The command that replays it.
    pub reproduce: String,
}

impl FailureReport {
    /// The report of `f`, with its reproduce line.
    pub fn new(f: &Failure, reproduce: String) -> FailureReport {
        FailureReport {
            seed: f.seed,
            swarm: f.profile(),
            step: f.step,
            invariant: f.invariant.clone(),
            op: f.kind().map(|k| k.name()),
            outcome: f.outcome.exception().unwrap_or("ok").to_owned(),
            message: f.message.clone(),
            reproduce,
        }
    }
}

/// A shrunk failure and where its scenario went.
#[derive(Debug, Default, Serialize)]
pub struct ShrinkReport {
    /// Calls before shrinking.
    pub original_calls: usize,
    /// Calls after shrinking.
    pub shrunk_calls: usize,
    /// Candidates tested.
    pub tests: usize,
    /// Whether the shrink budget ran out before a fixpoint.
    pub out_of_time: bool,
    /// Seconds spent shrinking (wall time).
    pub seconds: f64,
    /// The regression file written.
    pub written: Option<String>,
    /// The existing regression with the same signature (nothing was written).
    pub duplicate_of: Option<String>,
    /// Why the regression could not be written.
    pub write_error: Option<String>,
    /// The scenario text when it was not written to a new file (printed instead).
    pub scenario: Option<String>,
    /// Why shrinking or rendering failed.
    pub error: Option<String>,
}

impl ShrinkReport {
    /// The report of a shrink (`written` is `None` when nothing was to be written).
    pub fn new(shrunk: &Shrunk, written: Option<Written>, provenance: &Provenance) -> ShrinkReport {
        let mut report = ShrinkReport {
            original_calls: shrunk.stats.original,
            shrunk_calls: shrunk.calls.len(),
            tests: shrunk.stats.tests,
            out_of_time: shrunk.stats.out_of_time,
            seconds: shrunk.stats.elapsed.as_secs_f64(),
            ..ShrinkReport::default()
        };
        match written {
            Some(Written::New(p)) => report.written = Some(p.display().to_string()),
            Some(Written::Duplicate(p)) => report.duplicate_of = Some(p.display().to_string()),
            Some(Written::Failed(e)) => report.write_error = Some(e),
            None => {}
        }
        if report.written.is_none() && report.duplicate_of.is_none() {
            match regression::render_shrunk(shrunk, provenance) {
                Ok(text) => report.scenario = Some(text),
                Err(e) => report.error = Some(format!("rendering the shrunk scenario failed: {e}")),
            }
        }
        report
    }

    /// A shrink that failed.
    pub fn failed(error: String) -> ShrinkReport {
        ShrinkReport {
            error: Some(error),
            ..ShrinkReport::default()
        }
    }

    /// Prints the report for people: errors on stderr, everything else on stdout.
    pub fn print_human(&self) {
        if let Some(e) = &self.error {
            eprintln!("error: {e}");
            return;
        }
        println!(
            "shrunk: {} calls to {} in {:.2} s ({} tests{})",
            self.original_calls,
            self.shrunk_calls,
            self.seconds,
            self.tests,
            if self.out_of_time {
                ", out of time"
            } else {
                ""
            }
        );
        if let Some(p) = &self.written {
            println!("wrote {p}");
        }
        if let Some(p) = &self.duplicate_of {
            println!("duplicate of {p} (same signature), not written");
        }
        if let Some(e) = &self.write_error {
            eprintln!("error: the regression was not written: {e}; its scenario follows");
        }
        if let Some(text) = &self.scenario {
            println!("{text}");
        }
    }
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: {e}"),
    }
}
