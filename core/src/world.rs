//! The world: every account, organization, principal, key, portfolio, share and image resource,
//! and the single entry point [`World::apply`].
//!
//! `apply` validates the caller, hands the call to the rule module of its service, and records
//! which rules decided the outcome. State lives in one struct per service (in `services/`), each
//! in `BTreeMap`s keyed by symbolic names, so iteration order (and therefore every observation,
//! trace and snapshot) is deterministic. There is no clock but the logical one and no randomness.

use crate::error::{ApiError, Exception, RuleId, reject};
use crate::name::{Name, Region};
use crate::observe::{AccountView, Observation, RegionView, Shared};
use crate::op::{Call, OpKind, Principal, ServiceKind};
use crate::response::Response;
use crate::services::{iam, ib, kms, org, ram, sc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The starting point of a world: its accounts, Regions and parameters. Organizations, OUs and
/// IAM principals are created by calls, so that an external implementation can be brought to the
/// same state through the same protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct WorldSpec {
    /// Account names, in order; account `i` gets the 12-digit id `1000000000nn` (n = i + 1).
    pub accounts: Vec<Name>,
    /// Enabled Regions.
    pub regions: Vec<Region>,
    /// Quotas and model switches.
    #[serde(default)]
    pub config: Config,
}

/// Quotas and the documented model switches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Quota values (RULES.md §2.7).
    pub quotas: Quotas,
    /// allow RAM principals that are organizations or OUs outside the owner's organization,
    /// as seed S4 says (IB-03). Off by default: the model follows RAM (RAM-06).
    pub allow_foreign_org_principals: bool,
    /// CreateComponent with an existing (name, version) fails with ResourceInUseException
    /// instead of creating the next build.
    pub legacy_component_versions: bool,
}

/// Every quota of RULES.md §2.7 as a parameter, with the documented defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Quotas {
    ///
    pub portfolios_per_region: u64,
    ///
    pub products_per_region: u64,
    ///
    pub products_per_portfolio: u64,
    ///
    pub principals_per_portfolio: u64,
    ///
    pub patterns_per_portfolio: u64,
    ///
    pub shared_accounts_per_portfolio: u64,
    ///
    pub constraints_per_product_per_portfolio: u64,
    ///
    pub artifacts_per_product: u64,
    ///
    pub delegated_administrators: u64,
    ///
    pub resource_shares_per_region: u64,
    /// Q-12 (resource and principal associations per share).
    pub associations_per_share: u64,
    ///
    pub associations_per_region: u64,
    ///
    pub resources_per_call: u64,
    ///
    pub pending_invitations: u64,
    /// Q-16 (hours).
    pub invitation_lifetime_hours: u64,
    ///
    pub ous_per_organization: u64,
    ///
    pub ou_depth: u64,
    ///
    pub components_per_recipe: u64,
    ///
    pub policy_size: u64,
    /// Q-22 (components per account and Region; number not verified).
    pub ib_components: u64,
    /// Q-22 (image recipes and container recipes).
    pub ib_recipes: u64,
    /// Q-22 (images).
    pub ib_images: u64,
    /// shortest KMS key deletion waiting period, in days.
    pub key_deletion_min_days: u64,
    /// longest KMS key deletion waiting period, in days.
    pub key_deletion_max_days: u64,
    /// the waiting period when ScheduleKeyDeletion names none, in days.
    pub key_deletion_default_days: u64,
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            portfolios_per_region: 100,
            products_per_region: 350,
            products_per_portfolio: 150,
            principals_per_portfolio: 100,
            patterns_per_portfolio: 10,
            shared_accounts_per_portfolio: 5000,
            constraints_per_product_per_portfolio: 100,
            artifacts_per_product: 100,
            delegated_administrators: 50,
            resource_shares_per_region: 25_000,
            associations_per_share: 5000,
            associations_per_region: 25_000,
            resources_per_call: 100,
            pending_invitations: 20,
            invitation_lifetime_hours: 12,
            ous_per_organization: 1000,
            ou_depth: 5,
            components_per_recipe: 20,
            policy_size: 30_000,
            ib_components: 1000,
            ib_recipes: 1000,
            ib_images: 1000,
            key_deletion_min_days: 7,
            key_deletion_max_days: 30,
            key_deletion_default_days: 30,
        }
    }
}

