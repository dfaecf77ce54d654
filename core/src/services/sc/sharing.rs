//! Portfolio shares, imports and the Organizations integration (RULES.md §2.4.2, §2.4.3).
//!
//! Two kinds of share reach a recipient. An account share (SC-20) waits for the recipient's
//! AcceptPortfolioShare(IMPORTED) (SC-23). An organization-node share covers every account of the
//! node in the current tree (ORG-11, SC-36) and imports automatically as AWS_ORGANIZATIONS
//! (SC-22). An import exists while at least one of its share types holds; losing the last
//! one removes the import with the recipient's principal associations on it, the local
//! associations sourced from it and the recipient's constraints on those,
//! while provisioned products keep running (SC-08).
//!
//! Node-share coverage is recomputed by [`reconcile_portfolio`] whenever a share or the
//! organization changes (the Organizations service calls [`on_org_change`]). While Service
//! Catalog Organizations access is disabled, coverage is frozen at its value when access was
//! disabled; on re-enable the accounts that left the organization meanwhile stay covered
//! (SC-33, A-16, `[MODEL]`).

use super::{Access, PortfolioShare, invalid, not_found, remove_association};
use crate::error::{ApiError, Exception, RuleId, reject};
use crate::name::Name;
use crate::observe::PortfolioShareView;
use crate::op::{DescribeShareType, PortfolioPrincipal, PortfolioShareType, Service, ShareTarget};
use crate::response::{PortfolioSummary, Response};
use crate::services::org::Node;
use crate::world::{Ctx, World};
use std::collections::BTreeSet;

/// Whether the target is an organization node (not an account-to-account share).
pub(super) fn is_node(target: &ShareTarget) -> bool {
    !matches!(target, ShareTarget::Account(_))
}

/// SC-20, SC-21, SC-34: the management account or a Service Catalog delegated administrator.
fn is_org_admin(world: &World, account: &Name) -> bool {
    world.org.is_management(account)
        || world
            .org
            .is_delegated_admin(account, Service::ServiceCatalog)
}

/// Whether the node share of `owner`'s portfolio covers `account` (ORG-11, SC-33, SC-36).
pub(super) fn covers(
    world: &World,
    owner: &Name,
    target: &ShareTarget,
    share: &PortfolioShare,
    account: &Name,
) -> bool {
    if account == owner || !is_node(target) {
        return false;
    }
    if let Some(frozen) = &share.frozen {
        return frozen.contains(account);
    }
    covers_live(world, target, share, account)
        || (share.grandfathered.contains(account) && !in_share_org(world, share, account))
}

/// Whether `account` is currently a member of the node share's organization. A grandfathered
/// account (SC-33) that joins the organization again follows the tree like any member `[MODEL]`.
fn in_share_org(world: &World, share: &PortfolioShare, account: &Name) -> bool {
    share
        .organization
        .as_ref()
        .and_then(|o| world.org.orgs.get(o))
        .is_some_and(|o| o.accounts.contains_key(account))
}

/// Coverage against the current tree only.
fn covers_live(
    world: &World,
    target: &ShareTarget,
    share: &PortfolioShare,
    account: &Name,
) -> bool {
    // ORG-11: an account node is the account itself, wherever it is now `[MODEL]`.
    if let ShareTarget::OrganizationMemberAccount(a) = target {
        return a == account;
    }
    let Some(org) = share
        .organization
        .as_ref()
        .and_then(|o| world.org.orgs.get(o))
    else {
        return false;
    };
    if !org.accounts.contains_key(account) {
        return false;
    }
    match target {
        ShareTarget::Account(_) | ShareTarget::OrganizationMemberAccount(_) => false,
        ShareTarget::Organization(o) => share.organization.as_ref() == Some(o),
        ShareTarget::OrganizationalUnit(ou) => {
            org.ous.contains_key(ou) && world.org.in_node(account, &Node::Ou(ou.clone()))
        }
    }
}

