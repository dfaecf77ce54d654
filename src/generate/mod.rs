//! Generation: the next call, drawn from the calls generated so far through
//! [`arbitrary::Unstructured`].
//!
//! One generator serves every driver: the seeded explorer feeds it ChaCha8 bytes, libFuzzer feeds
//! it its input, and both get the same kind of sequences. The generator keeps its own record of
//! what it has asked to create (the *hot* pool: names, owners and Regions) instead of reading the
//! world, so that a byte string decodes to the same calls whatever the model answers; that makes
//! a libFuzzer input a pure function to a scenario, and lets its `Debug` print RON.
//!
//! Each call is built for a kind drawn by weight ([`weights`]) among the kinds its swarm profile
//! ([`swarm`]) leaves on. Arguments mostly name hot entities, and the caller is mostly their owner
//! in their Region, so sequences build real sharing graphs; on purpose, with small probabilities,
//! a call names a *cold* name (never created), comes from the wrong account or goes to the wrong
//! Region, or reuses a name on creation, so that the rejection paths are walked too.
//!
//! Now and then the generator plans a *chain* ([`chain`]): the five to fifteen calls that build
//! a multi-party sharing state (a consumer's end user launching through an import, two consumers
//! of one component) and then cut through it, queued and interleaved with random calls.

pub mod chain;
pub mod swarm;
pub mod weights;

pub use swarm::Swarm;
pub use weights::{Group, group, weight};

use arbitrary::{Arbitrary, Unstructured};
use sharesim_core::op::{
    ConstraintParameters, IamKind, IbKind, IbRef, KeyGrantee, KeyRef, Parent, ParentImage,
    PortfolioPrincipal, PortfolioShareType, Principal, RamPrincipal, RamResource, RecipeRef,
    ResourcePolicy, RoleArn, ShareTarget, TagUpdate,
};
use sharesim_core::{Call, Config, Name, Op, OpKind, Quotas, Region, WorldSpec};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Accounts of generated worlds. Callers are always among them (a scenario names only declared
/// callers); parameters sometimes name the cold account [`COLD_ACCOUNT`].
pub const ACCOUNTS: &[&str] = &["a", "b", "c", "d", "e"];

/// An account name that is never declared, for parameters that name an unknown account.
pub const COLD_ACCOUNT: &str = "zz";

/// Regions of generated worlds.
pub const REGIONS: &[&str] = &["us-east-1", "us-west-2"];

/// The most calls one libFuzzer input decodes to.
pub const MAX_FUZZ_CALLS: usize = 200;

/// The most elements in a generated list (resources, principals, components, grantees).
pub const MAX_LIST: u32 = 3;

/// Percent chance that an argument names a hot entity when one exists (else a cold name).
pub const HOT_PERCENT: u8 = 92;

/// Percent chance that a call on an entity comes from an account other than its owner.
pub const WRONG_CALLER_PERCENT: u8 = 12;

/// Percent chance that a call on an entity goes to a Region other than the entity's.
pub const WRONG_REGION_PERCENT: u8 = 8;

/// Percent chance that a creation reuses an existing name.
pub const REUSE_NAME_PERCENT: u8 = 8;

/// Image Builder versions drawn for creations; the last ones are malformed on purpose.
const IB_VERSIONS: &[&str] = &["1.0.0", "1.0.1", "1.1.0", "2.0.0", "1.0", "1.x.0"];

/// Version filters drawn for references: exact versions come from the pool, these are wildcards.
const IB_WILDCARDS: &[&str] = &["1.0.x", "1.x.x", "x.x.x"];

/// IAM_PATTERN patterns (IAM-02).
const PATTERNS: &[&str] = &["*", "u*", "r*", "u1", "r?", "*1"];

/// Hours the clock advances by; 12 and 13 straddle the invitation lifetime (Q-16).
const HOURS: &[u32] = &[1, 6, 12, 13, 48];

/// The starting world of generated sequences, with the quotas of [`explorer_quotas`].
pub fn world_spec() -> WorldSpec {
    WorldSpec {
        accounts: ACCOUNTS.iter().map(|a| Name::from(*a)).collect(),
        regions: REGIONS.iter().map(|r| Region::from(*r)).collect(),
        config: Config {
            quotas: explorer_quotas(),
            ..Config::default()
        },
    }
}

/// The quotas of the explorer's world (RULES.md §2.7): the documented defaults (hundreds to
/// thousands) are never reached by a 1,000-call episode over five accounts, so every limit
/// check (Q-01 to Q-15, Q-18, Q-22) and the owner-only counting behind them (IB-24, Q-22,
/// QUOTA-OWNER-ONLY) would go unexercised. Each limit is set near the 75th percentile of the
/// largest count 100 default-quota episodes reach (measured at `6e45347`: portfolios per
/// account and Region 10, products 8, products per portfolio 3, principals per portfolio 2,
/// shares per Region 7, associations per share 4, OUs 11, components 7, recipes 3, images
/// 1), so that about a quarter of the episodes meet each limit, late, and the rest build the
/// same deep sharing states as before. Shrunk regressions record these quotas in their world.
pub fn explorer_quotas() -> Quotas {
    Quotas {
        portfolios_per_region: 10,
        products_per_region: 8,
        products_per_portfolio: 3,
        principals_per_portfolio: 2,
        patterns_per_portfolio: 1,
        shared_accounts_per_portfolio: 3,
        constraints_per_product_per_portfolio: 2,
        artifacts_per_product: 3,
        delegated_administrators: 2,
        resource_shares_per_region: 7,
        associations_per_share: 4,
        associations_per_region: 12,
        pending_invitations: 4,
        ous_per_organization: 10,
        ou_depth: 3,
        ib_components: 8,
        ib_recipes: 4,
        ib_images: 2,
        ..Quotas::default()
    }
}

/// A kind of named entity the generator creates. Each has its own name prefix, so that a name
/// says what it names and the shrinker can rename canonically per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, strum::EnumIter)]
pub enum Cat {
    /// Organizations.
    Org,
    /// OUs.
    Ou,
    /// IAM users.
    User,
    /// IAM roles.
    Role,
    /// IAM groups.
    Group,
    /// KMS keys.
    Key,
    /// Portfolios.
    Portfolio,
    /// Products.
    Product,
    /// Provisioning artifacts.
    Version,
    /// Constraints.
    Constraint,
    /// SNS topics of notification constraints.
    Topic,
    /// Provisioned products.
    Provisioned,
    /// RAM resource shares.
    Share,
    /// Image Builder components.
    Component,
    /// Image recipes (and the images built from them, which take the recipe's name).
    ImageRecipe,
    /// Container recipes (and their images).
    ContainerRecipe,
}

impl Cat {
    /// The name prefix; names are the prefix and a number (`port3`).
    pub fn prefix(self) -> &'static str {
        match self {
            Cat::Org => "org",
            Cat::Ou => "ou",
            Cat::User => "u",
            Cat::Role => "r",
            Cat::Group => "g",
            Cat::Key => "key",
            Cat::Portfolio => "port",
            Cat::Product => "prod",
            Cat::Version => "v",
            Cat::Constraint => "con",
            Cat::Topic => "topic",
            Cat::Provisioned => "pp",
            Cat::Share => "share",
            Cat::Component => "comp",
            Cat::ImageRecipe => "rec",
            Cat::ContainerRecipe => "crec",
        }
    }

    /// The category a generated name belongs to, from its prefix: letters, then a number.
    pub fn of(name: &str) -> Option<Cat> {
        let digits = name.find(|c: char| c.is_ascii_digit())?;
        let (prefix, number) = name.split_at(digits);
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        <Cat as strum::IntoEnumIterator>::iter().find(|c| c.prefix() == prefix)
    }

    /// The never-created names of the category.
    pub fn cold(self) -> [String; 2] {
        [
            format!("{}0", self.prefix()),
            format!("{}00", self.prefix()),
        ]
    }
}

/// Something the generator asked to create: its name, the calling account and the Region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entity's name.
    pub name: Name,
    /// The account that created it.
    pub account: Name,
    /// The Region it was created in.
    pub region: Region,
}

/// An Image Builder resource the generator asked to create, with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
struct IbEntry {
    kind: IbKind,
    entry: Entry,
    version: String,
}

/// The generator: a swarm profile, a world's accounts and Regions, and the hot pools.
#[derive(Debug, Clone)]
pub struct Gen {
    swarm: Swarm,
    accounts: Vec<Name>,
    regions: Vec<Region>,
    /// Kinds switched on, with cumulative weights.
    kinds: Vec<(OpKind, u32)>,
    total: u32,
    /// The kinds switched on, for chain steps.
    on: BTreeSet<OpKind>,
    /// Calls of the chain being followed ([`chain`]).
    pending: VecDeque<Call>,
    pools: BTreeMap<Cat, Vec<Entry>>,
    /// Product to its provisioning artifacts.
    versions: BTreeMap<Name, Vec<Name>>,
    ib: Vec<IbEntry>,
    /// Offers made so far: (portfolio or share, recipient account), for accepts that answer
    /// them.
    offers: BTreeMap<Cat, Vec<(Entry, Name)>>,
    /// Products associated with portfolios so far: (portfolio, product).
    assoc: Vec<(Entry, Name)>,
    counters: BTreeMap<Cat, u32>,
}

