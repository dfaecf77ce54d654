//! Invitations (RULES.md §2.5.2): created for principals outside in-org auto-acceptance
//! (RAM-09), answered by their receiver (RAM-11, RAM-12), expired by the logical clock (RAM-13,
//! Q-16), and made unusable when their share or principal goes away.
//!
//! The vocabulary names an invitation by its share: the receiver answers "the invitation to
//! share S", which resolves to its PENDING invitation, or to its latest one for the error.

use super::access::principal_account;
use super::{AssocStatus, Invitation, InvitationStatus, Share, ShareStatus};
use crate::error::{ApiError, Exception, reject};
use crate::name::Name;
use crate::observe::InvitationView;
use crate::response::Response;
use crate::world::{Ctx, World};

/// Appends a UUID-shaped deterministic id (32 base-36 digits of the id generator, dashed
/// `8-4-4-4-12`) to `out`.
fn push_uuid(world: &mut World, name: &Name, out: &mut String) {
    world.ids.fresh_digits("", name, 32, |i, digit| {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        out.push(digit);
    });
}

/// The ARN of a RAM entity: `arn:aws:ram:<region>:<account id>:<kind>/<uuid>`, with a fresh
/// UUID-shaped id drawn for `name`, written into a string of the right size (shares and
/// invitations are created on most RAM calls).
pub(crate) fn ram_arn(
    world: &mut World,
    region: &crate::name::Region,
    owner: &Name,
    kind: &str,
    name: &Name,
) -> String {
    const PREFIX: &str = "arn:aws:ram:";
    let account = world.acct_str(owner);
    let mut out = String::with_capacity(
        PREFIX.len() + region.as_str().len() + account.len() + kind.len() + 2 + 36,
    );
    out.push_str(PREFIX);
    out.push_str(region.as_str());
    out.push(':');
    out.push_str(account);
    out.push(':');
    out.push_str(kind);
    out.push('/');
    push_uuid(world, name, &mut out);
    out
}

/// RAM-09: a PENDING invitation of `receiver` to the share, answering for the account and its
/// IAM principals alike. At most one PENDING per (share, receiver account) (RAM-15, INV-14): an
/// existing one also answers for a newly added principal of that account `[MODEL]`.
pub(crate) fn invite(world: &mut World, share: &Name, sender: &Name, receiver: &Name) {
    if has_pending(world, share, receiver) {
        return;
    }
    let Some(region) = world.ram.shares.get(share).map(|s| s.region.clone()) else {
        return;
    };
    let arn = ram_arn(world, &region, sender, "resource-share-invitation", share);
    let created_at = world.clock_hours;
    let seq = world.ram.next_invitation;
    world.ram.next_invitation += 1;
    let inv = Invitation {
        seq,
        share: share.clone(),
        sender: sender.clone(),
        receiver: receiver.clone(),
        region,
        arn,
        status: InvitationStatus::Pending,
        created_at,
    };
    world.ram.index.add_invitation(&inv);
    world.ram.invitations.push(inv);
}

/// Whether `receiver` has a PENDING invitation to the share (RAM-15).
/// A lookup of the index (`RamState::check_index` compares it with the scan of the share's
/// invitations).
pub(crate) fn has_pending(world: &World, share: &Name, receiver: &Name) -> bool {
    world.ram.index.has_pending(share, receiver)
}

fn view(i: &Invitation) -> InvitationView {
    InvitationView {
        share: i.share.clone(),
        sender: i.sender.clone(),
        status: i.status.as_str().to_owned(),
    }
}

/// The invitations received by `account` in the Region (RAM-14), in creation order.
pub(crate) fn received(
    world: &World,
    account: &Name,
    region: &crate::name::Region,
) -> Vec<InvitationView> {
    world
        .ram
        .index
        .invitations_to(account)
        .filter_map(|seq| world.ram.invitation(seq))
        .filter(|i| &i.region == region)
        .map(view)
        .collect()
}

/// GetResourceShareInvitations (RAM-14): only invitations received by the caller.
pub(crate) fn get(world: &World, ctx: &mut Ctx) -> Response {
    ctx.hit("RAM-14");
    Response::Invitations(received(world, &ctx.account, &ctx.region))
}

fn not_found(share: &Name) -> ApiError {
    reject(
        Exception::ResourceShareInvitationArnNotFoundException,
        "RAM-11",
        format!("no invitation to {share} was found for you"),
    )
}

