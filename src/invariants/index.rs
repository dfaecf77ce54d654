//! One pass over an observation that indexes what the checks look up: portfolios, products,
//! imports, Image Builder resources by ARN, RAM shares, KMS keys, account ids, and the
//! organization tree. Building it is linear in the observation; entities listed twice (by two
//! owners or in two Regions) are INV-01 violations, recorded in [`Index::problems`].

use super::org::OrgTree;
use super::render;
use super::{InvariantId, Violation};
use rustc_hash::FxBuildHasher;
use sharesim_core::observe::{
    AccountView, IbResourceView, ImportView, KeyView, PortfolioView, ProductView, RegionView,
    ResourceShareView,
};
use sharesim_core::{Name, Observation, Region};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// An element of the observation and where it is listed.
#[derive(Debug)]
pub(crate) struct Loc<'o, T> {
    pub account: &'o Name,
    pub region: &'o Region,
    pub item: &'o T,
}

impl<T> Clone for Loc<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Loc<'_, T> {}

/// The index of one observation.
#[derive(Debug)]
pub(crate) struct Index<'o> {
    pub obs: &'o Observation,
    pub orgs: OrgTree<'o>,
    by_id: HashMap<&'o str, &'o Name, FxBuildHasher>,
    /// Local portfolios by name.
    pub portfolios: BTreeMap<&'o Name, Loc<'o, PortfolioView>>,
    /// Imports by (recipient, portfolio).
    pub imports: BTreeMap<(&'o Name, &'o Name), Loc<'o, ImportView>>,
    /// Products by name.
    pub products: BTreeMap<&'o Name, Loc<'o, ProductView>>,
    /// Owned Image Builder resources by ARN.
    pub ib: ArnMap<'o, IbResourceView>,
    /// RAM shares by (owner, Region, name).
    pub shares: BTreeMap<(&'o Name, &'o Region, &'o Name), &'o ResourceShareView>,
    /// KMS keys by ARN.
    pub keys: ArnMap<'o, KeyView>,
    /// INV-01 violations found while indexing.
    pub problems: Vec<Violation>,
}

impl<'o> Index<'o> {
    pub fn new(obs: &'o Observation) -> Self {
        let mut ix = Index {
            obs,
            orgs: OrgTree::new(&obs.organizations),
            by_id: HashMap::default(),
            portfolios: BTreeMap::new(),
            imports: BTreeMap::new(),
            products: BTreeMap::new(),
            ib: ArnMap::with_capacity(regions(obs).map(|(_, _, _, r)| r.ib.owned.len()).sum()),
            shares: BTreeMap::new(),
            keys: ArnMap::default(),
            problems: Vec::new(),
        };
        for (name, a) in &obs.accounts {
            if let Some(other) = ix.by_id.insert(a.id.as_str(), name) {
                ix.problems.push(Violation::new(
                    InvariantId::Inv01,
                    &["IAM-01"],
                    format!("accounts {other} and {name} have the same id {}", a.id),
                ));
            }
        }
        for (account, _, region, r) in regions(obs) {
            for p in &r.sc.portfolios {
                let loc = Loc {
                    account,
                    region,
                    item: p,
                };
                if let Some(prev) = ix.portfolios.insert(&p.name, loc) {
                    ix.problems.push(twice("portfolio", &p.name, &prev, &loc));
                }
            }
            for i in &r.sc.imported {
                let loc = Loc {
                    account,
                    region,
                    item: i,
                };
                if let Some(prev) = ix.imports.insert((account, &i.portfolio), loc) {
                    ix.problems.push(
                        Violation::new(
                            InvariantId::Inv01,
                            &["SC-37"],
                            format!(
                                "account {account} lists an import of portfolio {} in two Regions, {} and {region}",
                                i.portfolio, prev.region
                            ),
                        )
                        .after(render::ron(i)),
                    );
                }
            }
            for p in &r.sc.products {
                let loc = Loc {
                    account,
                    region,
                    item: p,
                };
                if let Some(prev) = ix.products.insert(&p.name, loc) {
                    ix.problems.push(twice("product", &p.name, &prev, &loc));
                }
            }
            for res in &r.ib.owned {
                let loc = Loc {
                    account,
                    region,
                    item: res,
                };
                if let Some(prev) = ix.ib.insert(res.arn.as_str(), loc) {
                    ix.problems
                        .push(twice("Image Builder resource", &res.arn, &prev, &loc));
                }
            }
            for s in &r.ram.shares {
                if ix.shares.insert((account, region, &s.name), s).is_some() {
                    ix.problems.push(Violation::new(
                        InvariantId::Inv01,
                        &["RAM-01"],
                        format!(
                            "account {account} lists two resource shares named {} in {region}",
                            s.name
                        ),
                    ));
                }
            }
            for k in &r.kms_keys {
                let loc = Loc {
                    account,
                    region,
                    item: k,
                };
                if let Some(prev) = ix.keys.insert(k.arn.as_str(), loc) {
                    ix.problems.push(twice("KMS key", &k.arn, &prev, &loc));
                }
            }
        }
        ix
    }

