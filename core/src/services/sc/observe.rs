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
use crate::observe::{
    ConstraintView, ImportView, Observation, PendingShareView, PortfolioProductView, PortfolioView,
    PrincipalView, ProductView, RegionView,
};
use crate::op::{
    ConstraintParameters, IamKind, PortfolioPrincipal, PortfolioShareType, Principal, ShareTarget,
};
use crate::services::iam;
use crate::world::World;

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

/// Fills the Service Catalog part of each account's view.
pub(crate) fn observe(world: &World, obs: &mut Observation) {
    for (name, p) in &world.sc.portfolios {
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
        observe_pending(world, obs, name, p);
    }
    for ((recipient, pname), import) in &world.sc.imports {
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
                    if world.faulty(Fault::ImportCopies) {
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
        if let Some(region) = region_mut(obs, account, &pp.region) {
            region
                .sc
                .provisioned_products
                .push(provisioned_view(name, pp));
        }
    }
    for account in obs.accounts.values_mut() {
        for region in account.regions.values_mut() {
            region.sc.pending_shares.sort_by(|a, b| {
                (&a.portfolio, &a.owner, a.share_type).cmp(&(&b.portfolio, &b.owner, b.share_type))
            });
        }
    }
    observe_launch_paths(world, obs);
}

/// Shares of `p` the recipients have not accepted: account shares not accepted (IMPORTED) and
/// node shares a covered account rejected (AWS_ORGANIZATIONS, SC-24).
fn observe_pending(world: &World, obs: &mut Observation, name: &Name, p: &Portfolio) {
    for (target, share) in &p.shares {
        if let ShareTarget::Account(recipient) = target
            && !share.accepted
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
        .range((name.clone(), Name::new(""))..)
        .take_while(|(pn, _)| pn == name)
        .map(|(_, a)| a);
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

fn observe_launch_paths(world: &World, obs: &mut Observation) {
    for (account, iam) in &world.iam.accounts {
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
