//! Service Catalog invariants: imports in sync, sourced local copies, constraints, launch paths
//! and roles, provisioned products, deletion guards and organization-node coverage.
//!
//! Everything is recomputed from the portfolios, imports, pending shares, constraints and IAM
//! principals of the observation (RULES.md §2.4): the launch paths an end user must have
//! (SC-58), the launch role of each path (SC-60), the inherited constraints of a local portfolio
//! (SC-05, SC-55) and the accounts an organization node share covers (ORG-11).

use super::arn::{self, LaunchRole};
use super::index::{Index, Loc, Visible};
use super::org::Node;
use super::render::{self, list};
use super::scope::StepScope;
use super::step::Step;
use super::{Cx, InvariantId as I, Violation};
use sharesim_core::observe::{
    AccountView, ConstraintView, ImportView, LaunchPathView, PortfolioProductView, PortfolioView,
    PrincipalView, ProvisionedProductView,
};
use sharesim_core::op::ShareTarget;
use sharesim_core::op::{IamKind, Op, PortfolioPrincipal, PortfolioShareType, Principal, Service};
use sharesim_core::response::Response;
use sharesim_core::{Name, Region};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

/// The Service Catalog state invariants, of every account or (`scope`) of those accounts only.
/// Each account's invariants are checked apart, in the order of the accounts, so the findings
/// of a scope are those of the whole check for its accounts, in the same order (which accounts
/// a step can change is `scope.rs`).
pub(crate) fn check_state(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    scope: Option<&BTreeSet<&Name>>,
    out: &mut Vec<Violation>,
) {
    match scope {
        None => {
            for (account, av) in &ix.obs.accounts {
                account_state(cx, ix, account, av, out);
            }
        }
        Some(scope) => {
            for name in scope {
                if let Some((account, av)) = ix.obs.accounts.get_key_value(*name) {
                    account_state(cx, ix, account, av, out);
                }
            }
        }
    }
}

/// The Service Catalog state invariants of one account, in each of its Regions.
fn account_state(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    account: &Name,
    av: &AccountView,
    out: &mut Vec<Violation>,
) {
    let mut pp_names: BTreeMap<&Name, &Region> = BTreeMap::new();
    for (region, r) in &av.regions {
        for p in &r.sc.portfolios {
            local_portfolio(cx, ix, account, region, p, out);
        }
        for i in &r.sc.imported {
            import(cx, ix, account, region, i, out);
        }
        pending(cx, ix, account, region, r, out);
        launch_paths(cx, ix, account, av, region, &r.sc.launch_paths, out);
        for pp in &r.sc.provisioned_products {
            if let Some(other) = pp_names.insert(&pp.name, region) {
                out.push(
                    Violation::new(
                        I::Inv10,
                        &["SC-59"],
                        format!(
                            "account {account} has two provisioned products named {} (in {other} and {region}); names are unique per account",
                            pp.name
                        ),
                    )
                    .after(render::ron(pp)),
                );
            }
            paid_by_role(ix, account, pp, out);
        }
    }
}

/// Checks a portfolio its owner `account` lists in `region`.
fn local_portfolio(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    account: &Name,
    region: &Region,
    p: &PortfolioView,
    out: &mut Vec<Violation>,
) {
    let here =
        std::fmt::from_fn(|f| write!(f, "portfolio {} of account {account} ({region})", p.name));
    for pp in &p.products {
        product_in_portfolio(ix, account, region, &here, pp, out);
        if pp.owner != *account && !p.shares.is_empty() {
            out.push(
                Violation::new(
                    I::Inv02,
                    &["SC-13"],
                    format!(
                        "{here} is shared ({} shares) but holds product {} of account {}; a portfolio with another account's product cannot be shared",
                        p.shares.len(),
                        pp.product,
                        pp.owner
                    ),
                )
                .after(render::ron(pp)),
            );
        }
    }
    constraints_of_local(cx, ix, account, &here, p, out);
    for share in &p.shares {
        match &share.target {
            ShareTarget::Account(x) => {
                if x == account {
                    out.push(Violation::new(
                        I::Inv02,
                        &["A-29", "SC-20"],
                        format!("{here} is shared with its own account"),
                    ));
                }
                let imported = ix
                    .imports
                    .get(&(x, &p.name))
                    .is_some_and(|i| i.item.share_types.contains(&PortfolioShareType::Imported));
                if share.accepted != imported {
                    out.push(
                        Violation::new(
                            I::Inv03,
                            &["SC-23", "SC-24"],
                            if share.accepted {
                                format!("{here}: the share to account {x} is Accepted, but {x} has no IMPORTED import of it")
                            } else {
                                format!("{here}: the share to account {x} is not accepted, but {x} has an IMPORTED import of it")
                            },
                        )
                        .after(render::ron(share)),
                    );
                }
                let pending = ix.region(x, region).is_some_and(|r| {
                    r.sc.pending_shares.iter().any(|s| {
                        s.portfolio == p.name && s.share_type == PortfolioShareType::Imported
                    })
                });
                if cx.strict() && !share.accepted && !pending {
                    out.push(Violation::new(
                        I::Inv03,
                        &["SC-20", "SC-23"],
                        format!("{here}: the share to account {x} is not accepted, but {x} does not list it as a pending share"),
                    ));
                }
            }
            target => {
                let org = ix.orgs.view_of(account);
                let allowed = org.is_some_and(|o| {
                    &o.management == account
                        || o.delegated_administrators
                            .get(&Service::ServiceCatalog)
                            .is_some_and(|d| d.contains(account))
                });
                if !allowed {
                    out.push(Violation::new(
                        I::Inv12,
                        &["SC-20", "SC-21", "SC-34"],
                        format!(
                            "{here} has an organization node share to {target:?}, but {account} is neither the management account nor a Service Catalog delegated administrator"
                        ),
                    ));
                }
            }
        }
    }
}

