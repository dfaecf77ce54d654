//! The share lifecycle (RULES.md §2.5.1, §2.5.3, §2.5.5): creation, associations, updates,
//! deletion, promotion of shares created from resource policies, and enabling org sharing.
//!
//! Every mutation that can take access away is made in place, and is taken back (the share is
//! restored from its copy) if a consumer recipe loses access to a resource it depends on (IB-15
//! through `ib::at_risk` and `ib::first_stranded`, A-12): only the dependencies on the
//! resources the share granted before the change are examined.

use super::access::{self, Start};
use super::{
    AssocStatus, CreateParams, PrincipalAssoc, ResourceAssoc, Share, ShareFeatureSet, ShareStatus,
    invitations,
};
use crate::error::{ApiError, Exception, reject};
use crate::name::{Name, Region};
use crate::op::{FeatureSet, RamPrincipal, RamResource, Service};
use crate::response::Response;
use crate::services::ib::{self, IbKey};
use crate::world::{Ctx, World};
use std::collections::{BTreeMap, BTreeSet};

fn unknown(name: &Name) -> ApiError {
    reject(
        Exception::UnknownResourceException,
        "RAM-01",
        format!("resource share {name} could not be found"),
    )
}

/// Whether the share is visible to a consumer account: a STANDARD share that reaches it or
/// invited it (RAM-27).
fn visible_to_consumer(world: &World, share: &Share, name: &Name, account: &Name) -> bool {
    share.feature_set == ShareFeatureSet::Standard
        && share.status == ShareStatus::Active
        && (access::covers_account(world, share, account, None)
            || share
                .principals
                .iter()
                .any(|(q, a)| a.status.is_live() && access::principal_account(q) == Some(account))
            || world
                .ram
                .invitations_of(name)
                .any(|i| &i.receiver == account))
}

/// Stages 2 to 4 for an owner-only call on a share: it exists in the Region (RAM-01), the caller
/// owns it (OperationNotPermittedException for a consumer that sees it), it is not DELETED
/// (RAM-19) and it is STANDARD (RAM-30: CREATED_FROM_POLICY shares cannot be changed in RAM).
fn owned_share<'w>(world: &'w World, ctx: &Ctx, name: &Name) -> Result<&'w Share, ApiError> {
    let share = world
        .ram
        .shares
        .get(name)
        .filter(|s| s.region == ctx.region)
        .ok_or_else(|| unknown(name))?;
    if share.owner != ctx.account {
        if visible_to_consumer(world, share, name, &ctx.account) {
            return Err(reject(
                Exception::OperationNotPermittedException,
                "RAM-16",
                format!("only the owner of {name} can change it"),
            ));
        }
        return Err(unknown(name));
    }
    if share.status == ShareStatus::Deleted {
        return Err(reject(
            Exception::InvalidStateTransitionException,
            "RAM-19",
            format!("resource share {name} is DELETED"),
        ));
    }
    if share.feature_set == ShareFeatureSet::CreatedFromPolicy {
        return Err(reject(
            Exception::OperationNotPermittedException,
            "RAM-30",
            format!(
                "resource share {name} was created from a resource policy and cannot be modified in RAM"
            ),
        ));
    }
    Ok(share)
}

/// What an owner-side change to the share `name` may take away (IB-15): the dependencies of
/// consumer recipes on resources the share grants now, that their owners can use now.
fn at_risk(world: &World, name: &Name) -> Vec<(Name, IbKey)> {
    let keys: BTreeSet<IbKey> = world
        .ram
        .shares
        .get(name)
        .map(|s| {
            s.resources
                .values()
                .filter(|a| a.status == AssocStatus::Associated)
                .filter_map(|a| a.key.clone())
                .collect()
        })
        .unwrap_or_default();
    ib::at_risk(world, &keys)
}

