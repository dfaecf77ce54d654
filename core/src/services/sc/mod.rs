//! AWS Service Catalog portfolio sharing (RULES.md §2.4).
//!
//! An import is a reference, not a copy (SC-02): the recipient's record of an imported portfolio
//! holds only how it was received and the recipient's own principal associations; products,
//! versions and constraints are always read from the owner's portfolio, so changes propagate
//! (SC-06) by construction and a removal upstream is gone everywhere at once (SC-07).
//!
//! An account has a portfolio imported while an accepted account share or a covering
//! organization-node share backs it (INV-03). Node-share coverage is computed from the current
//! organization tree (ORG-11) and materialised into the imports as the AWS_ORGANIZATIONS share
//! type; [`sharing::reconcile_portfolio`] keeps the materialisation exact after every share and
//! organization change, and the loss of the last share type removes the import with everything
//! the recipient built on it.
//!
//! Module map: [`portfolios`] (portfolios, products, versions, product and principal
//! associations), [`constraints`] (constraints and their inheritance), [`sharing`] (shares,
//! imports, Organizations access and the org-change hook), [`launch`] (launch paths,
//! provisioning, searches), [`observe`] (the observation).
//!
//! The state keeps a few indexes (portfolios and products by owner and Region, portfolios by
//! product, importers by portfolio, local associations by source) so that every call costs in the
//! number of entities it touches, not in the size of the world.

mod constraints;
mod launch;
mod observe;
mod portfolios;
mod sharing;
#[cfg(test)]
mod tests;

pub(crate) use observe::{affected, observe, org_affected};

use crate::error::{ApiError, Exception, RuleId, reject};
use crate::name::{Name, Region};
use crate::op::{ConstraintParameters, Op, PortfolioPrincipal, PortfolioShareType, ShareTarget};
use crate::response::Response;
use crate::world::{Ctx, World};
use std::collections::{BTreeMap, BTreeSet};

/// A portfolio, owned by one account in one Region.
#[derive(Debug, Clone)]
pub(crate) struct Portfolio {
    pub owner: Name,
    pub region: Region,
    pub id: String,
    pub display_name: String,
    pub provider_name: String,
    /// Product name to its association.
    pub products: BTreeMap<Name, ProductAssociation>,
    /// The owner's principal associations (normalised: IAM principals without an account).
    pub principals: BTreeSet<PortfolioPrincipal>,
    /// Shares made of this portfolio, by recipient.
    pub shares: BTreeMap<ShareTarget, PortfolioShare>,
}

/// A product's association with a portfolio (SC-47), with the portfolio owner's constraints on
/// it (SC-52: constraints belong to the association).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ProductAssociation {
    /// The imported portfolio the product came from, for a product of another account.
    pub source: Option<Name>,
    /// Names of the constraints on this (portfolio, product).
    pub constraints: BTreeSet<Name>,
}

/// A share of a portfolio (SC-20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PortfolioShare {
    /// Account shares: accepted by the recipient. Node shares: always true (SC-27).
    pub accepted: bool,
    pub share_tag_options: bool,
    pub share_principals: bool,
    /// Node shares: the organization the node belongs to (the sharer's, SC-20).
    pub organization: Option<Name>,
    /// Node shares while SC Organizations access is disabled: the covered accounts, frozen at
    /// the moment access was disabled (SC-33, A-16).
    pub frozen: Option<BTreeSet<Name>>,
    /// Node shares: accounts that were covered when access was disabled and left the
    /// organization before it was re-enabled; they stay covered (SC-33, A-16).
    pub grandfathered: BTreeSet<Name>,
}

/// A product, owned by one account in one Region.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub owner: Name,
    pub region: Region,
    pub id: String,
    /// Provisioning artifact names, in creation order.
    pub versions: Vec<Name>,
    /// Provisioning artifact name to its `pa-…` id.
    pub artifact_ids: BTreeMap<Name, String>,
}

/// A constraint on a (portfolio, product) association (SC-52).
#[derive(Debug, Clone)]
pub(crate) struct Constraint {
    pub owner: Name,
    pub portfolio: Name,
    pub product: Name,
    pub id: String,
    pub description: Option<String>,
    pub parameters: ConstraintParameters,
}

