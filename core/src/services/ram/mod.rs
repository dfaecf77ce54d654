//! AWS RAM (RULES.md §2.5): resource shares of Image Builder resources, their principal and
//! resource associations, invitations, and the access predicate RAM-23.
//!
//! Access is never stored: it is computed from the share, its associations and the *current*
//! organization tree each time it is asked for (ORG-11, RAM-24), so Organizations changes need
//! no bookkeeping beyond the documented status changes of `on_org_change` (RAM-26, A-17) and the
//! record of leavers a share retains (RAM-24). The questions are answered through indexes
//! (`index`: resource, account, node and owner to shares, receiver and share to invitations),
//! so that they cost what the caller can see rather than the size of the world.
//!
//! Every RAM mutation is applied in place and is atomic: each stage is checked before the first
//! effect, and the two checks decided after the effects (Q-11 on creation, and whether a
//! consumer of Image Builder resources is stranded, IB-15, INV-18) take back exactly what the
//! call did (the one share it changed, the invitations it sent, the ids it drew).
//!
//! Module map: `shares` (create, update, delete, associate, disassociate, promote, org sharing),
//! `invitations` (accept, reject, expiry and the logical clock), `access` (principal
//! classification and the access predicate), `index` (the indexes and what keeps them true),
//! `observe` (listings and the observation).

mod access;
pub(crate) mod index;
mod invitations;
mod observe;
mod shares;
#[cfg(test)]
pub(crate) mod tests;

use crate::error::ApiError;
use crate::name::{Name, Region};
use crate::op::{Op, RamPrincipal, RamResource};
use crate::response::Response;
use crate::services::ib::IbKey;
use crate::world::{Ctx, World};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) use access::{accessible, principal_account, visible_resources};
pub(crate) use observe::{expired_invitations, named_owner, observe, org_seeds, readers};
pub(crate) use shares::{
    create_policy_share, policy_share, policy_share_over_quota, set_policy_share_principals,
};

/// Share status (§1.6). PENDING, FAILED and DELETING are never observable in the synchronous
/// model `[MODEL]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ShareStatus {
    Active,
    Deleted,
}

impl ShareStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareStatus::Active => "ACTIVE",
            ShareStatus::Deleted => "DELETED",
        }
    }
}

/// Share feature set (§1.6). PROMOTING_TO_STANDARD is instantaneous in the model (RAM-31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ShareFeatureSet {
    Standard,
    CreatedFromPolicy,
}

impl ShareFeatureSet {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareFeatureSet::Standard => "STANDARD",
            ShareFeatureSet::CreatedFromPolicy => "CREATED_FROM_POLICY",
        }
    }
}

/// Association status (§1.6). ASSOCIATING is the state of a principal waiting for its invitation
/// to be accepted (RAM-09); DISASSOCIATING completes at once (RAM-17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum AssocStatus {
    Associating,
    Associated,
    Failed,
    Disassociated,
}

impl AssocStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AssocStatus::Associating => "ASSOCIATING",
            AssocStatus::Associated => "ASSOCIATED",
            AssocStatus::Failed => "FAILED",
            AssocStatus::Disassociated => "DISASSOCIATED",
        }
    }

    /// Whether the association is in force or on its way (counts toward quotas, re-adding it is
    /// a no-op).
    pub fn is_live(self) -> bool {
        matches!(self, AssocStatus::Associating | AssocStatus::Associated)
    }
}

/// A RESOURCE association: the resource's ARN is the key in [`Share::resources`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourceAssoc {
    /// The resource, when it resolved to one owned by the share owner (RAM-04).
    pub key: Option<IbKey>,
    pub status: AssocStatus,
}

/// A PRINCIPAL association.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrincipalAssoc {
    pub status: AssocStatus,
    /// The principal is outside the owner's organization (§1.6).
    pub external: bool,
}

/// The parameters a share was created with: its symbolic name is the client token (RAM-22).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CreateParams {
    pub resources: Vec<RamResource>,
    pub principals: Vec<RamPrincipal>,
    pub allow_external_principals: bool,
    pub retain: bool,
}