/// AcceptResourceShareInvitation (RAM-11) and RejectResourceShareInvitation (RAM-12).
pub(crate) fn respond(
    world: &mut World,
    ctx: &mut Ctx,
    share: &Name,
    accept: bool,
) -> Result<Response, ApiError> {
    let share_live = world
        .ram
        .shares
        .get(share)
        .filter(|s| s.region == ctx.region);
    if share_live.is_none() {
        return Err(not_found(share));
    }
    let mine: Vec<&Invitation> = world
        .ram
        .invitations_of(share)
        .filter(|i| i.receiver == ctx.account && i.region == ctx.region)
        .collect();
    let Some(inv) = mine
        .iter()
        .find(|i| i.status == InvitationStatus::Pending)
        .or_else(|| mine.last())
        .copied()
    else {
        return Err(not_found(share));
    };
    let seq = inv.seq;
    match inv.status {
        InvitationStatus::Pending => {}
        InvitationStatus::Accepted => {
            return Err(reject(
                Exception::ResourceShareInvitationAlreadyAcceptedException,
                "RAM-11",
                format!("the invitation {} was already accepted", inv.arn),
            ));
        }
        InvitationStatus::Rejected => {
            return Err(reject(
                Exception::ResourceShareInvitationAlreadyRejectedException,
                "RAM-11",
                format!("the invitation {} was already rejected", inv.arn),
            ));
        }
        InvitationStatus::Expired => {
            return Err(reject(
                Exception::ResourceShareInvitationExpiredException,
                "RAM-13",
                format!("the invitation {} has expired", inv.arn),
            ));
        }
    }
    let receiver = inv.receiver.clone();
    let (status, assoc) = if accept {
        ctx.hit("RAM-11");
        (InvitationStatus::Accepted, AssocStatus::Associated)
    } else {
        ctx.hit("RAM-12");
        (InvitationStatus::Rejected, AssocStatus::Failed)
    };
    world.ram.set_invitation_status(seq, status);
    if let Some(s) = world.ram.shares.get_mut(share) {
        settle(s, &receiver, assoc);
    }
    world.ram.reindex(share);
    if accept {
        ctx.hit("IB-08");
    }
    Ok(Response::Empty)
}

/// AdvanceTime (RAM-13, Q-16): PENDING invitations older than the lifetime expire, and their
/// principal associations fail `[MODEL]`; the owner must share again.
pub(crate) fn advance_time(world: &mut World, ctx: &mut Ctx, hours: u32) -> Response {
    world.clock_hours = world.clock_hours.saturating_add(u64::from(hours));
    let lifetime = world.config.quotas.invitation_lifetime_hours;
    let now = world.clock_hours;
    let mut expired = Vec::new();
    for inv in &mut world.ram.invitations {
        if inv.status == InvitationStatus::Pending && inv.created_at.saturating_add(lifetime) <= now
        {
            inv.status = InvitationStatus::Expired;
            world
                .ram
                .index
                .invitation_status_changed(inv, InvitationStatus::Pending);
            expired.push((inv.share.clone(), inv.receiver.clone()));
        }
    }
    if !expired.is_empty() {
        ctx.hit("RAM-13");
        ctx.hit("Q-16");
    }
    for (share, receiver) in expired {
        if let Some(s) = world.ram.shares.get_mut(&share) {
            settle(s, &receiver, AssocStatus::Failed);
        }
        world.ram.reindex(&share);
    }
    Response::Empty
}

/// The answer to an invitation of `receiver` settles every principal association of the share
/// that waits for it: the account's own and those of its IAM principals.
fn settle(share: &mut Share, receiver: &Name, status: AssocStatus) {
    for (q, a) in &mut share.principals {
        if a.status == AssocStatus::Associating && principal_account(q) == Some(receiver) {
            a.status = status;
        }
    }
}

/// a PENDING invitation whose share is no longer ACTIVE or whose principal association
/// is no longer waiting for it cannot be answered; it is withdrawn.
fn orphaned(world: &World, i: &Invitation) -> bool {
    i.status == InvitationStatus::Pending
        && !world.ram.shares.get(&i.share).is_some_and(|s| {
            s.status == ShareStatus::Active
                && s.principals.iter().any(|(q, a)| {
                    a.status == AssocStatus::Associating
                        && principal_account(q) == Some(&i.receiver)
                })
        })
}

/// A-18 for every share (after organization changes).
pub(crate) fn drop_orphans(world: &mut World) {
    let orphans: Vec<u64> = world
        .ram
        .invitations
        .iter()
        .filter(|i| orphaned(world, i))
        .map(|i| i.seq)
        .collect();
    for seq in orphans {
        world.ram.withdraw(seq);
    }
}

/// A-18 for the invitations of one share, after a change to that share only (an invitation's
/// fate depends on its own share alone).
pub(crate) fn drop_orphans_of(world: &mut World, share: &Name) {
    let orphans: Vec<u64> = world
        .ram
        .invitations_of(share)
        .filter(|i| orphaned(world, i))
        .map(|i| i.seq)
        .collect();
    for seq in orphans {
        world.ram.withdraw(seq);
    }
}