/// A product as a portfolio of `account` shows it: it exists, in the Region, with its owner and
/// current versions; a product of another account comes from an import that still holds it.
fn product_in_portfolio(
    ix: &Index<'_>,
    account: &Name,
    region: &Region,
    here: &dyn fmt::Display,
    pp: &PortfolioProductView,
    out: &mut Vec<Violation>,
) {
    match ix.products.get(&pp.product) {
        None => out.push(
            Violation::new(
                I::Inv11,
                &["SC-46"],
                format!("{here} holds product {}, which does not exist", pp.product),
            )
            .after(render::ron(pp)),
        ),
        Some(prod) => {
            if prod.region != region {
                out.push(Violation::new(
                    I::Inv01,
                    &["SC-37"],
                    format!(
                        "{here} holds product {}, which lives in {}",
                        pp.product, prod.region
                    ),
                ));
            }
            if prod.account != &pp.owner {
                out.push(Violation::new(
                    I::Inv01,
                    &["INV-01"],
                    format!(
                        "{here} shows product {} as owned by {}, but account {} owns it",
                        pp.product, pp.owner, prod.account
                    ),
                ));
            }
            if prod.item.versions != pp.versions {
                out.push(
                    Violation::new(
                        I::ImportsInSync,
                        &["SC-49", "SC-14"],
                        format!(
                            "{here} shows versions {} of product {}, but its owner {} has {}",
                            list(&pp.versions),
                            pp.product,
                            prod.account,
                            list(&prod.item.versions)
                        ),
                    )
                    .after(render::ron(pp)),
                );
            }
        }
    }
    if pp.owner == *account {
        if let Some(s) = &pp.source_portfolio {
            out.push(Violation::new(
                I::Inv04,
                &["SC-47"],
                format!(
                    "{here} holds its own product {} with a source portfolio {s}; only another account's product has a source",
                    pp.product
                ),
            ));
        }
        return;
    }
    let Some(source) = &pp.source_portfolio else {
        out.push(
            Violation::new(
                I::Inv04,
                &["SC-47", "SC-04"],
                format!(
                    "{here} holds product {} of account {} without a source portfolio",
                    pp.product, pp.owner
                ),
            )
            .after(render::ron(pp)),
        );
        return;
    };
    match ix.imports.get(&(account, source)) {
        None => out.push(
            Violation::new(
                I::Inv04,
                &["SC-47", "SC-24", "SC-25", "A-01"],
                format!(
                    "{here} holds product {} from source portfolio {source}, which account {account} no longer imports; losing the import removes the local copy",
                    pp.product
                ),
            )
            .after(render::ron(pp)),
        ),
        Some(i) if i.region != region => out.push(Violation::new(
            I::Inv01,
            &["SC-37"],
            format!(
                "{here} holds product {} from source portfolio {source}, imported in another Region ({})",
                pp.product, i.region
            ),
        )),
        Some(i) => {
            if !i.item.products.iter().any(|x| x.product == pp.product) {
                out.push(
                    Violation::new(
                        I::ImportsInSync,
                        &["SC-07", "SC-06"],
                        format!(
                            "{here} still holds product {} from source portfolio {source}, but the owner {} removed it from {source}; the removal must propagate to every local portfolio",
                            pp.product, i.item.owner
                        ),
                    )
                    .after(render::ron(pp)),
                );
            }
        }
    }
}

/// Constraints of a local portfolio: own ones (INV-06, INV-07), inherited ones (INV-07,
/// IMPORTS-IN-SYNC) and the `effective` flags (INV-09).
fn constraints_of_local(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    account: &Name,
    here: &dyn fmt::Display,
    p: &PortfolioView,
    out: &mut Vec<Violation>,
) {
    let held: BTreeMap<&Name, &PortfolioProductView> =
        p.products.iter().map(|x| (&x.product, x)).collect();
    let mut own: BTreeMap<&Name, Vec<&ConstraintView>> = BTreeMap::new();
    for c in &p.constraints {
        if !c.inherited {
            own.entry(&c.product).or_default().push(c);
            if c.owner != *account {
                out.push(
                    Violation::new(
                        I::Inv07,
                        &["SC-53", "SC-15"],
                        format!(
                            "{here} has own constraint {} created by account {}; only the portfolio's owner creates its constraints",
                            c.name, c.owner
                        ),
                    )
                    .after(render::ron(c)),
                );
            }
            if !held.contains_key(&c.product) {
                out.push(
                    Violation::new(
                        I::Inv07,
                        &["SC-52", "SC-53", "A-01"],
                        format!(
                            "{here} has constraint {} on product {}, which the portfolio does not hold; a constraint needs its association",
                            c.name, c.product
                        ),
                    )
                    .after(render::ron(c)),
                );
            }
            continue;
        }
        let source = held
            .get(&c.product)
            .and_then(|x| x.source_portfolio.as_ref());
        let Some(source) = source else {
            out.push(
                Violation::new(
                    I::Inv07,
                    &["SC-05", "SC-55"],
                    format!(
                        "{here} shows inherited constraint {} on product {}, but does not hold that product from an import",
                        c.name, c.product
                    ),
                )
                .after(render::ron(c)),
            );
            continue;
        };
        let Some(i) = ix.imports.get(&(account, source)) else {
            continue; // INV-04 reports the lost import.
        };
        let current = i.item.constraints.iter().any(|ic| {
            ic.product == c.product
                && ic.name == c.name
                && ic.kind == c.kind
                && ic.owner == c.owner
                && ic.parameters == c.parameters
        });
        if !current {
            out.push(
                Violation::new(
                    I::Inv07,
                    &["SC-05", "SC-06", "SC-55"],
                    format!(
                        "{here} shows inherited constraint {} ({}) on product {}, which is not a current constraint of its source portfolio {source}",
                        c.name, c.kind, c.product
                    ),
                )
                .after(render::ron(c)),
            );
        }
    }
    // Every constraint of the source on a held product is shown as inherited (SC-05, SC-16).
    for pp in &p.products {
        let Some(source) = &pp.source_portfolio else {
            continue;
        };
        let Some(i) = ix.imports.get(&(account, source)) else {
            continue;
        };
        for ic in i
            .item
            .constraints
            .iter()
            .filter(|c| c.product == pp.product)
        {
            let shown = p
                .constraints
                .iter()
                .any(|c| c.inherited && c.name == ic.name && c.product == pp.product);
            if !shown {
                out.push(
                    Violation::new(
                        I::ImportsInSync,
                        &["SC-05", "SC-09", "SC-15", "SC-16"],
                        format!(
                            "{here} holds product {} from {source} but does not show the inherited {} constraint {} of its owner {}",
                            pp.product, ic.kind, ic.name, ic.owner
                        ),
                    )
                    .after(render::ron(ic)),
                );
            }
        }
    }
    // INV-06: cardinality of own constraints.
    for (product, cs) in &own {
        cardinality(cx, here, product, cs, out);
    }
    // INV-09: the `effective` flags (SC-55).
    for c in &p.constraints {
        let own_kinds: BTreeSet<&str> = own
            .get(&c.product)
            .map(|v| v.iter().map(|x| x.kind.as_str()).collect())
            .unwrap_or_default();
        let expected: Option<bool> = if !c.inherited {
            Some(true)
        } else {
            match c.kind.as_str() {
                "LAUNCH" if own_kinds.contains("LAUNCH") => Some(false),
                "STACKSET" if own_kinds.contains("STACKSET") => Some(false),
                // Whether an own LAUNCH replaces an inherited STACKSET (and the reverse) is not
                // settled by RULES.md (SC-55): either flag is accepted.
                "LAUNCH" if own_kinds.contains("STACKSET") => None,
                "STACKSET" if own_kinds.contains("LAUNCH") => None,
                "RESOURCE_UPDATE" => Some(!own_kinds.contains("RESOURCE_UPDATE")),
                _ => Some(true),
            }
        };
        if let Some(e) = expected
            && e != c.effective
        {
            out.push(
                Violation::new(
                    I::Inv09,
                    &["SC-55", "SC-10", "A-06"],
                    format!(
                        "{here}: {} {} constraint {} on product {} is marked effective={}, expected {e}{}",
                        if c.inherited { "inherited" } else { "own" },
                        c.kind,
                        c.name,
                        c.product,
                        c.effective,
                        if c.inherited && !e {
                            " (an own constraint of the same type overrides it)"
                        } else {
                            ""
                        }
                    ),
                )
                .after(render::ron(c)),
            );
        }
    }
}

