//! IAM (RULES.md §2.2): users, roles and groups per account. Principals exist or they don't; the
//! model does not evaluate identity policies (RULES.md §0.2: the caller's own IAM permission is
//! taken as granted), it only needs to know who exists, for SC principal associations (IAM-03),
//! launch roles (IAM-05, SC-54) and RAM IAM principals.

#[cfg(test)]
mod tests;

use crate::error::{ApiError, Exception, reject};
use crate::name::Name;
use crate::observe::Observation;
use crate::op::{IamKind, Op, Principal};
use crate::response::Response;
use crate::world::{Accounts, Ctx, World};
use std::collections::{BTreeMap, BTreeSet};

/// The IAM principals of one account.
#[derive(Debug, Clone, Default)]
pub(crate) struct AccountIam {
    pub users: BTreeSet<Name>,
    pub roles: BTreeSet<Name>,
    /// Group name to member user names.
    pub groups: BTreeMap<Name, BTreeSet<Name>>,
}

/// IAM state of the world.
#[derive(Debug, Clone, Default)]
pub(crate) struct IamState {
    pub accounts: BTreeMap<Name, AccountIam>,
}

impl IamState {
    /// Whether the end-user principal exists in the account.
    pub fn principal_exists(&self, account: &Name, principal: &Principal) -> bool {
        let Some(iam) = self.accounts.get(account) else {
            return false;
        };
        match principal {
            Principal::User(n) => iam.users.contains(n),
            Principal::Role(n) => iam.roles.contains(n),
        }
    }

    /// Whether a principal of the given kind exists in the account.
    pub fn exists(&self, account: &Name, kind: IamKind, name: &Name) -> bool {
        let Some(iam) = self.accounts.get(account) else {
            return false;
        };
        match kind {
            IamKind::User => iam.users.contains(name),
            IamKind::Role => iam.roles.contains(name),
            IamKind::Group => iam.groups.contains_key(name),
        }
    }

    /// Whether `user` of `account` is a member of `group`.
    pub fn in_group(&self, account: &Name, user: &Name, group: &Name) -> bool {
        self.accounts
            .get(account)
            .and_then(|iam| iam.groups.get(group))
            .is_some_and(|members| members.contains(user))
    }
}

/// The ARN of an IAM principal.
pub(crate) fn arn(account_id: &str, kind: IamKind, name: &Name) -> String {
    let kind = match kind {
        IamKind::User => "user",
        IamKind::Role => "role",
        IamKind::Group => "group",
    };
    format!("arn:aws:iam::{account_id}:{kind}/{name}")
}

fn created(world: &World, ctx: &Ctx, kind: IamKind, name: &Name) -> Response {
    let arn = arn(&world.acct(&ctx.account), kind, name);
    Response::Created {
        id: name.to_string(),
        arn,
    }
}

/// Applies an IAM call.
pub(crate) fn apply(world: &mut World, ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    ctx.hit("IAM-01");
    let account = ctx.account.clone();
    match op {
        Op::CreateRole { role } => {
            let iam = world.iam.accounts.entry(account).or_default();
            if !iam.roles.insert(role.clone()) {
                return Err(exists("role", role));
            }
            Ok(created(world, ctx, IamKind::Role, role))
        }
        Op::DeleteRole { role } => {
            let iam = world.iam.accounts.entry(account).or_default();
            if !iam.roles.remove(role) {
                return Err(no_such("role", role));
            }
            Ok(Response::Empty)
        }
        Op::CreateUser { user } => {
            let iam = world.iam.accounts.entry(account).or_default();
            if !iam.users.insert(user.clone()) {
                return Err(exists("user", user));
            }
            Ok(created(world, ctx, IamKind::User, user))
        }
        Op::DeleteUser { user } => {
            let iam = world.iam.accounts.entry(account).or_default();
            if !iam.users.contains(user) {
                return Err(no_such("user", user));
            }
            if iam.groups.values().any(|m| m.contains(user)) {
                return Err(reject(
                    Exception::DeleteConflictException,
                    "IAM-01",
                    format!("user {user} is still a member of a group"),
                ));
            }
            iam.users.remove(user);
            Ok(Response::Empty)
        }
        Op::CreateGroup { group } => {
            let iam = world.iam.accounts.entry(account).or_default();
            if iam.groups.contains_key(group) {
                return Err(exists("group", group));
            }
            iam.groups.insert(group.clone(), BTreeSet::new());
            Ok(created(world, ctx, IamKind::Group, group))
        }
        Op::DeleteGroup { group } => {
            let iam = world.iam.accounts.entry(account).or_default();
            match iam.groups.get(group) {
                None => Err(no_such("group", group)),
                Some(members) if !members.is_empty() => Err(reject(
                    Exception::DeleteConflictException,
                    "IAM-01",
                    format!("group {group} still has members"),
                )),
                Some(_) => {
                    iam.groups.remove(group);
                    Ok(Response::Empty)
                }
            }
        }
        Op::AddUserToGroup { user, group } => {
            let iam = world.iam.accounts.entry(account).or_default();
            if !iam.users.contains(user) {
                return Err(no_such("user", user));
            }
            let Some(members) = iam.groups.get_mut(group) else {
                return Err(no_such("group", group));
            };
            members.insert(user.clone());
            Ok(Response::Empty)
        }
        Op::RemoveUserFromGroup { user, group } => {
            let iam = world.iam.accounts.entry(account).or_default();
            let Some(members) = iam.groups.get_mut(group) else {
                return Err(no_such("group", group));
            };
            if !members.remove(user) {
                return Err(no_such("user", user));
            }
            Ok(Response::Empty)
        }
        other => Err(super::not_modelled(other)),
    }
}

fn exists(kind: &str, name: &Name) -> ApiError {
    reject(
        Exception::EntityAlreadyExistsException,
        "IAM-01",
        format!("{kind} {name} already exists"),
    )
}

fn no_such(kind: &str, name: &Name) -> ApiError {
    reject(
        Exception::NoSuchEntityException,
        "IAM-01",
        format!("{kind} {name} does not exist"),
    )
}

/// Fills the IAM part of the view of each account of `only`.
pub(crate) fn observe(world: &World, obs: &mut Observation, only: Accounts<'_>) {
    for (account, iam) in world.iam.accounts.iter().filter(|(a, _)| only.has(a)) {
        if let Some(view) = obs.accounts.get_mut(account) {
            view.iam.users = iam.users.iter().cloned().collect();
            view.iam.roles = iam.roles.iter().cloned().collect();
            view.iam.groups = iam
                .groups
                .iter()
                .map(|(g, m)| (g.clone(), m.iter().cloned().collect()))
                .collect();
        }
    }
}
