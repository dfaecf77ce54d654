//! End users: launch paths, launch roles, provisioning, termination and searches (SC-08,
//! SC-10 to SC-12, SC-54, SC-58 to SC-63, A-04, A-05, A-27).

use super::*;
use crate::op::IamKind;
use crate::services::iam;

fn role_arn(w: &World, account: &str, role: &str) -> String {
    iam::arn(&w.acct(&account.into()), IamKind::Role, &role.into())
}

fn paths(w: &mut World, account: &str, user: &str) -> Outcome {
    as_user(
        w,
        account,
        user,
        Op::ListLaunchPaths {
            product: "vpc".into(),
        },
    )
}

fn provision(w: &mut World, account: &str, user: &str, name: &str, path: Option<&str>) -> Outcome {
    as_user(
        w,
        account,
        user,
        Op::ProvisionProduct {
            provisioned_product: name.into(),
            product: "vpc".into(),
            version: "v1".into(),
            path: path.map(Name::from),
        },
    )
}

fn provisioned(r: Response) -> crate::observe::ProvisionedProductView {
    let Response::ProvisionedProduct(p) = r else {
        panic!("expected a provisioned product, got {r:?}");
    };
    p
}

#[test]
fn launch_paths_need_an_end_user_and_an_association() {
    let mut w = imported_shop();
    rejected(
        &call(
            &mut w,
            "b",
            Op::ListLaunchPaths {
                product: "vpc".into(),
            },
        ),
        Ipe,
        "SC-63",
    );
    rejected(&paths(&mut w, "c", "bob"), Rnf, "SC-58");
    let o = paths(&mut w, "b", "alice");
    assert_eq!(
        paths_of(ok(o.clone())),
        [("base".to_owned(), None, "b".to_owned(), vec![])]
    );
    assert!(o.rules.contains(&"SC-58"));
}

#[test]
fn groups_and_patterns_associate_end_users() {
    let mut w = shop();
    ok(share(&mut w, "a", "base", to("c")));
    ok(accept(&mut w, "c", "base"));
    ok(call(
        &mut w,
        "c",
        Op::CreateGroup {
            group: "ops".into(),
        },
    ));
    ok(call(
        &mut w,
        "c",
        Op::AddUserToGroup {
            user: "bob".into(),
            group: "ops".into(),
        },
    ));
    ok(call(
        &mut w,
        "c",
        Op::AssociatePrincipalWithPortfolio {
            portfolio: "base".into(),
            principal: PortfolioPrincipal::Iam {
                kind: IamKind::Group,
                name: "ops".into(),
                account: None,
            },
        },
    ));
    ok(paths(&mut w, "c", "bob"));
    role(&mut w, "c", "dev-admin");
    role(&mut w, "c", "prod-admin");
    ok(call(
        &mut w,
        "c",
        Op::AssociatePrincipalWithPortfolio {
            portfolio: "base".into(),
            principal: pattern(IamKind::Role, "dev-*"),
        },
    ));
    let list = |w: &mut World, r: &str| {
        as_role(
            w,
            "c",
            r,
            Op::ListLaunchPaths {
                product: "vpc".into(),
            },
        )
    };
    ok(list(&mut w, "dev-admin"));
    rejected(&list(&mut w, "prod-admin"), Rnf, "SC-58");
    let launchers: Vec<_> = view(&w, "c")
        .launch_paths
        .iter()
        .map(|p| format!("{:?}", p.principal))
        .collect();
    assert_eq!(launchers, ["User(\"bob\")", "Role(\"dev-admin\")"]);
}

/// [`imported_shop`] where `a` constrains `vpc` in `base` with RoleArn a/launcher, and `b`
/// adds `vpc` to its local portfolio `local` with LocalRoleName `local-launcher`, `alice` being
/// associated with both.
fn two_paths() -> World {
    let mut w = imported_shop();
    role(&mut w, "a", "launcher");
    role(&mut w, "b", "local-launcher");
    ok(constrain(
        &mut w,
        "a",
        "owner-launch",
        "base",
        "vpc",
        launch_arn("a", "launcher"),
    ));
    portfolio(&mut w, "b", "local");
    ok(associate_from(&mut w, "b", "vpc", "local", "base"));
    ok(grant_user(&mut w, "b", "local", "alice"));
    ok(constrain(
        &mut w,
        "b",
        "local-launch",
        "local",
        "vpc",
        launch_local("local-launcher"),
    ));
    w
}

