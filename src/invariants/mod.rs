//! The invariant checker: an independent oracle that runs after every step and recomputes, from
//! first principles, what must hold (RULES.md §4, INV-01 to INV-20, plus four named invariants
//! of the sharing domain).
//!
//! # Why it reads only observations
//!
//! The checker's input is the [`Observation`] before a step, the [`Call`], its [`StepOutcome`] and
//! the observation after. It never looks at the model's state and never calls the model's rule
//! code (only its vocabulary and [`Quotas`]): every fact it relies on (which accounts an
//! organization node covers (ORG-11), which launch paths an end user must have (SC-58), which
//! launch role applies (SC-60), which resources a RAM share grants (RAM-23)) is recomputed here
//! from the share graph, the organization tree, the invitations, the policies and the
//! dependencies that the observation shows. Two consequences follow:
//!
//! - a bug in a rule module cannot hide itself by also corrupting the oracle (the two
//!   computations are independent, written from RULES.md, not from each other);
//! - any implementation that can produce an observation (the reference model, an emulator, real
//!   AWS through the conformance runner) is checked by the same code.
//!
//! # What is checked
//!
//! [`Checker::check_state`] checks the invariants that a single observation must satisfy;
//! [`Checker::check_step`] checks those on the observation after the step and, in addition, the
//! temporal ones that compare before and after (what a call may remove, change or create).
//! Each invariant has an id ([`InvariantId::id`]); the named ones of the sharing domain are:
//!
//! | id | what |
//! | --- | --- |
//! | `IMPORTS-IN-SYNC` | imports show the owner's current products, versions and constraints; local portfolios show the inherited constraints of their imported products; a product removed upstream is gone everywhere (SC-02, SC-05, SC-06, SC-07, SC-49) |
//! | `PROVISIONED-SURVIVE` | only TerminateProvisionedProduct removes a provisioned product; launches go only through a current path; no path through a portfolio without the product (SC-08, SC-61, A-27) |
//! | `QUOTA-OWNER-ONLY` | usage is what the account owns, never what is shared with it; sharing and accepting never change a consumer's usage; no usage above its quota (IB-24, RAM-02, Q-01, Q-02, Q-11, Q-22) |
//! | `NO-UNSHARE-WITH-DEPENDENTS` | no owner call removes a consumer's access to a resource a consumer recipe depends on; no owner deletes a still-shared resource (IB-15, IB-16) |
//! | `NO-SIDE-EFFECT` | a rejected call or a read-only call changes nothing (§0.4, A-30) |
//! | `INV-01` … `INV-20` | RULES.md §4, each as far as the observation allows (see [`InvariantId`]) |
//!
//! The partition is deliberate: every fact is checked by exactly one invariant, so a broken
//! implementation shows up under one id, with a message that names the account, the entity and
//! what was expected.
//!
//! # Cost
//!
//! The full check builds one index of the observation (by portfolio, product, import, ARN, share
//! and key) and then visits each element once; the only products of sizes are the launch-path
//! completeness check (end users × visible products, the size of the launch-path list it checks)
//! and the RAM access check (accounts × shares of a Region). A step that leaves the observation
//! unchanged (most generated calls are rejected) skips the state invariants, which depend on the
//! observation alone. The incremental mode, [`Checker::check_unchanged`], checks a step that left
//! the observation unchanged without comparing or indexing anything: the explorer's incremental
//! mode (`explore::CheckMode`) uses it for rejected and read-only calls, whose observation it does
//! not rebuild. A step that changed the observation is checked in full, or, from an observation
//! whose state invariants hold, with only the state invariants whose inputs changed
//! ([`Checker::check_step_from_clean`]).

mod arn;
mod index;
mod org;
mod quota;
mod ram;
mod render;
mod sc;
mod scope;
mod step;

use crate::scenario::run::Memo;
use crate::step::StepOutcome;
use serde::Serialize;
use sharesim_core::{Call, Name, Observation, Quotas, Region};
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

/// How strict the checker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Mode {
    /// Soundness and completeness: everything shown is justified, and everything justified is
    /// shown (launch paths, accessible resources, automatic imports).
    #[default]
    Strict,
    /// Soundness only: everything shown is justified. For implementations that apply changes
    /// asynchronously (real AWS, A-12), where a grant may lag behind the call that made it.
    Lenient,
}

/// The invariant checker. Cheap to build; holds only its configuration.
#[derive(Debug, Clone)]
pub struct Checker {
    quotas: Quotas,
    mode: Mode,
}

impl Checker {
    /// A strict checker for a world with these quotas.
    pub fn new(quotas: &Quotas) -> Checker {
        Checker {
            quotas: quotas.clone(),
            mode: Mode::Strict,
        }
    }

