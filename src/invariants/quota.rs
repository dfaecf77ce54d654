//! Quotas and idempotency: QUOTA-OWNER-ONLY (usage is what an account owns, IB-24, RAM-02) and
//! INV-20 (structural limits, and re-issued creates that change nothing).
//!
//! Usage is recounted from what each account lists as its own in the observation; the usage map
//! the observation reports must agree with that count, so that a usage that grows with what is
//! shared *to* an account (the bug IB-24 rules out) shows up even when nothing exceeds a limit.

use super::index::{Index, regions};
use super::render;
use super::step::{Step, changes};
use super::{Cx, InvariantId as I, Violation};
use sharesim_core::observe::RegionView;
use sharesim_core::op::{IbKind, Op, OpKind, ServiceKind};
use sharesim_core::{Name, Region};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Normalises an Image Builder type as a usage key suffix may spell it (`Component`,
/// `components`, `image_recipe`, `ImageRecipe` ...).
fn norm(s: &str) -> String {
    let t: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    t.strip_suffix('s').map(str::to_owned).unwrap_or(t)
}

/// The usage key of an Image Builder type (a constant: this runs for every changed Region view).
fn usage_key(k: IbKind) -> &'static str {
    match k {
        IbKind::Component => "Q-22/component",
        IbKind::Image => "Q-22/image",
        IbKind::ImageRecipe => "Q-22/imagerecipe",
        IbKind::ContainerRecipe => "Q-22/containerrecipe",
    }
}

const KINDS: [IbKind; 4] = [
    IbKind::Component,
    IbKind::Image,
    IbKind::ImageRecipe,
    IbKind::ContainerRecipe,
];

/// Shares that count toward Q-11: the ACTIVE shares the account owns.
fn live_share(status: &str) -> bool {
    status == "ACTIVE"
}

/// The usage keys [`owned`] counts, in order.
const OWNED_KEYS: [&str; 7] = [
    "Q-01",
    "Q-02",
    "Q-11",
    "Q-22/component",
    "Q-22/containerrecipe",
    "Q-22/image",
    "Q-22/imagerecipe",
];

/// What an account owns in a Region, counted from the observation, per usage key (those of
/// [`OWNED_KEYS`]).
fn owned(r: &RegionView) -> BTreeMap<Cow<'static, str>, u64> {
    let mut m = BTreeMap::new();
    m.insert(Cow::Borrowed("Q-01"), r.sc.portfolios.len() as u64);
    m.insert(Cow::Borrowed("Q-02"), r.sc.products.len() as u64);
    m.insert(
        Cow::Borrowed("Q-11"),
        r.ram
            .shares
            .iter()
            .filter(|s| live_share(&s.status))
            .count() as u64,
    );
    for k in KINDS {
        m.insert(
            Cow::Borrowed(usage_key(k)),
            r.ib.owned.iter().filter(|x| x.kind == k).count() as u64,
        );
    }
    m
}

/// The reported usage, on the keys of [`owned`].
fn reported(r: &RegionView) -> BTreeMap<Cow<'_, str>, u64> {
    let mut m: BTreeMap<Cow<'_, str>, u64> = BTreeMap::new();
    for (k, v) in &r.usage {
        let key = match k.strip_prefix("Q-22/") {
            // Already in the normal form (the reference model's spelling): no allocation.
            Some(t) if t.chars().all(|c| c.is_ascii_lowercase()) && !t.ends_with('s') => {
                Cow::Borrowed(k.as_str())
            }
            Some(t) => Cow::Owned(format!("Q-22/{}", norm(t))),
            None => Cow::Borrowed(k.as_str()),
        };
        *m.entry(key).or_default() += v;
    }
    m
}

fn limit(cx: &Cx<'_>, key: &str) -> Option<u64> {
    let q = cx.quotas;
    Some(match key {
        "Q-01" => q.portfolios_per_region,
        "Q-02" => q.products_per_region,
        "Q-11" => q.resource_shares_per_region,
        "Q-13" => q.associations_per_region,
        "Q-15" => q.pending_invitations,
        "Q-22/component" => q.ib_components,
        "Q-22/imagerecipe" | "Q-22/containerrecipe" => q.ib_recipes,
        "Q-22/image" => q.ib_images,
        _ => return None,
    })
}

