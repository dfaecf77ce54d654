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
use crate::world::World;
use std::collections::BTreeMap;

/// Fills every account's Image Builder view and its `Q-22/<type>` usage.
pub(crate) fn observe(world: &World, obs: &mut Observation) {
    let mut owned: BTreeMap<(&Name, &Region), Vec<IbResourceView>> = BTreeMap::new();
    for (key, res) in &world.ib.resources {
        owned
            .entry((&key.owner, &key.region))
            .or_default()
            .push(view(world, key, res, &key.owner));
    }
    for (account, view) in &mut obs.accounts {
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