/// A recipient's import of a portfolio: how it was received and the recipient's principals.
#[derive(Debug, Clone, Default)]
pub(crate) struct Import {
    pub share_types: BTreeSet<PortfolioShareType>,
    pub principals: BTreeSet<PortfolioPrincipal>,
}

/// A provisioned product (SC-59).
#[derive(Debug, Clone)]
pub(crate) struct Provisioned {
    pub region: Region,
    pub id: String,
    pub product: Name,
    /// Recorded at launch: the product may be deleted later (INV-10).
    pub product_owner: Name,
    pub version: Name,
    pub path: Name,
    pub launch_role: Option<String>,
    pub paying_account: Name,
    /// AVAILABLE, or ERROR when the launch role could not be resolved (SC-54, SC-59).
    pub status: &'static str,
}

/// Service Catalog state of the world.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScState {
    pub portfolios: BTreeMap<Name, Portfolio>,
    pub products: BTreeMap<Name, Product>,
    pub constraints: BTreeMap<Name, Constraint>,
    /// (recipient, portfolio) to the recipient's import.
    pub imports: BTreeMap<(Name, Name), Import>,
    /// (account, name) to the provisioned product.
    pub provisioned: BTreeMap<(Name, Name), Provisioned>,
    /// (portfolio, account): accounts covered by a node share that rejected it (SC-24, A-10).
    pub org_rejected: BTreeSet<(Name, Name)>,
    /// Index: (owner, Region) to the portfolios it owns.
    pub owned_portfolios: BTreeMap<(Name, Region), BTreeSet<Name>>,
    /// Index: (owner, Region) to the products it owns.
    pub owned_products: BTreeMap<(Name, Region), BTreeSet<Name>>,
    /// Index: product to the portfolios holding it.
    pub product_portfolios: BTreeMap<Name, BTreeSet<Name>>,
    /// Index: portfolio to the accounts that import it.
    pub importers: BTreeMap<Name, BTreeSet<Name>>,
    /// Index: source portfolio to the local associations (portfolio, product) sourced from it.
    pub sourced: BTreeMap<Name, BTreeSet<(Name, Name)>>,
    /// Index: portfolios with at least one organization-node share.
    pub node_shared: BTreeSet<Name>,
}