/// INV-06 for the own constraints of one (portfolio, product).
fn cardinality(
    cx: &Cx<'_>,
    here: &dyn fmt::Display,
    product: &Name,
    cs: &[&ConstraintView],
    out: &mut Vec<Violation>,
) {
    let count = |k: &str| cs.iter().filter(|c| c.kind == k).count();
    let mut problems = Vec::new();
    for k in ["LAUNCH", "STACKSET", "RESOURCE_UPDATE"] {
        if count(k) > 1 {
            problems.push(format!("{} {k} constraints (at most one)", count(k)));
        }
    }
    if count("LAUNCH") > 0 && count("STACKSET") > 0 {
        problems.push("both a LAUNCH and a STACKSET constraint".to_owned());
    }
    if cs.len() as u64 > cx.quotas.constraints_per_product_per_portfolio {
        problems.push(format!(
            "{} constraints (Q-07 allows {})",
            cs.len(),
            cx.quotas.constraints_per_product_per_portfolio
        ));
    }
    let mut topics = BTreeSet::new();
    for c in cs.iter().filter(|c| c.kind == "NOTIFICATION") {
        for t in arn::topics(&c.parameters) {
            if !topics.insert(t) {
                problems.push(format!("SNS topic {t} in two NOTIFICATION constraints"));
            }
        }
    }
    for c in cs.iter().filter(|c| c.kind == "LAUNCH") {
        match arn::launch_role(&c.parameters) {
            LaunchRole::Neither => problems.push(format!(
                "LAUNCH constraint {} names neither a role ARN nor a local role name",
                c.name
            )),
            LaunchRole::Both => problems.push(format!(
                "LAUNCH constraint {} names both a role ARN and a local role name",
                c.name
            )),
            LaunchRole::Arn(_) | LaunchRole::Local(_) => {}
        }
    }
    if !problems.is_empty() {
        out.push(
            Violation::new(
                I::Inv06,
                &["SC-53", "Q-07"],
                format!("{here}, product {product}: {}", problems.join("; ")),
            )
            .after(render::ron(cs)),
        );
    }
}

/// Checks an import of `account` in `region`.
fn import(
    _cx: &Cx<'_>,
    ix: &Index<'_>,
    account: &Name,
    region: &Region,
    i: &ImportView,
    out: &mut Vec<Violation>,
) {
    let here = std::fmt::from_fn(|f| {
        write!(
            f,
            "account {account}'s import of portfolio {} (owner {}, {region})",
            i.portfolio, i.owner
        )
    });
    if i.owner == *account {
        out.push(Violation::new(
            I::Inv03,
            &["SC-20", "A-29"],
            format!("{here}: an account cannot import its own portfolio"),
        ));
    }
    for pv in &i.principals {
        if let PortfolioPrincipal::Iam {
            account: Some(a), ..
        } = &pv.principal
            && a != account
        {
            out.push(
                Violation::new(
                    I::Inv08,
                    &["SC-17", "SC-40"],
                    format!(
                        "{here} shows IAM principal {} of account {a}; IAM principals are not inherited, a recipient associates only its own",
                        pv.arn
                    ),
                )
                .after(render::ron(pv)),
            );
        }
    }
    if i.share_types.is_empty() {
        out.push(Violation::new(
            I::Inv03,
            &["SC-23"],
            format!("{here} has no share type"),
        ));
    }
    let Some(p) = ix.portfolios.get(&i.portfolio) else {
        out.push(
            Violation::new(
                I::Inv03,
                &["SC-25", "A-01"],
                format!("{here}: the portfolio no longer exists, so no share backs the import"),
            )
            .after(render::ron(i)),
        );
        return;
    };
    if p.account != &i.owner {
        out.push(Violation::new(
            I::Inv01,
            &["INV-01"],
            format!(
                "{here} names owner {}, but account {} owns the portfolio",
                i.owner, p.account
            ),
        ));
    }
    if p.region != region {
        out.push(Violation::new(
            I::Inv01,
            &["SC-37"],
            format!(
                "{here} is listed in {region}, but the portfolio lives in {}",
                p.region
            ),
        ));
    }
    in_sync(&here, i, p.item, out);
    for t in &i.share_types {
        match t {
            PortfolioShareType::Imported => {
                let backed = p.item.shares.iter().any(|s| {
                    s.accepted && matches!(&s.target, ShareTarget::Account(x) if x == account)
                });
                if !backed {
                    out.push(
                        Violation::new(
                            I::Inv03,
                            &["SC-23", "SC-25", "A-01"],
                            format!(
                                "{here} is IMPORTED, but {} has no accepted account share of {} to {account}",
                                i.owner, i.portfolio
                            ),
                        )
                        .after(render::ron(&p.item.shares)),
                    );
                }
            }
            PortfolioShareType::AwsOrganizations => {
                let enabled = ix
                    .orgs
                    .view_of(&i.owner)
                    .is_some_and(|o| o.sc_access == "ENABLED");
                // While access is disabled the covered set is frozen (SC-33), and an account
                // that left the organization may be grandfathered: INV-12 follows both step by
                // step.
                if !enabled || !ix.orgs.same_org(account, &i.owner) {
                    continue;
                }
                let covered = p.item.shares.iter().any(|s| {
                    !matches!(s.target, ShareTarget::Account(_))
                        && ix.orgs.covers(Node::of_target(&s.target), account)
                });
                if !covered {
                    out.push(
                        Violation::new(
                            I::Inv03,
                            &["SC-22", "SC-25", "SC-35", "ORG-11"],
                            format!(
                                "{here} is AWS_ORGANIZATIONS, but no organization node share of {} covers {account} in the current tree",
                                i.portfolio
                            ),
                        )
                        .after(render::ron(&p.item.shares)),
                    );
                }
            }
            PortfolioShareType::AwsServicecatalog => out.push(Violation::new(
                I::Inv03,
                &["SC-23", "SC-29"],
                format!(
                    "{here} has the deprecated type AWS_SERVICECATALOG, which cannot be accepted"
                ),
            )),
        }
    }
}

/// IMPORTS-IN-SYNC for one import against the owner's portfolio.
fn in_sync(here: &dyn fmt::Display, i: &ImportView, p: &PortfolioView, out: &mut Vec<Violation>) {
    let mut problems = Vec::new();
    if i.id != p.id {
        problems.push(format!("id {} instead of the portfolio's {}", i.id, p.id));
    }
    let mine: BTreeMap<&Name, &PortfolioProductView> =
        i.products.iter().map(|x| (&x.product, x)).collect();
    let theirs: BTreeMap<&Name, &PortfolioProductView> =
        p.products.iter().map(|x| (&x.product, x)).collect();
    let mut shown = Vec::new();
    let mut owner = Vec::new();
    for (name, x) in &mine {
        match theirs.get(name) {
            None => {
                problems.push(format!(
                    "still shows product {name}, which the owner removed from the portfolio"
                ));
                shown.push(*x);
            }
            Some(y) if x != y => {
                problems.push(format!(
                    "shows product {name} as {}, the owner's portfolio has {}",
                    render::ron(x),
                    render::ron(y)
                ));
                shown.push(*x);
                owner.push(*y);
            }
            Some(_) => {}
        }
    }
    for (name, y) in &theirs {
        if !mine.contains_key(name) {
            problems.push(format!(
                "does not show product {name}, which the owner added to the portfolio"
            ));
            owner.push(*y);
        }
    }
    let mine_c: BTreeSet<&ConstraintView> = i.constraints.iter().collect();
    let theirs_c: BTreeSet<&ConstraintView> = p.constraints.iter().collect();
    let mut shown_c = Vec::new();
    let mut owner_c = Vec::new();
    for c in mine_c.difference(&theirs_c) {
        problems.push(format!(
            "shows {} constraint {} on product {}, which is not the owner's current constraint",
            c.kind, c.name, c.product
        ));
        shown_c.push(*c);
    }
    for c in theirs_c.difference(&mine_c) {
        problems.push(format!(
            "does not show the owner's {} constraint {} on product {}",
            c.kind, c.name, c.product
        ));
        owner_c.push(*c);
    }
    if !problems.is_empty() {
        let mut v = Violation::new(
            I::ImportsInSync,
            &["SC-02", "SC-06", "SC-07", "SC-09", "SC-49"],
            format!(
                "{here} is not in sync with the owner's portfolio: {}",
                problems.join("; ")
            ),
        );
        if !shown.is_empty() || !shown_c.is_empty() {
            v = v.after(format!(
                "import shows {} {}",
                render::ron(&shown),
                render::ron(&shown_c)
            ));
        }
        if !owner.is_empty() || !owner_c.is_empty() {
            v = v.before(format!(
                "owner has {} {}",
                render::ron(&owner),
                render::ron(&owner_c)
            ));
        }
        out.push(v);
    }
}

