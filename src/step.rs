//! What a harness sees of one call, whichever implementation answered it.
//!
//! The reference model answers with an [`Outcome`] (response or [`sharesim_core::ApiError`] and
//! the deciding rules); another implementation answers through the conformance protocol with a
//! response or an exception name. [`StepOutcome`] is the common part that invariants, traces and
//! comparisons read.

use serde::{Deserialize, Serialize};
use sharesim_core::{Outcome, Response};

/// The observable result of one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepOutcome {
    /// The call succeeded.
    Ok(Response),
    /// The call was rejected with this AWS exception name.
    Err {
        /// The exact AWS exception name.
        exception: String,
    },
}

impl StepOutcome {
    /// Whether the call succeeded.
    pub fn is_ok(&self) -> bool {
        matches!(self, StepOutcome::Ok(_))
    }

    /// The exception name, for a rejected call.
    pub fn exception(&self) -> Option<&str> {
        match self {
            StepOutcome::Ok(_) => None,
            StepOutcome::Err { exception } => Some(exception),
        }
    }
}

impl From<&Outcome> for StepOutcome {
    fn from(outcome: &Outcome) -> Self {
        match &outcome.result {
            Ok(r) => StepOutcome::Ok(r.clone()),
            Err(e) => StepOutcome::Err {
                exception: e.exception.name().to_owned(),
            },
        }
    }
}