/// IB-15 after a change to the share `name` made in place: if it strands a consumer, puts the
/// share back as it was (`before`) and fails with OperationNotPermittedException; otherwise
/// withdraws the invitations the change orphaned.
fn keep_unless_stranded(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    risk: &[(Name, IbKey)],
    before: Share,
) -> Result<(), ApiError> {
    // FAULT ZOO: the owner may strand a consumer that depends on the resource.
    if let Some((consumer, arn)) = ib::first_stranded(world, risk)
        && !world.faulty(crate::fault::Fault::UnshareWithDependents)
    {
        world.ram.shares.insert(name.clone(), before);
        world.ram.reindex(name);
        ctx.hit("A-12");
        ctx.hit("INV-18");
        return Err(reject(
            Exception::OperationNotPermittedException,
            "IB-15",
            format!("{consumer} depends on {arn}; it must remove its dependencies first"),
        ));
    }
    invitations::drop_orphans_of(world, name);
    Ok(())
}

fn live_count<'a>(statuses: impl Iterator<Item = &'a AssocStatus>) -> u64 {
    statuses.filter(|s| s.is_live()).count() as u64
}

fn limit(rule: crate::error::RuleId, what: &str) -> ApiError {
    reject(
        Exception::ResourceShareLimitExceededException,
        rule,
        format!("{what} quota reached"),
    )
}

/// Adds resources and principals to the share `name` (RAM-03, RAM-16), in the stage order of
/// §0.4. Live associations are kept as they are (re-adding is a no-op); FAILED and DISASSOCIATED
/// ones are tried again.
fn add_entities(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    resources: &[RamResource],
    principals: &[RamPrincipal],
) -> Result<(), ApiError> {
    let Some(share) = world.ram.shares.get(name) else {
        return Err(unknown(name));
    };
    let owner = share.owner.clone();
    let region = share.region.clone();
    let allow_external = share.allow_external_principals;
    // Stage 1: resource ARNs and principal formats; stage 2: principals that do not exist.
    let mut targets: BTreeMap<String, Option<IbKey>> = BTreeMap::new();
    let mut elsewhere: BTreeSet<String> = BTreeSet::new();
    for r in resources {
        let (arn, key) = ib::ram_target(world, &owner, &region, r)?;
        if key.is_none() && ib::owned_in_another_region(world, &owner, &region, r) {
            elsewhere.insert(arn.clone());
        }
        targets.insert(arn, key);
    }
    let principals: BTreeSet<&RamPrincipal> = principals.iter().collect();
    for p in &principals {
        access::validate(world, p)?;
    }
    // Stage 4: organization sharing and membership, and how each principal starts.
    let mut starts = Vec::with_capacity(principals.len());
    for p in principals {
        match share.principals.get(p) {
            Some(a) if a.status.is_live() => continue,
            // a FAILED (rejected, expired) or DISASSOCIATED principal is shared again.
            Some(_) => ctx.hit("A-20"),
            None => {}
        }
        let (start, assoc) = access::classify(world, ctx, &owner, allow_external, p)?;
        starts.push((p.clone(), start, assoc));
    }
    let new_resources: Vec<(String, Option<IbKey>)> = targets
        .into_iter()
        .filter(|(arn, _)| !share.resources.get(arn).is_some_and(|a| a.status.is_live()))
        .collect();
    // Stage 5: quotas.
    let q = &world.config.quotas;
    if resources.len() as u64 > q.resources_per_call {
        return Err(limit("Q-14", "resources per call"));
    }
    let adding_resources = new_resources.iter().filter(|(_, k)| k.is_some()).count() as u64;
    let adding_principals = starts.len() as u64;
    if live_count(share.resources.values().map(|a| &a.status)) + adding_resources
        > q.associations_per_share
        || live_count(share.principals.values().map(|a| &a.status)) + adding_principals
            > q.associations_per_share
    {
        return Err(limit("Q-12", "associations per resource share"));
    }
    let (region_resources, region_principals) = world.ram.index.live_associations(&owner, &region);
    if region_resources + adding_resources > q.associations_per_region
        || region_principals + adding_principals > q.associations_per_region
    {
        return Err(limit("Q-13", "associations per Region"));
    }
    // One invitation per receiver account (RAM-15): count the receivers not yet invited.
    let receivers: BTreeSet<&Name> = starts
        .iter()
        .filter_map(|(_, s, _)| match s {
            Start::Invite(r) => Some(r),
            Start::Associated => None,
        })
        .filter(|r| !invitations::has_pending(world, name, r))
        .collect();
    let invites = receivers.len() as u64;
    // The invitations sent by the owner for its shares in the Region (a share's invitations
    // are sent by its owner, and a share name is reused only by its owner in its Region), as
    // counted by the index (`RamState::check_index` compares the count with the scan).
    let pending = world.ram.index.pending_sent(&owner, &region);
    if invites > 0 && pending + invites > q.pending_invitations {
        return Err(limit("Q-15", "pending invitations"));
    }
    // Effects.
    let Some(share) = world.ram.shares.get_mut(name) else {
        return Err(unknown(name));
    };
    for (arn, key) in new_resources {
        if key
            .as_ref()
            .is_some_and(|k| k.kind == crate::op::IbKind::ContainerRecipe)
        {
            ctx.hit("A-28");
        }
        let status = if key.is_some() {
            AssocStatus::Associated
        } else {
            // RAM-04, IB-04, A-19: not owned by the share owner in this Region; the call
            // succeeds and the association fails.
            ctx.hit("RAM-04");
            ctx.hit("IB-04");
            ctx.hit("A-19");
            if elsewhere.contains(&arn) {
                // IB-06: the owner has it, but in another Region.
                ctx.hit("IB-06");
            }
            AssocStatus::Failed
        };
        share.resources.insert(arn, ResourceAssoc { key, status });
    }
    let mut to_invite = Vec::with_capacity(starts.len());
    for (p, start, assoc) in starts {
        if let Start::Invite(receiver) = start {
            to_invite.push((p.clone(), receiver));
        }
        share.principals.insert(p, assoc);
    }
    for (_, receiver) in to_invite {
        invitations::invite(world, name, &owner, &receiver);
    }
    if let Some(share) = world.ram.shares.get(name) {
        let covered = access::node_coverage(world, share);
        if let Some(share) = world.ram.shares.get_mut(name) {
            share.node_covered = covered;
        }
    }
    world.ram.reindex(name);
    ctx.hit("IB-08");
    Ok(())
}

