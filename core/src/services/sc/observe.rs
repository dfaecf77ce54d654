//! The Service Catalog part of the observation (`ScView`), per account and Region.
//!
//! The observation may scan the whole state (it is not on the apply path). Everything the
//! recipient sees of an import is read from the owner's portfolio at observation time (SC-02),
//! and quota usage counts what an account owns, never what is shared with it.

use super::constraints::{self, Applied};
use super::launch::{path, path_view, provisioned_view, reach, visible_portfolios};
use super::sharing::{covers, principals_seen, share_view};
use super::{Portfolio, constraints::kind};
use crate::fault::Fault;
use crate::name::Name;
use crate::observe::ScView;
use crate::observe::{
    ConstraintView, ImportView, Observation, PendingShareView, PortfolioProductView, PortfolioView,
    PrincipalView, ProductView, RegionView,
};
use crate::op::{Call, Op};
use crate::op::{
    ConstraintParameters, IamKind, PortfolioPrincipal, PortfolioShareType, Principal, ShareTarget,
};
use crate::services::iam;
use crate::world::{Accounts, World};
use std::collections::BTreeSet;

/// A principal association, with its rendered ARN.
pub(super) fn principal_view(
    world: &World,
    account: &Name,
    p: &PortfolioPrincipal,
) -> PrincipalView {
    let arn = match p {
        PortfolioPrincipal::Iam {
            kind,
            name,
            account: a,
        } => iam::arn(&world.acct(a.as_ref().unwrap_or(account)), *kind, name),
        PortfolioPrincipal::IamPattern { kind, pattern } => {
            let kind = match kind {
                IamKind::User => "user",
                IamKind::Role => "role",
                IamKind::Group => "group",
            };
            format!("arn:aws:iam:::{kind}/{pattern}")
        }
    };
    PrincipalView {
        principal: p.clone(),
        arn,
    }
}

fn render_parameters(world: &World, p: &ConstraintParameters) -> String {
    match p {
        ConstraintParameters::Launch {
            role_arn: Some(r), ..
        } => format!(
            "role={}",
            iam::arn(&world.acct(&r.account), IamKind::Role, &r.role)
        ),
        ConstraintParameters::Launch {
            local_role_name: Some(n),
            ..
        } => format!("local_role={n}"),
        ConstraintParameters::Launch { .. } => String::new(),
        ConstraintParameters::Notification { topics } => format!(
            "topics={}",
            topics
                .iter()
                .map(Name::as_str)
                .collect::<Vec<_>>()
                .join(",")
        ),
        ConstraintParameters::ResourceUpdate {
            tag_update_on_provisioned_product,
        } => format!("tag_update={tag_update_on_provisioned_product:?}"),
        ConstraintParameters::StackSet {
            accounts, regions, ..
        } => format!("accounts={} regions={}", accounts.len(), regions.len()),
        ConstraintParameters::Template { rules } => format!("rules={}", rules.len()),
    }
}

/// One constraint as it applies in a portfolio.
pub(super) fn constraint_view(world: &World, a: &Applied<'_>) -> ConstraintView {
    ConstraintView {
        product: a.constraint.product.clone(),
        kind: kind(&a.constraint.parameters).to_owned(),
        name: a.name.clone(),
        owner: a.constraint.owner.clone(),
        inherited: a.inherited,
        effective: a.effective,
        parameters: render_parameters(world, &a.constraint.parameters),
    }
}

/// Own and inherited constraints of every product of the portfolio (SC-05, SC-55).
fn constraints_of(world: &World, name: &Name, p: &Portfolio) -> Vec<ConstraintView> {
    let mut out: Vec<ConstraintView> = p
        .products
        .keys()
        .flat_map(|x| constraints::applied(world, name, x))
        .map(|a| constraint_view(world, &a))
        .collect();
    out.sort();
    out
}

