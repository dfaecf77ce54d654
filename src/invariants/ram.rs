//! RAM, Image Builder and KMS invariants: the access predicate (RAM-23) recomputed from the
//! shares of each Region, visibility isolation, invitations, the external-principal flag,
//! dependencies that block unsharing (IB-15, IB-16) and encryption access (KMS-02).
//!
//! A share grants account X the resources of its ASSOCIATED resource associations when it is
//! ACTIVE and STANDARD and one of its ASSOCIATED principal associations covers X: the account
//! itself, its organization, an OU above it in the current tree (ORG-11, computed in
//! [`super::org`]), or an IAM principal of X (which grants that principal only: it justifies
//! nothing in the account's own listings, and what it grants is checked in the view of that
//! principal, `RamView::principals`; a PENDING received share may still come from its
//! invitation, which goes to the account). An org/OU
//! principal of a share with retainSharingOnAccountLeaveOrganization may still cover an account
//! that has left the organization (RAM-24); the checker accepts that without requiring it.

use super::arn::{self, Entity};
use super::index::{Index, regions};
use super::org::Node;
use super::render::{self, list};
use super::step::Step;
use super::{Cx, InvariantId as I, Violation};
use sharesim_core::observe::{IbResourceView, RegionView, ResourceShareView};
use sharesim_core::op::{IbKind, Op, OpKind, ServiceKind};
use sharesim_core::{Name, Region};
use std::collections::{BTreeMap, BTreeSet};

const ASSOCIATED: &str = "ASSOCIATED";

/// How a principal association covers an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cover {
    /// It does not.
    No,
    /// Possibly (an IAM principal of the account; a retained leaver of an org/OU share).
    Maybe,
    /// It does.
    Yes,
}

fn cover(ix: &Index<'_>, owner: &Name, share: &ResourceShareView, entity: &str, x: &Name) -> Cover {
    match arn::entity(entity) {
        Entity::Account(a) => {
            if &a == x {
                Cover::Yes
            } else {
                Cover::No
            }
        }
        // RAM-06, RAM-26: organization and OU principals grant nothing while the owner's
        // organization has RAM org sharing off.
        Entity::Organization(_) | Entity::Ou(_) if !org_sharing(ix, owner) => Cover::No,
        Entity::Organization(o) => {
            if ix.orgs.org_of(x) == Some(&o) {
                Cover::Yes
            } else {
                retained(ix, owner, share, x)
            }
        }
        Entity::Ou(ou) => {
            if ix.orgs.covers(Node::Ou(&ou), x) {
                Cover::Yes
            } else {
                retained(ix, owner, share, x)
            }
        }
        Entity::Iam { account_id } => {
            if ix.account_of_id(account_id) == Some(x) {
                Cover::Maybe
            } else {
                Cover::No
            }
        }
        Entity::Other => Cover::No,
    }
}

fn org_sharing(ix: &Index<'_>, owner: &Name) -> bool {
    ix.orgs
        .view_of(owner)
        .is_some_and(|o| o.ram_sharing_enabled)
}

/// A share that retains leavers possibly covers any account the node does not: the account may
/// have left (RAM-24), and whether a retained leaver that joins the organization again keeps its
/// access is not settled by RULES.md (the model keeps it; SC-33's grandfathered accounts follow
/// the tree again), so either is accepted.
fn retained(_ix: &Index<'_>, _owner: &Name, share: &ResourceShareView, _x: &Name) -> Cover {
    if share.retain_sharing_on_account_leave_organization {
        Cover::Maybe
    } else {
        Cover::No
    }
}

/// The shares of a Region that grant access: ACTIVE and STANDARD (RAM-23, RAM-27).
fn granting<'o>(ix: &Index<'o>, region: &Region) -> Vec<(&'o Name, &'o ResourceShareView)> {
    ix.shares
        .iter()
        .filter(|((_, r, _), s)| {
            *r == region && s.status == "ACTIVE" && s.feature_set == "STANDARD"
        })
        .map(|((o, _, _), s)| (*o, *s))
        .collect()
}

/// RAM-23 for account `x`'s own view (a caller of X that is none of its IAM principals):
/// resources it surely may access, and those it possibly may. An IAM principal association
/// covers only the principal it names, so it justifies nothing here; its grants are checked in
/// that principal's view (`principal_access`).
fn justified<'o>(
    ix: &Index<'o>,
    shares: &[(&'o Name, &'o ResourceShareView)],
    x: &Name,
) -> BTreeMap<&'o str, Cover> {
    let mut m: BTreeMap<&str, Cover> = BTreeMap::new();
    for (owner, s) in shares {
        let c = s
            .principals
            .iter()
            .filter(|p| p.status == ASSOCIATED)
            .map(|p| match arn::entity(&p.entity) {
                Entity::Iam { .. } => Cover::No,
                _ => cover(ix, owner, s, &p.entity, x),
            })
            .max()
            .unwrap_or(Cover::No);
        if c == Cover::No {
            continue;
        }
        for r in s.resources.iter().filter(|r| r.status == ASSOCIATED) {
            let e = m.entry(r.entity.as_str()).or_insert(Cover::No);
            *e = (*e).max(c);
        }
    }
    m
}

