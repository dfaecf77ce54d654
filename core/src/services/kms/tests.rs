//! Unit tests of the KMS operations and of [`super::check_use`] (KMS-01 to KMS-08, Q-24).

// PANIC SAFETY: test code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::check_use;
use crate::error::{ApiError, Exception, RuleId};
use crate::name::{Name, Region};
use crate::observe::KeyView;
use crate::op::{KeyGrantee, KeyRef, Op, Parent};
use crate::response::Response;
use crate::services::org::tests::{
    REGION, call, call_in, create_ou, move_to, ok, org_world, rejected, world,
};
use crate::world::World;

const WEST: &str = "us-west-2";

fn create_key(w: &mut World, owner: &str, key: &str) -> Response {
    ok(call(w, owner, Op::CreateKey { key: key.into() }))
}

fn put_policy(w: &mut World, owner: &str, key: &str, grantees: Vec<KeyGrantee>) {
    ok(call(
        w,
        owner,
        Op::PutKeyPolicy {
            key: key.into(),
            grantees,
            account: None,
        },
    ));
}

fn key_ref(owner: Option<&str>, key: &str) -> KeyRef {
    KeyRef {
        account: owner.map(Name::from),
        key: key.into(),
    }
}

/// `user` uses `owner`'s key `key` in `region`, the reference naming the owner (KMS-04).
fn use_in(w: &World, owner: &str, key: &str, user: &str, region: &str) -> Result<String, ApiError> {
    check_use(
        w,
        &key_ref(Some(owner), key),
        &user.into(),
        &user.into(),
        &Region::from(region),
    )
}

fn use_key(w: &World, owner: &str, key: &str, user: &str) -> Result<String, ApiError> {
    use_in(w, owner, key, user, REGION)
}

fn denied(r: Result<String, ApiError>, exception: Exception, rule: RuleId) {
    let e = r.expect_err("expected a denial");
    assert_eq!((e.exception, e.rule), (exception, rule), "{e}");
}

fn keys(w: &World, account: &str, region: &str) -> Vec<KeyView> {
    w.observe().accounts[&Name::from(account)].regions[&Region::from(region)]
        .kms_keys
        .clone()
}

fn state(w: &World, account: &str, key: &str) -> String {
    keys(w, account, REGION)
        .into_iter()
        .find(|k| k.name == Name::from(key))
        .map(|k| k.state)
        .unwrap_or_default()
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}

// ----- KMS-01 -----------------------------------------------------------------------------------

#[test]
fn create_key_is_regional_and_owned() {
    let mut w = world();
    let o = call(&mut w, "a", Op::CreateKey { key: "k".into() });
    assert!(o.rules.contains(&"KMS-01"));
    let Response::Created { id, arn } = ok(o) else {
        panic!("expected Created");
    };
    assert!(is_uuid(&id), "{id}");
    assert_eq!(arn, format!("arn:aws:kms:us-east-1:100000000002:key/{id}"));
    let view = keys(&w, "a", REGION);
    assert_eq!(view.len(), 1);
    assert_eq!(view[0].arn, arn);
    assert_eq!(view[0].state, "Enabled");
    assert!(view[0].grantees.is_empty());
    assert!(keys(&w, "a", WEST).is_empty());
    assert!(keys(&w, "b", REGION).is_empty());
    assert_eq!(use_key(&w, "a", "k", "a"), Ok(arn));
}

#[test]
fn key_names_are_unique_per_account_and_region() {
    let mut w = world();
    let first = create_key(&mut w, "a", "k");
    let o = call(&mut w, "a", Op::CreateKey { key: "k".into() });
    rejected(&o, Exception::AlreadyExistsException, "KMS-01");
    // The same name in another Region or another account is another key.
    let west = ok(call_in(
        &mut w,
        "a",
        WEST,
        Op::CreateKey { key: "k".into() },
    ));
    let other = create_key(&mut w, "b", "k");
    assert_ne!(first, west);
    assert_ne!(first, other);
}

// ----- KMS-02, KMS-04, KMS-07 -------------------------------------------------------------------

#[test]
fn the_owner_may_always_use_its_key() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    assert!(use_key(&w, "a", "k", "a").is_ok());
    // KMS-04: without an account the reference is the caller's own key.
    assert!(
        check_use(
            &w,
            &key_ref(None, "k"),
            &"a".into(),
            &"a".into(),
            &REGION.into()
        )
        .is_ok()
    );
}