/// The ARN of a share.
fn share_arn(world: &mut World, owner: &Name, region: &Region, name: &Name) -> String {
    invitations::ram_arn(world, region, owner, "resource-share", name)
}

fn id_of(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or_default().to_owned()
}

/// CreateResourceShare (RAM-03 to RAM-10, RAM-22, RAM-32, Q-11 to Q-15).
pub(crate) fn create(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    params: CreateParams,
) -> Result<Response, ApiError> {
    if let Some(existing) = world.ram.shares.get(name)
        && (existing.status != ShareStatus::Deleted
            || existing.owner != ctx.account
            || existing.region != ctx.region)
    {
        // A DELETED share's name can be used again by its owner in its Region only, so that
        // its invitations keep naming the same owner and Region.
        if existing.status != ShareStatus::Deleted
            && existing.owner == ctx.account
            && existing.region == ctx.region
            && existing.params.as_ref() == Some(&params)
        {
            ctx.hit("RAM-22");
            ctx.hit("INV-20");
            return Ok(Response::Created {
                id: id_of(&existing.arn),
                arn: existing.arn.clone(),
            });
        }
        return Err(reject(
            Exception::IdempotentParameterMismatchException,
            "RAM-22",
            format!("client token {name} was already used with other parameters"),
        ));
    }
    let owned = active_owned(world, &ctx.account, &ctx.region);
    // The call is applied in place; an error after the share exists takes back exactly what
    // it did: the share (or the DELETED one it replaced), the ids it drew, and the invitations
    // it sent (add_entities checks every stage before its first effect, but Q-11 is decided
    // after them).
    let ids = world.ids.clone();
    let next_invitation = world.ram.next_invitation;
    let arn = share_arn(world, &ctx.account, &ctx.region, name);
    let replaced = world.ram.shares.insert(
        name.clone(),
        Share {
            owner: ctx.account.clone(),
            region: ctx.region.clone(),
            arn: arn.clone(),
            status: ShareStatus::Active,
            feature_set: ShareFeatureSet::Standard,
            allow_external_principals: params.allow_external_principals,
            retain_on_leave: params.retain,
            resources: BTreeMap::new(),
            principals: BTreeMap::new(),
            node_covered: BTreeSet::new(),
            retained: BTreeSet::new(),
            from_policy: None,
            params: Some(params.clone()),
        },
    );
    // A share that replaces a DELETED one is re-indexed now. A new name is not: add_entities
    // re-indexes the share after its effects, and the error path below after taking it out
    // again; until then the indexes hold nothing for the name, and all that the empty share
    // would add (its owner entry, one ACTIVE share for Q-11) is read by nothing in
    // add_entities, whose stages ask the owner's live association counts (which a share
    // without associations leaves as they are) and the invitation indexes.
    if replaced.is_some() {
        world.ram.reindex(name);
    }
    let result =
        add_entities(world, ctx, name, &params.resources, &params.principals).and_then(|()| {
            if owned >= world.config.quotas.resource_shares_per_region {
                Err(limit("Q-11", "resource shares per Region"))
            } else {
                Ok(())
            }
        });
    if let Err(err) = result {
        match replaced {
            Some(old) => world.ram.shares.insert(name.clone(), old),
            None => world.ram.shares.remove(name),
        };
        world.ram.reindex(name);
        let sent: Vec<u64> = world
            .ram
            .invitations
            .iter()
            .rev()
            .take_while(|i| i.seq >= next_invitation)
            .map(|i| i.seq)
            .collect();
        for seq in sent {
            world.ram.withdraw(seq);
        }
        world.ram.next_invitation = next_invitation;
        world.ids = ids;
        return Err(err);
    }
    ctx.hit("RAM-03");
    ctx.hit("RAM-32");
    Ok(Response::Created {
        id: id_of(&arn),
        arn,
    })
}

