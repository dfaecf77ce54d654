//! KMS (RULES.md §2.3): keys owned by one account in one Region, their state and the
//! cross-account side of their key policy.
//!
//! The model keeps only what sharing depends on: who owns a key, where it lives, whether it is
//! usable (Enabled, Disabled, PendingDeletion) and which accounts, organizations and OUs its key
//! policy grants (KMS-02). Identity-side permissions are taken as granted (RULES.md §0.2), so a
//! key policy grant is what decides cross-account use. Image Builder asks [`check_use`] whenever
//! an encrypted resource is created or used (KMS-07, KMS-08, IB-22).
//!
//! A key scheduled for deletion is deleted when its waiting period has elapsed on the logical
//! clock (KMS-06). The deletion is applied lazily: every lookup treats such a key as absent, so
//! no other operation (the clock is advanced by `AdvanceTime`) needs to know about KMS.
//!
//! The operations are in `kms/ops.rs`.

mod ops;
#[cfg(test)]
mod tests;

use crate::error::{ApiError, Exception, reject};
use crate::name::{Name, Region};
use crate::observe::{KeyView, Observation};
use crate::op::{KeyGrantee, KeyRef};
use crate::services::org::Node;
use crate::world::{Accounts, World};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) use ops::apply;

/// The states a modelled key can be in (§1.4; the others need features the model leaves out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyState {
    Enabled,
    Disabled,
    PendingDeletion,
}

impl KeyState {
    /// The KeyState name of the KMS API.
    pub fn name(self) -> &'static str {
        match self {
            KeyState::Enabled => "Enabled",
            KeyState::Disabled => "Disabled",
            KeyState::PendingDeletion => "PendingDeletion",
        }
    }
}

/// One KMS key.
#[derive(Debug, Clone)]
pub(crate) struct Key {
    /// The UUID-shaped key id.
    pub id: String,
    pub state: KeyState,
    /// Cross-account grantees of the key policy (KMS-02). The owner account is always allowed.
    pub grantees: BTreeSet<KeyGrantee>,
    /// For a key pending deletion: the logical hour at which it is deleted (KMS-06).
    pub deleted_at_hours: Option<u64>,
}

/// Where a key lives: its owning account, its Region and its name (alias).
pub(crate) type KeyAddr = (Name, Region, Name);

/// KMS state of the world.
#[derive(Debug, Clone, Default)]
pub(crate) struct KmsState {
    /// Every key, deleted ones included until their name is reused (see [`KmsState::live`]).
    pub keys: BTreeMap<KeyAddr, Key>,
}

impl KmsState {
    /// The key at `addr` unless it does not exist or its deletion waiting period has elapsed at
    /// logical hour `now` (KMS-06).
    pub fn live(&self, addr: &KeyAddr, now: u64) -> Option<&Key> {
        self.keys
            .get(addr)
            .filter(|k| k.deleted_at_hours.is_none_or(|at| now < at))
    }

    /// Whether the account has a live key of that name in some other Region (KMS-08).
    fn exists_elsewhere(&self, owner: &Name, region: &Region, key: &Name, now: u64) -> bool {
        self.keys
            .iter()
            .filter(|((o, r, n), _)| o == owner && r != region && n == key)
            .any(|(addr, _)| self.live(addr, now).is_some())
    }
}

/// The key ARN.
pub(crate) fn key_arn(world: &World, addr: &KeyAddr, key: &Key) -> String {
    let (owner, region, _) = addr;
    format!("arn:aws:kms:{region}:{}:key/{}", world.acct(owner), key.id)
}

/// The KMS-04 resolution of a key reference written by `caller`: an absent account is the
/// caller's own.
pub(crate) fn resolve(key: &KeyRef, caller: &Name, region: &Region) -> KeyAddr {
    let owner = key.account.clone().unwrap_or_else(|| caller.clone());
    (owner, region.clone(), key.key.clone())
}

/// Stage 2: the live key at `addr`, or NotFoundException. A key of the same owner and name that
/// exists only in another Region is not found either: keys are regional (KMS-01), and using an
/// encrypted resource in another Region needs a key there (KMS-08).
pub(crate) fn find<'a>(world: &'a World, addr: &KeyAddr) -> Result<&'a Key, ApiError> {
    let now = world.clock_hours;
    if let Some(key) = world.kms.live(addr, now) {
        return Ok(key);
    }
    let (owner, region, name) = addr;
    if world.kms.exists_elsewhere(owner, region, name, now) {
        return Err(reject(
            Exception::NotFoundException,
            "KMS-08",
            format!("key {name} of account {owner} does not exist in {region}"),
        ));
    }
    Err(reject(
        Exception::NotFoundException,
        "KMS-05",
        format!("key {name} of account {owner} not found in {region}"),
    ))
}

