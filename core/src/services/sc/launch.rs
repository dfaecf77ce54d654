//! End users: launch paths, provisioning and searches (RULES.md §2.4.6).
//!
//! A launch path is one portfolio visible to the end user's account that holds the product and
//! that the end user is associated with (SC-58); each path carries the effective constraints of
//! its own (portfolio, product) and is never merged with another path. The effective
//! LAUNCH constraint gives the launch role (SC-60): a RoleArn is used as-is whatever the end
//! user's account, a LocalRoleName resolves in the end user's account (SC-11, IAM-05), and the
//! role's account provisions and pays (SC-12).

use super::constraints::{self, Applied};
use super::{
    Access, Constraint, Import, Portfolio, Provisioned, invalid, not_found, sharing,
    visible_portfolio,
};
use crate::error::{ApiError, Exception, reject};
use crate::name::{Name, Region};
use crate::observe::{LaunchPathView, ProvisionedProductView};
use crate::op::{ConstraintParameters, IamKind, PortfolioPrincipal, Principal};
use crate::response::{ProductSummary, Response};
use crate::services::iam;
use crate::world::{Ctx, World};
use std::collections::BTreeMap;

/// Whether end user `principal` of `account` is associated with the principal set (SC-58): by
/// its own IAM association, a group it belongs to, or a matching IAM_PATTERN (IAM-02).
fn associated<'p>(
    world: &World,
    account: &Name,
    principal: &Principal,
    set: impl IntoIterator<Item = &'p PortfolioPrincipal>,
) -> bool {
    let (kind, name) = match principal {
        Principal::User(n) => (IamKind::User, n),
        Principal::Role(n) => (IamKind::Role, n),
    };
    set.into_iter().any(|assoc| match assoc {
        PortfolioPrincipal::Iam {
            kind: k,
            name: n,
            account: a,
        } => {
            let same_account = a.as_ref().is_none_or(|a| a == account);
            same_account
                && ((*k == kind && n == name)
                    || (*k == IamKind::Group
                        && kind == IamKind::User
                        && world.iam.in_group(account, name, n)))
        }
        PortfolioPrincipal::IamPattern { kind: k, pattern } => {
            *k == kind && glob_match(pattern, name.as_str())
        }
    })
}

/// IAM-02 glob: `*` matches any sequence (including `/`), `?` zero or one character.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    // reachable[j]: the pattern prefix matched so far can end at text position j.
    let mut reachable = vec![false; t.len() + 1];
    if let Some(first) = reachable.first_mut() {
        *first = true;
    }
    for pc in pattern.chars() {
        let mut next = vec![false; t.len() + 1];
        for j in 0..=t.len() {
            if !reachable.get(j).copied().unwrap_or(false) {
                continue;
            }
            match pc {
                '*' => {
                    for slot in next.iter_mut().skip(j) {
                        *slot = true;
                    }
                }
                '?' => {
                    if let Some(slot) = next.get_mut(j) {
                        *slot = true;
                    }
                    if let Some(slot) = next.get_mut(j + 1) {
                        *slot = true;
                    }
                }
                c => {
                    if t.get(j) == Some(&c)
                        && let Some(slot) = next.get_mut(j + 1)
                    {
                        *slot = true;
                    }
                }
            }
        }
        reachable = next;
    }
    reachable.last().copied().unwrap_or(false)
}

/// One launch path, before rendering.
pub(super) struct Path<'w> {
    pub portfolio: &'w Name,
    pub owner: &'w Name,
    /// The effective constraints of the path (SC-55).
    pub effective: Vec<Applied<'w>>,
    /// Whether the end user is associated only through the owner's shared patterns (SC-39).
    pub via_shared_pattern: bool,
}

impl Path<'_> {
    /// The effective LAUNCH constraint (SC-60).
    fn launch(&self) -> Option<&Constraint> {
        self.effective
            .iter()
            .map(|a| a.constraint)
            .find(|c| matches!(c.parameters, ConstraintParameters::Launch { .. }))
    }
}

