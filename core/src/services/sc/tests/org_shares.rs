//! Organization-node shares and the Organizations integration (SC-20 to SC-22, SC-24, SC-31 to
//! SC-36, SC-39, A-03, A-09, A-15, A-16, A-32, A-33).

use super::*;
use crate::op::{IamKind, Parent, Service};

fn enable(w: &mut World, account: &str) -> Outcome {
    call(w, account, Op::EnableAWSOrganizationsAccess)
}

fn node_share(w: &mut World, owner: &str, target: ShareTarget, principals: bool) -> Outcome {
    call(
        w,
        owner,
        Op::CreatePortfolioShare {
            portfolio: "hub".into(),
            target,
            share_tag_options: false,
            share_principals: principals,
        },
    )
}

fn org() -> ShareTarget {
    ShareTarget::Organization("acme".into())
}

fn ou_target(ou: &str) -> ShareTarget {
    ShareTarget::OrganizationalUnit(ou.into())
}

/// `m` manages `acme` (members `a`, `b`, `c`) with SC access enabled and owns portfolio `hub`
/// holding product `vpc`; OU `dev` holds `b`; `alice` exists in `b`, `bob` in `c`.
fn hub() -> World {
    let mut w = org_world();
    ok(enable(&mut w, "m"));
    portfolio(&mut w, "m", "hub");
    product(&mut w, "m", "vpc");
    ok(associate(&mut w, "m", "vpc", "hub"));
    ok(create_ou(&mut w, "dev", Parent::Root));
    ok(move_to(&mut w, "b", Parent::Root, Parent::Ou("dev".into())));
    user(&mut w, "b", "alice");
    user(&mut w, "c", "bob");
    w
}

fn org_import(w: &World, account: &str) -> bool {
    imports(w, account)
        .iter()
        .any(|(p, t)| p == "hub" && t.contains(&PortfolioShareType::AwsOrganizations))
}

#[test]
fn organizations_access_is_for_the_management_account() {
    let mut w = org_world();
    rejected(&enable(&mut w, "a"), Ons, "SC-31");
    rejected(&enable(&mut w, "x"), Rnf, "SC-31");
    let status = |w: &mut World, acct: &str| call(w, acct, Op::GetAWSOrganizationsAccessStatus);
    assert_eq!(
        ok(status(&mut w, "m")),
        Response::AccessStatus {
            status: "DISABLED".into()
        }
    );
    rejected(&status(&mut w, "a"), Ons, "SC-31");
    rejected(&status(&mut w, "x"), Rnf, "SC-31");
    let o = enable(&mut w, "m");
    ok(o.clone());
    assert!(o.rules.contains(&"SC-31"));
    assert_eq!(
        ok(status(&mut w, "m")),
        Response::AccessStatus {
            status: "ENABLED".into()
        }
    );
    let acme = &w.observe().organizations[&Name::from("acme")];
    assert_eq!(acme.sc_access, "ENABLED");
    assert!(acme.trusted_services.contains(&Service::ServiceCatalog));
    ok(call(
        &mut w,
        "m",
        Op::RegisterDelegatedAdministrator {
            account: "a".into(),
            service: Service::ServiceCatalog,
        },
    ));
    ok(status(&mut w, "a"));
    rejected(
        &call(&mut w, "a", Op::DisableAWSOrganizationsAccess),
        Ons,
        "SC-32",
    );
    rejected(
        &call(&mut w, "m", Op::DisableAWSOrganizationsAccess),
        InvalidState,
        "SC-32",
    );
    ok(call(
        &mut w,
        "m",
        Op::DeregisterDelegatedAdministrator {
            account: "a".into(),
            service: Service::ServiceCatalog,
        },
    ));
    ok(call(&mut w, "m", Op::DisableAWSOrganizationsAccess));
    assert_eq!(
        w.observe().organizations[&Name::from("acme")].sc_access,
        "DISABLED"
    );
}