/// Applies a Service Catalog call.
pub(crate) fn apply(world: &mut World, ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    use Op::*;
    match op {
        CreatePortfolio {
            portfolio,
            display_name,
            provider_name,
        } => portfolios::create_portfolio(
            world,
            ctx,
            portfolio,
            display_name.as_deref(),
            provider_name.as_deref(),
        ),
        DeletePortfolio { portfolio } => portfolios::delete_portfolio(world, ctx, portfolio),
        UpdatePortfolio {
            portfolio,
            display_name,
        } => portfolios::update_portfolio(world, ctx, portfolio, display_name),
        CreateProduct { product, version } => {
            portfolios::create_product(world, ctx, product, version)
        }
        DeleteProduct { product } => portfolios::delete_product(world, ctx, product),
        CreateProvisioningArtifact { product, version } => {
            portfolios::create_artifact(world, ctx, product, version)
        }
        DeleteProvisioningArtifact { product, version } => {
            portfolios::delete_artifact(world, ctx, product, version)
        }
        AssociateProductWithPortfolio {
            product,
            portfolio,
            source_portfolio,
        } => {
            portfolios::associate_product(world, ctx, product, portfolio, source_portfolio.as_ref())
        }
        DisassociateProductFromPortfolio { product, portfolio } => {
            portfolios::disassociate_product(world, ctx, product, portfolio)
        }
        AssociatePrincipalWithPortfolio {
            portfolio,
            principal,
        } => portfolios::associate_principal(world, ctx, portfolio, principal),
        DisassociatePrincipalFromPortfolio {
            portfolio,
            principal,
        } => portfolios::disassociate_principal(world, ctx, portfolio, principal),
        ListPortfolios => portfolios::list_portfolios(world, ctx),
        ListPrincipalsForPortfolio { portfolio } => {
            portfolios::list_principals(world, ctx, portfolio)
        }
        CreateConstraint {
            constraint,
            portfolio,
            product,
            parameters,
        } => constraints::create_constraint(world, ctx, constraint, portfolio, product, parameters),
        UpdateConstraint {
            constraint,
            description,
            parameters,
        } => constraints::update_constraint(
            world,
            ctx,
            constraint,
            description.as_deref(),
            parameters.as_ref(),
        ),
        DeleteConstraint { constraint } => constraints::delete_constraint(world, ctx, constraint),
        ListConstraintsForPortfolio { portfolio, product } => {
            constraints::list_constraints(world, ctx, portfolio, product.as_ref())
        }
        CreatePortfolioShare {
            portfolio,
            target,
            share_tag_options,
            share_principals,
        } => sharing::create_share(
            world,
            ctx,
            portfolio,
            target,
            *share_tag_options,
            *share_principals,
        ),
        UpdatePortfolioShare {
            portfolio,
            target,
            share_tag_options,
            share_principals,
        } => sharing::update_share(
            world,
            ctx,
            portfolio,
            target,
            *share_tag_options,
            *share_principals,
        ),
        DeletePortfolioShare { portfolio, target } => {
            sharing::delete_share(world, ctx, portfolio, target)
        }
        AcceptPortfolioShare {
            portfolio,
            share_type,
        } => sharing::accept_share(
            world,
            ctx,
            portfolio,
            share_type.unwrap_or(PortfolioShareType::Imported),
        ),
        RejectPortfolioShare {
            portfolio,
            share_type,
        } => sharing::reject_share(
            world,
            ctx,
            portfolio,
            share_type.unwrap_or(PortfolioShareType::Imported),
        ),
        EnableAWSOrganizationsAccess => sharing::enable_org_access(world, ctx),
        DisableAWSOrganizationsAccess => sharing::disable_org_access(world, ctx),
        GetAWSOrganizationsAccessStatus => sharing::org_access_status(world, ctx),
        ListAcceptedPortfolioShares { share_type } => sharing::list_accepted(
            world,
            ctx,
            share_type.unwrap_or(PortfolioShareType::Imported),
        ),
        DescribePortfolioShares {
            portfolio,
            share_type,
        } => sharing::describe_shares(world, ctx, portfolio, *share_type),
        ListPortfolioAccess { portfolio } => sharing::list_access(world, ctx, portfolio),
        ListLaunchPaths { product } => launch::list_launch_paths(world, ctx, product),
        SearchProducts => launch::search_products(world, ctx),
        SearchProductsAsAdmin { portfolio } => {
            launch::search_products_as_admin(world, ctx, portfolio.as_ref())
        }
        ProvisionProduct {
            provisioned_product,
            product,
            version,
            path,
        } => launch::provision(
            world,
            ctx,
            provisioned_product,
            product,
            version,
            path.as_ref(),
        ),
        TerminateProvisionedProduct {
            provisioned_product,
        } => launch::terminate(world, ctx, provisioned_product),
        other => Err(super::not_modelled(other)),
    }
}

/// Called by the Organizations service after every change to an organization tree, trusted
/// access or delegated administrators: applies the consequences of gained and lost access
/// (SC-21, SC-22, SC-33, SC-34, SC-35, A-15, A-16).
pub(crate) fn on_org_change(world: &mut World, ctx: &mut Ctx) {
    sharing::on_org_change(world, ctx);
}

// ---------------------------------------------------------------------------------------------
// Lookups shared by the operations
// ---------------------------------------------------------------------------------------------

/// The stage-2 rejection: the entity does not exist, or is not visible to the caller in the
/// call's Region (RULES.md §0.4).
pub(super) fn not_found(kind: &str, name: &Name, rule: RuleId) -> ApiError {
    reject(
        Exception::ResourceNotFoundException,
        rule,
        format!("{kind} {name} does not exist or access was denied"),
    )
}

/// The stage-1 rejection of Service Catalog.
pub(super) fn invalid(rule: RuleId, message: impl Into<String>) -> ApiError {
    reject(Exception::InvalidParametersException, rule, message)
}

/// How the caller sees a portfolio: as its owner, or as a recipient that imported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    Owner,
    Imported,
}