/// Every account the node share covers.
fn coverage(
    world: &World,
    owner: &Name,
    target: &ShareTarget,
    share: &PortfolioShare,
) -> BTreeSet<Name> {
    let mut out: BTreeSet<Name> = match &share.frozen {
        Some(frozen) => frozen.clone(),
        None => {
            let live: BTreeSet<Name> = match target {
                ShareTarget::OrganizationMemberAccount(a) => BTreeSet::from([a.clone()]),
                _ => share
                    .organization
                    .as_ref()
                    .and_then(|o| world.org.orgs.get(o))
                    .map(|org| {
                        org.accounts
                            .keys()
                            .filter(|a| covers_live(world, target, share, a))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            let outside = share
                .grandfathered
                .iter()
                .filter(|a| !in_share_org(world, share, a))
                .cloned();
            live.into_iter().chain(outside).collect()
        }
    };
    out.remove(owner);
    out
}

/// Whether any node share of the portfolio covers `account`.
fn covered(world: &World, portfolio: &Name, account: &Name) -> bool {
    world.sc.portfolios.get(portfolio).is_some_and(|p| {
        p.shares
            .iter()
            .any(|(t, s)| covers(world, &p.owner, t, s, account))
    })
}

/// Adds a share type to `recipient`'s import of `portfolio`, creating the import.
fn add_share_type(world: &mut World, recipient: &Name, portfolio: &Name, t: PortfolioShareType) {
    world
        .sc
        .imports
        .entry((recipient.clone(), portfolio.clone()))
        .or_default()
        .share_types
        .insert(t);
    world
        .sc
        .importers
        .entry(portfolio.clone())
        .or_default()
        .insert(recipient.clone());
}

/// Removes a share type from `recipient`'s import; when none is left, the import goes with the
/// recipient's principals on it, its local associations sourced from it and the recipient's
/// constraints on those. Provisioned products stay (SC-08, INV-10).
fn drop_share_type(
    world: &mut World,
    ctx: &mut Ctx,
    recipient: &Name,
    portfolio: &Name,
    t: PortfolioShareType,
) {
    let key = (recipient.clone(), portfolio.clone());
    let Some(import) = world.sc.imports.get_mut(&key) else {
        return;
    };
    import.share_types.remove(&t);
    if !import.share_types.is_empty() {
        ctx.hit("A-32");
        return;
    }
    world.sc.imports.remove(&key);
    if let Some(set) = world.sc.importers.get_mut(portfolio) {
        set.remove(recipient);
        if set.is_empty() {
            world.sc.importers.remove(portfolio);
        }
    }
    ctx.hit("A-01");
    ctx.hit("A-25");
    let locals: Vec<(Name, Name)> = world
        .sc
        .sourced
        .get(portfolio)
        .into_iter()
        .flatten()
        .filter(|(l, _)| {
            world
                .sc
                .portfolios
                .get(l)
                .is_some_and(|p| &p.owner == recipient)
        })
        .cloned()
        .collect();
    if !locals.is_empty() {
        ctx.hit("A-02");
    }
    let launched = world
        .sc
        .provisioned
        .range((recipient.clone(), Name::empty())..)
        .take_while(|((a, _), _)| a == recipient)
        .any(|(_, pp)| &pp.path == portfolio || locals.iter().any(|(l, _)| l == &pp.path));
    if launched {
        ctx.hit("SC-08");
    }
    for (l, x) in locals {
        remove_association(world, &l, &x);
    }
}

/// Makes the AWS_ORGANIZATIONS imports of `portfolio` equal to its node-share coverage minus the
/// rejections (SC-22, SC-24, INV-03, INV-12). Accounts that lost coverage lose the import's
/// AWS_ORGANIZATIONS type with the cascade of [`drop_share_type`], recorded under `loss_rules`.
pub(super) fn reconcile_portfolio(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    loss_rules: &[RuleId],
) {
    let Some(p) = world.sc.portfolios.get(portfolio) else {
        return;
    };
    let mut candidates: BTreeSet<Name> = world
        .sc
        .importers
        .get(portfolio)
        .cloned()
        .unwrap_or_default();
    candidates.extend(rejected_of(world, portfolio));
    for (t, s) in p.shares.iter().filter(|(t, _)| is_node(t)) {
        candidates.extend(coverage(world, &p.owner, t, s));
    }
    let decisions: Vec<(Name, bool, bool, bool)> = candidates
        .into_iter()
        .map(|b| {
            let is_covered = covered(world, portfolio, &b);
            let rejected = world
                .sc
                .org_rejected
                .contains(&(portfolio.clone(), b.clone()));
            let has = world
                .sc
                .imports
                .get(&(b.clone(), portfolio.clone()))
                .is_some_and(|i| {
                    i.share_types
                        .contains(&PortfolioShareType::AwsOrganizations)
                });
            (b, is_covered, rejected, has)
        })
        .collect();
    for (b, is_covered, rejected, has) in decisions {
        if !is_covered && rejected {
            world
                .sc
                .org_rejected
                .remove(&(portfolio.clone(), b.clone()));
        }
        let want = is_covered && !rejected;
        if want && !has {
            ctx.hit("SC-22");
            add_share_type(world, &b, portfolio, PortfolioShareType::AwsOrganizations);
        } else if !want && has {
            for rule in loss_rules {
                ctx.hit(rule);
            }
            drop_share_type(
                world,
                ctx,
                &b,
                portfolio,
                PortfolioShareType::AwsOrganizations,
            );
        }
    }
}

/// The accounts that rejected the node shares of `portfolio`.
fn rejected_of(world: &World, portfolio: &Name) -> Vec<Name> {
    world
        .sc
        .org_rejected
        .range((portfolio.clone(), Name::empty())..)
        .take_while(|(p, _)| p == portfolio)
        .map(|(_, a)| a.clone())
        .collect()
}

/// The principals `account` sees on its import of `portfolio`: its own, plus the owner's
/// IAM_PATTERN associations when a covering node share has SharePrincipals (SC-39).
pub(super) fn principals_seen(
    world: &World,
    account: &Name,
    portfolio: &Name,
) -> BTreeSet<PortfolioPrincipal> {
    let mut out = world
        .sc
        .imports
        .get(&(account.clone(), portfolio.clone()))
        .map(|i| i.principals.clone())
        .unwrap_or_default();
    if shares_principals(world, account, portfolio)
        && let Some(p) = world.sc.portfolios.get(portfolio)
    {
        out.extend(
            p.principals
                .iter()
                .filter(|x| matches!(x, PortfolioPrincipal::IamPattern { .. }))
                .cloned(),
        );
    }
    out
}

/// SC-39: whether the owner's IAM_PATTERN associations apply in `account`'s import: it holds the
/// portfolio through AWS_ORGANIZATIONS and a covering node share has SharePrincipals.
pub(super) fn shares_principals(world: &World, account: &Name, portfolio: &Name) -> bool {
    let Some(import) = world.sc.imports.get(&(account.clone(), portfolio.clone())) else {
        return false;
    };
    if !import
        .share_types
        .contains(&PortfolioShareType::AwsOrganizations)
    {
        return false;
    }
    world.sc.portfolios.get(portfolio).is_some_and(|p| {
        p.shares
            .iter()
            .any(|(t, s)| s.share_principals && covers(world, &p.owner, t, s, account))
    })
}

fn token(world: &mut World, portfolio: &Name) -> Response {
    Response::ShareToken {
        token: world.ids.fresh("share-", portfolio, 13),
        status: "COMPLETED".to_owned(),
    }
}

/// Stage 3 and 4 of a node-share call: the caller is Mgmt or an SC DA (SC-21) and, for
/// creation, SC Organizations access is enabled (SC-32).
fn check_node_caller(world: &World, ctx: &Ctx, rule: RuleId) -> Result<(), ApiError> {
    if !is_org_admin(world, &ctx.account) {
        return Err(reject(
            Exception::OperationNotSupportedException,
            rule,
            "organization node shares need the management account or a delegated administrator",
        ));
    }
    Ok(())
}

/// SC-20 (SC-13, SC-21, SC-36, SC-37, SC-38, SC-39, A-09, A-24, A-29, Q-06).
pub(super) fn create_share(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    target: &ShareTarget,
    share_tag_options: bool,
    share_principals: bool,
) -> Result<Response, ApiError> {
    let (p, access) = super::visible_portfolio(world, ctx, portfolio, "SC-20")?;
    // FAULT ZOO: an importer may share the imported portfolio onward.
    if access == Access::Imported && !world.faulty(crate::fault::Fault::ReshareImported) {
        return Err(invalid(
            "SC-13",
            format!("portfolio {portfolio} is imported and cannot be shared"),
        ));
    }
    match target {
        ShareTarget::Account(a) | ShareTarget::OrganizationMemberAccount(a)
            if a == &ctx.account =>
        {
            return Err(invalid(
                "A-29",
                "a portfolio cannot be shared with its own account",
            ));
        }
        ShareTarget::Account(a) if !world.has_account(a) => {
            return Err(invalid("SC-18", format!("account {a} does not exist")));
        }
        _ => {}
    }
    if p.products.values().any(|a| a.source.is_some()) {
        return Err(invalid(
            "SC-13",
            format!("portfolio {portfolio} contains a shared product and cannot be shared"),
        ));
    }
    let node = is_node(target);
    let organization = if node {
        check_node_caller(world, ctx, "SC-21")?;
        let org_name = world.org.org_of(&ctx.account).cloned();
        let enabled = world
            .org
            .organization_of(&ctx.account)
            .is_some_and(|o| o.sc_access);
        if !enabled {
            return Err(reject(
                Exception::InvalidStateException,
                "SC-32",
                "AWS Organizations access is not enabled for Service Catalog",
            ));
        }
        let in_org = match target {
            ShareTarget::Organization(o) => Some(o) == org_name.as_ref(),
            ShareTarget::OrganizationalUnit(ou) => world.org.org_of_ou(ou) == org_name.as_ref(),
            ShareTarget::OrganizationMemberAccount(a) => world.org.org_of(a) == org_name.as_ref(),
            ShareTarget::Account(_) => false,
        };
        if !in_org {
            return Err(invalid(
                "SC-20",
                "the organization node is not in the caller's organization",
            ));
        }
        org_name
    } else {
        None
    };
    if share_principals && !node {
        return Err(invalid(
            "A-09",
            "SharePrincipals applies to organization node shares only",
        ));
    }
    if p.shares.contains_key(target) {
        ctx.hit("SC-20");
        return Ok(if node {
            token(world, portfolio)
        } else {
            Response::Empty
        });
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
    if p.products.is_empty() {
        ctx.hit("A-24");
    }
    if share_tag_options {
        ctx.hit("SC-38");
    }
    if node {
        ctx.hit("SC-36");
        if share_principals {
            ctx.hit("SC-39");
            ctx.hit("A-09");
        }
    }
    if let Some(p) = world.sc.portfolios.get_mut(portfolio) {
        p.shares.insert(
            target.clone(),
            PortfolioShare {
                accepted: node,
                share_tag_options,
                share_principals,
                organization,
                frozen: None,
                grandfathered: BTreeSet::new(),
            },
        );
    }
    if !node {
        return Ok(Response::Empty);
    }
    world.sc.node_shared.insert(portfolio.clone());
    reconcile_portfolio(world, ctx, portfolio, &["SC-25"]);
    Ok(token(world, portfolio))
}

/// The share a SC-25/SC-26 call names, with the stage 2 and 3 checks.
fn owned_share<'w>(
    world: &'w World,
    ctx: &mut Ctx,
    portfolio: &Name,
    target: &ShareTarget,
    rule: RuleId,
) -> Result<&'w PortfolioShare, ApiError> {
    let (p, access) = super::visible_portfolio(world, ctx, portfolio, rule)?;
    let Some(share) = p.shares.get(target) else {
        return Err(reject(
            Exception::ResourceNotFoundException,
            rule,
            format!("portfolio {portfolio} has no such share"),
        ));
    };
    if access == Access::Imported {
        return Err(invalid(
            rule,
            format!("the shares of portfolio {portfolio} belong to its owner"),
        ));
    }
    if is_node(target) {
        check_node_caller(world, ctx, "SC-21")?;
    }
    Ok(share)
}

/// SC-26: changes the flags of an existing share; SharePrincipals only on node shares.
pub(super) fn update_share(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    target: &ShareTarget,
    share_tag_options: Option<bool>,
    share_principals: Option<bool>,
) -> Result<Response, ApiError> {
    if share_principals == Some(true) && !is_node(target) {
        return Err(invalid(
            "A-09",
            "SharePrincipals applies to organization node shares only",
        ));
    }
    owned_share(world, ctx, portfolio, target, "SC-26")?;
    ctx.hit("SC-26");
    if share_tag_options.is_some() {
        ctx.hit("SC-38");
    }
    if share_principals.is_some() {
        ctx.hit("SC-39");
    }
    if let Some(share) = world
        .sc
        .portfolios
        .get_mut(portfolio)
        .and_then(|p| p.shares.get_mut(target))
    {
        if let Some(v) = share_tag_options {
            share.share_tag_options = v;
        }
        if let Some(v) = share_principals {
            share.share_principals = v;
        }
    }
    Ok(if is_node(target) {
        token(world, portfolio)
    } else {
        Response::Empty
    })
}

/// SC-25 (A-01, A-02, A-25, SC-08): removes a share; each recipient that loses its last way to
/// the portfolio loses the import and what it built on it.
pub(super) fn delete_share(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    target: &ShareTarget,
) -> Result<Response, ApiError> {
    let share = owned_share(world, ctx, portfolio, target, "SC-25")?;
    let was_accepted = share.accepted;
    ctx.hit("SC-25");
    let remaining_nodes = world.sc.portfolios.get_mut(portfolio).map(|p| {
        p.shares.remove(target);
        p.shares.keys().any(is_node)
    });
    match target {
        ShareTarget::Account(recipient) => {
            if was_accepted {
                drop_share_type(
                    world,
                    ctx,
                    recipient,
                    portfolio,
                    PortfolioShareType::Imported,
                );
            }
            Ok(Response::Empty)
        }
        _ => {
            if remaining_nodes != Some(true) {
                world.sc.node_shared.remove(portfolio);
            }
            reconcile_portfolio(world, ctx, portfolio, &["SC-25"]);
            Ok(token(world, portfolio))
        }
    }
}

/// The portfolio named by a recipient's accept or reject, in the call's Region.
fn shared_portfolio<'w>(
    world: &'w World,
    ctx: &mut Ctx,
    portfolio: &Name,
    share_type: PortfolioShareType,
    rule: RuleId,
) -> Result<&'w super::Portfolio, ApiError> {
    if share_type == PortfolioShareType::AwsServicecatalog {
        return Err(reject(
            Exception::ResourceNotFoundException,
            rule,
            "AWS_SERVICECATALOG shares are deprecated: Portfolio not found",
        ));
    }
    world
        .sc
        .portfolios
        .get(portfolio)
        .filter(|p| super::in_region(ctx, &p.region))
        .ok_or_else(|| not_found("portfolio", portfolio, rule))
}

