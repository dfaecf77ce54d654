//! Account-to-account shares: create, accept, reject, update, delete and the listings
//! (SC-01 to SC-04, SC-13, SC-18 to SC-20, SC-23 to SC-30, SC-37, A-01 to,
//!

use super::*;
use crate::op::DescribeShareType;
use crate::world::{Config, Quotas};

fn reject_share(w: &mut World, account: &str, portfolio: &str) -> Outcome {
    call(
        w,
        account,
        Op::RejectPortfolioShare {
            portfolio: portfolio.into(),
            share_type: None,
        },
    )
}

fn delete_share(w: &mut World, account: &str, target: ShareTarget) -> Outcome {
    call(
        w,
        account,
        Op::DeletePortfolioShare {
            portfolio: "base".into(),
            target,
        },
    )
}

#[test]
fn an_account_share_waits_for_acceptance() {
    let mut w = shop();
    let o = share(&mut w, "a", "base", to("b"));
    assert_eq!(ok(o.clone()), Response::Empty);
    assert!(o.rules.contains(&"SC-20") && o.rules.contains(&"SC-01"));
    let b = view(&w, "b");
    assert!(b.imported.is_empty());
    assert_eq!(b.pending_shares.len(), 1);
    assert_eq!(b.pending_shares[0].share_type, PortfolioShareType::Imported);
    assert!(!view(&w, "a").portfolios[0].shares[0].accepted);
    let o = accept(&mut w, "b", "base");
    ok(o.clone());
    assert!(o.rules.contains(&"SC-23"));
    assert_eq!(
        imports(&w, "b"),
        [("base".to_owned(), vec![PortfolioShareType::Imported])]
    );
    assert!(view(&w, "b").pending_shares.is_empty());
    assert!(view(&w, "a").portfolios[0].shares[0].accepted);
}

#[test]
fn create_share_errors_in_stage_order() {
    let mut w = imported_shop();
    rejected(&share(&mut w, "a", "ghost", to("c")), Rnf, "SC-20");
    rejected(&share(&mut w, "c", "base", to("x")), Rnf, "SC-20");
    rejected(&share(&mut w, "b", "base", to("c")), Ipe, "SC-13");
    rejected(&share(&mut w, "a", "base", to("a")), Ipe, "A-29");
    rejected(&share(&mut w, "a", "base", to("nobody")), Ipe, "SC-18");
    let o = call(
        &mut w,
        "a",
        Op::CreatePortfolioShare {
            portfolio: "base".into(),
            target: to("c"),
            share_tag_options: false,
            share_principals: true,
        },
    );
    rejected(&o, Ipe, "A-09");
    // SC-37: a portfolio is shared in its own Region only.
    let o = call_in(
        &mut w,
        "a",
        "us-west-2",
        Op::CreatePortfolioShare {
            portfolio: "base".into(),
            target: to("c"),
            share_tag_options: false,
            share_principals: false,
        },
    );
    rejected(&o, Rnf, "SC-20");
}

#[test]
fn a_local_portfolio_with_an_imported_product_cannot_be_shared() {
    let mut w = imported_shop();
    portfolio(&mut w, "b", "local");
    ok(associate_from(&mut w, "b", "vpc", "local", "base"));
    rejected(&share(&mut w, "b", "local", to("c")), Ipe, "SC-13");
}

#[test]
fn sharing_twice_is_a_no_op_and_empty_portfolios_can_be_shared() {
    let mut w = shop();
    portfolio(&mut w, "a", "empty");
    let o = share(&mut w, "a", "empty", to("b"));
    ok(o.clone());
    assert!(o.rules.contains(&"A-24"));
    ok(accept(&mut w, "b", "empty"));
    ok(share(&mut w, "a", "empty", to("b")));
    let a = view(&w, "a");
    assert_eq!(a.portfolios[1].name, Name::from("empty"));
    assert!(a.portfolios[1].shares[0].accepted);
}

#[test]
fn shared_accounts_quota() {
    let mut w = world_with(Config {
        quotas: Quotas {
            shared_accounts_per_portfolio: 1,
            ..Quotas::default()
        },
        ..Config::default()
    });
    portfolio(&mut w, "a", "base");
    ok(share(&mut w, "a", "base", to("b")));
    rejected(&share(&mut w, "a", "base", to("c")), Limit, "Q-06");
}

