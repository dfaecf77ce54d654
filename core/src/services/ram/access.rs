//! Who a share reaches: principal validation and classification when principals are added
//! (RAM-05 to RAM-10), the access predicate RAM-23 against the current organization tree
//! (ORG-11, RAM-24), and the reconciliation run after every organization change (RAM-24, RAM-26,
//!

use super::{AssocStatus, PrincipalAssoc, Share, ShareStatus};
use crate::error::{ApiError, Exception, reject};
use crate::name::Name;
use crate::op::{IamKind, Principal, RamPrincipal};
use crate::services::ib::{IbKey, IbResource};
use crate::services::org::Node;
use crate::world::{Ctx, World};
use std::collections::{BTreeMap, BTreeSet};

/// The account an account or IAM principal belongs to.
pub(crate) fn principal_account(p: &RamPrincipal) -> Option<&Name> {
    match p {
        RamPrincipal::Account(a) => Some(a),
        RamPrincipal::Role(r) => Some(&r.account),
        RamPrincipal::User { account, .. } => Some(account),
        RamPrincipal::Organization(_) | RamPrincipal::OrganizationalUnit(_) => None,
    }
}

/// The organization an organization or OU principal names, if it exists.
fn node_org<'w>(world: &'w World, p: &'w RamPrincipal) -> Option<&'w Name> {
    match p {
        RamPrincipal::Organization(o) => world.org.orgs.contains_key(o).then_some(o),
        RamPrincipal::OrganizationalUnit(ou) => world.org.org_of_ou(ou),
        _ => None,
    }
}

fn node(p: &RamPrincipal) -> Option<Node> {
    match p {
        RamPrincipal::Organization(o) => Some(Node::Organization(o.clone())),
        RamPrincipal::OrganizationalUnit(ou) => Some(Node::Ou(ou.clone())),
        _ => None,
    }
}

/// Whether the owner's organization has RAM sharing enabled (RAM-25).
pub(crate) fn sharing_enabled(world: &World, owner: &Name) -> bool {
    world
        .org
        .organization_of(owner)
        .is_some_and(|o| o.ram_sharing)
}

/// Whether the principal is inside the owner's current organization (§1.6 `external`).
pub(crate) fn in_owner_org(world: &World, owner: &Name, p: &RamPrincipal) -> bool {
    let Some(org) = world.org.org_of(owner) else {
        // A standalone owner has no organization: only itself is "inside".
        return principal_account(p) == Some(owner);
    };
    match principal_account(p) {
        Some(account) => world.org.org_of(account) == Some(org),
        None => node_org(world, p) == Some(org),
    }
}

/// Whether an organization or OU principal may be in force for the owner: org sharing enabled
/// (RAM-06, IB-05), and the node is in the owner's organization, or foreign organizations are
/// allowed by the A-08 switch.
pub(crate) fn node_allowed(world: &World, owner: &Name, p: &RamPrincipal) -> bool {
    let Some(org) = node_org(world, p) else {
        return false;
    };
    sharing_enabled(world, owner)
        && (world.org.org_of(owner) == Some(org) || world.config.allow_foreign_org_principals)
}

