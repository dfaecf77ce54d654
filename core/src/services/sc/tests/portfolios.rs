//! Portfolios, products, versions and associations (SC-14, SC-40 to SC-50, Q-01 to ).

use super::*;
use crate::op::IamKind;
use crate::world::{Config, Quotas};

fn quotas(q: Quotas) -> World {
    let mut w = world_with(Config {
        quotas: q,
        ..Config::default()
    });
    user(&mut w, "b", "alice");
    w
}

#[test]
fn create_portfolio_is_idempotent_on_its_name() {
    let mut w = world();
    let op = Op::CreatePortfolio {
        portfolio: "p".into(),
        display_name: None,
        provider_name: None,
    };
    let first = ok(call(&mut w, "a", op.clone()));
    let again = call(&mut w, "a", op);
    assert_eq!(ok(again.clone()), first);
    assert!(again.rules.contains(&"INV-20"));
    let other = call(
        &mut w,
        "a",
        Op::CreatePortfolio {
            portfolio: "p".into(),
            display_name: Some("Other".into()),
            provider_name: None,
        },
    );
    rejected(&other, Ipe, "INV-20");
    rejected(
        &call(
            &mut w,
            "a",
            Op::CreatePortfolio {
                portfolio: "q".into(),
                display_name: Some(String::new()),
                provider_name: None,
            },
        ),
        Ipe,
        "SC-42",
    );
}

#[test]
fn portfolio_quota_counts_the_owner_per_region() {
    let mut w = quotas(Quotas {
        portfolios_per_region: 1,
        ..Quotas::default()
    });
    portfolio(&mut w, "a", "p1");
    let o = call(
        &mut w,
        "a",
        Op::CreatePortfolio {
            portfolio: "p2".into(),
            display_name: None,
            provider_name: None,
        },
    );
    rejected(&o, Limit, "Q-01");
    ok(call_in(
        &mut w,
        "a",
        "us-west-2",
        Op::CreatePortfolio {
            portfolio: "p2".into(),
            display_name: None,
            provider_name: None,
        },
    ));
    portfolio(&mut w, "b", "p3");
    assert_eq!(view(&w, "a").portfolios.len(), 1);
    let obs = w.observe();
    assert_eq!(
        obs.accounts[&Name::from("a")].regions[&REGION.into()].usage["Q-01"],
        1
    );
}

#[test]
fn product_quota() {
    let mut w = quotas(Quotas {
        products_per_region: 1,
        ..Quotas::default()
    });
    product(&mut w, "a", "x1");
    let o = call(
        &mut w,
        "a",
        Op::CreateProduct {
            product: "x2".into(),
            version: "v1".into(),
        },
    );
    rejected(&o, Limit, "Q-02");
}

#[test]
fn delete_portfolio_needs_an_empty_unshared_own_portfolio() {
    let mut w = imported_shop();
    let del = |w: &mut World, acct: &str, p: &str| {
        call(
            w,
            acct,
            Op::DeletePortfolio {
                portfolio: p.into(),
            },
        )
    };
    rejected(&del(&mut w, "b", "base"), Rnf, "SC-43");
    rejected(&del(&mut w, "a", "nope"), Rnf, "SC-43");
    rejected(&del(&mut w, "a", "base"), InUse, "SC-43");
    ok(call(
        &mut w,
        "a",
        Op::DisassociateProductFromPortfolio {
            product: "vpc".into(),
            portfolio: "base".into(),
        },
    ));
    rejected(&del(&mut w, "a", "base"), InUse, "A-11");
    ok(call(
        &mut w,
        "a",
        Op::DeletePortfolioShare {
            portfolio: "base".into(),
            target: to("b"),
        },
    ));
    user(&mut w, "a", "ann");
    ok(grant_user(&mut w, "a", "base", "ann"));
    rejected(&del(&mut w, "a", "base"), InUse, "SC-43");
    ok(call(
        &mut w,
        "a",
        Op::DisassociatePrincipalFromPortfolio {
            portfolio: "base".into(),
            principal: iam_user("ann"),
        },
    ));
    let o = del(&mut w, "a", "base");
    ok(o.clone());
    assert!(o.rules.contains(&"SC-43"));
    assert!(view(&w, "a").portfolios.is_empty());
}