fn products_of(world: &World, p: &Portfolio) -> Vec<PortfolioProductView> {
    p.products
        .iter()
        .map(|(name, assoc)| {
            let prod = world.sc.products.get(name);
            PortfolioProductView {
                product: name.clone(),
                owner: prod.map_or_else(|| Name::new("?"), |x| x.owner.clone()),
                source_portfolio: assoc.source.clone(),
                versions: prod.map(|x| x.versions.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

fn region_mut<'o>(
    obs: &'o mut Observation,
    account: &Name,
    region: &crate::name::Region,
) -> Option<&'o mut RegionView> {
    obs.accounts
        .get_mut(account)
        .and_then(|a| a.regions.get_mut(region))
}

/// Fills the Service Catalog part of the view of each account of `only`.
pub(crate) fn observe(world: &World, obs: &mut Observation, only: Accounts<'_>) {
    for (name, p) in &world.sc.portfolios {
        observe_pending(world, obs, name, p, only);
        if !only.has(&p.owner) {
            continue;
        }
        let view = PortfolioView {
            name: name.clone(),
            id: p.id.clone(),
            display_name: p.display_name.clone(),
            products: products_of(world, p),
            constraints: constraints_of(world, name, p),
            principals: p
                .principals
                .iter()
                .map(|x| principal_view(world, &p.owner, x))
                .collect(),
            shares: p.shares.iter().map(|(t, s)| share_view(t, s)).collect(),
        };
        if let Some(region) = region_mut(obs, &p.owner, &p.region) {
            region.sc.portfolios.push(view);
            *region.usage.entry("Q-01".to_owned()).or_default() += 1;
        }
    }
    for ((recipient, pname), import) in &world.sc.imports {
        if !only.has(recipient) {
            continue;
        }
        let Some(p) = world.sc.portfolios.get(pname) else {
            continue;
        };
        let view = ImportView {
            portfolio: pname.clone(),
            owner: p.owner.clone(),
            id: p.id.clone(),
            share_types: import.share_types.iter().copied().collect(),
            // FAULT ZOO: a copied import keeps the versions it had when it was accepted.
            products: products_of(world, p)
                .into_iter()
                .map(|mut x| {
                    if x.versions.len() > 1 && world.faulty(Fault::ImportCopies) {
                        x.versions.truncate(1);
                    }
                    x
                })
                .collect(),
            constraints: constraints_of(world, pname, p),
            principals: principals_seen(world, recipient, pname)
                .iter()
                .map(|x| principal_view(world, recipient, x))
                .collect(),
        };
        // FAULT ZOO: the import leaks into every Region of the recipient.
        let leak = world.faulty(Fault::ShareLeaksRegion);
        for r in world.regions().filter(|r| leak || *r == &p.region) {
            if let Some(region) = region_mut(obs, recipient, r) {
                region.sc.imported.push(view.clone());
                // FAULT ZOO: the import is charged to the recipient's portfolio quota.
                if world.faulty(Fault::QuotaChargedToConsumer) {
                    *region.usage.entry("Q-01".to_owned()).or_default() += 1;
                }
            }
        }
    }
    for (name, p) in &world.sc.products {
        if !only.has(&p.owner) {
            continue;
        }
        if let Some(region) = region_mut(obs, &p.owner, &p.region) {
            region.sc.products.push(ProductView {
                name: name.clone(),
                id: p.id.clone(),
                versions: p.versions.clone(),
            });
            *region.usage.entry("Q-02".to_owned()).or_default() += 1;
        }
    }
    for ((account, name), pp) in &world.sc.provisioned {
        if !only.has(account) {
            continue;
        }
        if let Some(region) = region_mut(obs, account, &pp.region) {
            region
                .sc
                .provisioned_products
                .push(provisioned_view(name, pp));
        }
    }
    for (_, account) in obs.accounts.iter_mut().filter(|(n, _)| only.has(n)) {
        for region in account.regions.values_mut() {
            region.sc.pending_shares.sort_by(|a, b| {
                (&a.portfolio, &a.owner, a.share_type).cmp(&(&b.portfolio, &b.owner, b.share_type))
            });
        }
    }
    observe_launch_paths(world, obs, only);
}

/// Shares of `p` the recipients have not accepted: account shares not accepted (IMPORTED) and
/// node shares a covered account rejected (AWS_ORGANIZATIONS, SC-24).
fn observe_pending(
    world: &World,
    obs: &mut Observation,
    name: &Name,
    p: &Portfolio,
    only: Accounts<'_>,
) {
    for (target, share) in &p.shares {
        if let ShareTarget::Account(recipient) = target
            && !share.accepted
            && only.has(recipient)
            && let Some(region) = region_mut(obs, recipient, &p.region)
        {
            region.sc.pending_shares.push(PendingShareView {
                portfolio: name.clone(),
                owner: p.owner.clone(),
                share_type: PortfolioShareType::Imported,
            });
        }
    }
    let rejected = world
        .sc
        .org_rejected
        .range((name.clone(), Name::empty())..)
        .take_while(|(pn, _)| pn == name)
        .map(|(_, a)| a)
        .filter(|a| only.has(a));
    for account in rejected {
        let still_covered = p
            .shares
            .iter()
            .any(|(t, s)| covers(world, &p.owner, t, s, account));
        if still_covered && let Some(region) = region_mut(obs, account, &p.region) {
            region.sc.pending_shares.push(PendingShareView {
                portfolio: name.clone(),
                owner: p.owner.clone(),
                share_type: PortfolioShareType::AwsOrganizations,
            });
        }
    }
}

fn observe_launch_paths(world: &World, obs: &mut Observation, only: Accounts<'_>) {
    for (account, iam) in world.iam.accounts.iter().filter(|(a, _)| only.has(a)) {
        let principals: Vec<Principal> = iam
            .users
            .iter()
            .map(|u| Principal::User(u.clone()))
            .chain(iam.roles.iter().map(|r| Principal::Role(r.clone())))
            .collect();
        for region in world.regions() {
            // Every launch path goes through a portfolio visible in the Region (SC-58).
            let visible = visible_portfolios(world, account, region);
            let mut views = Vec::new();
            for principal in &principals {
                for (pname, p) in &visible {
                    let Some(shared) = reach(world, account, principal, pname, p) else {
                        continue;
                    };
                    for product in p.products.keys() {
                        let found = path(world, pname, p, product, shared);
                        views.push(path_view(world, account, principal, product, &found));
                    }
                }
            }
            views.sort();
            if let Some(r) = region_mut(obs, account, region) {
                r.sc.launch_paths = views;
            }
        }
    }
}

/// The accounts whose Service Catalog views a successful Service Catalog or IAM `call` may
/// change, given `previous`, the observation before it. It is `World::observe_after`'s choice
/// of the views to rebuild, and must hold every account whose view differs after the call. An
/// IAM call changes the caller's view alone; Organizations access (SC-31, SC-32) changes what
/// an organization change does ([`org_affected`]).
///
/// A Service Catalog call writes only what the caller and the owners of the portfolio or
/// product it names own, or what reads them (an acceptance marks the owner's share, SC-21; a
/// removal cascades into the importers' portfolios and provisioned products, SC-07, SC-08). An
/// account's view reads another's state only through a portfolio it imports (SC-02), a share
/// of a portfolio it has not accepted (SC-24), a product of another in one of its portfolios
/// (SC-47, SC-49) and the constraints inherited through it (SC-55), and a provisioned product
/// of another's product (SC-12). So the answer is the closure of those accounts under "reads
/// from", taken both in the world after the call (its indexes) and in `previous` (what each
/// view showed of others before the call, which is what a removal takes away).
pub(crate) fn affected(world: &World, previous: &Observation, call: &Call) -> BTreeSet<Name> {
    use Op::*;
    let mut portfolios: Vec<&Name> = Vec::new();
    let mut products: Vec<&Name> = Vec::new();
    match &call.op {
        // SC-31, SC-32: the flag is in the organization's view; what follows is the reaction to
        // an organization change (SC-33, SC-35).
        EnableAWSOrganizationsAccess | DisableAWSOrganizationsAccess => {
            return org_affected(world, previous);
        }
        // An IAM call writes only the caller's principals (IAM-01), which only the caller's
        // own launch paths read (SC-58: its end users and their groups, IAM-02); an
        // association's ARN names an account, not a principal that must exist.
        CreateRole { .. }
        | DeleteRole { .. }
        | CreateUser { .. }
        | DeleteUser { .. }
        | CreateGroup { .. }
        | DeleteGroup { .. }
        | AddUserToGroup { .. }
        | RemoveUserFromGroup { .. } => return BTreeSet::from([call.account.clone()]),
        CreatePortfolio { portfolio, .. }
        | DeletePortfolio { portfolio }
        | UpdatePortfolio { portfolio, .. }
        | AssociatePrincipalWithPortfolio { portfolio, .. }
        | DisassociatePrincipalFromPortfolio { portfolio, .. }
        | CreatePortfolioShare { portfolio, .. }
        | UpdatePortfolioShare { portfolio, .. }
        | DeletePortfolioShare { portfolio, .. }
        | AcceptPortfolioShare { portfolio, .. }
        | RejectPortfolioShare { portfolio, .. } => portfolios.push(portfolio),
        AssociateProductWithPortfolio {
            product,
            portfolio,
            source_portfolio,
        } => {
            portfolios.push(portfolio);
            portfolios.extend(source_portfolio);
            products.push(product);
        }
        DisassociateProductFromPortfolio { product, portfolio }
        | CreateConstraint {
            product, portfolio, ..
        } => {
            portfolios.push(portfolio);
            products.push(product);
        }
        CreateProduct { product, .. }
        | DeleteProduct { product }
        | CreateProvisioningArtifact { product, .. }
        | DeleteProvisioningArtifact { product, .. }
        | ProvisionProduct { product, .. } => products.push(product),
        UpdateConstraint { constraint, .. } | DeleteConstraint { constraint } => {
            if let Some(c) = world.sc.constraints.get(constraint) {
                portfolios.push(&c.portfolio);
                products.push(&c.product);
            }
        }
        _ => {}
    }
    let mut out = BTreeSet::from([call.account.clone()]);
    out.extend(
        portfolios
            .into_iter()
            .filter_map(|p| world.sc.portfolios.get(p))
            .map(|p| p.owner.clone()),
    );
    out.extend(
        products
            .into_iter()
            .filter_map(|p| world.sc.products.get(p))
            .map(|p| p.owner.clone()),
    );
    closure(world, previous, out)
}

/// The accounts whose Service Catalog views a successful Organizations call (or
/// EnableSharingWithAwsOrganization, or Service Catalog's own Organizations access calls) may
/// change, given `previous`, the observation before it.
///
/// The Service Catalog part of an account's view reads the organization tree only through the
/// node shares of portfolios (ORG-11, SC-22, SC-24, SC-36: which accounts a share covers, and
/// with SharePrincipals which imports see the owner's patterns, SC-39); it never shows the
/// account's own membership. The reaction to an organization change (`sharing::on_org_change`:
/// SC-21, SC-33, SC-34, SC-35, A-15, A-16, A-33) writes only the node shares of the portfolios
/// that have them, the AWS_ORGANIZATIONS imports of those portfolios and the cascades of a lost
/// import, which the importers' readers see. An organization change adds no
/// node share, so the seeds are the owners of the portfolios with a node share before the call
/// (in `previous`; those that still have one are in `node_shared`), and the answer is their
/// closure under "reads from" as in [`affected`]: it holds the accounts covered before
/// (`previous` shows their imports, pending shares and launch paths through the owner's
/// portfolios) and after (the importers and rejecting accounts of the world after the call).
pub(crate) fn org_affected(world: &World, previous: &Observation) -> BTreeSet<Name> {
    let mut seeds: BTreeSet<Name> = world
        .sc
        .node_shared
        .iter()
        .filter_map(|p| world.sc.portfolios.get(p))
        .map(|p| p.owner.clone())
        .collect();
    for (account, view) in &previous.accounts {
        let node_sharer = view.regions.values().any(|r| {
            r.sc.portfolios.iter().any(|p| {
                p.shares
                    .iter()
                    .any(|s| !matches!(s.target, ShareTarget::Account(_)))
            })
        });
        if node_sharer {
            seeds.insert(account.clone());
        }
    }
    if seeds.is_empty() {
        return seeds;
    }
    closure(world, previous, seeds)
}

/// The closure of `seeds` under "its Service Catalog view reads what this account owns", taken
/// both in the world after a call (`readers_now`) and in `previous` (`read_before`).
fn closure(world: &World, previous: &Observation, mut out: BTreeSet<Name>) -> BTreeSet<Name> {
    let mut frontier: Vec<Name> = out.iter().cloned().collect();
    loop {
        let mut next = Vec::new();
        for account in &frontier {
            readers_now(world, account, &mut |reader| {
                if out.insert(reader.clone()) {
                    next.push(reader.clone());
                }
            });
        }
        for (reader, view) in &previous.accounts {
            if !out.contains(reader) && view.regions.values().any(|r| read_before(&r.sc, &out)) {
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

/// Calls `found` with every account whose Service Catalog view reads what `account` owns in
/// the world as it is: the importers, unaccepted account recipients and rejecting covered
/// accounts of its portfolios (SC-02, SC-24), the owners of the portfolios that hold its
/// products (SC-47, SC-49) or take them from one of its portfolios (SC-55).
fn readers_now(world: &World, account: &Name, found: &mut dyn FnMut(&Name)) {
    let sc = &world.sc;
    for region in world.regions() {
        let key = (account.clone(), region.clone());
        for pname in sc.owned_portfolios.get(&key).into_iter().flatten() {
            sc.importers
                .get(pname)
                .into_iter()
                .flatten()
                .for_each(&mut *found);
            if let Some(p) = sc.portfolios.get(pname) {
                for target in p.shares.keys() {
                    if let ShareTarget::Account(a) = target {
                        found(a);
                    }
                }
            }
            sc.org_rejected
                .range((pname.clone(), Name::empty())..)
                .take_while(|(pn, _)| pn == pname)
                .for_each(|(_, a)| found(a));
            for (holder, _) in sc.sourced.get(pname).into_iter().flatten() {
                if let Some(p) = sc.portfolios.get(holder) {
                    found(&p.owner);
                }
            }
        }
        for product in sc.owned_products.get(&key).into_iter().flatten() {
            for holder in sc.product_portfolios.get(product).into_iter().flatten() {
                if let Some(p) = sc.portfolios.get(holder) {
                    found(&p.owner);
                }
            }
        }
    }
}

/// Whether a Service Catalog view (of the observation before a call) shows anything owned by
/// one of `owners`: an import, a pending share, a product or constraint of another in its
/// portfolios, a launch path through another's portfolio, a provisioned product of another's
/// product.
fn read_before(v: &ScView, owners: &BTreeSet<Name>) -> bool {
    v.imported.iter().any(|i| owners.contains(&i.owner))
        || v.pending_shares.iter().any(|p| owners.contains(&p.owner))
        || v.portfolios.iter().any(|p| {
            p.products.iter().any(|x| owners.contains(&x.owner))
                || p.constraints.iter().any(|c| owners.contains(&c.owner))
        })
        || v.launch_paths
            .iter()
            .any(|l| owners.contains(&l.portfolio_owner))
        || v.provisioned_products
            .iter()
            .any(|x| owners.contains(&x.product_owner))
}
