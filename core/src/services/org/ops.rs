//! The Organizations operations (ORG-01 to ORG-12, Q-10, Q-18).
//!
//! Check order `[MODEL]`: RULES.md §0.4 puts existence (stage 2) before role (stage 3). For
//! Organizations the objects looked up (the tree, its OUs and members) are visible only to the
//! management account, so every management-only call first requires the caller to be in an
//! organization (ORG-08, AWSOrganizationsNotInUseException) and to be its management account
//! (AccessDeniedException), and only then looks up the OUs and accounts it names. A member account
//! therefore always sees AccessDeniedException, whatever it names, as in AWS.
//!
//! After every successful change of a tree, of trusted access or of delegated administrators, the
//! Service Catalog and RAM reconciliation hooks run, so that access obtained through organization
//! nodes follows the tree (ORG-11, SC-35, RAM-24).

use super::{OrgState, Organization};
use crate::error::{ApiError, Exception, RuleId, reject};
use crate::name::Name;
use crate::op::{FeatureSet, Op, Parent, Service};
use crate::response::Response;
use crate::world::{Ctx, World};
use std::collections::{BTreeMap, BTreeSet};

/// Applies an Organizations call. Organizations is global: the call's Region is ignored.
pub(crate) fn apply(world: &mut World, ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    let response = match op {
        Op::CreateOrganization {
            organization,
            feature_set,
        } => create_organization(
            world,
            ctx,
            organization,
            feature_set.unwrap_or(FeatureSet::All),
        ),
        Op::InviteAccountToOrganization { account } => invite_account(world, ctx, account),
        Op::CreateOrganizationalUnit { ou, parent } => create_ou(world, ctx, ou, parent),
        Op::DeleteOrganizationalUnit { ou } => delete_ou(world, ctx, ou),
        Op::MoveAccount {
            account,
            source,
            destination,
        } => move_account(world, ctx, account, source, destination),
        Op::RemoveAccountFromOrganization { account } => remove_account(world, ctx, account),
        Op::LeaveOrganization => leave_organization(world, ctx),
        Op::DeleteOrganization => delete_organization(world, ctx),
        Op::EnableAWSServiceAccess { service } => set_service_access(world, ctx, *service, true),
        Op::DisableAWSServiceAccess { service } => set_service_access(world, ctx, *service, false),
        Op::RegisterDelegatedAdministrator { account, service } => {
            register_delegated_admin(world, ctx, account, *service)
        }
        Op::DeregisterDelegatedAdministrator { account, service } => {
            deregister_delegated_admin(world, ctx, account, *service)
        }
        other => return Err(crate::services::not_modelled(other)),
    }?;
    // Every operation above that returns successfully changed the tree, trusted access or the
    // delegated administrators (idempotent no-ops included, for which the hooks do nothing).
    crate::services::sc::on_org_change(world, ctx);
    crate::services::ram::on_org_change(world, ctx);
    Ok(response)
}

/// ORG-08 then the management check: the name of the caller's organization, if the caller is
/// its management account. `rule` is the rule of the operation, recorded on AccessDenied.
fn managed_org(world: &World, ctx: &Ctx, rule: RuleId) -> Result<Name, ApiError> {
    let Some(org_name) = world.org.org_of(&ctx.account) else {
        return Err(not_in_use(&ctx.account));
    };
    if !world.org.is_management(&ctx.account) {
        return Err(reject(
            Exception::AccessDeniedException,
            rule,
            format!(
                "account {} is not the management account of organization {org_name}",
                ctx.account
            ),
        ));
    }
    Ok(org_name.clone())
}

fn not_in_use(account: &Name) -> ApiError {
    reject(
        Exception::AWSOrganizationsNotInUseException,
        "ORG-08",
        format!("account {account} is not a member of an organization"),
    )
}

/// The organization record of a name returned by [`managed_org`]. It exists by construction;
/// the error only keeps library code free of panics.
fn org_mut<'a>(state: &'a mut OrgState, org: &Name) -> Result<&'a mut Organization, ApiError> {
    state.orgs.get_mut(org).ok_or_else(|| {
        reject(
            Exception::AWSOrganizationsNotInUseException,
            "ORG-08",
            "no organization",
        )
    })
}