/// Stages 1 and 2 for a principal being added (RAM-05, RAM-06, IAM-01).
pub(crate) fn validate(world: &World, p: &RamPrincipal) -> Result<(), ApiError> {
    match p {
        RamPrincipal::Account(a) => {
            if !world.has_account(a) {
                return Err(reject(
                    Exception::InvalidParameterException,
                    "RAM-05",
                    format!("Principal ID {a} is malformed"),
                ));
            }
        }
        RamPrincipal::Role(r) => {
            if !world.has_account(&r.account) {
                return Err(reject(
                    Exception::InvalidParameterException,
                    "RAM-05",
                    format!("Principal role {} of {} is malformed", r.role, r.account),
                ));
            }
            if !world.iam.exists(&r.account, IamKind::Role, &r.role) {
                return Err(reject(
                    Exception::UnknownResourceException,
                    "IAM-01",
                    format!("role {} of {} could not be found", r.role, r.account),
                ));
            }
        }
        RamPrincipal::User { account, user } => {
            if !world.has_account(account) {
                return Err(reject(
                    Exception::InvalidParameterException,
                    "RAM-05",
                    format!("Principal user {user} of {account} is malformed"),
                ));
            }
            if !world.iam.exists(account, IamKind::User, user) {
                return Err(reject(
                    Exception::UnknownResourceException,
                    "IAM-01",
                    format!("user {user} of {account} could not be found"),
                ));
            }
        }
        RamPrincipal::Organization(o) => {
            if !world.org.orgs.contains_key(o) {
                return Err(reject(
                    Exception::UnknownResourceException,
                    "RAM-06",
                    format!("Organization {o} could not be found"),
                ));
            }
        }
        RamPrincipal::OrganizationalUnit(ou) => {
            if world.org.org_of_ou(ou).is_none() {
                return Err(reject(
                    Exception::UnknownResourceException,
                    "RAM-06",
                    format!("OrganizationalUnit {ou} could not be found"),
                ));
            }
        }
    }
    Ok(())
}

/// How a new principal association starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Start {
    /// ASSOCIATED at once: the owner itself (RAM-10), in-org auto-acceptance (RAM-08), or an
    /// organization/OU principal.
    Associated,
    /// ASSOCIATING with a PENDING invitation to this account (RAM-09).
    Invite(Name),
}

/// Stage 4 for a principal being added: org sharing and organization membership (RAM-06,
/// RAM-07, A-08), then how it starts (RAM-08, RAM-09, RAM-10). Records the deciding rules.
pub(crate) fn classify(
    world: &World,
    ctx: &mut Ctx,
    owner: &Name,
    allow_external: bool,
    p: &RamPrincipal,
) -> Result<(Start, PrincipalAssoc), ApiError> {
    let inside = in_owner_org(world, owner, p);
    // RAM-06, A-08: without the switch, a foreign organization or OU cannot be found at all,
    // whatever the share allows.
    if principal_account(p).is_none()
        && node_org(world, p) != world.org.org_of(owner)
        && !world.config.allow_foreign_org_principals
    {
        ctx.hit("A-08");
        return Err(reject(
            Exception::UnknownResourceException,
            "RAM-06",
            format!("{p} could not be found: only your own organization can be named"),
        ));
    }
    if !allow_external && !inside {
        return Err(reject(
            Exception::InvalidParameterException,
            "RAM-07",
            format!("{p} is not in your AWS organization"),
        ));
    }
    let external = !inside;
    match principal_account(p) {
        None => {
            let own_org = node_org(world, p) == world.org.org_of(owner);
            if !sharing_enabled(world, owner) {
                ctx.hit("IB-05");
                return Err(reject(
                    Exception::UnknownResourceException,
                    "RAM-06",
                    format!(
                        "{p} could not be found: sharing with AWS Organizations is not enabled"
                    ),
                ));
            }
            if own_org {
                ctx.hit("RAM-08");
            } else {
                ctx.hit("A-08");
                ctx.hit("IB-03");
            }
            Ok((
                Start::Associated,
                PrincipalAssoc {
                    status: AssocStatus::Associated,
                    external,
                },
            ))
        }
        Some(account) => {
            let start = if account == owner {
                ctx.hit("RAM-10");
                Start::Associated
            // FAULT ZOO: no auto-acceptance inside the organization.
            } else if inside
                && sharing_enabled(world, owner)
                && !world.faulty(crate::fault::Fault::NoOrgAutoAccept)
            {
                ctx.hit("RAM-08");
                Start::Associated
            } else {
                ctx.hit("RAM-09");
                Start::Invite(account.clone())
            };
            let status = match start {
                Start::Associated => AssocStatus::Associated,
                Start::Invite(_) => AssocStatus::Associating,
            };
            Ok((start, PrincipalAssoc { status, external }))
        }
    }
}

