//! Portfolios, products, provisioning artifacts, and the associations of products and principals
//! with portfolios (RULES.md §2.4.4).
//!
//! A recipient can only touch what is its own: its local portfolios and the principal
//! associations it made on imports (SC-03, SC-04, SC-14, SC-17). Everything else a recipient sees
//! belongs to the owner, and attempts to change it are `InvalidParametersException` (the `[MODEL]`
//! stage-3 error of RULES.md §0.4).

use super::{
    Access, Portfolio, Product, ProductAssociation, invalid, normalise, not_found, portfolio_arn,
    product_arn, remove_association, sharing, visible_portfolio, visible_product,
};
use crate::error::{ApiError, Exception, reject};
use crate::name::Name;
use crate::op::PortfolioPrincipal;
use crate::response::{PortfolioSummary, Response};
use crate::world::{Ctx, World};
use std::collections::{BTreeMap, BTreeSet};

fn check_display_name(display_name: &str, rule: &'static str) -> Result<(), ApiError> {
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(invalid(rule, "DisplayName must be 1 to 100 characters"));
    }
    Ok(())
}

/// SC-42. The symbolic name acts as the idempotency token: the same name with the same
/// parameters returns the existing portfolio, a different use of it is rejected (INV-20).
pub(super) fn create_portfolio(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    display_name: Option<&str>,
    provider_name: Option<&str>,
) -> Result<Response, ApiError> {
    let display_name = display_name.unwrap_or(name.as_str()).to_owned();
    let provider_name = provider_name.unwrap_or("provider").to_owned();
    check_display_name(&display_name, "SC-42")?;
    if provider_name.is_empty() || provider_name.chars().count() > 50 {
        return Err(invalid("SC-42", "ProviderName must be 1 to 50 characters"));
    }
    if let Some(existing) = world.sc.portfolios.get(name) {
        if existing.owner == ctx.account
            && existing.region == ctx.region
            && existing.display_name == display_name
            && existing.provider_name == provider_name
        {
            ctx.hit("INV-20");
            return Ok(Response::Created {
                id: existing.id.clone(),
                arn: portfolio_arn(world, existing),
            });
        }
        return Err(invalid(
            "INV-20",
            format!("idempotency token {name} was already used with other parameters"),
        ));
    }
    let key = (ctx.account.clone(), ctx.region.clone());
    let owned = world.sc.owned_portfolios.get(&key).map_or(0, BTreeSet::len) as u64;
    if owned >= world.config.quotas.portfolios_per_region {
        return Err(reject(
            Exception::LimitExceededException,
            "Q-01",
            "portfolios per Region quota reached",
        ));
    }
    ctx.hit("SC-42");
    let id = world.ids.fresh("port-", name, 13);
    let portfolio = Portfolio {
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        id,
        display_name,
        provider_name,
        products: BTreeMap::new(),
        principals: BTreeSet::new(),
        shares: BTreeMap::new(),
    };
    let response = Response::Created {
        id: portfolio.id.clone(),
        arn: portfolio_arn(world, &portfolio),
    };
    world.sc.portfolios.insert(name.clone(), portfolio);
    world
        .sc
        .owned_portfolios
        .entry(key)
        .or_default()
        .insert(name.clone());
    Ok(response)
}

/// SC-43, A-11: only an empty, unshared portfolio of the caller can be deleted; an imported one
/// is not the caller's to delete (recipients use RejectPortfolioShare, SC-24).
pub(super) fn delete_portfolio(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
) -> Result<Response, ApiError> {
    let (p, access) = visible_portfolio(world, ctx, name, "SC-43")?;
    if access == Access::Imported {
        return Err(not_found("portfolio", name, "SC-43"));
    }
    let in_use = |what: &str, rule| {
        Err(reject(
            Exception::ResourceInUseException,
            rule,
            format!("portfolio {name} still has {what}"),
        ))
    };
    if !p.products.is_empty() {
        return in_use("products (and their constraints)", "SC-43");
    }
    if !p.principals.is_empty() {
        return in_use("principals", "SC-43");
    }
    if !p.shares.is_empty() {
        return in_use("shares", "A-11");
    }
    ctx.hit("SC-43");
    ctx.hit("INV-11");
    if let Some(p) = world.sc.portfolios.remove(name)
        && let Some(set) = world.sc.owned_portfolios.get_mut(&(p.owner, p.region))
    {
        set.remove(name);
    }
    Ok(Response::Empty)
}