    /// The same checker in another mode.
    #[must_use]
    pub fn with_mode(mut self, mode: Mode) -> Checker {
        self.mode = mode;
        self
    }

    /// The mode in force.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Checks one step: the observation before, the call and its outcome, the observation after.
    /// Returns the state invariants violated by `after` (when it differs from `before`; an
    /// unchanged observation was checked with the step that produced it, and the initial one
    /// with [`Checker::check_state`]) and the step invariants violated by the transition.
    pub fn check_step(
        &self,
        before: &Observation,
        call: &Call,
        outcome: &StepOutcome,
        after: &Observation,
    ) -> Vec<Violation> {
        // State invariants depend on the observation alone: when the step changed nothing, they
        // are those of `before`, which the previous check (or `check_state` on the initial
        // observation) already reported. Most explored calls are rejected, so this halves the
        // explorer's checking time.
        let changed = if before == after {
            Inputs::NONE
        } else {
            Inputs::ALL
        };
        self.step_checked(before, call, outcome, after, &Changed::all_or_none(changed))
    }

    /// [`Checker::check_step`] for a step from an observation whose state invariants hold
    /// (`check_state(before)` reports nothing), with the same result. A state invariant is a
    /// function of the parts of the observation it reads, so where those parts are equal before
    /// and after, it holds after as it did before, and only the state invariants whose inputs
    /// changed are checked (see `Inputs`): a Service Catalog call leaves the RAM, Image
    /// Builder and KMS views as they were, and a RAM or Image Builder call the Service Catalog
    /// views. Which parts changed is found by comparing the two observations, never from the
    /// call. The explorer's incremental mode uses it from a clean start, where every step it
    /// goes on from was clean (it stops at the first violation).
    pub fn check_step_from_clean(
        &self,
        before: &Observation,
        call: &Call,
        outcome: &StepOutcome,
        after: &Observation,
    ) -> Vec<Violation> {
        let mut changed = Inputs::between(before, after);
        changed.scope_sc(&scope::Readers::of(after), before, after);
        let b = index::Index::new(before);
        let a = index::Index::new(after);
        let ram = scope::RamReaders::of(after);
        self.indexed_checked(&b, call, outcome, &a, &changed, Some(&ram))
    }

    /// [`Checker::check_step_from_clean`] (when `clean`) or [`Checker::check_step`] of the step
    /// from `before` to `after`, with the same result, reusing the index of `before` that
    /// `memo` kept from the previous step when `before` is the very observation it indexed
    /// (the previous step's `after`, `Arc::ptr_eq`), and keeping the index of `after` in `memo`
    /// for the next step. Given any other `before`, or an empty `memo`, it indexes `before`
    /// afresh. The explorer calls it with one `memo` per run, so each changing step indexes one
    /// observation instead of two. When `clean`, `memo` also keeps which accounts read which
    /// names (`scope::Readers`), updated for the accounts whose views changed, so that the
    /// Service Catalog state invariants are re-checked only for the accounts the step can
    /// affect, and which views look up which RAM and Image Builder names
    /// (`scope::RamReaders`), so that the RAM, Image Builder and KMS ones are re-checked only
    /// for the (account, Region) views it can affect.
    pub fn check_step_memo(
        &self,
        memo: &mut Memo,
        before: &Arc<Observation>,
        call: &Call,
        outcome: &StepOutcome,
        after: &Arc<Observation>,
        clean: bool,
    ) -> Vec<Violation> {
        let (b, readers, ram_readers) =
            match memo.take::<Kept>().filter(|k| k.index.indexes(before)) {
                Some(k) => (k.index, k.readers, k.ram_readers),
                None => (index::Indexed::of(before), None, None),
            };
        let a = index::Indexed::of(after);
        let (changed, readers, ram_readers) = if clean {
            let mut changed = Inputs::between(before, after);
            let readers = match readers {
                Some(r) => r.next(before, after),
                None => scope::Readers::of(after),
            };
            let ram_readers = match ram_readers {
                Some(r) => r.next(before, after),
                None => scope::RamReaders::of(after),
            };
            changed.scope_sc(&readers, before, after);
            (changed, Some(readers), Some(ram_readers))
        } else if before == after {
            (Changed::all_or_none(Inputs::NONE), None, None)
        } else {
            (Changed::all_or_none(Inputs::ALL), None, None)
        };
        let out = self.indexed_checked(
            b.index(),
            call,
            outcome,
            a.index(),
            &changed,
            ram_readers.as_ref(),
        );
        memo.keep(Kept {
            index: a,
            readers,
            ram_readers,
        });
        out
    }

    /// The step check with the state invariants of the `changed` inputs only.
    fn step_checked(
        &self,
        before: &Observation,
        call: &Call,
        outcome: &StepOutcome,
        after: &Observation,
        changed: &Changed<'_>,
    ) -> Vec<Violation> {
        let b = index::Index::new(before);
        let a = index::Index::new(after);
        self.indexed_checked(&b, call, outcome, &a, changed, None)
    }

