//! Indexes over the RAM state, so that the access predicate (RAM-23) and the listings (RAM-27,
//! RAM-28, IB-23) look only at the shares that can matter for the question instead of scanning
//! every share of the world.
//!
//! The indexes hold no fact of their own: each is a function of `RamState::shares` and
//! `RamState::invitations`, and [`RamIndex::rebuild`] recomputes them from scratch (the tests,
//! and `World::check_indexes`, compare the maintained indexes with it after every call).
//!
//! They are kept true in two places only:
//! - [`super::RamState::reindex`] after any change to a share (it replaces what that share
//!   contributed with what it contributes now); every function that mutates a share through
//!   `shares.get_mut` or `shares.insert` calls it before it returns;
//! - [`RamIndex::add_invitation`] and [`RamIndex::remove_invitation`], called where an
//!   invitation is pushed (`invitations::invite`) or withdrawn (`invitations::drop_*`), and
//!   [`RamIndex::invitation_status_changed`], called where an invitation is answered or expires
//!   (only the PENDING counts, per (sender, Region) and per (share, receiver), depend on the
//!   status; the other invitation indexes hold every status).
//!
//! Every index is a superset filter: a share listed under a key is a candidate, and callers
//! still apply the full predicate (share status, Region, coverage against the current
//! organization tree). Organization and OU principals are indexed by node, and a caller resolves
//! an account to its nodes through the current tree (`world.org`), so organization changes need
//! no index update.

use super::access::principal_account;
use super::{AssocStatus, Invitation, InvitationStatus, RamState, Share, ShareStatus};
use crate::name::{Name, Region};
use crate::op::RamPrincipal;
use crate::services::ib::IbKey;
use crate::services::org::Node;
use std::collections::{BTreeMap, BTreeSet};

/// Share names, sorted (the order of `RamState::shares`).
pub(crate) type Names = BTreeSet<Name>;

/// The indexes of the RAM state (see the module documentation for what keeps them true).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RamIndex {
    /// (owner, Region) to the shares it owns there, any status.
    pub by_owner: BTreeMap<(Name, Region), Names>,
    /// Resource to the shares (any status) whose RESOURCE association to it is ASSOCIATED.
    pub by_resource: BTreeMap<IbKey, Names>,
    /// Account to the shares (any status) with a live (ASSOCIATING or ASSOCIATED) PRINCIPAL
    /// association of that account or of one of its IAM roles or users.
    pub by_account: BTreeMap<Name, Names>,
    /// Organization or OU to the shares (any status) whose PRINCIPAL association to it is
    /// ASSOCIATED.
    pub by_node: BTreeMap<Node, Names>,
    /// Account to the shares that retain it after it left the organization (RAM-24).
    pub by_retained: BTreeMap<Name, Names>,
    /// Resource to the shares created from its policy (RAM-30), any status.
    pub by_policy: BTreeMap<IbKey, Names>,
    /// (owner, Region) to the number of live RESOURCE and PRINCIPAL associations of its shares
    /// owners with none are left out.
    pub live_by_owner: BTreeMap<(Name, Region), (u64, u64)>,
    /// (owner, Region) to the number of its ACTIVE shares; owners with none are left out.
    pub active_by_owner: BTreeMap<(Name, Region), u64>,
    /// (sender, Region) to the number of PENDING invitations it sent; senders with none
    /// are left out. An invitation's sender is its share's owner and its Region the share's.
    pub pending_by_sender: BTreeMap<(Name, Region), u64>,
    /// Share name to receiver account to the number of its PENDING invitations to that share
    /// (RAM-15 allows one; RAM-09's `has_pending` asks it on every invitation sent and every
    /// received-share listing); pairs with none are left out.
    pub pending_by_share: BTreeMap<Name, BTreeMap<Name, u64>>,
    /// Share name to the sequence numbers of its invitations, any status.
    pub invitations_by_share: BTreeMap<Name, BTreeSet<u64>>,
    /// Receiver account to the sequence numbers of its invitations, any status, each with the
    /// name of its share (so that the consumer listings find the shares that invited an account
    /// without a search of the invitation list per invitation).
    pub invitations_by_receiver: BTreeMap<Name, BTreeMap<u64, Name>>,
    /// What each share contributes to the share indexes, so that it can be taken out again.
    contributions: BTreeMap<Name, Contribution>,
}