#[test]
fn node_share_errors_in_stage_order() {
    let mut w = hub();
    portfolio(&mut w, "a", "own");
    let o = call(
        &mut w,
        "a",
        Op::CreatePortfolioShare {
            portfolio: "own".into(),
            target: org(),
            share_tag_options: false,
            share_principals: false,
        },
    );
    rejected(&o, Ons, "SC-21");
    rejected(
        &node_share(
            &mut w,
            "m",
            ShareTarget::OrganizationMemberAccount("m".into()),
            false,
        ),
        Ipe,
        "A-29",
    );
    rejected(
        &node_share(
            &mut w,
            "m",
            ShareTarget::OrganizationMemberAccount("x".into()),
            false,
        ),
        Ipe,
        "SC-20",
    );
    rejected(
        &node_share(&mut w, "m", ou_target("nowhere"), false),
        Ipe,
        "SC-20",
    );
    rejected(
        &node_share(
            &mut w,
            "m",
            ShareTarget::Organization("other".into()),
            false,
        ),
        Ipe,
        "SC-20",
    );
    ok(call(&mut w, "m", Op::DisableAWSOrganizationsAccess));
    rejected(
        &node_share(&mut w, "m", org(), false),
        InvalidState,
        "SC-32",
    );
}

#[test]
fn an_organization_share_imports_automatically_everywhere_but_the_owner() {
    let mut w = hub();
    let o = node_share(&mut w, "m", org(), false);
    let Response::ShareToken { token, status } = ok(o.clone()) else {
        panic!("expected a share token");
    };
    assert!(token.starts_with("share-"));
    assert_eq!(status, "COMPLETED");
    assert!(o.rules.contains(&"SC-22") && o.rules.contains(&"SC-36"));
    for acct in ["a", "b", "c"] {
        assert!(org_import(&w, acct), "{acct}");
    }
    assert!(imports(&w, "m").is_empty());
    assert!(imports(&w, "x").is_empty());
    let shares = &view(&w, "m").portfolios[0].shares;
    assert_eq!(shares.len(), 1);
    assert!(shares[0].accepted);
    // SC-22: no import needed; accepting IMPORTED for an org share is "Portfolio not found".
    rejected(&accept(&mut w, "a", "hub"), Rnf, "SC-23");
    let again = accept_as(
        &mut w,
        "a",
        "hub",
        Some(PortfolioShareType::AwsOrganizations),
    );
    ok(again.clone());
    assert!(again.rules.contains(&"A-03"));
    // A node share again is a no-op that still returns a token.
    assert!(matches!(
        ok(node_share(&mut w, "m", org(), false)),
        Response::ShareToken { .. }
    ));
}

#[test]
fn an_ou_share_follows_the_tree() {
    let mut w = hub();
    ok(create_ou(&mut w, "team", Parent::Ou("dev".into())));
    ok(node_share(&mut w, "m", ou_target("dev"), false));
    assert!(org_import(&w, "b"));
    assert!(!org_import(&w, "a"));
    // Entering a child OU of the shared OU grants access (SC-36, SC-22).
    let o = move_to(&mut w, "a", Parent::Root, Parent::Ou("team".into()));
    ok(o.clone());
    assert!(o.rules.contains(&"SC-22"));
    assert!(org_import(&w, "a"));
    // Leaving the subtree loses it, with the cascade (SC-35, A-15).
    ok(grant_user(&mut w, "b", "hub", "alice"));
    portfolio(&mut w, "b", "local");
    ok(associate_from(&mut w, "b", "vpc", "local", "hub"));
    let o = move_to(&mut w, "b", Parent::Ou("dev".into()), Parent::Root);
    ok(o.clone());
    for rule in ["SC-35", "A-15", "A-01", "A-02"] {
        assert!(o.rules.contains(&rule), "{rule} in {:?}", o.rules);
    }
    assert!(imports(&w, "b").is_empty());
    assert!(view(&w, "b").portfolios[0].products.is_empty());
    // Coming back does not restore the recipient's principals.
    ok(move_to(&mut w, "b", Parent::Root, Parent::Ou("dev".into())));
    assert!(org_import(&w, "b"));
    assert!(view(&w, "b").imported[0].principals.is_empty());
}