    /// The step check of indexed observations, with the state invariants of the `changed`
    /// inputs only; from a clean `before`, given the readers of `after`
    /// (`scope::RamReaders`), the RAM, Image Builder and KMS ones only for the views the step
    /// can affect.
    fn indexed_checked(
        &self,
        b: &index::Index<'_>,
        call: &Call,
        outcome: &StepOutcome,
        a: &index::Index<'_>,
        changed: &Changed<'_>,
        ram_readers: Option<&scope::RamReaders>,
    ) -> Vec<Violation> {
        let cx = Cx {
            quotas: &self.quotas,
            mode: self.mode,
        };
        let mut out = Vec::new();
        // With a duplicate in either index a lookup by name may meet another entry: in full.
        let ram_scope = match (ram_readers, &changed.ram_units) {
            (Some(r), Some(units))
                if changed.inputs.ram && b.problems.is_empty() && a.problems.is_empty() =>
            {
                Some(r.scope(b, a, units))
            }
            _ => None,
        };
        state_of(&cx, a, changed, ram_scope.as_ref(), &mut out);
        let sc_scope = changed
            .sc_accounts
            .as_ref()
            .filter(|_| b.problems.is_empty() && a.problems.is_empty())
            .map(|accounts| scope::StepScope::new(b.obs, a.obs, accounts));
        let s = step::Step::within(b, call, outcome, a, changed.regions.as_ref())
            .with_sc_scope(sc_scope.as_ref());
        step::check(&cx, &s, &mut out);
        sc::check_step(&cx, &s, &mut out);
        ram::check_step(&cx, &s, &mut out);
        quota::check_step(&cx, &s, &mut out);
        dedup(out)
    }

    /// Checks a step that left the observation unchanged: `obs` is the observation both before
    /// and after the call. The incremental counterpart of `check_step(obs, call, outcome, obs)`,
    /// with the same result (tested on generated sequences and on the recorded and corrupted
    /// steps of the invariant tests), checking only what such a step can break:
    ///
    /// - the state invariants hold or not as they did when `obs` was produced (and were reported
    ///   then), exactly as [`Checker::check_step`] assumes for an unchanged observation;
    /// - every step invariant but one compares before with after, so none of them can fire on
    ///   identical observations (NO-SIDE-EFFECT among them: nothing changed);
    /// - what is left is what the outcome says about the state: INV-08's answers of
    ///   ListLaunchPaths, SearchProducts and ProvisionProduct without a path.
    ///
    /// Building no index, it costs a lookup of the caller's launch paths. That the observation
    /// really is unchanged is the caller's claim: the explorer makes it only for rejected and
    /// read-only calls, and verifies it (see `explore::CheckMode`).
    pub fn check_unchanged(
        &self,
        obs: &Observation,
        call: &Call,
        outcome: &StepOutcome,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        sc::responses(obs, call, outcome, &mut out);
        dedup(out)
    }

    /// Checks a single observation (state invariants only), e.g. the initial one.
    pub fn check_state(&self, obs: &Observation) -> Vec<Violation> {
        let ix = index::Index::new(obs);
        let cx = Cx {
            quotas: &self.quotas,
            mode: self.mode,
        };
        let mut out = Vec::new();
        state(&cx, &ix, &mut out);
        dedup(out)
    }
}

fn state(cx: &Cx<'_>, ix: &index::Index<'_>, out: &mut Vec<Violation>) {
    state_of(cx, ix, &Changed::all_or_none(Inputs::ALL), None, out);
}

/// The state invariants that read the `changed` inputs. The cheap ones (the index's INV-01
/// findings, the organization tree, quotas and structural limits) run whenever anything
/// changed, the quotas of one Region view only for the changed views when those are known;
/// the Service Catalog and the RAM, Image Builder and KMS ones only when their parts changed,
/// and only for the accounts (`changed.sc_accounts`) and views (`ram_scope`) a step can affect.
fn state_of(
    cx: &Cx<'_>,
    ix: &index::Index<'_>,
    changed: &Changed<'_>,
    ram_scope: Option<&BTreeSet<scope::Unit<'_>>>,
    out: &mut Vec<Violation>,
) {
    let inputs = changed.inputs;
    if inputs == Inputs::NONE {
        return;
    }
    out.extend(ix.problems.iter().cloned());
    org::check_state(cx, ix, out);
    if inputs.sc {
        // With a duplicate in the index a lookup by name may meet another entry: in full.
        let scope = changed.sc_scope.as_ref().filter(|_| ix.problems.is_empty());
        sc::check_state(cx, ix, scope, out);
    }
    if inputs.ram {
        ram::check_state(cx, ix, ram_scope, out);
    }
    quota::check_state(cx, ix, changed.regions.as_ref(), out);
}