/// Whether `portfolio` (named `pname`) gives `principal` of `account` a launch path to each of
/// its products (SC-58), whatever the Region: `Some(via_shared_pattern)` when the end user is
/// associated through the account's own portfolio or its import (SC-39), `None` otherwise.
pub(super) fn reach(
    world: &World,
    account: &Name,
    principal: &Principal,
    pname: &Name,
    p: &Portfolio,
) -> Option<bool> {
    reach_through(world, account, principal, pname, p, None)
}

/// [`reach`], given the import of `pname` by `account` when the caller has it at hand (so that
/// it is not looked up again).
fn reach_through(
    world: &World,
    account: &Name,
    principal: &Principal,
    pname: &Name,
    p: &Portfolio,
    import: Option<&Import>,
) -> Option<bool> {
    if &p.owner == account {
        return associated(world, account, principal, &p.principals).then_some(false);
    }
    let import = match import {
        Some(import) => import,
        None => world.sc.imports.get(&(account.clone(), pname.clone()))?,
    };
    if associated(world, account, principal, &import.principals) {
        return Some(false);
    }
    // The principals the account sees on its import (`sharing::principals_seen`) are the
    // import's own, just asked, and the owner's IAM_PATTERN associations when a covering node
    // share has SharePrincipals (SC-39): asking the second part alone gives the same answer
    // without copying the set.
    (sharing::shares_principals(world, account, pname)
        && associated(
            world,
            account,
            principal,
            p.principals
                .iter()
                .filter(|x| matches!(x, PortfolioPrincipal::IamPattern { .. })),
        ))
    .then_some(true)
}

/// The launch paths of `principal` in `account` for `product` in `region` (SC-58), with the
/// effective constraints per path (SC-55, SC-60).
pub(super) fn paths<'w>(
    world: &'w World,
    account: &Name,
    principal: &Principal,
    region: &Region,
    product: &Name,
) -> Vec<Path<'w>> {
    let mut out = Vec::new();
    let Some(holders) = world.sc.product_portfolios.get(product) else {
        return out;
    };
    for pname in holders {
        let Some(p) = world.sc.portfolios.get(pname) else {
            continue;
        };
        if &p.region != region {
            continue;
        }
        if let Some(shared) = reach(world, account, principal, pname, p) {
            out.push(path(world, pname, p, product, shared));
        }
    }
    out
}

/// The path through `p` (named `pname`) to `product`, with its effective constraints (SC-55).
pub(super) fn path<'w>(
    world: &'w World,
    pname: &'w Name,
    p: &'w Portfolio,
    product: &Name,
    via_shared_pattern: bool,
) -> Path<'w> {
    Path {
        portfolio: pname,
        owner: &p.owner,
        effective: constraints::applied(world, pname, product)
            .into_iter()
            .filter(|a| a.effective)
            .collect(),
        via_shared_pattern,
    }
}

/// The portfolios visible to `account` in `region`, by name: its own and its imports (a
/// portfolio it both owns and imports once).
pub(super) fn visible_portfolios<'w>(
    world: &'w World,
    account: &Name,
    region: &Region,
) -> BTreeMap<&'w Name, &'w Portfolio> {
    let owned = world
        .sc
        .owned_portfolios
        .get(&(account.clone(), region.clone()))
        .into_iter()
        .flatten();
    let imported = world
        .sc
        .imports
        .range((account.clone(), Name::empty())..)
        .take_while(|((a, _), _)| a == account)
        .map(|((_, p), _)| p);
    owned
        .chain(imported)
        .filter_map(|n| world.sc.portfolios.get_key_value(n))
        .filter(|(_, p)| &p.region == region)
        .collect()
}