/// The result of one call: the response or the rejection, and the rule ids that decided it (for
/// traces and rule coverage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// What the caller gets back.
    pub result: Result<Response, ApiError>,
    /// The rules that decided the outcome, sorted and without duplicates.
    pub rules: Vec<RuleId>,
}

/// The context of a call being applied: who calls, where, and which rules decided so far.
#[derive(Debug)]
pub(crate) struct Ctx {
    /// The calling account.
    pub account: Name,
    /// The end-user principal, if any.
    pub principal: Option<Principal>,
    /// The Region.
    pub region: Region,
    /// Rules recorded as deciding the outcome, in the order they were recorded, with repeats:
    /// [`World::apply`] sorts them and drops the repeats once, instead of a set insertion (string
    /// comparisons) per hit.
    pub rules: Vec<RuleId>,
}

impl Ctx {
    /// Records that `rule` decided (part of) the outcome.
    pub fn hit(&mut self, rule: RuleId) {
        self.rules.push(rule);
    }
}

/// One account.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    /// The 12-digit id.
    pub id: String,
}

/// The whole modelled world.
#[derive(Debug, Clone)]
#[allow(dead_code)] // The org, kms, ram and ib states are read as their services are modelled.
pub struct World {
    pub(crate) config: Config,
    pub(crate) clock_hours: u64,
    pub(crate) accounts: BTreeMap<Name, Account>,
    pub(crate) regions: BTreeSet<Region>,
    pub(crate) ids: IdGen,
    pub(crate) org: org::OrgState,
    pub(crate) iam: iam::IamState,
    pub(crate) kms: kms::KmsState,
    pub(crate) sc: sc::ScState,
    pub(crate) ram: ram::RamState,
    pub(crate) ib: ib::IbState,
    /// The planted bug of the fault zoo, if any.
    #[cfg(feature = "faults")]
    pub(crate) fault: Option<crate::fault::Fault>,
    /// Whether the planted bug has acted (see [`World::fault_fired`]).
    #[cfg(feature = "faults")]
    pub(crate) fired: crate::fault::Fired,
}