/// The ACTIVE shares of an owner in a Region.
fn active_owned(world: &World, owner: &Name, region: &Region) -> u64 {
    world.ram.index.active_owned(owner, region)
}

/// AssociateResourceShare (RAM-16).
pub(crate) fn associate(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    resources: &[RamResource],
    principals: &[RamPrincipal],
) -> Result<Response, ApiError> {
    owned_share(world, ctx, name)?;
    // add_entities checks every stage before its first effect, so it is atomic in place.
    add_entities(world, ctx, name, resources, principals)?;
    ctx.hit("RAM-16");
    Ok(Response::Empty)
}

/// UpdateResourceShare (RAM-20, A-26).
pub(crate) fn update(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    allow_external: Option<bool>,
) -> Result<Response, ApiError> {
    let share = owned_share(world, ctx, name)?;
    if allow_external == Some(false)
        && share
            .principals
            .values()
            .any(|a| a.status.is_live() && a.external)
    {
        ctx.hit("A-26");
        return Err(reject(
            Exception::InvalidParameterException,
            "RAM-20",
            format!("{name} has principals outside your AWS organization"),
        ));
    }
    let before = share.clone();
    let risk = at_risk(world, name);
    if let (Some(flag), Some(share)) = (allow_external, world.ram.shares.get_mut(name)) {
        share.allow_external_principals = flag;
    }
    world.ram.reindex(name);
    keep_unless_stranded(world, ctx, name, &risk, before)?;
    ctx.hit("RAM-20");
    Ok(Response::Empty)
}

