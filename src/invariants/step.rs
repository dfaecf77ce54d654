//! One step as the step invariants see it, and the invariant every call obeys whatever its
//! service: a rejected or read-only call changes nothing (NO-SIDE-EFFECT).

use super::index::{Index, Loc};
use super::render;
use super::scope::StepScope;
use super::{Cx, InvariantId, Violation};
use crate::step::StepOutcome;
use serde::Serialize;
use sharesim_core::observe::{IbResourceView, RegionView};
use sharesim_core::{Call, Name, Observation, Region};
use std::collections::BTreeSet;

/// A step: the indexed observations around one call.
#[derive(Debug)]
pub(crate) struct Step<'a, 'o> {
    pub before: &'a Index<'o>,
    pub call: &'a Call,
    pub outcome: &'a StepOutcome,
    pub after: &'a Index<'o>,
    /// The Image Builder resources of `before` that `after` does not have, by ARN.
    pub gone_ib: Vec<(&'o str, Loc<'o, IbResourceView>)>,
    /// The Image Builder resources of `after` that `before` did not have, by ARN.
    pub new_ib: Vec<(&'o str, Loc<'o, IbResourceView>)>,
    /// The entries the Service Catalog step invariants need to visit, when known to be fewer
    /// than all (`None`: all of them).
    pub sc_scope: Option<&'a StepScope<'o>>,
    /// The Region views that differ between `before` and `after`, when known (`None`: any may
    /// differ); every other view is the same in both.
    pub changed_views: Option<&'a BTreeSet<(&'a Name, &'a Region)>>,
}

impl<'a, 'o> Step<'a, 'o> {
    /// The step from `before` to `after`. The Image Builder resources that appeared or
    /// disappeared are found once here, for the three step invariants that look at them.
    pub fn new(
        before: &'a Index<'o>,
        call: &'a Call,
        outcome: &'a StepOutcome,
        after: &'a Index<'o>,
    ) -> Self {
        Step {
            before,
            call,
            outcome,
            after,
            gone_ib: before.ib.missing_from(&after.ib),
            new_ib: after.ib.missing_from(&before.ib),
            sc_scope: None,
            changed_views: None,
        }
    }

    /// [`Step::new`] for a step that changed only these Region views (of accounts and Regions
    /// both observations have; `None`: any), with the same result: a resource listed in a
    /// Region view that did not change is listed in both, so only the changed views are
    /// searched for the resources that appeared or disappeared.
    pub fn within(
        before: &'a Index<'o>,
        call: &'a Call,
        outcome: &'a StepOutcome,
        after: &'a Index<'o>,
        regions: Option<&'a BTreeSet<(&'a Name, &'a Region)>>,
    ) -> Self {
        let Some(regions) = regions else {
            return Step::new(before, call, outcome, after);
        };
        Step {
            before,
            call,
            outcome,
            after,
            gone_ib: missing_in(before, after, regions),
            new_ib: missing_in(after, before, regions),
            sc_scope: None,
            changed_views: Some(regions),
        }
    }

    /// The same step, whose Service Catalog step invariants visit only the entries of `scope`.
    #[must_use]
    pub fn with_sc_scope(mut self, scope: Option<&'a StepScope<'o>>) -> Self {
        self.sc_scope = scope;
        self
    }

    /// Whether the call succeeded.
    pub fn ok(&self) -> bool {
        self.outcome.is_ok()
    }
}

/// The Image Builder resources `from` lists in these Region views that `other` does not have,
/// by ARN, in the order of their ARNs, each as `from`'s index has it (as
/// [`super::index::ArnMap::missing_from`] gives them).
fn missing_in<'o>(
    from: &Index<'o>,
    other: &Index<'_>,
    regions: &BTreeSet<(&Name, &Region)>,
) -> Vec<(&'o str, Loc<'o, IbResourceView>)> {
    let mut arns: Vec<&'o str> = Vec::new();
    for (account, region) in regions {
        if let Some(r) = from.region(account, region) {
            arns.extend(
                r.ib.owned
                    .iter()
                    .map(|res| res.arn.as_str())
                    .filter(|arn| !other.ib.contains_key(arn)),
            );
        }
    }
    arns.sort_unstable();
    arns.dedup();
    arns.into_iter()
        .filter_map(|arn| from.ib.get(arn).map(|loc| (arn, *loc)))
        .collect()
}

