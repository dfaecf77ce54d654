//! AWS Organizations (RULES.md §2.1).

use crate::error::ApiError;
use crate::observe::Observation;
use crate::op::Op;
use crate::response::Response;
use crate::world::{Ctx, World};

/// State of the service.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrgState {}

/// Applies a call of this service.
pub(crate) fn apply(_world: &mut World, _ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    Err(super::not_modelled(op))
}

/// Fills this service's part of the observation.
pub(crate) fn observe(_world: &World, _obs: &mut Observation) {}