/// QUOTA-OWNER-ONLY and the structural limits of INV-20. With `only`, the checks of one Region
/// view (usage, quotas, structural limits: each reads that view alone) run only for the views
/// named, the others being known to pass (unchanged since an observation that passed).
pub(crate) fn check_state(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    only: Option<&BTreeSet<(&Name, &Region)>>,
    out: &mut Vec<Violation>,
) {
    let mut pending: BTreeMap<(&Name, &Region), u64> = BTreeMap::new();
    for (account, _, region, r) in regions(ix.obs) {
        for i in &r.ram.invitations {
            if i.status == "PENDING" {
                *pending.entry((&i.sender, region)).or_default() += 1;
            }
        }
        if only.is_some_and(|only| !only.contains(&(account, region))) {
            continue;
        }
        let own = owned(r);
        let rep = reported(r);
        for (key, n) in &own {
            let shown = rep.get(key).copied().unwrap_or(0);
            if shown != *n {
                out.push(
                    Violation::new(
                        I::QuotaOwnerOnly,
                        &["IB-24", "RAM-02", "Q-01", "Q-02", "Q-11", "Q-22"],
                        format!(
                            "account {account} ({region}) reports usage {key} = {shown}, but owns {n}; usage counts what the account owns, never what is shared with it"
                        ),
                    )
                    .after(render::ron(&r.usage)),
                );
            }
        }
        for (key, n) in own.iter().chain(rep.iter()) {
            if let Some(max) = limit(cx, key)
                && *n > max
            {
                out.push(Violation::new(
                    I::QuotaOwnerOnly,
                    &["Q-01", "Q-02", "Q-11", "Q-13", "Q-15", "Q-22"],
                    format!(
                        "account {account} ({region}) uses {n} of {key}, above its quota {max}"
                    ),
                ));
            }
        }
        structural(cx, account, region, r, out);
    }
    for ((sender, region), n) in pending {
        if n > cx.quotas.pending_invitations {
            out.push(Violation::new(
                I::Inv20,
                &["Q-15"],
                format!(
                    "account {sender} ({region}) has {n} pending invitations out, above Q-15 = {}",
                    cx.quotas.pending_invitations
                ),
            ));
        }
    }
    for (name, o) in &ix.obs.organizations {
        if o.ous.len() as u64 > cx.quotas.ous_per_organization {
            out.push(Violation::new(
                I::Inv20,
                &["Q-18", "ORG-03"],
                format!(
                    "organization {name} has {} OUs, above Q-18 = {}",
                    o.ous.len(),
                    cx.quotas.ous_per_organization
                ),
            ));
        }
        for ou in o.ous.keys() {
            let d = ix.orgs.ou_depth(o, ou) as u64;
            if d > cx.quotas.ou_depth && d <= o.ous.len() as u64 {
                out.push(Violation::new(
                    I::Inv20,
                    &["Q-18", "ORG-03"],
                    format!(
                        "organization {name}: OU {ou} is {d} levels under the root, above Q-18 = {}",
                        cx.quotas.ou_depth
                    ),
                ));
            }
        }
        for (service, das) in &o.delegated_administrators {
            if das.len() as u64 > cx.quotas.delegated_administrators {
                out.push(Violation::new(
                    I::Inv20,
                    &["Q-10", "ORG-10"],
                    format!(
                        "organization {name} has {} delegated administrators for {}, above Q-10 = {}",
                        das.len(),
                        service.principal(),
                        cx.quotas.delegated_administrators
                    ),
                ));
            }
        }
    }
}

/// INV-20: limits per portfolio, product and share.
fn structural(
    cx: &Cx<'_>,
    account: &Name,
    region: &Region,
    r: &RegionView,
    out: &mut Vec<Violation>,
) {
    let q = cx.quotas;
    // `what` is rendered only for a violation: this runs for every portfolio, product and
    // share after every changing step.
    let mut over = |what: &dyn Fn() -> String, rule: &'static str, n: usize, max: u64| {
        if n as u64 > max {
            out.push(Violation::new(
                I::Inv20,
                &[rule],
                format!(
                    "account {account} ({region}): {} has {n}, above {rule} = {max}",
                    what()
                ),
            ));
        }
    };
    for p in &r.sc.portfolios {
        let patterns = p
            .principals
            .iter()
            .filter(|x| {
                matches!(
                    x.principal,
                    sharesim_core::op::PortfolioPrincipal::IamPattern { .. }
                )
            })
            .count();
        over(
            &|| format!("portfolio {} products", p.name),
            "Q-03",
            p.products.len(),
            q.products_per_portfolio,
        );
        over(
            &|| format!("portfolio {} principals", p.name),
            "Q-04",
            p.principals.len(),
            q.principals_per_portfolio,
        );
        over(
            &|| format!("portfolio {} IAM_PATTERN principals", p.name),
            "Q-05",
            patterns,
            q.patterns_per_portfolio,
        );
        over(
            &|| format!("portfolio {} shares", p.name),
            "Q-06",
            p.shares.len(),
            q.shared_accounts_per_portfolio,
        );
    }
    for p in &r.sc.products {
        over(
            &|| format!("product {} provisioning artifacts", p.name),
            "Q-08",
            p.versions.len(),
            q.artifacts_per_product,
        );
    }
    // count live associations (ASSOCIATING or ASSOCIATED): a FAILED association
    // (a rejected or expired invitation, RAM-12, RAM-13; a resource the owner does not own
    // here, RAM-04) or a DISASSOCIATED one stays listed but holds no quota (docs/rules.md).
    let live = |a: &&sharesim_core::observe::AssociationView| {
        a.status == "ASSOCIATED" || a.status == "ASSOCIATING"
    };
    let (mut res, mut prin) = (0, 0);
    for s in &r.ram.shares {
        let (resources, principals) = (
            s.resources.iter().filter(live).count(),
            s.principals.iter().filter(live).count(),
        );
        over(
            &|| format!("resource share {} live resource associations", s.name),
            "Q-12",
            resources,
            q.associations_per_share,
        );
        over(
            &|| format!("resource share {} live principal associations", s.name),
            "Q-12",
            principals,
            q.associations_per_share,
        );
        res += resources;
        prin += principals;
    }
    over(
        &|| "the Region's live resource associations".to_owned(),
        "Q-13",
        res,
        q.associations_per_region,
    );
    over(
        &|| "the Region's live principal associations".to_owned(),
        "Q-13",
        prin,
        q.associations_per_region,
    );
}