/// SC-44: a recipient cannot update the owner's portfolio.
pub(super) fn update_portfolio(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    display_name: &str,
) -> Result<Response, ApiError> {
    check_display_name(display_name, "SC-44")?;
    let (_, access) = visible_portfolio(world, ctx, name, "SC-44")?;
    if access == Access::Imported {
        ctx.hit("SC-03");
        return Err(invalid(
            "SC-44",
            format!("portfolio {name} is shared with the caller and cannot be updated"),
        ));
    }
    ctx.hit("SC-44");
    if let Some(p) = world.sc.portfolios.get_mut(name) {
        display_name.clone_into(&mut p.display_name);
    }
    Ok(Response::Empty)
}

/// SC-45: a product and its first provisioning artifact, owned by the caller.
pub(super) fn create_product(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    version: &Name,
) -> Result<Response, ApiError> {
    if let Some(existing) = world.sc.products.get(name) {
        if existing.owner == ctx.account
            && existing.region == ctx.region
            && existing.versions.first() == Some(version)
        {
            ctx.hit("INV-20");
            return Ok(Response::Created {
                id: existing.id.clone(),
                arn: product_arn(world, existing),
            });
        }
        return Err(invalid(
            "INV-20",
            format!("idempotency token {name} was already used with other parameters"),
        ));
    }
    let key = (ctx.account.clone(), ctx.region.clone());
    let owned = world.sc.owned_products.get(&key).map_or(0, BTreeSet::len) as u64;
    if owned >= world.config.quotas.products_per_region {
        return Err(reject(
            Exception::LimitExceededException,
            "Q-02",
            "products per Region quota reached",
        ));
    }
    ctx.hit("SC-45");
    let id = world.ids.fresh("prod-", name, 13);
    let artifact = world.ids.fresh("pa-", version, 13);
    let product = Product {
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        id,
        versions: vec![version.clone()],
        artifact_ids: BTreeMap::from([(version.clone(), artifact)]),
    };
    let response = Response::Created {
        id: product.id.clone(),
        arn: product_arn(world, &product),
    };
    world.sc.products.insert(name.clone(), product);
    world
        .sc
        .owned_products
        .entry(key)
        .or_default()
        .insert(name.clone());
    Ok(response)
}

/// SC-46, A-07: the owner deletes a product that no portfolio holds. A product shared with the
/// caller is not the caller's: ResourceNotFoundException.
pub(super) fn delete_product(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
) -> Result<Response, ApiError> {
    let Some(p) = world
        .sc
        .products
        .get(name)
        .filter(|p| p.region == ctx.region && p.owner == ctx.account)
    else {
        return Err(not_found("product", name, "SC-46"));
    };
    if world.sc.product_portfolios.contains_key(name) {
        return Err(reject(
            Exception::ResourceInUseException,
            "A-07",
            format!("product {name} is still associated with a portfolio"),
        ));
    }
    ctx.hit("SC-46");
    ctx.hit("INV-11");
    let key = (p.owner.clone(), p.region.clone());
    world.sc.products.remove(name);
    if let Some(set) = world.sc.owned_products.get_mut(&key) {
        set.remove(name);
    }
    Ok(Response::Empty)
}

/// SC-49, SC-50, Q-08: a new version of an own product; it appears in every portfolio holding
/// the product, imported ones included, because they all read the product itself.
pub(super) fn create_artifact(
    world: &mut World,
    ctx: &mut Ctx,
    product: &Name,
    version: &Name,
) -> Result<Response, ApiError> {
    let p = visible_product(world, ctx, product, "SC-49")?;
    if p.owner != ctx.account {
        ctx.hit("SC-03");
        return Err(invalid(
            "SC-50",
            format!("product {product} is shared with the caller; its versions cannot change"),
        ));
    }
    if let Some(id) = p.artifact_ids.get(version) {
        ctx.hit("INV-20");
        return Ok(Response::Created {
            id: id.clone(),
            arn: String::new(),
        });
    }
    if p.versions.len() as u64 >= world.config.quotas.artifacts_per_product {
        return Err(reject(
            Exception::LimitExceededException,
            "Q-08",
            "provisioning artifacts per product quota reached",
        ));
    }
    ctx.hit("SC-49");
    let id = world.ids.fresh("pa-", version, 13);
    if let Some(p) = world.sc.products.get_mut(product) {
        p.versions.push(version.clone());
        p.artifact_ids.insert(version.clone(), id.clone());
    }
    Ok(Response::Created {
        id,
        arn: String::new(),
    })
}