fn portfolio_not_found(portfolio: &Name, share_type: PortfolioShareType, rule: RuleId) -> ApiError {
    reject(
        Exception::ResourceNotFoundException,
        rule,
        format!("Portfolio not found: no {share_type} share of {portfolio} to the caller"),
    )
}

/// SC-23, A-03: IMPORTED accepts an account share; AWS_ORGANIZATIONS takes back an org-received
/// portfolio the caller rejected. Accepting again is a successful no-op.
pub(super) fn accept_share(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    share_type: PortfolioShareType,
) -> Result<Response, ApiError> {
    let p = shared_portfolio(world, ctx, portfolio, share_type, "SC-23")?;
    let me = ctx.account.clone();
    let has = world
        .sc
        .imports
        .get(&(me.clone(), portfolio.clone()))
        .is_some_and(|i| i.share_types.contains(&share_type));
    match share_type {
        PortfolioShareType::Imported => {
            if !p.shares.contains_key(&ShareTarget::Account(me.clone())) {
                return Err(portfolio_not_found(portfolio, share_type, "SC-23"));
            }
            ctx.hit("SC-23");
            ctx.hit("SC-18");
            ctx.hit("SC-19");
            if has {
                ctx.hit("A-03");
                return Ok(Response::Empty);
            }
            if let Some(share) = world
                .sc
                .portfolios
                .get_mut(portfolio)
                .and_then(|p| p.shares.get_mut(&ShareTarget::Account(me.clone())))
            {
                share.accepted = true;
            }
        }
        _ => {
            if !covered(world, portfolio, &me) {
                return Err(portfolio_not_found(portfolio, share_type, "SC-23"));
            }
            ctx.hit("SC-23");
            ctx.hit("SC-22");
            if has {
                ctx.hit("A-03");
                return Ok(Response::Empty);
            }
            ctx.hit("A-10");
            world
                .sc
                .org_rejected
                .remove(&(portfolio.clone(), me.clone()));
        }
    }
    add_share_type(world, &me, portfolio, share_type);
    Ok(Response::Empty)
}