/// RAM-23 for the IAM principal `key` (`role/R`, `user/U`) of account `x` (whose id is `id`):
/// like [`justified`], except that an IAM principal association covers exactly the principal it
/// names, `arn:aws:iam::{id}:{key}` (compared piece by piece, not built: this runs for every
/// principal of every changed observation).
fn justified_as<'o>(
    ix: &Index<'o>,
    shares: &[(&'o Name, &'o ResourceShareView)],
    x: &Name,
    id: &str,
    key: &str,
) -> BTreeMap<&'o str, Cover> {
    let me = |entity: &str| {
        entity
            .strip_prefix("arn:aws:iam::")
            .and_then(|e| e.strip_prefix(id))
            .and_then(|e| e.strip_prefix(':'))
            == Some(key)
    };
    let mut m: BTreeMap<&str, Cover> = BTreeMap::new();
    for (owner, s) in shares {
        let c = s
            .principals
            .iter()
            .filter(|p| p.status == ASSOCIATED)
            .map(|p| match arn::entity(&p.entity) {
                Entity::Iam { .. } if me(&p.entity) => Cover::Yes,
                Entity::Iam { .. } => Cover::No,
                _ => cover(ix, owner, s, &p.entity, x),
            })
            .max()
            .unwrap_or(Cover::No);
        if c == Cover::No {
            continue;
        }
        for r in s.resources.iter().filter(|r| r.status == ASSOCIATED) {
            let e = m.entry(r.entity.as_str()).or_insert(Cover::No);
            *e = (*e).max(c);
        }
    }
    m
}

/// INV-13 for the views of the IAM principals an account's RAM view shows (`principals`):
/// each lists exactly what RAM-23 grants that principal.
fn principal_access(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    shares: &[(&Name, &ResourceShareView)],
    x: &Name,
    region: &Region,
    r: &RegionView,
    out: &mut Vec<Violation>,
) {
    let Some(id) = ix.id_of(x) else {
        return;
    };
    for (key, view) in &r.ram.principals {
        let just = justified_as(ix, shares, x, id, key);
        let shown: BTreeSet<&str> = view
            .accessible_resources
            .iter()
            .map(String::as_str)
            .collect();
        for a in &shown {
            if just.get(a).copied().unwrap_or(Cover::No) == Cover::No {
                out.push(Violation::new(
                    I::Inv13,
                    &["RAM-23", "RAM-28"],
                    format!(
                        "{key} of account {x} ({region}) can access {a}, but no ACTIVE STANDARD share with an ASSOCIATED principal covering that principal grants it ({})",
                        why_not(ix, region, x, a)
                    ),
                ));
            }
        }
        if !cx.strict() {
            continue;
        }
        for (a, c) in &just {
            let foreign = arn::parse(a).is_some_and(|p| p.account != id);
            if *c == Cover::Yes && foreign && !shown.contains(a) {
                out.push(Violation::new(
                    I::Inv13,
                    &["RAM-23", "RAM-28"],
                    format!(
                        "{key} of account {x} ({region}) is granted {a} by an ACTIVE STANDARD share covering it, but cannot access it"
                    ),
                ));
            }
        }
    }
}

/// Why no share justifies `x`'s access to `arn`, share by share.
fn why_not(ix: &Index<'_>, region: &Region, x: &Name, arn: &str) -> String {
    let mut reasons = Vec::new();
    for ((owner, r, name), s) in &ix.shares {
        if *r != region {
            continue;
        }
        let Some(res) = s.resources.iter().find(|a| a.entity == arn) else {
            continue;
        };
        let mut why = Vec::new();
        if s.status != "ACTIVE" {
            why.push(format!("status {}", s.status));
        }
        if s.feature_set != "STANDARD" {
            why.push(format!("feature set {}", s.feature_set));
        }
        if res.status != ASSOCIATED {
            why.push(format!("resource association {}", res.status));
        }
        let covering: Vec<String> = s
            .principals
            .iter()
            .filter(|p| cover(ix, owner, s, &p.entity, x) != Cover::No)
            .map(|p| format!("{} {}", p.entity, p.status))
            .collect();
        let iam_only = !covering.is_empty()
            && s.principals.iter().all(|p| {
                cover(ix, owner, s, &p.entity, x) == Cover::No
                    || matches!(arn::entity(&p.entity), Entity::Iam { .. })
            });
        if covering.is_empty() {
            why.push(format!("no principal covers {x}"));
        } else if iam_only {
            why.push(format!(
                "only IAM principals of {x} are named ({}), which grant those principals only",
                covering.join(", ")
            ));
        } else if !s
            .principals
            .iter()
            .any(|p| p.status == ASSOCIATED && cover(ix, owner, s, &p.entity, x) != Cover::No)
        {
            why.push(format!("principals covering {x}: {}", covering.join(", ")));
        }
        reasons.push(format!("share {name} of {owner}: {}", why.join(", ")));
    }
    if reasons.is_empty() {
        "no share of the Region contains it".to_owned()
    } else {
        reasons.join("; ")
    }
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

/// The accounts with a view of `region` that a principal of `share` (of `owner`, in any status)
/// covers or possibly covers (`cover` is not `No`): a superset of the accounts whose access,
/// visibility and received-share invariants can read the share (`scope::RamReaders`).
pub(crate) fn covered<'o>(
    ix: &Index<'o>,
    owner: &Name,
    share: &ResourceShareView,
    region: &Region,
    out: &mut BTreeSet<(&'o Name, &'o Region)>,
) {
    let mut add = |x: &Name| {
        if let Some((n, av)) = ix.obs.accounts.get_key_value(x)
            && let Some((r, _)) = av.regions.get_key_value(region)
        {
            out.insert((n, r));
        }
    };
    let mut every = false;
    for p in &share.principals {
        match arn::entity(&p.entity) {
            Entity::Account(a) => add(&a),
            Entity::Iam { account_id } => {
                if let Some(a) = ix.account_of_id(account_id) {
                    add(a);
                }
            }
            Entity::Organization(_) | Entity::Ou(_) => every = true,
            Entity::Other => {}
        }
    }
    if every {
        // An organization or OU principal (which may cover a retained leaver too): every
        // account is tried through `cover` itself.
        for x in ix.obs.accounts.keys() {
            if share
                .principals
                .iter()
                .any(|p| cover(ix, owner, share, &p.entity, x) != Cover::No)
            {
                add(x);
            }
        }
    }
}

