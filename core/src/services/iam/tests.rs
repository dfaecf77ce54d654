//! Unit tests of the IAM operations and queries (IAM-01) and of the caller check that rests on
//! them. IAM-02, IAM-03 and IAM-05 are decided by Service Catalog and tested there.

use crate::error::Exception;
use crate::name::Name;
use crate::observe::IamView;
use crate::op::{Call, IamKind, Op, Principal};
use crate::response::Response;
use crate::services::org::tests::{call, call_in, ok, rejected, world};
use crate::world::World;

fn names(v: &[Name]) -> Vec<&str> {
    v.iter().map(Name::as_str).collect()
}

fn iam_view(w: &World, account: &str) -> IamView {
    IamView::clone(&w.observe().accounts[&Name::from(account)].iam)
}

#[test]
fn principals_are_created_in_the_callers_account() {
    let mut w = world();
    let o = call(&mut w, "a", Op::CreateRole { role: "r".into() });
    assert!(o.rules.contains(&"IAM-01"));
    assert_eq!(
        ok(o),
        Response::Created {
            id: "r".into(),
            arn: "arn:aws:iam::100000000002:role/r".into(),
        }
    );
    assert_eq!(
        ok(call(&mut w, "a", Op::CreateUser { user: "u".into() })),
        Response::Created {
            id: "u".into(),
            arn: "arn:aws:iam::100000000002:user/u".into(),
        }
    );
    assert_eq!(
        ok(call(&mut w, "a", Op::CreateGroup { group: "g".into() })),
        Response::Created {
            id: "g".into(),
            arn: "arn:aws:iam::100000000002:group/g".into(),
        }
    );
    let (a, b) = (Name::from("a"), Name::from("b"));
    assert!(w.iam.exists(&a, IamKind::Role, &"r".into()));
    assert!(w.iam.exists(&a, IamKind::User, &"u".into()));
    assert!(w.iam.exists(&a, IamKind::Group, &"g".into()));
    assert!(!w.iam.exists(&a, IamKind::User, &"r".into()));
    assert!(!w.iam.exists(&b, IamKind::Role, &"r".into()));
    assert!(w.iam.principal_exists(&a, &Principal::Role("r".into())));
    assert!(w.iam.principal_exists(&a, &Principal::User("u".into())));
    assert!(!w.iam.principal_exists(&b, &Principal::User("u".into())));
    let view = iam_view(&w, "a");
    assert_eq!(names(&view.roles), ["r"]);
    assert_eq!(names(&view.users), ["u"]);
    assert!(view.groups[&Name::from("g")].is_empty());
    assert_eq!(iam_view(&w, "b"), crate::observe::IamView::default());
}

#[test]
fn the_same_name_in_two_accounts_is_two_principals() {
    let mut w = world();
    ok(call(&mut w, "a", Op::CreateRole { role: "r".into() }));
    ok(call(&mut w, "b", Op::CreateRole { role: "r".into() }));
    ok(call(&mut w, "b", Op::DeleteRole { role: "r".into() }));
    assert!(w.iam.exists(&"a".into(), IamKind::Role, &"r".into()));
    assert!(!w.iam.exists(&"b".into(), IamKind::Role, &"r".into()));
}

#[test]
fn iam_is_global() {
    let mut w = world();
    ok(call_in(
        &mut w,
        "a",
        "us-west-2",
        Op::CreateRole { role: "r".into() },
    ));
    rejected(
        &call(&mut w, "a", Op::CreateRole { role: "r".into() }),
        Exception::EntityAlreadyExistsException,
        "IAM-01",
    );
}

