//! Image Builder's part of the observation: per account and Region, what it owns (List*
//! owner=Self) and what is shared with it and listed (owner=Shared, IB-23, IB-13, INV-17), and
//! the owner-only quota usage (IB-24, Q-22).

use super::resources::listed;
use super::versions::kind_segment;
use crate::observe::Observation;
use crate::op::IbOwner;
use crate::world::World;

/// Fills every account's Image Builder view and its `Q-22/<type>` usage.
pub(crate) fn observe(world: &World, obs: &mut Observation) {
    for (account, view) in &mut obs.accounts {
        for (region, rv) in &mut view.regions {
            rv.ib.owned = listed(world, account, None, region, None, IbOwner::Self_);
            rv.ib.shared = listed(world, account, None, region, None, IbOwner::Shared);
            for key in world.ib.resources.keys() {
                if &key.owner == account && &key.region == region {
                    *rv.usage
                        .entry(format!("Q-22/{}", kind_segment(key.kind)))
                        .or_default() += 1;
                }
            }
        }
    }
}
