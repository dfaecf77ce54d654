//! Constraints and their inheritance (RULES.md §2.4.5).
//!
//! A constraint belongs to one (portfolio, product) association (SC-52) and is stored once, in
//! the owner's portfolio. An import shows the owner's constraints by reading them (SC-09); a
//! local portfolio that holds an imported product from source S shows the constraints of (S, X)
//! as inherited, next to its own (SC-05, SC-16). Its own LAUNCH or STACKSET replaces the
//! inherited LAUNCH and STACKSET, its own RESOURCE_UPDATE replaces the inherited one; NOTIFICATION
//! and TEMPLATE constraints add up (SC-10, SC-55, A-06). Inherited constraints never count
//! toward the local association's cardinality (SC-55), which is how the override is possible.

use super::{Access, Constraint, invalid, not_found, visible_portfolio};
use crate::error::{ApiError, Exception, reject};
use crate::name::Name;
use crate::op::ConstraintParameters;
use crate::response::Response;
use crate::world::{Ctx, World};

/// The Type member of a constraint.
pub(super) fn kind(p: &ConstraintParameters) -> &'static str {
    match p {
        ConstraintParameters::Launch { .. } => "LAUNCH",
        ConstraintParameters::Notification { .. } => "NOTIFICATION",
        ConstraintParameters::ResourceUpdate { .. } => "RESOURCE_UPDATE",
        ConstraintParameters::StackSet { .. } => "STACKSET",
        ConstraintParameters::Template { .. } => "TEMPLATE",
    }
}

fn launch_like(p: &ConstraintParameters) -> bool {
    matches!(
        p,
        ConstraintParameters::Launch { .. } | ConstraintParameters::StackSet { .. }
    )
}

/// One constraint as it applies to a (portfolio, product): its name, record, whether it is
/// inherited from the product's source, and whether it is in effect (SC-55).
#[derive(Debug, Clone, Copy)]
pub(super) struct Applied<'w> {
    pub name: &'w Name,
    pub constraint: &'w Constraint,
    pub inherited: bool,
    pub effective: bool,
}

/// The own and inherited constraints of (portfolio, product), in name order, own first.
pub(super) fn applied<'w>(world: &'w World, portfolio: &Name, product: &Name) -> Vec<Applied<'w>> {
    let Some(assoc) = world
        .sc
        .portfolios
        .get(portfolio)
        .and_then(|p| p.products.get(product))
    else {
        return Vec::new();
    };
    let own: Vec<(&Name, &Constraint)> = assoc
        .constraints
        .iter()
        .filter_map(|n| world.sc.constraints.get_key_value(n))
        .collect();
    let own_launch = own.iter().any(|(_, c)| launch_like(&c.parameters));
    let own_update = own
        .iter()
        .any(|(_, c)| matches!(c.parameters, ConstraintParameters::ResourceUpdate { .. }));
    let mut out: Vec<Applied<'w>> = own
        .iter()
        .map(|(name, constraint)| Applied {
            name,
            constraint,
            inherited: false,
            effective: true,
        })
        .collect();
    let inherited = assoc
        .source
        .as_ref()
        .and_then(|s| world.sc.portfolios.get(s))
        .and_then(|s| s.products.get(product));
    for n in inherited.into_iter().flat_map(|a| a.constraints.iter()) {
        let Some((name, constraint)) = world.sc.constraints.get_key_value(n) else {
            continue;
        };
        let effective = match &constraint.parameters {
            p if launch_like(p) => !own_launch,
            ConstraintParameters::ResourceUpdate { .. } => !own_update,
            _ => true,
        };
        out.push(Applied {
            name,
            constraint,
            inherited: true,
            effective,
        });
    }
    out
}

/// Stage 1 of SC-53 / SC-56: the parameters are well-formed for their type.
fn check_shape(world: &World, p: &ConstraintParameters) -> Result<(), ApiError> {
    match p {
        ConstraintParameters::Launch {
            role_arn,
            local_role_name,
        } => match (role_arn, local_role_name) {
            (Some(r), None) => {
                if !world.has_account(&r.account) {
                    return Err(invalid(
                        "SC-11",
                        format!("RoleArn names an unknown account {}", r.account),
                    ));
                }
                Ok(())
            }
            (None, Some(n)) if !n.as_str().is_empty() => Ok(()),
            _ => Err(invalid(
                "SC-53",
                "a LAUNCH constraint needs exactly one of RoleArn and LocalRoleName",
            )),
        },
        ConstraintParameters::Notification { topics } => {
            let distinct: std::collections::BTreeSet<&Name> = topics.iter().collect();
            if topics.is_empty() || distinct.len() != topics.len() {
                return Err(invalid(
                    "SC-53",
                    "NotificationArns must be a non-empty list of distinct topics",
                ));
            }
            Ok(())
        }
        ConstraintParameters::StackSet {
            accounts, regions, ..
        } => {
            if accounts.is_empty() || regions.is_empty() {
                return Err(invalid(
                    "SC-53",
                    "a STACKSET constraint needs accounts and Regions",
                ));
            }
            Ok(())
        }
        ConstraintParameters::Template { rules } => {
            if rules.is_empty() {
                return Err(invalid("SC-53", "a TEMPLATE constraint needs Rules"));
            }
            Ok(())
        }
        ConstraintParameters::ResourceUpdate { .. } => Ok(()),
    }
}