/// Pending shares of `account` in `region` (INV-03).
fn pending(
    _cx: &Cx<'_>,
    ix: &Index<'_>,
    account: &Name,
    region: &Region,
    r: &sharesim_core::observe::RegionView,
    out: &mut Vec<Violation>,
) {
    for ps in &r.sc.pending_shares {
        let here = std::fmt::from_fn(|f| {
            write!(
                f,
                "account {account}'s pending share of portfolio {} (owner {}, {region})",
                ps.portfolio, ps.owner
            )
        });
        let p = ix
            .portfolios
            .get(&ps.portfolio)
            .filter(|p| p.account == &ps.owner && p.region == region);
        let backed = p.is_some_and(|p| match ps.share_type {
            PortfolioShareType::Imported => p.item.shares.iter().any(|s| {
                !s.accepted && matches!(&s.target, ShareTarget::Account(x) if x == account)
            }),
            PortfolioShareType::AwsOrganizations => {
                let nodes = || {
                    p.item
                        .shares
                        .iter()
                        .filter(|s| !matches!(s.target, ShareTarget::Account(_)))
                };
                // While access is disabled the covered set is frozen, and an account that left
                // the organization meanwhile keeps what it had, a rejected share included
                // (SC-33, A-16): any node share of the owner backs it then, as for imports.
                let frozen = ix
                    .orgs
                    .view_of(&ps.owner)
                    .is_none_or(|o| o.sc_access != "ENABLED")
                    || !ix.orgs.same_org(account, &ps.owner);
                if frozen {
                    nodes().next().is_some()
                } else {
                    nodes().any(|s| ix.orgs.covers(Node::of_target(&s.target), account))
                }
            }
            PortfolioShareType::AwsServicecatalog => false,
        });
        if !backed {
            out.push(
                Violation::new(
                    I::Inv03,
                    &["SC-20", "SC-23", "SC-25"],
                    format!("{here} is not backed by an unaccepted share of the owner"),
                )
                .after(render::ron(ps)),
            );
        }
        let imported = ix
            .imports
            .get(&(account, &ps.portfolio))
            .is_some_and(|i| i.item.share_types.contains(&ps.share_type));
        if imported {
            out.push(Violation::new(
                I::Inv03,
                &["SC-23"],
                format!(
                    "{here} is listed as pending although the account imported it with type {:?}",
                    ps.share_type
                ),
            ));
        }
    }
}

/// Whether end user `u` of `account` is associated with a portfolio's principals (SC-58).
fn associated(
    av: &AccountView,
    account: &Name,
    u: &Principal,
    principals: &[PrincipalView],
) -> bool {
    let (kind, name) = match u {
        Principal::User(n) => (IamKind::User, n),
        Principal::Role(n) => (IamKind::Role, n),
    };
    principals.iter().any(|pv| match &pv.principal {
        PortfolioPrincipal::Iam {
            kind: k,
            name: n,
            account: a,
        } => {
            a.as_ref().is_none_or(|a| a == account)
                && ((*k == kind && n == name)
                    || (*k == IamKind::Group
                        && kind == IamKind::User
                        && av.iam.groups.get(n).is_some_and(|m| m.contains(name))))
        }
        PortfolioPrincipal::IamPattern { kind: k, pattern } => {
            *k == kind && arn::glob(pattern, name.as_str())
        }
    })
}

fn principal_exists(av: &AccountView, u: &Principal) -> bool {
    match u {
        Principal::User(n) => av.iam.users.contains(n),
        Principal::Role(n) => av.iam.roles.contains(n),
    }
}

/// The launch role and paying account SC-60 gives a path, recomputed from the constraints the
/// account sees; `None` when the LAUNCH constraint is malformed (INV-06 reports it) or names an
/// account the observation does not know.
fn expected_role<'o>(
    ix: &Index<'o>,
    account: &'o Name,
    v: &Visible<'o>,
    product: &Name,
) -> Option<(Option<String>, &'o Name, Option<&'o ConstraintView>)> {
    let cs: Vec<&ConstraintView> = v
        .constraints()
        .iter()
        .filter(|c| &c.product == product && c.kind == "LAUNCH")
        .collect();
    // Whether an own STACKSET replaces an inherited LAUNCH is not settled by RULES.md (SC-55,
    // see the `effective` flags above): the inherited LAUNCH applies as the flag says then.
    let own_stackset = v
        .constraints()
        .iter()
        .any(|c| &c.product == product && c.kind == "STACKSET" && !c.inherited);
    let launch = match v {
        Visible::Local(_) => cs
            .iter()
            .find(|c| !c.inherited)
            .or_else(|| {
                cs.iter()
                    .find(|c| c.inherited && (c.effective || !own_stackset))
            })
            .copied(),
        Visible::Imported(_) => cs.first().copied(),
    };
    let Some(c) = launch else {
        return Some((None, account, None));
    };
    match arn::launch_role(&c.parameters) {
        LaunchRole::Arn(a) => {
            let payer = arn::parse(a).and_then(|x| ix.account_of_id(x.account))?;
            Some((Some(a.to_owned()), payer, Some(c)))
        }
        LaunchRole::Local(n) => {
            let id = ix.id_of(account)?;
            Some((Some(arn::role_arn(id, n)), account, Some(c)))
        }
        LaunchRole::Neither | LaunchRole::Both => None,
    }
}

