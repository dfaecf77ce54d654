//! AWS Service Catalog portfolio sharing (RULES.md §2.4).
//!
//! An import is a reference, not a copy (SC-02): the recipient's record of an imported portfolio
//! holds only how it was received and the recipient's own principal associations; products,
//! versions and constraints are always read from the owner's portfolio, so changes propagate
//! (SC-06) by construction and a removal upstream is gone everywhere at once (SC-07).

use crate::error::{ApiError, Exception, reject};
use crate::name::{Name, Region};
use crate::observe::{
    ConstraintView, ImportView, LaunchPathView, Observation, PortfolioProductView,
    PortfolioShareView, PortfolioView, PrincipalView, ProductView, ProvisionedProductView,
};
use crate::op::{
    ConstraintParameters, IamKind, Op, PortfolioPrincipal, PortfolioShareType, Principal,
    ShareTarget,
};
use crate::response::Response;
use crate::services::iam;
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
    /// The owner's principal associations.
    pub principals: BTreeSet<PortfolioPrincipal>,
    /// Shares made of this portfolio, by recipient.
    pub shares: BTreeMap<ShareTarget, PortfolioShare>,
}

/// A product's association with a portfolio (SC-47).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProductAssociation {
    /// The imported portfolio the product came from, for a product of another account.
    pub source: Option<Name>,
}

/// A share of a portfolio (SC-20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PortfolioShare {
    pub accepted: bool,
    pub share_tag_options: bool,
    pub share_principals: bool,
}

/// A product, owned by one account in one Region.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub owner: Name,
    pub region: Region,
    pub id: String,
    /// Provisioning artifact names, in creation order.
    pub versions: Vec<Name>,
}

/// A constraint on a (portfolio, product) association (SC-52).
#[derive(Debug, Clone)]
pub(crate) struct Constraint {
    pub owner: Name,
    pub portfolio: Name,
    pub product: Name,
    pub id: String,
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
    pub version: Name,
    pub path: Name,
    pub launch_role: Option<String>,
    pub paying_account: Name,
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
}

/// Applies a Service Catalog call.
pub(crate) fn apply(world: &mut World, ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    match op {
        Op::CreatePortfolio {
            portfolio,
            display_name,
            provider_name,
        } => create_portfolio(
            world,
            ctx,
            portfolio,
            display_name.as_deref(),
            provider_name.as_deref(),
        ),
        Op::CreateProduct { product, version } => create_product(world, ctx, product, version),
        Op::AssociateProductWithPortfolio {
            product,
            portfolio,
            source_portfolio,
        } => associate_product(world, ctx, product, portfolio, source_portfolio.as_ref()),
        Op::AssociatePrincipalWithPortfolio {
            portfolio,
            principal,
        } => associate_principal(world, ctx, portfolio, principal),
        Op::CreatePortfolioShare {
            portfolio,
            target,
            share_tag_options,
            share_principals,
        } => create_share(
            world,
            ctx,
            portfolio,
            target,
            *share_tag_options,
            *share_principals,
        ),
        Op::AcceptPortfolioShare {
            portfolio,
            share_type,
        } => accept_share(
            world,
            ctx,
            portfolio,
            share_type.unwrap_or(PortfolioShareType::Imported),
        ),
        Op::ListLaunchPaths { product } => list_launch_paths(world, ctx, product),
        Op::ProvisionProduct {
            provisioned_product,
            product,
            version,
            path,
        } => provision(
            world,
            ctx,
            provisioned_product,
            product,
            version,
            path.as_ref(),
        ),
        other => Err(super::not_modelled(other)),
    }
}

// ---------------------------------------------------------------------------------------------
// Lookups shared by the operations
// ---------------------------------------------------------------------------------------------

fn not_found(kind: &str, name: &Name) -> ApiError {
    reject(
        Exception::ResourceNotFoundException,
        "SC-19",
        format!("{kind} {name} does not exist or access was denied"),
    )
}

/// How the caller sees a portfolio: as its owner, or as a recipient that imported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Owner,
    Imported,
}