impl World {
    /// A world with the given accounts and Regions, and nothing else.
    pub fn new(spec: &WorldSpec) -> World {
        let accounts = spec
            .accounts
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let id = format!("{:012}", 100_000_000_000u64 + i as u64 + 1);
                (name.clone(), Account { id })
            })
            .collect();
        World {
            config: spec.config.clone(),
            clock_hours: 0,
            accounts,
            regions: spec.regions.iter().cloned().collect(),
            ids: IdGen::default(),
            org: org::OrgState::default(),
            iam: iam::IamState::default(),
            kms: kms::KmsState::default(),
            sc: sc::ScState::default(),
            ram: ram::RamState::default(),
            ib: ib::IbState::default(),
            #[cfg(feature = "faults")]
            fault: None,
            #[cfg(feature = "faults")]
            fired: crate::fault::Fired::default(),
        }
    }

    /// A world with a planted bug of the fault zoo (`sharesim selftest`).
    #[cfg(feature = "faults")]
    pub fn with_fault(spec: &WorldSpec, fault: crate::fault::Fault) -> World {
        World {
            fault: Some(fault),
            ..World::new(spec)
        }
    }

    /// Whether the planted bug `fault` is switched on in this world, at a place where it changes
    /// what the world does: every `// FAULT ZOO:` site asks this only where the broken behaviour
    /// would differ from the correct one (or earlier), and a `true` answer is recorded
    /// ([`World::fault_fired`]).
    #[cfg(feature = "faults")]
    pub(crate) fn faulty(&self, fault: crate::fault::Fault) -> bool {
        let on = self.fault == Some(fault);
        if on {
            self.fired.set();
        }
        on
    }

    /// Whether `fault` is planted, without recording that it acted: for choices that change
    /// only how much work a correct answer takes (which views `observe_after` rebuilds), never
    /// the answer.
    #[cfg(feature = "faults")]
    pub(crate) fn has_fault(&self, fault: crate::fault::Fault) -> bool {
        self.fault == Some(fault)
    }

    /// Whether the planted bug has acted since the world was built: `false` as long as this world
    /// has behaved exactly as the correct model would from the same calls (every answer,
    /// every state change and every observation the same). The self-test uses it to check a
    /// detection on the correct model only from the first call at which the two can differ.
    /// Always `false` for a world without a planted bug.
    #[cfg(feature = "faults")]
    pub fn fault_fired(&self) -> bool {
        self.fired.get()
    }

    /// Always false without the `faults` feature, so that the checks compile away.
    #[cfg(not(feature = "faults"))]
    #[inline(always)]
    pub(crate) fn faulty(&self, _fault: crate::fault::Fault) -> bool {
        false
    }

    /// Always false without the `faults` feature.
    #[cfg(not(feature = "faults"))]
    #[inline(always)]
    pub(crate) fn has_fault(&self, _fault: crate::fault::Fault) -> bool {
        false
    }

    /// Always false without the `faults` feature: no world has a planted bug.
    #[cfg(not(feature = "faults"))]
    pub fn fault_fired(&self) -> bool {
        false
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Applies one call. Never panics: every call, including calls that name entities that do
    /// not exist, belong to other accounts or Regions, or were deleted, ends in a response or an
    /// [`ApiError`].
    pub fn apply(&mut self, call: &Call) -> Outcome {
        let mut ctx = Ctx {
            account: call.account.clone(),
            principal: call.principal.clone(),
            region: call.region.clone(),
            // Most calls record a handful of rules: one allocation instead of a few regrowths.
            rules: Vec::with_capacity(8),
        };
        let result = self
            .check_caller(call)
            .and_then(|()| self.dispatch(&mut ctx, call));
        if let Err(err) = &result {
            ctx.hit(err.rule);
        }
        // Sorted and without duplicates, as `Outcome::rules` says.
        let mut rules = ctx.rules;
        rules.sort_unstable();
        rules.dedup();
        Outcome { result, rules }
    }

    /// A caller that does not exist cannot sign a request: unknown accounts, principals and
    /// Regions are rejected before any service sees the call `[MODEL]`.
    fn check_caller(&self, call: &Call) -> Result<(), ApiError> {
        if !self.accounts.contains_key(&call.account) {
            return Err(reject(
                Exception::UnrecognizedClientException,
                "IAM-01",
                format!("no account named {}", call.account),
            ));
        }
        if !self.regions.contains(&call.region) {
            return Err(reject(
                Exception::UnrecognizedClientException,
                "INV-01",
                format!("Region {} is not enabled in this world", call.region),
            ));
        }
        if let Some(principal) = &call.principal
            && !self.iam.principal_exists(&call.account, principal)
        {
            return Err(reject(
                Exception::UnrecognizedClientException,
                "IAM-01",
                format!("no {principal} in account {}", call.account),
            ));
        }
        Ok(())
    }

    fn dispatch(&mut self, ctx: &mut Ctx, call: &Call) -> Result<Response, ApiError> {
        match call.op.kind().service() {
            ServiceKind::Organizations => org::apply(self, ctx, &call.op),
            ServiceKind::Iam => iam::apply(self, ctx, &call.op),
            ServiceKind::Kms => kms::apply(self, ctx, &call.op),
            ServiceKind::ServiceCatalog => sc::apply(self, ctx, &call.op),
            ServiceKind::Ram => ram::apply(self, ctx, &call.op),
            ServiceKind::ImageBuilder => ib::apply(self, ctx, &call.op),
        }
    }

    /// The canonical observation of the whole world.
    pub fn observe(&self) -> Observation {
        let mut obs = Observation {
            clock_hours: self.clock_hours,
            ..Observation::default()
        };
        for (name, account) in &self.accounts {
            let view = obs.accounts.entry(name.clone()).or_default();
            view.id = account.id.clone();
            for region in &self.regions {
                view.regions.entry(region.clone()).or_default();
            }
        }
        org::observe(self, &mut obs, true);
        iam::observe(self, &mut obs, Accounts::All);
        kms::observe(self, &mut obs, Accounts::All);
        sc::observe(self, &mut obs, Accounts::All);
        ram::observe(self, &mut obs, Accounts::All);
        ib::observe(self, &mut obs, Accounts::All);
        obs
    }

    /// The observation after `call`, given `previous`, the observation before it: the parts of
    /// each account's view that the call cannot change are copied from `previous`, and the rest
    /// is built as [`World::observe`] builds it, so the result equals `self.observe()` whenever
    /// `previous` was the observation of the world before the call. Which service parts a
    /// call's kind can change is [`ObservedParts::changed_by`]; which accounts' views of each
    /// part (and which accounts' organization, IAM view and KMS keys) is `World::rebuilt_by`,
    /// from each service's `affected`, `readers` and seeds, for every kind of call
    /// (Organizations calls and the clock included). The clock and the organizations' views are
    /// always rebuilt (they are small); everything else is rebuilt only for the accounts
    /// `rebuilt_by` names for it, a Service Catalog, RAM or Image Builder view with its quota
    /// usage.
    /// Copied views are shared with `previous` ([`crate::observe::Shared`]), not deep-copied,
    /// and an account none of whose parts is rebuilt is shared whole. The explorer uses it
    /// after calls that change the world (docs/PERFORMANCE.md §2) and checks it against a full
    /// observation at the end of every seed.
    pub fn observe_after(&self, previous: &Observation, call: &Call) -> Observation {
        if previous.accounts.len() != self.accounts.len() {
            return self.observe();
        }
        let rebuilt = self.rebuilt_by(previous, call);
        let mut obs = Observation {
            clock_hours: self.clock_hours,
            ..Observation::default()
        };
        for (name, account) in &self.accounts {
            let Some(before) = previous.accounts.get(name) else {
                return self.observe();
            };
            if before.regions.len() != self.regions.len() || before.id != account.id {
                return self.observe();
            }
            let now = ObservedParts {
                sc: rebuilt.sc.has(name),
                ram: rebuilt.ram.has(name),
                ib: rebuilt.ib.has(name),
            };
            let iam = rebuilt.iam.contains(name);
            let kms = rebuilt.kms.contains(name);
            let moved = rebuilt.organization.contains(name);
            if !(now.sc || now.ram || now.ib || iam || kms || moved) {
                obs.accounts.insert(name.clone(), before.clone());
                continue;
            }
            let mut view = AccountView {
                id: account.id.clone(),
                organization: if moved {
                    self.org.org_of(name).cloned()
                } else {
                    before.organization.clone()
                },
                iam: if iam {
                    Shared::default()
                } else {
                    before.iam.clone()
                },
                regions: BTreeMap::new(),
            };
            for region in &self.regions {
                let Some(b) = before.regions.get(region) else {
                    return self.observe();
                };
                let mut rv = RegionView {
                    kms_keys: if kms { Vec::new() } else { b.kms_keys.clone() },
                    sc: emptied_or_kept(now.sc, &b.sc),
                    ram: emptied_or_kept(now.ram, &b.ram),
                    ib: emptied_or_kept(now.ib, &b.ib),
                    usage: BTreeMap::new(),
                };
                for (quota, n) in &b.usage {
                    match now.counts(quota) {
                        Some(true) => {}
                        Some(false) => {
                            rv.usage.insert(quota.clone(), *n);
                        }
                        None => return self.observe(),
                    }
                }
                view.regions.insert(region.clone(), rv);
            }
            obs.accounts.insert(name.clone(), Shared::new(view));
        }
        org::observe(self, &mut obs, false);
        if !rebuilt.iam.is_empty() {
            iam::observe(self, &mut obs, Accounts::Only(&rebuilt.iam));
        }
        if !rebuilt.kms.is_empty() {
            kms::observe(self, &mut obs, Accounts::Only(&rebuilt.kms));
        }
        if let Some(only) = rebuilt.sc.accounts() {
            sc::observe(self, &mut obs, only);
        }
        if let Some(only) = rebuilt.ram.accounts() {
            ram::observe(self, &mut obs, only);
        }
        if let Some(only) = rebuilt.ib.accounts() {
            ib::observe(self, &mut obs, only);
        }
        obs
    }

    /// Which accounts' views of each part of the observation `call` may have changed, given
    /// `previous`, the observation before it: [`World::observe_after`]'s choice of what to
    /// rebuild, which must name every account whose view of a part differs after the call (a
    /// rejected call changes nothing, A-30, so a superset is always right for it). The parts a
    /// kind can change are [`ObservedParts::changed_by`]'s; by service:
    ///
    /// - IAM: the caller's IAM view (IAM-01) and its Service Catalog view (`sc::affected`).
    /// - KMS: the caller's keys (KMS-03: only the owner administers a key).
    /// - Service Catalog: `sc::affected`.
    /// - RAM and Image Builder: one set for both views, the readers of the caller and of the
    ///   owners the call names ([`World::ram_ib_affected`]).
    /// - Organizations calls and EnableSharingWithAwsOrganization (RAM-25), which change the
    ///   organizations and then run the Service Catalog and RAM reactions to them (SC-35,
    ///   RAM-24, RAM-26): the organization of each account whose membership changed (ORG-01,
    ///   ORG-02, ORG-06, ORG-07), and the Service Catalog (`sc::org_affected`) and RAM and Image
    ///   Builder views (`ram::org_seeds`, then `ram::readers`) that read the organizations
    ///   through shares to organizations and OUs or through membership. No IAM view or key
    ///   reads the organizations (a key policy's grantees are shown as written, KMS-02).
    /// - AdvanceTime: the RAM views of the receivers and senders of the invitations that
    ///   expired (RAM-13, Q-16, `ram::expired_invitations`) and the keys of the owners whose
    ///   key deletion ended (KMS-06, `kms::deletions_ended`). Nothing else reads the clock:
    ///   Service Catalog and Image Builder state has no time in it, and no view but the
    ///   owner's shows whether a key still exists.
    pub(crate) fn rebuilt_by(&self, previous: &Observation, call: &Call) -> Rebuilt {
        let kind = call.op.kind();
        let parts = ObservedParts::changed_by(kind);
        let caller = || BTreeSet::from([call.account.clone()]);
        let mut out = Rebuilt::default();
        match kind {
            OpKind::AdvanceTime => {
                out.kms = kms::deletions_ended(self, previous.clock_hours);
                out.ram = self.shared_scope(|| ram::expired_invitations(self, previous));
            }
            OpKind::EnableSharingWithAwsOrganization => self.org_rebuilt(previous, &mut out),
            _ => match kind.service() {
                ServiceKind::Organizations => self.org_rebuilt(previous, &mut out),
                ServiceKind::Iam => {
                    out.iam = caller();
                    out.sc = Scope::Only(sc::affected(self, previous, call));
                }
                ServiceKind::Kms => out.kms = caller(),
                ServiceKind::ServiceCatalog => {
                    out.sc = Scope::Only(sc::affected(self, previous, call));
                }
                ServiceKind::Ram | ServiceKind::ImageBuilder => {
                    out.ram = self.ram_ib_affected(previous, call);
                    out.ib = out.ram.clone();
                }
            },
        }
        // The parts the kind cannot change are never rebuilt, whatever the sets say.
        for (part, can) in [
            (&mut out.sc, parts.sc),
            (&mut out.ram, parts.ram),
            (&mut out.ib, parts.ib),
        ] {
            if !can {
                *part = Scope::none();
            }
        }
        out
    }

    /// [`World::rebuilt_by`] for an Organizations call or EnableSharingWithAwsOrganization.
    fn org_rebuilt(&self, previous: &Observation, out: &mut Rebuilt) {
        out.organization = previous
            .accounts
            .iter()
            .filter(|(name, view)| view.organization.as_ref() != self.org.org_of(name))
            .map(|(name, _)| name.clone())
            .collect();
        out.sc = Scope::Only(sc::org_affected(self, previous));
        let seeds = ram::org_seeds(self, &out.organization);
        out.ram = if seeds.is_empty() {
            Scope::none()
        } else {
            self.shared_scope(|| ram::readers(self, previous, seeds))
        };
        out.ib = out.ram.clone();
    }

    /// The accounts whose RAM and Image Builder views a RAM or Image Builder call may change:
    /// the two are one set because a share grants Image Builder resources (IB-23, RAM-28) and
    /// Image Builder policies are shares (IB-09, RAM-30).
    fn ram_ib_affected(&self, previous: &Observation, call: &Call) -> Scope {
        self.shared_scope(|| {
            let mut seeds = BTreeSet::from([call.account.clone()]);
            seeds.extend(ram::named_owner(self, &call.op));
            seeds.extend(ib::named_owners(&call.op));
            ram::readers(self, previous, seeds)
        })
    }

    /// The RAM or Image Builder views to rebuild: those of the accounts `accounts` gives, or
    /// every one (without asking `accounts`) when a planted bug needs it.
    fn shared_scope(&self, accounts: impl FnOnce() -> BTreeSet<Name>) -> Scope {
        // FAULT ZOO: the planted bug shows a consumer's recipe to the other consumers of what it
        // is built on, whose views no share of the recipe's owner reaches.
        // (Rebuilding every view is only more work, never another answer: `has_fault` does not
        // count it as the fault acting.)
        if self.has_fault(crate::fault::Fault::ConsumerSeesOtherConsumersRecipe) {
            return Scope::All;
        }
        Scope::Only(accounts())
    }

    /// The 12-digit id of an account.
    pub fn account_id(&self, account: &Name) -> Option<&str> {
        self.accounts.get(account).map(|a| a.id.as_str())
    }

    /// Whether the account exists.
    pub(crate) fn has_account(&self, account: &Name) -> bool {
        self.accounts.contains_key(account)
    }

    /// The account id for ARNs; an unknown account renders as twelve zeros (ARNs of unknown
    /// accounts only appear in rejected calls' messages).
    pub(crate) fn acct(&self, account: &Name) -> String {
        self.account_id(account)
            .map_or_else(|| "000000000000".to_owned(), str::to_owned)
    }

    /// [`World::acct`], borrowed: for the ARNs formatted on every call (shares, invitations,
    /// Image Builder resources), so that the id is not copied before it is formatted.
    pub(crate) fn acct_str(&self, account: &Name) -> &str {
        self.account_id(account).unwrap_or("000000000000")
    }

    /// The Regions of the world.
    pub fn regions(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter()
    }

    /// The account names of the world.
    pub fn accounts(&self) -> impl Iterator<Item = &Name> {
        self.accounts.keys()
    }

    /// The logical clock, in hours.
    pub fn clock_hours(&self) -> u64 {
        self.clock_hours
    }
}