/// SC-24, A-10: the recipient drops a (pending or accepted) share for its own account; the
/// owner's share stays and can be accepted again.
pub(super) fn reject_share(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    share_type: PortfolioShareType,
) -> Result<Response, ApiError> {
    let p = shared_portfolio(world, ctx, portfolio, share_type, "SC-24")?;
    let me = ctx.account.clone();
    match share_type {
        PortfolioShareType::Imported => {
            if !p.shares.contains_key(&ShareTarget::Account(me.clone())) {
                return Err(portfolio_not_found(portfolio, share_type, "SC-24"));
            }
            ctx.hit("SC-24");
            ctx.hit("A-10");
            if let Some(share) = world
                .sc
                .portfolios
                .get_mut(portfolio)
                .and_then(|p| p.shares.get_mut(&ShareTarget::Account(me.clone())))
            {
                share.accepted = false;
            }
        }
        _ => {
            if !covered(world, portfolio, &me) {
                return Err(portfolio_not_found(portfolio, share_type, "SC-24"));
            }
            ctx.hit("SC-24");
            ctx.hit("A-10");
            world
                .sc
                .org_rejected
                .insert((portfolio.clone(), me.clone()));
        }
    }
    drop_share_type(world, ctx, &me, portfolio, share_type);
    Ok(Response::Empty)
}