/// NO-SIDE-EFFECT.
pub(crate) fn check(_cx: &Cx<'_>, s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    let kind = s.call.op.kind();
    let exception = s.outcome.exception();
    if exception.is_none() && !kind.is_read_only() {
        return;
    }
    let diffs = changes(s.before.obs, s.after.obs);
    if let Some(first) = diffs.first() {
        let why = match exception {
            Some(e) => format!("was rejected with {e}"),
            None => "only reads".to_owned(),
        };
        let paths: Vec<&str> = diffs.iter().map(|d| d.path.as_str()).collect();
        out.push(
            Violation::new(
                InvariantId::NoSideEffect,
                &["A-30"],
                format!(
                    "{} by account {} {why}, yet it changed {}",
                    kind.name(),
                    s.call.account,
                    render::list(paths)
                ),
            )
            .before(format!("{}: {}", first.path, first.before))
            .after(format!("{}: {}", first.path, first.after)),
        );
    }
}

/// One differing part of two observations.
#[derive(Debug)]
pub(crate) struct Change {
    pub path: String,
    pub before: String,
    pub after: String,
}

/// Records a differing part; its `path` is built only then (most parts are equal).
fn push<T: Serialize + PartialEq>(
    out: &mut Vec<Change>,
    path: impl FnOnce() -> String,
    b: &T,
    a: &T,
) {
    if b != a {
        out.push(Change {
            path: path(),
            before: render::ron(b),
            after: render::ron(a),
        });
    }
}

/// The parts of two observations that differ, down to the section of one account's Region.
pub(crate) fn changes(b: &Observation, a: &Observation) -> Vec<Change> {
    let mut out = Vec::new();
    push(
        &mut out,
        || "clock".to_owned(),
        &b.clock_hours,
        &a.clock_hours,
    );
    let orgs: std::collections::BTreeSet<_> = b
        .organizations
        .keys()
        .chain(a.organizations.keys())
        .collect();
    for o in orgs {
        push(
            &mut out,
            || format!("organization {o}"),
            &b.organizations.get(o),
            &a.organizations.get(o),
        );
    }
    let accounts: std::collections::BTreeSet<_> =
        b.accounts.keys().chain(a.accounts.keys()).collect();
    let empty = RegionView::default();
    for name in accounts {
        let (Some(ba), Some(aa)) = (b.accounts.get(name), a.accounts.get(name)) else {
            push(
                &mut out,
                || format!("account {name}"),
                &b.accounts.get(name).map(|_| ()),
                &a.accounts.get(name).map(|_| ()),
            );
            continue;
        };
        push(&mut out, || format!("account {name} id"), &ba.id, &aa.id);
        push(
            &mut out,
            || format!("account {name} organization"),
            &ba.organization,
            &aa.organization,
        );
        push(&mut out, || format!("account {name} iam"), &ba.iam, &aa.iam);
        let regions: std::collections::BTreeSet<_> =
            ba.regions.keys().chain(aa.regions.keys()).collect();
        for r in regions {
            let br = ba.regions.get(r).unwrap_or(&empty);
            let ar = aa.regions.get(r).unwrap_or(&empty);
            if br == ar {
                continue;
            }
            let at = |s: &str| format!("account {name} {r} {s}");
            push(&mut out, || at("kms_keys"), &br.kms_keys, &ar.kms_keys);
            push(
                &mut out,
                || at("sc.portfolios"),
                &br.sc.portfolios,
                &ar.sc.portfolios,
            );
            push(
                &mut out,
                || at("sc.imported"),
                &br.sc.imported,
                &ar.sc.imported,
            );
            push(
                &mut out,
                || at("sc.pending_shares"),
                &br.sc.pending_shares,
                &ar.sc.pending_shares,
            );
            push(
                &mut out,
                || at("sc.products"),
                &br.sc.products,
                &ar.sc.products,
            );
            push(
                &mut out,
                || at("sc.launch_paths"),
                &br.sc.launch_paths,
                &ar.sc.launch_paths,
            );
            push(
                &mut out,
                || at("sc.provisioned_products"),
                &br.sc.provisioned_products,
                &ar.sc.provisioned_products,
            );
            push(
                &mut out,
                || at("ram.shares"),
                &br.ram.shares,
                &ar.ram.shares,
            );
            push(
                &mut out,
                || at("ram.received"),
                &br.ram.received,
                &ar.ram.received,
            );
            push(
                &mut out,
                || at("ram.invitations"),
                &br.ram.invitations,
                &ar.ram.invitations,
            );
            push(
                &mut out,
                || at("ram.accessible_resources"),
                &br.ram.accessible_resources,
                &ar.ram.accessible_resources,
            );
            push(&mut out, || at("ib.owned"), &br.ib.owned, &ar.ib.owned);
            push(&mut out, || at("ib.shared"), &br.ib.shared, &ar.ib.shared);
            push(&mut out, || at("usage"), &br.usage, &ar.usage);
        }
    }
    out
}
