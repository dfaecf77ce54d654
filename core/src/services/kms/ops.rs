//! The KMS key-administration operations (KMS-01 to KMS-06, Q-24).
//!
//! Every one of them is owner-only (KMS-03). A key is named by a [`crate::op::KeyRef`]-like pair
//! (owning account, key name), resolved in the call's Region (KMS-01, KMS-04). Check order
//! (§0.4): shape (ValidationException), the key exists in the Region (NotFoundException), the
//! caller owns it (AccessDeniedException), its state allows the change
//! (KMSInvalidStateException).

use super::{Key, KeyAddr, KeyState, find, key_arn};
use crate::error::{ApiError, Exception, reject};
use crate::name::Name;
use crate::op::{KeyGrantee, Op};
use crate::response::Response;
use crate::world::{Ctx, World};
use std::collections::BTreeSet;

/// Applies a KMS call.
pub(crate) fn apply(world: &mut World, ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    match op {
        Op::CreateKey { key } => create_key(world, ctx, key),
        Op::PutKeyPolicy {
            key,
            grantees,
            account,
        } => put_key_policy(world, ctx, key, account.as_ref(), grantees),
        Op::DisableKey { key, account } => {
            let addr = owned(world, ctx, key, account.as_ref())?;
            set_enabled(world, ctx, &addr, false)
        }
        Op::EnableKey { key, account } => {
            let addr = owned(world, ctx, key, account.as_ref())?;
            set_enabled(world, ctx, &addr, true)
        }
        Op::ScheduleKeyDeletion {
            key,
            pending_window_in_days,
            account,
        } => schedule_deletion(world, ctx, key, account.as_ref(), *pending_window_in_days),
        Op::CancelKeyDeletion { key, account } => {
            let addr = owned(world, ctx, key, account.as_ref())?;
            cancel_deletion(world, ctx, &addr)
        }
        other => Err(crate::services::not_modelled(other)),
    }
}

/// Stages 2 and 3 of every administration call: the key exists in the call's Region and the
/// caller owns it (KMS-03: key administration is never allowed cross-account).
fn owned(
    world: &World,
    ctx: &mut Ctx,
    key: &Name,
    account: Option<&Name>,
) -> Result<KeyAddr, ApiError> {
    let owner = account.cloned().unwrap_or_else(|| ctx.account.clone());
    let addr = (owner, ctx.region.clone(), key.clone());
    find(world, &addr)?;
    if addr.0 != ctx.account {
        return Err(reject(
            Exception::AccessDeniedException,
            "KMS-03",
            format!(
                "account {} cannot administer key {key} of account {}",
                ctx.account, addr.0
            ),
        ));
    }
    ctx.hit("KMS-03");
    Ok(addr)
}

fn key_mut<'a>(world: &'a mut World, addr: &KeyAddr) -> Result<&'a mut Key, ApiError> {
    world.kms.keys.get_mut(addr).ok_or_else(|| {
        reject(
            Exception::NotFoundException,
            "KMS-05",
            format!("key {} not found", addr.2),
        )
    })
}

fn pending_deletion(addr: &KeyAddr) -> ApiError {
    reject(
        Exception::KMSInvalidStateException,
        "KMS-05",
        format!("key {} is pending deletion", addr.2),
    )
}

/// KMS-01: a key owned by the caller in the call's Region, Enabled, with a key policy that allows
/// only the owner. Its name is its alias, unique per account and Region (AlreadyExistsException,
/// as CreateAlias); the name of a deleted key can be reused.
fn create_key(world: &mut World, ctx: &mut Ctx, key: &Name) -> Result<Response, ApiError> {
    let addr = (ctx.account.clone(), ctx.region.clone(), key.clone());
    if world.kms.live(&addr, world.clock_hours).is_some() {
        return Err(reject(
            Exception::AlreadyExistsException,
            "KMS-01",
            format!(
                "alias {key} already exists in {} of account {}",
                addr.1, addr.0
            ),
        ));
    }
    let id = uuid(world, key);
    let created = Key {
        id: id.clone(),
        state: KeyState::Enabled,
        grantees: BTreeSet::new(),
        deleted_at_hours: None,
    };
    let arn = key_arn(world, &addr, &created);
    world.kms.keys.insert(addr, created);
    ctx.hit("KMS-01");
    Ok(Response::Created { id, arn })
}