/// Whether the key policy lets a principal of `user` use the key: the owner always, another
/// account when the policy names it, its organization, or an OU it is in (KMS-02, ORG-11,
/// evaluated against the current tree).
pub(crate) fn grants(world: &World, owner: &Name, key: &Key, user: &Name) -> bool {
    user == owner
        || key.grantees.iter().any(|g| {
            let node = match g {
                KeyGrantee::Account(a) => Node::Account(a.clone()),
                KeyGrantee::Organization(o) => Node::Organization(o.clone()),
                KeyGrantee::OrganizationalUnit(ou) => Node::Ou(ou.clone()),
            };
            world.org.in_node(user, &node)
        })
}

/// KMS-02, KMS-05, KMS-07: whether a principal of account `user` may use the key `key` in
/// `region`, where `key` is written relative to `caller` (an absent account means the caller's
/// own). Returns the key ARN, or the KMS exception that denies the use.
///
/// Check order (§0.4): the key must exist in `region` (NotFoundException, KMS-05, or KMS-08 when
/// it exists only in another Region); the key policy must grant `user` when it is not the owner
/// (AccessDeniedException, KMS-07, the seed's "explicitly shared" rule and KMS-02's key-policy
/// side); the key must be Enabled (DisabledException, or KMSInvalidStateException while pending
/// deletion, KMS-05).
pub(crate) fn check_use(
    world: &World,
    key: &KeyRef,
    caller: &Name,
    user: &Name,
    region: &Region,
) -> Result<String, ApiError> {
    let addr = resolve(key, caller, region);
    let found = find(world, &addr)?;
    let (owner, _, name) = &addr;
    if !grants(world, owner, found, user) {
        return Err(reject(
            Exception::AccessDeniedException,
            "KMS-07",
            format!(
                "the key policy of key {name} of account {owner} does not allow account {user}"
            ),
        ));
    }
    match found.state {
        KeyState::Enabled => Ok(key_arn(world, &addr, found)),
        KeyState::Disabled => Err(reject(
            Exception::DisabledException,
            "KMS-05",
            format!("key {name} of account {owner} is disabled"),
        )),
        KeyState::PendingDeletion => Err(reject(
            Exception::KMSInvalidStateException,
            "KMS-05",
            format!("key {name} of account {owner} is pending deletion"),
        )),
    }
}

/// The owners of the keys whose deletion waiting period ends after logical hour `since` and
/// no later than now (KMS-06): a key live at `since` and not now, which only the owner's view
/// shows (the keys of an account are its own, KMS-03; Image Builder views show the key ARN a
/// resource recorded when it was created, not whether the key still exists). It is what
/// AdvanceTime changes of KMS views.
pub(crate) fn deletions_ended(world: &World, since: u64) -> BTreeSet<Name> {
    world
        .kms
        .keys
        .iter()
        .filter(|(_, k)| {
            k.deleted_at_hours
                .is_some_and(|at| since < at && at <= world.clock_hours)
        })
        .map(|((owner, _, _), _)| owner.clone())
        .collect()
}

/// Renders a key policy grantee for the observation.
fn render(grantee: &KeyGrantee) -> String {
    match grantee {
        KeyGrantee::Account(a) => format!("account:{a}"),
        KeyGrantee::Organization(o) => format!("org:{o}"),
        KeyGrantee::OrganizationalUnit(ou) => format!("ou:{ou}"),
    }
}

/// Fills the owner's view of its keys, Region by Region, for the owners of `only`. Deleted keys
/// are gone.
pub(crate) fn observe(world: &World, obs: &mut Observation, only: Accounts<'_>) {
    for (addr, key) in world.kms.keys.iter().filter(|(addr, _)| only.has(&addr.0)) {
        if world.kms.live(addr, world.clock_hours).is_none() {
            continue;
        }
        let (owner, region, name) = addr;
        let Some(account) = obs.accounts.get_mut(owner) else {
            continue;
        };
        let mut grantees: Vec<String> = key.grantees.iter().map(render).collect();
        grantees.sort();
        account
            .regions
            .entry(region.clone())
            .or_default()
            .kms_keys
            .push(KeyView {
                name: name.clone(),
                arn: key_arn(world, addr, key),
                state: key.state.name().to_owned(),
                grantees,
            });
    }
}