/// A portfolio visible to the caller in the call's Region (stage 2), and how. Shares and
/// imports are regional (SC-37): a portfolio of another Region is not visible.
pub(super) fn visible_portfolio<'w>(
    world: &'w World,
    ctx: &mut Ctx,
    name: &Name,
    rule: RuleId,
) -> Result<(&'w Portfolio, Access), ApiError> {
    let p = world
        .sc
        .portfolios
        .get(name)
        .filter(|p| in_region(ctx, &p.region))
        .ok_or_else(|| not_found("portfolio", name, rule))?;
    if p.owner == ctx.account {
        Ok((p, Access::Owner))
    } else if world
        .sc
        .imports
        .contains_key(&(ctx.account.clone(), name.clone()))
    {
        Ok((p, Access::Imported))
    } else {
        Err(not_found("portfolio", name, rule))
    }
}

/// A product visible to the caller in the call's Region: owned by it, or held by a portfolio it
/// imported (SC-14, SC-49).
pub(super) fn visible_product<'w>(
    world: &'w World,
    ctx: &mut Ctx,
    name: &Name,
    rule: RuleId,
) -> Result<&'w Product, ApiError> {
    let p = world
        .sc
        .products
        .get(name)
        .filter(|p| in_region(ctx, &p.region))
        .ok_or_else(|| not_found("product", name, rule))?;
    if p.owner == ctx.account || imported_holder(world, &ctx.account, name).is_some() {
        Ok(p)
    } else {
        Err(not_found("product", name, rule))
    }
}

/// Whether an entity of `region` is in the call's Region; an entity that exists only in another
/// Region is not visible, and SC-37 decides that (recorded alongside the operation's rule).
pub(super) fn in_region(ctx: &mut Ctx, region: &Region) -> bool {
    if region == &ctx.region {
        true
    } else {
        ctx.hit("SC-37");
        false
    }
}

/// A portfolio imported by `account` that holds `product`, if any.
pub(super) fn imported_holder<'w>(
    world: &'w World,
    account: &Name,
    product: &Name,
) -> Option<&'w Name> {
    world.sc.product_portfolios.get(product)?.iter().find(|p| {
        world
            .sc
            .imports
            .contains_key(&(account.clone(), (*p).clone()))
    })
}

pub(super) fn portfolio_arn(world: &World, p: &Portfolio) -> String {
    format!(
        "arn:aws:catalog:{}:{}:portfolio/{}",
        p.region,
        world.acct(&p.owner),
        p.id
    )
}

pub(super) fn product_arn(world: &World, p: &Product) -> String {
    format!(
        "arn:aws:catalog:{}:{}:product/{}",
        p.region,
        world.acct(&p.owner),
        p.id
    )
}

/// The IAM principal as stored: an `Iam` principal of the caller's own account is kept without
/// the account, so that the two spellings are one association (SC-40).
pub(super) fn normalise(principal: &PortfolioPrincipal, caller: &Name) -> PortfolioPrincipal {
    match principal {
        PortfolioPrincipal::Iam {
            kind,
            name,
            account: Some(a),
        } if a == caller => PortfolioPrincipal::Iam {
            kind: *kind,
            name: name.clone(),
            account: None,
        },
        other => other.clone(),
    }
}

/// Removes a local association (L, X) and the constraints on it, keeping the indexes exact.
/// Used by the SC-07 and SC-25 cascades and by DisassociateProductFromPortfolio.
pub(super) fn remove_association(world: &mut World, portfolio: &Name, product: &Name) {
    let Some(assoc) = world
        .sc
        .portfolios
        .get_mut(portfolio)
        .and_then(|p| p.products.remove(product))
    else {
        return;
    };
    for c in &assoc.constraints {
        world.sc.constraints.remove(c);
    }
    if let Some(set) = world.sc.product_portfolios.get_mut(product) {
        set.remove(portfolio);
        if set.is_empty() {
            world.sc.product_portfolios.remove(product);
        }
    }
    if let Some(source) = &assoc.source
        && let Some(set) = world.sc.sourced.get_mut(source)
    {
        set.remove(&(portfolio.clone(), product.clone()));
        if set.is_empty() {
            world.sc.sourced.remove(source);
        }
    }
}