/// Calls by which the caller consumes what others share (their usage never changes).
fn consumer_call(k: OpKind) -> bool {
    matches!(
        k,
        OpKind::AcceptPortfolioShare
            | OpKind::RejectPortfolioShare
            | OpKind::AcceptResourceShareInvitation
            | OpKind::RejectResourceShareInvitation
    )
}

/// QUOTA-OWNER-ONLY (step) and INV-20 (idempotency).
pub(crate) fn check_step(_cx: &Cx<'_>, s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    let kind = s.call.op.kind();
    let exempt = kind.service() == ServiceKind::Organizations
        || matches!(
            kind,
            OpKind::AdvanceTime | OpKind::EnableSharingWithAwsOrganization
        );
    if !exempt {
        // A view that did not change has the same usage before and after: only the changed
        // views, when the step knows them, in the same order.
        let all: BTreeSet<(&Name, &Region)>;
        let keys = match s.changed_views {
            Some(views) => views,
            None => {
                all = regions(s.before.obs)
                    .chain(regions(s.after.obs))
                    .map(|(a, _, r, _)| (a, r))
                    .collect();
                &all
            }
        };
        let empty = RegionView::default();
        for &(account, region) in keys {
            let is_caller = *account == s.call.account;
            if is_caller && !consumer_call(kind) {
                continue;
            }
            let (rb, ra) = (
                s.before.region(account, region).unwrap_or(&empty),
                s.after.region(account, region).unwrap_or(&empty),
            );
            // The reported usage is a function of the usage map alone.
            if rb.usage == ra.usage {
                continue;
            }
            let (b, a) = (reported(rb), reported(ra));
            let changed: Vec<String> = OWNED_KEYS
                .iter()
                .filter(|k| b.get(**k).copied().unwrap_or(0) != a.get(**k).copied().unwrap_or(0))
                .map(|k| {
                    format!(
                        "{k} {} → {}",
                        b.get(*k).copied().unwrap_or(0),
                        a.get(*k).copied().unwrap_or(0)
                    )
                })
                .collect();
            if !changed.is_empty() {
                let who = if is_caller {
                    format!("the consumer {account} itself")
                } else {
                    format!("account {}", s.call.account)
                };
                out.push(
                    Violation::new(
                        I::QuotaOwnerOnly,
                        &["IB-24", "RAM-02", "SC-23"],
                        format!(
                            "the usage of account {account} ({region}) changed ({}) during {} by {who}; accepting, importing or sharing never changes a consumer's usage",
                            changed.join(", "),
                            kind.name()
                        ),
                    )
                    .before(render::ron(&b))
                    .after(render::ron(&a)),
                );
            }
        }
    }
    idempotency(s, out);
}

/// INV-20: re-issuing a create with the same name (the model's idempotency token) and the same
/// parameters changes nothing; with other parameters it fails.
fn idempotency(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    let call = s.call;
    let same = match &call.op {
        Op::CreatePortfolio {
            portfolio,
            display_name,
            ..
        } => s.before.portfolios.get(portfolio).map(|p| {
            p.account == &call.account
                && p.region == &call.region
                && p.item.display_name == display_name.as_deref().unwrap_or(portfolio.as_str())
        }),
        Op::CreateProduct { product, version } => s.before.products.get(product).map(|p| {
            p.account == &call.account
                && p.region == &call.region
                && p.item.versions.first() == Some(version)
        }),
        _ => None,
    };
    let Some(same) = same else {
        return;
    };
    let op = call.op.kind().name();
    if !same && s.ok() {
        out.push(Violation::new(
            I::Inv20,
            &["INV-20", "SC-42", "SC-45"],
            format!(
                "{op} by account {} reused an existing name with other parameters (or from another account or Region) and succeeded; it must fail",
                call.account
            ),
        ));
    }
    if same && s.ok() {
        let diffs = changes(s.before.obs, s.after.obs);
        if let Some(first) = diffs.first() {
            out.push(
                Violation::new(
                    I::Inv20,
                    &["INV-20", "SC-42", "SC-45"],
                    format!(
                        "{op} by account {} re-issued with the same name and parameters changed {}; a repeated create changes nothing",
                        call.account,
                        render::list(diffs.iter().map(|d| d.path.as_str()))
                    ),
                )
                .before(first.before.clone())
                .after(first.after.clone()),
            );
        }
    }
}