#[test]
fn duplicates_and_missing_principals() {
    let mut w = world();
    ok(call(&mut w, "a", Op::CreateRole { role: "r".into() }));
    ok(call(&mut w, "a", Op::CreateUser { user: "u".into() }));
    ok(call(&mut w, "a", Op::CreateGroup { group: "g".into() }));
    for op in [
        Op::CreateRole { role: "r".into() },
        Op::CreateUser { user: "u".into() },
        Op::CreateGroup { group: "g".into() },
    ] {
        rejected(
            &call(&mut w, "a", op),
            Exception::EntityAlreadyExistsException,
            "IAM-01",
        );
    }
    for op in [
        Op::DeleteRole { role: "x".into() },
        Op::DeleteUser { user: "x".into() },
        Op::DeleteGroup { group: "x".into() },
        Op::AddUserToGroup {
            user: "x".into(),
            group: "g".into(),
        },
        Op::AddUserToGroup {
            user: "u".into(),
            group: "x".into(),
        },
        Op::RemoveUserFromGroup {
            user: "u".into(),
            group: "x".into(),
        },
        // A user that exists but is not a member.
        Op::RemoveUserFromGroup {
            user: "u".into(),
            group: "g".into(),
        },
    ] {
        rejected(
            &call(&mut w, "a", op),
            Exception::NoSuchEntityException,
            "IAM-01",
        );
    }
    // Deleting then creating again works.
    ok(call(&mut w, "a", Op::DeleteRole { role: "r".into() }));
    ok(call(&mut w, "a", Op::CreateRole { role: "r".into() }));
}

#[test]
fn groups_and_membership() {
    let mut w = world();
    ok(call(&mut w, "a", Op::CreateUser { user: "u".into() }));
    ok(call(&mut w, "a", Op::CreateGroup { group: "g".into() }));
    let add = || Op::AddUserToGroup {
        user: "u".into(),
        group: "g".into(),
    };
    ok(call(&mut w, "a", add()));
    // Adding twice is a no-op.
    ok(call(&mut w, "a", add()));
    let (a, u, g) = (Name::from("a"), Name::from("u"), Name::from("g"));
    assert!(w.iam.in_group(&a, &u, &g));
    assert!(!w.iam.in_group(&"b".into(), &u, &g));
    assert_eq!(names(&iam_view(&w, "a").groups[&g]), ["u"]);
    // A user in a group and a group with members cannot be deleted.
    rejected(
        &call(&mut w, "a", Op::DeleteUser { user: "u".into() }),
        Exception::DeleteConflictException,
        "IAM-01",
    );
    rejected(
        &call(&mut w, "a", Op::DeleteGroup { group: "g".into() }),
        Exception::DeleteConflictException,
        "IAM-01",
    );
    ok(call(
        &mut w,
        "a",
        Op::RemoveUserFromGroup {
            user: "u".into(),
            group: "g".into(),
        },
    ));
    assert!(!w.iam.in_group(&a, &u, &g));
    ok(call(&mut w, "a", Op::DeleteGroup { group: "g".into() }));
    ok(call(&mut w, "a", Op::DeleteUser { user: "u".into() }));
    assert_eq!(iam_view(&w, "a"), crate::observe::IamView::default());
}

#[test]
fn users_of_another_account_cannot_join_a_group() {
    let mut w = world();
    ok(call(&mut w, "b", Op::CreateUser { user: "u".into() }));
    ok(call(&mut w, "a", Op::CreateGroup { group: "g".into() }));
    rejected(
        &call(
            &mut w,
            "a",
            Op::AddUserToGroup {
                user: "u".into(),
                group: "g".into(),
            },
        ),
        Exception::NoSuchEntityException,
        "IAM-01",
    );
}

#[test]
fn calls_need_an_existing_caller() {
    let mut w = world();
    let as_principal = |p: Principal, account: &str| Call {
        account: account.into(),
        principal: Some(p),
        region: "us-east-1".into(),
        op: Op::CreateKey { key: "k".into() },
    };
    let o = w.apply(&as_principal(Principal::Role("r".into()), "a"));
    rejected(&o, Exception::UnrecognizedClientException, "IAM-01");
    ok(call(&mut w, "a", Op::CreateRole { role: "r".into() }));
    // The role is of account a: it cannot sign for account b (IAM-01).
    let o = w.apply(&as_principal(Principal::Role("r".into()), "b"));
    rejected(&o, Exception::UnrecognizedClientException, "IAM-01");
    ok(w.apply(&as_principal(Principal::Role("r".into()), "a")));
    rejected(
        &call(&mut w, "nobody", Op::CreateRole { role: "r".into() }),
        Exception::UnrecognizedClientException,
        "IAM-01",
    );
    rejected(
        &call_in(
            &mut w,
            "a",
            "eu-west-1",
            Op::CreateRole { role: "r2".into() },
        ),
        Exception::UnrecognizedClientException,
        "INV-01",
    );
}
