//! Sharing through resource policies, Option 2 of the seed (IB-09 to IB-12, IB-29, Q-21,
//! RAM-30, A-22): Put*Policy mirrors the policy's accounts into the resource's
//! CREATED_FROM_POLICY share, so access by ARN follows from RAM-23 and listings stay hidden
//! until the share is promoted (IB-13, RAM-31).

use super::resources::resolve;
use super::{IbKey, Policy, arn_of};
use crate::error::{ApiError, Exception, reject};
use crate::name::Name;
use crate::op::{IbKind, IbRef, ResourcePolicy};
use crate::response::Response;
use crate::services::ram;
use crate::world::{Ctx, World};
use std::collections::BTreeSet;

/// IB-11: the read actions a policy of the kind may grant (the seed's examples), which are also
/// the actions of the AWS-managed default permission (IB-31).
pub(crate) fn read_actions(kind: IbKind) -> [&'static str; 2] {
    match kind {
        IbKind::Component => ["imagebuilder:GetComponent", "imagebuilder:ListComponents"],
        IbKind::Image => ["imagebuilder:GetImage", "imagebuilder:ListImages"],
        IbKind::ImageRecipe => [
            "imagebuilder:GetImageRecipe",
            "imagebuilder:ListImageRecipes",
        ],
        IbKind::ContainerRecipe => [
            "imagebuilder:GetContainerRecipe",
            "imagebuilder:ListContainerRecipes",
        ],
    }
}

/// The policy document as Image Builder stores it (for the Q-21 size check).
fn document(world: &World, arn: &str, principals: &BTreeSet<Name>, actions: &[String]) -> String {
    let quote = |s: &str| format!("\"{s}\"");
    let ids: Vec<String> = principals.iter().map(|p| quote(&world.acct(p))).collect();
    let actions: Vec<String> = actions.iter().map(|a| quote(a)).collect();
    format!(
        "{{ \"Version\": \"2012-10-17\", \"Statement\": [ {{ \"Effect\": \"Allow\", \"Principal\": {{ \"AWS\": [ {} ] }}, \"Action\": [ {} ], \"Resource\": [ \"{arn}\" ] }} ] }}",
        ids.join(", "),
        actions.join(", ")
    )
}

fn invalid(rule: crate::error::RuleId, message: impl Into<String>) -> ApiError {
    reject(Exception::InvalidParameterValueException, rule, message)
}