#[test]
fn cross_account_use_needs_a_key_policy_grant() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    denied(
        use_key(&w, "a", "k", "b"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
    put_policy(&mut w, "a", "k", vec![KeyGrantee::Account("b".into())]);
    assert!(use_key(&w, "a", "k", "b").is_ok());
    denied(
        use_key(&w, "a", "k", "c"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
    // A new policy replaces the old one.
    put_policy(&mut w, "a", "k", vec![KeyGrantee::Account("c".into())]);
    denied(
        use_key(&w, "a", "k", "b"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
    assert!(use_key(&w, "a", "k", "c").is_ok());
}

#[test]
fn a_reference_without_account_resolves_in_the_callers_account() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    put_policy(&mut w, "a", "k", vec![KeyGrantee::Account("b".into())]);
    // `a` wrote the reference (e.g. on its encrypted component); `b` uses it.
    assert!(
        check_use(
            &w,
            &key_ref(None, "k"),
            &"a".into(),
            &"b".into(),
            &REGION.into()
        )
        .is_ok()
    );
    // Written by `b` without an account, it names `b`'s own (missing) key.
    denied(
        check_use(
            &w,
            &key_ref(None, "k"),
            &"b".into(),
            &"b".into(),
            &REGION.into(),
        ),
        Exception::NotFoundException,
        "KMS-05",
    );
}

#[test]
fn organization_and_ou_grants_follow_the_tree() {
    let mut w = org_world();
    ok(create_ou(&mut w, "dev", Parent::Root));
    ok(create_ou(&mut w, "team", Parent::Ou("dev".into())));
    ok(move_to(
        &mut w,
        "b",
        Parent::Root,
        Parent::Ou("team".into()),
    ));
    create_key(&mut w, "x", "k");
    create_key(&mut w, "a", "k");
    put_policy(
        &mut w,
        "x",
        "k",
        vec![KeyGrantee::Organization("acme".into())],
    );
    put_policy(
        &mut w,
        "a",
        "k",
        vec![KeyGrantee::OrganizationalUnit("dev".into())],
    );
    // Organization grant: every account of it, management included; no outsider.
    for member in ["m", "a", "b", "c"] {
        assert!(use_key(&w, "x", "k", member).is_ok(), "{member}");
    }
    denied(
        use_key(&w, "m", "k", "x"),
        Exception::NotFoundException,
        "KMS-05",
    );
    // OU grant: accounts in the OU and in its child OUs only.
    assert!(use_key(&w, "a", "k", "b").is_ok());
    denied(
        use_key(&w, "a", "k", "c"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
    denied(
        use_key(&w, "a", "k", "m"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
    // Membership is read at use time: moves and departures change the answer.
    ok(move_to(&mut w, "c", Parent::Root, Parent::Ou("dev".into())));
    assert!(use_key(&w, "a", "k", "c").is_ok());
    ok(move_to(
        &mut w,
        "b",
        Parent::Ou("team".into()),
        Parent::Root,
    ));
    denied(
        use_key(&w, "a", "k", "b"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
    ok(call(&mut w, "c", Op::LeaveOrganization));
    denied(
        use_key(&w, "a", "k", "c"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
    denied(
        use_key(&w, "x", "k", "c"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
}

#[test]
fn grants_naming_missing_organizations_or_ous_match_nobody() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    put_policy(
        &mut w,
        "a",
        "k",
        vec![
            KeyGrantee::Organization("nope".into()),
            KeyGrantee::OrganizationalUnit("nope".into()),
        ],
    );
    denied(
        use_key(&w, "a", "k", "b"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
}

#[test]
fn key_views_render_grantees() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    put_policy(
        &mut w,
        "a",
        "k",
        vec![
            KeyGrantee::OrganizationalUnit("dev".into()),
            KeyGrantee::Account("b".into()),
            KeyGrantee::Organization("acme".into()),
        ],
    );
    assert_eq!(
        keys(&w, "a", REGION)[0].grantees,
        ["account:b", "org:acme", "ou:dev"]
    );
}

#[test]
fn put_key_policy_errors() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    let put = |key: &str, account: Option<&str>, grantees: Vec<KeyGrantee>| Op::PutKeyPolicy {
        key: key.into(),
        grantees,
        account: account.map(Name::from),
    };
    rejected(
        &call(
            &mut w,
            "a",
            put("k", None, vec![KeyGrantee::Account("nobody".into())]),
        ),
        Exception::ValidationException,
        "KMS-02",
    );
    rejected(
        &call(&mut w, "a", put("missing", None, vec![])),
        Exception::NotFoundException,
        "KMS-05",
    );
    // KMS-03: a grantee still cannot administer the key.
    put_policy(&mut w, "a", "k", vec![KeyGrantee::Account("b".into())]);
    rejected(
        &call(
            &mut w,
            "b",
            put("k", Some("a"), vec![KeyGrantee::Account("b".into())]),
        ),
        Exception::AccessDeniedException,
        "KMS-03",
    );
    ok(call(
        &mut w,
        "a",
        Op::ScheduleKeyDeletion {
            key: "k".into(),
            pending_window_in_days: None,
            account: None,
        },
    ));
    rejected(
        &call(&mut w, "a", put("k", None, vec![])),
        Exception::KMSInvalidStateException,
        "KMS-05",
    );
}

// ----- KMS-01, KMS-08: Regions ------------------------------------------------------------------

#[test]
fn a_key_in_another_region_is_not_found() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    put_policy(&mut w, "a", "k", vec![KeyGrantee::Account("b".into())]);
    denied(
        use_in(&w, "a", "k", "b", WEST),
        Exception::NotFoundException,
        "KMS-08",
    );
    denied(
        use_in(&w, "a", "k", "a", WEST),
        Exception::NotFoundException,
        "KMS-08",
    );
    // A key of the same name in the target Region, with its own policy, is what is needed.
    ok(call_in(
        &mut w,
        "a",
        WEST,
        Op::CreateKey { key: "k".into() },
    ));
    denied(
        use_in(&w, "a", "k", "b", WEST),
        Exception::AccessDeniedException,
        "KMS-07",
    );
    ok(call_in(
        &mut w,
        "a",
        WEST,
        Op::PutKeyPolicy {
            key: "k".into(),
            grantees: vec![KeyGrantee::Account("b".into())],
            account: None,
        },
    ));
    let arn = use_in(&w, "a", "k", "b", WEST).unwrap();
    assert!(
        arn.starts_with("arn:aws:kms:us-west-2:100000000002:key/"),
        "{arn}"
    );
    // Administration is regional too.
    rejected(
        &call_in(
            &mut w,
            "b",
            WEST,
            Op::DisableKey {
                key: "k".into(),
                account: None,
            },
        ),
        Exception::NotFoundException,
        "KMS-05",
    );
}

// ----- KMS-03, KMS-05 ---------------------------------------------------------------------------

fn admin(w: &mut World, caller: &str, op: Op) -> crate::world::Outcome {
    call(w, caller, op)
}

#[test]
fn disabled_keys_cannot_be_used_and_can_be_enabled_again() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    put_policy(&mut w, "a", "k", vec![KeyGrantee::Account("b".into())]);
    let disable = || Op::DisableKey {
        key: "k".into(),
        account: None,
    };
    let enable = || Op::EnableKey {
        key: "k".into(),
        account: None,
    };
    ok(admin(&mut w, "a", disable()));
    ok(admin(&mut w, "a", disable()));
    assert_eq!(state(&w, "a", "k"), "Disabled");
    denied(
        use_key(&w, "a", "k", "a"),
        Exception::DisabledException,
        "KMS-05",
    );
    denied(
        use_key(&w, "a", "k", "b"),
        Exception::DisabledException,
        "KMS-05",
    );
    // The key policy is checked before the state (§0.4 stage 3 before 4).
    denied(
        use_key(&w, "a", "k", "c"),
        Exception::AccessDeniedException,
        "KMS-07",
    );
    ok(admin(&mut w, "a", enable()));
    ok(admin(&mut w, "a", enable()));
    assert_eq!(state(&w, "a", "k"), "Enabled");
    assert!(use_key(&w, "a", "k", "b").is_ok());
}

#[test]
fn key_administration_is_owner_only() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    put_policy(&mut w, "a", "k", vec![KeyGrantee::Account("b".into())]);
    let a = Some(Name::from("a"));
    let ops = [
        Op::DisableKey {
            key: "k".into(),
            account: a.clone(),
        },
        Op::EnableKey {
            key: "k".into(),
            account: a.clone(),
        },
        Op::ScheduleKeyDeletion {
            key: "k".into(),
            pending_window_in_days: None,
            account: a.clone(),
        },
        Op::CancelKeyDeletion {
            key: "k".into(),
            account: a.clone(),
        },
    ];
    for op in ops {
        rejected(
            &admin(&mut w, "b", op.clone()),
            Exception::AccessDeniedException,
            "KMS-03",
        );
        // Naming a key that does not exist is not found first (§0.4 stage 2).
        let mut missing = op;
        match &mut missing {
            Op::DisableKey { key, .. }
            | Op::EnableKey { key, .. }
            | Op::ScheduleKeyDeletion { key, .. }
            | Op::CancelKeyDeletion { key, .. } => *key = "missing".into(),
            other => panic!("unexpected {other:?}"),
        }
        rejected(
            &admin(&mut w, "b", missing),
            Exception::NotFoundException,
            "KMS-05",
        );
    }
    assert_eq!(state(&w, "a", "k"), "Enabled");
    // Naming one's own account explicitly is the same as naming none.
    ok(admin(
        &mut w,
        "a",
        Op::DisableKey {
            key: "k".into(),
            account: a,
        },
    ));
    assert_eq!(state(&w, "a", "k"), "Disabled");
}

// ----- KMS-06, Q-24 -----------------------------------------------------------------------------

fn schedule(w: &mut World, days: Option<u32>) -> crate::world::Outcome {
    admin(
        w,
        "a",
        Op::ScheduleKeyDeletion {
            key: "k".into(),
            pending_window_in_days: days,
            account: None,
        },
    )
}

fn cancel(w: &mut World) -> crate::world::Outcome {
    admin(
        w,
        "a",
        Op::CancelKeyDeletion {
            key: "k".into(),
            account: None,
        },
    )
}

#[test]
fn deletion_window_is_seven_to_thirty_days() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    for days in [0, 6, 31] {
        rejected(
            &schedule(&mut w, Some(days)),
            Exception::ValidationException,
            "Q-24",
        );
    }
    assert_eq!(state(&w, "a", "k"), "Enabled");
    for days in [7, 30] {
        let o = schedule(&mut w, Some(days));
        assert!(o.rules.contains(&"KMS-06") && o.rules.contains(&"Q-24"));
        ok(o);
        ok(cancel(&mut w));
    }
}

#[test]
fn pending_deletion_blocks_use_and_changes() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    put_policy(&mut w, "a", "k", vec![KeyGrantee::Account("b".into())]);
    ok(schedule(&mut w, Some(7)));
    assert_eq!(state(&w, "a", "k"), "PendingDeletion");
    denied(
        use_key(&w, "a", "k", "a"),
        Exception::KMSInvalidStateException,
        "KMS-05",
    );
    denied(
        use_key(&w, "a", "k", "b"),
        Exception::KMSInvalidStateException,
        "KMS-05",
    );
    rejected(
        &schedule(&mut w, None),
        Exception::KMSInvalidStateException,
        "KMS-05",
    );
    for op in [
        Op::DisableKey {
            key: "k".into(),
            account: None,
        },
        Op::EnableKey {
            key: "k".into(),
            account: None,
        },
    ] {
        rejected(
            &admin(&mut w, "a", op),
            Exception::KMSInvalidStateException,
            "KMS-05",
        );
    }
}

#[test]
fn cancel_key_deletion_returns_to_disabled() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    rejected(
        &cancel(&mut w),
        Exception::KMSInvalidStateException,
        "KMS-06",
    );
    ok(schedule(&mut w, None));
    let o = cancel(&mut w);
    assert!(o.rules.contains(&"KMS-06"));
    ok(o);
    assert_eq!(state(&w, "a", "k"), "Disabled");
    denied(
        use_key(&w, "a", "k", "a"),
        Exception::DisabledException,
        "KMS-05",
    );
    // Cancelled keys are not deleted when the old window ends.
    w.clock_hours = 31 * 24;
    assert_eq!(state(&w, "a", "k"), "Disabled");
}

#[test]
fn keys_are_deleted_when_the_window_elapses() {
    let mut w = world();
    create_key(&mut w, "a", "k");
    w.clock_hours = 5;
    ok(schedule(&mut w, None));
    w.clock_hours = 5 + 30 * 24 - 1;
    assert_eq!(state(&w, "a", "k"), "PendingDeletion");
    denied(
        use_key(&w, "a", "k", "a"),
        Exception::KMSInvalidStateException,
        "KMS-05",
    );
    w.clock_hours = 5 + 30 * 24;
    assert!(keys(&w, "a", REGION).is_empty());
    denied(
        use_key(&w, "a", "k", "a"),
        Exception::NotFoundException,
        "KMS-05",
    );
    rejected(&cancel(&mut w), Exception::NotFoundException, "KMS-05");
    // The name can be used again, for a new key.
    let Response::Created { arn, .. } = create_key(&mut w, "a", "k") else {
        panic!("expected Created");
    };
    assert_eq!(state(&w, "a", "k"), "Enabled");
    assert_eq!(use_key(&w, "a", "k", "a"), Ok(arn));
}
