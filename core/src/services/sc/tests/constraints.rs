//! Constraints: shape, cardinality, ownership and inheritance into local portfolios (SC-05,
//! SC-09, SC-10, SC-15, SC-16, SC-52 to SC-57, A-05, A-06, Q-07).

use super::*;
use crate::observe::ConstraintView;
use crate::op::{ConstraintParameters as P, TagUpdate};
use crate::world::{Config, Quotas};

fn notification(topics: &[&str]) -> P {
    P::Notification {
        topics: topics.iter().map(|t| Name::from(*t)).collect(),
    }
}

fn resource_update() -> P {
    P::ResourceUpdate {
        tag_update_on_provisioned_product: TagUpdate::Allowed,
    }
}

fn stackset() -> P {
    P::StackSet {
        accounts: vec!["b".into()],
        regions: vec![REGION.into()],
        admin_role: "admin".into(),
        execution_role: "exec".into(),
    }
}

/// [`imported_shop`] with role `launcher` in `a` and `b`, and a local portfolio `local` of `b`
/// holding `vpc` from `base`.
fn local_shop() -> World {
    let mut w = imported_shop();
    role(&mut w, "a", "launcher");
    role(&mut w, "b", "launcher");
    portfolio(&mut w, "b", "local");
    ok(associate_from(&mut w, "b", "vpc", "local", "base"));
    w
}

/// (name, inherited, effective), by name.
fn rendered(cs: &[ConstraintView]) -> Vec<(String, bool, bool)> {
    let mut out: Vec<_> = cs
        .iter()
        .map(|c| (c.name.to_string(), c.inherited, c.effective))
        .collect();
    out.sort();
    out
}

#[test]
fn launch_constraints_need_exactly_one_role() {
    let mut w = local_shop();
    let both = P::Launch {
        role_arn: Some(RoleArn {
            account: "a".into(),
            role: "launcher".into(),
        }),
        local_role_name: Some("launcher".into()),
    };
    let neither = P::Launch {
        role_arn: None,
        local_role_name: None,
    };
    rejected(
        &constrain(&mut w, "a", "l", "base", "vpc", both),
        Ipe,
        "SC-53",
    );
    rejected(
        &constrain(&mut w, "a", "l", "base", "vpc", neither),
        Ipe,
        "SC-53",
    );
    rejected(
        &constrain(&mut w, "a", "l", "base", "vpc", launch_arn("nobody", "r")),
        Ipe,
        "SC-11",
    );
    rejected(
        &constrain(&mut w, "a", "l", "base", "vpc", launch_local("missing")),
        Ipe,
        "SC-54",
    );
    rejected(
        &constrain(&mut w, "a", "n", "base", "vpc", notification(&[])),
        Ipe,
        "SC-53",
    );
    rejected(
        &constrain(&mut w, "a", "t", "base", "vpc", template("")),
        Ipe,
        "SC-53",
    );
    let o = constrain(&mut w, "a", "l", "base", "vpc", launch_local("launcher"));
    let Response::Created { id, .. } = ok(o.clone()) else {
        panic!("expected created");
    };
    assert!(id.starts_with("cons-"));
    assert!(o.rules.contains(&"SC-53"));
    // The name is the idempotency token.
    let again = constrain(&mut w, "a", "l", "base", "vpc", launch_local("launcher"));
    assert_eq!(
        ok(again),
        Response::Created {
            id,
            arn: String::new()
        }
    );
    rejected(
        &constrain(&mut w, "a", "l", "base", "vpc", template("x")),
        Ipe,
        "INV-20",
    );
}

#[test]
fn constraint_cardinality() {
    let mut w = local_shop();
    ok(constrain(
        &mut w,
        "a",
        "l1",
        "base",
        "vpc",
        launch_arn("a", "launcher"),
    ));
    rejected(
        &constrain(
            &mut w,
            "a",
            "l2",
            "base",
            "vpc",
            launch_arn("a", "launcher"),
        ),
        Duplicate,
        "SC-53",
    );
    rejected(
        &constrain(&mut w, "a", "s1", "base", "vpc", stackset()),
        Duplicate,
        "SC-53",
    );
    ok(constrain(
        &mut w,
        "a",
        "r1",
        "base",
        "vpc",
        resource_update(),
    ));
    rejected(
        &constrain(&mut w, "a", "r2", "base", "vpc", resource_update()),
        Duplicate,
        "SC-53",
    );
    ok(constrain(
        &mut w,
        "a",
        "n1",
        "base",
        "vpc",
        notification(&["t1", "t2"]),
    ));
    rejected(
        &constrain(&mut w, "a", "n2", "base", "vpc", notification(&["t2"])),
        Duplicate,
        "SC-53",
    );
    ok(constrain(
        &mut w,
        "a",
        "n3",
        "base",
        "vpc",
        notification(&["t3"]),
    ));
    ok(constrain(&mut w, "a", "t1", "base", "vpc", template("a")));
    ok(constrain(&mut w, "a", "t2", "base", "vpc", template("b")));
    // SC-52: a constraint belongs to one (portfolio, product); another portfolio is free.
    portfolio(&mut w, "a", "other");
    ok(associate(&mut w, "a", "vpc", "other"));
    ok(constrain(
        &mut w,
        "a",
        "l3",
        "other",
        "vpc",
        launch_arn("a", "launcher"),
    ));
}