/// A view that [`World::observe_after`] rebuilds starts empty (its service's `observe` fills
/// it); one it keeps is shared with the observation before.
fn emptied_or_kept<T: Clone + Default>(rebuilt: bool, before: &Shared<T>) -> Shared<T> {
    if rebuilt {
        Shared::default()
    } else {
        before.clone()
    }
}

/// Which accounts' views of one part [`World::observe_after`] rebuilds.
#[derive(Debug, Clone)]
pub(crate) enum Scope {
    /// Every account's.
    All,
    /// Only these accounts' (none when empty).
    Only(BTreeSet<Name>),
}

impl Default for Scope {
    fn default() -> Self {
        Scope::none()
    }
}

impl Scope {
    /// No account's.
    pub fn none() -> Scope {
        Scope::Only(BTreeSet::new())
    }

    /// Whether the account's view is rebuilt.
    pub fn has(&self, account: &Name) -> bool {
        match self {
            Scope::All => true,
            Scope::Only(set) => set.contains(account),
        }
    }

    /// The accounts for a service's `observe`, `None` when no view is rebuilt.
    pub fn accounts(&self) -> Option<Accounts<'_>> {
        match self {
            Scope::All => Some(Accounts::All),
            Scope::Only(set) if set.is_empty() => None,
            Scope::Only(set) => Some(Accounts::Only(set)),
        }
    }
}