/// Which inputs of the state invariants differ between two observations. The Service Catalog
/// invariants (`sc.rs`) read the Service Catalog views of every account and Region, the IAM
/// principals and the common part; the RAM, Image Builder and KMS ones (`ram.rs`) read the RAM
/// and Image Builder views, the keys and the common part. The common part (the organizations,
/// and each account's id, organization and Regions) is read by both, so a change there counts
/// as a change of both. The clock is no input: only step invariants read it (INV-14's expiry
/// in `ram.rs`, the clock's direction in `step.rs`), so a step that moved it (AdvanceTime)
/// re-checks the state invariants of the views its expiries changed, not all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Inputs {
    /// Anything at all (the cheap invariants).
    any: bool,
    /// The Service Catalog views, or the common part.
    sc: bool,
    /// The RAM, Image Builder or KMS views, or the common part.
    ram: bool,
}

impl Inputs {
    const NONE: Inputs = Inputs {
        any: false,
        sc: false,
        ram: false,
    };
    const ALL: Inputs = Inputs {
        any: true,
        sc: true,
        ram: true,
    };

    fn between<'o>(before: &Observation, after: &'o Observation) -> Changed<'o> {
        let all = Changed::all_or_none(Inputs::ALL);
        if before.accounts.len() != after.accounts.len() {
            return all;
        }
        let mut common = before.organizations != after.organizations;
        let mut changed = Inputs::NONE;
        let mut regions = BTreeSet::new();
        let mut sc_accounts = BTreeSet::new();
        let mut ram_units = BTreeSet::new();
        for ((bn, b), (an, a)) in before.accounts.iter().zip(&after.accounts) {
            if bn != an || b.regions.len() != a.regions.len() {
                return all;
            }
            common |= b.id != a.id || b.organization != a.organization;
            // Of the state invariants only the Service Catalog ones read IAM principals (end
            // users and launch roles, `sc.rs`), so a changed IAM view counts as a Service
            // Catalog change; it is in no Region view, so no quota invariant reads it.
            if b.iam != a.iam {
                changed.sc = true;
                changed.any = true;
                sc_accounts.insert(an);
            }
            for ((br, b), (ar, a)) in b.regions.iter().zip(&a.regions) {
                if br != ar {
                    return all;
                }
                let sc = b.sc != a.sc;
                let ram = b.ram != a.ram || b.ib != a.ib || b.kms_keys != a.kms_keys;
                changed.sc |= sc;
                changed.ram |= ram;
                if sc {
                    sc_accounts.insert(an);
                }
                if ram {
                    ram_units.insert((an, ar));
                }
                if sc || ram || b.usage != a.usage {
                    changed.any = true;
                    regions.insert((an, ar));
                }
            }
        }
        if common {
            // Both families read the common part, in every account: in full. The views that
            // changed are still known (the accounts and Regions are the same), and the quota
            // invariants of a Region view and `Step::within` read nothing else.
            return Changed {
                regions: Some(regions),
                ..all
            };
        }
        Changed {
            inputs: changed,
            regions: Some(regions),
            sc_accounts: Some(sc_accounts),
            sc_scope: None,
            ram_units: Some(ram_units),
        }
    }
}

/// What differs between two observations, for the state invariants: which inputs (`Inputs`),
/// and which Region views of `after`, when the two have the same accounts and Regions (`None`
/// otherwise: everything counts as changed). The quota invariants of one Region view (usage,
/// quotas, structural limits) read that view alone, not the organizations nor the common
/// account parts, so from a clean `before` only the changed views can break them, even after
/// an Organizations call.
///
/// When the organizations and common account parts are the same too, likewise the accounts
/// whose Service Catalog views or IAM principals differ (`sc_accounts`),
/// and from those the accounts whose Service Catalog invariants can find something else after
/// than before (`sc_scope`, see `scope.rs`), which are all a step from a clean observation can
/// break.
#[derive(Debug)]
struct Changed<'o> {
    inputs: Inputs,
    regions: Option<BTreeSet<(&'o Name, &'o Region)>>,
    sc_accounts: Option<BTreeSet<&'o Name>>,
    sc_scope: Option<BTreeSet<&'o Name>>,
    ram_units: Option<BTreeSet<scope::Unit<'o>>>,
}

impl<'o> Changed<'o> {
    /// Everything, or nothing, as changed.
    fn all_or_none(changed: Inputs) -> Self {
        Changed {
            inputs: changed,
            regions: None,
            sc_accounts: None,
            sc_scope: None,
            ram_units: None,
        }
    }

