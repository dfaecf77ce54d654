//! Listings (RAM-14, RAM-27, RAM-28) and RAM's part of the observation: the same functions
//! answer the read calls and fill the view, so the two cannot disagree.

use super::access::{self, covers_account};
use super::{Share, ShareFeatureSet, ShareStatus, invitations};
use crate::name::{Name, Region};
use crate::observe::RegionView;
use crate::observe::{
    AssociationView, Observation, PrincipalRamView, ReceivedShareView, ResourceShareView,
};
use crate::op::Op;
use crate::op::{AssociationType, Principal, RamPrincipal, ResourceOwner};
use crate::response::Response;
use crate::world::{Accounts, Ctx, World};
use std::collections::{BTreeMap, BTreeSet};

/// The rendering of a principal in association views.
pub(crate) fn render_principal(world: &World, p: &RamPrincipal) -> String {
    match p {
        RamPrincipal::Account(a) => format!("account:{a}"),
        RamPrincipal::Organization(o) => format!("org:{o}"),
        RamPrincipal::OrganizationalUnit(ou) => format!("ou:{ou}"),
        RamPrincipal::Role(r) => {
            crate::services::iam::arn(&world.acct(&r.account), crate::op::IamKind::Role, &r.role)
        }
        RamPrincipal::User { account, user } => {
            crate::services::iam::arn(&world.acct(account), crate::op::IamKind::User, user)
        }
    }
}

fn resource_views(share: &Share) -> Vec<AssociationView> {
    share
        .resources
        .iter()
        .map(|(arn, a)| AssociationView {
            entity: arn.clone(),
            status: a.status.as_str().to_owned(),
            external: false,
        })
        .collect()
}

fn principal_views(world: &World, share: &Share) -> Vec<AssociationView> {
    let mut out: Vec<AssociationView> = share
        .principals
        .iter()
        .map(|(p, a)| AssociationView {
            entity: render_principal(world, p),
            status: a.status.as_str().to_owned(),
            external: a.external,
        })
        .collect();
    out.sort();
    out
}

fn share_view(world: &World, name: &Name, share: &Share) -> ResourceShareView {
    ResourceShareView {
        name: name.clone(),
        arn: share.arn.clone(),
        status: share.status.as_str().to_owned(),
        feature_set: share.feature_set.as_str().to_owned(),
        allow_external_principals: share.allow_external_principals,
        retain_sharing_on_account_leave_organization: share.retain_on_leave,
        resources: resource_views(share),
        principals: principal_views(world, share),
    }
}

fn owned<'w>(
    world: &'w World,
    account: &Name,
    region: &Region,
) -> impl Iterator<Item = (&'w Name, &'w Share)> {
    world
        .ram
        .index
        .owned(account, region)
        .filter_map(|n| world.ram.shares.get_key_value(n))
}

/// GetResourceShares(SELF): every share the account owns in the Region, any feature set.
pub(crate) fn own_shares(world: &World, account: &Name, region: &Region) -> Vec<ResourceShareView> {
    owned(world, account, region)
        .map(|(n, s)| share_view(world, n, s))
        .collect()
}

/// GetResourceShares(OTHER-ACCOUNTS) (RAM-27) for a caller of `account` acting as
/// `principal`: STANDARD shares of others that reach the caller (ACTIVE: a principal association
/// covers it by RAM-23, so an IAM role or user principal counts for that principal only), or
/// that invited its account and wait for the answer (PENDING; invitations are per receiver
/// account `[MODEL]`, RAM-09).
pub(crate) fn received_shares(
    world: &World,
    account: &Name,
    principal: Option<&Principal>,
    region: &Region,
) -> Vec<ReceivedShareView> {
    let candidates = access::candidate_shares(world, account, true);
    let mut out = Vec::with_capacity(candidates.len());
    for name in candidates {
        let Some(share) = world.ram.shares.get(name) else {
            continue;
        };
        if &share.owner == account
            || &share.region != region
            || share.status != ShareStatus::Active
            || share.feature_set != ShareFeatureSet::Standard
        {
            continue;
        }
        let active = covers_account(world, share, account, principal);
        let pending = invitations::has_pending(world, name, account);
        let status = if active {
            "ACTIVE"
        } else if pending {
            "PENDING"
        } else {
            continue;
        };
        out.push(ReceivedShareView {
            name: name.clone(),
            owner: share.owner.clone(),
            status: status.to_owned(),
        });
    }
    out
}

/// ListResources(OTHER-ACCOUNTS) (RAM-28): resources a caller of `account` acting as
/// `principal` can use through STANDARD shares now (RAM-23).
pub(crate) fn accessible_resources(
    world: &World,
    account: &Name,
    principal: Option<&Principal>,
    region: &Region,
) -> Vec<String> {
    let set: BTreeSet<String> = access::visible_resources(world, account, principal, region)
        .into_iter()
        .filter(|(_, (listed, _))| *listed)
        .map(|(_, (_, res))| res.arn.clone())
        .collect();
    set.into_iter().collect()
}

