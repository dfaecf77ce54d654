//! Organization-tree facts (ORG-02, ORG-11), computed from the observation's
//! [`OrganizationView`]s by the checker's own code: which organization an account belongs to,
//! which accounts an organization node covers, and whether the tree is well formed.

use super::index::Index;
use super::{Cx, InvariantId, Violation};
use sharesim_core::Name;
use sharesim_core::observe::OrganizationView;
use sharesim_core::op::{Parent, ShareTarget};
use std::collections::{BTreeMap, BTreeSet};

/// A node of an organization tree, as SC node shares and RAM principals name it (ORG-11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Node<'a> {
    /// The whole organization.
    Organization(&'a Name),
    /// An OU and its descendants.
    Ou(&'a Name),
    /// One account.
    Account(&'a Name),
}

impl<'a> Node<'a> {
    /// The node a Service Catalog share targets (an account share targets the account).
    pub fn of_target(target: &'a ShareTarget) -> Node<'a> {
        match target {
            ShareTarget::Account(a) | ShareTarget::OrganizationMemberAccount(a) => Node::Account(a),
            ShareTarget::Organization(o) => Node::Organization(o),
            ShareTarget::OrganizationalUnit(o) => Node::Ou(o),
        }
    }
}

/// The organizations of an observation, indexed.
#[derive(Debug)]
pub(crate) struct OrgTree<'o> {
    orgs: &'o BTreeMap<Name, OrganizationView>,
    account_org: BTreeMap<&'o Name, &'o Name>,
    ou_org: BTreeMap<&'o Name, &'o Name>,
}

impl<'o> OrgTree<'o> {
    pub fn new(orgs: &'o BTreeMap<Name, OrganizationView>) -> Self {
        let mut account_org = BTreeMap::new();
        let mut ou_org = BTreeMap::new();
        for (name, o) in orgs {
            for a in o.accounts.keys() {
                account_org.entry(a).or_insert(name);
            }
            for ou in o.ous.keys() {
                ou_org.entry(ou).or_insert(name);
            }
        }
        OrgTree {
            orgs,
            account_org,
            ou_org,
        }
    }

    /// The organization the account is a member of.
    pub fn org_of(&self, account: &Name) -> Option<&'o Name> {
        self.account_org.get(account).copied()
    }

    /// An organization's view.
    pub fn view(&self, org: &Name) -> Option<&'o OrganizationView> {
        self.orgs.get(org)
    }

    /// The view of the organization the account belongs to.
    pub fn view_of(&self, account: &Name) -> Option<&'o OrganizationView> {
        self.org_of(account).and_then(|o| self.view(o))
    }

    /// The organization an OU belongs to.
    pub fn org_of_ou(&self, ou: &Name) -> Option<&'o Name> {
        self.ou_org.get(ou).copied()
    }

    /// Whether two accounts are members of the same organization.
    pub fn same_org(&self, a: &Name, b: &Name) -> bool {
        matches!((self.org_of(a), self.org_of(b)), (Some(x), Some(y)) if x == y)
    }

    /// The OUs above an account, nearest first (bounded by the number of OUs, so a cycle, which
    /// INV-12 reports, cannot loop).
    pub fn ancestors(&self, account: &Name) -> Vec<&'o Name> {
        let Some(o) = self.view_of(account) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut parent = o.accounts.get(account);
        for _ in 0..=o.ous.len() {
            match parent {
                Some(Parent::Ou(ou)) => {
                    out.push(ou);
                    parent = o.ous.get(ou);
                }
                Some(Parent::Root) | None => break,
            }
        }
        out
    }

    /// ORG-11: whether `account` is in `node` in this tree.
    pub fn covers(&self, node: Node<'_>, account: &Name) -> bool {
        match node {
            Node::Account(a) => a == account,
            Node::Organization(org) => self.org_of(account) == Some(org),
            Node::Ou(ou) => {
                self.org_of_ou(ou).is_some()
                    && self.org_of_ou(ou) == self.org_of(account)
                    && self.ancestors(account).contains(&ou)
            }
        }
    }

    /// ORG-11: every account in `node`.
    pub fn members(&self, node: Node<'_>) -> BTreeSet<&'o Name> {
        let org = match node {
            Node::Account(a) => {
                return self
                    .account_org
                    .get_key_value(a)
                    .map(|(k, _)| *k)
                    .into_iter()
                    .collect();
            }
            Node::Organization(o) => self.orgs.get(o),
            Node::Ou(ou) => self.org_of_ou(ou).and_then(|o| self.orgs.get(o)),
        };
        org.map(|o| o.accounts.keys().filter(|a| self.covers(node, a)).collect())
            .unwrap_or_default()
    }

    /// The depth of an OU under the root (1 for a child of the root), bounded.
    pub fn ou_depth(&self, org: &OrganizationView, ou: &Name) -> usize {
        let mut depth = 1;
        let mut parent = org.ous.get(ou);
        for _ in 0..=org.ous.len() {
            match parent {
                Some(Parent::Ou(p)) => {
                    depth += 1;
                    parent = org.ous.get(p);
                }
                Some(Parent::Root) | None => break,
            }
        }
        depth
    }
}

/// INV-12 (tree part): ORG-01, ORG-02.
pub(crate) fn check_state(_cx: &Cx<'_>, ix: &Index<'_>, out: &mut Vec<Violation>) {
    let mut seen: BTreeMap<&Name, &Name> = BTreeMap::new();
    for (name, o) in &ix.obs.organizations {
        if !o.accounts.contains_key(&o.management) {
            out.push(Violation::new(
                InvariantId::Inv12,
                &["ORG-01", "ORG-02"],
                format!(
                    "organization {name}: its management account {} is not a member of it",
                    o.management
                ),
            ));
        }
        for (account, parent) in &o.accounts {
            if let Some(other) = seen.insert(account, name) {
                out.push(Violation::new(
                    InvariantId::Inv12,
                    &["ORG-01"],
                    format!(
                        "account {account} is a member of two organizations, {other} and {name}"
                    ),
                ));
            }
            if let Parent::Ou(ou) = parent
                && !o.ous.contains_key(ou)
            {
                out.push(Violation::new(
                    InvariantId::Inv12,
                    &["ORG-02"],
                    format!(
                        "organization {name}: account {account} has parent OU {ou}, which does not exist"
                    ),
                ));
            }
            let shown = ix
                .obs
                .accounts
                .get(account)
                .and_then(|a| a.organization.as_ref());
            if shown != Some(name) {
                out.push(Violation::new(
                    InvariantId::Inv12,
                    &["ORG-02"],
                    format!(
                        "account {account} is a member of organization {name} but its account view says {shown:?}"
                    ),
                ));
            }
        }
        for (ou, parent) in &o.ous {
            if let Parent::Ou(p) = parent
                && !o.ous.contains_key(p)
            {
                out.push(Violation::new(
                    InvariantId::Inv12,
                    &["ORG-02"],
                    format!("organization {name}: OU {ou} has parent OU {p}, which does not exist"),
                ));
            }
            if ix.orgs.ou_depth(o, ou) > o.ous.len() {
                out.push(Violation::new(
                    InvariantId::Inv12,
                    &["ORG-02"],
                    format!("organization {name}: OU {ou} is on a cycle of parents"),
                ));
            }
        }
    }
    for (account, view) in &ix.obs.accounts {
        if let Some(org) = &view.organization
            && seen.get(account) != Some(&org)
        {
            out.push(Violation::new(
                InvariantId::Inv12,
                &["ORG-02"],
                format!(
                    "account {account} says it belongs to organization {org}, which does not list it"
                ),
            ));
        }
    }
}