    /// Finds the accounts whose Service Catalog invariants to re-check (`sc_scope`), from the
    /// readers of `after`, when the changed accounts are known and the Service Catalog inputs
    /// changed.
    fn scope_sc(&mut self, readers: &scope::Readers, before: &Observation, after: &'o Observation) {
        if let (true, Some(accounts)) = (self.inputs.sc, &self.sc_accounts) {
            self.sc_scope = Some(readers.scope(before, after, accounts));
        }
    }
}

/// What the checker keeps in a [`Memo`] from one step to the next: the index of the last
/// observation checked and, from a clean start, its readers (both of the same observation).
#[derive(Debug)]
struct Kept {
    index: index::Indexed,
    readers: Option<scope::Readers>,
    ram_readers: Option<scope::RamReaders>,
}

/// The same violation found twice (by the state and the step part) is reported once.
fn dedup(out: Vec<Violation>) -> Vec<Violation> {
    let mut seen = std::collections::BTreeSet::new();
    out.into_iter()
        .filter(|v| seen.insert((v.invariant, v.message.clone())))
        .collect()
}

/// What every check reads besides the observations.
#[derive(Debug)]
pub(crate) struct Cx<'q> {
    pub quotas: &'q Quotas,
    pub mode: Mode,
}

impl Cx<'_> {
    /// Whether completeness directions are checked.
    pub fn strict(&self) -> bool {
        self.mode == Mode::Strict
    }
}

/// One invariant broken by a step or a state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Which invariant.
    pub invariant: InvariantId,
    /// The rules of RULES.md it rests on.
    pub rules: Vec<&'static str>,
    /// What is wrong, naming the account, the entity and what was expected.
    pub message: String,
    /// The relevant part of the observation before the step, if any.
    pub before: Option<String>,
    /// The relevant part of the observation after the step (or of the checked state), if any.
    pub after: Option<String>,
}