/// Whether principal association `q` of `share` (ASSOCIATED) covers a caller of `account`
/// acting as `principal` (RAM-23): the account itself, an IAM principal of it (that principal
/// only), or an organization/OU containing it in the current tree (ORG-11), or an account that
/// left it and is retained (RAM-24).
pub(crate) fn covers(
    world: &World,
    share: &Share,
    q: &RamPrincipal,
    assoc: &PrincipalAssoc,
    account: &Name,
    principal: Option<&Principal>,
) -> bool {
    if assoc.status != AssocStatus::Associated {
        return false;
    }
    match q {
        RamPrincipal::Account(a) => a == account,
        RamPrincipal::Role(r) => {
            &r.account == account && principal == Some(&Principal::Role(r.role.clone()))
        }
        RamPrincipal::User { account: a, user } => {
            a == account && principal == Some(&Principal::User(user.clone()))
        }
        RamPrincipal::Organization(_) | RamPrincipal::OrganizationalUnit(_) => {
            node_allowed(world, &share.owner, q)
                && (node(q).is_some_and(|n| world.org.in_node(account, &n))
                    || share.retained.contains(account))
        }
    }
}

/// Whether any principal association of an ACTIVE share covers the account (RAM-23, without
/// the resource part). Looks up the account's own and its caller's IAM association directly,
/// and walks only the organization and OU principals.
pub(crate) fn covers_account(
    world: &World,
    share: &Share,
    account: &Name,
    principal: Option<&Principal>,
) -> bool {
    if share.status != ShareStatus::Active {
        return false;
    }
    let associated = |q: &RamPrincipal| {
        share
            .principals
            .get(q)
            .is_some_and(|a| a.status == AssocStatus::Associated)
    };
    if associated(&RamPrincipal::Account(account.clone())) {
        return true;
    }
    let iam = match principal {
        Some(Principal::Role(role)) => Some(RamPrincipal::Role(crate::op::RoleArn {
            account: account.clone(),
            role: role.clone(),
        })),
        Some(Principal::User(user)) => Some(RamPrincipal::User {
            account: account.clone(),
            user: user.clone(),
        }),
        _ => None,
    };
    if iam.as_ref().is_some_and(associated) {
        return true;
    }
    node_principals(share).any(|(q, a)| covers(world, share, q, a, account, principal))
}

/// The organization and OU principal associations of a share (contiguous in the principal
/// order: `Organization` and `OrganizationalUnit` sort between `Account` and `Role`).
fn node_principals(share: &Share) -> impl Iterator<Item = (&RamPrincipal, &PrincipalAssoc)> {
    share
        .principals
        .range(RamPrincipal::Organization(Name::empty())..)
        .take_while(|(q, _)| principal_account(q).is_none())
}

/// The nodes that contain the account in the current tree (ORG-11): its organization and
/// every OU above it.
pub(crate) fn nodes_of(world: &World, account: &Name) -> Vec<Node> {
    let Some((name, org)) = world
        .org
        .orgs
        .iter()
        .find(|(_, o)| o.accounts.contains_key(account))
    else {
        return Vec::new();
    };
    let mut out = vec![Node::Organization(name.clone())];
    let mut parent = org.accounts.get(account);
    // The depth is bounded by the number of OUs (which also guards against a cycle).
    for _ in 0..=org.ous.len() {
        match parent {
            Some(crate::op::Parent::Ou(ou)) => {
                out.push(Node::Ou(ou.clone()));
                parent = org.ous.get(ou).map(|(_, up)| up);
            }
            _ => break,
        }
    }
    out
}