/// INV-08, INV-09 and the path part of PROVISIONED-SURVIVE for the launch paths of `account`.
fn launch_paths(
    cx: &Cx<'_>,
    ix: &Index<'_>,
    account: &Name,
    av: &AccountView,
    region: &Region,
    paths: &[LaunchPathView],
    out: &mut Vec<Violation>,
) {
    let mut seen: BTreeSet<(&Principal, &Name, &Name)> = BTreeSet::new();
    for lp in paths {
        let here = std::fmt::from_fn(|f| {
            write!(
                f,
                "account {account} ({region}), end user {:?}, product {} through portfolio {}",
                lp.principal, lp.product, lp.portfolio
            )
        });
        if !seen.insert((&lp.principal, &lp.product, &lp.portfolio)) {
            out.push(Violation::new(
                I::Inv08,
                &["SC-58", "A-03"],
                format!("{here}: the path is listed twice; there is one path per portfolio"),
            ));
            continue;
        }
        if !principal_exists(av, &lp.principal) {
            out.push(
                Violation::new(
                    I::Inv08,
                    &["SC-58", "IAM-01"],
                    format!("{here}: the end user does not exist in account {account}"),
                )
                .after(render::ron(lp)),
            );
            continue;
        }
        let Some(v) = ix.visible_portfolio(account, region, &lp.portfolio) else {
            out.push(
                Violation::new(
                    I::Inv08,
                    &["SC-58", "SC-24", "SC-25"],
                    format!(
                        "{here}: portfolio {} is neither owned nor imported by {account} in {region}",
                        lp.portfolio
                    ),
                )
                .after(render::ron(lp)),
            );
            continue;
        };
        let owner = match v {
            Visible::Local(_) => account,
            Visible::Imported(i) => &i.owner,
        };
        if &lp.portfolio_owner != owner {
            out.push(Violation::new(
                I::Inv08,
                &["SC-58"],
                format!(
                    "{here}: the path names portfolio owner {}, but the portfolio is owned by {owner}",
                    lp.portfolio_owner
                ),
            ));
        }
        if !v.contains(&lp.product) {
            out.push(
                Violation::new(
                    I::ProvisionedSurvive,
                    &["SC-07", "SC-08", "SC-58"],
                    format!(
                        "{here}: portfolio {} does not contain product {}, so no launch path may go through it",
                        lp.portfolio, lp.product
                    ),
                )
                .after(render::ron(lp)),
            );
            continue;
        }
        if !associated(av, account, &lp.principal, v.principals()) {
            out.push(
                Violation::new(
                    I::Inv08,
                    &["SC-58", "SC-17", "SC-41", "IAM-02"],
                    format!(
                        "{here}: the end user is not associated with portfolio {} (no IAM, group or pattern association matches)",
                        lp.portfolio
                    ),
                )
                .after(render::ron(v.principals())),
            );
            continue;
        }
        path_role(ix, account, &here, &v, lp, out);
    }
    if !cx.strict() {
        return;
    }
    let Some(r) = ix.region(account, region) else {
        return;
    };
    let users = av
        .iam
        .users
        .iter()
        .map(|u| Principal::User(u.clone()))
        .chain(av.iam.roles.iter().map(|r| Principal::Role(r.clone())));
    let visible: Vec<(&Name, Visible<'_>)> =
        r.sc.portfolios
            .iter()
            .map(|p| (&p.name, Visible::Local(p)))
            .chain(
                r.sc.imported
                    .iter()
                    .map(|i| (&i.portfolio, Visible::Imported(i))),
            )
            .collect();
    for u in users {
        for (pname, v) in &visible {
            if !associated(av, account, &u, v.principals()) {
                continue;
            }
            for pp in v.products() {
                // Only products that truly belong there: a product shown by mistake is reported
                // by IMPORTS-IN-SYNC or INV-04, not again as a missing path.
                if !truly_held(ix, account, v, pp) {
                    continue;
                }
                if !seen.contains(&(&u, &pp.product, *pname)) {
                    out.push(Violation::new(
                        I::Inv08,
                        &["SC-58", "SC-04"],
                        format!(
                            "account {account} ({region}), end user {u:?} is associated with portfolio {pname}, which holds product {}, but has no launch path for it",
                            pp.product
                        ),
                    ));
                }
            }
        }
    }
}

/// Whether a product a visible portfolio shows is really there: an import's product is in the
/// owner's portfolio; a local portfolio's foreign product is in its (imported) source.
fn truly_held(ix: &Index<'_>, account: &Name, v: &Visible<'_>, pp: &PortfolioProductView) -> bool {
    let in_portfolio = |name: &Name| {
        ix.portfolios
            .get(name)
            .is_some_and(|p| p.item.products.iter().any(|x| x.product == pp.product))
    };
    match v {
        Visible::Imported(i) => in_portfolio(&i.portfolio),
        Visible::Local(_) if pp.owner == *account => true,
        Visible::Local(_) => pp
            .source_portfolio
            .as_ref()
            .is_some_and(|s| ix.imports.contains_key(&(account, s)) && in_portfolio(s)),
    }
}

/// INV-09 for one path.
fn path_role(
    ix: &Index<'_>,
    account: &Name,
    here: &dyn fmt::Display,
    v: &Visible<'_>,
    lp: &LaunchPathView,
    out: &mut Vec<Violation>,
) {
    let Some(account) = ix.obs.accounts.get_key_value(account).map(|(k, _)| k) else {
        return;
    };
    if let Some((role, payer, c)) = expected_role(ix, account, v, &lp.product)
        && (lp.launch_role != role || &lp.paying_account != payer)
    {
        let why = match c.map(|c| (c, arn::launch_role(&c.parameters))) {
            Some((c, LaunchRole::Local(n))) => format!(
                "LAUNCH constraint {} (owner {}) names LocalRoleName {n}, which resolves in the end user's account {account}",
                c.name, c.owner
            ),
            Some((c, _)) => format!(
                "LAUNCH constraint {} (owner {}) names role ARN {}, used as-is",
                c.name,
                c.owner,
                role.as_deref().unwrap_or("?")
            ),
            None => "no LAUNCH constraint applies, so the end user's own credentials are used"
                .to_owned(),
        };
        out.push(
            Violation::new(
                I::Inv09,
                &["SC-60", "SC-11", "SC-12", "IAM-05"],
                format!(
                    "{here}: launch role {} paid by {}, expected {} paid by {payer} ({why})",
                    lp.launch_role.as_deref().unwrap_or("none"),
                    lp.paying_account,
                    role.as_deref().unwrap_or("none"),
                ),
            )
            .after(render::ron(lp)),
        );
    }
    let mut expected: Vec<&Name> = v
        .constraints()
        .iter()
        .filter(|c| c.product == lp.product && c.effective)
        .map(|c| &c.name)
        .collect();
    expected.sort();
    let mut shown: Vec<&Name> = lp.constraints.iter().collect();
    shown.sort();
    if expected != shown {
        out.push(
            Violation::new(
                I::Inv09,
                &["SC-55", "SC-58"],
                format!(
                    "{here}: the path shows constraints {}, but the effective constraints of the portfolio on the product are {}",
                    list(&shown),
                    list(&expected)
                ),
            )
            .after(render::ron(lp)),
        );
    }
}

/// INV-09: a provisioned product is paid by the account of the role it recorded (SC-12).
fn paid_by_role(
    ix: &Index<'_>,
    account: &Name,
    pp: &ProvisionedProductView,
    out: &mut Vec<Violation>,
) {
    if pp.status != "AVAILABLE" {
        return;
    }
    let expected = match &pp.launch_role {
        None => Some(account),
        Some(r) => arn::parse(r).and_then(|a| ix.account_of_id(a.account)),
    };
    if let Some(e) = expected
        && e != &pp.paying_account
    {
        out.push(
            Violation::new(
                I::Inv09,
                &["SC-12", "SC-59"],
                format!(
                    "provisioned product {} of account {account} is paid by {}, but its launch role {} belongs to {e}",
                    pp.name,
                    pp.paying_account,
                    pp.launch_role.as_deref().unwrap_or("(none: the end user's credentials)")
                ),
            )
            .after(render::ron(pp)),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

type PpKey<'o> = (&'o Name, &'o Name);

/// The provisioned products of every account, or of the accounts of the step's scope.
fn provisioned<'o>(
    ix: &Index<'o>,
    scope: Option<&StepScope<'_>>,
) -> BTreeMap<PpKey<'o>, (&'o Region, &'o ProvisionedProductView)> {
    let mut m = BTreeMap::new();
    let mut add = |account: &'o Name, av: &'o AccountView| {
        for (region, r) in &av.regions {
            for pp in &r.sc.provisioned_products {
                m.insert((account, &pp.name), (region, pp));
            }
        }
    };
    match scope {
        None => {
            for (account, av) in &ix.obs.accounts {
                add(account, av);
            }
        }
        Some(scope) => {
            for name in &scope.accounts {
                if let Some((account, av)) = ix.obs.accounts.get_key_value(*name) {
                    add(account, av);
                }
            }
        }
    }
    m
}

/// The entries of a map by name, all of them or (`scope`) those of these names, in the order
/// of their names either way.
fn by_name<'m, 'o, T>(
    map: &'m BTreeMap<&'o Name, T>,
    scope: Option<&'m BTreeSet<&Name>>,
) -> Box<dyn Iterator<Item = (&'m &'o Name, &'m T)> + 'm> {
    match scope {
        None => Box::new(map.iter()),
        Some(names) => Box::new(names.iter().filter_map(|n| map.get_key_value(*n))),
    }
}

/// The Service Catalog step invariants.
pub(crate) fn check_step(cx: &Cx<'_>, s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    provisioned_step(s, out);
    owner_state_step(s, out);
    deletions_step(s, out);
    ownership_step(s, out);
    coverage_step(cx, s, out);
    responses(s.before.obs, s.call, s.outcome, out);
}

/// PROVISIONED-SURVIVE, INV-10 and INV-09 from before to after.
fn provisioned_step(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    let before = provisioned(s.before, s.sc_scope);
    let after = provisioned(s.after, s.sc_scope);
    let op = s.call.op.kind().name();
    for (key, (region, pp)) in &before {
        let (account, name) = key;
        match after.get(key) {
            None => {
                let terminated = s.ok()
                    && s.call.account == **account
                    && s.call.region == **region
                    && matches!(&s.call.op, Op::TerminateProvisionedProduct { provisioned_product } if provisioned_product == *name);
                if !terminated {
                    out.push(
                        Violation::new(
                            I::ProvisionedSurvive,
                            &["SC-08", "SC-61", "A-27", "INV-10"],
                            format!(
                                "provisioned product {name} of account {account} ({region}; product {}, version {}, through portfolio {}) disappeared during {op} by account {}; only TerminateProvisionedProduct removes a provisioned product",
                                pp.product, pp.version, pp.path, s.call.account
                            ),
                        )
                        .before(render::ron(*pp))
                        .after("(gone)"),
                    );
                }
            }
            Some((r2, pp2)) => {
                if r2 != region {
                    out.push(Violation::new(
                        I::Inv01,
                        &["INV-01"],
                        format!(
                            "provisioned product {name} of account {account} moved from {region} to {r2}"
                        ),
                    ));
                }
                let mut a = (*pp2).clone();
                a.status.clone_from(&pp.status);
                if &a != *pp {
                    out.push(
                        Violation::new(
                            I::Inv10,
                            &["SC-59", "SC-08"],
                            format!(
                                "provisioned product {name} of account {account} changed its record during {op}; only its status may change"
                            ),
                        )
                        .before(render::ron(*pp))
                        .after(render::ron(*pp2)),
                    );
                }
            }
        }
    }
    for (key, (region, pp)) in &after {
        if before.contains_key(key) {
            continue;
        }
        let (account, name) = key;
        let legit = s.ok()
            && s.call.account == **account
            && s.call.region == **region
            && matches!(&s.call.op, Op::ProvisionProduct { provisioned_product, product, version, .. }
                if provisioned_product == *name && product == &pp.product && version == &pp.version);
        if !legit {
            out.push(
                Violation::new(
                    I::ProvisionedSurvive,
                    &["SC-59"],
                    format!(
                        "provisioned product {name} of account {account} ({region}) appeared during {op} by account {}; only a successful ProvisionProduct of that name creates one",
                        s.call.account
                    ),
                )
                .after(render::ron(*pp)),
            );
            continue;
        }
        let Some(principal) = &s.call.principal else {
            continue;
        };
        let path = s.before.region(account, region).and_then(|r| {
            r.sc.launch_paths.iter().find(|lp| {
                &lp.principal == principal && lp.product == pp.product && lp.portfolio == pp.path
            })
        });
        match path {
            None => out.push(
                Violation::new(
                    I::ProvisionedSurvive,
                    &["SC-08", "SC-58", "SC-59"],
                    format!(
                        "provisioned product {name} of account {account} was launched by {principal:?} for product {} through portfolio {}, which was not a launch path of that end user before the call",
                        pp.product, pp.path
                    ),
                )
                .after(render::ron(*pp)),
            ),
            Some(lp) => {
                // SC-54, SC-59: a launch role in the end user's own account (LocalRoleName) must
                // exist there for the launch to succeed; a role ARN is used as-is (SC-60), even
                // when it names the end user's account.
                let local = s
                    .before
                    .visible_portfolio(account, region, &lp.portfolio)
                    .is_some_and(|v| {
                        v.constraints().iter().any(|c| {
                            c.kind == "LAUNCH"
                                && lp.constraints.contains(&c.name)
                                && matches!(arn::launch_role(&c.parameters), LaunchRole::Local(_))
                        })
                    });
                let own_role = pp.launch_role.as_deref().filter(|_| local).and_then(|r| {
                    let a = arn::parse(r)?;
                    (Some(a.account) == s.after.id_of(account))
                        .then(|| a.resource.strip_prefix("role/"))
                        .flatten()
                });
                if pp.status == "AVAILABLE"
                    && let Some(role) = own_role
                    && !s
                        .after
                        .obs
                        .accounts
                        .get(*account)
                        .is_some_and(|v| v.iam.roles.iter().any(|x| x.as_str() == role))
                {
                    out.push(
                        Violation::new(
                            I::Inv09,
                            &["SC-54", "SC-59", "IAM-05"],
                            format!(
                                "provisioned product {name} of account {account} is AVAILABLE with launch role {role}, which does not exist in {account}; the launch must fail"
                            ),
                        )
                        .after(render::ron(*pp)),
                    );
                }
                if pp.status == "AVAILABLE"
                    && (lp.launch_role != pp.launch_role || lp.paying_account != pp.paying_account)
                {
                    out.push(
                        Violation::new(
                            I::Inv09,
                            &["SC-59", "SC-60", "SC-12"],
                            format!(
                                "provisioned product {name} of account {account} records launch role {} paid by {}, but its path had {} paid by {}",
                                pp.launch_role.as_deref().unwrap_or("none"),
                                pp.paying_account,
                                lp.launch_role.as_deref().unwrap_or("none"),
                                lp.paying_account
                            ),
                        )
                        .before(render::ron(lp))
                        .after(render::ron(*pp)),
                    );
                }
            }
        }
    }
}

/// INV-05: nobody but the owner changes an imported portfolio's products or constraints.
fn owner_state_step(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    // Which portfolios are imported, found only when a portfolio changed.
    let mut imported: Option<BTreeSet<&Name>> = None;
    for (name, b) in by_name(&s.before.portfolios, s.sc_scope.map(|x| &x.portfolios)) {
        if s.call.account == *b.account {
            continue;
        }
        let Some(a) = s.after.portfolios.get(name) else {
            continue;
        };
        if a.item.products == b.item.products && a.item.constraints == b.item.constraints {
            continue;
        }
        let imported = imported.get_or_insert_with(|| {
            s.before
                .imports
                .keys()
                .chain(s.after.imports.keys())
                .map(|(_, p)| *p)
                .collect()
        });
        if imported.contains(name) {
            out.push(
                Violation::new(
                    I::Inv05,
                    &["SC-03", "SC-14", "SC-15"],
                    format!(
                        "portfolio {name} of account {} (imported by others) changed its products or constraints during {} by account {}; only its owner changes them",
                        b.account,
                        s.call.op.kind().name(),
                        s.call.account
                    ),
                )
                .before(render::ron(&(&b.item.products, &b.item.constraints)))
                .after(render::ron(&(&a.item.products, &a.item.constraints))),
            );
        }
    }
}

/// INV-11 for portfolios and products.
fn deletions_step(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    let op = s.call.op.kind().name();
    for (name, b) in by_name(&s.before.portfolios, s.sc_scope.map(|x| &x.portfolios)) {
        if s.after.portfolios.contains_key(name) {
            continue;
        }
        let p = b.item;
        let by_call = s.ok()
            && s.call.account == *b.account
            && matches!(&s.call.op, Op::DeletePortfolio { portfolio } if portfolio == *name);
        let mut left = Vec::new();
        for (what, n) in [
            ("products", p.products.len()),
            ("principals", p.principals.len()),
            ("constraints", p.constraints.len()),
            ("shares", p.shares.len()),
        ] {
            if n > 0 {
                left.push(format!("{n} {what}"));
            }
        }
        if !by_call {
            out.push(
                Violation::new(
                    I::Inv11,
                    &["SC-43"],
                    format!(
                        "portfolio {name} of account {} disappeared during {op} by account {}; only DeletePortfolio removes a portfolio",
                        b.account, s.call.account
                    ),
                )
                .before(render::ron(p)),
            );
        } else if !left.is_empty() {
            out.push(
                Violation::new(
                    I::Inv11,
                    &["SC-43", "A-11"],
                    format!(
                        "portfolio {name} of account {} was deleted while it still had {}",
                        b.account,
                        left.join(", ")
                    ),
                )
                .before(render::ron(p)),
            );
        }
    }
    for (name, b) in by_name(&s.before.products, s.sc_scope.map(|x| &x.products)) {
        if s.after.products.contains_key(name) {
            continue;
        }
        let by_call = s.ok()
            && s.call.account == *b.account
            && matches!(&s.call.op, Op::DeleteProduct { product } if product == *name);
        let holders: Vec<&Name> = s
            .before
            .portfolios
            .values()
            .filter(|p| p.item.products.iter().any(|x| &x.product == *name))
            .map(|p| &p.item.name)
            .collect();
        if !by_call {
            out.push(Violation::new(
                I::Inv11,
                &["SC-46"],
                format!(
                    "product {name} of account {} disappeared during {op} by account {}; only DeleteProduct removes a product",
                    b.account, s.call.account
                ),
            ));
        } else if !holders.is_empty() {
            out.push(Violation::new(
                I::Inv11,
                &["SC-46", "A-07"],
                format!(
                    "product {name} of account {} was deleted while portfolios {} still held it",
                    b.account,
                    list(holders)
                ),
            ));
        }
    }
}

/// INV-01: owner and Region of portfolios and products never change; INV-02: only the owner
/// shares a portfolio.
fn ownership_step(s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    fn moved<T>(kind: &str, name: &Name, b: &Loc<'_, T>, a: &Loc<'_, T>) -> Option<Violation> {
        (b.account != a.account || b.region != a.region).then(|| {
            Violation::new(
                I::Inv01,
                &["INV-01"],
                format!(
                    "{kind} {name} moved from account {} ({}) to account {} ({}); owner and Region are fixed at creation",
                    b.account, b.region, a.account, a.region
                ),
            )
        })
    }
    for (name, b) in by_name(&s.before.portfolios, s.sc_scope.map(|x| &x.portfolios)) {
        if let Some(a) = s.after.portfolios.get(name) {
            out.extend(moved("portfolio", name, b, a));
        }
    }
    for (name, b) in by_name(&s.before.products, s.sc_scope.map(|x| &x.products)) {
        if let Some(a) = s.after.products.get(name) {
            out.extend(moved("product", name, b, a));
        }
    }
    // INV-02 (SC-13): only the owner shares a portfolio; an importer's share must be refused,
    // whomever it names (a share to a third account looks like the owner's own afterwards).
    if let Op::CreatePortfolioShare { portfolio, .. } = &s.call.op
        && s.ok()
        && let Some(p) = s.before.portfolios.get(portfolio)
        && *p.account != s.call.account
    {
        out.push(Violation::new(
            I::Inv02,
            &["SC-13", "SC-20"],
            format!(
                "CreatePortfolioShare by account {} of portfolio {portfolio} succeeded, but the portfolio belongs to account {}; an imported portfolio cannot be shared onward",
                s.call.account, p.account
            ),
        ));
    }
}

/// Whether any organization node share of `p` covers `account` in the tree of `ix`.
fn node_covered(ix: &Index<'_>, p: &PortfolioView, account: &Name) -> bool {
    p.shares.iter().any(|s| {
        !matches!(s.target, ShareTarget::Account(_))
            && ix.orgs.covers(Node::of_target(&s.target), account)
    })
}

fn sc_enabled(ix: &Index<'_>, owner: &Name) -> bool {
    ix.orgs
        .view_of(owner)
        .is_some_and(|o| o.sc_access == "ENABLED")
}

fn has_org_import(ix: &Index<'_>, account: &Name, portfolio: &Name) -> bool {
    ix.imports.get(&(account, portfolio)).is_some_and(|i| {
        i.item
            .share_types
            .contains(&PortfolioShareType::AwsOrganizations)
    })
}

/// INV-12: organization node coverage follows the tree step by step (SC-22, SC-32, SC-33, SC-35).
fn coverage_step(cx: &Cx<'_>, s: &Step<'_, '_>, out: &mut Vec<Violation>) {
    let op = s.call.op.kind();
    let org_call = op.service() == sharesim_core::op::ServiceKind::Organizations;
    let scoped = |x: &Name| s.sc_scope.is_none_or(|sc| sc.accounts.contains(x));
    for ((x, pname), imp) in &s.before.imports {
        if !scoped(x) {
            continue;
        }
        if !imp
            .item
            .share_types
            .contains(&PortfolioShareType::AwsOrganizations)
        {
            continue;
        }
        let owner = &imp.item.owner;
        let kept = has_org_import(s.after, x, pname);
        let on_before = sc_enabled(s.before, owner);
        let on_after = sc_enabled(s.after, owner);
        let after_p = s.after.portfolios.get(pname);
        let member_share = after_p.is_some_and(|p| {
            p.item.shares.iter().any(
                |sh| matches!(&sh.target, ShareTarget::OrganizationMemberAccount(a) if a == *x),
            )
        });
        if on_before
            && on_after
            && kept
            && s.before.orgs.same_org(x, owner)
            && !s.after.orgs.same_org(x, owner)
            && !member_share
        {
            out.push(Violation::new(
                I::Inv12,
                &["SC-35", "SC-25", "ORG-06", "A-15"],
                format!(
                    "account {x} left the organization of {owner} during {} while Service Catalog Organizations access was enabled, but kept its AWS_ORGANIZATIONS import of portfolio {pname}",
                    op.name()
                ),
            ));
        }
        // Frozen access (SC-33) outlives removals, not the organization: once the owner is in
        // no organization (DeleteOrganization), no node share of it can exist (SC-21, SC-34).
        let owner_org_gone = s.after.orgs.org_of(owner).is_none();
        if !on_before && !on_after && org_call && !kept && !owner_org_gone {
            out.push(Violation::new(
                I::Inv12,
                &["SC-32", "SC-33", "A-16"],
                format!(
                    "account {x} lost its AWS_ORGANIZATIONS import of portfolio {pname} during {} while Service Catalog Organizations access was disabled; existing access is frozen",
                    op.name()
                ),
            ));
        }
        let rejected = s.ok()
            && s.call.account == **x
            && matches!(&s.call.op, Op::RejectPortfolioShare { portfolio, .. } if portfolio == *pname);
        if on_before
            && on_after
            && !kept
            && !rejected
            && s.before
                .portfolios
                .get(pname)
                .is_some_and(|p| node_covered(s.before, p.item, x))
            && after_p.is_some_and(|p| node_covered(s.after, p.item, x))
        {
            out.push(Violation::new(
                I::Inv12,
                &["SC-22", "SC-36", "ORG-11"],
                format!(
                    "account {x} lost its AWS_ORGANIZATIONS import of portfolio {pname} during {} although a node share still covers it",
                    op.name()
                ),
            ));
        }
    }
    if !cx.strict() {
        return;
    }
    for (pname, p) in by_name(&s.after.portfolios, s.sc_scope.map(|x| &x.portfolios)) {
        let owner = p.account;
        if !sc_enabled(s.after, owner) {
            continue;
        }
        let before_p = s.before.portfolios.get(pname);
        let on_before = sc_enabled(s.before, owner);
        for share in &p.item.shares {
            if matches!(share.target, ShareTarget::Account(_)) {
                continue;
            }
            for x in s.after.orgs.members(Node::of_target(&share.target)) {
                if x == owner {
                    continue;
                }
                let was = on_before && before_p.is_some_and(|b| node_covered(s.before, b.item, x));
                if !was && !has_org_import(s.after, x, pname) {
                    out.push(Violation::new(
                        I::Inv12,
                        &["SC-22", "SC-35", "SC-36", "ORG-11"],
                        format!(
                            "account {x} is newly covered by the {:?} share of portfolio {pname} (owner {owner}) after {}, but has no AWS_ORGANIZATIONS import of it",
                            share.target,
                            op.name()
                        ),
                    ));
                }
            }
        }
    }
}

/// INV-08: ListLaunchPaths and SearchProducts answer as the observation before the call says.
///
/// The only step check that reads a response: it needs neither the index nor the observation
/// after, so it is also the whole check of a step that left the observation unchanged
/// ([`super::Checker::check_unchanged`]).
pub(crate) fn responses(
    before: &sharesim_core::Observation,
    call: &sharesim_core::Call,
    outcome: &crate::step::StepOutcome,
    out: &mut Vec<Violation>,
) {
    let Some(principal) = &call.principal else {
        return;
    };
    let paths: Vec<&LaunchPathView> = before
        .accounts
        .get(&call.account)
        .and_then(|a| a.regions.get(&call.region))
        .map(|r| {
            r.sc.launch_paths
                .iter()
                .filter(|lp| &lp.principal == principal)
                .collect()
        })
        .unwrap_or_default();
    let response = match outcome {
        crate::step::StepOutcome::Ok(r) => Some(r),
        crate::step::StepOutcome::Err { .. } => None,
    };
    match (&call.op, response) {
        (Op::ListLaunchPaths { product }, Some(Response::LaunchPaths(got))) => {
            let mut expected: Vec<&LaunchPathView> = paths
                .iter()
                .copied()
                .filter(|lp| &lp.product == product)
                .collect();
            expected.sort();
            let mut got: Vec<&LaunchPathView> = got.iter().collect();
            got.sort();
            if got != expected {
                out.push(
                    Violation::new(
                        I::Inv08,
                        &["SC-58"],
                        format!(
                            "ListLaunchPaths({product}) by {principal:?} of account {} returned paths that differ from the account's launch paths",
                            call.account
                        ),
                    )
                    .before(render::ron(&expected))
                    .after(render::ron(&got)),
                );
            }
        }
        (Op::ListLaunchPaths { product }, None)
            if outcome.exception() == Some("ResourceNotFoundException")
                && paths.iter().any(|lp| &lp.product == product) =>
        {
            out.push(Violation::new(
                I::Inv08,
                &["SC-58"],
                format!(
                    "ListLaunchPaths({product}) by {principal:?} of account {} failed with ResourceNotFoundException although the end user has a path",
                    call.account
                ),
            ));
        }
        (Op::SearchProducts, Some(Response::Products(got))) => {
            let mut counts: BTreeMap<&Name, usize> = BTreeMap::new();
            for lp in &paths {
                *counts.entry(&lp.product).or_default() += 1;
            }
            let listed: BTreeSet<&Name> = got.iter().map(|p| &p.name).collect();
            let expected: BTreeSet<&Name> = counts.keys().copied().collect();
            if listed != expected {
                out.push(Violation::new(
                    I::Inv08,
                    &["SC-62"],
                    format!(
                        "SearchProducts by {principal:?} of account {} listed {}, but the end user has paths to {}",
                        call.account,
                        list(&listed),
                        list(&expected)
                    ),
                ));
            }
            for p in got {
                let n = counts.get(&p.name).copied().unwrap_or(0);
                if p.has_default_path != (n == 1) {
                    out.push(Violation::new(
                        I::Inv08,
                        &["SC-58"],
                        format!(
                            "SearchProducts by {principal:?} of account {}: product {} has HasDefaultPath={} but {n} launch paths",
                            call.account, p.name, p.has_default_path
                        ),
                    ));
                }
            }
        }
        (
            Op::ProvisionProduct {
                product,
                path: None,
                ..
            },
            Some(_),
        ) => {
            let n = paths.iter().filter(|lp| &lp.product == product).count();
            if n > 1 {
                out.push(Violation::new(
                    I::Inv08,
                    &["SC-59", "A-04"],
                    format!(
                        "ProvisionProduct({product}) by {principal:?} of account {} succeeded without a path although the end user has {n} paths",
                        call.account
                    ),
                ));
            }
        }
        _ => {}
    }
}