/// A portfolio visible to the caller in the call's Region (stage 2), and how.
fn visible_portfolio<'w>(
    world: &'w World,
    ctx: &Ctx,
    name: &Name,
) -> Result<(&'w Portfolio, Access), ApiError> {
    let p = world
        .sc
        .portfolios
        .get(name)
        .filter(|p| p.region == ctx.region)
        .ok_or_else(|| not_found("portfolio", name))?;
    if p.owner == ctx.account {
        Ok((p, Access::Owner))
    } else if world
        .sc
        .imports
        .contains_key(&(ctx.account.clone(), name.clone()))
    {
        Ok((p, Access::Imported))
    } else {
        Err(not_found("portfolio", name))
    }
}

fn portfolio_arn(world: &World, p: &Portfolio) -> String {
    format!(
        "arn:aws:catalog:{}:{}:portfolio/{}",
        p.region,
        world.acct(&p.owner),
        p.id
    )
}

// ---------------------------------------------------------------------------------------------
// Portfolios and products
// ---------------------------------------------------------------------------------------------

/// SC-42. The symbolic name acts as the idempotency token: the same name with the same
/// parameters returns the existing portfolio, a different use of it is rejected (INV-20).
fn create_portfolio(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    display_name: Option<&str>,
    provider_name: Option<&str>,
) -> Result<Response, ApiError> {
    let display_name = display_name.unwrap_or(name.as_str()).to_owned();
    let provider_name = provider_name.unwrap_or("provider").to_owned();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(reject(
            Exception::InvalidParametersException,
            "SC-42",
            "DisplayName must be 1 to 100 characters",
        ));
    }
    if provider_name.is_empty() || provider_name.chars().count() > 50 {
        return Err(reject(
            Exception::InvalidParametersException,
            "SC-42",
            "ProviderName must be 1 to 50 characters",
        ));
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
        return Err(reject(
            Exception::InvalidParametersException,
            "INV-20",
            format!("idempotency token {name} was already used with other parameters"),
        ));
    }
    let owned = world
        .sc
        .portfolios
        .values()
        .filter(|p| p.owner == ctx.account && p.region == ctx.region)
        .count() as u64;
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
    Ok(response)
}

/// SC-45: a product and its first provisioning artifact, owned by the caller.
fn create_product(
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
        return Err(reject(
            Exception::InvalidParametersException,
            "INV-20",
            format!("idempotency token {name} was already used with other parameters"),
        ));
    }
    let owned = world
        .sc
        .products
        .values()
        .filter(|p| p.owner == ctx.account && p.region == ctx.region)
        .count() as u64;
    if owned >= world.config.quotas.products_per_region {
        return Err(reject(
            Exception::LimitExceededException,
            "Q-02",
            "products per Region quota reached",
        ));
    }
    ctx.hit("SC-45");
    let id = world.ids.fresh("prod-", name, 13);
    let product = Product {
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        id,
        versions: vec![version.clone()],
    };
    let response = Response::Created {
        id: product.id.clone(),
        arn: product_arn(world, &product),
    };
    world.sc.products.insert(name.clone(), product);
    Ok(response)
}

fn product_arn(world: &World, p: &Product) -> String {
    format!(
        "arn:aws:catalog:{}:{}:product/{}",
        p.region,
        world.acct(&p.owner),
        p.id
    )
}

/// SC-47 (and SC-14 for imported targets).
fn associate_product(
    world: &mut World,
    ctx: &mut Ctx,
    product: &Name,
    portfolio: &Name,
    source: Option<&Name>,
) -> Result<Response, ApiError> {
    let (target, access) = visible_portfolio(world, ctx, portfolio)?;
    let prod = world
        .sc
        .products
        .get(product)
        .filter(|p| p.region == ctx.region)
        .ok_or_else(|| not_found("product", product))?;
    if access == Access::Imported {
        return Err(reject(
            Exception::InvalidParametersException,
            "SC-14",
            format!("portfolio {portfolio} is imported; its products cannot be changed"),
        ));
    }
    let source = if prod.owner == ctx.account {
        None
    } else {
        let Some(source) = source else {
            return Err(reject(
                Exception::InvalidParametersException,
                "SC-47",
                format!(
                    "product {product} belongs to another account: SourcePortfolioId is required"
                ),
            ));
        };
        let (src, src_access) = visible_portfolio(world, ctx, source)?;
        if src_access != Access::Imported || !src.products.contains_key(product) {
            return Err(reject(
                Exception::InvalidParametersException,
                "SC-47",
                format!("portfolio {source} is not an import that contains product {product}"),
            ));
        }
        Some(source.clone())
    };
    if target.products.contains_key(product) {
        ctx.hit("SC-47");
        return Ok(Response::Empty);
    }
    if target.products.len() as u64 >= world.config.quotas.products_per_portfolio {
        return Err(reject(
            Exception::LimitExceededException,
            "Q-03",
            "products per portfolio quota reached",
        ));
    }
    ctx.hit("SC-47");
    if source.is_some() {
        ctx.hit("SC-04");
    }
    if let Some(target) = world.sc.portfolios.get_mut(portfolio) {
        target
            .products
            .insert(product.clone(), ProductAssociation { source });
    }
    Ok(Response::Empty)
}