#[test]
fn update_portfolio_is_for_the_owner() {
    let mut w = imported_shop();
    let upd = |w: &mut World, acct: &str, name: &str| {
        call(
            w,
            acct,
            Op::UpdatePortfolio {
                portfolio: "base".into(),
                display_name: name.into(),
            },
        )
    };
    let o = upd(&mut w, "b", "Mine");
    rejected(&o, Ipe, "SC-44");
    assert!(o.rules.contains(&"SC-03"));
    rejected(&upd(&mut w, "c", "Mine"), Rnf, "SC-44");
    rejected(&upd(&mut w, "a", ""), Ipe, "SC-44");
    ok(upd(&mut w, "a", "Base"));
    assert_eq!(view(&w, "a").portfolios[0].display_name, "Base");
}

#[test]
fn delete_product_needs_an_own_unassociated_product() {
    let mut w = imported_shop();
    let del = |w: &mut World, acct: &str| {
        call(
            w,
            acct,
            Op::DeleteProduct {
                product: "vpc".into(),
            },
        )
    };
    rejected(&del(&mut w, "b"), Rnf, "SC-46");
    rejected(&del(&mut w, "a"), InUse, "A-07");
    ok(call(
        &mut w,
        "a",
        Op::DisassociateProductFromPortfolio {
            product: "vpc".into(),
            portfolio: "base".into(),
        },
    ));
    let o = del(&mut w, "a");
    ok(o.clone());
    assert!(o.rules.contains(&"SC-46"));
    assert!(view(&w, "a").products.is_empty());
}

fn new_version(w: &mut World, acct: &str, v: &str) -> Outcome {
    call(
        w,
        acct,
        Op::CreateProvisioningArtifact {
            product: "vpc".into(),
            version: v.into(),
        },
    )
}

fn drop_version(w: &mut World, acct: &str, v: &str) -> Outcome {
    call(
        w,
        acct,
        Op::DeleteProvisioningArtifact {
            product: "vpc".into(),
            version: v.into(),
        },
    )
}

#[test]
fn new_versions_appear_in_imports() {
    let mut w = imported_shop();
    let o = new_version(&mut w, "a", "v2");
    ok(o.clone());
    assert!(o.rules.contains(&"SC-49"));
    let imported = &view(&w, "b").imported[0];
    assert_eq!(
        imported.products[0].versions,
        vec![Name::from("v1"), Name::from("v2")]
    );
    ok(drop_version(&mut w, "a", "v1"));
    assert_eq!(
        view(&w, "b").imported[0].products[0].versions,
        vec![Name::from("v2")]
    );
}

#[test]
fn recipients_cannot_change_versions() {
    let mut w = imported_shop();
    rejected(&new_version(&mut w, "b", "v2"), Ipe, "SC-50");
    rejected(&drop_version(&mut w, "b", "v1"), Ipe, "SC-50");
    rejected(&new_version(&mut w, "c", "v2"), Rnf, "SC-49");
    rejected(&drop_version(&mut w, "a", "v9"), Rnf, "SC-50");
    rejected(&drop_version(&mut w, "a", "v1"), Ipe, "SC-50");
}

#[test]
fn artifact_quota() {
    let mut w = quotas(Quotas {
        artifacts_per_product: 2,
        ..Quotas::default()
    });
    product(&mut w, "a", "vpc");
    ok(new_version(&mut w, "a", "v2"));
    // The same name again is the idempotent no-op, not a new version.
    ok(new_version(&mut w, "a", "v2"));
    rejected(&new_version(&mut w, "a", "v3"), Limit, "Q-08");
}

#[test]
fn associate_product_rules_for_recipients() {
    let mut w = imported_shop();
    portfolio(&mut w, "b", "local");
    rejected(&associate(&mut w, "b", "vpc", "base"), Ipe, "SC-14");
    rejected(&associate(&mut w, "b", "vpc", "local"), Ipe, "SC-47");
    rejected(
        &associate_from(&mut w, "b", "vpc", "local", "local"),
        Ipe,
        "SC-47",
    );
    rejected(
        &associate_from(&mut w, "b", "vpc", "local", "ghost"),
        Rnf,
        "SC-47",
    );
    rejected(&associate(&mut w, "b", "ghost", "local"), Rnf, "SC-47");
    rejected(&associate(&mut w, "b", "vpc", "nope"), Rnf, "SC-47");
    // A product of another account that no import holds is not visible.
    product(&mut w, "c", "db");
    rejected(&associate(&mut w, "b", "db", "local"), Rnf, "SC-47");
    let o = associate_from(&mut w, "b", "vpc", "local", "base");
    ok(o.clone());
    assert!(o.rules.contains(&"SC-04"));
    let local = &view(&w, "b").portfolios[0];
    assert_eq!(local.products[0].source_portfolio, Some(Name::from("base")));
    assert_eq!(local.products[0].owner, Name::from("a"));
}