/// DeleteResourceShare (RAM-19, IB-14, IB-15).
pub(crate) fn delete(world: &mut World, ctx: &mut Ctx, name: &Name) -> Result<Response, ApiError> {
    let before = owned_share(world, ctx, name)?.clone();
    let risk = at_risk(world, name);
    if let Some(share) = world.ram.shares.get_mut(name) {
        share.status = ShareStatus::Deleted;
        for a in share.resources.values_mut() {
            if a.status.is_live() {
                a.status = AssocStatus::Disassociated;
            }
        }
        for a in share.principals.values_mut() {
            if a.status.is_live() {
                a.status = AssocStatus::Disassociated;
            }
        }
        share.node_covered.clear();
        share.retained.clear();
    }
    world.ram.reindex(name);
    keep_unless_stranded(world, ctx, name, &risk, before)?;
    ctx.hit("RAM-19");
    ctx.hit("IB-14");
    Ok(Response::Empty)
}

/// DisassociateResourceShare (RAM-17, IB-14, IB-15), or a consumer leaving (RAM-18).
pub(crate) fn disassociate(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    resources: &[RamResource],
    principals: &[RamPrincipal],
) -> Result<Response, ApiError> {
    let share = world
        .ram
        .shares
        .get(name)
        .filter(|s| s.region == ctx.region)
        .ok_or_else(|| unknown(name))?;
    if share.owner != ctx.account {
        return leave(world, ctx, name, resources, principals);
    }
    owned_share(world, ctx, name)?;
    let owner = share.owner.clone();
    let region = share.region.clone();
    let mut arns = Vec::new();
    for r in resources {
        let (arn, _) = ib::ram_target(world, &owner, &region, r)?;
        arns.push(arn);
    }
    for arn in &arns {
        if share
            .resources
            .get(arn)
            .is_none_or(|a| a.status == AssocStatus::Disassociated)
        {
            return Err(reject(
                Exception::UnknownResourceException,
                "RAM-17",
                format!("{arn} is not associated with {name}"),
            ));
        }
    }
    for p in principals {
        if share
            .principals
            .get(p)
            .is_none_or(|a| a.status == AssocStatus::Disassociated)
        {
            return Err(reject(
                Exception::UnknownResourceException,
                "RAM-17",
                format!("{p} is not associated with {name}"),
            ));
        }
    }
    let before = share.clone();
    let risk = at_risk(world, name);
    if let Some(share) = world.ram.shares.get_mut(name) {
        for arn in &arns {
            if let Some(a) = share.resources.get_mut(arn) {
                a.status = AssocStatus::Disassociated;
            }
        }
        for p in principals {
            if let Some(a) = share.principals.get_mut(p) {
                a.status = AssocStatus::Disassociated;
            }
        }
    }
    if let Some(share) = world.ram.shares.get(name) {
        let covered = access::node_coverage(world, share);
        if let Some(share) = world.ram.shares.get_mut(name) {
            share.node_covered = covered;
        }
    }
    world.ram.reindex(name);
    keep_unless_stranded(world, ctx, name, &risk, before)?;
    ctx.hit("RAM-17");
    ctx.hit("IB-14");
    Ok(Response::Empty)
}

/// RAM-18: a consumer removes its own account principal from a share it was added to as an
/// individual account.
fn leave(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    resources: &[RamResource],
    principals: &[RamPrincipal],
) -> Result<Response, ApiError> {
    let Some(share) = world.ram.shares.get(name) else {
        return Err(unknown(name));
    };
    if !visible_to_consumer(world, share, name, &ctx.account) {
        return Err(unknown(name));
    }
    let me = RamPrincipal::Account(ctx.account.clone());
    if !resources.is_empty() || principals != std::slice::from_ref(&me) {
        return Err(reject(
            Exception::OperationNotPermittedException,
            "RAM-17",
            "a consumer can only remove its own account from a share",
        ));
    }
    if !share
        .principals
        .get(&me)
        .is_some_and(|a| a.status.is_live())
    {
        return Err(reject(
            Exception::OperationNotPermittedException,
            "RAM-18",
            format!(
                "{} was not added to {name} as an individual account and cannot leave it",
                ctx.account
            ),
        ));
    }
    let before = share.clone();
    let risk = at_risk(world, name);
    if let Some(a) = world
        .ram
        .shares
        .get_mut(name)
        .and_then(|s| s.principals.get_mut(&me))
    {
        a.status = AssocStatus::Disassociated;
    }
    world.ram.reindex(name);
    keep_unless_stranded(world, ctx, name, &risk, before)?;
    ctx.hit("RAM-18");
    Ok(Response::Empty)
}