type R<T> = arbitrary::Result<T>;

fn percent(u: &mut Unstructured, p: u8) -> R<bool> {
    Ok(u.int_in_range(0..=99u8)? < p)
}

impl Gen {
    /// A generator for the world of [`world_spec`] under a swarm profile.
    pub fn new(swarm: Swarm) -> Gen {
        Gen::for_world(&world_spec(), swarm)
    }

    /// A generator for a given world.
    pub fn for_world(spec: &WorldSpec, swarm: Swarm) -> Gen {
        let mut g = Gen {
            swarm,
            accounts: spec.accounts.clone(),
            regions: spec.regions.clone(),
            kinds: Vec::new(),
            total: 0,
            on: BTreeSet::new(),
            pending: VecDeque::new(),
            pools: BTreeMap::new(),
            versions: BTreeMap::new(),
            ib: Vec::new(),
            offers: BTreeMap::new(),
            assoc: Vec::new(),
            counters: BTreeMap::new(),
        };
        g.set_swarm(swarm);
        g
    }

    /// Switches the swarm profile and keeps the pools, so that later calls go on naming what
    /// earlier ones created (a seed's phases, [`Swarm::of_seed_at`]). Chain calls still pending
    /// whose kind the new profile switches off are dropped.
    pub fn set_swarm(&mut self, swarm: Swarm) {
        let mut kinds = Vec::new();
        let mut total = 0u32;
        for kind in OpKind::all() {
            if swarm.enabled(group(kind)) {
                total += weight(kind);
                kinds.push((kind, total));
            }
        }
        if total == 0 {
            // A profile that switches everything off would generate nothing: fall back to all.
            for kind in OpKind::all() {
                total += weight(kind);
                kinds.push((kind, total));
            }
        }
        self.on = kinds.iter().map(|(k, _)| *k).collect();
        self.pending.retain(|c| self.on.contains(&c.op.kind()));
        self.swarm = swarm;
        self.kinds = kinds;
        self.total = total;
    }

    /// The swarm profile.
    pub fn swarm(&self) -> Swarm {
        self.swarm
    }