#[test]
fn product_not_in_the_source_is_not_found() {
    let mut w = imported_shop();
    portfolio(&mut w, "a", "other");
    product(&mut w, "a", "db");
    ok(associate(&mut w, "a", "db", "other"));
    ok(share(&mut w, "a", "other", to("b")));
    ok(accept(&mut w, "b", "other"));
    portfolio(&mut w, "b", "local");
    rejected(
        &associate_from(&mut w, "b", "db", "local", "base"),
        Rnf,
        "SC-47",
    );
}

#[test]
fn a_shared_portfolio_cannot_take_foreign_products() {
    let mut w = imported_shop();
    portfolio(&mut w, "b", "local");
    ok(share(&mut w, "b", "local", to("c")));
    rejected(
        &associate_from(&mut w, "b", "vpc", "local", "base"),
        Ipe,
        "SC-13",
    );
}

#[test]
fn products_per_portfolio_quota() {
    let mut w = quotas(Quotas {
        products_per_portfolio: 1,
        ..Quotas::default()
    });
    portfolio(&mut w, "a", "p");
    product(&mut w, "a", "x1");
    product(&mut w, "a", "x2");
    ok(associate(&mut w, "a", "x1", "p"));
    // Re-association is a no-op, even at the quota.
    ok(associate(&mut w, "a", "x1", "p"));
    rejected(&associate(&mut w, "a", "x2", "p"), Limit, "Q-03");
}

fn disassociate(w: &mut World, acct: &str, product: &str, portfolio: &str) -> Outcome {
    call(
        w,
        acct,
        Op::DisassociateProductFromPortfolio {
            product: product.into(),
            portfolio: portfolio.into(),
        },
    )
}

#[test]
fn disassociate_product_errors() {
    let mut w = imported_shop();
    rejected(&disassociate(&mut w, "b", "vpc", "base"), Ipe, "SC-14");
    rejected(&disassociate(&mut w, "a", "ghost", "base"), Rnf, "SC-48");
    rejected(&disassociate(&mut w, "c", "vpc", "base"), Rnf, "SC-48");
    role(&mut w, "a", "launcher");
    ok(constrain(
        &mut w,
        "a",
        "l1",
        "base",
        "vpc",
        launch_arn("a", "launcher"),
    ));
    rejected(&disassociate(&mut w, "a", "vpc", "base"), InUse, "A-31");
}

#[test]
fn removing_a_shared_product_cascades_to_local_portfolios() {
    let mut w = imported_shop();
    portfolio(&mut w, "b", "local");
    ok(associate_from(&mut w, "b", "vpc", "local", "base"));
    ok(constrain(&mut w, "b", "t1", "local", "vpc", template("{}")));
    ok(grant_user(&mut w, "b", "local", "alice"));
    ok(as_user(
        &mut w,
        "b",
        "alice",
        Op::ProvisionProduct {
            provisioned_product: "net".into(),
            product: "vpc".into(),
            version: "v1".into(),
            path: Some("local".into()),
        },
    ));
    let o = disassociate(&mut w, "a", "vpc", "base");
    ok(o.clone());
    for rule in ["SC-07", "SC-08", "SC-48"] {
        assert!(o.rules.contains(&rule), "{rule} in {:?}", o.rules);
    }
    let b = view(&w, "b");
    assert!(b.imported[0].products.is_empty());
    assert!(b.portfolios[0].products.is_empty());
    assert!(b.portfolios[0].constraints.is_empty());
    assert!(b.launch_paths.is_empty());
    assert_eq!(b.provisioned_products.len(), 1);
    assert!(w.sc.constraints.is_empty());
}

fn principal_op(portfolio: &str, principal: PortfolioPrincipal) -> Op {
    Op::AssociatePrincipalWithPortfolio {
        portfolio: portfolio.into(),
        principal,
    }
}