/// The caller's organization for the SC-31/SC-32 calls: it must be in one (else
/// ResourceNotFoundException) and be its management account (else
/// OperationNotSupportedException; a delegated administrator is not enough).
fn management_org(world: &World, ctx: &Ctx, rule: RuleId) -> Result<Name, ApiError> {
    let Some(org) = world.org.org_of(&ctx.account).cloned() else {
        return Err(reject(
            Exception::ResourceNotFoundException,
            rule,
            "the caller is not in an organization",
        ));
    };
    if !world.org.is_management(&ctx.account) {
        return Err(reject(
            Exception::OperationNotSupportedException,
            rule,
            "only the management account can change AWS Organizations access",
        ));
    }
    Ok(org)
}

/// SC-31: turns on Organizations access (and trusted access for Service Catalog, ORG-09); node
/// shares frozen while it was off follow the tree again (SC-33, A-16).
pub(super) fn enable_org_access(world: &mut World, ctx: &mut Ctx) -> Result<Response, ApiError> {
    let org = management_org(world, ctx, "SC-31")?;
    ctx.hit("SC-31");
    if let Some(o) = world.org.orgs.get_mut(&org) {
        o.sc_access = true;
        o.trusted.insert(Service::ServiceCatalog);
    }
    on_org_change(world, ctx);
    Ok(Response::Empty)
}

