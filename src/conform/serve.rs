//! `sharesim serve`: the reference model behind the protocol, on any line reader and writer.
//!
//! Serving the model is how the protocol path is tested end to end (the runner drives a
//! `sharesim serve` subprocess and must agree with the in-process model), and it gives other
//! implementations a ready-made oracle to proxy to.

use crate::conform::implementation::{ImplError, Implementation, clip};
use crate::conform::protocol::{ImplInfo, PROTOCOL_VERSION, Reply, Request, to_line};
use crate::conform::reference::ReferenceImpl;
use crate::step::StepOutcome;
use std::io::{BufRead, Write};

/// Why serving stopped before `bye` or the end of input.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Reading or writing failed.
    #[error("serve: I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// A line that is not a request.
    #[error("serve: line {number} is not a protocol request: {line:?} ({reason})")]
    BadRequest {
        /// 1-based line number.
        number: usize,
        /// The raw line.
        line: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A request out of order (a call before any reset).
    #[error("serve: line {number}: {source}")]
    State {
        /// 1-based line number.
        number: usize,
        /// The model's complaint.
        source: ImplError,
    },
}

/// Serves the reference model until `bye` or the end of input. Blank lines are skipped.
pub fn serve<R: BufRead, W: Write>(input: R, mut output: W) -> Result<(), ServeError> {
    let mut model = ReferenceImpl::new();
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let request: Request = serde_json::from_str(&line).map_err(|e| ServeError::BadRequest {
            number,
            line: clip(&line),
            reason: e.to_string(),
        })?;
        let reply = match request {
            Request::Hello { .. } => Reply::Hello {
                protocol: PROTOCOL_VERSION,
                implementation: ImplInfo {
                    name: "sharesim-reference".to_owned(),
                    version: env!("CARGO_PKG_VERSION").to_owned(),
                },
                capabilities: model.capabilities(),
            },
            Request::Reset { spec } => {
                model
                    .reset(&spec)
                    .map_err(|source| ServeError::State { number, source })?;
                Reply::Ok
            }
            Request::Call { call } => match model
                .call(&call)
                .map_err(|source| ServeError::State { number, source })?
            {
                StepOutcome::Ok(response) => Reply::Response { response },
                StepOutcome::Err { exception } => Reply::Error {
                    exception,
                    message: String::new(),
                },
            },
            Request::Observe => Reply::Observation {
                observation: model
                    .observe()
                    .map_err(|source| ServeError::State { number, source })?
                    .0,
            },
            Request::Bye => return Ok(()),
        };
        writeln!(output, "{}", to_line(&reply))?;
        output.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;

    fn session(input: &str) -> (Result<(), ServeError>, Vec<serde_json::Value>) {
        let mut out = Vec::new();
        let result = serve(input.as_bytes(), &mut out);
        let replies = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (result, replies)
    }

    #[test]
    fn a_session_answers_each_request_once_and_stops_at_bye() {
        let (result, replies) = session(concat!(
            "{\"type\":\"hello\",\"protocol\":1}\n",
            "\n",
            "{\"type\":\"reset\",\"spec\":{\"accounts\":[\"a\"],\"regions\":[\"us-east-1\"]}}\n",
            "{\"type\":\"call\",\"call\":{\"account\":\"a\",\"region\":\"us-east-1\",\"op\":{\"CreateRole\":{\"role\":\"r\"}}}}\n",
            "{\"type\":\"call\",\"call\":{\"account\":\"a\",\"region\":\"us-east-1\",\"op\":{\"CreateRole\":{\"role\":\"r\"}}}}\n",
            "{\"type\":\"bye\"}\n",
            "{\"type\":\"observe\"}\n",
        ));
        assert!(result.is_ok());
        let types: Vec<&str> = replies
            .iter()
            .map(|r| r["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["hello", "ok", "response", "error"]);
        assert_eq!(replies[0]["protocol"], PROTOCOL_VERSION);
        assert_eq!(replies[3]["exception"], "EntityAlreadyExistsException");
    }

    #[test]
    fn a_bad_line_is_named_by_number() {
        let (result, replies) = session("{\"type\":\"hello\",\"protocol\":1}\nnot json\n");
        assert_eq!(replies.len(), 1);
        match result {
            Err(ServeError::BadRequest { number, line, .. }) => {
                assert_eq!((number, line.as_str()), (2, "not json"));
            }
            other => panic!("{other:?}"),
        }
    }
}