/// The RAM, Image Builder and KMS state invariants, of every account and Region or (`scope`)
/// of those (account, Region) views only, in the same order (`scope::RamReaders` says why
/// that is exact from a clean observation).
pub(crate) fn check_state(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    scope: Option<&BTreeSet<(&Name, &Region)>>,
    out: &mut Vec<Violation>,
) {
    let mut granting_by_region: BTreeMap<&Region, Vec<(&Name, &ResourceShareView)>> =
        BTreeMap::new();
    let views: Box<dyn Iterator<Item = (&Name, &Region, &RegionView)>> = match scope {
        None => Box::new(regions(ix.obs).map(|(n, _, g, r)| (n, g, r))),
        Some(units) => Box::new(
            units
                .iter()
                .filter_map(|(n, g)| ix.region(n, g).map(|r| (*n, *g, r))),
        ),
    };
    for (account, region, r) in views {
        let shares = granting_by_region
            .entry(region)
            .or_insert_with(|| granting(ix, region));
        let just = justified(ix, shares, account);
        access(cx, ix, account, region, r, &just, out);
        principal_access(cx, ix, shares, account, region, r, out);
        visibility(cx, ix, account, region, r, &just, out);
        owned_ib(ix, account, region, r, out);
        for s in &r.ram.shares {
            share(ix, account, region, s, out);
        }
        for k in &r.kms_keys {
            let ok = arn::parse(&k.arn).is_some_and(|a| {
                a.region == region.as_str() && Some(a.account) == ix.id_of(account)
            });
            if !ok {
                out.push(Violation::new(
                    I::Inv01,
                    &["KMS-01"],
                    format!(
                        "KMS key {} listed by account {account} in {region} has ARN {}, which names another account or Region",
                        k.name, k.arn
                    ),
                ));
            }
        }
    }
}

/// INV-13 for one account in one Region.
fn access(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    x: &Name,
    region: &Region,
    r: &RegionView,
    just: &BTreeMap<&str, Cover>,
    out: &mut Vec<Violation>,
) {
    let shown: BTreeSet<&str> = r
        .ram
        .accessible_resources
        .iter()
        .map(String::as_str)
        .collect();
    for a in &shown {
        if just.get(a).copied().unwrap_or(Cover::No) == Cover::No {
            out.push(
                Violation::new(
                    I::Inv13,
                    &["RAM-23", "RAM-28", "RAM-19", "ORG-11"],
                    format!(
                        "account {x} ({region}) can access {a}, but no ACTIVE STANDARD share with an ASSOCIATED resource association and an ASSOCIATED principal covering {x} grants it ({})",
                        why_not(ix, region, x, a)
                    ),
                )
                .after(format!("accessible_resources of {x}: {}", render::ron(&r.ram.accessible_resources))),
            );
        }
    }
    if !cx.strict() {
        return;
    }
    let own_id = ix.id_of(x);
    for (a, c) in just {
        let foreign = arn::parse(a).is_some_and(|p| Some(p.account) != own_id);
        if *c == Cover::Yes && foreign && !shown.contains(a) {
            out.push(Violation::new(
                I::Inv13,
                &["RAM-23", "RAM-28", "RAM-08", "RAM-24"],
                format!(
                    "account {x} ({region}) is granted {a} by an ACTIVE STANDARD share covering it, but cannot access it"
                ),
            ));
        }
    }
}

/// The owner's view of a resource, without what only the owner sees (its policy).
fn public(r: &IbResourceView) -> IbResourceView {
    IbResourceView {
        policy_principals: Vec::new(),
        ..r.clone()
    }
}