/// SC-54: a LocalRoleName must name a role of the account creating the constraint.
fn check_local_role(world: &World, ctx: &Ctx, p: &ConstraintParameters) -> Result<(), ApiError> {
    if let ConstraintParameters::Launch {
        local_role_name: Some(n),
        ..
    } = p
        && !world.iam.exists(&ctx.account, crate::op::IamKind::Role, n)
    {
        return Err(invalid(
            "SC-54",
            format!("LocalRoleName {n} is not a role of the caller's account"),
        ));
    }
    Ok(())
}

/// SC-53 cardinality among the association's own constraints (INV-06), `except` excluded.
fn check_cardinality(
    world: &World,
    portfolio: &Name,
    product: &Name,
    except: Option<&Name>,
    new: &ConstraintParameters,
) -> Result<(), ApiError> {
    let siblings = world
        .sc
        .portfolios
        .get(portfolio)
        .and_then(|p| p.products.get(product))
        .into_iter()
        .flat_map(|a| a.constraints.iter())
        .filter(|n| Some(*n) != except)
        .filter_map(|n| world.sc.constraints.get(n));
    for c in siblings {
        let clash = match (&c.parameters, new) {
            (a, b) if launch_like(a) && launch_like(b) => true,
            (
                ConstraintParameters::ResourceUpdate { .. },
                ConstraintParameters::ResourceUpdate { .. },
            ) => true,
            (
                ConstraintParameters::Notification { topics: a },
                ConstraintParameters::Notification { topics: b },
            ) => a.iter().any(|t| b.contains(t)),
            _ => false,
        };
        if clash {
            return Err(reject(
                Exception::DuplicateResourceException,
                "SC-53",
                format!(
                    "product {product} in portfolio {portfolio} already has a conflicting {} constraint",
                    kind(&c.parameters)
                ),
            ));
        }
    }
    Ok(())
}

/// SC-53 (SC-15, SC-54, SC-55, Q-07): the portfolio's owner constrains one of its products;
/// a recipient only on its local portfolios, never on an import.
pub(super) fn create_constraint(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    portfolio: &Name,
    product: &Name,
    parameters: &ConstraintParameters,
) -> Result<Response, ApiError> {
    check_shape(world, parameters)?;
    if let Some(existing) = world.sc.constraints.get(name) {
        if existing.owner == ctx.account
            && &existing.portfolio == portfolio
            && &existing.product == product
            && &existing.parameters == parameters
        {
            ctx.hit("INV-20");
            return Ok(Response::Created {
                id: existing.id.clone(),
                arn: String::new(),
            });
        }
        return Err(invalid(
            "INV-20",
            format!("idempotency token {name} was already used with other parameters"),
        ));
    }
    let (p, access) = visible_portfolio(world, ctx, portfolio, "SC-53")?;
    let Some(assoc) = p.products.get(product) else {
        return Err(not_found("product association", product, "SC-53"));
    };
    if access == Access::Imported {
        ctx.hit("SC-03");
        return Err(invalid(
            "SC-15",
            format!("portfolio {portfolio} is imported; its constraints cannot be changed"),
        ));
    }
    check_local_role(world, ctx, parameters)?;
    check_cardinality(world, portfolio, product, None, parameters)?;
    if assoc.constraints.len() as u64 >= world.config.quotas.constraints_per_product_per_portfolio {
        return Err(reject(
            Exception::LimitExceededException,
            "Q-07",
            "constraints per product per portfolio quota reached",
        ));
    }
    ctx.hit("SC-53");
    ctx.hit("SC-52");
    if assoc.source.is_some() {
        // A recipient constrains an imported product in its local portfolio.
        ctx.hit("SC-55");
        match parameters {
            ConstraintParameters::Launch { .. } => ctx.hit("SC-10"),
            ConstraintParameters::Template { .. } => ctx.hit("SC-16"),
            _ => ctx.hit("A-06"),
        }
    } else if world.sc.importers.contains_key(portfolio) {
        ctx.hit("SC-06");
        ctx.hit("SC-09");
    }
    let id = world.ids.fresh("cons-", name, 13);
    world.sc.constraints.insert(
        name.clone(),
        Constraint {
            owner: ctx.account.clone(),
            portfolio: portfolio.clone(),
            product: product.clone(),
            id: id.clone(),
            description: None,
            parameters: parameters.clone(),
        },
    );
    if let Some(assoc) = world
        .sc
        .portfolios
        .get_mut(portfolio)
        .and_then(|p| p.products.get_mut(product))
    {
        assoc.constraints.insert(name.clone());
    }
    Ok(Response::Created {
        id,
        arn: String::new(),
    })
}