impl Violation {
    /// A violation of `invariant` citing `rules`.
    pub(crate) fn new(invariant: InvariantId, rules: &[&'static str], message: String) -> Self {
        Violation {
            invariant,
            rules: rules.to_vec(),
            message,
            before: None,
            after: None,
        }
    }

    /// Attaches the relevant excerpt of the observation before the step.
    #[must_use]
    pub(crate) fn before(mut self, excerpt: impl Into<String>) -> Self {
        self.before = Some(excerpt.into());
        self
    }

    /// Attaches the relevant excerpt of the observation after the step.
    #[must_use]
    pub(crate) fn after(mut self, excerpt: impl Into<String>) -> Self {
        self.after = Some(excerpt.into());
        self
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.invariant.id(), self.invariant.title())?;
        if !self.rules.is_empty() {
            write!(f, " [{}]", self.rules.join(", "))?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(b) = &self.before {
            write!(f, "\n  before: {b}")?;
        }
        if let Some(a) = &self.after {
            write!(f, "\n  after: {a}")?;
        }
        Ok(())
    }
}

/// The invariants, by id. The variant docs say what part of each is checkable from observations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum InvariantId {
    /// SC-02, SC-05, SC-06, SC-07, SC-49: an imported portfolio shows exactly the owner's current
    /// products, versions and constraints (and its id); every portfolio shows a product's current
    /// versions; a local portfolio shows the inherited constraints of every imported product it
    /// holds; a product removed upstream is gone from every local portfolio that took it from
    /// that import.
    #[serde(rename = "IMPORTS-IN-SYNC")]
    ImportsInSync,
    /// SC-08, SC-61, A-27: no call other than a successful TerminateProvisionedProduct of that
    /// provisioned product removes it; a provisioned product appears only through a successful
    /// ProvisionProduct of that name, through a launch path the end user had before the call;
    /// no launch path goes through a portfolio that does not (or no longer) contain the product.
    #[serde(rename = "PROVISIONED-SURVIVE")]
    ProvisionedSurvive,
    /// IB-24, RAM-02, Q-01, Q-02, Q-11, Q-22: each account's usage equals what it owns, counted
    /// from the observation (portfolios, products, live RAM shares, Image Builder resources per
    /// type); a call changes only the caller's usage (Organizations calls and the clock aside);
    /// accepting or rejecting a share never changes the caller's usage; no usage above its quota.
    #[serde(rename = "QUOTA-OWNER-ONLY")]
    QuotaOwnerOnly,
    /// IB-15, IB-16, A-12, A-13: no successful call of the owner of a resource (RAM or Image
    /// Builder) removes a consumer's access to it while a consumer-owned recipe depends on it,
    /// or deletes it while a consumer depends on it; no owner deletes a resource that is still
    /// shared (in an ACTIVE share with an ASSOCIATED principal, or named by its policy).
    #[serde(rename = "NO-UNSHARE-WITH-DEPENDENTS")]
    NoUnshareWithDependents,
    /// §0.4, A-30: a rejected call, or a read-only call (`OpKind::is_read_only`), leaves the
    /// observation unchanged.
    #[serde(rename = "NO-SIDE-EFFECT")]
    NoSideEffect,
    /// INV-01, single owner and Region. Checkable: every portfolio, product and Image Builder
    /// resource is listed once, by its owner, in one Region; ARNs (shares, keys, resources,
    /// references) name the Region and the account they are listed under; imports, sources,
    /// portfolio products and launch paths stay in their Region; owner and Region never change
    /// from before to after.
    #[serde(rename = "INV-01")]
    Inv01,
    /// INV-02, no resharing (SC-13, IB-04, RAM-04): a shared portfolio contains only products of
    /// its owner; no portfolio is shared with its own account; an ASSOCIATED resource
    /// association names a resource the share owner owns.
    #[serde(rename = "INV-02")]
    Inv02,
    /// INV-03, import ⇒ live share (SC-22, SC-23, SC-24, ORG-11): an IMPORTED import is backed by
    /// an accepted account share, an AWS_ORGANIZATIONS import by a node share covering the account
    /// in the current tree (not checked while SC Organizations access is disabled, SC-33, nor for
    /// accounts that have left the organization, which INV-12 follows step by step); an accepted
    /// account share has its import and a pending one its pending entry.
    #[serde(rename = "INV-03")]
    Inv03,
    /// INV-04, local copies are sourced (SC-47, A-01): a local portfolio holds a product of
    /// another account only with a source portfolio that the account currently imports (that
    /// the source still holds the product is IMPORTS-IN-SYNC; own constraints on a removed
    /// association are INV-07).
    #[serde(rename = "INV-04")]
    Inv04,
    /// INV-05, recipient view = owner state (SC-03, SC-14, SC-15): the state half is
    /// IMPORTS-IN-SYNC; this is the temporal half: no call by an account other than the owner
    /// changes the products, versions or constraints of an imported portfolio.
    #[serde(rename = "INV-05")]
    Inv05,
    /// INV-06, constraint cardinality (SC-53): per (portfolio, product), among its own
    /// constraints: at most one LAUNCH, one STACKSET, not both, one RESOURCE_UPDATE, no SNS topic
    /// twice, at most Q-07 in all; a LAUNCH names exactly one of a role ARN and a local role name.
    #[serde(rename = "INV-06")]
    Inv06,
    /// INV-07, constraints need associations (SC-52, SC-55): every own constraint's product is in
    /// the portfolio and the constraint is the portfolio owner's; every inherited constraint
    /// shown in a local portfolio is a current constraint of its source on that product.
    #[serde(rename = "INV-07")]
    Inv07,
    /// INV-08, launch paths are justified (SC-58, SC-17, SC-39, IAM-02): every path is for an
    /// existing end user, through a portfolio visible in that account and Region, with which the
    /// user is associated (IAM, group membership, or IAM_PATTERN); every such combination has a
    /// path (strict mode); ListLaunchPaths and SearchProducts answer as the observation says
    /// (HasDefaultPath ⇔ exactly one path); imports show no IAM principal of another account.
    #[serde(rename = "INV-08")]
    Inv08,
    /// INV-09, deterministic launch role (SC-55, SC-60, SC-11, IAM-05, SC-12): each path's launch
    /// role, paying account and effective constraints are those recomputed from the constraints
    /// (own LAUNCH, else inherited, else the owner's on an import; RoleArn as-is, LocalRoleName
    /// in the end user's account); `effective` flags follow the override rule; a new provisioned
    /// product records its path's role; a provisioned product is paid by its role's account.
    #[serde(rename = "INV-09")]
    Inv09,
    /// INV-10, provisioned products persist (SC-59): names are unique per account; a provisioned
    /// product's record never changes (disappearance is PROVISIONED-SURVIVE).
    #[serde(rename = "INV-10")]
    Inv10,
    /// INV-11, deletion guards (SC-43, SC-46, IB-17, ORG-04, ORG-07): a portfolio disappears only
    /// through DeletePortfolio when it had no products, principals, constraints or shares; a
    /// product only through DeleteProduct when no portfolio held it; an Image Builder resource
    /// never while a recipe of its own account references it (IB-17); an OU only when empty; an
    /// organization only without members. Portfolios never hold a product that does not exist.
    #[serde(rename = "INV-11")]
    Inv11,
    /// INV-12, organization coverage is exact (ORG-02, ORG-11, SC-21, SC-22, SC-32, SC-33, SC-35):
    /// the tree is well formed (one parent each, no cycle, one organization per account); node
    /// shares exist only for a management account or SC delegated administrator; while SC
    /// Organizations access is enabled, accounts entering a node share's subtree are imported,
    /// covered accounts keep the import unless they reject it, and accounts leaving the
    /// organization lose it; while it is disabled, tree changes change no import. (RAM coverage
    /// of org/OU principals is checked with the access predicate, INV-13.)
    #[serde(rename = "INV-12")]
    Inv12,
    /// INV-13, RAM access predicate (RAM-23, RAM-24, RAM-28, ORG-11): each accessible resource of
    /// an account is justified by an ACTIVE STANDARD share of its Region with an ASSOCIATED
    /// resource association and an ASSOCIATED principal association covering the account in the
    /// current tree (or a retained leaver); every resource so justified is accessible (strict).
    #[serde(rename = "INV-13")]
    Inv13,
    /// INV-14, invitation state machine (RAM-11, RAM-12, RAM-13, RAM-15): at most one PENDING
    /// invitation per (share, receiver); from before to after, terminal invitations keep their
    /// status, and an invitation becomes ACCEPTED, REJECTED or EXPIRED only from PENDING, through
    /// the receiver's Accept or Reject call or the clock; a step that moves the clock by the
    /// invitation lifetime or more leaves no invitation PENDING that was PENDING before it
    /// (strict).
    #[serde(rename = "INV-14")]
    Inv14,
    /// INV-15, invitations only when required (RAM-08, RAM-09, RAM-11): no new invitation between
    /// accounts of one organization with RAM org sharing enabled; an ASSOCIATING account
    /// principal has a PENDING invitation; an account principal that becomes ASSOCIATED without
    /// automatic acceptance has accepted its invitation (a transition: auto-accepted accounts
    /// stay ASSOCIATED after leaving the organization, A-17, or after RAM-26; promoted policy
    /// shares were never invited, RAM-31).
    #[serde(rename = "INV-15")]
    Inv15,
    /// INV-16, external-principal flag (RAM-07, RAM-20): with allowExternalPrincipals=false every
    /// ASSOCIATED principal is inside the owner's organization; the `external` flag of an
    /// account principal says whether it is outside the owner's organization.
    #[serde(rename = "INV-16")]
    Inv16,
    /// INV-17, visibility isolation (IB-20, IB-23, RAM-27): Image Builder resources listed as
    /// shared belong to another account, are justified as in INV-13, and show the owner's
    /// resource without its policy; every justified resource is listed (strict); received shares
    /// are STANDARD shares with a principal association covering the account.
    #[serde(rename = "INV-17")]
    Inv17,
    /// INV-18, owner actions never strand consumers (IB-15, IB-22): a new recipe or image
    /// references only resources its account can access; a consumer reference dangles only after
    /// the owner's own call (NO-UNSHARE-WITH-DEPENDENTS), the consumer's own call, or an
    /// Organizations change.
    #[serde(rename = "INV-18")]
    Inv18,
    /// INV-19, encryption access (KMS-02, KMS-05, KMS-07, IB-22): a new AVAILABLE image built by
    /// an account from resources encrypted with another account's key, or a new container recipe
    /// encrypted with such a key, implies the key is Enabled, in the same Region, and its policy
    /// names the account, its organization or one of its OUs.
    #[serde(rename = "INV-19")]
    Inv19,
    /// INV-20, idempotency and quotas (SC-42, SC-45, RAM-22, Q-03 to ):
    /// re-issuing a create with the same name and parameters succeeds and changes nothing; with
    /// other parameters it fails; no structural limit is exceeded (products, principals, patterns
    /// and shares per portfolio, artifacts per product, associations per share, pending
    /// invitations per sender, OUs and OU depth).
    #[serde(rename = "INV-20")]
    Inv20,
}