/// SC-40: associates an IAM principal (of the caller's account) or an IAM_PATTERN.
fn associate_principal(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    principal: &PortfolioPrincipal,
) -> Result<Response, ApiError> {
    if let PortfolioPrincipal::IamPattern { pattern, .. } = principal
        && pattern.is_empty()
    {
        return Err(reject(
            Exception::InvalidParametersException,
            "IAM-02",
            "an IAM_PATTERN needs a resource id",
        ));
    }
    let (_, access) = visible_portfolio(world, ctx, portfolio)?;
    if let PortfolioPrincipal::Iam {
        kind,
        name,
        account,
    } = principal
    {
        let account = account.as_ref().unwrap_or(&ctx.account);
        if account != &ctx.account || !world.iam.exists(account, *kind, name) {
            return Err(reject(
                Exception::InvalidParametersException,
                "IAM-03",
                format!("principal {name} must be an existing principal of the caller's account"),
            ));
        }
    }
    ctx.hit("SC-40");
    let key = (ctx.account.clone(), portfolio.clone());
    let set = match access {
        Access::Owner => world
            .sc
            .portfolios
            .get_mut(portfolio)
            .map(|p| &mut p.principals),
        Access::Imported => {
            ctx.hit("SC-17");
            world.sc.imports.get_mut(&key).map(|i| &mut i.principals)
        }
    };
    if let Some(set) = set {
        set.insert(principal.clone());
    }
    Ok(Response::Empty)
}

// ---------------------------------------------------------------------------------------------
// Sharing
// ---------------------------------------------------------------------------------------------

/// SC-20 (account shares in this slice).
fn create_share(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    target: &ShareTarget,
    share_tag_options: bool,
    share_principals: bool,
) -> Result<Response, ApiError> {
    let (p, access) = visible_portfolio(world, ctx, portfolio)?;
    if access == Access::Imported {
        return Err(reject(
            Exception::InvalidParametersException,
            "SC-13",
            format!("portfolio {portfolio} is imported and cannot be shared"),
        ));
    }
    let ShareTarget::Account(recipient) = target else {
        return Err(super::not_modelled(&Op::EnableAWSOrganizationsAccess));
    };
    if share_principals {
        return Err(reject(
            Exception::InvalidParametersException,
            "SC-20",
            "SharePrincipals applies to organization node shares only",
        ));
    }
    if recipient == &ctx.account {
        return Err(reject(
            Exception::InvalidParametersException,
            "A-29",
            "a portfolio cannot be shared with its own account",
        ));
    }
    if !world.has_account(recipient) {
        return Err(reject(
            Exception::InvalidParametersException,
            "SC-18",
            format!("account {recipient} does not exist"),
        ));
    }
    if p.products.values().any(|a| a.source.is_some()) {
        return Err(reject(
            Exception::InvalidParametersException,
            "SC-13",
            format!("portfolio {portfolio} contains a shared product and cannot be shared"),
        ));
    }
    if p.shares.contains_key(target) {
        ctx.hit("SC-20");
        return Ok(Response::Empty);
    }
    if p.shares.len() as u64 >= world.config.quotas.shared_accounts_per_portfolio {
        return Err(reject(
            Exception::LimitExceededException,
            "Q-06",
            "shared accounts per portfolio quota reached",
        ));
    }
    ctx.hit("SC-20");
    ctx.hit("SC-01");
    if let Some(p) = world.sc.portfolios.get_mut(portfolio) {
        p.shares.insert(
            target.clone(),
            PortfolioShare {
                accepted: false,
                share_tag_options,
                share_principals,
            },
        );
    }
    Ok(Response::Empty)
}