/// Every share that may reach `account` or one of its IAM principals, and with
/// `with_invitations` also every share that invited it: the candidates of the consumer-side
/// listings (the callers apply the full predicate). Access needs an association, so the access
/// questions leave invitations out.
pub(crate) fn candidate_shares<'w>(
    world: &'w World,
    account: &Name,
    with_invitations: bool,
) -> Vec<&'w Name> {
    let ix = &world.ram.index;
    // Gathered in a vector, then sorted and deduplicated: the order and the names of a set,
    // without a set node per name.
    let mut out: Vec<&Name> = Vec::new();
    out.extend(ix.by_account.get(account).into_iter().flatten());
    out.extend(ix.by_retained.get(account).into_iter().flatten());
    for node in nodes_of(world, account) {
        out.extend(ix.by_node.get(&node).into_iter().flatten());
    }
    if with_invitations {
        // The share names the index keeps with the invitations (`RamState::check_index`
        // compares them with the invitations themselves). A name whose share is gone would be
        // left out by every caller, which looks each candidate up.
        out.extend(ix.shares_inviting(account));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// RAM-23 for every resource at once: the existing resources of others in `region` that a
/// caller of `account` (as `principal`) may use, each with whether some share that grants it
/// is STANDARD (listed, IB-13, RAM-27) and the resource itself (so that the listings do not
/// look it up again). Costs what the caller can see, not the world.
pub(crate) fn visible_resources<'w>(
    world: &'w World,
    account: &Name,
    principal: Option<&Principal>,
    region: &crate::name::Region,
) -> BTreeMap<&'w IbKey, (bool, &'w IbResource)> {
    let mut out: BTreeMap<&IbKey, (bool, &IbResource)> = BTreeMap::new();
    for name in candidate_shares(world, account, false) {
        let Some(share) = world.ram.shares.get(name) else {
            continue;
        };
        if &share.region != region
            || &share.owner == account
            || !covers_account(world, share, account, principal)
        {
            continue;
        }
        let standard = share.feature_set == super::ShareFeatureSet::Standard;
        for a in share.resources.values() {
            let Some(key) = a.key.as_ref() else {
                continue;
            };
            if a.status != AssocStatus::Associated
                || key.owner != share.owner
                || &key.region != region
            {
                continue;
            }
            let Some((key, res)) = world.ib.resources.get_key_value(key) else {
                continue;
            };
            let entry = out.entry(key).or_insert((false, res));
            entry.0 = entry.0 || standard;
        }
    }
    out
}

/// RAM-23: whether a caller of `account` (as `principal`) may use the resource through some
/// share, and if so whether some such share is STANDARD (discoverable in listings, IB-13,
/// RAM-27). Only the owner's own shares count (INV-02), in the resource's Region (RAM-01).
pub(crate) fn accessible(
    world: &World,
    account: &Name,
    principal: Option<&Principal>,
    key: &IbKey,
) -> Option<bool> {
    let mut found = None;
    let holding = world.ram.index.by_resource.get(key).into_iter().flatten();
    for share in holding.filter_map(|n| world.ram.shares.get(n)) {
        if share.owner != key.owner
            || share.region != key.region
            || share.status != ShareStatus::Active
        {
            continue;
        }
        if covers_account(world, share, account, principal) {
            let standard = share.feature_set == super::ShareFeatureSet::Standard;
            found = Some(found.unwrap_or(false) || standard);
        }
    }
    found
}

/// Every account the share may reach or has reached, whatever the statuses: the accounts of
/// its principal associations (an IAM role or user principal's account included), the members
/// of its organization and OU principals in the current tree (ORG-11), the accounts it retains
/// (RAM-24) and the receivers of its invitations. A superset of the accounts whose RAM and
/// Image Builder views show the share or what it grants (RAM-23, RAM-27, RAM-28, IB-23).
pub(crate) fn reached_accounts(
    world: &World,
    name: &Name,
    share: &Share,
    found: &mut dyn FnMut(&Name),
) {
    for q in share.principals.keys() {
        if let Some(a) = principal_account(q) {
            found(a);
        } else if let Some(n) = node(q) {
            world.org.members_of(&n).iter().for_each(&mut *found);
        }
    }
    share.retained.iter().for_each(&mut *found);
    for seq in world.ram.index.invitations_of(name) {
        if let Some(i) = world.ram.invitation(seq) {
            found(&i.receiver);
        }
    }
}