/// What [`World::rebuilt_by`] says a call may have changed: for each part of the observation,
/// the accounts whose view of it [`World::observe_after`] rebuilds.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rebuilt {
    /// The accounts whose organization (`AccountView::organization`) changed.
    pub organization: BTreeSet<Name>,
    /// The accounts whose IAM view is rebuilt.
    pub iam: BTreeSet<Name>,
    /// The accounts whose KMS keys are rebuilt.
    pub kms: BTreeSet<Name>,
    /// Service Catalog views (with ).
    pub sc: Scope,
    /// RAM views (with Q-11).
    pub ram: Scope,
    /// Image Builder views (with `Q-22/<type>`).
    pub ib: Scope,
}

/// Which accounts' views of one part a service's `observe` builds (the others are left as
/// they are).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Accounts<'a> {
    /// Every account.
    All,
    /// Only these.
    Only(&'a BTreeSet<Name>),
}

impl Accounts<'_> {
    /// Whether the views of `account` are built.
    pub fn has(&self, account: &Name) -> bool {
        match self {
            Accounts::All => true,
            Accounts::Only(set) => set.contains(account),
        }
    }
}

/// The service-built parts of every account's Region view that a call may change: its Service
/// Catalog view (`sc`, with the usage), its RAM view (`ram`, with Q-11) and its
/// Image Builder view (`ib`, with every `Q-22/<type>`). The clock and the organizations' views
/// are small and always rebuilt by [`World::observe_after`]; an account's organization, IAM
/// view and KMS keys are rebuilt there for the accounts `World::rebuilt_by` names (membership
/// changes, the caller of an IAM or KMS call, the owners of keys whose deletion ended), so they
/// are not parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObservedParts {
    /// The Service Catalog views.
    pub sc: bool,
    /// The RAM views.
    pub ram: bool,
    /// The Image Builder views.
    pub ib: bool,
}