/// A resource share, owned by one account in one Region (RAM-01).
#[derive(Debug, Clone)]
pub(crate) struct Share {
    pub owner: Name,
    pub region: Region,
    pub arn: String,
    pub status: ShareStatus,
    pub feature_set: ShareFeatureSet,
    pub allow_external_principals: bool,
    pub retain_on_leave: bool,
    /// Resource ARN to its association.
    pub resources: BTreeMap<String, ResourceAssoc>,
    pub principals: BTreeMap<RamPrincipal, PrincipalAssoc>,
    /// Accounts covered by the share's organization and OU principals at the last tree change,
    /// to detect leavers (RAM-24).
    pub node_covered: BTreeSet<Name>,
    /// Accounts that left the organization and keep access (retainSharingOnAccountLeave...).
    pub retained: BTreeSet<Name>,
    /// For a share created by a resource policy (RAM-30): the resource.
    pub from_policy: Option<IbKey>,
    /// None for shares created from policies.
    pub params: Option<CreateParams>,
}

/// Invitation status (§1.6); ACCEPTED, REJECTED and EXPIRED are terminal (RAM-15, INV-14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum InvitationStatus {
    Pending,
    Accepted,
    Rejected,
    Expired,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "PENDING",
            InvitationStatus::Accepted => "ACCEPTED",
            InvitationStatus::Rejected => "REJECTED",
            InvitationStatus::Expired => "EXPIRED",
        }
    }
}

/// An invitation to a share (RAM-09).
#[derive(Debug, Clone)]
pub(crate) struct Invitation {
    /// Creation sequence number: invitations are kept in this order, and the indexes name
    /// them by it.
    pub seq: u64,
    pub share: Name,
    pub sender: Name,
    pub receiver: Name,
    /// The share's Region (RAM-01), fixed at creation.
    pub region: Region,
    pub arn: String,
    pub status: InvitationStatus,
    /// Logical hour of creation (RAM-13).
    pub created_at: u64,
}

/// RAM state of the world.
#[derive(Debug, Clone, Default)]
pub(crate) struct RamState {
    /// Share name to share. The symbolic name is unique in a scenario and acts as the client
    /// token (RAM-22).
    pub shares: BTreeMap<Name, Share>,
    /// Invitations in creation order (ascending `seq`).
    pub invitations: Vec<Invitation>,
    /// The sequence number of the next invitation.
    pub next_invitation: u64,
    /// Indexes over the shares and invitations (see `index` for what keeps them true).
    pub index: index::RamIndex,
}

impl RamState {
    /// Brings the indexes in line with the current value of the share `name` (to be called
    /// after every change to a share, including its removal).
    pub fn reindex(&mut self, name: &Name) {
        self.index.reindex_share(name, self.shares.get(name));
    }

    /// The invitation with sequence number `seq`.
    pub fn invitation(&self, seq: u64) -> Option<&Invitation> {
        let i = self
            .invitations
            .binary_search_by_key(&seq, |i| i.seq)
            .ok()?;
        self.invitations.get(i)
    }