/// INV-17 for one account in one Region.
fn visibility(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    x: &Name,
    region: &Region,
    r: &RegionView,
    just: &BTreeMap<&str, Cover>,
    out: &mut Vec<Violation>,
) {
    let mut listed = BTreeSet::new();
    for res in &r.ib.shared {
        listed.insert(res.arn.as_str());
        let here = std::fmt::from_fn(|f| {
            write!(
                f,
                "account {x} ({region}) lists {:?} {} ({}) as shared with it",
                res.kind, res.name, res.arn
            )
        });
        if res.owner == *x {
            out.push(Violation::new(
                I::Inv17,
                &["IB-23"],
                format!("{here}, but it owns it"),
            ));
            continue;
        }
        if just.get(res.arn.as_str()).copied().unwrap_or(Cover::No) == Cover::No {
            out.push(
                Violation::new(
                    I::Inv17,
                    &["IB-20", "IB-23", "IB-13", "RAM-23"],
                    format!(
                        "{here}, but no ACTIVE STANDARD share covering {x} grants it ({})",
                        why_not(ix, region, x, &res.arn)
                    ),
                )
                .after(render::ron(res)),
            );
            continue;
        }
        match ix.ib.get(res.arn.as_str()) {
            None => out.push(Violation::new(
                I::Inv17,
                &["IB-20"],
                format!("{here}, but its owner {} does not have it", res.owner),
            )),
            Some(o) => {
                let expected = public(o.item);
                if *res != expected {
                    out.push(
                        Violation::new(
                            I::Inv17,
                            &["IB-20", "IB-23", "IB-29"],
                            format!(
                                "{here}, but shows it differently from its owner {} (a consumer sees the owner's resource, never its policy)",
                                o.account
                            ),
                        )
                        .before(format!("owner: {}", render::ron(&expected)))
                        .after(format!("consumer: {}", render::ron(res))),
                    );
                }
            }
        }
    }
    if cx.strict() {
        for (a, c) in just {
            if *c != Cover::Yes || listed.contains(a) {
                continue;
            }
            if let Some(o) = ix.ib.get(a)
                && o.account != x
            {
                out.push(Violation::new(
                    I::Inv17,
                    &["IB-23", "RAM-23"],
                    format!(
                        "account {x} ({region}) is granted {:?} {} of account {} by an ACTIVE STANDARD share, but does not list it as shared",
                        o.item.kind, o.item.name, o.account
                    ),
                ));
            }
        }
    }
    for rs in &r.ram.received {
        let s = ix.shares.get(&(&rs.owner, region, &rs.name));
        let ok = s.is_some_and(|s| {
            s.feature_set == "STANDARD"
                && s.principals.iter().any(|p| {
                    (p.status == ASSOCIATED || p.status == "ASSOCIATING")
                        && cover(ix, &rs.owner, s, &p.entity, x) != Cover::No
                })
        });
        // A principal that only possibly covers the account (an organization principal of a
        // share that retains leavers, for an account outside the organization: the observation
        // does not say whether it ever was a member, RAM-24) allows either status.
        let expected_status = s.and_then(|s| {
            let associated = |want: Cover| {
                s.principals.iter().any(|p| {
                    p.status == ASSOCIATED && cover(ix, &rs.owner, s, &p.entity, x) == want
                })
            };
            if s.status != "ACTIVE" {
                Some(s.status.clone())
            } else if associated(Cover::Yes) {
                Some("ACTIVE".to_owned())
            } else if associated(Cover::Maybe) {
                None
            } else {
                Some("PENDING".to_owned())
            }
        });
        if ok && let Some(e) = expected_status.filter(|e| *e != rs.status) {
            out.push(
                Violation::new(
                    I::Inv17,
                    &["RAM-27", "RAM-09", "RAM-11"],
                    format!(
                        "account {x} ({region}) sees share {} of {} as {}, expected {e} (ACTIVE once a principal covering it is ASSOCIATED, PENDING while its invitation is)",
                        rs.name, rs.owner, rs.status
                    ),
                )
                .after(render::ron(rs)),
            );
        }
        if !ok {
            out.push(
                Violation::new(
                    I::Inv17,
                    &["RAM-27"],
                    format!(
                        "account {x} ({region}) receives share {} of {}, which is not a STANDARD share with a principal covering {x}",
                        rs.name, rs.owner
                    ),
                )
                .after(render::ron(rs)),
            );
        }
    }
    let mut pending: BTreeMap<(&Name, &Name), usize> = BTreeMap::new();
    for i in r.ram.invitations.iter().filter(|i| i.status == "PENDING") {
        *pending.entry((&i.share, &i.sender)).or_default() += 1;
    }
    for ((share, sender), n) in pending {
        if n > 1 {
            out.push(Violation::new(
                I::Inv14,
                &["RAM-15"],
                format!(
                    "account {x} ({region}) has {n} PENDING invitations to share {share} of {sender}; at most one per (share, receiver)"
                ),
            ));
        }
    }
}

/// INV-01 for the Image Builder resources an account owns.
fn owned_ib(ix: &Index<'_>, x: &Name, region: &Region, r: &RegionView, out: &mut Vec<Violation>) {
    let id = ix.id_of(x);
    for res in &r.ib.owned {
        let mut problems = Vec::new();
        if res.owner != *x {
            problems.push(format!("its owner field says {}", res.owner));
        }
        match arn::parse(&res.arn) {
            Some(a) if a.region == region.as_str() && Some(a.account) == id => {
                let expected = match res.kind {
                    IbKind::Component => "component",
                    IbKind::Image => "image",
                    IbKind::ImageRecipe => "image-recipe",
                    IbKind::ContainerRecipe => "container-recipe",
                };
                if arn::ib_type(&a) != Some(expected) {
                    problems.push(format!("its ARN {} is not a {expected} ARN", res.arn));
                }
            }
            _ => problems.push(format!(
                "its ARN {} names another account or Region",
                res.arn
            )),
        }
        for d in &res.depends_on {
            if let Some(a) = arn::parse(d)
                && a.region != region.as_str()
            {
                problems.push(format!("it references {d} in another Region (IB-06)"));
            }
        }
        if let Some(k) = &res.kms_key
            && arn::parse(k).is_some_and(|a| a.region != region.as_str())
        {
            problems.push(format!("its KMS key {k} is in another Region (KMS-08)"));
        }
        if !problems.is_empty() {
            out.push(
                Violation::new(
                    I::Inv01,
                    &["INV-01", "IB-06"],
                    format!(
                        "{:?} {} owned by account {x} in {region}: {}",
                        res.kind,
                        res.name,
                        problems.join("; ")
                    ),
                )
                .after(render::ron(res)),
            );
        }
    }
}