impl ObservedParts {
    /// Every part.
    pub const ALL: ObservedParts = ObservedParts {
        sc: true,
        ram: true,
        ib: true,
    };

    /// What a call of `kind` can change, from what each service's operations write and what
    /// each service's observation reads (conservatively; a call that is rejected changes
    /// nothing at all, A-30, but this answers for successful calls). Which accounts' views of
    /// these parts change is `World::rebuilt_by`'s answer.
    ///
    /// - Organizations calls change every part: Service Catalog and RAM views read the
    ///   organization tree through shares to organizations and OUs (coverage, ORG-11, SC-22,
    ///   RAM-23, RAM-24), Image Builder views through the RAM shares that grant its resources
    ///   (IB-23), and the calls re-run the Service Catalog and RAM reactions to the tree (SC-35,
    ///   RAM-26). EnableSharingWithAwsOrganization (RAM-25) runs both reactions too.
    /// - IAM calls write only the caller's principals (IAM-01), which no view reads but the
    ///   caller's own Service Catalog launch paths (SC-58: its end users, and their groups for
    ///   group associations, IAM-02): Service Catalog, for the caller alone (`sc::affected`).
    ///   RAM views name IAM principals only as share principals, by name (RAM-23), and whether
    ///   one exists is checked when it is added, not observed.
    /// - The clock expires invitations (RAM-13) and ends key deletions (KMS-06): RAM (keys are
    ///   not a part). An expired invitation's failed associations covered no one (RAM-23 needs
    ///   ASSOCIATED), so what Image Builder views list is unchanged.
    /// - Other RAM calls and Image Builder calls change RAM and Image Builder: a share grants
    ///   Image Builder resources (IB-23, RAM-28), and Image Builder policies are RAM shares
    ///   created from policy (IB-09, RAM-30) whose views list Image Builder ARNs.
    /// - KMS calls write only the caller's keys (rebuilt for the caller). Image Builder's rules
    ///   read keys when a resource is created or used (KMS-07, IB-22), but its views show only
    ///   the key ARN each resource recorded at creation, so no part is rebuilt.
    /// - Service Catalog calls change Service Catalog only (its Organizations access flag is in
    ///   the organization view, always rebuilt; no other service reads its state).
    pub fn changed_by(kind: OpKind) -> ObservedParts {
        let only = |sc, ram, ib| ObservedParts { sc, ram, ib };
        match kind {
            OpKind::AdvanceTime => only(false, true, false),
            OpKind::EnableSharingWithAwsOrganization => ObservedParts::ALL,
            _ => match kind.service() {
                ServiceKind::Organizations => ObservedParts::ALL,
                ServiceKind::Kms => only(false, false, false),
                ServiceKind::ServiceCatalog | ServiceKind::Iam => only(true, false, false),
                ServiceKind::Ram | ServiceKind::ImageBuilder => only(false, true, true),
            },
        }
    }