/// SC-23 (IMPORTED in this slice).
fn accept_share(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    share_type: PortfolioShareType,
) -> Result<Response, ApiError> {
    let p = world
        .sc
        .portfolios
        .get(portfolio)
        .filter(|p| p.region == ctx.region)
        .ok_or_else(|| not_found("portfolio", portfolio))?;
    if share_type != PortfolioShareType::Imported
        || !p
            .shares
            .contains_key(&ShareTarget::Account(ctx.account.clone()))
    {
        return Err(reject(
            Exception::ResourceNotFoundException,
            "SC-23",
            format!("Portfolio not found: no {share_type:?} share of {portfolio} to the caller"),
        ));
    }
    ctx.hit("SC-23");
    ctx.hit("SC-18");
    if let Some(share) = world
        .sc
        .portfolios
        .get_mut(portfolio)
        .and_then(|p| p.shares.get_mut(&ShareTarget::Account(ctx.account.clone())))
    {
        share.accepted = true;
    }
    world
        .sc
        .imports
        .entry((ctx.account.clone(), portfolio.clone()))
        .or_default()
        .share_types
        .insert(share_type);
    Ok(Response::Empty)
}

// ---------------------------------------------------------------------------------------------
// End users
// ---------------------------------------------------------------------------------------------

/// Whether end user `principal` of `account` is associated with the principal set (SC-58).
fn associated(
    world: &World,
    account: &Name,
    principal: &Principal,
    set: &BTreeSet<PortfolioPrincipal>,
) -> bool {
    let (kind, name) = match principal {
        Principal::User(n) => (IamKind::User, n),
        Principal::Role(n) => (IamKind::Role, n),
    };
    set.iter().any(|assoc| match assoc {
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
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // reachable[j]: pattern prefix matched so far can end at text position j.
    let mut reachable = vec![false; t.len() + 1];
    if let Some(first) = reachable.first_mut() {
        *first = true;
    }
    for pc in &p {
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
                    if t.get(j) == Some(c)
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
struct Path<'w> {
    portfolio: &'w Name,
    owner: &'w Name,
    launch: Option<&'w Constraint>,
    constraints: Vec<Name>,
}

/// The launch paths of `principal` in `account` for `product` in `region` (SC-58), with the
/// effective constraints per path (SC-55, SC-60).
fn paths<'w>(
    world: &'w World,
    account: &Name,
    principal: &Principal,
    region: &Region,
    product: &Name,
) -> Vec<Path<'w>> {
    let mut out = Vec::new();
    for (pname, p) in &world.sc.portfolios {
        if &p.region != region || !p.products.contains_key(product) {
            continue;
        }
        let principals = if &p.owner == account {
            &p.principals
        } else if let Some(import) = world.sc.imports.get(&(account.clone(), pname.clone())) {
            &import.principals
        } else {
            continue;
        };
        if !associated(world, account, principal, principals) {
            continue;
        }
        let own: Vec<&Constraint> = world
            .sc
            .constraints
            .values()
            .filter(|c| &c.portfolio == pname && &c.product == product)
            .collect();
        let launch = own
            .iter()
            .copied()
            .find(|c| matches!(c.parameters, ConstraintParameters::Launch { .. }));
        out.push(Path {
            portfolio: pname,
            owner: &p.owner,
            launch,
            constraints: own
                .iter()
                .map(|c| {
                    world
                        .sc
                        .constraints
                        .iter()
                        .find(|(_, x)| x.id == c.id)
                        .map(|(n, _)| n.clone())
                        .unwrap_or_else(|| Name::new(c.id.clone()))
                })
                .collect(),
        });
    }
    out
}

/// SC-60: the launch role ARN of a LAUNCH constraint for an end user of `account`.
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
        } => Some((
            iam::arn(&world.acct(account), IamKind::Role, n),
            account.clone(),
        )),
        _ => None,
    }
}