/// The accounts the share's organization and OU principals cover now.
pub(crate) fn node_coverage(world: &World, share: &Share) -> BTreeSet<Name> {
    let mut out = BTreeSet::new();
    for (q, a) in &share.principals {
        if a.status != AssocStatus::Associated || !node_allowed(world, &share.owner, q) {
            continue;
        }
        if let Some(n) = node(q) {
            out.extend(world.org.members_of(&n));
        }
    }
    out
}

/// RAM-24, RAM-26, A-17: brings every share in line with the current organizations.
pub(crate) fn reconcile(world: &mut World, ctx: &mut Ctx) {
    let names: Vec<Name> = world.ram.shares.keys().cloned().collect();
    for name in names {
        let Some(share) = world.ram.shares.get(&name) else {
            continue;
        };
        if share.status != ShareStatus::Active {
            continue;
        }
        let owner = share.owner.clone();
        let owner_org = world.org.org_of(&owner).cloned();
        // RAM-26 (and an owner that left its organization): organization and OU principals
        // that can no longer be in force are removed.
        let mut dropped = Vec::new();
        let mut failed = Vec::new();
        for (q, a) in &share.principals {
            if !a.status.is_live() {
                continue;
            }
            match principal_account(q) {
                None => {
                    if !node_allowed(world, &owner, q) {
                        dropped.push(q.clone());
                    }
                }
                Some(account) => {
                    // an explicit principal outside the organization of a share that
                    // does not allow external principals.
                    let inside =
                        owner_org.is_some() && world.org.org_of(account) == owner_org.as_ref();
                    if !share.allow_external_principals && !inside && account != &owner {
                        failed.push(q.clone());
                    }
                }
            }
        }
        let retain = share.retain_on_leave;
        let before = share.node_covered.clone();
        let Some(share) = world.ram.shares.get_mut(&name) else {
            continue;
        };
        for q in dropped {
            if let Some(a) = share.principals.get_mut(&q) {
                a.status = AssocStatus::Disassociated;
                ctx.hit("RAM-26");
            }
        }
        for q in failed {
            if let Some(a) = share.principals.get_mut(&q) {
                a.status = AssocStatus::Failed;
                ctx.hit("A-17");
            }
        }
        // §1.6: `external` says whether the principal is outside the owner's organization now.
        let externals: Vec<(RamPrincipal, bool)> = world
            .ram
            .shares
            .get(&name)
            .map(|s| {
                s.principals
                    .keys()
                    .map(|q| (q.clone(), !in_owner_org(world, &owner, q)))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(share) = world.ram.shares.get_mut(&name) {
            for (q, external) in externals {
                if let Some(a) = share.principals.get_mut(&q) {
                    a.external = external;
                }
            }
        }
        let Some(share) = world.ram.shares.get(&name) else {
            continue;
        };
        let now = node_coverage(world, share);
        // RAM-24: accounts no longer covered that left the owner's organization keep access
        // only if the share retains leavers.
        let leavers: Vec<Name> = before
            .difference(&now)
            .filter(|a| owner_org.is_none() || world.org.org_of(a) != owner_org.as_ref())
            .cloned()
            .collect();
        let Some(share) = world.ram.shares.get_mut(&name) else {
            continue;
        };
        if !leavers.is_empty() {
            ctx.hit("RAM-24");
            if retain {
                share.retained.extend(leavers);
            }
        }
        share.node_covered = now;
        world.ram.reindex(&name);
    }
    super::invitations::drop_orphans(world);
}