/// The index keys one share is listed under. The key lists are sorted and without duplicates
/// (a share has a handful of each, so sorted vectors cost one allocation where sets cost a
/// node each, and their differences are cheap lookups).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Contribution {
    owner: Option<(Name, Region)>,
    resources: Vec<IbKey>,
    accounts: Vec<Name>,
    nodes: Vec<Node>,
    retained: Vec<Name>,
    policy: Option<IbKey>,
    /// Live resource and principal associations.
    live: (u64, u64),
    /// Whether the share is ACTIVE.
    active: bool,
}

fn contribution(share: &Share) -> Contribution {
    let mut c = Contribution {
        owner: Some((share.owner.clone(), share.region.clone())),
        retained: share.retained.iter().cloned().collect(),
        policy: share.from_policy.clone(),
        active: share.status == ShareStatus::Active,
        ..Contribution::default()
    };
    for a in share.resources.values() {
        if let (AssocStatus::Associated, Some(key)) = (a.status, &a.key) {
            c.resources.push(key.clone());
        }
        if a.status.is_live() {
            c.live.0 += 1;
        }
    }
    for (q, a) in &share.principals {
        if a.status.is_live() {
            c.live.1 += 1;
        }
        match (q, principal_account(q)) {
            (_, Some(account)) if a.status.is_live() => {
                c.accounts.push(account.clone());
            }
            (RamPrincipal::Organization(o), None) if a.status == AssocStatus::Associated => {
                c.nodes.push(Node::Organization(o.clone()));
            }
            (RamPrincipal::OrganizationalUnit(ou), None) if a.status == AssocStatus::Associated => {
                c.nodes.push(Node::Ou(ou.clone()));
            }
            _ => {}
        }
    }
    // Sorted as the sets were. Several resource ARNs may name one key, and an account's IAM
    // principals name the account again.
    c.accounts.sort_unstable();
    c.accounts.dedup();
    c.resources.sort_unstable();
    c.resources.dedup();
    c.nodes.sort_unstable();
    c.nodes.dedup();
    c
}

/// The keys of the sorted list `a` that the sorted list `b` does not hold.
fn missing<'a, K: Ord>(a: &'a [K], b: &'a [K]) -> impl Iterator<Item = &'a K> {
    a.iter().filter(move |k| b.binary_search(k).is_err())
}

fn add<K: Ord + Clone>(map: &mut BTreeMap<K, Names>, key: &K, name: &Name) {
    map.entry(key.clone()).or_default().insert(name.clone());
}