/// A deterministic, UUID-shaped key id (`8-4-4-4-12` lower-case hex digits) from the id
/// generator.
fn uuid(world: &mut World, key: &Name) -> String {
    let raw = world.ids.fresh("", key, 32);
    let mut out = String::with_capacity(36);
    for (i, c) in raw.chars().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let digit = c.to_digit(36).unwrap_or(0) % 16;
        out.push(char::from_digit(digit, 16).unwrap_or('0'));
    }
    out
}

/// KMS-02, KMS-07: replaces the cross-account grantees of the key policy. Named accounts must
/// exist (a policy naming an unknown principal is malformed; ValidationException `[MODEL]`);
/// organizations and OUs are policy conditions and are not checked (they simply match no
/// account while they do not exist). Allowed while Enabled or Disabled, not while pending
/// deletion (KMS-05).
fn put_key_policy(
    world: &mut World,
    ctx: &mut Ctx,
    key: &Name,
    account: Option<&Name>,
    grantees: &[KeyGrantee],
) -> Result<Response, ApiError> {
    for g in grantees {
        if let KeyGrantee::Account(a) = g
            && !world.has_account(a)
        {
            return Err(reject(
                Exception::ValidationException,
                "KMS-02",
                format!("the key policy names an unknown account {a}"),
            ));
        }
    }
    let addr = owned(world, ctx, key, account)?;
    let found = key_mut(world, &addr)?;
    if found.state == KeyState::PendingDeletion {
        return Err(pending_deletion(&addr));
    }
    found.grantees = grantees.iter().cloned().collect();
    ctx.hit("KMS-02");
    if !grantees.is_empty() {
        ctx.hit("KMS-07");
    }
    Ok(Response::Empty)
}

/// KMS-05: DisableKey and EnableKey, idempotent; refused while pending deletion.
fn set_enabled(
    world: &mut World,
    ctx: &mut Ctx,
    addr: &KeyAddr,
    enable: bool,
) -> Result<Response, ApiError> {
    let found = key_mut(world, addr)?;
    if found.state == KeyState::PendingDeletion {
        return Err(pending_deletion(addr));
    }
    found.state = if enable {
        KeyState::Enabled
    } else {
        KeyState::Disabled
    };
    ctx.hit("KMS-05");
    Ok(Response::Empty)
}

/// KMS-06, Q-24: the key becomes unusable now and is deleted when the waiting period (7 to 30
/// days, 30 by default) has elapsed on the logical clock.
fn schedule_deletion(
    world: &mut World,
    ctx: &mut Ctx,
    key: &Name,
    account: Option<&Name>,
    days: Option<u32>,
) -> Result<Response, ApiError> {
    let quotas = &world.config.quotas;
    let days = days.map_or(quotas.key_deletion_default_days, u64::from);
    if !(quotas.key_deletion_min_days..=quotas.key_deletion_max_days).contains(&days) {
        return Err(reject(
            Exception::ValidationException,
            "Q-24",
            format!(
                "PendingWindowInDays must be between {} and {}",
                quotas.key_deletion_min_days, quotas.key_deletion_max_days
            ),
        ));
    }
    let addr = owned(world, ctx, key, account)?;
    let now = world.clock_hours;
    let found = key_mut(world, &addr)?;
    if found.state == KeyState::PendingDeletion {
        return Err(pending_deletion(&addr));
    }
    found.state = KeyState::PendingDeletion;
    found.deleted_at_hours = Some(now.saturating_add(days.saturating_mul(24)));
    ctx.hit("KMS-06");
    ctx.hit("Q-24");
    Ok(Response::Empty)
}

/// KMS-06: cancelling a scheduled deletion leaves the key Disabled, not Enabled.
fn cancel_deletion(world: &mut World, ctx: &mut Ctx, addr: &KeyAddr) -> Result<Response, ApiError> {
    let found = key_mut(world, addr)?;
    if found.state != KeyState::PendingDeletion {
        return Err(reject(
            Exception::KMSInvalidStateException,
            "KMS-06",
            format!("key {} is not pending deletion", addr.2),
        ));
    }
    found.state = KeyState::Disabled;
    found.deleted_at_hours = None;
    ctx.hit("KMS-06");
    Ok(Response::Empty)
}