fn org_ref<'a>(state: &'a OrgState, org: &Name) -> Result<&'a Organization, ApiError> {
    state.orgs.get(org).ok_or_else(|| {
        reject(
            Exception::AWSOrganizationsNotInUseException,
            "ORG-08",
            "no organization",
        )
    })
}

/// Whether `parent` exists in the organization (the root always does).
fn parent_exists(org: &Organization, parent: &Parent) -> bool {
    match parent {
        Parent::Root => true,
        Parent::Ou(ou) => org.ous.contains_key(ou),
    }
}

/// The number of OU levels from the root down to `parent` (0 for the root). Bounded by the number
/// of OUs, which also guards against a cycle the operations never create.
fn depth_of(org: &Organization, parent: &Parent) -> u64 {
    let mut depth = 0;
    let mut at = parent;
    for _ in 0..=org.ous.len() {
        match at {
            Parent::Root => return depth,
            Parent::Ou(ou) => match org.ous.get(ou) {
                Some((_, up)) => {
                    depth += 1;
                    at = up;
                }
                None => return depth,
            },
        }
    }
    depth
}

/// The organization's ARN prefix pieces: the management account id and the organization id.
fn arn_parts(world: &World, org: &Organization) -> (String, String) {
    (world.acct(&org.management), org.id.clone())
}

/// ORG-01: the caller, a standalone account, becomes the management account of a new
/// organization with one root (ORG-02).
fn create_organization(
    world: &mut World,
    ctx: &mut Ctx,
    organization: &Name,
    feature_set: FeatureSet,
) -> Result<Response, ApiError> {
    if let Some(current) = world.org.org_of(&ctx.account) {
        return Err(reject(
            Exception::AlreadyInOrganizationException,
            "ORG-01",
            format!(
                "account {} is already in organization {current}",
                ctx.account
            ),
        ));
    }
    // Organization names are the scenario's symbolic names and must be unique `[MODEL]`.
    if world.org.orgs.contains_key(organization) {
        return Err(reject(
            Exception::InvalidInputException,
            "ORG-01",
            format!("an organization named {organization} already exists"),
        ));
    }
    let id = world.ids.fresh("o-", organization, 10);
    let root_id = world.ids.fresh("r-", organization, 4);
    let org = Organization {
        id: id.clone(),
        root_id,
        management: ctx.account.clone(),
        feature_set,
        ous: BTreeMap::new(),
        accounts: BTreeMap::from([(ctx.account.clone(), Parent::Root)]),
        trusted: BTreeSet::new(),
        delegated: BTreeMap::new(),
        ram_sharing: false,
        sc_access: false,
    };
    let arn = format!(
        "arn:aws:organizations::{}:organization/{id}",
        world.acct(&ctx.account)
    );
    world.org.orgs.insert(organization.clone(), org);
    ctx.hit("ORG-01");
    ctx.hit("ORG-02");
    Ok(Response::Created { id, arn })
}

/// ORG-02: the management account adds a standalone account under the root. The invitation
/// handshake is collapsed into this one call: the account joins at once `[MODEL]` (Q-19 does not
/// apply). The response carries the handshake id `h-…`.
fn invite_account(world: &mut World, ctx: &mut Ctx, account: &Name) -> Result<Response, ApiError> {
    let org_name = managed_org(world, ctx, "ORG-02")?;
    if !world.has_account(account) {
        return Err(reject(
            Exception::AccountNotFoundException,
            "ORG-02",
            format!("no account named {account}"),
        ));
    }
    // ORG-01: an account belongs to at most one organization. Inviting a member of this or of
    // another organization (the management account itself included) is refused with
    // AlreadyInOrganizationException `[MODEL]` (AWS reports it through the handshake as
    // HandshakeConstraintViolation ALREADY_IN_AN_ORGANIZATION, which the collapsed handshake
    // cannot carry).
    if let Some(current) = world.org.org_of(account) {
        return Err(reject(
            Exception::AlreadyInOrganizationException,
            "ORG-01",
            format!("account {account} is already in organization {current}"),
        ));
    }
    let handshake = world.ids.fresh("h-", account, 10);
    let org = org_mut(&mut world.org, &org_name)?;
    org.accounts.insert(account.clone(), Parent::Root);
    let (mgmt, org_id) = (org.management.clone(), org.id.clone());
    let arn = format!(
        "arn:aws:organizations::{}:handshake/{org_id}/invite/{handshake}",
        world.acct(&mgmt)
    );
    ctx.hit("ORG-01");
    ctx.hit("ORG-02");
    Ok(Response::Created { id: handshake, arn })
}