impl InvariantId {
    /// Every invariant.
    pub const ALL: [InvariantId; 25] = [
        InvariantId::ImportsInSync,
        InvariantId::ProvisionedSurvive,
        InvariantId::QuotaOwnerOnly,
        InvariantId::NoUnshareWithDependents,
        InvariantId::NoSideEffect,
        InvariantId::Inv01,
        InvariantId::Inv02,
        InvariantId::Inv03,
        InvariantId::Inv04,
        InvariantId::Inv05,
        InvariantId::Inv06,
        InvariantId::Inv07,
        InvariantId::Inv08,
        InvariantId::Inv09,
        InvariantId::Inv10,
        InvariantId::Inv11,
        InvariantId::Inv12,
        InvariantId::Inv13,
        InvariantId::Inv14,
        InvariantId::Inv15,
        InvariantId::Inv16,
        InvariantId::Inv17,
        InvariantId::Inv18,
        InvariantId::Inv19,
        InvariantId::Inv20,
    ];

    /// The stable id (`INV-05`, `IMPORTS-IN-SYNC`, ...).
    pub fn id(&self) -> &'static str {
        match self {
            InvariantId::ImportsInSync => "IMPORTS-IN-SYNC",
            InvariantId::ProvisionedSurvive => "PROVISIONED-SURVIVE",
            InvariantId::QuotaOwnerOnly => "QUOTA-OWNER-ONLY",
            InvariantId::NoUnshareWithDependents => "NO-UNSHARE-WITH-DEPENDENTS",
            InvariantId::NoSideEffect => "NO-SIDE-EFFECT",
            InvariantId::Inv01 => "INV-01",
            InvariantId::Inv02 => "INV-02",
            InvariantId::Inv03 => "INV-03",
            InvariantId::Inv04 => "INV-04",
            InvariantId::Inv05 => "INV-05",
            InvariantId::Inv06 => "INV-06",
            InvariantId::Inv07 => "INV-07",
            InvariantId::Inv08 => "INV-08",
            InvariantId::Inv09 => "INV-09",
            InvariantId::Inv10 => "INV-10",
            InvariantId::Inv11 => "INV-11",
            InvariantId::Inv12 => "INV-12",
            InvariantId::Inv13 => "INV-13",
            InvariantId::Inv14 => "INV-14",
            InvariantId::Inv15 => "INV-15",
            InvariantId::Inv16 => "INV-16",
            InvariantId::Inv17 => "INV-17",
            InvariantId::Inv18 => "INV-18",
            InvariantId::Inv19 => "INV-19",
            InvariantId::Inv20 => "INV-20",
        }
    }

    /// A short title.
    pub fn title(&self) -> &'static str {
        match self {
            InvariantId::ImportsInSync => "imports in sync with the owner",
            InvariantId::ProvisionedSurvive => "provisioned products survive",
            InvariantId::QuotaOwnerOnly => "quotas count the owner only",
            InvariantId::NoUnshareWithDependents => "no unsharing with dependents",
            InvariantId::NoSideEffect => "rejected and read-only calls change nothing",
            InvariantId::Inv01 => "single owner, single Region",
            InvariantId::Inv02 => "no resharing",
            InvariantId::Inv03 => "import implies a live share",
            InvariantId::Inv04 => "local copies are sourced",
            InvariantId::Inv05 => "recipient view = owner state",
            InvariantId::Inv06 => "constraint cardinality",
            InvariantId::Inv07 => "constraints need associations",
            InvariantId::Inv08 => "launch paths are justified",
            InvariantId::Inv09 => "deterministic launch role",
            InvariantId::Inv10 => "provisioned products persist",
            InvariantId::Inv11 => "deletion guards",
            InvariantId::Inv12 => "organization coverage is exact",
            InvariantId::Inv13 => "RAM access predicate",
            InvariantId::Inv14 => "invitation state machine",
            InvariantId::Inv15 => "invitations only when required",
            InvariantId::Inv16 => "external-principal flag respected",
            InvariantId::Inv17 => "visibility isolation",
            InvariantId::Inv18 => "owner actions never strand consumers",
            InvariantId::Inv19 => "encryption access",
            InvariantId::Inv20 => "idempotency and quotas",
        }
    }
}

