//! KMS (RULES.md §2.3).

use crate::error::ApiError;
use crate::observe::Observation;
use crate::op::Op;
use crate::response::Response;
use crate::world::{Ctx, World};

/// State of the service.
#[derive(Debug, Clone, Default)]
pub(crate) struct KmsState {}

/// Applies a call of this service.
pub(crate) fn apply(_world: &mut World, _ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    Err(super::not_modelled(op))
}

/// Fills this service's part of the observation.
pub(crate) fn observe(_world: &World, _obs: &mut Observation) {}

/// KMS-02, KMS-05, KMS-07: whether a principal of account `user` may use the key `key` in
/// `region`, where `key` is written relative to `caller` (an absent account means the caller's
/// own). Returns the key ARN, or the KMS exception that denies the use.
pub(crate) fn check_use(
    _world: &World,
    key: &crate::op::KeyRef,
    _caller: &crate::name::Name,
    _user: &crate::name::Name,
    _region: &crate::name::Region,
) -> Result<String, ApiError> {
    Err(crate::error::reject(
        crate::error::Exception::NotFoundException,
        "KMS-05",
        format!("key {} not found", key.key),
    ))
}