    /// The account with this 12-digit id.
    pub fn account_of_id(&self, id: &str) -> Option<&'o Name> {
        self.by_id.get(id).copied()
    }

    /// The 12-digit id of an account.
    pub fn id_of(&self, account: &Name) -> Option<&'o str> {
        self.obs.accounts.get(account).map(|a| a.id.as_str())
    }

    /// The Region view of an account.
    pub fn region(&self, account: &Name, region: &Region) -> Option<&'o RegionView> {
        self.obs
            .accounts
            .get(account)
            .and_then(|a| a.regions.get(region))
    }

    /// A portfolio as `account` sees it in `region`: its own, or its import.
    pub fn visible_portfolio(
        &self,
        account: &Name,
        region: &Region,
        portfolio: &Name,
    ) -> Option<Visible<'o>> {
        if let Some(p) = self.portfolios.get(portfolio)
            && p.account == account
            && p.region == region
        {
            return Some(Visible::Local(p.item));
        }
        self.imports
            .get(&(account, portfolio))
            .filter(|i| i.region == region)
            .map(|i| Visible::Imported(i.item))
    }
}

self_cell::self_cell!(
    /// An observation together with its index, so that the index outlives the step that built
    /// it: the explorer's `after` is the next step's `before`, and its index is kept
    /// ([`crate::scenario::run::Memo`]) instead of built again. The observation is shared
    /// (`Arc`) with the explorer, which is how the checker knows the `before` it is given is the
    /// one it indexed (`Arc::ptr_eq`: the kept `Arc` keeps its allocation alive, so an equal
    /// pointer is the same, unchanged observation).
    pub(crate) struct Indexed {
        owner: Arc<Observation>,
        #[covariant]
        dependent: Index,
    }
    impl {Debug}
);

impl Indexed {
    /// Indexes an observation.
    pub fn of(obs: &Arc<Observation>) -> Indexed {
        Indexed::new(Arc::clone(obs), |o| Index::new(o))
    }

    /// Whether this is the index of `obs` itself.
    pub fn indexes(&self, obs: &Arc<Observation>) -> bool {
        Arc::ptr_eq(self.borrow_owner(), obs)
    }

    /// The index.
    pub fn index(&self) -> &Index<'_> {
        self.borrow_dependent()
    }
}

/// Elements of an observation by ARN, for lookups. ARNs of one account and Region share their
/// first 45 or so bytes, so ordered maps spent most of their time comparing those prefixes
/// (docs/PERFORMANCE.md section 2); a hash map reads each ARN once. Its hasher is deterministic
/// (`rustc_hash`'s Fx hash, no random seed), and its order is never observable: everything that walks the
/// elements ([`ArnMap::missing_from`], [`ArnMap::sorted_where`]) returns them in the order of
/// their ARNs, as the ordered map it replaces did, so violations come out in the same order.
#[derive(Debug)]
pub(crate) struct ArnMap<'o, T> {
    map: HashMap<&'o str, Loc<'o, T>, FxBuildHasher>,
}