#[test]
fn each_path_has_its_own_launch_role() {
    let mut w = two_paths();
    let o = paths(&mut w, "b", "alice");
    ok(o.clone());
    for rule in ["A-04", "A-05", "SC-60"] {
        assert!(o.rules.contains(&rule), "{rule} in {:?}", o.rules);
    }
    assert_eq!(
        paths_of(o.result.unwrap()),
        [
            (
                "base".to_owned(),
                Some(role_arn(&w, "a", "launcher")),
                "a".to_owned(),
                vec!["owner-launch".to_owned()]
            ),
            (
                "local".to_owned(),
                Some(role_arn(&w, "b", "local-launcher")),
                "b".to_owned(),
                vec!["local-launch".to_owned()]
            ),
        ]
    );
    let Response::Products(found) = ok(as_user(&mut w, "b", "alice", Op::SearchProducts)) else {
        panic!("expected products");
    };
    assert_eq!(found.len(), 1);
    assert!(!found[0].has_default_path);
    rejected(&provision(&mut w, "b", "alice", "net", None), Ipe, "SC-59");
    rejected(
        &provision(&mut w, "b", "alice", "net", Some("elsewhere")),
        Rnf,
        "SC-58",
    );
    // SC-11, SC-12: the RoleArn path provisions in (and bills) the role's account.
    let p = provisioned(ok(provision(&mut w, "b", "alice", "net", Some("base"))));
    assert_eq!(p.launch_role, Some(role_arn(&w, "a", "launcher")));
    assert_eq!(p.paying_account, Name::from("a"));
    assert_eq!(p.status, "AVAILABLE");
    // The LocalRoleName path resolves in the end user's account.
    let p = provisioned(ok(provision(&mut w, "b", "alice", "db", Some("local"))));
    assert_eq!(p.launch_role, Some(role_arn(&w, "b", "local-launcher")));
    assert_eq!(p.paying_account, Name::from("b"));
}

#[test]
fn an_inherited_launch_role_applies_in_the_local_portfolio() {
    let mut w = imported_shop();
    role(&mut w, "a", "launcher");
    ok(constrain(
        &mut w,
        "a",
        "owner-launch",
        "base",
        "vpc",
        launch_arn("a", "launcher"),
    ));
    portfolio(&mut w, "b", "local");
    ok(associate_from(&mut w, "b", "vpc", "local", "base"));
    ok(grant_user(&mut w, "b", "local", "alice"));
    ok(call(
        &mut w,
        "b",
        Op::DisassociatePrincipalFromPortfolio {
            portfolio: "base".into(),
            principal: iam_user("alice"),
        },
    ));
    let o = paths(&mut w, "b", "alice");
    ok(o.clone());
    assert!(o.rules.contains(&"SC-55") && o.rules.contains(&"SC-05"));
    assert_eq!(
        paths_of(o.result.unwrap()),
        [(
            "local".to_owned(),
            Some(role_arn(&w, "a", "launcher")),
            "a".to_owned(),
            vec!["owner-launch".to_owned()]
        )]
    );
    let Response::Products(found) = ok(as_user(&mut w, "b", "alice", Op::SearchProducts)) else {
        panic!("expected products");
    };
    assert!(found[0].has_default_path);
    // One path: PathId may be omitted.
    let p = provisioned(ok(provision(&mut w, "b", "alice", "net", None)));
    assert_eq!(p.path, Name::from("local"));
}

#[test]
fn a_missing_local_role_fails_the_provisioning() {
    let mut w = imported_shop();
    role(&mut w, "a", "launcher");
    ok(constrain(
        &mut w,
        "a",
        "owner-launch",
        "base",
        "vpc",
        launch_local("launcher"),
    ));
    // `b` has no role named `launcher`: the launch fails in `b` (SC-54, SC-60).
    let o = provision(&mut w, "b", "alice", "net", None);
    let p = provisioned(ok(o.clone()));
    assert!(o.rules.contains(&"SC-54"));
    assert_eq!(p.status, "ERROR");
    assert_eq!(p.launch_role, Some(role_arn(&w, "b", "launcher")));
    role(&mut w, "b", "launcher");
    let p = provisioned(ok(provision(&mut w, "b", "alice", "net2", None)));
    assert_eq!(p.status, "AVAILABLE");
    assert_eq!(p.paying_account, Name::from("b"));
}