fn path_view(
    world: &World,
    account: &Name,
    principal: &Principal,
    product: &Name,
    path: &Path<'_>,
) -> LaunchPathView {
    let role = path.launch.and_then(|c| launch_role(world, account, c));
    LaunchPathView {
        principal: principal.clone(),
        product: product.clone(),
        portfolio: path.portfolio.clone(),
        portfolio_owner: path.owner.clone(),
        paying_account: role
            .as_ref()
            .map_or_else(|| account.clone(), |(_, a)| a.clone()),
        launch_role: role.map(|(arn, _)| arn),
        constraints: path.constraints.clone(),
    }
}

fn end_user(ctx: &Ctx) -> Result<Principal, ApiError> {
    ctx.principal.clone().ok_or_else(|| {
        reject(
            Exception::InvalidParametersException,
            "SC-63",
            "this call is for end users: the call needs a principal",
        )
    })
}

/// SC-58.
fn list_launch_paths(
    world: &mut World,
    ctx: &mut Ctx,
    product: &Name,
) -> Result<Response, ApiError> {
    let principal = end_user(ctx)?;
    let found = paths(world, &ctx.account, &principal, &ctx.region, product);
    if found.is_empty() {
        return Err(reject(
            Exception::ResourceNotFoundException,
            "SC-58",
            format!("product {product} does not exist or access was denied"),
        ));
    }
    ctx.hit("SC-58");
    Ok(Response::LaunchPaths(
        found
            .iter()
            .map(|p| path_view(world, &ctx.account, &principal, product, p))
            .collect(),
    ))
}