/// SC-32: turns Organizations access off, refused while an SC delegated administrator is
/// registered; node shares are kept with their coverage frozen (SC-33).
pub(super) fn disable_org_access(world: &mut World, ctx: &mut Ctx) -> Result<Response, ApiError> {
    let org = management_org(world, ctx, "SC-32")?;
    let has_da = world.org.orgs.get(&org).is_some_and(|o| {
        o.delegated
            .get(&Service::ServiceCatalog)
            .is_some_and(|set| !set.is_empty())
    });
    if has_da {
        return Err(reject(
            Exception::InvalidStateException,
            "SC-32",
            "a Service Catalog delegated administrator is still registered",
        ));
    }
    ctx.hit("SC-32");
    if let Some(o) = world.org.orgs.get_mut(&org) {
        o.sc_access = false;
        o.trusted.remove(&Service::ServiceCatalog);
    }
    on_org_change(world, ctx);
    Ok(Response::Empty)
}

/// SC-31: the Organizations access status, for the management account or a delegated
/// administrator.
pub(super) fn org_access_status(world: &mut World, ctx: &mut Ctx) -> Result<Response, ApiError> {
    let Some(org) = world.org.organization_of(&ctx.account) else {
        return Err(reject(
            Exception::ResourceNotFoundException,
            "SC-31",
            "the caller is not in an organization",
        ));
    };
    let enabled = org.sc_access;
    check_node_caller(world, ctx, "SC-31")?;
    ctx.hit("SC-31");
    Ok(Response::AccessStatus {
        status: if enabled { "ENABLED" } else { "DISABLED" }.to_owned(),
    })
}