fn remove<K: Ord>(map: &mut BTreeMap<K, Names>, key: &K, name: &Name) {
    if let Some(set) = map.get_mut(key) {
        set.remove(name);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

/// Adds one to (or, with `up` false, takes one from) the count of `key`; zero counts are left
/// out of the map.
fn count(map: &mut BTreeMap<(Name, Region), u64>, key: &(Name, Region), up: bool) {
    if up {
        *map.entry(key.clone()).or_default() += 1;
        return;
    }
    if let Some(n) = map.get_mut(key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            map.remove(key);
        }
    }
}

impl RamIndex {
    /// The indexes of a RAM state, computed from scratch.
    pub fn rebuild(state: &RamState) -> RamIndex {
        let mut index = RamIndex::default();
        for (name, share) in &state.shares {
            index.reindex_share(name, Some(share));
        }
        for inv in &state.invitations {
            index.add_invitation(inv);
        }
        index
    }

    /// Replaces what the share `name` contributed with what `share` (its current value, or
    /// None when it is gone) contributes.
    pub fn reindex_share(&mut self, name: &Name, share: Option<&Share>) {
        let new = share.map(contribution).unwrap_or_default();
        // The stored contribution is taken out of its slot and the new one put back in place,
        // so a share that stays indexed costs no removal and insertion in the map.
        let old = match self.contributions.get_mut(name) {
            // Nothing this share is listed under changed (an accepted invitation, a flag).
            Some(slot) if *slot == new => return,
            Some(slot) => std::mem::take(slot),
            None if share.is_none() => return,
            None => Contribution::default(),
        };
        self.update(name, &old, &new);
        match (share, self.contributions.get_mut(name)) {
            (Some(_), Some(slot)) => *slot = new,
            (Some(_), None) => {
                self.contributions.insert(name.clone(), new);
            }
            (None, _) => {
                self.contributions.remove(name);
            }
        }
    }

    /// Replaces what the share `name` contributed (`old`) with `new` in the share indexes.
    fn update(&mut self, name: &Name, old: &Contribution, new: &Contribution) {
        if old.owner != new.owner {
            if let Some(k) = &old.owner {
                remove(&mut self.by_owner, k, name);
            }
            if let Some(k) = &new.owner {
                add(&mut self.by_owner, k, name);
            }
        }
        if old.owner != new.owner || old.live != new.live {
            if let Some(k) = &old.owner {
                self.count_live(k, old.live, false);
            }
            if let Some(k) = &new.owner {
                self.count_live(k, new.live, true);
            }
        }
        if old.owner != new.owner || old.active != new.active {
            if let Some(k) = old.owner.as_ref().filter(|_| old.active) {
                count(&mut self.active_by_owner, k, false);
            }
            if let Some(k) = new.owner.as_ref().filter(|_| new.active) {
                count(&mut self.active_by_owner, k, true);
            }
        }
        if old.policy != new.policy {
            if let Some(k) = &old.policy {
                remove(&mut self.by_policy, k, name);
            }
            if let Some(k) = &new.policy {
                add(&mut self.by_policy, k, name);
            }
        }
        for k in missing(&old.resources, &new.resources) {
            remove(&mut self.by_resource, k, name);
        }
        for k in missing(&new.resources, &old.resources) {
            add(&mut self.by_resource, k, name);
        }
        for k in missing(&old.accounts, &new.accounts) {
            remove(&mut self.by_account, k, name);
        }
        for k in missing(&new.accounts, &old.accounts) {
            add(&mut self.by_account, k, name);
        }
        for k in missing(&old.nodes, &new.nodes) {
            remove(&mut self.by_node, k, name);
        }
        for k in missing(&new.nodes, &old.nodes) {
            add(&mut self.by_node, k, name);
        }
        for k in missing(&old.retained, &new.retained) {
            remove(&mut self.by_retained, k, name);
        }
        for k in missing(&new.retained, &old.retained) {
            add(&mut self.by_retained, k, name);
        }
    }

    /// Adds (or, with `add` false, takes away) live association counts of an owner.
    fn count_live(&mut self, owner: &(Name, Region), live: (u64, u64), add: bool) {
        if live == (0, 0) {
            return;
        }
        let entry = self.live_by_owner.entry(owner.clone()).or_default();
        if add {
            entry.0 += live.0;
            entry.1 += live.1;
        } else {
            entry.0 = entry.0.saturating_sub(live.0);
            entry.1 = entry.1.saturating_sub(live.1);
        }
        if *entry == (0, 0) {
            self.live_by_owner.remove(owner);
        }
    }

    /// The live RESOURCE and PRINCIPAL associations of an owner's shares in a Region.
    pub fn live_associations(&self, owner: &Name, region: &Region) -> (u64, u64) {
        self.live_by_owner
            .get(&(owner.clone(), region.clone()))
            .copied()
            .unwrap_or_default()
    }

    /// The ACTIVE shares of an owner in a Region.
    pub fn active_owned(&self, owner: &Name, region: &Region) -> u64 {
        self.active_by_owner
            .get(&(owner.clone(), region.clone()))
            .copied()
            .unwrap_or_default()
    }

    /// The PENDING invitations sent by `sender` in a Region.
    pub fn pending_sent(&self, sender: &Name, region: &Region) -> u64 {
        self.pending_by_sender
            .get(&(sender.clone(), region.clone()))
            .copied()
            .unwrap_or_default()
    }

    /// Records that the invitation `inv`, which had the status `old`, has its current status now.
    pub fn invitation_status_changed(&mut self, inv: &Invitation, old: InvitationStatus) {
        let (was, is) = (
            old == InvitationStatus::Pending,
            inv.status == InvitationStatus::Pending,
        );
        if was != is {
            count(
                &mut self.pending_by_sender,
                &(inv.sender.clone(), inv.region.clone()),
                is,
            );
            self.count_pending(inv, is);
        }
    }

    /// Adds one to (or, with `up` false, takes one from) the PENDING invitations of the
    /// invitation's (share, receiver); zero counts are left out.
    fn count_pending(&mut self, inv: &Invitation, up: bool) {
        if up {
            *self
                .pending_by_share
                .entry(inv.share.clone())
                .or_default()
                .entry(inv.receiver.clone())
                .or_default() += 1;
            return;
        }
        let Some(receivers) = self.pending_by_share.get_mut(&inv.share) else {
            return;
        };
        if let Some(n) = receivers.get_mut(&inv.receiver) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                receivers.remove(&inv.receiver);
            }
        }
        if receivers.is_empty() {
            self.pending_by_share.remove(&inv.share);
        }
    }

    /// Whether `receiver` has a PENDING invitation to the share `share` (RAM-15).
    pub fn has_pending(&self, share: &Name, receiver: &Name) -> bool {
        self.pending_by_share
            .get(share)
            .is_some_and(|receivers| receivers.contains_key(receiver))
    }

    /// Records a new invitation.
    pub fn add_invitation(&mut self, inv: &Invitation) {
        if inv.status == InvitationStatus::Pending {
            count(
                &mut self.pending_by_sender,
                &(inv.sender.clone(), inv.region.clone()),
                true,
            );
            self.count_pending(inv, true);
        }
        self.invitations_by_share
            .entry(inv.share.clone())
            .or_default()
            .insert(inv.seq);
        self.invitations_by_receiver
            .entry(inv.receiver.clone())
            .or_default()
            .insert(inv.seq, inv.share.clone());
    }

    /// Forgets a withdrawn invitation.
    pub fn remove_invitation(&mut self, inv: &Invitation) {
        if inv.status == InvitationStatus::Pending {
            count(
                &mut self.pending_by_sender,
                &(inv.sender.clone(), inv.region.clone()),
                false,
            );
            self.count_pending(inv, false);
        }
        if let Some(set) = self.invitations_by_share.get_mut(&inv.share) {
            set.remove(&inv.seq);
            if set.is_empty() {
                self.invitations_by_share.remove(&inv.share);
            }
        }
        if let Some(seqs) = self.invitations_by_receiver.get_mut(&inv.receiver) {
            seqs.remove(&inv.seq);
            if seqs.is_empty() {
                self.invitations_by_receiver.remove(&inv.receiver);
            }
        }
    }

    /// The shares owned by `owner` in `region`.
    pub fn owned(&self, owner: &Name, region: &Region) -> impl Iterator<Item = &Name> {
        self.by_owner
            .get(&(owner.clone(), region.clone()))
            .into_iter()
            .flatten()
    }

    /// The sequence numbers of the share's invitations, in creation order.
    pub fn invitations_of(&self, share: &Name) -> impl Iterator<Item = u64> + '_ {
        self.invitations_by_share
            .get(share)
            .into_iter()
            .flatten()
            .copied()
    }

    /// The sequence numbers of the invitations received by `account`, in creation order.
    pub fn invitations_to(&self, account: &Name) -> impl Iterator<Item = u64> + '_ {
        self.invitations_by_receiver
            .get(account)
            .into_iter()
            .flat_map(|seqs| seqs.keys())
            .copied()
    }

    /// The names of the shares of the invitations received by `account`, any status, in the
    /// invitations' creation order (a share that invited it more than once is named as often).
    pub fn shares_inviting(&self, account: &Name) -> impl Iterator<Item = &Name> + '_ {
        self.invitations_by_receiver
            .get(account)
            .into_iter()
            .flat_map(|seqs| seqs.values())
    }
}

impl crate::world::World {
    /// Whether every maintained index of the world (the RAM indexes of this module and Image
    /// Builder's dependency index) equals a recomputation from the state; the error describes
    /// the first that does not. A testing aid: the tests call it after every generated call.
    pub fn check_indexes(&self) -> Result<(), String> {
        self.ram.check_index()?;
        let used_by = crate::services::ib::rebuild_used_by(&self.ib);
        if used_by != self.ib.used_by {
            return Err(format!(
                "Image Builder dependency index out of date:\nmaintained: {:?}\nrecomputed: {:?}",
                self.ib.used_by, used_by
            ));
        }
        Ok(())
    }
}