#[test]
fn member_account_node_shares_and_leaving_the_organization() {
    let mut w = hub();
    ok(node_share(
        &mut w,
        "m",
        ShareTarget::OrganizationMemberAccount("c".into()),
        false,
    ));
    assert!(org_import(&w, "c"));
    assert!(!org_import(&w, "a"));
    ok(node_share(&mut w, "m", org(), false));
    for leaver in ["a", "c"] {
        ok(call(
            &mut w,
            "m",
            Op::RemoveAccountFromOrganization {
                account: leaver.into(),
            },
        ));
    }
    // The organization share no longer reaches `a`; an account node is the account itself
    // (ORG-11), so `c` keeps the portfolio through its member-account share.
    assert!(imports(&w, "a").is_empty());
    assert!(org_import(&w, "c"));
}

#[test]
fn new_members_receive_organization_shares() {
    let mut w = hub();
    ok(node_share(&mut w, "m", org(), false));
    assert!(!org_import(&w, "x"));
    ok(call(
        &mut w,
        "m",
        Op::InviteAccountToOrganization {
            account: "x".into(),
        },
    ));
    assert!(org_import(&w, "x"));
}

#[test]
fn both_shares_keep_a_single_import() {
    let mut w = hub();
    ok(share(&mut w, "m", "hub", to("b")));
    ok(accept(&mut w, "b", "hub"));
    ok(node_share(&mut w, "m", org(), false));
    assert_eq!(
        imports(&w, "b"),
        [(
            "hub".to_owned(),
            vec![
                PortfolioShareType::Imported,
                PortfolioShareType::AwsOrganizations
            ]
        )]
    );
    ok(grant_user(&mut w, "b", "hub", "alice"));
    let paths = paths_of(ok(as_user(
        &mut w,
        "b",
        "alice",
        Op::ListLaunchPaths {
            product: "vpc".into(),
        },
    )));
    assert_eq!(paths.len(), 1);
    // deleting the node share keeps the import through the account share.
    let o = call(
        &mut w,
        "m",
        Op::DeletePortfolioShare {
            portfolio: "hub".into(),
            target: org(),
        },
    );
    assert!(matches!(ok(o.clone()), Response::ShareToken { .. }));
    assert!(o.rules.contains(&"A-32"));
    assert_eq!(
        imports(&w, "b"),
        [("hub".to_owned(), vec![PortfolioShareType::Imported])]
    );
    assert_eq!(view(&w, "b").imported[0].principals.len(), 1);
    assert!(imports(&w, "a").is_empty());
}

#[test]
fn rejecting_an_organization_share_is_per_account() {
    let mut w = hub();
    ok(node_share(&mut w, "m", org(), false));
    let rej = |w: &mut World, acct: &str| {
        call(
            w,
            acct,
            Op::RejectPortfolioShare {
                portfolio: "hub".into(),
                share_type: Some(PortfolioShareType::AwsOrganizations),
            },
        )
    };
    let o = rej(&mut w, "a");
    ok(o.clone());
    assert!(o.rules.contains(&"SC-24"));
    assert!(imports(&w, "a").is_empty());
    assert!(org_import(&w, "b"));
    let pending = &view(&w, "a").pending_shares;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].share_type, PortfolioShareType::AwsOrganizations);
    // The tree changing does not undo the rejection.
    ok(move_to(&mut w, "a", Parent::Root, Parent::Ou("dev".into())));
    assert!(imports(&w, "a").is_empty());
    ok(accept_as(
        &mut w,
        "a",
        "hub",
        Some(PortfolioShareType::AwsOrganizations),
    ));
    assert!(org_import(&w, "a"));
    rejected(&rej(&mut w, "x"), Rnf, "SC-24");
    // Re-enabling Organizations access syncs node shares anew: a rejection is forgotten.
    ok(rej(&mut w, "a"));
    ok(call(&mut w, "m", Op::DisableAWSOrganizationsAccess));
    assert!(imports(&w, "a").is_empty());
    ok(enable(&mut w, "m"));
    assert!(org_import(&w, "a"));
    assert!(view(&w, "a").pending_shares.is_empty());
}