    /// The invitations of the share `name`, in creation order.
    pub fn invitations_of<'s>(&'s self, name: &Name) -> impl Iterator<Item = &'s Invitation> {
        self.index
            .invitations_of(name)
            .filter_map(|seq| self.invitation(seq))
    }

    /// Sets the status of the invitation with sequence number `seq` (answered, RAM-11 and
    /// RAM-12), keeping the PENDING counts of the index true.
    pub fn set_invitation_status(&mut self, seq: u64, status: InvitationStatus) {
        let Ok(i) = self.invitations.binary_search_by_key(&seq, |i| i.seq) else {
            return;
        };
        if let Some(inv) = self.invitations.get_mut(i) {
            let old = inv.status;
            inv.status = status;
            self.index.invitation_status_changed(inv, old);
        }
    }

    /// Withdraws an invitation.
    pub fn withdraw(&mut self, seq: u64) {
        if let Ok(i) = self.invitations.binary_search_by_key(&seq, |i| i.seq) {
            let inv = self.invitations.remove(i);
            self.index.remove_invitation(&inv);
        }
    }

    /// Whether the maintained indexes equal a recomputation from the state.
    /// The counts of are also compared with the scans they replace (over the
    /// shares an owner has in a Region), which shows that counting PENDING invitations by
    /// (sender, Region) counts those of the owner's shares, and so is RAM-15's PENDING lookup
    /// per (share, receiver).
    pub fn check_index(&self) -> Result<(), String> {
        let fresh = index::RamIndex::rebuild(self);
        if fresh != self.index {
            return Err(format!(
                "RAM indexes out of date:\nmaintained: {:?}\nrecomputed: {:?}",
                self.index, fresh
            ));
        }
        let keys: BTreeSet<&(Name, Region)> = self
            .index
            .by_owner
            .keys()
            .chain(self.index.active_by_owner.keys())
            .chain(self.index.pending_by_sender.keys())
            .collect();
        // RAM-15's question: the PENDING count of each (share, receiver) against the scan of
        // the share's invitations, for every pair an invitation or the index names.
        let pairs: BTreeSet<(&Name, &Name)> = self
            .invitations
            .iter()
            .map(|i| (&i.share, &i.receiver))
            .chain(
                self.index
                    .pending_by_share
                    .iter()
                    .flat_map(|(s, rs)| rs.keys().map(move |r| (s, r))),
            )
            .collect();
        for (share, receiver) in pairs {
            let scanned = self
                .invitations_of(share)
                .filter(|i| &i.receiver == receiver && i.status == InvitationStatus::Pending)
                .count();
            if self.index.has_pending(share, receiver) != (scanned > 0) {
                return Err(format!(
                    "RAM PENDING invitations of {receiver} to {share}: indexed {}, scanned \
                     {scanned}",
                    self.index.has_pending(share, receiver)
                ));
            }
        }
        for (owner, region) in keys {
            let owned = || {
                self.index
                    .owned(owner, region)
                    .filter_map(|n| self.shares.get(n).map(|s| (n, s)))
            };
            let active = owned()
                .filter(|(_, s)| s.status == ShareStatus::Active)
                .count() as u64;
            let pending = owned()
                .flat_map(|(n, _)| self.invitations_of(n))
                .filter(|i| &i.sender == owner && i.status == InvitationStatus::Pending)
                .count() as u64;
            let counted = (
                self.index.active_owned(owner, region),
                self.index.pending_sent(owner, region),
            );
            if counted != (active, pending) {
                return Err(format!(
                    "RAM counts of {owner} in {region}: (ACTIVE shares, PENDING invitations) \
                     counted {counted:?}, scanned {:?}",
                    (active, pending)
                ));
            }
        }
        Ok(())
    }
}

/// Applies a call of this service.
pub(crate) fn apply(world: &mut World, ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    match op {
        Op::EnableSharingWithAwsOrganization => shares::enable_sharing(world, ctx),
        Op::CreateResourceShare {
            share,
            resources,
            principals,
            allow_external_principals,
            retain_sharing_on_account_leave_organization,
        } => shares::create(
            world,
            ctx,
            share,
            CreateParams {
                resources: resources.clone(),
                principals: principals.clone(),
                allow_external_principals: allow_external_principals.unwrap_or(true),
                retain: *retain_sharing_on_account_leave_organization,
            },
        ),
        Op::UpdateResourceShare {
            share,
            allow_external_principals,
        } => shares::update(world, ctx, share, *allow_external_principals),
        Op::DeleteResourceShare { share } => shares::delete(world, ctx, share),
        Op::AssociateResourceShare {
            share,
            resources,
            principals,
        } => shares::associate(world, ctx, share, resources, principals),
        Op::DisassociateResourceShare {
            share,
            resources,
            principals,
        } => shares::disassociate(world, ctx, share, resources, principals),
        Op::PromoteResourceShareCreatedFromPolicy { resource } => {
            shares::promote(world, ctx, resource)
        }
        Op::GetResourceShareInvitations => Ok(invitations::get(world, ctx)),
        Op::AcceptResourceShareInvitation { share } => {
            invitations::respond(world, ctx, share, true)
        }
        Op::RejectResourceShareInvitation { share } => {
            invitations::respond(world, ctx, share, false)
        }
        Op::AdvanceTime { hours } => Ok(invitations::advance_time(world, ctx, *hours)),
        Op::GetResourceShares { resource_owner } => {
            Ok(observe::get_resource_shares(world, ctx, *resource_owner))
        }
        Op::ListResources { resource_owner } => {
            Ok(observe::list_resources(world, ctx, *resource_owner))
        }
        Op::GetResourceShareAssociations { association_type } => {
            Ok(observe::get_associations(world, ctx, *association_type))
        }
        other => Err(super::not_modelled(other)),
    }
}

/// Called after every change to an organization tree or to RAM org sharing: applies the
/// consequences of lost access (RAM-24, RAM-26, A-17).
pub(crate) fn on_org_change(world: &mut World, ctx: &mut Ctx) {
    access::reconcile(world, ctx);
}
