//! AWS RAM (RULES.md §2.5).

use crate::error::ApiError;
use crate::observe::Observation;
use crate::op::Op;
use crate::response::Response;
use crate::world::{Ctx, World};

/// State of the service.
#[derive(Debug, Clone, Default)]
pub(crate) struct RamState {}

/// Applies a call of this service.
pub(crate) fn apply(_world: &mut World, _ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    Err(super::not_modelled(op))
}

/// Fills this service's part of the observation.
pub(crate) fn observe(_world: &World, _obs: &mut Observation) {}

/// Called after every change to an organization tree or to RAM org sharing: applies the
/// consequences of lost access (RAM-24, RAM-26, A-17).
pub(crate) fn on_org_change(_world: &mut World, _ctx: &mut Ctx) {}
