//! Which accounts' Service Catalog state invariants a step can change, so that a step from a
//! clean observation re-checks only those (issue #8, docs/PERFORMANCE.md section 2); and
//! likewise which (account, Region) views' RAM, Image Builder and KMS state invariants
//! ([`RamReaders`], at the end).
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

use super::arn::{self, Entity};
use super::index::Index;
use super::ram;
use sharesim_core::observe::{AccountView, IbResourceView, RegionView, ResourceShareView};
use sharesim_core::op::ShareTarget;
use sharesim_core::{Name, Observation, Region};
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

/// Which units (accounts, or (account, Region) views) mention which keys, both ways: what each
/// unit mentions, to take it back when the unit's view changes, and the units that mention each
/// key, to find the readers of what changed.
#[derive(Debug)]
struct Mentions<U, K> {
    /// What each unit mentions.
    by_unit: BTreeMap<U, BTreeSet<K>>,
    /// The units that mention each key.
    by_key: BTreeMap<K, BTreeSet<U>>,
}

impl<U, K> Default for Mentions<U, K> {
    fn default() -> Self {
        Mentions {
            by_unit: BTreeMap::new(),
            by_key: BTreeMap::new(),
        }
    }
}

impl<U: Ord + Clone, K: Ord + Clone> Mentions<U, K> {
    /// Records that `unit` mentions `keys` (after [`Mentions::remove`] if it was recorded).
    fn add(&mut self, unit: U, keys: BTreeSet<K>) {
        for k in &keys {
            self.by_key
                .entry(k.clone())
                .or_default()
                .insert(unit.clone());
        }
        self.by_unit.insert(unit, keys);
    }

    /// Forgets what `unit` mentions.
    fn remove(&mut self, unit: &U) {
        let Some(keys) = self.by_unit.remove(unit) else {
            return;
        };
        for k in keys {
            if let Some(set) = self.by_key.get_mut(&k) {
                set.remove(unit);
                if set.is_empty() {
                    self.by_key.remove(&k);
                }
            }
        }
    }

    /// The units that mention `key`.
    fn readers(&self, key: &K) -> impl Iterator<Item = &U> {
        self.by_key.get(key).into_iter().flatten()
    }
}

/// For one observation, the accounts whose Service Catalog views mention each name. Kept with
/// the index of the same observation (`Kept` in `mod.rs`), which says which observation it is.
#[derive(Debug)]
pub(crate) struct Readers {
    /// What each account's view mentions, and the accounts whose views mention each name.
    m: Mentions<Name, Key>,
}