#[test]
fn associate_principal_checks_the_principal() {
    let mut w = imported_shop();
    let foreign = PortfolioPrincipal::Iam {
        kind: IamKind::User,
        name: "bob".into(),
        account: Some("c".into()),
    };
    rejected(
        &call(&mut w, "b", principal_op("base", foreign)),
        Ipe,
        "IAM-03",
    );
    rejected(&grant_user(&mut w, "b", "base", "nobody"), Ipe, "IAM-03");
    rejected(
        &call(
            &mut w,
            "b",
            principal_op("base", pattern(IamKind::Role, "")),
        ),
        Ipe,
        "IAM-02",
    );
    rejected(&grant_user(&mut w, "c", "base", "bob"), Rnf, "SC-40");
    // The account-qualified spelling of an own principal is the same association.
    let qualified = PortfolioPrincipal::Iam {
        kind: IamKind::User,
        name: "alice".into(),
        account: Some("b".into()),
    };
    ok(call(&mut w, "b", principal_op("base", qualified)));
    assert_eq!(view(&w, "b").imported[0].principals.len(), 1);
    // IAM principals are not inherited: the owner's view has none.
    assert!(view(&w, "a").portfolios[0].principals.is_empty());
}

#[test]
fn principal_quotas() {
    let mut w = quotas(Quotas {
        principals_per_portfolio: 3,
        patterns_per_portfolio: 1,
        ..Quotas::default()
    });
    portfolio(&mut w, "b", "p");
    ok(call(
        &mut w,
        "b",
        principal_op("p", pattern(IamKind::Role, "dev-*")),
    ));
    rejected(
        &call(
            &mut w,
            "b",
            principal_op("p", pattern(IamKind::Role, "ops-*")),
        ),
        Limit,
        "Q-05",
    );
    user(&mut w, "b", "u2");
    ok(grant_user(&mut w, "b", "p", "alice"));
    ok(grant_user(&mut w, "b", "p", "u2"));
    user(&mut w, "b", "u3");
    rejected(&grant_user(&mut w, "b", "p", "u3"), Limit, "Q-04");
}

#[test]
fn disassociate_principal_needs_the_same_type() {
    let mut w = imported_shop();
    let pat = pattern(IamKind::User, "ali*");
    ok(call(&mut w, "b", principal_op("base", pat.clone())));
    let dis = |w: &mut World, p: PortfolioPrincipal| {
        call(
            w,
            "b",
            Op::DisassociatePrincipalFromPortfolio {
                portfolio: "base".into(),
                principal: p,
            },
        )
    };
    rejected(&dis(&mut w, pattern(IamKind::User, "alice")), Rnf, "SC-41");
    let o = dis(&mut w, iam_user("alice"));
    ok(o.clone());
    assert!(o.rules.contains(&"SC-41"));
    // The pattern still grants access.
    ok(as_user(
        &mut w,
        "b",
        "alice",
        Op::ListLaunchPaths {
            product: "vpc".into(),
        },
    ));
    ok(dis(&mut w, pat));
    rejected(
        &as_user(
            &mut w,
            "b",
            "alice",
            Op::ListLaunchPaths {
                product: "vpc".into(),
            },
        ),
        Rnf,
        "SC-58",
    );
}

#[test]
fn list_portfolios_excludes_imports() {
    let mut w = imported_shop();
    portfolio(&mut w, "b", "local");
    let Response::Portfolios(list) = ok(call(&mut w, "b", Op::ListPortfolios)) else {
        panic!("expected portfolios");
    };
    assert_eq!(
        list.iter().map(|p| p.name.to_string()).collect::<Vec<_>>(),
        ["local"]
    );
    let Response::Principals(ps) = ok(call(
        &mut w,
        "b",
        Op::ListPrincipalsForPortfolio {
            portfolio: "base".into(),
        },
    )) else {
        panic!("expected principals");
    };
    assert_eq!(ps.len(), 1);
    assert!(ps[0].arn.ends_with(":user/alice"));
}

#[test]
fn provider_name_and_principal_listing_errors() {
    let mut w = imported_shop();
    let o = call(
        &mut w,
        "a",
        Op::CreatePortfolio {
            portfolio: "q".into(),
            display_name: None,
            provider_name: Some("p".repeat(51)),
        },
    );
    rejected(&o, Ipe, "SC-42");
    let o = call(
        &mut w,
        "c",
        Op::ListPrincipalsForPortfolio {
            portfolio: "base".into(),
        },
    );
    rejected(&o, Rnf, "SC-40");
    // The owner lists its own principals, never the recipient's.
    let Response::Principals(ps) = ok(call(
        &mut w,
        "a",
        Op::ListPrincipalsForPortfolio {
            portfolio: "base".into(),
        },
    )) else {
        panic!("expected principals");
    };
    assert!(ps.is_empty());
}