/// SC-29: the caller's imports of the given type in the Region.
pub(super) fn list_accepted(
    world: &mut World,
    ctx: &mut Ctx,
    share_type: PortfolioShareType,
) -> Result<Response, ApiError> {
    ctx.hit("SC-29");
    let me = &ctx.account;
    let out = world
        .sc
        .imports
        .range((me.clone(), Name::empty())..)
        .take_while(|((a, _), _)| a == me)
        .filter(|(_, i)| i.share_types.contains(&share_type))
        .filter_map(|((_, pname), _)| {
            world
                .sc
                .portfolios
                .get(pname)
                .filter(|p| p.region == ctx.region)
                .map(|p| PortfolioSummary {
                    name: pname.clone(),
                    owner: p.owner.clone(),
                    id: p.id.clone(),
                })
        })
        .collect();
    Ok(Response::Portfolios(out))
}

/// The owner's view of one share.
pub(super) fn share_view(target: &ShareTarget, s: &PortfolioShare) -> PortfolioShareView {
    PortfolioShareView {
        target: target.clone(),
        accepted: s.accepted,
        share_tag_options: s.share_tag_options,
        share_principals: s.share_principals,
    }
}

fn owner_portfolio<'w>(
    world: &'w World,
    ctx: &mut Ctx,
    portfolio: &Name,
    rule: RuleId,
) -> Result<&'w super::Portfolio, ApiError> {
    match super::visible_portfolio(world, ctx, portfolio, rule)? {
        (p, Access::Owner) => Ok(p),
        (_, Access::Imported) => Err(not_found("portfolio", portfolio, rule)),
    }
}

/// SC-27: the owner's shares of one type.
pub(super) fn describe_shares(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
    share_type: DescribeShareType,
) -> Result<Response, ApiError> {
    let p = owner_portfolio(world, ctx, portfolio, "SC-27")?;
    ctx.hit("SC-27");
    let out = p
        .shares
        .iter()
        .filter(|(t, _)| {
            matches!(
                (t, share_type),
                (ShareTarget::Account(_), DescribeShareType::Account)
                    | (
                        ShareTarget::Organization(_),
                        DescribeShareType::Organization
                    )
                    | (
                        ShareTarget::OrganizationalUnit(_),
                        DescribeShareType::OrganizationalUnit
                    )
                    | (
                        ShareTarget::OrganizationMemberAccount(_),
                        DescribeShareType::OrganizationMemberAccount
                    )
            )
        })
        .map(|(t, s)| share_view(t, s))
        .collect();
    Ok(Response::PortfolioShares(out))
}

/// SC-30: the accounts that have the portfolio imported (accepted account shares and
/// node-share coverage, INV-03).
pub(super) fn list_access(
    world: &mut World,
    ctx: &mut Ctx,
    portfolio: &Name,
) -> Result<Response, ApiError> {
    owner_portfolio(world, ctx, portfolio, "SC-30")?;
    ctx.hit("SC-30");
    Ok(Response::AccountIds(
        world
            .sc
            .importers
            .get(portfolio)
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
    ))
}