    /// Whether the usage of `quota` is counted by one of these parts; `None` for a quota that
    /// belongs to no part (none does today), which [`World::observe_after`] answers with a full
    /// observation.
    fn counts(&self, quota: &str) -> Option<bool> {
        match quota {
            "Q-01" | "Q-02" => Some(self.sc),
            "Q-11" => Some(self.ram),
            q if q.starts_with("Q-22/") => Some(self.ib),
            _ => None,
        }
    }
}

/// Deterministic AWS-shaped ids: a prefix and lower-case base-36 characters derived from the
/// entity's name and the creation counter (RULES.md §1), never from randomness or time.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdGen {
    counter: u64,
}

impl IdGen {
    /// A fresh id such as `port-4k2j9x0a1b2c3` (`len` characters after the prefix).
    pub fn fresh(&mut self, prefix: &str, name: &Name, len: usize) -> String {
        let mut out = String::with_capacity(prefix.len() + len);
        out.push_str(prefix);
        self.fresh_digits(prefix, name, len, |_, digit| out.push(digit));
        out
    }

    /// The `len` base-36 digits of [`IdGen::fresh`] (the same counter step and the same
    /// digits), each handed to `put` with its position, so that a caller can write them into a
    /// string of its own (a UUID with its dashes, an ARN) without a copy.
    pub fn fresh_digits(
        &mut self,
        prefix: &str,
        name: &Name,
        len: usize,
        mut put: impl FnMut(usize, char),
    ) {
        self.counter += 1;
        let mut h = fnv1a(name.as_str().as_bytes(), 0xcbf2_9ce4_8422_2325);
        h = fnv1a(&self.counter.to_le_bytes(), h);
        h = fnv1a(prefix.as_bytes(), h);
        let mut x = h;
        for i in 0..len {
            if i % 12 == 11 {
                x = splitmix(x);
            }
            // `char::from_digit(x % 36, 36)`, from a table.
            let digit = (x % 36) as usize;
            x /= 36;
            put(i, char::from(DIGITS36.get(digit).copied().unwrap_or(b'0')));
        }
    }
}

/// The base-36 digits, as `char::from_digit` writes them (lower case).
const DIGITS36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Every Op kind, for coverage accounting.
pub fn all_op_kinds() -> Vec<OpKind> {
    OpKind::all().collect()
}