    /// The kinds the profile leaves on.
    pub fn enabled_kinds(&self) -> impl Iterator<Item = OpKind> + '_ {
        self.kinds.iter().map(|(k, _)| *k)
    }

    /// Whether the profile leaves the kind on.
    pub fn is_on(&self, kind: OpKind) -> bool {
        self.on.contains(&kind)
    }

    /// Draws the next call: the next step of the pending chain, mostly, when there is one; the
    /// first step of a new chain, sometimes; a call of a kind drawn by weight otherwise.
    pub fn next_call(&mut self, u: &mut Unstructured) -> R<Call> {
        if !self.pending.is_empty() && percent(u, chain::CHAIN_FOLLOW_PERCENT)? {
            if let Some(call) = self.pending.pop_front() {
                return Ok(call);
            }
        } else if self.pending.is_empty() && percent(u, chain::CHAIN_PERCENT)? {
            self.plan_chain(u)?;
            if let Some(call) = self.pending.pop_front() {
                return Ok(call);
            }
        }
        let kind = self.pick_kind(u)?;
        self.call_of(kind, u)
    }

    fn pick_kind(&self, u: &mut Unstructured) -> R<OpKind> {
        let x = u.int_in_range(0..=self.total.saturating_sub(1))?;
        self.kinds
            .iter()
            .find(|(_, cum)| x < *cum)
            .or(self.kinds.last())
            .map(|(k, _)| *k)
            .ok_or(arbitrary::Error::EmptyChoose)
    }

    // ----- names, callers, Regions -----------------------------------------------------------

    fn any_account(&self, u: &mut Unstructured) -> R<Name> {
        u.choose(&self.accounts).cloned()
    }

    /// An account for a parameter: mostly a world account, rarely the cold one.
    fn param_account(&self, u: &mut Unstructured) -> R<Name> {
        if percent(u, 3)? {
            return Ok(Name::from(COLD_ACCOUNT));
        }
        self.any_account(u)
    }

    fn other_account(&self, u: &mut Unstructured, not: &Name) -> R<Name> {
        let others: Vec<&Name> = self.accounts.iter().filter(|a| *a != not).collect();
        if others.is_empty() {
            return Ok(not.clone());
        }
        u.choose(&others).map(|a| (*a).clone())
    }

    fn region(&self, u: &mut Unstructured) -> R<Region> {
        u.choose(&self.regions).cloned()
    }

    fn fresh(&mut self, cat: Cat) -> Name {
        let n = self.counters.entry(cat).or_insert(0);
        *n += 1;
        Name::new(format!("{}{}", cat.prefix(), n))
    }

    fn pool(&self, cat: Cat) -> &[Entry] {
        self.pools.get(&cat).map_or(&[], Vec::as_slice)
    }

    fn record(&mut self, cat: Cat, name: &Name, account: &Name, region: &Region) {
        let entry = Entry {
            name: name.clone(),
            account: account.clone(),
            region: region.clone(),
        };
        let pool = self.pools.entry(cat).or_default();
        if !pool.contains(&entry) {
            pool.push(entry);
        }
    }

    /// A hot entry of the category, or none (an empty pool, or the cold draw).
    fn hot(&self, u: &mut Unstructured, cat: Cat) -> R<Option<Entry>> {
        let pool = self.pool(cat);
        if pool.is_empty() || !percent(u, HOT_PERCENT)? {
            return Ok(None);
        }
        u.choose(pool).map(|e| Some(e.clone()))
    }

    /// A hot entry of the category owned by `account`, if there is one.
    fn hot_in(&self, u: &mut Unstructured, cat: Cat, account: &Name) -> R<Option<Entry>> {
        let owned: Vec<&Entry> = self
            .pool(cat)
            .iter()
            .filter(|e| &e.account == account)
            .collect();
        if owned.is_empty() {
            return Ok(None);
        }
        u.choose(&owned).map(|e| Some((*e).clone()))
    }

    fn cold(&self, u: &mut Unstructured, cat: Cat) -> R<Name> {
        let cold = cat.cold();
        u.choose(&cold).map(|n| Name::new(n.clone()))
    }

    /// A name to refer to: hot with its entry, or cold without.
    fn refer(&self, u: &mut Unstructured, cat: Cat) -> R<(Name, Option<Entry>)> {
        match self.hot(u, cat)? {
            Some(e) => Ok((e.name.clone(), Some(e))),
            None => Ok((self.cold(u, cat)?, None)),
        }
    }

    /// A name for a creation: fresh, or (rarely) an existing one.
    fn create_name(&mut self, u: &mut Unstructured, cat: Cat) -> R<Name> {
        if !self.pool(cat).is_empty() && percent(u, REUSE_NAME_PERCENT)? {
            return Ok(u.choose(self.pool(cat))?.name.clone());
        }
        Ok(self.fresh(cat))
    }

    fn offer(&mut self, cat: Cat, entry: Option<&Entry>, recipient: &Name) {
        if let Some(e) = entry {
            self.offers
                .entry(cat)
                .or_default()
                .push((e.clone(), recipient.clone()));
        }
    }

    /// An offer to answer (a portfolio share to accept, an invitation), mostly: the entity, and
    /// the recipient as caller in the entity's Region.
    fn answer(&self, u: &mut Unstructured, cat: Cat) -> R<Option<(Entry, Name)>> {
        let offers = self.offers.get(&cat).map_or(&[][..], Vec::as_slice);
        if offers.is_empty() || percent(u, 25)? {
            return Ok(None);
        }
        u.choose(offers).map(|o| Some(o.clone()))
    }

    /// A hot entry of the category owned by `account` in `region`, mostly; any hot one else.
    fn hot_near(
        &self,
        u: &mut Unstructured,
        cat: Cat,
        account: &Name,
        region: &Region,
    ) -> R<(Name, Option<Entry>)> {
        let near: Vec<&Entry> = self
            .pool(cat)
            .iter()
            .filter(|e| &e.account == account && &e.region == region)
            .collect();
        if !near.is_empty() && percent(u, 70)? {
            let e = (*u.choose(&near)?).clone();
            return Ok((e.name.clone(), Some(e)));
        }
        self.refer(u, cat)
    }

    /// The caller and Region for a call on `entry`: mostly its owner in its Region.
    fn caller_for(&self, u: &mut Unstructured, entry: Option<&Entry>) -> R<(Name, Region)> {
        let Some(e) = entry else {
            return Ok((self.any_account(u)?, self.region(u)?));
        };
        let account = if percent(u, WRONG_CALLER_PERCENT)? {
            self.any_account(u)?
        } else {
            e.account.clone()
        };
        let region = if percent(u, WRONG_REGION_PERCENT)? {
            self.region(u)?
        } else {
            e.region.clone()
        };
        Ok((account, region))
    }

    /// The caller for a consumer-side call on `entry` (accept, import, use): mostly another
    /// account than its owner, in its Region.
    fn consumer_for(&self, u: &mut Unstructured, entry: Option<&Entry>) -> R<(Name, Region)> {
        let Some(e) = entry else {
            return Ok((self.any_account(u)?, self.region(u)?));
        };
        let account = if percent(u, WRONG_CALLER_PERCENT)? {
            e.account.clone()
        } else {
            self.other_account(u, &e.account)?
        };
        let region = if percent(u, WRONG_REGION_PERCENT)? {
            self.region(u)?
        } else {
            e.region.clone()
        };
        Ok((account, region))
    }

    /// The management account of a hot organization (or anyone), for Organizations calls.
    fn org_caller(&self, u: &mut Unstructured) -> R<(Name, Region)> {
        let org = self.hot(u, Cat::Org)?;
        self.caller_for(u, org.as_ref())
    }

    /// An end user: a hot user or role and its account; anyone without a principal otherwise.
    fn end_user(&self, u: &mut Unstructured) -> R<(Name, Option<Principal>)> {
        let users = self.pool(Cat::User).len();
        let roles = self.pool(Cat::Role).len();
        if users + roles == 0 || percent(u, 5)? {
            return Ok((self.any_account(u)?, None));
        }
        let i = u.choose_index(users + roles)?;
        let (cat, i, wrap): (Cat, usize, fn(Name) -> Principal) = if i < users {
            (Cat::User, i, Principal::User)
        } else {
            (Cat::Role, i - users, Principal::Role)
        };
        match self.pool(cat).get(i) {
            Some(e) => Ok((e.account.clone(), Some(wrap(e.name.clone())))),
            None => Ok((self.any_account(u)?, None)),
        }
    }

    fn role_name(&self, u: &mut Unstructured) -> R<Name> {
        Ok(self.refer(u, Cat::Role)?.0)
    }

    // ----- calls ---------------------------------------------------------------------------

    fn call(account: Name, region: Region, op: Op) -> Call {
        Call {
            account,
            principal: None,
            region,
            op,
        }
    }

    fn call_of(&mut self, kind: OpKind, u: &mut Unstructured) -> R<Call> {
        use OpKind as K;
        let service = kind.service();
        let call = match service {
            sharesim_core::op::ServiceKind::Organizations => self.org_call(kind, u)?,
            sharesim_core::op::ServiceKind::Iam => self.iam_call(kind, u)?,
            sharesim_core::op::ServiceKind::Kms => self.kms_call(kind, u)?,
            sharesim_core::op::ServiceKind::ServiceCatalog => match kind {
                K::ListLaunchPaths
                | K::SearchProducts
                | K::ProvisionProduct
                | K::TerminateProvisionedProduct => self.end_user_call(kind, u)?,
                _ => self.sc_call(kind, u)?,
            },
            sharesim_core::op::ServiceKind::Ram => self.ram_call(kind, u)?,
            sharesim_core::op::ServiceKind::ImageBuilder => self.ib_call(kind, u)?,
        };
        Ok(call)
    }

    fn parent(&self, u: &mut Unstructured) -> R<Parent> {
        if self.pool(Cat::Ou).is_empty() || u.ratio(1u8, 2)? {
            Ok(Parent::Root)
        } else {
            Ok(Parent::Ou(self.refer(u, Cat::Ou)?.0))
        }
    }

    fn org_call(&mut self, kind: OpKind, u: &mut Unstructured) -> R<Call> {
        use OpKind as K;
        let (account, region) = self.org_caller(u)?;
        let op = match kind {
            K::CreateOrganization => {
                let (caller, region) = (self.any_account(u)?, self.region(u)?);
                let organization = self.create_name(u, Cat::Org)?;
                self.record(Cat::Org, &organization, &caller, &region);
                let feature_set = if percent(u, 85)? {
                    None
                } else {
                    Some(Arbitrary::arbitrary(u)?)
                };
                return Ok(Gen::call(
                    caller,
                    region,
                    Op::CreateOrganization {
                        organization,
                        feature_set,
                    },
                ));
            }
            K::InviteAccountToOrganization => Op::InviteAccountToOrganization {
                account: self.param_account(u)?,
            },
            K::CreateOrganizationalUnit => {
                let parent = self.parent(u)?;
                let ou = self.create_name(u, Cat::Ou)?;
                self.record(Cat::Ou, &ou, &account, &region);
                Op::CreateOrganizationalUnit { ou, parent }
            }
            K::DeleteOrganizationalUnit => Op::DeleteOrganizationalUnit {
                ou: self.refer(u, Cat::Ou)?.0,
            },
            K::MoveAccount => Op::MoveAccount {
                account: self.param_account(u)?,
                source: self.parent(u)?,
                destination: self.parent(u)?,
            },
            K::RemoveAccountFromOrganization => Op::RemoveAccountFromOrganization {
                account: self.param_account(u)?,
            },
            K::LeaveOrganization => {
                return Ok(Gen::call(
                    self.any_account(u)?,
                    region,
                    Op::LeaveOrganization,
                ));
            }
            K::DeleteOrganization => Op::DeleteOrganization,
            K::EnableAWSServiceAccess => Op::EnableAWSServiceAccess {
                service: Arbitrary::arbitrary(u)?,
            },
            K::DisableAWSServiceAccess => Op::DisableAWSServiceAccess {
                service: Arbitrary::arbitrary(u)?,
            },
            K::RegisterDelegatedAdministrator => Op::RegisterDelegatedAdministrator {
                account: self.param_account(u)?,
                service: Arbitrary::arbitrary(u)?,
            },
            K::DeregisterDelegatedAdministrator => Op::DeregisterDelegatedAdministrator {
                account: self.param_account(u)?,
                service: Arbitrary::arbitrary(u)?,
            },
            _ => return self.fallback(u),
        };
        Ok(Gen::call(account, region, op))
    }

    fn iam_call(&mut self, kind: OpKind, u: &mut Unstructured) -> R<Call> {
        use OpKind as K;
        let region = self.region(u)?;
        let create = |g: &mut Gen, u: &mut Unstructured, cat: Cat, reuse: u8| -> R<(Name, Name)> {
            let account = g.any_account(u)?;
            // Roles are reused across accounts on purpose: a local role name (IAM-05) resolves
            // in the end user's account, which matters only when several accounts have it.
            let name = if !g.pool(cat).is_empty() && percent(u, reuse)? {
                u.choose(g.pool(cat))?.name.clone()
            } else {
                g.fresh(cat)
            };
            g.record(cat, &name, &account, &region);
            Ok((account, name))
        };
        let owned = |g: &Gen, u: &mut Unstructured, cat: Cat| -> R<(Name, Name)> {
            let (name, entry) = g.refer(u, cat)?;
            let (account, _) = g.caller_for(u, entry.as_ref())?;
            Ok((account, name))
        };
        let (account, op) = match kind {
            K::CreateRole => {
                let (a, role) = create(self, u, Cat::Role, 30)?;
                (a, Op::CreateRole { role })
            }
            K::CreateUser => {
                let (a, user) = create(self, u, Cat::User, REUSE_NAME_PERCENT)?;
                (a, Op::CreateUser { user })
            }
            K::CreateGroup => {
                let (a, group) = create(self, u, Cat::Group, REUSE_NAME_PERCENT)?;
                (a, Op::CreateGroup { group })
            }
            K::DeleteRole => {
                let (a, role) = owned(self, u, Cat::Role)?;
                (a, Op::DeleteRole { role })
            }
            K::DeleteUser => {
                let (a, user) = owned(self, u, Cat::User)?;
                (a, Op::DeleteUser { user })
            }
            K::DeleteGroup => {
                let (a, group) = owned(self, u, Cat::Group)?;
                (a, Op::DeleteGroup { group })
            }
            K::AddUserToGroup | K::RemoveUserFromGroup => {
                let (a, group) = owned(self, u, Cat::Group)?;
                let user = match self.hot_in(u, Cat::User, &a)? {
                    Some(e) => e.name,
                    None => self.refer(u, Cat::User)?.0,
                };
                let op = if kind == K::AddUserToGroup {
                    Op::AddUserToGroup { user, group }
                } else {
                    Op::RemoveUserFromGroup { user, group }
                };
                (a, op)
            }
            _ => return self.fallback(u),
        };
        Ok(Gen::call(account, region, op))
    }

    fn key_owner_param(&self, u: &mut Unstructured, entry: Option<&Entry>) -> R<Option<Name>> {
        if percent(u, 80)? {
            return Ok(None);
        }
        match entry {
            Some(e) if u.ratio(2u8, 3)? => Ok(Some(e.account.clone())),
            _ => Ok(Some(self.param_account(u)?)),
        }
    }

    fn kms_call(&mut self, kind: OpKind, u: &mut Unstructured) -> R<Call> {
        use OpKind as K;
        if kind == K::CreateKey {
            let (account, region) = (self.any_account(u)?, self.region(u)?);
            let key = self.create_name(u, Cat::Key)?;
            self.record(Cat::Key, &key, &account, &region);
            return Ok(Gen::call(account, region, Op::CreateKey { key }));
        }
        let (key, entry) = self.refer(u, Cat::Key)?;
        let (account, region) = self.caller_for(u, entry.as_ref())?;
        let owner = self.key_owner_param(u, entry.as_ref())?;
        let op = match kind {
            K::PutKeyPolicy => {
                let n = u.int_in_range(0..=MAX_LIST)?;
                let mut grantees = Vec::new();
                for _ in 0..n {
                    grantees.push(match u.int_in_range(0..=9u8)? {
                        0..=5 => KeyGrantee::Account(self.param_account(u)?),
                        6..=7 => KeyGrantee::Organization(self.refer(u, Cat::Org)?.0),
                        _ => KeyGrantee::OrganizationalUnit(self.refer(u, Cat::Ou)?.0),
                    });
                }
                Op::PutKeyPolicy {
                    key,
                    account: owner,
                    grantees,
                }
            }
            K::DisableKey => Op::DisableKey {
                key,
                account: owner,
            },
            K::EnableKey => Op::EnableKey {
                key,
                account: owner,
            },
            K::ScheduleKeyDeletion => Op::ScheduleKeyDeletion {
                key,
                account: owner,
                pending_window_in_days: if u.ratio(1u8, 2)? {
                    None
                } else {
                    Some(u.int_in_range(5..=32)?)
                },
            },
            K::CancelKeyDeletion => Op::CancelKeyDeletion {
                key,
                account: owner,
            },
            _ => return self.fallback(u),
        };
        Ok(Gen::call(account, region, op))
    }

    fn share_target(&self, u: &mut Unstructured, owner: Option<&Entry>) -> R<ShareTarget> {
        let other = match owner {
            Some(e) if percent(u, 95)? => self.other_account(u, &e.account)?,
            _ => self.param_account(u)?,
        };
        Ok(match u.int_in_range(0..=19u8)? {
            0..=9 => ShareTarget::Account(other),
            10..=12 => ShareTarget::Organization(self.refer(u, Cat::Org)?.0),
            13..=15 => ShareTarget::OrganizationalUnit(self.refer(u, Cat::Ou)?.0),
            _ => ShareTarget::OrganizationMemberAccount(other),
        })
    }

    fn share_type(u: &mut Unstructured) -> R<Option<PortfolioShareType>> {
        Ok(match u.int_in_range(0..=19u8)? {
            0..=13 => None,
            14..=17 => Some(PortfolioShareType::AwsOrganizations),
            18 => Some(PortfolioShareType::Imported),
            _ => Some(PortfolioShareType::AwsServicecatalog),
        })
    }

    fn constraint_parameters(&mut self, u: &mut Unstructured) -> R<ConstraintParameters> {
        Ok(match u.int_in_range(0..=19u8)? {
            0..=11 => {
                let role = self.role_name(u)?;
                match u.int_in_range(0..=19u8)? {
                    0..=8 => ConstraintParameters::Launch {
                        role_arn: Some(RoleArn {
                            account: self.param_account(u)?,
                            role,
                        }),
                        local_role_name: None,
                    },
                    9..=17 => ConstraintParameters::Launch {
                        role_arn: None,
                        local_role_name: Some(role),
                    },
                    18 => ConstraintParameters::Launch {
                        role_arn: Some(RoleArn {
                            account: self.param_account(u)?,
                            role: role.clone(),
                        }),
                        local_role_name: Some(role),
                    },
                    _ => ConstraintParameters::Launch {
                        role_arn: None,
                        local_role_name: None,
                    },
                }
            }
            12..=13 => {
                let topic = if u.ratio(1u8, 2)? {
                    self.fresh(Cat::Topic)
                } else {
                    Name::from("topic1")
                };
                ConstraintParameters::Notification {
                    topics: vec![topic],
                }
            }
            14..=16 => ConstraintParameters::ResourceUpdate {
                tag_update_on_provisioned_product: if u.arbitrary()? {
                    TagUpdate::Allowed
                } else {
                    TagUpdate::NotAllowed
                },
            },
            17..=18 => ConstraintParameters::StackSet {
                accounts: vec![self.param_account(u)?],
                regions: vec![self.region(u)?],
                admin_role: self.role_name(u)?,
                execution_role: self.role_name(u)?,
            },
            _ => ConstraintParameters::Template {
                rules: "{}".to_owned(),
            },
        })
    }

    fn portfolio_principal(&self, u: &mut Unstructured, caller: &Name) -> R<PortfolioPrincipal> {
        if percent(u, 25)? {
            return Ok(PortfolioPrincipal::IamPattern {
                kind: if u.ratio(1u8, 2)? {
                    IamKind::User
                } else {
                    IamKind::Role
                },
                pattern: (*u.choose(PATTERNS)?).to_owned(),
            });
        }
        let (kind, cat) = match u.int_in_range(0..=19u8)? {
            0..=8 => (IamKind::User, Cat::User),
            9..=16 => (IamKind::Role, Cat::Role),
            _ => (IamKind::Group, Cat::Group),
        };
        let name = match self.hot_in(u, cat, caller)? {
            Some(e) if percent(u, 85)? => e.name,
            _ => self.refer(u, cat)?.0,
        };
        let account = if percent(u, 85)? {
            None
        } else {
            Some(self.param_account(u)?)
        };
        Ok(PortfolioPrincipal::Iam {
            kind,
            name,
            account,
        })
    }

    fn display_name(u: &mut Unstructured) -> R<String> {
        Ok(match u.int_in_range(0..=19u8)? {
            0 => String::new(),
            1 => "x".repeat(101),
            _ => "Display".to_owned(),
        })
    }

    fn sc_call(&mut self, kind: OpKind, u: &mut Unstructured) -> R<Call> {
        use OpKind as K;
        match kind {
            K::CreatePortfolio => {
                let (account, region) = (self.any_account(u)?, self.region(u)?);
                let portfolio = self.create_name(u, Cat::Portfolio)?;
                self.record(Cat::Portfolio, &portfolio, &account, &region);
                let display_name = if percent(u, 90)? {
                    None
                } else {
                    Some(Gen::display_name(u)?)
                };
                let provider_name = if percent(u, 95)? {
                    None
                } else {
                    Some(Gen::display_name(u)?)
                };
                return Ok(Gen::call(
                    account,
                    region,
                    Op::CreatePortfolio {
                        portfolio,
                        display_name,
                        provider_name,
                    },
                ));
            }
            K::CreateProduct => {
                let (account, region) = (self.any_account(u)?, self.region(u)?);
                let product = self.create_name(u, Cat::Product)?;
                let version = self.fresh(Cat::Version);
                self.record(Cat::Product, &product, &account, &region);
                self.versions
                    .entry(product.clone())
                    .or_default()
                    .push(version.clone());
                return Ok(Gen::call(
                    account,
                    region,
                    Op::CreateProduct { product, version },
                ));
            }
            K::EnableAWSOrganizationsAccess
            | K::DisableAWSOrganizationsAccess
            | K::GetAWSOrganizationsAccessStatus => {
                let (account, region) = self.org_caller(u)?;
                let op = match kind {
                    K::EnableAWSOrganizationsAccess => Op::EnableAWSOrganizationsAccess,
                    K::DisableAWSOrganizationsAccess => Op::DisableAWSOrganizationsAccess,
                    _ => Op::GetAWSOrganizationsAccessStatus,
                };
                return Ok(Gen::call(account, region, op));
            }
            K::ListPortfolios | K::ListAcceptedPortfolioShares => {
                let (account, region) = (self.any_account(u)?, self.region(u)?);
                let op = if kind == K::ListPortfolios {
                    Op::ListPortfolios
                } else {
                    Op::ListAcceptedPortfolioShares {
                        share_type: Gen::share_type(u)?,
                    }
                };
                return Ok(Gen::call(account, region, op));
            }
            _ => {}
        }
        // Calls on a product without a portfolio.
        if matches!(
            kind,
            K::DeleteProduct | K::CreateProvisioningArtifact | K::DeleteProvisioningArtifact
        ) {
            let (product, entry) = self.refer(u, Cat::Product)?;
            let (account, region) = self.caller_for(u, entry.as_ref())?;
            let op = match kind {
                K::DeleteProduct => Op::DeleteProduct { product },
                K::CreateProvisioningArtifact => {
                    let version = match self.versions.get(&product) {
                        Some(vs) if !vs.is_empty() && percent(u, REUSE_NAME_PERCENT)? => {
                            u.choose(vs)?.clone()
                        }
                        _ => {
                            let v = self.fresh(Cat::Version);
                            self.versions
                                .entry(product.clone())
                                .or_default()
                                .push(v.clone());
                            v
                        }
                    };
                    Op::CreateProvisioningArtifact { product, version }
                }
                _ => {
                    let version = match self.versions.get(&product) {
                        Some(vs) if !vs.is_empty() && percent(u, HOT_PERCENT)? => {
                            u.choose(vs)?.clone()
                        }
                        _ => self.cold(u, Cat::Version)?,
                    };
                    Op::DeleteProvisioningArtifact { product, version }
                }
            };
            return Ok(Gen::call(account, region, op));
        }
        if matches!(kind, K::UpdateConstraint | K::DeleteConstraint) {
            let (constraint, entry) = self.refer(u, Cat::Constraint)?;
            let (account, region) = self.caller_for(u, entry.as_ref())?;
            let op = if kind == K::DeleteConstraint {
                Op::DeleteConstraint { constraint }
            } else {
                let description = if u.ratio(1u8, 2)? {
                    Some("updated".to_owned())
                } else {
                    None
                };
                let parameters = if u.ratio(2u8, 3)? {
                    Some(self.constraint_parameters(u)?)
                } else {
                    None
                };
                Op::UpdateConstraint {
                    constraint,
                    description,
                    parameters,
                }
            };
            return Ok(Gen::call(account, region, op));
        }
        if matches!(kind, K::AcceptPortfolioShare | K::RejectPortfolioShare)
            && let Some((e, recipient)) = self.answer(u, Cat::Portfolio)?
        {
            let portfolio = e.name;
            let share_type = Gen::share_type(u)?;
            let op = if kind == K::AcceptPortfolioShare {
                Op::AcceptPortfolioShare {
                    portfolio,
                    share_type,
                }
            } else {
                Op::RejectPortfolioShare {
                    portfolio,
                    share_type,
                }
            };
            return Ok(Gen::call(recipient, e.region, op));
        }
        if let Some(call) = self.sc_targeted(kind, u)? {
            return Ok(call);
        }
        // Everything else names a portfolio.
        let (portfolio, entry) = self.refer(u, Cat::Portfolio)?;
        let consumer_side = matches!(kind, K::AcceptPortfolioShare | K::RejectPortfolioShare)
            || (matches!(
                kind,
                K::AssociatePrincipalWithPortfolio
                    | K::DisassociatePrincipalFromPortfolio
                    | K::ListPrincipalsForPortfolio
                    | K::ListConstraintsForPortfolio
                    | K::SearchProductsAsAdmin
            ) && percent(u, 35)?);
        let offer = if consumer_side {
            self.answer(u, Cat::Portfolio)?
        } else {
            None
        };
        let offer_caller = offer.clone();
        let (portfolio, entry) = match offer {
            Some((e, _)) => (e.name.clone(), Some(e)),
            None => (portfolio, entry),
        };
        let (account, region) = if let Some((e, recipient)) = offer_caller {
            (recipient, e.region)
        } else if consumer_side {
            self.consumer_for(u, entry.as_ref())?
        } else {
            self.caller_for(u, entry.as_ref())?
        };
        let op = match kind {
            K::DeletePortfolio => Op::DeletePortfolio { portfolio },
            K::UpdatePortfolio => Op::UpdatePortfolio {
                portfolio,
                display_name: Gen::display_name(u)?,
            },
            K::AssociateProductWithPortfolio | K::DisassociateProductFromPortfolio => {
                let (product, pentry) = self.hot_near(u, Cat::Product, &account, &region)?;
                if let Some(e) = &entry
                    && kind == K::AssociateProductWithPortfolio
                {
                    self.assoc.push((e.clone(), product.clone()));
                }
                if kind == K::DisassociateProductFromPortfolio {
                    Op::DisassociateProductFromPortfolio { product, portfolio }
                } else {
                    let source_portfolio = match &pentry {
                        Some(p) if p.account != account && percent(u, 85)? => {
                            match self.hot_in(u, Cat::Portfolio, &p.account)? {
                                Some(s) => Some(s.name),
                                None => Some(self.refer(u, Cat::Portfolio)?.0),
                            }
                        }
                        _ if percent(u, 4)? => Some(self.refer(u, Cat::Portfolio)?.0),
                        _ => None,
                    };
                    Op::AssociateProductWithPortfolio {
                        product,
                        portfolio,
                        source_portfolio,
                    }
                }
            }
            K::CreateConstraint => {
                let product = self.refer(u, Cat::Product)?.0;
                let constraint = self.create_name(u, Cat::Constraint)?;
                self.record(Cat::Constraint, &constraint, &account, &region);
                Op::CreateConstraint {
                    constraint,
                    portfolio,
                    product,
                    parameters: self.constraint_parameters(u)?,
                }
            }
            K::AssociatePrincipalWithPortfolio => Op::AssociatePrincipalWithPortfolio {
                portfolio,
                principal: self.portfolio_principal(u, &account)?,
            },
            K::DisassociatePrincipalFromPortfolio => Op::DisassociatePrincipalFromPortfolio {
                portfolio,
                principal: self.portfolio_principal(u, &account)?,
            },
            K::CreatePortfolioShare => {
                let target = self.share_target(u, entry.as_ref())?;
                if let ShareTarget::Account(a) | ShareTarget::OrganizationMemberAccount(a) = &target
                {
                    self.offer(Cat::Portfolio, entry.as_ref(), a);
                }
                Op::CreatePortfolioShare {
                    portfolio,
                    target,
                    share_tag_options: percent(u, 20)?,
                    share_principals: percent(u, 40)?,
                }
            }
            K::UpdatePortfolioShare => Op::UpdatePortfolioShare {
                portfolio,
                target: self.share_target(u, entry.as_ref())?,
                share_tag_options: if u.ratio(1u8, 2)? {
                    None
                } else {
                    Some(u.arbitrary()?)
                },
                share_principals: if u.ratio(1u8, 2)? {
                    None
                } else {
                    Some(u.arbitrary()?)
                },
            },
            K::DeletePortfolioShare => Op::DeletePortfolioShare {
                portfolio,
                target: self.share_target(u, entry.as_ref())?,
            },
            K::AcceptPortfolioShare => Op::AcceptPortfolioShare {
                portfolio,
                share_type: Gen::share_type(u)?,
            },
            K::RejectPortfolioShare => Op::RejectPortfolioShare {
                portfolio,
                share_type: Gen::share_type(u)?,
            },
            K::DescribePortfolioShares => Op::DescribePortfolioShares {
                portfolio,
                share_type: Arbitrary::arbitrary(u)?,
            },
            K::ListPortfolioAccess => Op::ListPortfolioAccess { portfolio },
            K::ListConstraintsForPortfolio => Op::ListConstraintsForPortfolio {
                portfolio,
                product: if u.ratio(1u8, 2)? {
                    None
                } else {
                    Some(self.refer(u, Cat::Product)?.0)
                },
            },
            K::ListPrincipalsForPortfolio => Op::ListPrincipalsForPortfolio { portfolio },
            K::SearchProductsAsAdmin => Op::SearchProductsAsAdmin {
                portfolio: if u.ratio(1u8, 3)? {
                    None
                } else {
                    Some(portfolio)
                },
            },
            _ => return self.fallback(u),
        };
        Ok(Gen::call(account, region, op))
    }

    /// Calls aimed at the state sharing bugs need: a recipient adding an imported product to
    /// its local portfolio, constraints and removals on associated products, an importer
    /// trying to share onward. `None` leaves the call to the general builder.
    fn sc_targeted(&mut self, kind: OpKind, u: &mut Unstructured) -> R<Option<Call>> {
        use OpKind as K;
        match kind {
            K::AssociateProductWithPortfolio if percent(u, 40)? => {
                let Some((offered, recipient)) = self.answer(u, Cat::Portfolio)? else {
                    return Ok(None);
                };
                let products: Vec<&Name> = self
                    .assoc
                    .iter()
                    .filter(|(p, _)| p.name == offered.name)
                    .map(|(_, x)| x)
                    .collect();
                if products.is_empty() {
                    return Ok(None);
                }
                let product = (*u.choose(&products)?).clone();
                let local = self
                    .pool(Cat::Portfolio)
                    .iter()
                    .filter(|e| e.account == recipient && e.region == offered.region)
                    .map(|e| e.name.clone())
                    .collect::<Vec<_>>();
                if local.is_empty() {
                    return Ok(None);
                }
                let portfolio = u.choose(&local)?.clone();
                Ok(Some(Gen::call(
                    recipient,
                    offered.region.clone(),
                    Op::AssociateProductWithPortfolio {
                        product,
                        portfolio,
                        source_portfolio: Some(offered.name),
                    },
                )))
            }
            K::DisassociateProductFromPortfolio | K::CreateConstraint
                if !self.assoc.is_empty() && percent(u, 60)? =>
            {
                let (p, product) = u.choose(&self.assoc)?.clone();
                let op = if kind == K::CreateConstraint {
                    let constraint = self.create_name(u, Cat::Constraint)?;
                    self.record(Cat::Constraint, &constraint, &p.account, &p.region);
                    Op::CreateConstraint {
                        constraint,
                        portfolio: p.name.clone(),
                        product,
                        parameters: self.constraint_parameters(u)?,
                    }
                } else {
                    Op::DisassociateProductFromPortfolio {
                        product,
                        portfolio: p.name.clone(),
                    }
                };
                Ok(Some(Gen::call(p.account, p.region, op)))
            }
            K::CreatePortfolioShare if percent(u, 10)? => {
                // An importer tries to share the portfolio onward (SC-13).
                let Some((offered, recipient)) = self.answer(u, Cat::Portfolio)? else {
                    return Ok(None);
                };
                let target = ShareTarget::Account(self.other_account(u, &recipient)?);
                Ok(Some(Gen::call(
                    recipient,
                    offered.region,
                    Op::CreatePortfolioShare {
                        portfolio: offered.name,
                        target,
                        share_tag_options: false,
                        share_principals: false,
                    },
                )))
            }
            _ => Ok(None),
        }
    }

    fn end_user_call(&mut self, kind: OpKind, u: &mut Unstructured) -> R<Call> {
        use OpKind as K;
        let (account, principal) = self.end_user(u)?;
        let (product, pentry) = self.refer(u, Cat::Product)?;
        let region = match &pentry {
            Some(p) if !percent(u, WRONG_REGION_PERCENT)? => p.region.clone(),
            _ => self.region(u)?,
        };
        let op = match kind {
            K::ListLaunchPaths => Op::ListLaunchPaths { product },
            K::SearchProducts => Op::SearchProducts,
            K::ProvisionProduct => {
                let version = match self.versions.get(&product) {
                    Some(vs) if !vs.is_empty() && percent(u, HOT_PERCENT)? => u.choose(vs)?.clone(),
                    _ => self.cold(u, Cat::Version)?,
                };
                let path = if u.ratio(2u8, 3)? {
                    None
                } else {
                    Some(self.refer(u, Cat::Portfolio)?.0)
                };
                let provisioned_product = self.create_name(u, Cat::Provisioned)?;
                self.record(Cat::Provisioned, &provisioned_product, &account, &region);
                Op::ProvisionProduct {
                    provisioned_product,
                    product,
                    version,
                    path,
                }
            }
            K::TerminateProvisionedProduct => {
                let (provisioned_product, entry) = self.refer(u, Cat::Provisioned)?;
                let (account, region) = self.caller_for(u, entry.as_ref())?;
                let principal = match self.hot_in(u, Cat::User, &account)? {
                    Some(e) if u.ratio(2u8, 3)? => Some(Principal::User(e.name)),
                    _ => None,
                };
                return Ok(Call {
                    account,
                    principal,
                    region,
                    op: Op::TerminateProvisionedProduct {
                        provisioned_product,
                    },
                });
            }
            _ => return self.fallback(u),
        };
        Ok(Call {
            account,
            principal,
            region,
            op,
        })
    }

    // ----- RAM and Image Builder ------------------------------------------------------------

    fn ib_cat(kind: IbKind) -> Cat {
        match kind {
            IbKind::Component => Cat::Component,
            IbKind::Image | IbKind::ImageRecipe => Cat::ImageRecipe,
            IbKind::ContainerRecipe => Cat::ContainerRecipe,
        }
    }

    /// A hot Image Builder resource of the kind, or none.
    fn ib_hot(&self, u: &mut Unstructured, kind: IbKind) -> R<Option<IbEntry>> {
        let of_kind: Vec<&IbEntry> = self.ib.iter().filter(|e| e.kind == kind).collect();
        if of_kind.is_empty() || !percent(u, HOT_PERCENT)? {
            return Ok(None);
        }
        u.choose(&of_kind).map(|e| Some((*e).clone()))
    }

    /// A reference to a resource of the kind as `caller` would write it.
    fn ib_ref(&self, u: &mut Unstructured, kind: IbKind, caller: &Name) -> R<IbRef> {
        let e = self.ib_hot(u, kind)?;
        self.ib_ref_to(u, kind, caller, e)
    }

    /// A reference to a resource `caller` owns, mostly (what an owner shares).
    fn ib_ref_owned(&self, u: &mut Unstructured, kind: IbKind, caller: &Name) -> R<IbRef> {
        let owned: Vec<&IbEntry> = self
            .ib
            .iter()
            .filter(|e| e.kind == kind && &e.entry.account == caller)
            .collect();
        if owned.is_empty() || percent(u, 20)? {
            return self.ib_ref(u, kind, caller);
        }
        let e = (*u.choose(&owned)?).clone();
        self.ib_ref_to(u, kind, caller, Some(e))
    }

    fn ib_ref_to(
        &self,
        u: &mut Unstructured,
        kind: IbKind,
        caller: &Name,
        e: Option<IbEntry>,
    ) -> R<IbRef> {
        let Some(e) = e else {
            return Ok(IbRef {
                owner: None,
                name: self.cold(u, Gen::ib_cat(kind))?,
                version: None,
                build: None,
            });
        };
        let owner = if &e.entry.account == caller && percent(u, 90)? {
            None
        } else {
            Some(e.entry.account.clone())
        };
        let version = match u.int_in_range(0..=9u8)? {
            0..=6 => Some(e.version.clone()),
            7 => Some((*u.choose(IB_WILDCARDS)?).to_owned()),
            _ => None,
        };
        let build = if matches!(kind, IbKind::Component | IbKind::Image) && percent(u, 15)? {
            Some(u.int_in_range(1..=2)?)
        } else {
            None
        };
        Ok(IbRef {
            owner,
            name: e.entry.name,
            version,
            build,
        })
    }

    fn ib_kind(u: &mut Unstructured) -> R<IbKind> {
        Ok(match u.int_in_range(0..=9u8)? {
            0..=3 => IbKind::Component,
            4..=5 => IbKind::Image,
            6..=8 => IbKind::ImageRecipe,
            _ => IbKind::ContainerRecipe,
        })
    }

    fn ram_resources(&self, u: &mut Unstructured, caller: &Name) -> R<Vec<RamResource>> {
        let n = u.int_in_range(0..=MAX_LIST.min(2))?;
        let mut out = Vec::new();
        for _ in 0..n {
            let kind = Gen::ib_kind(u)?;
            out.push(RamResource {
                kind,
                resource: self.ib_ref_owned(u, kind, caller)?,
            });
        }
        Ok(out)
    }

    fn ram_principals(&self, u: &mut Unstructured, owner: &Name) -> R<Vec<RamPrincipal>> {
        let n = u.int_in_range(0..=MAX_LIST.min(2))?;
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(match u.int_in_range(0..=19u8)? {
                0..=9 => RamPrincipal::Account(if percent(u, 90)? {
                    self.other_account(u, owner)?
                } else {
                    self.param_account(u)?
                }),
                10..=12 => RamPrincipal::Organization(self.refer(u, Cat::Org)?.0),
                13..=15 => RamPrincipal::OrganizationalUnit(self.refer(u, Cat::Ou)?.0),
                16..=17 => {
                    let (role, e) = self.refer(u, Cat::Role)?;
                    RamPrincipal::Role(RoleArn {
                        account: e.map_or(self.param_account(u)?, |e| e.account),
                        role,
                    })
                }
                _ => {
                    let (user, e) = self.refer(u, Cat::User)?;
                    RamPrincipal::User {
                        account: e.map_or(self.param_account(u)?, |e| e.account),
                        user,
                    }
                }
            });
        }
        Ok(out)
    }

    fn offer_share(&mut self, share: &Name, owner: &Name, region: &Region, to: &[RamPrincipal]) {
        let entry = Entry {
            name: share.clone(),
            account: owner.clone(),
            region: region.clone(),
        };
        for p in to {
            let recipient = match p {
                RamPrincipal::Account(a) | RamPrincipal::User { account: a, .. } => a,
                RamPrincipal::Role(r) => &r.account,
                _ => continue,
            };
            self.offer(Cat::Share, Some(&entry), recipient);
        }
    }

    fn ram_call(&mut self, kind: OpKind, u: &mut Unstructured) -> R<Call> {
        use OpKind as K;
        match kind {
            K::EnableSharingWithAwsOrganization => {
                let (account, region) = self.org_caller(u)?;
                return Ok(Gen::call(
                    account,
                    region,
                    Op::EnableSharingWithAwsOrganization,
                ));
            }
            K::CreateResourceShare => {
                // Mostly the owner of some resource, in its Region, sharing what it owns.
                let anchor = if self.ib.is_empty() || percent(u, 15)? {
                    None
                } else {
                    Some(u.choose(&self.ib)?.entry.clone())
                };
                let (account, region) = self.caller_for(u, anchor.as_ref())?;
                let share = self.create_name(u, Cat::Share)?;
                self.record(Cat::Share, &share, &account, &region);
                let principals = self.ram_principals(u, &account)?;
                self.offer_share(&share, &account, &region, &principals);
                return Ok(Gen::call(
                    account.clone(),
                    region,
                    Op::CreateResourceShare {
                        share,
                        resources: self.ram_resources(u, &account)?,
                        principals,
                        allow_external_principals: match u.int_in_range(0..=4u8)? {
                            0..=2 => None,
                            3 => Some(true),
                            _ => Some(false),
                        },
                        retain_sharing_on_account_leave_organization: percent(u, 10)?,
                    },
                ));
            }
            K::GetResourceShareInvitations
            | K::GetResourceShares
            | K::ListResources
            | K::GetResourceShareAssociations
            | K::AdvanceTime => {
                let (account, region) = (self.any_account(u)?, self.region(u)?);
                let op = match kind {
                    K::GetResourceShareInvitations => Op::GetResourceShareInvitations,
                    K::GetResourceShares => Op::GetResourceShares {
                        resource_owner: Arbitrary::arbitrary(u)?,
                    },
                    K::ListResources => Op::ListResources {
                        resource_owner: Arbitrary::arbitrary(u)?,
                    },
                    K::GetResourceShareAssociations => Op::GetResourceShareAssociations {
                        association_type: Arbitrary::arbitrary(u)?,
                    },
                    _ => Op::AdvanceTime {
                        hours: *u.choose(HOURS)?,
                    },
                };
                return Ok(Gen::call(account, region, op));
            }
            K::PromoteResourceShareCreatedFromPolicy => {
                let kind = Gen::ib_kind(u)?;
                let e = self.ib_hot(u, kind)?;
                let (account, region) = self.caller_for(u, e.as_ref().map(|e| &e.entry))?;
                let resource = RamResource {
                    kind,
                    resource: self.ib_ref(u, kind, &account)?,
                };
                return Ok(Gen::call(
                    account,
                    region,
                    Op::PromoteResourceShareCreatedFromPolicy { resource },
                ));
            }
            _ => {}
        }
        if matches!(
            kind,
            K::AcceptResourceShareInvitation | K::RejectResourceShareInvitation
        ) && let Some((e, recipient)) = self.answer(u, Cat::Share)?
        {
            let share = e.name;
            let op = if kind == K::AcceptResourceShareInvitation {
                Op::AcceptResourceShareInvitation { share }
            } else {
                Op::RejectResourceShareInvitation { share }
            };
            return Ok(Gen::call(recipient, e.region, op));
        }
        let (share, entry) = self.refer(u, Cat::Share)?;
        let consumer = matches!(
            kind,
            K::AcceptResourceShareInvitation | K::RejectResourceShareInvitation
        ) || (kind == K::DisassociateResourceShare && percent(u, 25)?);
        let (account, region) = if consumer {
            self.consumer_for(u, entry.as_ref())?
        } else {
            self.caller_for(u, entry.as_ref())?
        };
        let owner = entry
            .as_ref()
            .map_or(account.clone(), |e| e.account.clone());
        let op = match kind {
            K::UpdateResourceShare => Op::UpdateResourceShare {
                share,
                allow_external_principals: if u.ratio(1u8, 4)? {
                    None
                } else {
                    Some(u.arbitrary()?)
                },
            },
            K::DeleteResourceShare => Op::DeleteResourceShare { share },
            K::AssociateResourceShare => {
                let principals = self.ram_principals(u, &owner)?;
                if let Some(e) = &entry {
                    self.offer_share(&share, &e.account, &e.region, &principals);
                }
                Op::AssociateResourceShare {
                    share,
                    resources: self.ram_resources(u, &owner)?,
                    principals,
                }
            }
            K::DisassociateResourceShare => Op::DisassociateResourceShare {
                share,
                resources: self.ram_resources(u, &owner)?,
                principals: if consumer {
                    vec![RamPrincipal::Account(account.clone())]
                } else {
                    self.ram_principals(u, &owner)?
                },
            },
            K::AcceptResourceShareInvitation => Op::AcceptResourceShareInvitation { share },
            K::RejectResourceShareInvitation => Op::RejectResourceShareInvitation { share },
            _ => return self.fallback(u),
        };
        Ok(Gen::call(account, region, op))
    }

    fn ib_version(u: &mut Unstructured) -> R<String> {
        let i = if percent(u, 95)? {
            u.int_in_range(0..=3usize)?
        } else {
            u.int_in_range(4..=5usize)?
        };
        Ok(IB_VERSIONS.get(i).copied().unwrap_or("1.0.0").to_owned())
    }

    fn key_ref(&self, u: &mut Unstructured, caller: &Name) -> R<Option<KeyRef>> {
        if percent(u, 75)? {
            return Ok(None);
        }
        let (key, e) = self.refer(u, Cat::Key)?;
        let account = match e {
            Some(e) if &e.account != caller => Some(e.account),
            _ => None,
        };
        Ok(Some(KeyRef { account, key }))
    }

    fn components(&self, u: &mut Unstructured, caller: &Name) -> R<Vec<IbRef>> {
        let n = u.int_in_range(0..=MAX_LIST.min(2))?;
        (0..n)
            .map(|_| self.ib_ref(u, IbKind::Component, caller))
            .collect()
    }

    fn parent_image(&self, u: &mut Unstructured, caller: &Name) -> R<ParentImage> {
        if percent(u, 65)? {
            Ok(ParentImage::Ami("ami-0abc".to_owned()))
        } else {
            Ok(ParentImage::Image(self.ib_ref(u, IbKind::Image, caller)?))
        }
    }

    /// Creates an Image Builder resource: a fresh name, or (often, for components and recipes)
    /// a new version of one the caller owns.
    fn ib_create(&mut self, u: &mut Unstructured, kind: IbKind) -> R<(Name, Region, Name, String)> {
        let cat = Gen::ib_cat(kind);
        let existing = self.ib_hot(u, kind)?;
        let (account, region, name) = match existing {
            Some(e) if percent(u, 30)? => {
                let (a, r) = self.caller_for(u, Some(&e.entry))?;
                (a, r, e.entry.name)
            }
            _ => (self.any_account(u)?, self.region(u)?, self.fresh(cat)),
        };
        let version = Gen::ib_version(u)?;
        let entry = IbEntry {
            kind,
            entry: Entry {
                name: name.clone(),
                account: account.clone(),
                region: region.clone(),
            },
            version: version.clone(),
        };
        if !self.ib.contains(&entry) {
            self.ib.push(entry);
        }
        Ok((account, region, name, version))
    }

    fn policy(&self, u: &mut Unstructured, owner: &Name) -> R<ResourcePolicy> {
        let n = u.int_in_range(0..=MAX_LIST.min(2))?;
        let mut principals = Vec::new();
        for _ in 0..n {
            principals.push(if percent(u, 90)? {
                self.other_account(u, owner)?
            } else {
                self.param_account(u)?
            });
        }
        let actions = match u.int_in_range(0..=9u8)? {
            0..=7 => None,
            8 => Some(vec!["imagebuilder:GetComponent".to_owned()]),
            _ => Some(vec!["imagebuilder:DeleteComponent".to_owned()]),
        };
        Ok(ResourcePolicy {
            principals,
            actions,
        })
    }

    fn ib_call(&mut self, kind: OpKind, u: &mut Unstructured) -> R<Call> {
        use OpKind as K;
        let op_kind = kind;
        match kind {
            K::CreateComponent => {
                let (account, region, component, version) = self.ib_create(u, IbKind::Component)?;
                let kms_key = self.key_ref(u, &account)?;
                return Ok(Gen::call(
                    account,
                    region,
                    Op::CreateComponent {
                        component,
                        version,
                        kms_key,
                    },
                ));
            }
            K::CreateImageRecipe | K::CreateContainerRecipe => {
                let ib_kind = if kind == K::CreateImageRecipe {
                    IbKind::ImageRecipe
                } else {
                    IbKind::ContainerRecipe
                };
                let (account, region, recipe, version) = self.ib_create(u, ib_kind)?;
                let components = self.components(u, &account)?;
                let parent_image = self.parent_image(u, &account)?;
                let op = if kind == K::CreateImageRecipe {
                    Op::CreateImageRecipe {
                        recipe,
                        version,
                        components,
                        parent_image,
                    }
                } else {
                    Op::CreateContainerRecipe {
                        recipe,
                        version,
                        components,
                        parent_image,
                        kms_key: self.key_ref(u, &account)?,
                    }
                };
                return Ok(Gen::call(account, region, op));
            }
            K::CreateImage => {
                let container = percent(u, 25)?;
                let rkind = if container {
                    IbKind::ContainerRecipe
                } else {
                    IbKind::ImageRecipe
                };
                let e = self.ib_hot(u, rkind)?;
                // Mostly the recipe's owner, sometimes a consumer of a shared recipe (IB-21).
                let (account, region) = match &e {
                    Some(e) if percent(u, 30)? => self.consumer_for(u, Some(&e.entry))?,
                    other => self.caller_for(u, other.as_ref().map(|e| &e.entry))?,
                };
                let r = self.ib_ref(u, rkind, &account)?;
                if let Some(e) = &e {
                    let image = IbEntry {
                        kind: IbKind::Image,
                        entry: Entry {
                            name: r.name.clone(),
                            account: account.clone(),
                            region: region.clone(),
                        },
                        version: e.version.clone(),
                    };
                    if !self.ib.contains(&image) {
                        self.ib.push(image);
                    }
                }
                let recipe = if container {
                    RecipeRef::ContainerRecipe(r)
                } else {
                    RecipeRef::ImageRecipe(r)
                };
                return Ok(Gen::call(account, region, Op::CreateImage { recipe }));
            }
            K::ListComponents | K::ListImages | K::ListImageRecipes | K::ListContainerRecipes => {
                let (account, region) = (self.any_account(u)?, self.region(u)?);
                let owner = Arbitrary::arbitrary(u)?;
                let op = match kind {
                    K::ListComponents => Op::ListComponents { owner },
                    K::ListImages => Op::ListImages { owner },
                    K::ListImageRecipes => Op::ListImageRecipes { owner },
                    _ => Op::ListContainerRecipes { owner },
                };
                return Ok(Gen::call(account, region, op));
            }
            _ => {}
        }
        let ib_kind = match kind {
            K::DeleteComponent
            | K::PutComponentPolicy
            | K::GetComponentPolicy
            | K::GetComponent => IbKind::Component,
            K::DeleteImage | K::PutImagePolicy | K::GetImagePolicy | K::GetImage => IbKind::Image,
            K::DeleteImageRecipe
            | K::PutImageRecipePolicy
            | K::GetImageRecipePolicy
            | K::GetImageRecipe => IbKind::ImageRecipe,
            _ => IbKind::ContainerRecipe,
        };
        let e = self.ib_hot(u, ib_kind)?;
        let reader = matches!(
            kind,
            K::GetComponent | K::GetImage | K::GetImageRecipe | K::GetContainerRecipe
        ) && percent(u, 40)?;
        let (account, region) = if reader {
            self.consumer_for(u, e.as_ref().map(|e| &e.entry))?
        } else {
            self.caller_for(u, e.as_ref().map(|e| &e.entry))?
        };
        let owner = e
            .as_ref()
            .map_or(account.clone(), |e| e.entry.account.clone());
        let r = self.ib_ref(u, ib_kind, &account)?;
        let op = match op_kind {
            K::DeleteComponent => Op::DeleteComponent { component: r },
            K::DeleteImage => Op::DeleteImage { image: r },
            K::DeleteImageRecipe => Op::DeleteImageRecipe { recipe: r },
            K::DeleteContainerRecipe => Op::DeleteContainerRecipe { recipe: r },
            K::PutComponentPolicy => Op::PutComponentPolicy {
                component: r,
                policy: self.policy(u, &owner)?,
            },
            K::PutImagePolicy => Op::PutImagePolicy {
                image: r,
                policy: self.policy(u, &owner)?,
            },
            K::PutImageRecipePolicy => Op::PutImageRecipePolicy {
                recipe: r,
                policy: self.policy(u, &owner)?,
            },
            K::PutContainerRecipePolicy => Op::PutContainerRecipePolicy {
                recipe: r,
                policy: self.policy(u, &owner)?,
            },
            K::GetComponentPolicy => Op::GetComponentPolicy { component: r },
            K::GetImagePolicy => Op::GetImagePolicy { image: r },
            K::GetImageRecipePolicy => Op::GetImageRecipePolicy { recipe: r },
            K::GetContainerRecipePolicy => Op::GetContainerRecipePolicy { recipe: r },
            K::GetComponent => Op::GetComponent { component: r },
            K::GetImage => Op::GetImage { image: r },
            K::GetImageRecipe => Op::GetImageRecipe { recipe: r },
            K::GetContainerRecipe => Op::GetContainerRecipe { recipe: r },
            _ => return self.fallback(u),
        };
        Ok(Gen::call(account, region, op))
    }

    /// Unreachable by construction (every kind is routed to the builder of its service); kept
    /// so that a routing mistake degrades to a harmless read instead of an error.
    fn fallback(&self, u: &mut Unstructured) -> R<Call> {
        Ok(Gen::call(
            self.any_account(u)?,
            self.region(u)?,
            Op::ListPortfolios,
        ))
    }
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::{Rng, SeedableRng};
    use std::collections::BTreeSet;

    fn generate(seed: u64, swarm: Swarm, n: usize) -> Vec<Call> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut g = Gen::new(swarm);
        let mut buf = [0u8; 128];
        (0..n)
            .map(|_| {
                rng.fill_bytes(&mut buf);
                g.next_call(&mut Unstructured::new(&buf)).unwrap()
            })
            .collect()
    }

    #[test]
    fn every_kind_is_reachable() {
        let kinds: BTreeSet<OpKind> = (0..4)
            .flat_map(|s| generate(s, Swarm::ALL, 3000))
            .map(|c| c.op.kind())
            .collect();
        let missing: Vec<OpKind> = OpKind::all().filter(|k| !kinds.contains(k)).collect();
        assert!(missing.is_empty(), "never generated: {missing:?}");
    }

    #[test]
    fn switched_off_groups_are_never_generated() {
        let swarm = Swarm::parse("sc-only").unwrap();
        for call in generate(7, swarm, 2000) {
            assert!(swarm.enabled(group(call.op.kind())), "{:?}", call.op);
        }
    }

    #[test]
    fn callers_are_declared_accounts_and_regions() {
        for call in generate(3, Swarm::ALL, 3000) {
            assert!(ACCOUNTS.contains(&call.account.as_str()), "{call:?}");
            assert!(REGIONS.contains(&call.region.as_str()), "{call:?}");
        }
    }

    #[test]
    fn most_references_are_hot_and_some_are_cold() {
        let calls = generate(5, Swarm::ALL, 3000);
        let text = format!("{calls:?}");
        assert!(text.contains("\"port0\"") || text.contains("\"port00\""));
        let hot = calls
            .iter()
            .filter(|c| matches!(&c.op, Op::AcceptPortfolioShare { portfolio, .. } if !portfolio.as_str().starts_with("port0")))
            .count();
        let all = calls
            .iter()
            .filter(|c| matches!(c.op, Op::AcceptPortfolioShare { .. }))
            .count();
        assert!(hot * 10 > all * 8, "{hot} of {all}");
    }

    #[test]
    fn chains_build_launches_through_imports_and_recipes_on_shared_components() {
        let calls = generate(11, Swarm::ALL, 600);
        // A consumer's end user launches a product owned by another account.
        let owners: BTreeMap<&Name, &Name> = calls
            .iter()
            .filter_map(|c| match &c.op {
                Op::CreateProduct { product, .. } => Some((product, &c.account)),
                _ => None,
            })
            .collect();
        assert!(
            calls.iter().any(|c| matches!(&c.op,
            Op::ProvisionProduct { product, .. }
                if c.principal.is_some() && owners.get(product).is_some_and(|o| **o != c.account)))
        );
        // A consumer's recipe names a component of another account, and two consumers do.
        let foreign: Vec<(&Name, &Name)> = calls
            .iter()
            .filter_map(|c| match &c.op {
                Op::CreateImageRecipe { components, .. }
                | Op::CreateContainerRecipe { components, .. } => components
                    .iter()
                    .find(|r| r.owner.as_ref().is_some_and(|o| *o != c.account))
                    .map(|r| (&r.name, &c.account)),
                _ => None,
            })
            .collect();
        assert!(
            foreign
                .iter()
                .any(|(comp, a)| foreign.iter().any(|(comp2, b)| comp == comp2 && a != b))
        );
        // End users of two accounts share a role name (IAM-05).
        let roles: Vec<(&Name, &Name)> = calls
            .iter()
            .filter_map(|c| match &c.op {
                Op::CreateRole { role } => Some((role, &c.account)),
                _ => None,
            })
            .collect();
        assert!(
            roles
                .iter()
                .any(|(r, a)| roles.iter().any(|(r2, b)| r == r2 && a != b))
        );
    }

    #[test]
    fn chains_respect_the_swarm_profile() {
        let swarm = Swarm::parse("ram-ib").unwrap();
        let calls = generate(2, swarm, 1000);
        for call in &calls {
            assert!(swarm.enabled(group(call.op.kind())), "{:?}", call.op);
        }
        assert!(calls.iter().any(|c| matches!(&c.op,
            Op::CreateImageRecipe { components, .. }
                if components.iter().any(|r| r.owner.as_ref().is_some_and(|o| *o != c.account)))));
    }

    #[test]
    fn a_switched_profile_takes_effect_at_once_and_keeps_the_pools() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut buf = [0u8; 128];
        let mut g = Gen::new(Swarm::ALL);
        for _ in 0..400 {
            rng.fill_bytes(&mut buf);
            g.next_call(&mut Unstructured::new(&buf)).unwrap();
        }
        let created = g.pools.clone();
        let sc = Swarm::parse("sc-only").unwrap();
        g.set_swarm(sc);
        assert_eq!(g.swarm(), sc);
        assert_eq!(
            g.pools, created,
            "switching profile keeps what earlier calls created"
        );
        for _ in 0..400 {
            rng.fill_bytes(&mut buf);
            let call = g.next_call(&mut Unstructured::new(&buf)).unwrap();
            // No call of a switched-off group, not even one left pending by a chain.
            assert!(sc.enabled(group(call.op.kind())), "{:?}", call.op);
        }
        assert_eq!(
            g.enabled_kinds().collect::<Vec<_>>(),
            Gen::new(sc).enabled_kinds().collect::<Vec<_>>()
        );
    }

    #[test]
    fn exhausted_input_still_generates() {
        let mut g = Gen::new(Swarm::ALL);
        let mut u = Unstructured::new(&[]);
        for _ in 0..50 {
            g.next_call(&mut u).unwrap();
        }
    }

    #[test]
    fn categories_round_trip_through_names() {
        for cat in <Cat as strum::IntoEnumIterator>::iter() {
            assert_eq!(Cat::of(&format!("{}12", cat.prefix())), Some(cat));
            for cold in cat.cold() {
                assert_eq!(Cat::of(&cold), Some(cat));
            }
        }
        assert_eq!(Cat::of("a"), None);
        assert_eq!(Cat::of("1.0.0"), None);
        assert_eq!(Cat::of("ami-0abc"), None);
    }
}