/// A constraint visible to the caller (stage 2), and whether the caller owns it. A recipient
/// sees the owner's constraints of the portfolios it imported (SC-15).
fn visible_constraint<'w>(
    world: &'w World,
    ctx: &mut Ctx,
    name: &Name,
) -> Result<(&'w Constraint, bool), ApiError> {
    let c = world
        .sc
        .constraints
        .get(name)
        .filter(|c| {
            world
                .sc
                .portfolios
                .get(&c.portfolio)
                .is_some_and(|p| super::in_region(ctx, &p.region))
        })
        .ok_or_else(|| not_found("constraint", name, "SC-56"))?;
    if c.owner == ctx.account {
        Ok((c, true))
    } else if world
        .sc
        .imports
        .contains_key(&(ctx.account.clone(), c.portfolio.clone()))
    {
        Ok((c, false))
    } else {
        Err(not_found("constraint", name, "SC-56"))
    }
}

/// SC-56: only the constraint's owner updates it; the type cannot change. Changes on a shared
/// portfolio reach every import and every local portfolio inheriting it (SC-06).
pub(super) fn update_constraint(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    description: Option<&str>,
    parameters: Option<&ConstraintParameters>,
) -> Result<Response, ApiError> {
    if let Some(p) = parameters {
        check_shape(world, p)?;
    }
    let (c, owned) = visible_constraint(world, ctx, name)?;
    if !owned {
        ctx.hit("SC-03");
        return Err(invalid(
            "SC-15",
            format!("constraint {name} belongs to the portfolio's owner"),
        ));
    }
    if let Some(p) = parameters {
        if kind(p) != kind(&c.parameters) {
            return Err(invalid(
                "SC-56",
                format!(
                    "constraint {name} is {}; its type cannot change",
                    kind(&c.parameters)
                ),
            ));
        }
        check_local_role(world, ctx, p)?;
        check_cardinality(world, &c.portfolio, &c.product, Some(name), p)?;
    }
    ctx.hit("SC-56");
    if world.sc.importers.contains_key(&c.portfolio) {
        ctx.hit("SC-06");
    }
    if let Some(c) = world.sc.constraints.get_mut(name) {
        if let Some(d) = description {
            c.description = Some(d.to_owned());
        }
        if let Some(p) = parameters {
            c.parameters = p.clone();
        }
    }
    Ok(Response::Empty)
}

/// SC-56, SC-05: only the constraint's owner deletes it; a recipient cannot remove the
/// constraints it inherits.
pub(super) fn delete_constraint(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
) -> Result<Response, ApiError> {
    let (c, owned) = visible_constraint(world, ctx, name)?;
    if !owned {
        ctx.hit("SC-03");
        return Err(invalid(
            "SC-15",
            format!("constraint {name} belongs to the portfolio's owner"),
        ));
    }
    ctx.hit("SC-56");
    if world.sc.importers.contains_key(&c.portfolio) {
        ctx.hit("SC-06");
    }
    let (portfolio, product) = (c.portfolio.clone(), c.product.clone());
    world.sc.constraints.remove(name);
    if let Some(assoc) = world
        .sc
        .portfolios
        .get_mut(&portfolio)
        .and_then(|p| p.products.get_mut(&product))
    {
        assoc.constraints.remove(name);
    }
    Ok(Response::Empty)
}

/// SC-57: the portfolio's own constraints (the owner's, on an import); inherited ones surface
/// on launch paths.
pub(super) fn list_constraints(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    product: Option<&Name>,
) -> Result<Response, ApiError> {
    let (p, _) = visible_portfolio(world, ctx, portfolio, "SC-57")?;
    if let Some(x) = product
        && !p.products.contains_key(x)
    {
        return Err(not_found("product association", x, "SC-57"));
    }
    ctx.hit("SC-57");
    let mut out: Vec<_> = p
        .products
        .iter()
        .filter(|(x, _)| product.is_none_or(|want| want == *x))
        .flat_map(|(x, _)| applied(world, portfolio, x))
        .filter(|a| !a.inherited)
        .map(|a| super::observe::constraint_view(world, &a))
        .collect();
    out.sort();
    Ok(Response::Constraints(out))
}