/// INV-01, INV-02, INV-15, INV-16 for one share.
fn share(
    ix: &Index<'_>,
    owner: &Name,
    region: &Region,
    s: &ResourceShareView,
    out: &mut Vec<Violation>,
) {
    let here =
        std::fmt::from_fn(|f| write!(f, "resource share {} of account {owner} ({region})", s.name));
    let ok = arn::parse(&s.arn)
        .is_some_and(|a| a.region == region.as_str() && Some(a.account) == ix.id_of(owner));
    if !ok {
        out.push(Violation::new(
            I::Inv01,
            &["RAM-01"],
            format!(
                "{here} has ARN {}, which names another account or Region",
                s.arn
            ),
        ));
    }
    for res in &s.resources {
        if let Some(a) = arn::parse(&res.entity)
            && a.region != region.as_str()
        {
            out.push(Violation::new(
                I::Inv01,
                &["RAM-01", "IB-06"],
                format!("{here} has resource {} of another Region", res.entity),
            ));
        }
        if res.status == ASSOCIATED {
            let owned = ix
                .ib
                .get(res.entity.as_str())
                .is_some_and(|o| o.account == owner && o.region == region);
            if !owned {
                out.push(
                    Violation::new(
                        I::Inv02,
                        &["RAM-04", "IB-04", "A-19"],
                        format!(
                            "{here} has an ASSOCIATED resource association for {}, which {owner} does not own; a resource not owned by the share owner must end FAILED",
                            res.entity
                        ),
                    )
                    .after(render::ron(res)),
                );
            }
        }
    }
    let owner_org = ix.orgs.org_of(owner);
    for p in &s.principals {
        let live = p.status == ASSOCIATED || p.status == "ASSOCIATING";
        let inside = match arn::entity(&p.entity) {
            Entity::Account(a) => Some(&a == owner || ix.orgs.same_org(&a, owner)),
            Entity::Organization(o) => Some(owner_org == Some(&o)),
            Entity::Ou(ou) => Some(owner_org.is_some() && ix.orgs.org_of_ou(&ou) == owner_org),
            Entity::Iam { account_id } => ix
                .account_of_id(account_id)
                .map(|a| a == owner || ix.orgs.same_org(a, owner)),
            Entity::Other => None,
        };
        if !s.allow_external_principals && p.status == ASSOCIATED && inside == Some(false) {
            out.push(
                Violation::new(
                    I::Inv16,
                    &["RAM-07", "RAM-20", "A-26"],
                    format!(
                        "{here} does not allow external principals, but principal {} outside {owner}'s organization is ASSOCIATED",
                        p.entity
                    ),
                )
                .after(render::ron(p)),
            );
        }
        if let Entity::Account(a) = arn::entity(&p.entity)
            && live
            && &a != owner
        {
            if let Some(inside) = inside
                && p.external == inside
            {
                out.push(
                    Violation::new(
                        I::Inv16,
                        &["RAM-07"],
                        format!(
                            "{here}: principal account {a} is marked external={}, but it is {} {owner}'s organization",
                            p.external,
                            if inside { "inside" } else { "outside" }
                        ),
                    )
                    .after(render::ron(p)),
                );
            }
            if s.feature_set != "STANDARD" {
                continue;
            }
            let invitations = ix.region(&a, region).map(|r| &r.ram.invitations);
            let has = |status: &str| {
                invitations.is_some_and(|v| {
                    v.iter()
                        .any(|i| i.share == s.name && &i.sender == owner && i.status == status)
                })
            };
            if p.status == "ASSOCIATING" && !has("PENDING") {
                out.push(Violation::new(
                    I::Inv15,
                    &["RAM-09"],
                    format!(
                        "{here}: principal account {a} is ASSOCIATING but has no PENDING invitation to the share"
                    ),
                ));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

/// A consumer-owned recipe's reference to another account's resource.
#[derive(Debug)]
struct Dep<'o> {
    consumer: &'o Name,
    region: &'o Region,
    recipe: &'o IbResourceView,
    target: &'o str,
    owner: &'o Name,
}

fn deps<'o>(ix: &Index<'o>) -> Vec<Dep<'o>> {
    let mut out = Vec::new();
    for (c, _, region, r) in regions(ix.obs) {
        for res in
            r.ib.owned
                .iter()
                .filter(|x| matches!(x.kind, IbKind::ImageRecipe | IbKind::ContainerRecipe))
        {
            for d in &res.depends_on {
                let Some(owner) = arn::parse(d).and_then(|a| ix.account_of_id(a.account)) else {
                    continue;
                };
                if owner != c {
                    out.push(Dep {
                        consumer: c,
                        region,
                        recipe: res,
                        target: d,
                        owner,
                    });
                }
            }
        }
    }
    out
}

/// Whether account `x` can use `arn` in `region`, as the observation shows it: listed as
/// accessible or shared, or named by the resource's policy (IB-13: usable by ARN).
fn can_use(ix: &Index<'_>, x: &Name, region: &Region, arn: &str) -> bool {
    let Some(res) = ix.ib.get(arn) else {
        return false;
    };
    if res.account == x {
        return true;
    }
    res.item.policy_principals.contains(x)
        || ix.region(x, region).is_some_and(|r| {
            r.ram.accessible_resources.iter().any(|a| a == arn)
                || r.ib.shared.iter().any(|s| s.arn == arn)
        })
}

/// Whether an owner's resource is still shared: in an ACTIVE share with an ASSOCIATED resource
/// association and an ASSOCIATED principal other than the owner, or named by its policy.
fn still_shared(
    ix: &Index<'_>,
    owner: &Name,
    region: &Region,
    res: &IbResourceView,
) -> Option<String> {
    if res.policy_principals.iter().any(|p| p != owner) {
        return Some(format!("its policy names {}", list(&res.policy_principals)));
    }
    for ((o, r, name), s) in &ix.shares {
        if *o != owner || *r != region || s.status != "ACTIVE" {
            continue;
        }
        let in_share = s
            .resources
            .iter()
            .any(|a| a.entity == res.arn && a.status == ASSOCIATED);
        let with: Vec<&str> = s
            .principals
            .iter()
            .filter(|p| p.status == ASSOCIATED && !owners_own(ix, owner, &p.entity))
            .map(|p| p.entity.as_str())
            .collect();
        if in_share && !with.is_empty() {
            return Some(format!("share {name} shares it with {}", with.join(", ")));
        }
    }
    None
}

/// Whether a rendered principal is the owner account itself or an IAM role or user in it: a
/// share naming only these is not "shared" for IB-16 (RAM-10, A-29), so the owner may delete.
fn owners_own(ix: &Index<'_>, owner: &Name, entity: &str) -> bool {
    match arn::entity(entity) {
        Entity::Account(a) => &a == owner,
        Entity::Iam { account_id } => ix.account_of_id(account_id) == Some(owner),
        _ => false,
    }
}

fn ib_delete(k: OpKind) -> bool {
    matches!(
        k,
        OpKind::DeleteComponent
            | OpKind::DeleteImage
            | OpKind::DeleteImageRecipe
            | OpKind::DeleteContainerRecipe
    )
}

/// The RAM, Image Builder and KMS step invariants.
pub(crate) fn check_step(cx: &Cx<'_>, s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    dependents_step(s, out);
    deletions_step(s, out);
    new_references_step(s, out);
    invitations_step(cx, s, out);
    associations_step(s, out);
    encryption_step(s, out);
}

/// NO-UNSHARE-WITH-DEPENDENTS (owner calls) and INV-18 (anyone else's).
fn dependents_step(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    let kind = s.call.op.kind();
    let org_call = kind.service() == ServiceKind::Organizations;
    for d in deps(s.before) {
        if !can_use(s.before, d.consumer, d.region, d.target) {
            continue;
        }
        let still_there = s.after.ib.contains_key(d.recipe.arn.as_str());
        if !still_there || can_use(s.after, d.consumer, d.region, d.target) {
            continue;
        }
        let gone = !s.after.ib.contains_key(d.target);
        let what = if gone {
            "deleted"
        } else {
            "no longer accessible to it"
        };
        if s.call.account == *d.owner && !org_call {
            out.push(
                Violation::new(
                    I::NoUnshareWithDependents,
                    &["IB-15", "IB-16", "A-12", "A-13"],
                    format!(
                        "{} by the owner {} left {} {} of consumer {} ({}), which depends on it, {what}; the owner cannot unshare or delete while a consumer depends on it",
                        kind.name(),
                        d.owner,
                        d.target,
                        d.recipe.name,
                        d.consumer,
                        d.region
                    ),
                )
                .before(format!("{:?} {} depends_on {}", d.recipe.kind, d.recipe.name, render::ron(&d.recipe.depends_on))),
            );
        } else if s.call.account != *d.consumer && !org_call {
            out.push(Violation::new(
                I::Inv18,
                &["IB-15", "ORG-05", "ORG-06", "RAM-24"],
                format!(
                    "{} by account {} left {} (owner {}), on which {:?} {} of consumer {} depends, {what}; only the owner's own call (refused) or an Organizations change may do that",
                    kind.name(),
                    s.call.account,
                    d.target,
                    d.owner,
                    d.recipe.kind,
                    d.recipe.name,
                    d.consumer
                ),
            ));
        }
    }
}

/// NO-UNSHARE-WITH-DEPENDENTS (deleting a shared resource) and INV-11 (Image Builder deletion
/// guards; organization deletion guards).
fn deletions_step(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    let kind = s.call.op.kind();
    for (arn, b) in &s.gone_ib {
        let (arn, b) = (*arn, *b);
        let res = b.item;
        let here = std::fmt::from_fn(|f| {
            write!(
                f,
                "{:?} {} ({arn}) of account {} ({})",
                res.kind, res.name, b.account, b.region
            )
        });
        if let Some(why) = still_shared(s.before, b.account, b.region, res) {
            out.push(
                Violation::new(
                    I::NoUnshareWithDependents,
                    &["IB-16", "A-13"],
                    format!(
                        "{here} was deleted during {} while still shared ({why}); the owner must unshare it first",
                        kind.name()
                    ),
                )
                .before(render::ron(res)),
            );
        }
        if !(s.ok() && s.call.account == *b.account && ib_delete(kind)) {
            out.push(Violation::new(
                I::Inv11,
                &["IB-16", "IB-17", "IB-18"],
                format!(
                    "{here} disappeared during {} by account {}; only the owner's Delete call removes it",
                    kind.name(),
                    s.call.account
                ),
            ));
        }
        let users: Vec<&Name> = s
            .before
            .ib
            .sorted_where(|o| {
                // IB-17 guards a component referenced by a recipe (and a recipe referenced by a
                // pipeline, which the model does not have); an image built from a recipe does
                // not keep the recipe alive.
                o.account == b.account
                    && matches!(o.item.kind, IbKind::ImageRecipe | IbKind::ContainerRecipe)
                    && o.item.depends_on.iter().any(|d| d == arn)
                    && s.after.ib.contains_key(o.item.arn.as_str())
            })
            .into_iter()
            .map(|(_, o)| &o.item.name)
            .collect();
        if !users.is_empty() {
            out.push(Violation::new(
                I::Inv11,
                &["IB-17"],
                format!(
                    "{here} was deleted while {} of the same account still reference it",
                    list(users)
                ),
            ));
        }
    }
    for (name, b) in &s.before.obs.organizations {
        match s.after.obs.organizations.get(name) {
            None => {
                if b.accounts.len() > 1 {
                    out.push(Violation::new(
                        I::Inv11,
                        &["ORG-07"],
                        format!(
                            "organization {name} was deleted while it had members {}",
                            list(b.accounts.keys().filter(|a| *a != &b.management))
                        ),
                    ));
                }
            }
            Some(a) => {
                for ou in b.ous.keys().filter(|ou| !a.ous.contains_key(*ou)) {
                    let parent = sharesim_core::op::Parent::Ou(ou.clone());
                    let children: Vec<&Name> = b
                        .accounts
                        .iter()
                        .chain(b.ous.iter())
                        .filter(|(_, p)| **p == parent)
                        .map(|(n, _)| n)
                        .collect();
                    if !children.is_empty() {
                        out.push(Violation::new(
                            I::Inv11,
                            &["ORG-04"],
                            format!(
                                "OU {ou} of organization {name} was deleted while it still held {}",
                                list(children)
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// INV-18: new recipes and images reference only what their account can access (IB-22).
fn new_references_step(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    for (_, a) in &s.new_ib {
        for d in &a.item.depends_on {
            let Some(owner) = arn::parse(d).and_then(|x| s.before.account_of_id(x.account)) else {
                continue; // AMIs and Amazon-managed resources are outside the sharing model.
            };
            if owner == a.account {
                continue;
            }
            if !can_use(s.before, a.account, a.region, d) {
                out.push(
                    Violation::new(
                        I::Inv18,
                        &["IB-22", "IB-20"],
                        format!(
                            "{:?} {} created by account {} references {d} of account {owner}, which it could not access before the call",
                            a.item.kind, a.item.name, a.account
                        ),
                    )
                    .after(render::ron(a.item)),
                );
            }
        }
    }
}

type InvKey<'o> = (&'o Name, &'o Region, &'o Name, &'o Name);

fn invitation_counts<'o>(ix: &Index<'o>) -> BTreeMap<InvKey<'o>, BTreeMap<&'o str, usize>> {
    let mut m: BTreeMap<InvKey<'o>, BTreeMap<&'o str, usize>> = BTreeMap::new();
    for (x, _, region, r) in regions(ix.obs) {
        for i in &r.ram.invitations {
            *m.entry((x, region, &i.share, &i.sender))
                .or_default()
                .entry(i.status.as_str())
                .or_default() += 1;
        }
    }
    m
}

/// INV-15: an account principal that becomes ASSOCIATED in a step either is auto-accepted
/// (RAM-08: same organization, RAM org sharing on) or accepted its invitation (RAM-09, RAM-11).
/// Only the transition is checked: an auto-accepted account keeps its association when it
/// leaves the organization or when org sharing is turned off (RAM-26), and the principals
/// of a promoted policy share were never invited (RAM-31).
fn associations_step(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    if matches!(s.call.op, Op::PromoteResourceShareCreatedFromPolicy { .. }) {
        return;
    }
    for ((owner, region, name), share) in &s.after.shares {
        if share.feature_set != "STANDARD" {
            continue;
        }
        let before = s.before.shares.get(&(*owner, *region, *name));
        for p in share.principals.iter().filter(|p| p.status == ASSOCIATED) {
            let Entity::Account(a) = arn::entity(&p.entity) else {
                continue;
            };
            if &a == *owner {
                continue;
            }
            let was = before.is_some_and(|b| {
                b.principals
                    .iter()
                    .any(|q| q.entity == p.entity && q.status == ASSOCIATED)
            });
            let auto = s.after.orgs.same_org(&a, owner)
                && s.after
                    .orgs
                    .view_of(owner)
                    .is_some_and(|o| o.ram_sharing_enabled);
            let accepted = s.after.region(&a, region).is_some_and(|r| {
                r.ram
                    .invitations
                    .iter()
                    .any(|i| &i.share == *name && &i.sender == *owner && i.status == "ACCEPTED")
            });
            if !was && !auto && !accepted {
                out.push(Violation::new(
                    I::Inv15,
                    &["RAM-09", "RAM-11", "RAM-08"],
                    format!(
                        "resource share {name} of account {owner} ({region}): principal account {a} became ASSOCIATED during {} without an accepted invitation, although {}",
                        s.call.op.kind().name(),
                        if s.after.orgs.same_org(&a, owner) {
                            "RAM org sharing is not enabled"
                        } else {
                            "it is outside the owner's organization (no automatic acceptance)"
                        }
                    ),
                ));
            }
        }
    }
}

/// INV-14 (transitions, and expiry once the clock passes the lifetime) and INV-15 (new
/// invitations inside an organization with RAM sharing).
fn invitations_step(cx: &Cx<'_>, s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    let b = invitation_counts(s.before);
    let a = invitation_counts(s.after);
    let empty = BTreeMap::new();
    let keys: BTreeSet<&InvKey<'_>> = b.keys().chain(a.keys()).collect();
    let op = s.call.op.kind().name();
    // RAM-13, Q-16: an invitation PENDING before the step is at least as old as the step, so a
    // step that moves the clock by the lifetime or more leaves none of them PENDING. (The
    // observation has no invitation timestamps, so an invitation that expires later than its
    // lifetime is caught only by such a step; none that expires too early is.) Completeness:
    // strict mode only, since a real service expires on its own clock.
    let lifetime = cx.quotas.invitation_lifetime_hours;
    let advanced = s
        .after
        .obs
        .clock_hours
        .saturating_sub(s.before.obs.clock_hours);
    let expiring = cx.strict() && advanced > 0 && advanced >= lifetime;
    for key in keys {
        let (x, region, share, sender) = key;
        let bc = b.get(key).unwrap_or(&empty);
        let ac = a.get(key).unwrap_or(&empty);
        let n = |m: &BTreeMap<&str, usize>, k: &str| m.get(k).copied().unwrap_or(0);
        let here = std::fmt::from_fn(|f| {
            write!(
                f,
                "invitation of account {x} ({region}) to share {share} of {sender}"
            )
        });
        let share_live = s
            .after
            .shares
            .get(&(*sender, *region, *share))
            .is_some_and(|sh| sh.status != "DELETED");
        let mut new_terminal = 0;
        for t in ["ACCEPTED", "REJECTED", "EXPIRED"] {
            let (nb, na) = (n(bc, t), n(ac, t));
            if na > nb {
                new_terminal += na - nb;
                let by_call = s.ok()
                    && s.call.account == **x
                    && s.call.region == **region
                    && match (t, &s.call.op) {
                        ("ACCEPTED", Op::AcceptResourceShareInvitation { share: sh }) => {
                            sh == *share
                        }
                        ("REJECTED", Op::RejectResourceShareInvitation { share: sh }) => {
                            sh == *share
                        }
                        _ => false,
                    };
                let expired = t == "EXPIRED" && s.after.obs.clock_hours > s.before.obs.clock_hours;
                if !by_call && !expired {
                    out.push(Violation::new(
                        I::Inv14,
                        &["RAM-11", "RAM-12", "RAM-13"],
                        format!(
                            "{here} became {t} during {op} by account {}; only the receiver's {} (or the clock, for EXPIRED) does that",
                            s.call.account,
                            if t == "REJECTED" { "RejectResourceShareInvitation" } else { "AcceptResourceShareInvitation" }
                        ),
                    ));
                }
            }
            if nb > na && share_live {
                out.push(Violation::new(
                    I::Inv14,
                    &["RAM-15"],
                    format!(
                        "{here}: {} {t} invitation(s) left their terminal state during {op}",
                        nb - na
                    ),
                ));
            }
        }
        if expiring && n(bc, "PENDING") > 0 && n(ac, "PENDING") > 0 {
            out.push(Violation::new(
                I::Inv14,
                &["RAM-13", "Q-16"],
                format!(
                    "{here} was PENDING before {op} and still is, though the clock moved {advanced} h and invitations expire after {lifetime} h"
                ),
            ));
        }
        if new_terminal > n(bc, "PENDING") {
            out.push(Violation::new(
                I::Inv14,
                &["RAM-15"],
                format!(
                    "{here}: {new_terminal} invitation(s) reached a terminal state during {op} but only {} was PENDING",
                    n(bc, "PENDING")
                ),
            ));
        }
        if n(ac, "PENDING") > n(bc, "PENDING")
            && s.after.orgs.same_org(x, sender)
            && s.after
                .orgs
                .view_of(sender)
                .is_some_and(|o| o.ram_sharing_enabled)
        {
            out.push(Violation::new(
                I::Inv15,
                &["RAM-08"],
                format!(
                    "{here} was created during {op}, but {x} and {sender} are in the same organization with RAM org sharing enabled, so the share is accepted automatically"
                ),
            ));
        }
    }
}

/// Whether account `x` may use the key `key` for a resource in `region` (KMS-02, KMS-05).
fn key_problem(ix: &Index<'_>, x: &Name, region: &Region, key: &str) -> Option<String> {
    let found = ix.keys.get(key).copied().or_else(|| {
        let a = arn::parse(key)?;
        let alias = a.resource.strip_prefix("alias/")?;
        let owner = ix.account_of_id(a.account)?;
        ix.keys
            .sorted_where(|k| k.account == owner && k.item.name.as_str() == alias)
            .first()
            .map(|(_, k)| *k)
    });
    let Some(k) = found else {
        return Some(format!("key {key} does not exist"));
    };
    if k.item.state != "Enabled" {
        return Some(format!("key {key} is {}", k.item.state));
    }
    if k.region != region {
        return Some(format!("key {key} is in {}, not {region}", k.region));
    }
    if k.account == x {
        return None;
    }
    let mut allowed = vec![format!("account:{x}")];
    if let Some(o) = ix.orgs.org_of(x) {
        allowed.push(format!("org:{o}"));
        allowed.push(format!("organization:{o}"));
    }
    for ou in ix.orgs.ancestors(x) {
        allowed.push(format!("ou:{ou}"));
    }
    if k.item.grantees.iter().any(|g| allowed.contains(g)) {
        None
    } else {
        Some(format!(
            "the policy of key {key} (owner {}) grants {}, not {x}",
            k.account,
            list(&k.item.grantees)
        ))
    }
}

/// INV-19: a successful build or encryption with another account's key implies key access.
fn encryption_step(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    if !s.ok() {
        return;
    }
    for (_, a) in &s.new_ib {
        let x = a.account;
        let res = a.item;
        let mut problems = Vec::new();
        if res.kind == IbKind::ContainerRecipe
            && let Some(k) = &res.kms_key
            && let Some(p) = key_problem(s.after, x, a.region, k)
        {
            problems.push(format!("it is encrypted with {k}: {p}"));
        }
        if res.kind == IbKind::Image && res.status == "AVAILABLE" {
            // The build reads every resource it depends on, transitively.
            let mut todo: Vec<&str> = res.depends_on.iter().map(String::as_str).collect();
            let mut seen = BTreeSet::new();
            while let Some(d) = todo.pop() {
                if !seen.insert(d) {
                    continue;
                }
                let Some(dep) = s.after.ib.get(d).or_else(|| s.before.ib.get(d)) else {
                    continue;
                };
                todo.extend(dep.item.depends_on.iter().map(String::as_str));
                if dep.account == x {
                    continue;
                }
                if let Some(k) = &dep.item.kms_key
                    && let Some(p) = key_problem(s.after, x, dep.region, k)
                {
                    problems.push(format!(
                        "it was built from {:?} {} of account {}, encrypted with {k}: {p}",
                        dep.item.kind, dep.item.name, dep.account
                    ));
                }
            }
        }
        if !problems.is_empty() {
            out.push(
                Violation::new(
                    I::Inv19,
                    &["KMS-02", "KMS-05", "KMS-07", "IB-22", "A-21"],
                    format!(
                        "{:?} {} of account {x} was created by {} although {}",
                        res.kind,
                        res.name,
                        s.call.op.kind().name(),
                        problems.join("; ")
                    ),
                )
                .after(render::ron(res)),
            );
        }
    }
}