impl<T> Default for ArnMap<'_, T> {
    fn default() -> Self {
        ArnMap {
            map: HashMap::default(),
        }
    }
}

impl<'o, T> ArnMap<'o, T> {
    /// An empty map with room for `n` elements (growing a hash map rehashes every key).
    fn with_capacity(n: usize) -> Self {
        ArnMap {
            map: HashMap::with_capacity_and_hasher(n, FxBuildHasher),
        }
    }

    /// Inserts an element, returning the one it replaces (listed earlier under the same ARN).
    fn insert(&mut self, arn: &'o str, loc: Loc<'o, T>) -> Option<Loc<'o, T>> {
        self.map.insert(arn, loc)
    }

    /// The element with this ARN (the last listed, if listed twice).
    pub fn get(&self, arn: &str) -> Option<&Loc<'o, T>> {
        self.map.get(arn)
    }

    /// Whether an element has this ARN.
    pub fn contains_key(&self, arn: &str) -> bool {
        self.map.contains_key(arn)
    }

    /// The elements whose ARN `other` does not have, in the order of their ARNs.
    pub fn missing_from(&self, other: &ArnMap<'_, T>) -> Vec<(&'o str, Loc<'o, T>)> {
        self.sorted(|arn, _| !other.contains_key(arn))
    }

    /// The elements that satisfy `keep`, in the order of their ARNs.
    pub fn sorted_where(&self, keep: impl Fn(&Loc<'o, T>) -> bool) -> Vec<(&'o str, Loc<'o, T>)> {
        self.sorted(|_, loc| keep(loc))
    }

    fn sorted(&self, keep: impl Fn(&str, &Loc<'o, T>) -> bool) -> Vec<(&'o str, Loc<'o, T>)> {
        // The hash map's order is sorted away before anything sees it.
        let mut out: Vec<(&'o str, Loc<'o, T>)> = self
            .map
            .iter()
            .filter(|(arn, loc)| keep(arn, loc))
            .map(|(arn, loc)| (*arn, *loc))
            .collect();
        out.sort_unstable_by_key(|(arn, _)| *arn);
        out
    }
}

/// A portfolio visible to an account: local, or imported.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Visible<'o> {
    Local(&'o PortfolioView),
    Imported(&'o ImportView),
}

impl<'o> Visible<'o> {
    pub fn products(&self) -> &'o [sharesim_core::observe::PortfolioProductView] {
        match self {
            Visible::Local(p) => &p.products,
            Visible::Imported(i) => &i.products,
        }
    }

    pub fn constraints(&self) -> &'o [sharesim_core::observe::ConstraintView] {
        match self {
            Visible::Local(p) => &p.constraints,
            Visible::Imported(i) => &i.constraints,
        }
    }

    pub fn principals(&self) -> &'o [sharesim_core::observe::PrincipalView] {
        match self {
            Visible::Local(p) => &p.principals,
            Visible::Imported(i) => &i.principals,
        }
    }

    pub fn contains(&self, product: &Name) -> bool {
        self.products().iter().any(|p| &p.product == product)
    }
}

fn twice<T>(
    kind: &str,
    name: &impl std::fmt::Display,
    a: &Loc<'_, T>,
    b: &Loc<'_, T>,
) -> Violation {
    Violation::new(
        InvariantId::Inv01,
        &["INV-01"],
        format!(
            "{kind} {name} is listed twice: by account {} in {} and by account {} in {}; it must have exactly one owner and one Region",
            a.account, a.region, b.account, b.region
        ),
    )
}

/// Every (account, account view, Region, Region view) of an observation.
pub(crate) fn regions(
    obs: &Observation,
) -> impl Iterator<Item = (&Name, &AccountView, &Region, &RegionView)> {
    obs.accounts.iter().flat_map(|(n, a)| {
        let a: &AccountView = a;
        a.regions.iter().map(move |(r, v)| (n, a, r, v))
    })
}