/// The number of launch paths of `principal` in `account` in `region` per product it can
/// launch (SC-58): one pass over the visible portfolios, without the paths' constraints. A
/// launch path's portfolio is owned or imported by `account`, so this counts exactly the paths
/// `paths` would return for each product.
///
/// The visible portfolios are those of [`visible_portfolios`] (a portfolio both owned and
/// imported counted once), taken in any order, because the result is by product: the product
/// names of every reached portfolio are gathered in a vector and counted after one sort, in
/// the order of names that a map would give.
fn path_counts<'w>(
    world: &'w World,
    account: &Name,
    principal: &Principal,
    region: &Region,
) -> Vec<(&'w Name, usize)> {
    // Room for the products of a few portfolios (the medium benchmark's end users reach about
    // 13), so that the first extensions do not grow the vector one step at a time.
    let mut products: Vec<&Name> = Vec::with_capacity(32);
    let mut gather = |pname: &Name, p: &'w Portfolio, import: Option<&Import>| {
        if &p.region == region
            && reach_through(world, account, principal, pname, p, import).is_some()
        {
            products.extend(p.products.keys());
        }
    };
    let owned = world
        .sc
        .owned_portfolios
        .get(&(account.clone(), region.clone()));
    for (pname, p) in owned
        .into_iter()
        .flatten()
        .filter_map(|n| world.sc.portfolios.get_key_value(n))
    {
        gather(pname, p, None);
    }
    let imported = world
        .sc
        .imports
        .range((account.clone(), Name::empty())..)
        .take_while(|((a, _), _)| a == account);
    for ((_, pname), import) in imported {
        if owned.is_some_and(|o| o.contains(pname)) {
            continue;
        }
        if let Some(p) = world.sc.portfolios.get(pname) {
            gather(pname, p, Some(import));
        }
    }
    products.sort_unstable();
    let mut out: Vec<(&Name, usize)> = Vec::new();
    for product in products {
        match out.last_mut() {
            Some((last, n)) if *last == product => *n += 1,
            _ => out.push((product, 1)),
        }
    }
    out
}

/// SC-60: the launch role ARN of a LAUNCH constraint for an end user of `account`, with the
/// account that owns the role (SC-12).
fn launch_role(world: &World, account: &Name, c: &Constraint) -> Option<(String, Name)> {
    match &c.parameters {
        ConstraintParameters::Launch {
            role_arn: Some(r), ..
        } => Some((
            iam::arn(&world.acct(&r.account), IamKind::Role, &r.role),
            r.account.clone(),
        )),
        ConstraintParameters::Launch {
            local_role_name: Some(n),
            ..
        } => {
            // FAULT ZOO: the local role name resolves in the constraint owner's account (which
            // differs only when that is not the end user's).
            let faulty =
                &c.owner != account && world.faulty(crate::fault::Fault::LocalRoleInOwnerAccount);
            let account = if faulty { &c.owner } else { account };
            Some((
                iam::arn(&world.acct(account), IamKind::Role, n),
                account.clone(),
            ))
        }
        _ => None,
    }
}

/// The rendered path.
pub(super) fn path_view(
    world: &World,
    account: &Name,
    principal: &Principal,
    product: &Name,
    path: &Path<'_>,
) -> LaunchPathView {
    let role = path.launch().and_then(|c| launch_role(world, account, c));
    let mut constraints: Vec<Name> = path.effective.iter().map(|a| a.name.clone()).collect();
    constraints.sort();
    LaunchPathView {
        principal: principal.clone(),
        product: product.clone(),
        portfolio: path.portfolio.clone(),
        portfolio_owner: path.owner.clone(),
        paying_account: role
            .as_ref()
            .map_or_else(|| account.clone(), |(_, a)| a.clone()),
        launch_role: role.map(|(arn, _)| arn),
        constraints,
    }
}

