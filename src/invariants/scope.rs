//! Which accounts' Service Catalog state invariants a step can change, so that a step from a
//! clean observation re-checks only those (issue #8, docs/PERFORMANCE.md section 2).
//!
//! The Service Catalog invariants of one account (`sc::check_state`, per account and Region)
//! read that account's own view (its Service Catalog views and IAM principals) and, through the
//! index, three things of other accounts, always by name:
//!
//! - a portfolio, by its name: what an import, a pending share, a local copy's source portfolio
//!   or a launch path names (`ix.portfolios`);
//! - a product, by its name: what a local portfolio holds (`ix.products`);
//! - an account, by its name: the imports and pending shares of an account a portfolio is
//!   shared to (`ix.imports`, `ix.region`).
//!
//! (They read the organizations, the account ids and each account's organization and Regions
//! too, but a change of those is checked in full, `Inputs::between`.) So when the index has no
//! duplicate (`Index::problems` empty: each name has one entry), an account whose own view is
//! unchanged gets the same answers from every lookup unless the entry it looks up is listed by
//! an account whose view changed, before or after the step; and from a clean observation an
//! account whose answers are unchanged has no violation after either. [`Readers`] keeps, for
//! every such name, the accounts whose views mention it ([`Key`]), updated from one step to the
//! next for the accounts whose Service Catalog views changed, so that finding the accounts to
//! re-check costs what changed, not the size of the observation.

use sharesim_core::observe::AccountView;
use sharesim_core::op::ShareTarget;
use sharesim_core::{Name, Observation};
use std::collections::{BTreeMap, BTreeSet};

/// A name the Service Catalog invariants of an account look up in the index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    /// An account, as a portfolio share's target.
    Account(Name),
    /// A portfolio, by name.
    Portfolio(Name),
    /// A product, by name.
    Product(Name),
}

/// Every name the Service Catalog invariants of an account with this view look up (a superset
/// is harmless: it only widens the re-checked scope).
fn mentions(av: &AccountView) -> BTreeSet<Key> {
    let mut out = BTreeSet::new();
    for r in av.regions.values() {
        let sc = &r.sc;
        for p in &sc.portfolios {
            for pp in &p.products {
                out.insert(Key::Product(pp.product.clone()));
                if let Some(s) = &pp.source_portfolio {
                    out.insert(Key::Portfolio(s.clone()));
                }
            }
            for s in &p.shares {
                if let ShareTarget::Account(x) = &s.target {
                    out.insert(Key::Account(x.clone()));
                }
            }
        }
        for i in &sc.imported {
            out.insert(Key::Portfolio(i.portfolio.clone()));
        }
        for ps in &sc.pending_shares {
            out.insert(Key::Portfolio(ps.portfolio.clone()));
        }
        for lp in &sc.launch_paths {
            out.insert(Key::Portfolio(lp.portfolio.clone()));
            out.insert(Key::Product(lp.product.clone()));
        }
    }
    out
}

/// The names an account's view lists as its own, whose entries in the index other accounts
/// read: the account itself, its portfolios and its products.
fn listed(account: &Name, av: &AccountView, out: &mut BTreeSet<Key>) {
    out.insert(Key::Account(account.clone()));
    for r in av.regions.values() {
        for p in &r.sc.portfolios {
            out.insert(Key::Portfolio(p.name.clone()));
        }
        for p in &r.sc.products {
            out.insert(Key::Product(p.name.clone()));
        }
    }
}

/// Whether two views of an account have the same Service Catalog views, and so the same
/// mentions (`Shared` compares by pointer first).
fn same_sc(a: &AccountView, b: &AccountView) -> bool {
    a.regions.len() == b.regions.len()
        && a.regions
            .iter()
            .zip(&b.regions)
            .all(|((ra, va), (rb, vb))| ra == rb && va.sc == vb.sc)
}

/// For one observation, the accounts whose Service Catalog views mention each name. Kept with
/// the index of the same observation (`Kept` in `mod.rs`), which says which observation it is.
#[derive(Debug)]
pub(crate) struct Readers {
    /// What each account's view mentions.
    mentions: BTreeMap<Name, BTreeSet<Key>>,
    /// The accounts whose views mention each name.
    readers: BTreeMap<Key, BTreeSet<Name>>,
}