#[test]
fn delegated_administrators_share_and_lose_their_shares_on_deregistration() {
    let mut w = hub();
    ok(call(
        &mut w,
        "m",
        Op::RegisterDelegatedAdministrator {
            account: "a".into(),
            service: Service::ServiceCatalog,
        },
    ));
    portfolio(&mut w, "a", "da");
    ok(call(
        &mut w,
        "a",
        Op::CreatePortfolioShare {
            portfolio: "da".into(),
            target: ou_target("dev"),
            share_tag_options: false,
            share_principals: false,
        },
    ));
    ok(call(
        &mut w,
        "a",
        Op::CreatePortfolioShare {
            portfolio: "da".into(),
            target: to("c"),
            share_tag_options: false,
            share_principals: false,
        },
    ));
    assert_eq!(imports(&w, "b").len(), 1);
    let o = call(
        &mut w,
        "m",
        Op::DeregisterDelegatedAdministrator {
            account: "a".into(),
            service: Service::ServiceCatalog,
        },
    );
    ok(o.clone());
    for rule in ["SC-34", "A-33"] {
        assert!(o.rules.contains(&rule), "{rule} in {:?}", o.rules);
    }
    assert!(imports(&w, "b").is_empty());
    // Only the node shares go; the account share is an ordinary owner share.
    let shares = &view(&w, "a").portfolios[0].shares;
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].target, to("c"));
    let again = call(
        &mut w,
        "a",
        Op::CreatePortfolioShare {
            portfolio: "da".into(),
            target: ou_target("dev"),
            share_tag_options: false,
            share_principals: false,
        },
    );
    rejected(&again, Ons, "SC-21");
}

#[test]
fn disabled_access_freezes_coverage_and_re_enable_keeps_leavers() {
    let mut w = hub();
    ok(node_share(&mut w, "m", ou_target("dev"), false));
    ok(move_to(&mut w, "a", Parent::Root, Parent::Ou("dev".into())));
    assert!(org_import(&w, "a") && org_import(&w, "b"));
    let o = call(&mut w, "m", Op::DisableAWSOrganizationsAccess);
    ok(o.clone());
    assert!(o.rules.contains(&"SC-33"));
    // SC-33: while disabled, moves and removals change nothing, and newcomers get nothing.
    ok(move_to(&mut w, "a", Parent::Ou("dev".into()), Parent::Root));
    ok(call(
        &mut w,
        "m",
        Op::RemoveAccountFromOrganization {
            account: "b".into(),
        },
    ));
    ok(move_to(&mut w, "c", Parent::Root, Parent::Ou("dev".into())));
    assert!(org_import(&w, "a") && org_import(&w, "b"));
    assert!(!org_import(&w, "c"));
    // on re-enable, coverage is the current subtree plus the accounts that left the
    // organization while access was disabled.
    let o = enable(&mut w, "m");
    ok(o.clone());
    assert!(o.rules.contains(&"A-16"));
    assert!(!org_import(&w, "a"));
    assert!(org_import(&w, "b"));
    assert!(org_import(&w, "c"));
    // Back in the organization, outside the shared OU, the tree decides again.
    ok(call(
        &mut w,
        "m",
        Op::InviteAccountToOrganization {
            account: "b".into(),
        },
    ));
    assert!(!org_import(&w, "b"));
}

