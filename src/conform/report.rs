//! Renderings of a conformance report: a human summary, JSON, JUnit XML and a Markdown matrix.
//!
//! Every rendering is a pure function of the report (no times, no paths of the machine), so a
//! checked-in report regenerates byte for byte. Files are written atomically (a temporary file
//! beside the target, then a rename) and an existing report is never replaced without `force`.

use crate::conform::normalize::{CASES, canonical};
use crate::conform::runner::{Report, RunResult};
use std::fmt::Write as _;
use std::path::Path;

/// The human summary.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    let info = &report.implementation;
    let _ = writeln!(
        out,
        "sharesim conform: {} {} (protocol {})",
        or_unnamed(&info.name),
        info.version,
        report.protocol
    );
    let caps = &report.capabilities;
    let _ = writeln!(
        out,
        "capabilities: {} operation kinds; observe: {}; configuration: {}",
        caps.op_kinds().len(),
        if caps.observe.is_empty() {
            "no".to_owned()
        } else {
            caps.observe.join(", ")
        },
        if caps.config { "any" } else { "default only" }
    );
    let unknown = caps.unknown_ops();
    if !unknown.is_empty() {
        let _ = writeln!(
            out,
            "ignored unknown operation kinds: {}",
            unknown.join(", ")
        );
    }
    for run in &report.runs {
        match &run.result {
            RunResult::Passed {
                steps,
                observations,
                allowed,
            } => {
                let _ = write!(
                    out,
                    "PASS     {} ({steps} calls, {observations} observations)",
                    run.name
                );
                if !allowed.is_empty() {
                    let cases: Vec<String> = allowed
                        .iter()
                        .map(|(s, c)| format!("step {s}: {c}"))
                        .collect();
                    let _ = write!(out, " [allowed: {}]", cases.join(", "));
                }
                out.push('\n');
            }
            RunResult::NotApplicable { reason, step } => {
                let at = step.map(|s| format!(" at step {s}")).unwrap_or_default();
                let _ = writeln!(out, "N/A      {}{at}: {reason}", run.name);
            }
            // Every run after a fatal error has the same reason: one line for all of them.
            RunResult::NotRun { .. } => {}
            RunResult::Broken {
                step,
                class,
                diagnosis,
            } => {
                let at = step.map(|s| format!(" at step {s}")).unwrap_or_default();
                let _ = writeln!(out, "BROKEN   {}{at} ({class}): {diagnosis}", run.name);
            }
            RunResult::Diverged(d) => {
                let _ = writeln!(
                    out,
                    "DIVERGED {} at step {} ({}, {})",
                    run.name, d.step, d.op, d.what
                );
                if d.what == "outcome" {
                    let _ = writeln!(out, "  reference:      {}", canonical(&d.reference));
                    let _ = writeln!(out, "  implementation: {}", canonical(&d.implementation));
                } else {
                    for diff in &d.differences {
                        let _ = writeln!(out, "  at {}:", diff.path);
                        let _ = writeln!(out, "    reference:      {}", canonical(&diff.reference));
                        let _ = writeln!(
                            out,
                            "    implementation: {}",
                            canonical(&diff.implementation)
                        );
                    }
                }
                let _ = writeln!(
                    out,
                    "  reproduction ({} of {} calls):",
                    d.reproduction_calls, d.step
                );
                for line in d.reproduction.lines() {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
    }
    let not_run: Vec<&str> = report
        .runs
        .iter()
        .filter(|r| matches!(r.result, RunResult::NotRun { .. }))
        .map(|r| r.name.as_str())
        .collect();
    if let (Some(first), Some(last)) = (not_run.first(), not_run.last()) {
        let _ = writeln!(
            out,
            "NOT RUN  {} runs ({first} … {last}): the implementation failed earlier",
            not_run.len()
        );
    }
    if let Some(fatal) = &report.fatal {
        let _ = writeln!(out, "stopped: {fatal}");
    }
    let s = report.summary();
    let _ = writeln!(
        out,
        "summary: {} runs: {} passed, {} not applicable, {} diverged, {} broken, {} not run",
        s.total, s.passed, s.not_applicable, s.diverged, s.broken, s.not_run
    );
    out
}

fn or_unnamed(name: &str) -> &str {
    if name.is_empty() { "(unnamed)" } else { name }
}

/// The report as pretty JSON with the summary.
pub fn json(report: &Report) -> String {
    let value = serde_json::json!({
        "report": report,
        "summary": report.summary(),
        "exit_code": report.exit_code(),
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c == '\n' || c == '\t' || c == '\r' || !c.is_control() => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

/// JUnit XML: one test case per run; divergences are failures, broken runs errors, not
/// applicable and not run are skipped.
pub fn junit(report: &Report) -> String {
    let s = report.summary();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"sharesim-conform\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        s.total,
        s.diverged,
        s.broken,
        s.not_applicable + s.not_run
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        xml_escape(or_unnamed(&report.implementation.name)),
        s.total,
        s.diverged,
        s.broken,
        s.not_applicable + s.not_run
    );
    for run in &report.runs {
        let _ = write!(
            out,
            "    <testcase classname=\"sharesim.conform\" name=\"{}\"",
            xml_escape(&run.name)
        );
        match &run.result {
            RunResult::Passed { .. } => out.push_str("/>\n"),
            RunResult::NotApplicable { reason, .. } | RunResult::NotRun { reason } => {
                let _ = writeln!(
                    out,
                    ">\n      <skipped message=\"{}: {}\"/>\n    </testcase>",
                    run.result.label(),
                    xml_escape(reason)
                );
            }
            RunResult::Broken {
                class, diagnosis, ..
            } => {
                let _ = writeln!(
                    out,
                    ">\n      <error type=\"{}\" message=\"{}\">{}</error>\n    </testcase>",
                    xml_escape(class),
                    xml_escape(diagnosis.lines().next().unwrap_or_default()),
                    xml_escape(diagnosis)
                );
            }
            RunResult::Diverged(d) => {
                let body = format!(
                    "reference: {}\nimplementation: {}\n{}\nreproduction:\n{}",
                    canonical(&d.reference),
                    canonical(&d.implementation),
                    d.differences
                        .iter()
                        .map(|x| format!(
                            "at {}: reference {} implementation {}",
                            x.path,
                            canonical(&x.reference),
                            canonical(&x.implementation)
                        ))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    d.reproduction
                );
                let _ = writeln!(
                    out,
                    ">\n      <failure type=\"divergence\" message=\"step {} ({}): {} differs\">{}</failure>\n    </testcase>",
                    d.step,
                    xml_escape(&d.op),
                    xml_escape(&d.what),
                    xml_escape(&body)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown matrix: one row per run, then one row per operation kind.
pub fn matrix(report: &Report, command: &str) -> String {
    let mut out = String::new();
    let info = &report.implementation;
    let _ = writeln!(
        out,
        "# Conformance: {} {}\n",
        or_unnamed(&info.name),
        info.version
    );
    let _ = writeln!(
        out,
        "Generated by `sharesim conform` (protocol {}, sharesim {}); do not edit by hand. Regenerate with:\n\n```sh\n{command}\n```\n",
        report.protocol,
        env!("CARGO_PKG_VERSION")
    );
    let s = report.summary();
    let _ = writeln!(
        out,
        "**{} runs: {} passed, {} not applicable, {} diverged, {} broken, {} not run.** Observations compared: {}. Lenient cases: {}.\n",
        s.total,
        s.passed,
        s.not_applicable,
        s.diverged,
        s.broken,
        s.not_run,
        if report.capabilities.observe.is_empty() {
            "none (the implementation does not observe)".to_owned()
        } else {
            report.capabilities.observe.join(", ")
        },
        if report.lenient { "on" } else { "off" }
    );
    if let Some(fatal) = &report.fatal {
        let _ = writeln!(out, "Stopped: {}\n", md_cell(fatal));
    }
    out.push_str("## Runs\n\n| run | result | step | detail |\n|---|---|---|---|\n");
    for run in &report.runs {
        let (step, detail) = match &run.result {
            RunResult::Passed { steps, allowed, .. } => (
                String::new(),
                if allowed.is_empty() {
                    format!("{steps} calls")
                } else {
                    format!(
                        "{steps} calls; allowed: {}",
                        allowed
                            .iter()
                            .map(|(s, c)| format!("step {s} {c}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ),
            RunResult::NotApplicable { reason, step } => (
                step.map(|s| s.to_string()).unwrap_or_default(),
                reason.clone(),
            ),
            RunResult::NotRun { reason } => (String::new(), reason.clone()),
            RunResult::Broken {
                step, diagnosis, ..
            } => (
                step.map(|s| s.to_string()).unwrap_or_default(),
                diagnosis.lines().next().unwrap_or_default().to_owned(),
            ),
            RunResult::Diverged(d) => (
                d.step.to_string(),
                if d.what == "outcome" {
                    format!(
                        "{}: reference `{}`, implementation `{}`",
                        d.op,
                        canonical(&d.reference),
                        canonical(&d.implementation)
                    )
                } else {
                    format!(
                        "{}: observation differs at {}",
                        d.op,
                        d.differences
                            .iter()
                            .map(|x| format!("`{}`", x.path))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md_cell(&run.name),
            run.result.label(),
            step,
            md_cell(&detail)
        );
    }
    out.push_str(
        "\n## Operation kinds\n\nCalls compared per kind (declared kinds only; a run stops at its first divergence).\n\n| operation | agreed | allowed | diverged |\n|---|---|---|---|\n",
    );
    let totals = report.op_totals();
    for kind in report.capabilities.op_kinds() {
        let t = totals.get(kind.name()).copied().unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            kind.name(),
            t.agreed,
            t.allowed,
            t.diverged
        );
    }
    out.push_str("\n## Implementation-defined cases\n\n");
    for case in CASES {
        let _ = writeln!(
            out,
            "- {}{}: {}",
            case.id,
            if case.lenient_only {
                " (lenient mode only)"
            } else {
                ""
            },
            case.summary
        );
    }
    out
}

/// Why a report file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file exists and `force` was not given.
    #[error("{0} exists; pass --force to replace it")]
    Exists(String),
    /// Writing or renaming failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The target.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, synced, then
/// moved into place. Without `force` the move is a hard link, which fails rather than replaces
/// if the name exists (also when another process created it since the check); with `force` it
/// is a rename, which replaces. The temporary file never outlives the call.
pub fn write_atomically(path: &Path, text: &str, force: bool) -> Result<(), WriteError> {
    use std::io::Write as _;
    let shown = path.display().to_string();
    if path.exists() && !force {
        return Err(WriteError::Exists(shown));
    }
    let io = |source| WriteError::Io {
        path: shown.clone(),
        source,
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".to_owned());
    let temp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        if force {
            std::fs::rename(&temp, path)
        } else {
            std::fs::hard_link(&temp, path)
        }
    })();
    let _ = std::fs::remove_file(&temp);
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !force => {
            Err(WriteError::Exists(shown))
        }
        Err(e) => Err(io(e)),
    }
}

/// Checks before a run that `path` can be written afterwards: its directory exists and it is not
/// an existing file (unless `force`), so that a long run's report is not lost at the end.
pub fn check_writable(path: &Path, force: bool) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    if path.exists() && !force {
        return Err(WriteError::Exists(shown));
    }
    if path.is_dir() {
        return Err(WriteError::Io {
            path: shown,
            source: std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a directory"),
        });
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(WriteError::Io {
            path: shown,
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("the directory {} does not exist", dir.display()),
            ),
        });
    }
    Ok(())
}
