//! Image Builder's part of the observation: per account and Region, what it owns (List*
//! owner=Self) and what is shared with it and listed (owner=Shared, IB-23, IB-13, INV-17), and
//! the owner-only quota usage (IB-24, Q-22).
//!
//! The owned resources and the usage are gathered in one pass over the resources (grouped by
//! owner and Region, in key order, which is the order `listed` gives), so that the observation
//! costs the size of the world rather than accounts times resources.

use super::resources::{listed, view};
use super::versions::kind_segment;
use crate::name::{Name, Region};
use crate::observe::{IbResourceView, Observation};
use crate::op::IbOwner;
use crate::op::{IbRef, Op};
use crate::world::{Accounts, World};
use std::collections::BTreeMap;

/// Fills the Image Builder view of each account of `only` and its `Q-22/<type>` usage.
pub(crate) fn observe(world: &World, obs: &mut Observation, only: Accounts<'_>) {
    let mut owned: BTreeMap<(&Name, &Region), Vec<IbResourceView>> = BTreeMap::new();
    for (key, res) in world
        .ib
        .resources
        .iter()
        .filter(|(k, _)| only.has(&k.owner))
    {
        owned
            .entry((&key.owner, &key.region))
            .or_default()
            .push(view(world, key, res, &key.owner));
    }
    for (account, view) in obs.accounts.iter_mut().filter(|(a, _)| only.has(a)) {
        for (region, rv) in &mut view.regions {
            let mine = owned.remove(&(account, region)).unwrap_or_default();
            for r in &mine {
                *rv.usage
                    .entry(format!("Q-22/{}", kind_segment(r.kind)))
                    .or_default() += 1;
            }
            rv.ib.owned = mine;
            rv.ib.shared = listed(world, account, None, region, None, IbOwner::Shared);
        }
    }
}

/// The owners an Image Builder call names besides the caller (the owner of a resource it
/// deletes or whose policy it sets; only the owner can, IB-16, IB-29, but a call naming
/// another's resource is answered by that owner's state).
pub(crate) fn named_owners(op: &Op) -> Vec<Name> {
    use Op::*;
    let of = |r: &IbRef| r.owner.clone();
    match op {
        DeleteComponent { component: r }
        | DeleteImage { image: r }
        | DeleteImageRecipe { recipe: r }
        | DeleteContainerRecipe { recipe: r }
        | PutComponentPolicy { component: r, .. }
        | PutImagePolicy { image: r, .. }
        | PutImageRecipePolicy { recipe: r, .. }
        | PutContainerRecipePolicy { recipe: r, .. } => of(r).into_iter().collect(),
        _ => Vec::new(),
    }
}