/// Records the rules that decided a set of paths.
fn hit_path_rules(ctx: &mut Ctx, found: &[Path<'_>]) {
    ctx.hit("SC-58");
    if found.iter().any(|p| p.owner != &ctx.account) {
        // A path through an import reads the owner's portfolio itself.
        ctx.hit("SC-02");
    }
    if found.len() > 1 {
        ctx.hit("A-04");
    }
    for path in found {
        if path.via_shared_pattern {
            ctx.hit("SC-39");
        }
        if path.effective.iter().any(|a| a.inherited) {
            ctx.hit("SC-55");
            ctx.hit("SC-05");
        }
        if path.effective.iter().any(|a| {
            a.inherited && !matches!(a.constraint.parameters, ConstraintParameters::Launch { .. })
        }) {
            ctx.hit("A-06");
        }
        if path.launch().is_some() {
            ctx.hit("SC-60");
            ctx.hit("A-05");
        }
    }
}

fn end_user(ctx: &Ctx) -> Result<Principal, ApiError> {
    ctx.principal.clone().ok_or_else(|| {
        invalid(
            "SC-63",
            "this call is for end users: the call needs a principal",
        )
    })
}

fn no_path(product: &Name) -> ApiError {
    reject(
        Exception::ResourceNotFoundException,
        "SC-58",
        format!("product {product} does not exist or access was denied"),
    )
}

/// SC-58.
pub(super) fn list_launch_paths(
    world: &mut World,
    ctx: &mut Ctx,
    product: &Name,
) -> Result<Response, ApiError> {
    let principal = end_user(ctx)?;
    let found = paths(world, &ctx.account, &principal, &ctx.region, product);
    if found.is_empty() {
        return Err(no_path(product));
    }
    hit_path_rules(ctx, &found);
    let mut out: Vec<LaunchPathView> = found
        .iter()
        .map(|p| path_view(world, &ctx.account, &principal, product, p))
        .collect();
    out.sort();
    Ok(Response::LaunchPaths(out))
}

fn summary(world: &World, product: &Name, has_default_path: bool) -> Option<ProductSummary> {
    world.sc.products.get(product).map(|p| ProductSummary {
        name: product.clone(),
        owner: p.owner.clone(),
        id: p.id.clone(),
        has_default_path,
    })
}

/// SC-62, SC-58: the products the end user can launch, with HasDefaultPath = exactly one path.
pub(super) fn search_products(world: &mut World, ctx: &mut Ctx) -> Result<Response, ApiError> {
    let principal = end_user(ctx)?;
    ctx.hit("SC-62");
    let out = path_counts(world, &ctx.account, &principal, &ctx.region)
        .into_iter()
        .filter_map(|(x, n)| summary(world, x, n == 1))
        .collect();
    Ok(Response::Products(out))
}

/// SC-62: the products of one visible portfolio (local or imported), or the caller's own
/// products.
pub(super) fn search_products_as_admin(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: Option<&Name>,
) -> Result<Response, ApiError> {
    let names: Vec<Name> = match portfolio {
        Some(pname) => {
            let (p, access) = visible_portfolio(world, ctx, pname, "SC-62")?;
            if access == Access::Imported {
                ctx.hit("SC-02");
            }
            p.products.keys().cloned().collect()
        }
        None => world
            .sc
            .owned_products
            .get(&(ctx.account.clone(), ctx.region.clone()))
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
    };
    ctx.hit("SC-62");
    Ok(Response::Products(
        names
            .iter()
            .filter_map(|x| summary(world, x, false))
            .collect(),
    ))
}

/// `[a-zA-Z0-9][a-zA-Z0-9._-]*`, at most 128 characters (§1.5).
fn valid_provisioned_name(name: &str) -> bool {
    let mut chars = name.chars();
    name.len() <= 128
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// SC-59 (SC-11, SC-12, SC-54, SC-60): launches a version of a product through one path. The
/// model completes synchronously: AVAILABLE, or ERROR when a LocalRoleName has no role of that
/// name in the end user's account (SC-54).
pub(super) fn provision(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    product: &Name,
    version: &Name,
    path: Option<&Name>,
) -> Result<Response, ApiError> {
    let principal = end_user(ctx)?;
    if !valid_provisioned_name(name.as_str()) {
        return Err(invalid(
            "SC-59",
            format!("{name} is not a valid provisioned product name"),
        ));
    }
    let found = paths(world, &ctx.account, &principal, &ctx.region, product);
    let chosen = match path {
        Some(pname) => found.iter().find(|p| p.portfolio == pname),
        None if found.len() > 1 => {
            return Err(invalid(
                "SC-59",
                format!("product {product} has several launch paths: PathId is required"),
            ));
        }
        None => found.first(),
    };
    let Some(chosen) = chosen else {
        return Err(no_path(product));
    };
    let prod = world
        .sc
        .products
        .get(product)
        .ok_or_else(|| not_found("product", product, "SC-59"))?;
    if !prod.artifact_ids.contains_key(version) {
        return Err(invalid(
            "SC-59",
            format!("provisioning artifact {version} does not belong to product {product}"),
        ));
    }
    let key = (ctx.account.clone(), name.clone());
    if world.sc.provisioned.contains_key(&key) {
        return Err(reject(
            Exception::DuplicateResourceException,
            "SC-59",
            format!("provisioned product {name} already exists"),
        ));
    }
    let view = path_view(world, &ctx.account, &principal, product, chosen);
    let local_role = chosen.launch().and_then(|c| match &c.parameters {
        ConstraintParameters::Launch {
            local_role_name: Some(n),
            ..
        } => Some(n.clone()),
        _ => None,
    });
    let status = match &local_role {
        Some(n) if !world.iam.exists(&ctx.account, IamKind::Role, n) => "ERROR",
        _ => "AVAILABLE",
    };
    let product_owner = prod.owner.clone();
    hit_path_rules(ctx, std::slice::from_ref(chosen));
    ctx.hit("SC-59");
    ctx.hit("SC-12");
    if let Some(c) = chosen.launch() {
        ctx.hit("SC-11");
        if local_role.is_some() {
            ctx.hit("SC-54");
            ctx.hit("IAM-05");
        }
        if c.owner != ctx.account {
            ctx.hit("SC-09");
        }
    }
    let id = world.ids.fresh("pp-", name, 13);
    let record = Provisioned {
        region: ctx.region.clone(),
        id,
        product: product.clone(),
        product_owner,
        version: version.clone(),
        path: view.portfolio.clone(),
        launch_role: view.launch_role.clone(),
        paying_account: view.paying_account.clone(),
        status,
    };
    let out = provisioned_view(name, &record);
    world.sc.provisioned.insert(key, record);
    Ok(Response::ProvisionedProduct(out))
}

/// SC-61, A-27: terminates a provisioned product of the caller, whether or not its product is
/// still reachable (SC-08).
pub(super) fn terminate(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
) -> Result<Response, ApiError> {
    let key = (ctx.account.clone(), name.clone());
    let Some(pp) = world
        .sc
        .provisioned
        .get(&key)
        .filter(|pp| super::in_region(ctx, &pp.region))
    else {
        return Err(not_found("provisioned product", name, "SC-61"));
    };
    ctx.hit("SC-61");
    let still_reachable = world.sc.portfolios.get(&pp.path).is_some_and(|p| {
        p.products.contains_key(&pp.product)
            && (p.owner == ctx.account
                || world
                    .sc
                    .imports
                    .contains_key(&(ctx.account.clone(), pp.path.clone())))
    });
    if !still_reachable {
        ctx.hit("A-27");
        ctx.hit("SC-08");
    }
    world.sc.provisioned.remove(&key);
    Ok(Response::Empty)
}

/// The rendered provisioned product.
pub(super) fn provisioned_view(name: &Name, p: &Provisioned) -> ProvisionedProductView {
    ProvisionedProductView {
        name: name.clone(),
        id: p.id.clone(),
        product: p.product.clone(),
        product_owner: p.product_owner.clone(),
        version: p.version.clone(),
        path: p.path.clone(),
        launch_role: p.launch_role.clone(),
        paying_account: p.paying_account.clone(),
        status: p.status.to_owned(),
    }
}