/// ORG-03, Q-18: a new empty OU under the root or an OU.
fn create_ou(
    world: &mut World,
    ctx: &mut Ctx,
    ou: &Name,
    parent: &Parent,
) -> Result<Response, ApiError> {
    let org_name = managed_org(world, ctx, "ORG-03")?;
    let org = org_ref(&world.org, &org_name)?;
    if !parent_exists(org, parent) {
        return Err(reject(
            Exception::ParentNotFoundException,
            "ORG-03",
            format!("parent not found: {parent}"),
        ));
    }
    // OU names are the scenario's symbolic names, global across organizations: AWS requires
    // uniqueness among siblings only, the model requires it everywhere `[MODEL]`, so that an OU
    // name identifies one OU (Node::Ou, ShareTarget, RamPrincipal name OUs by name).
    if world.org.org_of_ou(ou).is_some() {
        return Err(reject(
            Exception::DuplicateOrganizationalUnitException,
            "ORG-03",
            format!("an OU named {ou} already exists"),
        ));
    }
    let quotas = &world.config.quotas;
    if depth_of(org, parent) + 1 > quotas.ou_depth {
        ctx.hit("ORG-03");
        return Err(reject(
            Exception::ConstraintViolationException,
            "Q-18",
            format!(
                "OU_DEPTH_LIMIT_EXCEEDED: at most {} OU levels",
                quotas.ou_depth
            ),
        ));
    }
    if org.ous.len() as u64 >= quotas.ous_per_organization {
        ctx.hit("ORG-03");
        return Err(reject(
            Exception::ConstraintViolationException,
            "Q-18",
            format!(
                "OU_NUMBER_LIMIT_EXCEEDED: at most {} OUs",
                quotas.ous_per_organization
            ),
        ));
    }
    let suffix = org.root_id.trim_start_matches("r-").to_owned();
    let id = world.ids.fresh(&format!("ou-{suffix}-"), ou, 8);
    let (mgmt, org_id) = arn_parts(world, org);
    let arn = format!("arn:aws:organizations::{mgmt}:ou/{org_id}/{id}");
    org_mut(&mut world.org, &org_name)?
        .ous
        .insert(ou.clone(), (id.clone(), parent.clone()));
    ctx.hit("ORG-03");
    Ok(Response::Created { id, arn })
}

/// ORG-04: deletes an OU with no accounts and no child OUs.
fn delete_ou(world: &mut World, ctx: &mut Ctx, ou: &Name) -> Result<Response, ApiError> {
    let org_name = managed_org(world, ctx, "ORG-04")?;
    let org = org_mut(&mut world.org, &org_name)?;
    if !org.ous.contains_key(ou) {
        return Err(reject(
            Exception::OrganizationalUnitNotFoundException,
            "ORG-04",
            format!("OU {ou} not found"),
        ));
    }
    let here = Parent::Ou(ou.clone());
    if org.accounts.values().any(|p| *p == here) || org.ous.values().any(|(_, p)| *p == here) {
        return Err(reject(
            Exception::OrganizationalUnitNotEmptyException,
            "ORG-04",
            format!("OU {ou} still has accounts or child OUs"),
        ));
    }
    org.ous.remove(ou);
    ctx.hit("ORG-04");
    Ok(Response::Empty)
}