impl Readers {
    /// The readers of an observation, from scratch (linear in its Service Catalog views).
    pub fn of(obs: &Observation) -> Readers {
        let mut r = Readers {
            m: Mentions::default(),
        };
        for (name, av) in &obs.accounts {
            r.m.add(name.clone(), mentions(av));
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
            r.m.remove(an);
            r.m.add(an.clone(), mentions(a));
        }
        r
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
            for reader in self.m.readers(k) {
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

// ---------------------------------------------------------------------------------------------
// RAM, Image Builder and KMS
// ---------------------------------------------------------------------------------------------

/// One account's view of one Region: the unit of the RAM, Image Builder and KMS state
/// invariants (`ram::check_state` checks each apart, in this order).
pub(crate) type Unit<'o> = (&'o Name, &'o Region);

/// Something of another account's Region view that the RAM, Image Builder and KMS state
/// invariants of an (account, Region) view look up by name, besides the shares that cover the
/// account (found with `ram::covered`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum RamKey {
    /// An Image Builder resource by ARN (`ix.ib`): one the view lists as shared with it, or one
    /// its own shares associate.
    Ib(String),
    /// A share by (owner, Region, name) (`ix.shares`): one the view lists as received.
    Share(Name, Region, Name),
    /// The invitations of an account in a Region: one an own share names as a principal.
    Invitations(Name, Region),
}

/// Every [`RamKey`] the RAM, Image Builder and KMS state invariants of this view look up.
fn ram_mentions(region: &Region, r: &RegionView) -> BTreeSet<RamKey> {
    let mut out = BTreeSet::new();
    for res in &r.ib.shared {
        out.insert(RamKey::Ib(res.arn.clone()));
    }
    for s in &r.ram.shares {
        for res in &s.resources {
            out.insert(RamKey::Ib(res.entity.clone()));
        }
        for p in &s.principals {
            if let Entity::Account(a) = arn::entity(&p.entity) {
                out.insert(RamKey::Invitations(a, region.clone()));
            }
        }
    }
    for rs in &r.ram.received {
        out.insert(RamKey::Share(
            rs.owner.clone(),
            region.clone(),
            rs.name.clone(),
        ));
    }
    out
}

/// Whether two views of a Region have the same RAM and Image Builder views, and so the same
/// [`RamKey`]s (`Shared` compares by pointer first).
fn same_ram(a: &RegionView, b: &RegionView) -> bool {
    a.ram == b.ram && a.ib == b.ib
}

/// For one observation, the (account, Region) views that look up each [`RamKey`]. Kept with
/// the index of the same observation, like [`Readers`].
///
/// Why the scope it gives is exact. The RAM, Image Builder and KMS state invariants of the view
/// of account X in Region R (`ram::check_state`) read: that view; the organizations, account
/// ids and each account's organization and Regions (a change of those is checked in full,
/// `Inputs::between`); the ACTIVE STANDARD shares of R, of which only those with a principal
/// covering X (`ram::covered`) change any answer; and by name the [`RamKey`]s of the view. So
/// when neither index has a duplicate, a view that is unchanged gets the same answers unless a
/// share of R that covers X, before or after, changed, or an entry it looks up by name
/// changed: a share it received, the invitations of a principal of its own shares, or an Image
/// Builder resource it lists as shared, that its shares associate, or that a share covering X
/// associates. From a clean observation such a view has no violation after either (the
/// explanations of a violation, `ram::why_not`, are only built for one).
#[derive(Debug)]
pub(crate) struct RamReaders {
    /// What each view mentions, and the views that mention each key.
    m: Mentions<(Name, Region), RamKey>,
}

impl RamReaders {
    /// The readers of an observation, from scratch (linear in its RAM and Image Builder views).
    pub fn of(obs: &Observation) -> RamReaders {
        let mut r = RamReaders {
            m: Mentions::default(),
        };
        for (name, av) in &obs.accounts {
            for (region, rv) in &av.regions {
                r.m.add((name.clone(), region.clone()), ram_mentions(region, rv));
            }
        }
        r
    }

    /// The readers of `after`, from these readers of `before` (updating only the views whose
    /// RAM or Image Builder parts differ; from scratch if the accounts or Regions differ).
    pub fn next(self, before: &Observation, after: &Observation) -> RamReaders {
        if before.accounts.len() != after.accounts.len() {
            return RamReaders::of(after);
        }
        let mut r = self;
        for ((bn, b), (an, a)) in before.accounts.iter().zip(&after.accounts) {
            if bn != an || b.regions.len() != a.regions.len() {
                return RamReaders::of(after);
            }
            if sharesim_core::observe::Shared::ptr_eq(b, a) {
                continue;
            }
            for ((br, bv), (ar, av)) in b.regions.iter().zip(&a.regions) {
                if br != ar {
                    return RamReaders::of(after);
                }
                if same_ram(bv, av) {
                    continue;
                }
                let unit = (an.clone(), ar.clone());
                r.m.remove(&unit);
                r.m.add(unit, ram_mentions(ar, av));
            }
        }
        r
    }

    /// The views of `after` (indexed by `a`, which these readers describe) whose RAM, Image
    /// Builder and KMS state invariants can find something else than in `before` (indexed by
    /// `b`), given the views whose RAM, Image Builder or KMS parts differ (`changed`): those,
    /// the readers of what changed in them (their received-by-others shares, their Image
    /// Builder resources, their invitations), and the views covered by a changed share or by a
    /// share associating a changed Image Builder resource.
    pub fn scope<'o>(
        &self,
        b: &Index<'_>,
        a: &Index<'o>,
        changed: &BTreeSet<Unit<'_>>,
    ) -> BTreeSet<Unit<'o>> {
        let mut out: BTreeSet<Unit<'o>> = BTreeSet::new();
        let mut keys: BTreeSet<RamKey> = BTreeSet::new();
        for &(x, region) in changed {
            let Some((x, ax)) = a.obs.accounts.get_key_value(x) else {
                continue;
            };
            let Some((region, av)) = ax.regions.get_key_value(region) else {
                continue;
            };
            out.insert((x, region));
            let Some(bv) = b.region(x, region) else {
                continue;
            };
            if bv.ram != av.ram {
                let bs: BTreeMap<&Name, &ResourceShareView> =
                    bv.ram.shares.iter().map(|s| (&s.name, s)).collect();
                let as_: BTreeMap<&Name, &ResourceShareView> =
                    av.ram.shares.iter().map(|s| (&s.name, s)).collect();
                for name in bs.keys().chain(as_.keys()) {
                    let (old, new) = (bs.get(name), as_.get(name));
                    if old == new {
                        continue;
                    }
                    for s in old.into_iter().chain(new).copied() {
                        ram::covered(a, x, s, region, &mut out);
                    }
                    keys.insert(RamKey::Share(x.clone(), region.clone(), (*name).clone()));
                }
                if bv.ram.invitations != av.ram.invitations {
                    keys.insert(RamKey::Invitations(x.clone(), region.clone()));
                }
            }
            if bv.ib.owned != av.ib.owned {
                let bo: BTreeMap<&str, &IbResourceView> =
                    bv.ib.owned.iter().map(|r| (r.arn.as_str(), r)).collect();
                let ao: BTreeMap<&str, &IbResourceView> =
                    av.ib.owned.iter().map(|r| (r.arn.as_str(), r)).collect();
                for arn in bo.keys().chain(ao.keys()) {
                    if bo.get(arn) != ao.get(arn) {
                        keys.insert(RamKey::Ib((*arn).to_owned()));
                    }
                }
            }
        }
        for k in &keys {
            for (n, g) in self.m.readers(k) {
                let Some((n, av)) = a.obs.accounts.get_key_value(n) else {
                    continue;
                };
                let Some((g, rv)) = av.regions.get_key_value(g) else {
                    continue;
                };
                out.insert((n, g));
                // A share of this view that associates a changed Image Builder resource grants
                // it to the views it covers.
                if let RamKey::Ib(arn) = k {
                    for s in &rv.ram.shares {
                        if s.resources.iter().any(|r| &r.entity == arn) {
                            ram::covered(a, n, s, g, &mut out);
                        }
                    }
                }
            }
        }
        out
    }
}
