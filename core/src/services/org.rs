//! AWS Organizations (RULES.md §2.1): the organization tree, trusted access and delegated
//! administrators.
//!
//! Membership of an organization node (ORG-11) is always computed from the current tree, never
//! cached, so Service Catalog node shares and RAM organization/OU principals follow the tree as
//! it is when access is checked. Operations that change the tree call the Service Catalog and RAM
//! reconciliation hooks, which apply the consequences of lost access (SC-35, RAM-24).
//!
//! This file holds the state and the query API other services code against; the operations are
//! in `org/ops.rs`.

mod ops;
#[cfg(test)]
pub(crate) mod tests;

use crate::name::Name;
use crate::observe::Observation;
use crate::op::{FeatureSet, Parent, Service};
use crate::world::World;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) use ops::apply;

/// One organization.
#[derive(Debug, Clone)]
pub(crate) struct Organization {
    /// `o-…`.
    pub id: String,
    /// The root id `r-…`.
    pub root_id: String,
    pub management: Name,
    pub feature_set: FeatureSet,
    /// OU name to (id, parent).
    pub ous: BTreeMap<Name, (String, Parent)>,
    /// Member account (management included) to its parent.
    pub accounts: BTreeMap<Name, Parent>,
    /// Services with trusted access (ORG-09).
    pub trusted: BTreeSet<Service>,
    /// Delegated administrators per service (ORG-10).
    pub delegated: BTreeMap<Service, BTreeSet<Name>>,
    /// RAM-25: sharing with the organization enabled through RAM.
    pub ram_sharing: bool,
    /// SC-31/SC-32: Service Catalog Organizations access.
    pub sc_access: bool,
}

/// A node of an organization tree (ORG-11).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Node {
    Organization(Name),
    Ou(Name),
    Account(Name),
}

/// Organizations state of the world.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrgState {
    /// Organization name to organization.
    pub orgs: BTreeMap<Name, Organization>,
}

impl OrgState {
    /// The organization the account belongs to.
    pub fn org_of(&self, account: &Name) -> Option<&Name> {
        self.orgs
            .iter()
            .find(|(_, o)| o.accounts.contains_key(account))
            .map(|(n, _)| n)
    }

    /// The organization record the account belongs to.
    pub fn organization_of(&self, account: &Name) -> Option<&Organization> {
        self.org_of(account).and_then(|n| self.orgs.get(n))
    }

    /// The organization that holds an OU.
    pub fn org_of_ou(&self, ou: &Name) -> Option<&Name> {
        self.orgs
            .iter()
            .find(|(_, o)| o.ous.contains_key(ou))
            .map(|(n, _)| n)
    }

    /// Whether the account is its organization's management account.
    pub fn is_management(&self, account: &Name) -> bool {
        self.organization_of(account)
            .is_some_and(|o| &o.management == account)
    }

    /// Whether the account is a registered delegated administrator for the service.
    pub fn is_delegated_admin(&self, account: &Name, service: Service) -> bool {
        self.organization_of(account).is_some_and(|o| {
            o.delegated
                .get(&service)
                .is_some_and(|set| set.contains(account))
        })
    }

    /// ORG-11: whether `account` is in `node`, against the current tree.
    pub fn in_node(&self, account: &Name, node: &Node) -> bool {
        match node {
            Node::Account(a) => a == account,
            Node::Organization(org) => self
                .orgs
                .get(org)
                .is_some_and(|o| o.accounts.contains_key(account)),
            Node::Ou(ou) => {
                let Some(org) = self.org_of_ou(ou).and_then(|n| self.orgs.get(n)) else {
                    return false;
                };
                let Some(mut parent) = org.accounts.get(account) else {
                    return false;
                };
                // Walk up the tree; the depth is bounded by the number of OUs, and the bound
                // also protects against a cycle (which MoveAccount and CreateOU never make).
                for _ in 0..=org.ous.len() {
                    match parent {
                        Parent::Root => return false,
                        Parent::Ou(p) if p == ou => return true,
                        Parent::Ou(p) => match org.ous.get(p) {
                            Some((_, up)) => parent = up,
                            None => return false,
                        },
                    }
                }
                false
            }
        }
    }

    /// Every account in `node` (ORG-11).
    pub fn members_of(&self, node: &Node) -> BTreeSet<Name> {
        let org = match node {
            Node::Account(a) => return BTreeSet::from([a.clone()]),
            Node::Organization(org) => self.orgs.get(org),
            Node::Ou(ou) => self.org_of_ou(ou).and_then(|n| self.orgs.get(n)),
        };
        org.map(|o| {
            o.accounts
                .keys()
                .filter(|a| self.in_node(a, node))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
    }
}

/// Fills the Organizations part of the observation: the organizations' views, and (when
/// `members`) each member account's organization. `World::observe_after` sets the
/// organization itself for the accounts whose membership an Organizations call changed and
/// keeps the others' as they were (only Organizations calls change who is a member).
pub(crate) fn observe(world: &World, obs: &mut Observation, members: bool) {
    for (name, o) in &world.org.orgs {
        obs.organizations.insert(
            name.clone(),
            crate::observe::OrganizationView {
                id: o.id.clone(),
                management: o.management.clone(),
                feature_set: o.feature_set,
                ous: o
                    .ous
                    .iter()
                    .map(|(n, (_, p))| (n.clone(), p.clone()))
                    .collect(),
                accounts: o.accounts.clone(),
                trusted_services: o.trusted.iter().copied().collect(),
                delegated_administrators: o
                    .delegated
                    .iter()
                    .map(|(s, set)| (*s, set.iter().cloned().collect()))
                    .collect(),
                ram_sharing_enabled: o.ram_sharing,
                sc_access: if o.sc_access { "ENABLED" } else { "DISABLED" }.to_owned(),
            },
        );
        for account in o.accounts.keys().filter(|_| members) {
            if let Some(view) = obs.accounts.get_mut(account) {
                view.organization = Some(name.clone());
            }
        }
    }
}