/// PromoteResourceShareCreatedFromPolicy (RAM-31, IB-09, IB-13).
pub(crate) fn promote(
    world: &mut World,
    ctx: &mut Ctx,
    resource: &RamResource,
) -> Result<Response, ApiError> {
    let (arn, key) = ib::ram_target(world, &ctx.account, &ctx.region, resource)?;
    let Some(key) = key else {
        return Err(reject(
            Exception::UnknownResourceException,
            "RAM-31",
            format!("{arn} could not be found in your account"),
        ));
    };
    let Some(name) = policy_share(world, &key).cloned() else {
        return Err(reject(
            Exception::InvalidStateTransitionException,
            "RAM-31",
            format!("{arn} has no resource share created from a policy to promote"),
        ));
    };
    if !ib::policy_matches_default_permission(world, &key) {
        return Err(reject(
            Exception::UnmatchedPolicyPermissionException,
            "RAM-31",
            format!("the policy of {arn} matches no managed permission"),
        ));
    }
    if let Some(share) = world.ram.shares.get_mut(&name) {
        share.feature_set = ShareFeatureSet::Standard;
    }
    ctx.hit("RAM-31");
    ctx.hit("IB-09");
    ctx.hit("IB-13");
    Ok(Response::Empty)
}

/// RAM-30, A-22: the CREATED_FROM_POLICY share of a resource (created on first use) names
/// exactly `principals` as account principals. Used by Image Builder Put*Policy; the caller
/// checks IB-15 on the resulting world.
pub(crate) fn create_policy_share(
    world: &mut World,
    ctx: &mut Ctx,
    key: &IbKey,
) -> Result<Name, ApiError> {
    if let Some(name) = policy_share(world, key) {
        return Ok(name.clone());
    }
    let owned = active_owned(world, &key.owner, &key.region);
    if owned >= world.config.quotas.resource_shares_per_region {
        return Err(reject(
            Exception::ServiceQuotaExceededException,
            "Q-11",
            "resource shares per Region quota reached",
        ));
    }
    let resource_arn = ib::arn_of(world, key);
    let base = format!("policy:{resource_arn}");
    let mut name = Name::new(base.clone());
    let mut n = 1u32;
    while world.ram.shares.contains_key(&name) {
        n += 1;
        name = Name::new(format!("{base}#{n}"));
    }
    let arn = share_arn(world, &key.owner, &key.region, &name);
    let mut resources = BTreeMap::new();
    resources.insert(
        resource_arn,
        ResourceAssoc {
            key: Some(key.clone()),
            status: AssocStatus::Associated,
        },
    );
    world.ram.shares.insert(
        name.clone(),
        Share {
            owner: key.owner.clone(),
            region: key.region.clone(),
            arn,
            status: ShareStatus::Active,
            feature_set: ShareFeatureSet::CreatedFromPolicy,
            allow_external_principals: true,
            retain_on_leave: false,
            resources,
            principals: BTreeMap::new(),
            node_covered: BTreeSet::new(),
            retained: BTreeSet::new(),
            from_policy: Some(key.clone()),
            params: None,
        },
    );
    world.ram.reindex(&name);
    ctx.hit("RAM-30");
    Ok(name)
}