/// SC-50: an own product's version; never the last one.
pub(super) fn delete_artifact(
    world: &mut World,
    ctx: &mut Ctx,
    product: &Name,
    version: &Name,
) -> Result<Response, ApiError> {
    let p = visible_product(world, ctx, product, "SC-50")?;
    if !p.artifact_ids.contains_key(version) {
        return Err(not_found("provisioning artifact", version, "SC-50"));
    }
    if p.owner != ctx.account {
        ctx.hit("SC-03");
        return Err(invalid(
            "SC-50",
            format!("product {product} is shared with the caller; its versions cannot change"),
        ));
    }
    if p.versions.len() <= 1 {
        return Err(invalid(
            "SC-50",
            format!("{version} is the last provisioning artifact of {product}"),
        ));
    }
    ctx.hit("SC-50");
    if let Some(p) = world.sc.products.get_mut(product) {
        p.versions.retain(|v| v != version);
        p.artifact_ids.remove(version);
    }
    Ok(Response::Empty)
}

/// SC-47 (SC-04, SC-14, Q-03): an own product into an own portfolio, or an imported product
/// into a local portfolio with the import as its source.
pub(super) fn associate_product(
    world: &mut World,
    ctx: &mut Ctx,
    product: &Name,
    portfolio: &Name,
    source: Option<&Name>,
) -> Result<Response, ApiError> {
    let (target, access) = visible_portfolio(world, ctx, portfolio, "SC-47")?;
    let prod = visible_product(world, ctx, product, "SC-47")?;
    let src = match source {
        Some(s) if prod.owner != ctx.account => Some(visible_portfolio(world, ctx, s, "SC-47")?),
        _ => None,
    };
    if access == Access::Imported {
        ctx.hit("SC-03");
        return Err(invalid(
            "SC-14",
            format!("portfolio {portfolio} is imported; its products cannot be changed"),
        ));
    }
    let source = match (source, src) {
        (_, None) if prod.owner == ctx.account => None,
        (Some(s), Some((src, Access::Imported))) => {
            if !src.products.contains_key(product) {
                return Err(not_found("product", product, "SC-47"));
            }
            Some(s.clone())
        }
        (Some(s), _) => {
            return Err(invalid(
                "SC-47",
                format!("portfolio {s} is not an imported portfolio"),
            ));
        }
        (None, _) => {
            return Err(invalid(
                "SC-47",
                format!(
                    "product {product} belongs to another account: SourcePortfolioId is required"
                ),
            ));
        }
    };
    if target.products.contains_key(product) {
        ctx.hit("SC-47");
        return Ok(Response::Empty);
    }
    // INV-02: a shared portfolio holds only its owner's products, so the no-resharing rule
    // cannot be bypassed by adding an imported product after sharing.
    if source.is_some() && !target.shares.is_empty() {
        return Err(invalid(
            "SC-13",
            format!("portfolio {portfolio} is shared; it cannot hold products of other accounts"),
        ));
    }
    if target.products.len() as u64 >= world.config.quotas.products_per_portfolio {
        return Err(reject(
            Exception::LimitExceededException,
            "Q-03",
            "products per portfolio quota reached",
        ));
    }
    ctx.hit("SC-47");
    if let Some(s) = &source {
        ctx.hit("SC-04");
        ctx.hit("SC-14");
        world
            .sc
            .sourced
            .entry(s.clone())
            .or_default()
            .insert((portfolio.clone(), product.clone()));
    } else if world.sc.importers.contains_key(portfolio) {
        // SC-06: the new product appears in every import at once.
        ctx.hit("SC-06");
    }
    if let Some(target) = world.sc.portfolios.get_mut(portfolio) {
        target.products.insert(
            product.clone(),
            ProductAssociation {
                source,
                constraints: BTreeSet::new(),
            },
        );
    }
    world
        .sc
        .product_portfolios
        .entry(product.clone())
        .or_default()
        .insert(portfolio.clone());
    Ok(Response::Empty)
}

