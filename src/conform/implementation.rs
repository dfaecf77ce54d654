//! What the runner needs of an implementation, in-process or not, and how it can fail.
//!
//! An implementation answers calls with a [`StepOutcome`] (a response or an exception name). Its
//! own failures (it crashed, hung, wrote something that is not the protocol) are [`ImplError`]s:
//! they are diagnoses of the implementation, never outcomes of the modelled API.

use crate::conform::protocol::Capabilities;
use crate::step::StepOutcome;
use sharesim_core::{Call, WorldSpec};

/// An implementation of the modelled APIs under test.
pub trait Implementation {
    /// What it supports (learned in the handshake for a subprocess).
    fn capabilities(&self) -> Capabilities;
    /// Discards all state and starts the world `spec`.
    fn reset(&mut self, spec: &WorldSpec) -> Result<(), ImplError>;
    /// Applies one call.
    fn call(&mut self, call: &Call) -> Result<StepOutcome, ImplError>;
    /// The observation of the current world (the declared parts of it).
    fn observe(&mut self) -> Result<PartialObservation, ImplError>;
}

/// An observation as JSON: the whole canonical observation, or only the members of the parts
/// the implementation declared ([`Capabilities::observe`]). The runner projects both sides onto
/// the declared parts before comparing.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialObservation(pub serde_json::Value);

/// Why an implementation could not answer. Every variant that concerns a message names it:
/// `request` is the runner's request being answered (`call #3 (CreatePortfolio)`), `line` the
/// raw line the implementation wrote.
#[derive(Debug, thiserror::Error)]
pub enum ImplError {
    /// The implementation cannot take part in this run (it said so): "not applicable".
    #[error("{request}: not supported by the implementation: {reason}")]
    Unsupported {
        /// The request.
        request: String,
        /// The implementation's reason.
        reason: String,
    },
    /// The program could not be started.
    #[error("could not start {program:?}: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// No answer within the per-call limit.
    #[error("{request}: no answer within the per-call limit of {limit_ms} ms{stderr}")]
    Timeout {
        /// The request.
        request: String,
        /// The limit.
        limit_ms: u64,
        /// The tail of the implementation's standard error, if any.
        stderr: StderrTail,
    },
    /// The total time limit ran out.
    #[error("{request}: the total time limit of {limit_s} s ran out{stderr}")]
    TotalTimeout {
        /// The request.
        request: String,
        /// The limit.
        limit_s: u64,
        /// The tail of the implementation's standard error, if any.
        stderr: StderrTail,
    },
    /// The process exited while a request was pending.
    #[error("{request}: the implementation exited ({status}) without answering{stderr}")]
    Exited {
        /// The request.
        request: String,
        /// The exit status.
        status: String,
        /// The tail of the implementation's standard error, if any.
        stderr: StderrTail,
    },
    /// The process closed its standard output but did not exit.
    #[error("{request}: the implementation closed its standard output without answering{stderr}")]
    ClosedOutput {
        /// The request.
        request: String,
        /// The tail of the implementation's standard error, if any.
        stderr: StderrTail,
    },
    /// A line that is not a protocol message (not JSON, not an object of a known type, too long).
    #[error(
        "{request}: the implementation wrote a line that is not a protocol message: {line:?} ({reason})"
    )]
    BadMessage {
        /// The request.
        request: String,
        /// The raw line (truncated to 2000 characters).
        line: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A well-formed message that does not answer the request (an observation for a call ...).
    #[error("{request}: unexpected answer {line:?} (expected {expected})")]
    Unexpected {
        /// The request.
        request: String,
        /// The raw line.
        line: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The implementation speaks another protocol version.
    #[error(
        "hello: the implementation speaks protocol version {theirs}, this runner speaks {ours}: {line:?}"
    )]
    Version {
        /// Its version.
        theirs: u32,
        /// Ours.
        ours: u32,
        /// The raw hello line.
        line: String,
    },
    /// Writing the request failed (the process is gone or does not read).
    #[error("{request}: could not send the request: {source}{stderr}")]
    Io {
        /// The request.
        request: String,
        /// The OS error.
        source: std::io::Error,
        /// The tail of the implementation's standard error, if any.
        stderr: StderrTail,
    },
    /// A call or observe before any reset, or after an earlier fatal error.
    #[error("{request}: {reason}")]
    State {
        /// The request.
        request: String,
        /// What is wrong.
        reason: String,
    },
}

impl ImplError {
    /// Whether the implementation is unusable from now on (every error but
    /// [`ImplError::Unsupported`]): the runner stops and reports what it learned so far.
    pub fn is_fatal(&self) -> bool {
        !matches!(self, ImplError::Unsupported { .. })
    }

    /// A short class name for reports (`timeout`, `crash`, `bad-message` ...).
    pub fn class(&self) -> &'static str {
        match self {
            ImplError::Unsupported { .. } => "unsupported",
            ImplError::Spawn { .. } => "spawn",
            ImplError::Timeout { .. } => "timeout",
            ImplError::TotalTimeout { .. } => "total-timeout",
            ImplError::Exited { .. } => "exited",
            ImplError::ClosedOutput { .. } => "closed-output",
            ImplError::BadMessage { .. } => "bad-message",
            ImplError::Unexpected { .. } => "unexpected-message",
            ImplError::Version { .. } => "protocol-version",
            ImplError::Io { .. } => "io",
            ImplError::State { .. } => "state",
        }
    }
}

/// The last lines of an implementation's standard error, shown with a diagnosis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StderrTail(pub String);

impl std::fmt::Display for StderrTail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0.trim_end();
        if text.is_empty() {
            Ok(())
        } else {
            write!(f, "; its standard error ends with:\n{text}")
        }
    }
}

/// Truncates a raw line for a diagnosis (on a character boundary).
pub(crate) fn clip(line: &str) -> String {
    const MAX: usize = 2000;
    if line.len() <= MAX {
        return line.to_owned();
    }
    let mut end = MAX;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} bytes)",
        line.get(..end).unwrap_or_default(),
        line.len()
    )
}