/// SC-59.
fn provision(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    product: &Name,
    version: &Name,
    path: Option<&Name>,
) -> Result<Response, ApiError> {
    let principal = end_user(ctx)?;
    let found = paths(world, &ctx.account, &principal, &ctx.region, product);
    let chosen = match path {
        Some(pname) => found.iter().find(|p| p.portfolio == pname),
        None if found.len() > 1 => {
            return Err(reject(
                Exception::InvalidParametersException,
                "SC-59",
                format!("product {product} has several launch paths: PathId is required"),
            ));
        }
        None => found.first(),
    };
    let Some(chosen) = chosen else {
        return Err(reject(
            Exception::ResourceNotFoundException,
            "SC-58",
            format!("product {product} does not exist or access was denied"),
        ));
    };
    let prod = world
        .sc
        .products
        .get(product)
        .ok_or_else(|| not_found("product", product))?;
    if !prod.versions.contains(version) {
        return Err(reject(
            Exception::InvalidParametersException,
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
    ctx.hit("SC-59");
    ctx.hit("SC-12");
    if view.launch_role.is_some() {
        ctx.hit("SC-60");
    }
    let id = world.ids.fresh("pp-", name, 13);
    let record = Provisioned {
        region: ctx.region.clone(),
        id,
        product: product.clone(),
        version: version.clone(),
        path: view.portfolio.clone(),
        launch_role: view.launch_role.clone(),
        paying_account: view.paying_account.clone(),
    };
    let out = provisioned_view(world, &ctx.account, name, &record);
    world.sc.provisioned.insert(key, record);
    Ok(Response::ProvisionedProduct(out))
}

fn provisioned_view(
    world: &World,
    _account: &Name,
    name: &Name,
    p: &Provisioned,
) -> ProvisionedProductView {
    ProvisionedProductView {
        name: name.clone(),
        id: p.id.clone(),
        product: p.product.clone(),
        product_owner: world
            .sc
            .products
            .get(&p.product)
            .map_or_else(|| Name::new("?"), |x| x.owner.clone()),
        version: p.version.clone(),
        path: p.path.clone(),
        launch_role: p.launch_role.clone(),
        paying_account: p.paying_account.clone(),
        status: "AVAILABLE".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Observation
// ---------------------------------------------------------------------------------------------

fn principal_view(world: &World, account: &Name, p: &PortfolioPrincipal) -> PrincipalView {
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

fn constraint_kind(p: &ConstraintParameters) -> &'static str {
    match p {
        ConstraintParameters::Launch { .. } => "LAUNCH",
        ConstraintParameters::Notification { .. } => "NOTIFICATION",
        ConstraintParameters::ResourceUpdate { .. } => "RESOURCE_UPDATE",
        ConstraintParameters::StackSet { .. } => "STACKSET",
        ConstraintParameters::Template { .. } => "TEMPLATE",
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
        } => {
            format!("accounts={} regions={}", accounts.len(), regions.len())
        }
        ConstraintParameters::Template { rules } => format!("rules={}", rules.len()),
    }
}

fn constraints_of(world: &World, portfolio: &Name) -> Vec<ConstraintView> {
    let mut out: Vec<ConstraintView> = world
        .sc
        .constraints
        .iter()
        .filter(|(_, c)| &c.portfolio == portfolio)
        .map(|(name, c)| ConstraintView {
            product: c.product.clone(),
            kind: constraint_kind(&c.parameters).to_owned(),
            name: name.clone(),
            owner: c.owner.clone(),
            inherited: false,
            effective: true,
            parameters: render_parameters(world, &c.parameters),
        })
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

/// Fills the Service Catalog part of each account's view.
pub(crate) fn observe(world: &World, obs: &mut Observation) {
    for (name, p) in &world.sc.portfolios {
        let Some(region) = obs
            .accounts
            .get_mut(&p.owner)
            .and_then(|a| a.regions.get_mut(&p.region))
        else {
            continue;
        };
        region.sc.portfolios.push(PortfolioView {
            name: name.clone(),
            id: p.id.clone(),
            display_name: p.display_name.clone(),
            products: products_of(world, p),
            constraints: constraints_of(world, name),
            principals: p
                .principals
                .iter()
                .map(|x| principal_view(world, &p.owner, x))
                .collect(),
            shares: p
                .shares
                .iter()
                .map(|(target, s)| PortfolioShareView {
                    target: target.clone(),
                    accepted: s.accepted,
                    share_tag_options: s.share_tag_options,
                    share_principals: s.share_principals,
                })
                .collect(),
        });
        *region.usage.entry("Q-01".to_owned()).or_default() += 1;
    }
    for ((recipient, pname), import) in &world.sc.imports {
        let Some(p) = world.sc.portfolios.get(pname) else {
            continue;
        };
        let Some(region) = obs
            .accounts
            .get_mut(recipient)
            .and_then(|a| a.regions.get_mut(&p.region))
        else {
            continue;
        };
        region.sc.imported.push(ImportView {
            portfolio: pname.clone(),
            owner: p.owner.clone(),
            id: p.id.clone(),
            share_types: import.share_types.iter().copied().collect(),
            products: products_of(world, p),
            constraints: constraints_of(world, pname),
            principals: import
                .principals
                .iter()
                .map(|x| principal_view(world, recipient, x))
                .collect(),
        });
    }
    for (name, p) in &world.sc.products {
        let Some(region) = obs
            .accounts
            .get_mut(&p.owner)
            .and_then(|a| a.regions.get_mut(&p.region))
        else {
            continue;
        };
        region.sc.products.push(ProductView {
            name: name.clone(),
            id: p.id.clone(),
            versions: p.versions.clone(),
        });
        *region.usage.entry("Q-02".to_owned()).or_default() += 1;
    }
    for ((account, name), pp) in &world.sc.provisioned {
        let view = provisioned_view(world, account, name, pp);
        if let Some(region) = obs
            .accounts
            .get_mut(account)
            .and_then(|a| a.regions.get_mut(&pp.region))
        {
            region.sc.provisioned_products.push(view);
        }
    }
    observe_launch_paths(world, obs);
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
            let mut views = Vec::new();
            for principal in &principals {
                for product in world.sc.products.keys() {
                    for path in paths(world, account, principal, region, product) {
                        views.push(path_view(world, account, principal, product, &path));
                    }
                }
            }
            views.sort();
            if let Some(r) = obs
                .accounts
                .get_mut(account)
                .and_then(|a| a.regions.get_mut(region))
            {
                r.sc.launch_paths = views;
            }
        }
    }
}

/// Called after every change to an organization tree, trusted access or delegated
/// administrators: applies the consequences of lost access (SC-21, SC-34, SC-35, A-15).
pub(crate) fn on_org_change(_world: &mut World, _ctx: &mut Ctx) {}