/// SC-48, SC-07, A-31: the portfolio's owner removes a product; on a shared portfolio the
/// product also leaves every local portfolio it was added to from an import (SC-07), with the
/// recipients' constraints on it. Provisioned products stay (SC-08).
pub(super) fn disassociate_product(
    world: &mut World,
    ctx: &mut Ctx,
    product: &Name,
    portfolio: &Name,
) -> Result<Response, ApiError> {
    let (p, access) = visible_portfolio(world, ctx, portfolio, "SC-48")?;
    let Some(assoc) = p.products.get(product) else {
        return Err(not_found("product association", product, "SC-48"));
    };
    if access == Access::Imported {
        ctx.hit("SC-03");
        return Err(invalid(
            "SC-14",
            format!("portfolio {portfolio} is imported; its products cannot be changed"),
        ));
    }
    if !assoc.constraints.is_empty() {
        return Err(reject(
            Exception::ResourceInUseException,
            "A-31",
            format!("portfolio {portfolio} still has constraints on product {product}"),
        ));
    }
    ctx.hit("SC-48");
    let downstream: Vec<(Name, Name)> = world
        .sc
        .sourced
        .get(portfolio)
        .map(|set| set.iter().filter(|(_, x)| x == product).cloned().collect())
        .unwrap_or_default();
    if !downstream.is_empty() {
        ctx.hit("SC-07");
        ctx.hit("SC-08");
    }
    if world.sc.importers.contains_key(portfolio) {
        ctx.hit("SC-06");
    }
    // FAULT ZOO: the removal does not cascade to the recipients' local portfolios (which
    // changes something only when there are some).
    let cascade =
        downstream.is_empty() || !world.faulty(crate::fault::Fault::RemovalNoCascadeLocal);
    for (local, x) in downstream.into_iter().filter(|_| cascade) {
        remove_association(world, &local, &x);
    }
    remove_association(world, portfolio, product);
    // FAULT ZOO: the removal terminates the provisioned products of the product (asked only
    // when there is one to terminate).
    if world.has_fault(crate::fault::Fault::RemovalTerminatesProvisioned)
        && world
            .sc
            .provisioned
            .values()
            .any(|pp| &pp.product == product)
        && world.faulty(crate::fault::Fault::RemovalTerminatesProvisioned)
    {
        world.sc.provisioned.retain(|_, pp| &pp.product != product);
    }
    Ok(Response::Empty)
}