#[test]
fn accept_errors() {
    let mut w = shop();
    rejected(&accept(&mut w, "b", "base"), Rnf, "SC-23");
    rejected(&accept(&mut w, "b", "ghost"), Rnf, "SC-23");
    ok(share(&mut w, "a", "base", to("b")));
    rejected(
        &accept_as(
            &mut w,
            "b",
            "base",
            Some(PortfolioShareType::AwsServicecatalog),
        ),
        Rnf,
        "SC-23",
    );
    rejected(
        &accept_as(
            &mut w,
            "b",
            "base",
            Some(PortfolioShareType::AwsOrganizations),
        ),
        Rnf,
        "SC-23",
    );
    let o = call_in(
        &mut w,
        "b",
        "us-west-2",
        Op::AcceptPortfolioShare {
            portfolio: "base".into(),
            share_type: None,
        },
    );
    rejected(&o, Rnf, "SC-23");
    assert!(o.rules.contains(&"SC-37"));
    ok(accept(&mut w, "b", "base"));
    let again = accept(&mut w, "b", "base");
    ok(again.clone());
    assert!(again.rules.contains(&"A-03"));
    assert_eq!(imports(&w, "b").len(), 1);
}

#[test]
fn reject_removes_the_import_and_what_was_built_on_it() {
    let mut w = imported_shop();
    portfolio(&mut w, "b", "local");
    ok(associate_from(&mut w, "b", "vpc", "local", "base"));
    let o = reject_share(&mut w, "b", "base");
    ok(o.clone());
    for rule in ["SC-24", "A-10", "A-01", "A-02", "A-25"] {
        assert!(o.rules.contains(&rule), "{rule} in {:?}", o.rules);
    }
    let b = view(&w, "b");
    assert!(b.imported.is_empty());
    assert_eq!(b.pending_shares.len(), 1);
    assert!(b.portfolios[0].products.is_empty());
    // the owner's share stays; accepting again works, without the old principals.
    assert!(!view(&w, "a").portfolios[0].shares[0].accepted);
    ok(accept(&mut w, "b", "base"));
    assert!(view(&w, "b").imported[0].principals.is_empty());
    rejected(&reject_share(&mut w, "c", "base"), Rnf, "SC-24");
    rejected(
        &call(
            &mut w,
            "b",
            Op::RejectPortfolioShare {
                portfolio: "base".into(),
                share_type: Some(PortfolioShareType::AwsServicecatalog),
            },
        ),
        Rnf,
        "SC-24",
    );
}

#[test]
fn a_pending_share_can_be_rejected() {
    let mut w = shop();
    ok(share(&mut w, "a", "base", to("b")));
    ok(reject_share(&mut w, "b", "base"));
    assert!(view(&w, "b").imported.is_empty());
}

#[test]
fn deleting_a_share_cascades_in_the_recipient() {
    let mut w = imported_shop();
    portfolio(&mut w, "b", "local");
    product(&mut w, "b", "own");
    ok(associate(&mut w, "b", "own", "local"));
    ok(associate_from(&mut w, "b", "vpc", "local", "base"));
    ok(constrain(&mut w, "b", "t1", "local", "vpc", template("{}")));
    ok(constrain(&mut w, "b", "t2", "local", "own", template("{}")));
    ok(as_user(
        &mut w,
        "b",
        "alice",
        Op::ProvisionProduct {
            provisioned_product: "net".into(),
            product: "vpc".into(),
            version: "v1".into(),
            path: Some("base".into()),
        },
    ));
    rejected(&delete_share(&mut w, "b", to("b")), Ipe, "SC-25");
    rejected(&delete_share(&mut w, "a", to("c")), Rnf, "SC-25");
    let o = delete_share(&mut w, "a", to("b"));
    ok(o.clone());
    for rule in ["SC-25", "A-01", "A-02", "A-25", "SC-08"] {
        assert!(o.rules.contains(&rule), "{rule} in {:?}", o.rules);
    }
    let b = view(&w, "b");
    assert!(b.imported.is_empty());
    assert!(b.pending_shares.is_empty());
    // the local portfolio survives with what is its own.
    assert_eq!(b.portfolios.len(), 1);
    let names: Vec<_> = b.portfolios[0]
        .products
        .iter()
        .map(|p| p.product.to_string())
        .collect();
    assert_eq!(names, ["own"]);
    let cons: Vec<_> = b.portfolios[0]
        .constraints
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    assert_eq!(cons, ["t2"]);
    assert_eq!(b.provisioned_products.len(), 1);
    assert!(view(&w, "a").portfolios[0].shares.is_empty());
    rejected(&accept(&mut w, "b", "base"), Rnf, "SC-23");
}