impl Readers {
    /// The readers of an observation, from scratch (linear in its Service Catalog views).
    pub fn of(obs: &Observation) -> Readers {
        let mut r = Readers {
            mentions: BTreeMap::new(),
            readers: BTreeMap::new(),
        };
        for (name, av) in &obs.accounts {
            r.add(name, mentions(av));
        }
        r
    }

    /// The readers of `after`, from these readers of `before` (updating only the accounts whose
    /// Service Catalog views differ; from scratch if the accounts differ).
    pub fn next(self, before: &Observation, after: &Observation) -> Readers {
        if before.accounts.len() != after.accounts.len() {
            return Readers::of(after);
        }
        let mut r = self;
        for ((bn, b), (an, a)) in before.accounts.iter().zip(&after.accounts) {
            if bn != an {
                return Readers::of(after);
            }
            if sharesim_core::observe::Shared::ptr_eq(b, a) || same_sc(b, a) {
                continue;
            }
            r.remove(an);
            r.add(an, mentions(a));
        }
        r
    }

    fn add(&mut self, account: &Name, keys: BTreeSet<Key>) {
        for k in &keys {
            self.readers
                .entry(k.clone())
                .or_default()
                .insert(account.clone());
        }
        self.mentions.insert(account.clone(), keys);
    }

    fn remove(&mut self, account: &Name) {
        let Some(keys) = self.mentions.remove(account) else {
            return;
        };
        for k in keys {
            if let Some(set) = self.readers.get_mut(&k) {
                set.remove(account);
                if set.is_empty() {
                    self.readers.remove(&k);
                }
            }
        }
    }

    /// The accounts of `after` (which these readers describe) whose Service Catalog invariants
    /// can find something else than in `before`, given the accounts whose Service Catalog views
    /// or IAM principals differ between the two: those accounts, and every account that mentions
    /// a name one of them lists, before or after.
    pub fn scope<'o>(
        &self,
        before: &Observation,
        after: &'o Observation,
        changed: &BTreeSet<&'o Name>,
    ) -> BTreeSet<&'o Name> {
        let mut touched = BTreeSet::new();
        for name in changed {
            for obs in [before, after] {
                if let Some(av) = obs.accounts.get(*name) {
                    listed(name, av, &mut touched);
                }
            }
        }
        let mut out: BTreeSet<&'o Name> = changed.clone();
        for k in &touched {
            for reader in self.readers.get(k).into_iter().flatten() {
                if let Some((n, _)) = after.accounts.get_key_value(reader) {
                    out.insert(n);
                }
            }
        }
        out
    }
}

/// What a step changed of the Service Catalog views, for the Service Catalog step invariants
/// (`sc::check_step`): the accounts whose Service Catalog views or IAM principals differ, and
/// the names of the portfolios and products they list before or after. Those invariants compare
/// the entries of before and after, by name (portfolios, products) or by account (imports,
/// provisioned products), and read the organizations, which are then unchanged
/// (`Inputs::between`); with no duplicate in either index (each name one entry), an entry that
/// is neither listed by one of these accounts nor named by them is the same before and after,
/// and none of those invariants finds anything in an entry that did not change. So visiting only
/// these entries, in the same order, finds what visiting all of them finds.
#[derive(Debug)]
pub(crate) struct StepScope<'o> {
    /// The accounts whose Service Catalog views or IAM principals changed.
    pub accounts: BTreeSet<&'o Name>,
    /// The portfolios those accounts list, before or after.
    pub portfolios: BTreeSet<&'o Name>,
    /// The products those accounts list, before or after.
    pub products: BTreeSet<&'o Name>,
}

impl<'o> StepScope<'o> {
    /// The scope of the step from `before` to `after` that changed the Service Catalog views or
    /// IAM principals of `changed` (and nothing of the organizations or the accounts' common
    /// parts).
    pub fn new(
        before: &'o Observation,
        after: &'o Observation,
        changed: &BTreeSet<&Name>,
    ) -> StepScope<'o> {
        let mut s = StepScope {
            accounts: BTreeSet::new(),
            portfolios: BTreeSet::new(),
            products: BTreeSet::new(),
        };
        for name in changed {
            for obs in [before, after] {
                let Some((account, av)) = obs.accounts.get_key_value(*name) else {
                    continue;
                };
                s.accounts.insert(account);
                for r in av.regions.values() {
                    s.portfolios.extend(r.sc.portfolios.iter().map(|p| &p.name));
                    s.products.extend(r.sc.products.iter().map(|p| &p.name));
                }
            }
        }
        s
    }
}