/// Put{Component,Image,ImageRecipe,ContainerRecipe}Policy (IB-09 to IB-12, IB-15, IB-19,
/// IB-20, Q-21, RAM-30, A-22). The policy replaces the previous one.
pub(crate) fn put(
    world: &mut World,
    ctx: &mut Ctx,
    kind: IbKind,
    r: &IbRef,
    policy: &ResourcePolicy,
) -> Result<Response, ApiError> {
    // Stage 1: actions (IB-11), principals, size; the ARN form is checked by resolve.
    let allowed = read_actions(kind);
    let actions: Vec<String> = match &policy.actions {
        None => allowed.iter().map(|a| (*a).to_owned()).collect(),
        Some(list) => {
            if list.is_empty() {
                return Err(invalid("IB-11", "a policy statement needs an action"));
            }
            if let Some(bad) = list.iter().find(|a| !allowed.contains(&a.as_str())) {
                return Err(invalid(
                    "IB-11",
                    format!("the action {bad} cannot be granted by a resource policy"),
                ));
            }
            let set: BTreeSet<&String> = list.iter().collect();
            set.into_iter().cloned().collect()
        }
    };
    if let Some(bad) = policy.principals.iter().find(|p| !world.has_account(p)) {
        return Err(invalid(
            "IB-09",
            format!("the principal {bad} is not a valid account"),
        ));
    }
    let principals: BTreeSet<Name> = policy.principals.iter().cloned().collect();
    let key = resolve(world, ctx, kind, r, true, "IB-20")?;
    let arn = arn_of(world, &key);
    let doc = document(world, &arn, &principals, &actions);
    if doc.chars().count() as u64 > world.config.quotas.policy_size {
        return Err(invalid(
            "Q-21",
            "the policy exceeds the resource policy size limit",
        ));
    }
    // Stage 3: only the owner (IB-04, IB-19).
    if key.owner != ctx.account {
        ctx.hit("IB-04");
        return Err(reject(
            Exception::ForbiddenException,
            "IB-19",
            format!("{arn} is shared with you; only its owner can set its policy"),
        ));
    }
    // Stage 4: the new policy must not take access away from a dependent consumer (IB-15).
    // The change is made in place and taken back exactly if it strands one: the policy, the
    // policy share (or its creation, with the ids it drew).
    let risk = super::at_risk(world, &BTreeSet::from([key.clone()]));
    let standard = super::deps::in_standard_share(world, &key);
    let ids = world.ids.clone();
    let existing = ram::policy_share(world, &key).cloned();
    let before = existing
        .as_ref()
        .and_then(|n| world.ram.shares.get(n).cloned());
    let share = ram::create_policy_share(world, ctx, &key)?;
    let old_policy = world.ib.resources.get_mut(&key).map(|res| {
        res.policy.replace(Policy {
            principals: principals.clone(),
            actions,
        })
    });
    ram::set_policy_share_principals(world, &share, &principals);
    // Stage 4 then stage 5 on the resulting world: no dependent consumer stranded (IB-15),
    // and the policy share's associations within the RAM quotas, as any share's.
    let refused = match super::first_stranded(world, &risk) {
        Some((consumer, dep)) => Some(reject(
            Exception::InvalidRequestException,
            "IB-15",
            format!("{consumer} depends on {dep}; the policy would remove its access"),
        )),
        None => ram::policy_share_over_quota(world, &share),
    };
    if let Some(error) = refused {
        if let (Some(res), Some(old)) = (world.ib.resources.get_mut(&key), old_policy) {
            res.policy = old;
        }
        match before {
            Some(old) => {
                world.ram.shares.insert(share.clone(), old);
            }
            None => {
                world.ram.shares.remove(&share);
                world.ids = ids;
            }
        }
        world.ram.reindex(&share);
        return Err(error);
    }
    if standard {
        ctx.hit("A-22");
    }
    ctx.hit("IB-09");
    ctx.hit("IB-11");
    ctx.hit("IB-12");
    Ok(Response::Empty)
}

/// Get{Component,Image,ImageRecipe,ContainerRecipe}Policy (IB-29): owner only.
pub(crate) fn get(
    world: &World,
    ctx: &mut Ctx,
    kind: IbKind,
    r: &IbRef,
) -> Result<Response, ApiError> {
    let key = resolve(world, ctx, kind, r, true, "IB-20")?;
    let arn = arn_of(world, &key);
    if key.owner != ctx.account {
        return Err(reject(
            Exception::ForbiddenException,
            "IB-29",
            format!("only the owner of {arn} can read its policy"),
        ));
    }
    let Some(policy) = world
        .ib
        .resources
        .get(&key)
        .and_then(|res| res.policy.as_ref())
    else {
        return Err(reject(
            Exception::ResourceNotFoundException,
            "IB-29",
            format!("{arn} has no resource policy"),
        ));
    };
    ctx.hit("IB-29");
    Ok(Response::Policy {
        principals: policy.principals.iter().cloned().collect(),
        actions: policy.actions.clone(),
    })
}

/// RAM-31: whether the resource's policy grants exactly the actions of the AWS-managed default
/// permission of its type (IB-31), so that its share can be promoted.
pub(crate) fn policy_matches_default_permission(world: &World, key: &IbKey) -> bool {
    let Some(policy) = world.ib.resources.get(key).and_then(|r| r.policy.as_ref()) else {
        return false;
    };
    let want: BTreeSet<&str> = read_actions(key.kind).into_iter().collect();
    let have: BTreeSet<&str> = policy.actions.iter().map(String::as_str).collect();
    want == have
}