#[test]
fn shared_principal_patterns_apply_in_recipients() {
    let mut w = hub();
    ok(call(
        &mut w,
        "m",
        Op::AssociatePrincipalWithPortfolio {
            portfolio: "hub".into(),
            principal: pattern(IamKind::User, "al*"),
        },
    ));
    ok(node_share(&mut w, "m", ou_target("dev"), false));
    let list = |w: &mut World| {
        as_user(
            w,
            "b",
            "alice",
            Op::ListLaunchPaths {
                product: "vpc".into(),
            },
        )
    };
    rejected(&list(&mut w), Rnf, "SC-58");
    assert!(view(&w, "b").imported[0].principals.is_empty());
    let o = call(
        &mut w,
        "m",
        Op::UpdatePortfolioShare {
            portfolio: "hub".into(),
            target: ou_target("dev"),
            share_tag_options: None,
            share_principals: Some(true),
        },
    );
    ok(o);
    let o = list(&mut w);
    ok(o.clone());
    assert!(o.rules.contains(&"SC-39"));
    let seen = &view(&w, "b").imported[0].principals;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].arn, "arn:aws:iam:::user/al*");
    // The recipient cannot remove the owner's pattern.
    rejected(
        &call(
            &mut w,
            "b",
            Op::DisassociatePrincipalFromPortfolio {
                portfolio: "hub".into(),
                principal: pattern(IamKind::User, "al*"),
            },
        ),
        Rnf,
        "SC-41",
    );
    // A principal created after the share matches too.
    user(&mut w, "b", "alfred");
    assert_eq!(
        view(&w, "b")
            .launch_paths
            .iter()
            .filter(|p| p.portfolio == Name::from("hub"))
            .count(),
        2
    );
    // IAM-type associations are never shared.
    user(&mut w, "m", "admin");
    ok(grant_user(&mut w, "m", "hub", "admin"));
    assert_eq!(view(&w, "b").imported[0].principals.len(), 1);
}

#[test]
fn node_share_update_and_delete_need_the_org_admin() {
    let mut w = hub();
    ok(node_share(&mut w, "m", org(), true));
    let o = call(
        &mut w,
        "b",
        Op::DeletePortfolioShare {
            portfolio: "hub".into(),
            target: org(),
        },
    );
    rejected(&o, Ipe, "SC-25");
    let o = call(
        &mut w,
        "m",
        Op::DeletePortfolioShare {
            portfolio: "hub".into(),
            target: ou_target("dev"),
        },
    );
    rejected(&o, Rnf, "SC-25");
    let o = call(
        &mut w,
        "m",
        Op::DeletePortfolioShare {
            portfolio: "hub".into(),
            target: org(),
        },
    );
    ok(o);
    for acct in ["a", "b", "c"] {
        assert!(imports(&w, acct).is_empty());
    }
}

#[test]
fn listings_of_organization_shares() {
    use crate::op::DescribeShareType as D;
    let mut w = hub();
    ok(node_share(&mut w, "m", ou_target("dev"), true));
    ok(node_share(
        &mut w,
        "m",
        ShareTarget::OrganizationMemberAccount("c".into()),
        false,
    ));
    let describe = |w: &mut World, t| {
        let Response::PortfolioShares(s) = ok(call(
            w,
            "m",
            Op::DescribePortfolioShares {
                portfolio: "hub".into(),
                share_type: t,
            },
        )) else {
            panic!("expected shares");
        };
        s.into_iter()
            .map(|s| (s.target, s.accepted, s.share_principals))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        describe(&mut w, D::OrganizationalUnit),
        [(ou_target("dev"), true, true)]
    );
    assert_eq!(
        describe(&mut w, D::OrganizationMemberAccount),
        [(
            ShareTarget::OrganizationMemberAccount("c".into()),
            true,
            false
        )]
    );
    assert!(describe(&mut w, D::Organization).is_empty());
    assert!(describe(&mut w, D::Account).is_empty());
    assert_eq!(
        ok(call(
            &mut w,
            "m",
            Op::ListPortfolioAccess {
                portfolio: "hub".into(),
            },
        )),
        Response::AccountIds(vec!["b".into(), "c".into()])
    );
    let accepted = |w: &mut World, acct: &str, t| {
        let Response::Portfolios(ps) = ok(call(
            w,
            acct,
            Op::ListAcceptedPortfolioShares { share_type: t },
        )) else {
            panic!("expected portfolios");
        };
        ps.into_iter()
            .map(|p| p.name.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        accepted(&mut w, "b", Some(PortfolioShareType::AwsOrganizations)),
        ["hub"]
    );
    assert!(accepted(&mut w, "b", None).is_empty());
    assert!(accepted(&mut w, "b", Some(PortfolioShareType::AwsServicecatalog)).is_empty());
    assert!(accepted(&mut w, "a", Some(PortfolioShareType::AwsOrganizations)).is_empty());
}
