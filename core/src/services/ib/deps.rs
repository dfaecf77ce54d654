//! Sharing and dependency checks (IB-15, IB-16, IB-17, INV-18): whether a resource is still
//! shared, who references it, and whether a change of the world strands a consumer.
//!
//! A dependency is a recipe (image or container) whose components or parent image were resolved
//! to the resource at creation `[MODEL]` (the model has no pipelines). Images built from a recipe
//! do not hold their recipe: deleting a recipe leaves its images.

use super::{IbKey, arn_of};
use crate::name::Name;
use crate::op::{IbKind, RamPrincipal};
use crate::services::ram::{self, AssocStatus, ShareStatus};
use crate::world::World;

fn is_recipe(kind: IbKind) -> bool {
    matches!(kind, IbKind::ImageRecipe | IbKind::ContainerRecipe)
}

/// IB-16: whether the resource is in an ACTIVE share (a RAM share or a policy share) that names
/// a principal other than the owner itself, associated or waiting for an invitation.
pub(crate) fn is_shared(world: &World, key: &IbKey) -> bool {
    world.ram.shares.values().any(|s| {
        s.owner == key.owner
            && s.region == key.region
            && s.status == ShareStatus::Active
            && s.resources
                .values()
                .any(|a| a.status == AssocStatus::Associated && a.key.as_ref() == Some(key))
            && s.principals.iter().any(|(p, a)| {
                a.status.is_live()
                    && ram::principal_account(p).is_none_or(|acct| acct != &key.owner)
                    && !matches!(p, RamPrincipal::Account(acct) if acct == &key.owner)
            })
    })
}

/// A recipe that references the resource (IB-17 within the account, IB-15 across accounts).
pub(crate) fn referenced_by<'w>(world: &'w World, key: &IbKey) -> Option<&'w IbKey> {
    world
        .ib
        .resources
        .iter()
        .find(|(k, r)| is_recipe(k.kind) && r.depends_on.contains(key))
        .map(|(k, _)| k)
}

/// After a resource is deleted, its associations in the owner's shares end DISASSOCIATED, and a
/// share created from its policy is gone with it.
pub(crate) fn forget_in_shares(world: &mut World, key: &IbKey) {
    for share in world.ram.shares.values_mut() {
        for a in share.resources.values_mut() {
            if a.key.as_ref() == Some(key) && a.status.is_live() {
                a.status = AssocStatus::Disassociated;
            }
        }
        if share.from_policy.as_ref() == Some(key) && share.status == ShareStatus::Active {
            share.status = ShareStatus::Deleted;
            for a in share.principals.values_mut() {
                if a.status.is_live() {
                    a.status = AssocStatus::Disassociated;
                }
            }
        }
    }
}

fn usable(world: &World, account: &Name, key: &IbKey) -> bool {
    world.ib.resources.contains_key(key)
        && (&key.owner == account || ram::accessible(world, account, None, key).is_some())
}

/// IB-15, INV-18: the first (consumer, resource ARN) whose recipe could use the resource in
/// `before` and no longer can in `after`.
pub(crate) fn stranded(before: &World, after: &World) -> Option<(Name, String)> {
    for (recipe, res) in &before.ib.resources {
        if !is_recipe(recipe.kind) {
            continue;
        }
        for dep in &res.depends_on {
            if dep.owner == recipe.owner {
                continue;
            }
            if usable(before, &recipe.owner, dep) && !usable(after, &recipe.owner, dep) {
                return Some((recipe.owner.clone(), arn_of(before, dep)));
            }
        }
    }
    None
}

/// Whether the resource is associated with one of the owner's ACTIVE STANDARD shares.
pub(crate) fn in_standard_share(world: &World, key: &IbKey) -> bool {
    world.ram.shares.values().any(|s| {
        s.status == ShareStatus::Active
            && s.feature_set == ram::ShareFeatureSet::Standard
            && s.resources
                .values()
                .any(|a| a.status == AssocStatus::Associated && a.key.as_ref() == Some(key))
    })
}
