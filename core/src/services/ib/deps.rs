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
use std::collections::BTreeSet;

fn is_recipe(kind: IbKind) -> bool {
    matches!(kind, IbKind::ImageRecipe | IbKind::ContainerRecipe)
}

/// IB-16: whether the resource is in an ACTIVE share (a RAM share or a policy share) that names
/// a principal other than the owner itself, associated or waiting for an invitation.
pub(crate) fn is_shared(world: &World, key: &IbKey) -> bool {
    holding(world, key).any(|s| {
        s.owner == key.owner
            && s.region == key.region
            && s.status == ShareStatus::Active
            && s.principals.iter().any(|(p, a)| {
                a.status.is_live()
                    && ram::principal_account(p).is_none_or(|acct| acct != &key.owner)
                    && !matches!(p, RamPrincipal::Account(acct) if acct == &key.owner)
            })
    })
}

/// The shares (any status) whose RESOURCE association to the resource is ASSOCIATED.
fn holding<'w>(world: &'w World, key: &IbKey) -> impl Iterator<Item = &'w ram::Share> {
    world
        .ram
        .index
        .by_resource
        .get(key)
        .into_iter()
        .flatten()
        .filter_map(|n| world.ram.shares.get(n))
}

/// A recipe that references the resource (IB-17 within the account, IB-15 across accounts).
pub(crate) fn referenced_by<'w>(world: &'w World, key: &IbKey) -> Option<&'w IbKey> {
    world.ib.used_by.get(key).and_then(|set| set.first())
}

/// Records a new resource in the dependency index (`IbState::used_by`).
pub(crate) fn index_dependencies(world: &mut World, key: &IbKey) {
    if !is_recipe(key.kind) {
        return;
    }
    let deps = world
        .ib
        .resources
        .get(key)
        .map(|r| r.depends_on.clone())
        .unwrap_or_default();
    for dep in deps {
        world.ib.used_by.entry(dep).or_default().insert(key.clone());
    }
}

/// Takes a resource being deleted out of the dependency index.
pub(crate) fn unindex_dependencies(world: &mut World, key: &IbKey) {
    let deps = world
        .ib
        .resources
        .get(key)
        .map(|r| r.depends_on.clone())
        .unwrap_or_default();
    for dep in deps {
        if let Some(set) = world.ib.used_by.get_mut(&dep) {
            set.remove(key);
            if set.is_empty() {
                world.ib.used_by.remove(&dep);
            }
        }
    }
}

/// The dependency index recomputed from the resources (for the index checks).
pub(crate) fn rebuild_used_by(
    state: &super::IbState,
) -> std::collections::BTreeMap<IbKey, std::collections::BTreeSet<IbKey>> {
    let mut out: std::collections::BTreeMap<IbKey, std::collections::BTreeSet<IbKey>> =
        std::collections::BTreeMap::new();
    for (k, r) in &state.resources {
        if is_recipe(k.kind) {
            for dep in &r.depends_on {
                out.entry(dep.clone()).or_default().insert(k.clone());
            }
        }
    }
    out
}

/// After a resource is deleted, its associations in the owner's shares end DISASSOCIATED, and a
/// share created from its policy is gone with it.
pub(crate) fn forget_in_shares(world: &mut World, key: &IbKey) {
    let ix = &world.ram.index;
    let names: Vec<Name> = ix
        .by_resource
        .get(key)
        .into_iter()
        .flatten()
        .chain(ix.by_policy.get(key).into_iter().flatten())
        .cloned()
        .collect();
    for name in names {
        let Some(share) = world.ram.shares.get_mut(&name) else {
            continue;
        };
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
        world.ram.reindex(&name);
    }
}

fn usable(world: &World, account: &Name, key: &IbKey) -> bool {
    world.ib.resources.contains_key(key)
        && (&key.owner == account || ram::accessible(world, account, None, key).is_some())
}

/// IB-15, INV-18, before an owner-side change that can only take access to `keys` away: the
/// (consumer, resource) dependencies of consumer recipes on those resources that their owners
/// can use now, in the order of the recipes and of their references.
pub(crate) fn at_risk(world: &World, keys: &BTreeSet<IbKey>) -> Vec<(Name, IbKey)> {
    let recipes: BTreeSet<&IbKey> = keys
        .iter()
        .filter_map(|k| world.ib.used_by.get(k))
        .flatten()
        .collect();
    let mut out = Vec::new();
    for recipe in recipes {
        let Some(res) = world.ib.resources.get(recipe) else {
            continue;
        };
        for dep in &res.depends_on {
            if dep.owner != recipe.owner && keys.contains(dep) && usable(world, &recipe.owner, dep)
            {
                out.push((recipe.owner.clone(), dep.clone()));
            }
        }
    }
    out
}

/// IB-15, INV-18, after the change: the first dependency of [`at_risk`] whose consumer can no
/// longer use the resource, as (consumer, resource ARN).
pub(crate) fn first_stranded(world: &World, risk: &[(Name, IbKey)]) -> Option<(Name, String)> {
    risk.iter()
        .find(|(consumer, dep)| !usable(world, consumer, dep))
        .map(|(consumer, dep)| (consumer.clone(), arn_of(world, dep)))
}

/// Whether the resource is associated with one of the owner's ACTIVE STANDARD shares.
pub(crate) fn in_standard_share(world: &World, key: &IbKey) -> bool {
    holding(world, key)
        .any(|s| s.status == ShareStatus::Active && s.feature_set == ram::ShareFeatureSet::Standard)
}