#[test]
fn constraints_per_association_quota() {
    let mut w = world_with(Config {
        quotas: Quotas {
            constraints_per_product_per_portfolio: 2,
            ..Quotas::default()
        },
        ..Config::default()
    });
    portfolio(&mut w, "a", "base");
    product(&mut w, "a", "vpc");
    ok(associate(&mut w, "a", "vpc", "base"));
    ok(constrain(&mut w, "a", "t1", "base", "vpc", template("a")));
    ok(constrain(&mut w, "a", "t2", "base", "vpc", template("b")));
    rejected(
        &constrain(&mut w, "a", "t3", "base", "vpc", template("c")),
        Limit,
        "Q-07",
    );
}

#[test]
fn recipients_cannot_constrain_imports() {
    let mut w = local_shop();
    rejected(
        &constrain(&mut w, "b", "l", "base", "vpc", launch_arn("b", "launcher")),
        Ipe,
        "SC-15",
    );
    rejected(
        &constrain(&mut w, "b", "l", "local", "ghost", template("x")),
        Rnf,
        "SC-53",
    );
    rejected(
        &constrain(&mut w, "c", "l", "base", "vpc", template("x")),
        Rnf,
        "SC-53",
    );
}

#[test]
fn owner_constraints_propagate_and_are_inherited_by_local_portfolios() {
    let mut w = local_shop();
    let o = constrain(
        &mut w,
        "a",
        "owner-launch",
        "base",
        "vpc",
        launch_arn("a", "launcher"),
    );
    ok(o.clone());
    assert!(o.rules.contains(&"SC-06") && o.rules.contains(&"SC-09"));
    ok(constrain(
        &mut w,
        "a",
        "owner-tpl",
        "base",
        "vpc",
        template("x"),
    ));
    let b = view(&w, "b");
    // The import shows the owner's constraints as its own (SC-09, SC-57).
    assert_eq!(
        rendered(&b.imported[0].constraints),
        [
            ("owner-launch".to_owned(), false, true),
            ("owner-tpl".to_owned(), false, true)
        ]
    );
    assert_eq!(b.imported[0].constraints[0].owner, Name::from("a"));
    // The local portfolio inherits them (SC-05, SC-15, SC-16).
    assert_eq!(
        rendered(&b.portfolios[0].constraints),
        [
            ("owner-launch".to_owned(), true, true),
            ("owner-tpl".to_owned(), true, true)
        ]
    );
    // An own LAUNCH overrides the inherited one; an own TEMPLATE adds to the inherited one
    // (SC-10, SC-55, A-06).
    let o = constrain(
        &mut w,
        "b",
        "local-launch",
        "local",
        "vpc",
        launch_local("launcher"),
    );
    ok(o.clone());
    assert!(o.rules.contains(&"SC-10") && o.rules.contains(&"SC-55"));
    let o = constrain(&mut w, "b", "local-tpl", "local", "vpc", template("y"));
    ok(o.clone());
    assert!(o.rules.contains(&"SC-16"));
    let b = view(&w, "b");
    assert_eq!(
        rendered(&b.portfolios[0].constraints),
        [
            ("local-launch".to_owned(), false, true),
            ("local-tpl".to_owned(), false, true),
            ("owner-launch".to_owned(), true, false),
            ("owner-tpl".to_owned(), true, true)
        ]
    );
    // The owner's view is untouched by the recipient (INV-05).
    assert_eq!(view(&w, "a").portfolios[0].constraints.len(), 2);
}