/// Called after every change to an organization tree, trusted access, Service Catalog
/// Organizations access or delegated administrators: applies the consequences (SC-21, SC-22,
/// SC-33, SC-34, SC-35, A-15, A-16, A-33).
pub(crate) fn on_org_change(world: &mut World, ctx: &mut Ctx) {
    let shared: Vec<Name> = world.sc.node_shared.iter().cloned().collect();
    for pname in shared {
        let Some(p) = world.sc.portfolios.get(&pname) else {
            continue;
        };
        // SC-21, SC-34, A-33: node shares exist only while their sharer is the management
        // account or a delegated administrator of the node's organization.
        let admin_org = if is_org_admin(world, &p.owner) {
            world.org.org_of(&p.owner).cloned()
        } else {
            None
        };
        let mut removed = Vec::new();
        let mut freeze = Vec::new();
        let mut thaw = Vec::new();
        let mut rejoined = Vec::new();
        for (t, s) in p.shares.iter().filter(|(t, _)| is_node(t)) {
            if s.organization.is_none() || s.organization != admin_org {
                removed.push(t.clone());
                continue;
            }
            let org = s.organization.as_ref().and_then(|o| world.org.orgs.get(o));
            let enabled = org.is_some_and(|o| o.sc_access);
            match (&s.frozen, enabled) {
                (None, false) => freeze.push((t.clone(), coverage(world, &p.owner, t, s))),
                (Some(frozen), true) => {
                    let left: BTreeSet<Name> = frozen
                        .iter()
                        .filter(|a| org.is_none_or(|o| !o.accounts.contains_key(*a)))
                        .cloned()
                        .collect();
                    thaw.push((t.clone(), left));
                }
                (Some(_), false) => ctx.hit("SC-33"),
                (None, true) => {
                    // A grandfathered account (SC-33, A-16) that is a member again follows the
                    // tree from now on: if it leaves again while access is enabled, it loses
                    // the share like any member (SC-35) `[MODEL]`.
                    let back: Vec<Name> = s
                        .grandfathered
                        .iter()
                        .filter(|a| org.is_some_and(|o| o.accounts.contains_key(*a)))
                        .cloned()
                        .collect();
                    if !back.is_empty() {
                        rejoined.push((t.clone(), back));
                    }
                }
            }
        }
        if !removed.is_empty() {
            ctx.hit("SC-21");
            ctx.hit("SC-34");
            ctx.hit("A-33");
        }
        if !freeze.is_empty() {
            ctx.hit("SC-33");
        }
        let Some(p) = world.sc.portfolios.get_mut(&pname) else {
            continue;
        };
        for t in &removed {
            p.shares.remove(t);
        }
        for (t, set) in freeze {
            if let Some(s) = p.shares.get_mut(&t) {
                s.frozen = Some(set);
            }
        }
        for (t, back) in rejoined {
            if let Some(s) = p.shares.get_mut(&t) {
                for a in &back {
                    s.grandfathered.remove(a);
                }
            }
        }
        let thawed = !thaw.is_empty();
        for (t, left) in thaw {
            if let Some(s) = p.shares.get_mut(&t) {
                if !left.is_empty() {
                    ctx.hit("A-16");
                }
                s.frozen = None;
                s.grandfathered.extend(left);
            }
        }
        if !p.shares.keys().any(is_node) {
            world.sc.node_shared.remove(&pname);
        }
        if thawed {
            // Re-enabling access syncs the node shares with the tree anew: every covered
            // account gets the portfolio again, earlier AWS_ORGANIZATIONS rejections included
            // (SC-22, SC-24) `[MODEL]`.
            for b in rejected_of(world, &pname) {
                world.sc.org_rejected.remove(&(pname.clone(), b));
            }
        }
        let loss: &[RuleId] = if removed.is_empty() {
            &["SC-35", "A-15"]
        } else {
            &["SC-34", "SC-35", "A-15"]
        };
        reconcile_portfolio(world, ctx, &pname, loss);
    }
}