/// ListResources(SELF): resources the account shares (associated in one of its ACTIVE shares).
fn shared_resources(world: &World, account: &Name, region: &Region) -> Vec<String> {
    let set: BTreeSet<String> = owned(world, account, region)
        .filter(|(_, s)| s.status == ShareStatus::Active)
        .flat_map(|(_, s)| {
            s.resources
                .iter()
                .filter(|(_, a)| a.status == super::AssocStatus::Associated)
                .map(|(arn, _)| arn.clone())
        })
        .collect();
    set.into_iter().collect()
}

/// GetResourceShares (RAM-27).
pub(crate) fn get_resource_shares(world: &World, ctx: &mut Ctx, owner: ResourceOwner) -> Response {
    ctx.hit("RAM-27");
    match owner {
        ResourceOwner::Self_ => {
            Response::ResourceShares(own_shares(world, &ctx.account, &ctx.region))
        }
        ResourceOwner::OtherAccounts => Response::ReceivedShares(received_shares(
            world,
            &ctx.account,
            ctx.principal.as_ref(),
            &ctx.region,
        )),
    }
}

/// ListResources (RAM-28).
pub(crate) fn list_resources(world: &World, ctx: &mut Ctx, owner: ResourceOwner) -> Response {
    ctx.hit("RAM-28");
    match owner {
        ResourceOwner::Self_ => {
            Response::Resources(shared_resources(world, &ctx.account, &ctx.region))
        }
        ResourceOwner::OtherAccounts => Response::Resources(accessible_resources(
            world,
            &ctx.account,
            ctx.principal.as_ref(),
            &ctx.region,
        )),
    }
}

/// GetResourceShareAssociations (RAM-28): the associations of the caller's shares.
pub(crate) fn get_associations(world: &World, ctx: &mut Ctx, kind: AssociationType) -> Response {
    ctx.hit("RAM-28");
    let mut out = Vec::new();
    for (name, share) in owned(world, &ctx.account, &ctx.region) {
        let views = match kind {
            AssociationType::Principal => principal_views(world, share),
            AssociationType::Resource => resource_views(share),
        };
        out.extend(views.into_iter().map(|v| (name.clone(), v)));
    }
    Response::Associations(out)
}

/// The IAM roles and users of `account` that an ACTIVE share of another account names as a live
/// principal in `region`, keyed as the observation shows them (`role/NAME`, `user/NAME`).
fn named_principals(world: &World, account: &Name, region: &Region) -> BTreeMap<String, Principal> {
    let mut out = BTreeMap::new();
    let shares = world
        .ram
        .index
        .by_account
        .get(account)
        .into_iter()
        .flatten();
    for share in shares.filter_map(|n| world.ram.shares.get(n)) {
        if &share.owner == account || &share.region != region || share.status != ShareStatus::Active
        {
            continue;
        }
        for (q, a) in &share.principals {
            if !a.status.is_live() {
                continue;
            }
            match q {
                RamPrincipal::Role(r) if &r.account == account => {
                    out.insert(format!("role/{}", r.role), Principal::Role(r.role.clone()));
                }
                RamPrincipal::User { account: a, user } if a == account => {
                    out.insert(format!("user/{user}"), Principal::User(user.clone()));
                }
                _ => {}
            }
        }
    }
    out
}

/// Fills the RAM view per Region of each account of `only`, and the Q-11 usage of owners.
pub(crate) fn observe(world: &World, obs: &mut Observation, only: Accounts<'_>) {
    for (account, view) in obs.accounts.iter_mut().filter(|(a, _)| only.has(a)) {
        for (region, rv) in &mut view.regions {
            rv.ram.shares = own_shares(world, account, region);
            rv.ram.received = received_shares(world, account, None, region);
            rv.ram.invitations = invitations::received(world, account, region);
            rv.ram.accessible_resources = accessible_resources(world, account, None, region);
            for (key, principal) in named_principals(world, account, region) {
                let view = PrincipalRamView {
                    received: received_shares(world, account, Some(&principal), region),
                    accessible_resources: accessible_resources(
                        world,
                        account,
                        Some(&principal),
                        region,
                    ),
                };
                rv.ram.principals.insert(key, view);
            }
            let live = owned(world, account, region)
                .filter(|(_, s)| s.status == ShareStatus::Active)
                .count() as u64;
            if live > 0 {
                rv.usage.insert("Q-11".to_owned(), live);
            }
        }
    }
}

/// The owner of the share a RAM call names (the sender of the invitation an acceptance or
/// rejection answers, RAM-14), if it exists.
pub(crate) fn named_owner(world: &World, op: &Op) -> Option<Name> {
    use Op::*;
    match op {
        UpdateResourceShare { share, .. }
        | DeleteResourceShare { share }
        | AssociateResourceShare { share, .. }
        | DisassociateResourceShare { share, .. }
        | AcceptResourceShareInvitation { share }
        | RejectResourceShareInvitation { share } => {
            world.ram.shares.get(share).map(|s| s.owner.clone())
        }
        _ => None,
    }
}