impl fmt::Display for InvariantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Step violations as the [`crate::scenario::run::StepChecker`] trait reports them: (invariant
/// id, paragraph).
fn id_and_text(violations: &[Violation]) -> Vec<(String, String)> {
    violations
        .iter()
        .map(|v| (v.invariant.id().to_owned(), v.to_string()))
        .collect()
}

/// The checker as the scenario runner, the explorer and the conformance runner call it.
impl crate::scenario::run::StepChecker for Checker {
    fn check_state(&self, obs: &Observation) -> Vec<String> {
        Checker::check_state(self, obs)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn check_step(
        &self,
        before: &Observation,
        call: &Call,
        outcome: &StepOutcome,
        after: &Observation,
    ) -> Vec<(String, String)> {
        id_and_text(&Checker::check_step(self, before, call, outcome, after))
    }

    fn check_step_from_clean(
        &self,
        before: &Observation,
        call: &Call,
        outcome: &StepOutcome,
        after: &Observation,
    ) -> Vec<(String, String)> {
        id_and_text(&Checker::check_step_from_clean(
            self, before, call, outcome, after,
        ))
    }

    fn check_step_memo(
        &self,
        memo: &mut Memo,
        before: &Arc<Observation>,
        call: &Call,
        outcome: &StepOutcome,
        after: &Arc<Observation>,
        clean: bool,
    ) -> Vec<(String, String)> {
        id_and_text(&Checker::check_step_memo(
            self, memo, before, call, outcome, after, clean,
        ))
    }

    fn check_unchanged(
        &self,
        obs: &Observation,
        call: &Call,
        outcome: &StepOutcome,
    ) -> Vec<(String, String)> {
        id_and_text(&Checker::check_unchanged(self, obs, call, outcome))
    }
}