/// SC-40, IAM-02, IAM-03, Q-04, Q-05: the owner on its portfolio, or a recipient on its import
/// (SC-17: the recipient adds principals of its own account).
pub(super) fn associate_principal(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    principal: &PortfolioPrincipal,
) -> Result<Response, ApiError> {
    match principal {
        PortfolioPrincipal::IamPattern { pattern, .. } if pattern.is_empty() => {
            return Err(invalid("IAM-02", "an IAM_PATTERN needs a resource id"));
        }
        PortfolioPrincipal::Iam { name, .. } if name.as_str().is_empty() => {
            return Err(invalid("IAM-03", "an IAM principal needs a name"));
        }
        _ => {}
    }
    let (p, access) = visible_portfolio(world, ctx, portfolio, "SC-40")?;
    if let PortfolioPrincipal::Iam {
        kind,
        name,
        account,
    } = principal
    {
        let account = account.as_ref().unwrap_or(&ctx.account);
        if account != &ctx.account || !world.iam.exists(account, *kind, name) {
            return Err(invalid(
                "IAM-03",
                format!("principal {name} must be an existing principal of the caller's account"),
            ));
        }
    }
    let principal = normalise(principal, &ctx.account);
    let key = (ctx.account.clone(), portfolio.clone());
    let set = match access {
        Access::Owner => Some(&p.principals),
        Access::Imported => world.sc.imports.get(&key).map(|i| &i.principals),
    };
    let set_len = set.map_or(0, BTreeSet::len) as u64;
    if set.is_some_and(|s| s.contains(&principal)) {
        ctx.hit("SC-40");
        return Ok(Response::Empty);
    }
    if set_len >= world.config.quotas.principals_per_portfolio {
        return Err(reject(
            Exception::LimitExceededException,
            "Q-04",
            "principals per portfolio quota reached",
        ));
    }
    if matches!(principal, PortfolioPrincipal::IamPattern { .. }) {
        let patterns = set.map_or(0, |s| {
            s.iter()
                .filter(|x| matches!(x, PortfolioPrincipal::IamPattern { .. }))
                .count()
        }) as u64;
        if patterns >= world.config.quotas.patterns_per_portfolio {
            return Err(reject(
                Exception::LimitExceededException,
                "Q-05",
                "IAM_PATTERN principals per portfolio quota reached",
            ));
        }
        ctx.hit("IAM-02");
    } else {
        ctx.hit("IAM-03");
    }
    ctx.hit("SC-40");
    let set = match access {
        Access::Owner => world
            .sc
            .portfolios
            .get_mut(portfolio)
            .map(|p| &mut p.principals),
        Access::Imported => {
            ctx.hit("SC-17");
            ctx.hit("SC-04");
            ctx.hit("SC-03");
            world.sc.imports.get_mut(&key).map(|i| &mut i.principals)
        }
    };
    if let Some(set) = set {
        set.insert(principal);
    }
    Ok(Response::Empty)
}

/// SC-41: removes the association of exactly that principal and type. Access through a matching
/// IAM_PATTERN, or through the owner's shared patterns (SC-39), is unaffected.
pub(super) fn disassociate_principal(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    principal: &PortfolioPrincipal,
) -> Result<Response, ApiError> {
    let (_, access) = visible_portfolio(world, ctx, portfolio, "SC-41")?;
    let principal = normalise(principal, &ctx.account);
    let key = (ctx.account.clone(), portfolio.clone());
    let set = match access {
        Access::Owner => world
            .sc
            .portfolios
            .get_mut(portfolio)
            .map(|p| &mut p.principals),
        Access::Imported => world.sc.imports.get_mut(&key).map(|i| &mut i.principals),
    };
    if set.is_some_and(|s| s.remove(&principal)) {
        ctx.hit("SC-41");
        Ok(Response::Empty)
    } else {
        Err(reject(
            Exception::ResourceNotFoundException,
            "SC-41",
            format!("no such principal association on portfolio {portfolio}"),
        ))
    }
}

/// SC-19: the caller's local portfolios in the Region; imports are not listed.
pub(super) fn list_portfolios(world: &mut World, ctx: &mut Ctx) -> Result<Response, ApiError> {
    ctx.hit("SC-19");
    let names = world
        .sc
        .owned_portfolios
        .get(&(ctx.account.clone(), ctx.region.clone()));
    let out = names
        .into_iter()
        .flatten()
        .filter_map(|n| {
            world.sc.portfolios.get(n).map(|p| PortfolioSummary {
                name: n.clone(),
                owner: p.owner.clone(),
                id: p.id.clone(),
            })
        })
        .collect();
    Ok(Response::Portfolios(out))
}

/// SC-40, SC-39: the principals the caller sees on a portfolio: the owner's on its own
/// portfolio; on an import, the recipient's own plus the owner's shared IAM_PATTERNs.
pub(super) fn list_principals(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
) -> Result<Response, ApiError> {
    let (p, access) = visible_portfolio(world, ctx, portfolio, "SC-40")?;
    let set = match access {
        Access::Owner => p.principals.clone(),
        Access::Imported => {
            ctx.hit("SC-17");
            sharing::principals_seen(world, &ctx.account, portfolio)
        }
    };
    ctx.hit("SC-40");
    let owner = ctx.account.clone();
    Ok(Response::Principals(
        set.iter()
            .map(|x| super::observe::principal_view(world, &owner, x))
            .collect(),
    ))
}