#[test]
fn provision_errors() {
    let mut w = imported_shop();
    rejected(
        &call(
            &mut w,
            "b",
            Op::ProvisionProduct {
                provisioned_product: "net".into(),
                product: "vpc".into(),
                version: "v1".into(),
                path: None,
            },
        ),
        Ipe,
        "SC-63",
    );
    rejected(&provision(&mut w, "b", "alice", "-bad", None), Ipe, "SC-59");
    rejected(&provision(&mut w, "c", "bob", "net", None), Rnf, "SC-58");
    let o = as_user(
        &mut w,
        "b",
        "alice",
        Op::ProvisionProduct {
            provisioned_product: "net".into(),
            product: "vpc".into(),
            version: "v9".into(),
            path: None,
        },
    );
    rejected(&o, Ipe, "SC-59");
    let o = provision(&mut w, "b", "alice", "net", None);
    let p = provisioned(ok(o.clone()));
    assert!(p.id.starts_with("pp-"));
    assert_eq!((p.launch_role, p.paying_account), (None, Name::from("b")));
    for rule in ["SC-59", "SC-12"] {
        assert!(o.rules.contains(&rule), "{rule} in {:?}", o.rules);
    }
    rejected(
        &provision(&mut w, "b", "alice", "net", None),
        Duplicate,
        "SC-59",
    );
}

#[test]
fn provisioned_products_outlive_access_and_can_be_terminated() {
    let mut w = imported_shop();
    ok(provision(&mut w, "b", "alice", "net", None));
    ok(call(
        &mut w,
        "a",
        Op::DeletePortfolioShare {
            portfolio: "base".into(),
            target: to("b"),
        },
    ));
    assert_eq!(view(&w, "b").provisioned_products.len(), 1);
    let term = |w: &mut World, acct: &str| {
        call(
            w,
            acct,
            Op::TerminateProvisionedProduct {
                provisioned_product: "net".into(),
            },
        )
    };
    rejected(&term(&mut w, "c"), Rnf, "SC-61");
    let o = term(&mut w, "b");
    ok(o.clone());
    for rule in ["SC-61", "A-27"] {
        assert!(o.rules.contains(&rule), "{rule} in {:?}", o.rules);
    }
    assert!(view(&w, "b").provisioned_products.is_empty());
    rejected(&term(&mut w, "b"), Rnf, "SC-61");
}

#[test]
fn admin_search() {
    let mut w = imported_shop();
    product(&mut w, "b", "own");
    let search = |w: &mut World, p: Option<&str>| {
        call(
            w,
            "b",
            Op::SearchProductsAsAdmin {
                portfolio: p.map(Name::from),
            },
        )
    };
    let names = |r: Response| {
        let Response::Products(ps) = r else {
            panic!("expected products");
        };
        ps.iter().map(|p| p.name.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(names(ok(search(&mut w, None))), ["own"]);
    assert_eq!(names(ok(search(&mut w, Some("base")))), ["vpc"]);
    rejected(&search(&mut w, Some("nope")), Rnf, "SC-62");
    rejected(&call(&mut w, "b", Op::SearchProducts), Ipe, "SC-63");
}

#[test]
fn the_observation_lists_every_end_user_s_paths() {
    let w = two_paths();
    let b = view(&w, "b");
    let rendered: Vec<_> = b
        .launch_paths
        .iter()
        .map(|p| (p.portfolio.to_string(), p.paying_account.to_string()))
        .collect();
    assert_eq!(
        rendered,
        [
            ("base".to_owned(), "a".to_owned()),
            ("local".to_owned(), "b".to_owned())
        ]
    );
    assert!(view(&w, "c").launch_paths.is_empty());
}

#[test]
fn provisioned_products_are_regional() {
    let mut w = imported_shop();
    ok(provision(&mut w, "b", "alice", "net", None));
    let o = call_in(
        &mut w,
        "b",
        "us-west-2",
        Op::TerminateProvisionedProduct {
            provisioned_product: "net".into(),
        },
    );
    rejected(&o, Rnf, "SC-61");
    // Nothing is visible to an end user in another Region.
    let o = w.apply(&Call {
        account: "b".into(),
        principal: Some(Principal::User("alice".into())),
        region: "us-west-2".into(),
        op: Op::SearchProducts,
    });
    assert_eq!(ok(o), Response::Products(vec![]));
}