/// The seeds of [`readers`] after a successful Organizations call or
/// EnableSharingWithAwsOrganization: the accounts whose RAM or Image Builder view may change
/// because the organizations did, given `moved`, the accounts whose organization changed.
///
/// RAM reads the organizations only in `access`: which accounts an organization or OU
/// principal covers (ORG-11, RAM-23, RAM-24, retained leavers), whether such a principal may be
/// in force (RAM-06, RAM-25, RAM-26: org sharing of the owner's organization, the node in the
/// owner's organization), and whether a principal is inside the owner's organization (§1.6
/// `external`, A-17). It never reads management or delegated-administrator status, and the
/// reaction to an organization change (`access::reconcile`, then A-18's withdrawal of the
/// invitations it orphans) writes only ACTIVE shares: those with an organization or OU
/// principal (coverage, RAM-24 to RAM-26, and `external` of a node whose organization or OU
/// came or went), and those whose owner or an account principal changed organization (A-17,
/// `external`). Their owners, and the accounts that moved (whose own shares' principals are
/// reclassified), are the seeds; the readers of those owners' shares are the accounts covered
/// before (in `previous`) and after (`access::reached_accounts`). Image Builder views read the
/// organizations only through the shares that grant its resources (IB-23, RAM-28), and an
/// Image Builder policy is such a share (IB-09, RAM-30), so the same accounts answer for them.
pub(crate) fn org_seeds(world: &World, moved: &BTreeSet<Name>) -> BTreeSet<Name> {
    let mut out = moved.clone();
    for share in world.ram.shares.values() {
        if share.status != ShareStatus::Active || out.contains(&share.owner) {
            continue;
        }
        let reads_org = share
            .principals
            .keys()
            .any(|q| access::principal_account(q).is_none_or(|a| moved.contains(a)));
        if reads_org {
            out.insert(share.owner.clone());
        }
    }
    out
}

/// The accounts whose RAM views AdvanceTime changed, given `previous`, the observation before
/// it: the receiver and the sender of each invitation PENDING before and not now. The clock
/// changes nothing else RAM shows (RAM-13, Q-16): an expired invitation shows EXPIRED to its
/// receiver (RAM-14) and no longer makes its share PENDING there (RAM-27), and the principal
/// associations that waited for it fail (`[MODEL]`), which its sender's share shows and which
/// covered no one before (RAM-23 needs ASSOCIATED). At most one invitation of a share to an
/// account is PENDING (RAM-15), so "not PENDING now" is exact.
pub(crate) fn expired_invitations(world: &World, previous: &Observation) -> BTreeSet<Name> {
    let mut out = BTreeSet::new();
    for (receiver, view) in &previous.accounts {
        for r in view.regions.values() {
            for i in r.ram.invitations.iter().filter(|i| i.status == "PENDING") {
                if !invitations::has_pending(world, &i.share, receiver) {
                    out.insert(receiver.clone());
                    out.insert(i.sender.clone());
                }
            }
        }
    }
    out
}

/// The closure of `seeds` under "its RAM or Image Builder view shows what this account owns",
/// taken both in the world after a call and in `previous`, the observation before it: the
/// accounts whose RAM and Image Builder views a RAM or Image Builder call by one of `seeds`
/// (the caller and the owners of what it names) may change. A call writes only what those
/// accounts own and what their shares reach: an acceptance marks the owner's association
/// (RAM-14), a share grants its owner's resources only (INV-02). A view shows another
/// account's state only through a share of that account that reaches it (RAM-23, RAM-27,
/// RAM-28, IB-23), or an invitation from it (RAM-14); `access::reached_accounts` is a superset
/// of those after the call, and what each view showed before is in `previous`.
pub(crate) fn readers(
    world: &World,
    previous: &Observation,
    seeds: BTreeSet<Name>,
) -> BTreeSet<Name> {
    let mut out = seeds;
    let mut frontier: Vec<Name> = out.iter().cloned().collect();
    loop {
        let mut next = Vec::new();
        for account in &frontier {
            for region in world.regions() {
                for (name, share) in owned(world, account, region) {
                    access::reached_accounts(world, name, share, &mut |a| {
                        if out.insert(a.clone()) {
                            next.push(a.clone());
                        }
                    });
                }
            }
        }
        for (reader, view) in &previous.accounts {
            if !out.contains(reader) && view.regions.values().any(|r| shows_before(r, &out)) {
                out.insert(reader.clone());
                next.push(reader.clone());
            }
        }
        if next.is_empty() {
            return out;
        }
        frontier = next;
    }
}

/// Whether a Region view (of the observation before a call) shows, in its RAM or Image Builder
/// part, a share, invitation or resource of one of `owners`.
fn shows_before(r: &RegionView, owners: &BTreeSet<Name>) -> bool {
    let received = |v: &[ReceivedShareView]| v.iter().any(|s| owners.contains(&s.owner));
    received(&r.ram.received)
        || r.ram.invitations.iter().any(|i| owners.contains(&i.sender))
        || r.ram.principals.values().any(|p| received(&p.received))
        || r.ib.shared.iter().any(|x| owners.contains(&x.owner))
}