/// ORG-05: moves a member account to another parent; node membership (ORG-11) follows at once.
fn move_account(
    world: &mut World,
    ctx: &mut Ctx,
    account: &Name,
    source: &Parent,
    destination: &Parent,
) -> Result<Response, ApiError> {
    let org_name = managed_org(world, ctx, "ORG-05")?;
    let org = org_mut(&mut world.org, &org_name)?;
    let Some(current) = org.accounts.get(account).cloned() else {
        return Err(reject(
            Exception::AccountNotFoundException,
            "ORG-05",
            format!("account {account} is not a member of organization {org_name}"),
        ));
    };
    if !parent_exists(org, source) {
        return Err(reject(
            Exception::SourceParentNotFoundException,
            "ORG-05",
            format!("source parent not found: {source}"),
        ));
    }
    if !parent_exists(org, destination) {
        return Err(reject(
            Exception::DestinationParentNotFoundException,
            "ORG-05",
            format!("destination parent not found: {destination}"),
        ));
    }
    // A source that exists but is not the account's parent is reported as not found `[MODEL]`.
    if *source != current {
        return Err(reject(
            Exception::SourceParentNotFoundException,
            "ORG-05",
            format!("account {account} is not under {source}"),
        ));
    }
    if *destination == current {
        return Err(reject(
            Exception::DuplicateAccountException,
            "ORG-05",
            format!("account {account} is already under {destination}"),
        ));
    }
    org.accounts.insert(account.clone(), destination.clone());
    ctx.hit("ORG-05");
    ctx.hit("ORG-11");
    Ok(Response::Empty)
}

/// ORG-06: the checks shared by RemoveAccountFromOrganization and LeaveOrganization, then the
/// removal. The account becomes standalone and loses every node membership (ORG-11).
fn detach(
    world: &mut World,
    ctx: &mut Ctx,
    org_name: &Name,
    account: &Name,
) -> Result<(), ApiError> {
    let org = org_mut(&mut world.org, org_name)?;
    if !org.accounts.contains_key(account) {
        return Err(reject(
            Exception::AccountNotFoundException,
            "ORG-06",
            format!("account {account} is not a member of organization {org_name}"),
        ));
    }
    if org.management == *account {
        return Err(reject(
            Exception::MasterCannotLeaveOrganizationException,
            "ORG-06",
            format!("account {account} is the management account"),
        ));
    }
    if org.delegated.values().any(|set| set.contains(account)) {
        return Err(reject(
            Exception::ConstraintViolationException,
            "ORG-06",
            format!(
                "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG: account {account} is a delegated administrator"
            ),
        ));
    }
    org.accounts.remove(account);
    ctx.hit("ORG-06");
    ctx.hit("ORG-11");
    Ok(())
}

/// ORG-06, by the management account.
fn remove_account(world: &mut World, ctx: &mut Ctx, account: &Name) -> Result<Response, ApiError> {
    let org_name = managed_org(world, ctx, "ORG-06")?;
    detach(world, ctx, &org_name, account)?;
    Ok(Response::Empty)
}

/// ORG-06, by the member itself.
fn leave_organization(world: &mut World, ctx: &mut Ctx) -> Result<Response, ApiError> {
    let Some(org_name) = world.org.org_of(&ctx.account).cloned() else {
        return Err(not_in_use(&ctx.account));
    };
    let account = ctx.account.clone();
    detach(world, ctx, &org_name, &account)?;
    Ok(Response::Empty)
}

/// ORG-07: deletes an organization that has no member accounts left besides the management
/// account. Its OUs, trusted access and delegated administrators go with it.
fn delete_organization(world: &mut World, ctx: &mut Ctx) -> Result<Response, ApiError> {
    let org_name = managed_org(world, ctx, "ORG-07")?;
    let org = org_ref(&world.org, &org_name)?;
    if org.accounts.keys().any(|a| *a != org.management) {
        return Err(reject(
            Exception::OrganizationNotEmptyException,
            "ORG-07",
            format!("organization {org_name} still has member accounts"),
        ));
    }
    world.org.orgs.remove(&org_name);
    ctx.hit("ORG-07");
    Ok(Response::Empty)
}

