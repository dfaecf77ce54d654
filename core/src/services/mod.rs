//! The rule modules, one per service, matching the sections of RULES.md §2.
//!
//! Each module owns its service's state and exposes `apply` (the operations of its service, each
//! validated in the stage order of RULES.md §0.4: shape, existence and visibility, role and
//! ownership, state, quota) and `observe` (its part of the [`crate::observe::Observation`]).

pub(crate) mod iam;

pub(crate) mod ib;
pub(crate) mod kms;
pub(crate) mod org;
pub(crate) mod ram;
pub(crate) mod sc;

use crate::error::{ApiError, Exception, reject};
use crate::op::Op;

/// The answer for an operation routed to a module that does not implement it. Reaching it is a
/// bug in the routing of `OpKind::service`, which a unit test rules out for every kind.
pub(crate) fn not_modelled(op: &Op) -> ApiError {
    reject(
        Exception::NotModelledException,
        "A-30",
        format!("{} is not modelled yet", op.kind().name()),
    )
}