#[test]
fn update_share_changes_flags_only() {
    let mut w = imported_shop();
    let upd = |w: &mut World, acct: &str, target: ShareTarget, tags, principals| {
        call(
            w,
            acct,
            Op::UpdatePortfolioShare {
                portfolio: "base".into(),
                target,
                share_tag_options: tags,
                share_principals: principals,
            },
        )
    };
    rejected(&upd(&mut w, "a", to("b"), None, Some(true)), Ipe, "A-09");
    rejected(&upd(&mut w, "a", to("c"), Some(true), None), Rnf, "SC-26");
    rejected(&upd(&mut w, "b", to("b"), Some(true), None), Ipe, "SC-26");
    let o = upd(&mut w, "a", to("b"), Some(true), None);
    assert_eq!(ok(o.clone()), Response::Empty);
    assert!(o.rules.contains(&"SC-26"));
    let s = &view(&w, "a").portfolios[0].shares[0];
    assert!(s.share_tag_options && s.accepted && !s.share_principals);
}

#[test]
fn listings_of_shares() {
    let mut w = imported_shop();
    ok(share(&mut w, "a", "base", to("c")));
    let Response::Portfolios(list) = ok(call(
        &mut w,
        "b",
        Op::ListAcceptedPortfolioShares { share_type: None },
    )) else {
        panic!("expected portfolios");
    };
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].owner, Name::from("a"));
    let Response::Portfolios(list) = ok(call(
        &mut w,
        "b",
        Op::ListAcceptedPortfolioShares {
            share_type: Some(PortfolioShareType::AwsOrganizations),
        },
    )) else {
        panic!("expected portfolios");
    };
    assert!(list.is_empty());
    let describe = |w: &mut World, acct: &str, t| {
        call(
            w,
            acct,
            Op::DescribePortfolioShares {
                portfolio: "base".into(),
                share_type: t,
            },
        )
    };
    let Response::PortfolioShares(shares) = ok(describe(&mut w, "a", DescribeShareType::Account))
    else {
        panic!("expected shares");
    };
    let accepted: Vec<_> = shares.iter().map(|s| s.accepted).collect();
    assert_eq!(accepted, [true, false]);
    assert_eq!(
        ok(describe(&mut w, "a", DescribeShareType::Organization)),
        Response::PortfolioShares(vec![])
    );
    rejected(
        &describe(&mut w, "b", DescribeShareType::Account),
        Rnf,
        "SC-27",
    );
    let access = call(
        &mut w,
        "a",
        Op::ListPortfolioAccess {
            portfolio: "base".into(),
        },
    );
    assert_eq!(ok(access), Response::AccountIds(vec!["b".into()]));
    rejected(
        &call(
            &mut w,
            "b",
            Op::ListPortfolioAccess {
                portfolio: "base".into(),
            },
        ),
        Rnf,
        "SC-30",
    );
}

#[test]
fn imports_stay_in_sync_with_the_owner() {
    let mut w = imported_shop();
    product(&mut w, "a", "db");
    let o = associate(&mut w, "a", "db", "base");
    ok(o.clone());
    assert!(o.rules.contains(&"SC-06"));
    let imported = &view(&w, "b").imported[0];
    let names: Vec<_> = imported
        .products
        .iter()
        .map(|p| p.product.to_string())
        .collect();
    assert_eq!(names, ["db", "vpc"]);
    // Recipients' usage counts nothing shared with them.
    let obs = w.observe();
    let usage = &obs.accounts[&Name::from("b")].regions[&REGION.into()].usage;
    assert!(!usage.contains_key("Q-01") && !usage.contains_key("Q-02"));
}