/// ORG-09: trusted access is a management-only, per-service setting. It needs all features
/// (ConstraintViolationException otherwise `[MODEL]`). Both directions are idempotent.
///
/// Disabling trusted access for RAM also turns off RAM's organization sharing (RAM-26: the RAM
/// hook then removes organization and OU principals). Disabling it for Service Catalog leaves
/// the Service Catalog Organizations access flag to Service Catalog's own operations (SC-31,
/// SC-32), which alone decide the SC-33 freeze `[MODEL]`.
fn set_service_access(
    world: &mut World,
    ctx: &mut Ctx,
    service: Service,
    enable: bool,
) -> Result<Response, ApiError> {
    let org_name = managed_org(world, ctx, "ORG-09")?;
    let org = org_mut(&mut world.org, &org_name)?;
    if org.feature_set != FeatureSet::All {
        return Err(reject(
            Exception::ConstraintViolationException,
            "ORG-09",
            format!("organization {org_name} does not have all features enabled"),
        ));
    }
    if enable {
        org.trusted.insert(service);
    } else {
        org.trusted.remove(&service);
        if service == Service::Ram && org.ram_sharing {
            org.ram_sharing = false;
            ctx.hit("RAM-26");
        }
    }
    ctx.hit("ORG-09");
    Ok(Response::Empty)
}

/// ORG-10, Q-10: registers a member account as delegated administrator for a service.
fn register_delegated_admin(
    world: &mut World,
    ctx: &mut Ctx,
    account: &Name,
    service: Service,
) -> Result<Response, ApiError> {
    let org_name = managed_org(world, ctx, "ORG-10")?;
    let limit = world.config.quotas.delegated_administrators;
    let org = org_mut(&mut world.org, &org_name)?;
    if !org.accounts.contains_key(account) {
        return Err(reject(
            Exception::AccountNotFoundException,
            "ORG-10",
            format!("account {account} is not a member of organization {org_name}"),
        ));
    }
    if org.management == *account {
        return Err(reject(
            Exception::ConstraintViolationException,
            "ORG-10",
            format!(
                "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR: {account} is the management account"
            ),
        ));
    }
    let registered = org.delegated.get(&service);
    if registered.is_some_and(|set| set.contains(account)) {
        return Err(reject(
            Exception::AccountAlreadyRegisteredException,
            "ORG-10",
            format!(
                "account {account} is already registered for {}",
                service.principal()
            ),
        ));
    }
    // Service Catalog needs its own Organizations access (SC-34: EnableAWSOrganizationsAccess
    // must precede registration); other services need trusted access (ORG-10).
    let (enabled, rule) = match service {
        Service::ServiceCatalog => (org.sc_access, "SC-34"),
        Service::Ram | Service::ImageBuilder => (org.trusted.contains(&service), "ORG-10"),
    };
    if !enabled {
        return Err(reject(
            Exception::ConstraintViolationException,
            rule,
            format!(
                "SERVICE_ACCESS_NOT_ENABLED: trusted access for {} is not enabled",
                service.principal()
            ),
        ));
    }
    if registered.map_or(0, |set| set.len() as u64) >= limit {
        ctx.hit("ORG-10");
        return Err(reject(
            Exception::ConstraintViolationException,
            "Q-10",
            format!(
                "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED: at most {limit} for {}",
                service.principal()
            ),
        ));
    }
    org.delegated
        .entry(service)
        .or_default()
        .insert(account.clone());
    ctx.hit("ORG-10");
    if service == Service::ServiceCatalog {
        ctx.hit("SC-34");
    }
    Ok(Response::Empty)
}

/// ORG-12: de-registers a delegated administrator (for Service Catalog, the SC hook then removes
/// the shares it created, SC-34).
fn deregister_delegated_admin(
    world: &mut World,
    ctx: &mut Ctx,
    account: &Name,
    service: Service,
) -> Result<Response, ApiError> {
    let org_name = managed_org(world, ctx, "ORG-12")?;
    let org = org_mut(&mut world.org, &org_name)?;
    if !org.accounts.contains_key(account) {
        return Err(reject(
            Exception::AccountNotFoundException,
            "ORG-12",
            format!("account {account} is not a member of organization {org_name}"),
        ));
    }
    let removed = org
        .delegated
        .get_mut(&service)
        .is_some_and(|set| set.remove(account));
    if !removed {
        return Err(reject(
            Exception::AccountNotRegisteredException,
            "ORG-12",
            format!(
                "account {account} is not registered for {}",
                service.principal()
            ),
        ));
    }
    if org.delegated.get(&service).is_some_and(BTreeSet::is_empty) {
        org.delegated.remove(&service);
    }
    ctx.hit("ORG-12");
    if service == Service::ServiceCatalog {
        ctx.hit("SC-34");
    }
    Ok(Response::Empty)
}