/// Sets the account principals of a share created from a policy (RAM-30): the policy's
/// accounts are ASSOCIATED at once (a resource policy needs no invitation), the others are
/// DISASSOCIATED.
pub(crate) fn set_policy_share_principals(
    world: &mut World,
    name: &Name,
    principals: &BTreeSet<Name>,
) {
    let Some(share) = world.ram.shares.get(name) else {
        return;
    };
    let owner = share.owner.clone();
    let wanted: Vec<(RamPrincipal, bool)> = principals
        .iter()
        .map(|a| {
            let p = RamPrincipal::Account(a.clone());
            let external = !access::in_owner_org(world, &owner, &p);
            (p, external)
        })
        .collect();
    let Some(share) = world.ram.shares.get_mut(name) else {
        return;
    };
    for a in share.principals.values_mut() {
        a.status = AssocStatus::Disassociated;
    }
    for (p, external) in wanted {
        share.principals.insert(
            p,
            PrincipalAssoc {
                status: AssocStatus::Associated,
                external,
            },
        );
    }
    world.ram.reindex(name);
}

/// for a share created from a policy, on the world after its principals were set:
/// its live principal associations within the per-share limit, and its owner's live
/// associations in the Region within the per-Region one. A policy share holds RAM
/// associations like any share `[MODEL]`; Image Builder answers with its own quota error,
/// ServiceQuotaExceededException, as for Q-11 (docs/rules.md).
pub(crate) fn policy_share_over_quota(world: &World, name: &Name) -> Option<ApiError> {
    let share = world.ram.shares.get(name)?;
    let q = &world.config.quotas;
    let over = |rule: crate::error::RuleId, what: &str| {
        reject(
            Exception::ServiceQuotaExceededException,
            rule,
            format!("the policy would exceed the RAM quota of {what}"),
        )
    };
    if live_count(share.principals.values().map(|a| &a.status)) > q.associations_per_share
        || live_count(share.resources.values().map(|a| &a.status)) > q.associations_per_share
    {
        return Some(over("Q-12", "associations per resource share"));
    }
    let (resources, principals) = world
        .ram
        .index
        .live_associations(&share.owner, &share.region);
    (resources > q.associations_per_region || principals > q.associations_per_region)
        .then(|| over("Q-13", "associations per Region"))
}

/// The ACTIVE CREATED_FROM_POLICY share of a resource (RAM-30), if any.
pub(crate) fn policy_share<'w>(world: &'w World, key: &IbKey) -> Option<&'w Name> {
    world
        .ram
        .index
        .by_policy
        .get(key)
        .into_iter()
        .flatten()
        .find(|n| {
            world.ram.shares.get(*n).is_some_and(|s| {
                s.status == ShareStatus::Active
                    && s.feature_set == ShareFeatureSet::CreatedFromPolicy
            })
        })
}

/// EnableSharingWithAwsOrganization (RAM-25, ORG-09): management account of an organization
/// with all features only.
pub(crate) fn enable_sharing(world: &mut World, ctx: &mut Ctx) -> Result<Response, ApiError> {
    let Some(org_name) = world.org.org_of(&ctx.account).cloned() else {
        return Err(reject(
            Exception::OperationNotPermittedException,
            "RAM-25",
            "the account is not in an organization",
        ));
    };
    let Some(org) = world.org.orgs.get_mut(&org_name) else {
        return Err(reject(
            Exception::OperationNotPermittedException,
            "RAM-25",
            "the account is not in an organization",
        ));
    };
    if org.management != ctx.account {
        return Err(reject(
            Exception::OperationNotPermittedException,
            "RAM-25",
            "only the management account can enable sharing with AWS Organizations",
        ));
    }
    if org.feature_set != FeatureSet::All {
        return Err(reject(
            Exception::OperationNotPermittedException,
            "RAM-25",
            "the organization does not have all features enabled",
        ));
    }
    org.ram_sharing = true;
    org.trusted.insert(Service::Ram);
    ctx.hit("RAM-25");
    ctx.hit("ORG-09");
    super::on_org_change(world, ctx);
    crate::services::sc::on_org_change(world, ctx);
    Ok(Response::Empty)
}