#[test]
fn own_stackset_and_resource_update_replace_inherited_ones() {
    let mut w = local_shop();
    ok(constrain(
        &mut w,
        "a",
        "owner-launch",
        "base",
        "vpc",
        launch_arn("a", "launcher"),
    ));
    ok(constrain(
        &mut w,
        "a",
        "owner-ru",
        "base",
        "vpc",
        resource_update(),
    ));
    ok(constrain(
        &mut w,
        "a",
        "owner-n",
        "base",
        "vpc",
        notification(&["t"]),
    ));
    ok(constrain(
        &mut w,
        "b",
        "local-ss",
        "local",
        "vpc",
        stackset(),
    ));
    ok(constrain(
        &mut w,
        "b",
        "local-ru",
        "local",
        "vpc",
        resource_update(),
    ));
    // Inherited constraints do not count toward the local cardinality: the same topic is fine.
    ok(constrain(
        &mut w,
        "b",
        "local-n",
        "local",
        "vpc",
        notification(&["t"]),
    ));
    let b = view(&w, "b");
    assert_eq!(
        rendered(&b.portfolios[0].constraints),
        [
            ("local-n".to_owned(), false, true),
            ("local-ru".to_owned(), false, true),
            ("local-ss".to_owned(), false, true),
            ("owner-launch".to_owned(), true, false),
            ("owner-n".to_owned(), true, true),
            ("owner-ru".to_owned(), true, false)
        ]
    );
}

fn update(w: &mut World, acct: &str, name: &str, p: Option<P>) -> Outcome {
    call(
        w,
        acct,
        Op::UpdateConstraint {
            constraint: name.into(),
            description: Some("d".into()),
            parameters: p,
        },
    )
}

fn delete(w: &mut World, acct: &str, name: &str) -> Outcome {
    call(
        w,
        acct,
        Op::DeleteConstraint {
            constraint: name.into(),
        },
    )
}

#[test]
fn only_the_owner_updates_or_deletes_a_constraint() {
    let mut w = local_shop();
    ok(constrain(
        &mut w,
        "a",
        "owner-launch",
        "base",
        "vpc",
        launch_arn("a", "launcher"),
    ));
    ok(constrain(
        &mut w,
        "a",
        "n1",
        "base",
        "vpc",
        notification(&["t1"]),
    ));
    ok(constrain(
        &mut w,
        "a",
        "n2",
        "base",
        "vpc",
        notification(&["t2"]),
    ));
    rejected(&update(&mut w, "b", "owner-launch", None), Ipe, "SC-15");
    rejected(&delete(&mut w, "b", "owner-launch"), Ipe, "SC-15");
    rejected(&update(&mut w, "c", "owner-launch", None), Rnf, "SC-56");
    rejected(&delete(&mut w, "c", "owner-launch"), Rnf, "SC-56");
    rejected(&delete(&mut w, "a", "ghost"), Rnf, "SC-56");
    rejected(
        &update(&mut w, "a", "owner-launch", Some(template("x"))),
        Ipe,
        "SC-56",
    );
    rejected(
        &update(&mut w, "a", "owner-launch", Some(launch_local("missing"))),
        Ipe,
        "SC-54",
    );
    rejected(
        &update(&mut w, "a", "n1", Some(notification(&["t2"]))),
        Duplicate,
        "SC-53",
    );
    // Updating to its own topics is not a clash with itself.
    ok(update(&mut w, "a", "n1", Some(notification(&["t1", "t3"]))));
    let o = update(&mut w, "a", "owner-launch", Some(launch_local("launcher")));
    ok(o.clone());
    assert!(o.rules.contains(&"SC-56") && o.rules.contains(&"SC-06"));
    let inherited = view(&w, "b").portfolios[0].constraints[0].clone();
    assert_eq!(inherited.parameters, "local_role=launcher");
    ok(delete(&mut w, "a", "owner-launch"));
    let b = view(&w, "b");
    assert_eq!(b.imported[0].constraints.len(), 2);
    assert_eq!(b.portfolios[0].constraints.len(), 2);
}

#[test]
fn list_constraints_shows_the_portfolio_s_own() {
    let mut w = local_shop();
    ok(constrain(
        &mut w,
        "a",
        "owner-launch",
        "base",
        "vpc",
        launch_arn("a", "launcher"),
    ));
    ok(constrain(
        &mut w,
        "b",
        "local-tpl",
        "local",
        "vpc",
        template("y"),
    ));
    let list = |w: &mut World, p: &str, x: Option<&str>| {
        call(
            w,
            "b",
            Op::ListConstraintsForPortfolio {
                portfolio: p.into(),
                product: x.map(Name::from),
            },
        )
    };
    let Response::Constraints(cs) = ok(list(&mut w, "base", None)) else {
        panic!("expected constraints");
    };
    assert_eq!(rendered(&cs), [("owner-launch".to_owned(), false, true)]);
    assert_eq!(cs[0].owner, Name::from("a"));
    let Response::Constraints(cs) = ok(list(&mut w, "local", Some("vpc"))) else {
        panic!("expected constraints");
    };
    assert_eq!(rendered(&cs), [("local-tpl".to_owned(), false, true)]);
    rejected(&list(&mut w, "local", Some("ghost")), Rnf, "SC-57");
    rejected(&list(&mut w, "nope", None), Rnf, "SC-57");
}
