//! Unit tests of the Organizations operations (ORG-01 to ORG-12, Q-10, Q-18) and of node
//! membership (ORG-11). The small world-building kit at the top is shared with the KMS and IAM
//! tests.

// PANIC SAFETY: test code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::error::{Exception, RuleId};
use crate::name::Name;
use crate::op::{Call, FeatureSet, Op, Parent, Service};
use crate::response::Response;
use crate::services::org::Node;
use crate::world::{Config, Outcome, World, WorldSpec};

/// The Region every kit call is sent to.
pub(crate) const REGION: &str = "us-east-1";

/// A world with accounts `m`, `a`, `b`, `c`, `x` in `us-east-1` and `us-west-2`.
pub(crate) fn world_with(config: Config) -> World {
    World::new(&WorldSpec {
        accounts: ["m", "a", "b", "c", "x"]
            .into_iter()
            .map(Name::from)
            .collect(),
        regions: vec!["us-east-1".into(), "us-west-2".into()],
        config,
    })
}

/// [`world_with`] the default configuration.
pub(crate) fn world() -> World {
    world_with(Config::default())
}

/// Applies `op` as `account` in [`REGION`].
pub(crate) fn call(w: &mut World, account: &str, op: Op) -> Outcome {
    call_in(w, account, REGION, op)
}

/// Applies `op` as `account` in `region`.
///
/// Every call of the unit tests also checks that the world's indexes equal a recomputation
/// (`World::check_indexes`) and that a rejected call changed nothing observable (atomicity).
pub(crate) fn call_in(w: &mut World, account: &str, region: &str, op: Op) -> Outcome {
    let before = w.observe();
    let outcome = w.apply(&Call {
        account: account.into(),
        principal: None,
        region: region.into(),
        op,
    });
    if let Err(e) = w.check_indexes() {
        panic!("{e}");
    }
    if outcome.result.is_err() {
        assert_eq!(before, w.observe(), "a rejected call changed the world");
    }
    outcome
}

/// Asserts success and returns the response.
pub(crate) fn ok(o: Outcome) -> Response {
    match o.result {
        Ok(r) => r,
        Err(e) => panic!("expected success, got {e}"),
    }
}

/// Asserts a rejection with exactly this exception and rule.
pub(crate) fn rejected(o: &Outcome, exception: Exception, rule: RuleId) {
    match &o.result {
        Ok(r) => panic!("expected {exception} [{rule}], got {r:?}"),
        Err(e) => {
            assert_eq!((e.exception, e.rule), (exception, rule), "{e}");
            assert!(o.rules.contains(&rule));
        }
    }
}

fn ou(name: &str) -> Parent {
    Parent::Ou(name.into())
}

/// Organization `acme` managed by `m`, with members `a`, `b`, `c` under the root.
pub(crate) fn org_world() -> World {
    let mut w = world();
    ok(call(
        &mut w,
        "m",
        Op::CreateOrganization {
            organization: "acme".into(),
            feature_set: None,
        },
    ));
    for a in ["a", "b", "c"] {
        ok(call(
            &mut w,
            "m",
            Op::InviteAccountToOrganization { account: a.into() },
        ));
    }
    w
}

pub(crate) fn create_ou(w: &mut World, name: &str, parent: Parent) -> Outcome {
    call(
        w,
        "m",
        Op::CreateOrganizationalUnit {
            ou: name.into(),
            parent,
        },
    )
}

pub(crate) fn move_to(
    w: &mut World,
    account: &str,
    source: Parent,
    destination: Parent,
) -> Outcome {
    call(
        w,
        "m",
        Op::MoveAccount {
            account: account.into(),
            source,
            destination,
        },
    )
}

fn parent_of(w: &World, account: &str) -> Option<Parent> {
    w.org
        .organization_of(&account.into())
        .and_then(|o| o.accounts.get(&Name::from(account)).cloned())
}

fn is_id(s: &str, prefix: &str, len: usize) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == len
            && rest
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

// ----- ORG-01, ORG-02, ORG-08 -------------------------------------------------------------------

#[test]
fn create_organization_makes_the_caller_management_under_one_root() {
    let mut w = world();
    let r = ok(call(
        &mut w,
        "m",
        Op::CreateOrganization {
            organization: "acme".into(),
            feature_set: None,
        },
    ));
    let Response::Created { id, arn } = r else {
        panic!("expected Created, got {r:?}");
    };
    assert!(is_id(&id, "o-", 10), "{id}");
    assert_eq!(
        arn,
        format!("arn:aws:organizations::100000000001:organization/{id}")
    );
    let org = &w.org.orgs[&Name::from("acme")];
    assert!(is_id(&org.root_id, "r-", 4), "{}", org.root_id);
    assert_eq!(org.feature_set, FeatureSet::All);
    assert!(w.org.is_management(&"m".into()));
    assert_eq!(parent_of(&w, "m"), Some(Parent::Root));
    let obs = w.observe();
    assert_eq!(
        obs.accounts[&Name::from("m")].organization,
        Some("acme".into())
    );
    assert_eq!(obs.accounts[&Name::from("a")].organization, None);
}

#[test]
fn create_organization_keeps_a_requested_feature_set() {
    let mut w = world();
    ok(call(
        &mut w,
        "m",
        Op::CreateOrganization {
            organization: "acme".into(),
            feature_set: Some(FeatureSet::ConsolidatedBilling),
        },
    ));
    assert_eq!(
        w.observe().organizations[&Name::from("acme")].feature_set,
        FeatureSet::ConsolidatedBilling
    );
}

#[test]
fn an_account_in_an_organization_cannot_create_another() {
    let mut w = org_world();
    for caller in ["m", "a"] {
        let o = call(
            &mut w,
            caller,
            Op::CreateOrganization {
                organization: "other".into(),
                feature_set: None,
            },
        );
        rejected(&o, Exception::AlreadyInOrganizationException, "ORG-01");
    }
}

#[test]
fn organization_names_are_unique() {
    let mut w = org_world();
    let o = call(
        &mut w,
        "x",
        Op::CreateOrganization {
            organization: "acme".into(),
            feature_set: None,
        },
    );
    rejected(&o, Exception::InvalidInputException, "ORG-01");
}

#[test]
fn invited_accounts_join_under_the_root() {
    let w = org_world();
    for a in ["a", "b", "c"] {
        assert_eq!(parent_of(&w, a), Some(Parent::Root));
    }
    assert_eq!(parent_of(&w, "x"), None);
}

#[test]
fn invite_returns_a_handshake_id() {
    let mut w = org_world();
    let r = ok(call(
        &mut w,
        "m",
        Op::InviteAccountToOrganization {
            account: "x".into(),
        },
    ));
    let Response::Created { id, arn } = r else {
        panic!("expected Created, got {r:?}");
    };
    assert!(is_id(&id, "h-", 10), "{id}");
    assert!(arn.ends_with(&format!("/invite/{id}")), "{arn}");
}

#[test]
fn invite_errors() {
    let mut w = org_world();
    let invite = |a: &str| Op::InviteAccountToOrganization { account: a.into() };
    rejected(
        &call(&mut w, "x", invite("c")),
        Exception::AWSOrganizationsNotInUseException,
        "ORG-08",
    );
    rejected(
        &call(&mut w, "a", invite("x")),
        Exception::AccessDeniedException,
        "ORG-02",
    );
    rejected(
        &call(&mut w, "m", invite("nobody")),
        Exception::AccountNotFoundException,
        "ORG-02",
    );
    rejected(
        &call(&mut w, "m", invite("a")),
        Exception::AlreadyInOrganizationException,
        "ORG-01",
    );
    rejected(
        &call(&mut w, "m", invite("m")),
        Exception::AlreadyInOrganizationException,
        "ORG-01",
    );
    // A member of another organization cannot be invited either.
    ok(call(
        &mut w,
        "x",
        Op::CreateOrganization {
            organization: "other".into(),
            feature_set: None,
        },
    ));
    rejected(
        &call(&mut w, "m", invite("x")),
        Exception::AlreadyInOrganizationException,
        "ORG-01",
    );
}

// ----- ORG-03, Q-18 -----------------------------------------------------------------------------

#[test]
fn create_ou_ids_follow_the_root() {
    let mut w = org_world();
    let r = ok(create_ou(&mut w, "dev", Parent::Root));
    let Response::Created { id, arn } = r else {
        panic!("expected Created, got {r:?}");
    };
    let org = &w.org.orgs[&Name::from("acme")];
    let suffix = org.root_id.trim_start_matches("r-");
    assert!(is_id(&id, &format!("ou-{suffix}-"), 8), "{id}");
    assert_eq!(
        arn,
        format!("arn:aws:organizations::100000000001:ou/{}/{id}", org.id)
    );
    assert_eq!(
        w.observe().organizations[&Name::from("acme")].ous[&Name::from("dev")],
        Parent::Root
    );
}

#[test]
fn create_ou_errors() {
    let mut w = org_world();
    ok(create_ou(&mut w, "dev", Parent::Root));
    let op = |n: &str, p: Parent| Op::CreateOrganizationalUnit {
        ou: n.into(),
        parent: p,
    };
    rejected(
        &call(&mut w, "x", op("t", Parent::Root)),
        Exception::AWSOrganizationsNotInUseException,
        "ORG-08",
    );
    rejected(
        &call(&mut w, "a", op("t", Parent::Root)),
        Exception::AccessDeniedException,
        "ORG-03",
    );
    rejected(
        &create_ou(&mut w, "t", ou("missing")),
        Exception::ParentNotFoundException,
        "ORG-03",
    );
    // Duplicate among siblings, and (model) anywhere in the tree.
    rejected(
        &create_ou(&mut w, "dev", Parent::Root),
        Exception::DuplicateOrganizationalUnitException,
        "ORG-03",
    );
    ok(create_ou(&mut w, "prod", Parent::Root));
    rejected(
        &create_ou(&mut w, "dev", ou("prod")),
        Exception::DuplicateOrganizationalUnitException,
        "ORG-03",
    );
}

#[test]
fn ou_names_are_global_across_organizations() {
    let mut w = org_world();
    ok(create_ou(&mut w, "dev", Parent::Root));
    ok(call(
        &mut w,
        "x",
        Op::CreateOrganization {
            organization: "other".into(),
            feature_set: None,
        },
    ));
    let o = call(
        &mut w,
        "x",
        Op::CreateOrganizationalUnit {
            ou: "dev".into(),
            parent: Parent::Root,
        },
    );
    rejected(
        &o,
        Exception::DuplicateOrganizationalUnitException,
        "ORG-03",
    );
}

#[test]
fn ou_depth_is_limited_to_five_levels() {
    let mut w = org_world();
    let mut parent = Parent::Root;
    for level in 1..=5 {
        let name = format!("l{level}");
        ok(create_ou(&mut w, &name, parent));
        parent = ou(&name);
    }
    let o = create_ou(&mut w, "l6", parent);
    rejected(&o, Exception::ConstraintViolationException, "Q-18");
    assert!(
        o.result
            .unwrap_err()
            .message
            .contains("OU_DEPTH_LIMIT_EXCEEDED")
    );
    // A sibling at a shallower level is still fine.
    ok(create_ou(&mut w, "side", ou("l4")));
}

#[test]
fn ou_count_is_limited_per_organization() {
    let mut config = Config::default();
    config.quotas.ous_per_organization = 2;
    let mut w = world_with(config);
    ok(call(
        &mut w,
        "m",
        Op::CreateOrganization {
            organization: "acme".into(),
            feature_set: None,
        },
    ));
    ok(create_ou(&mut w, "one", Parent::Root));
    ok(create_ou(&mut w, "two", ou("one")));
    let o = create_ou(&mut w, "three", Parent::Root);
    rejected(&o, Exception::ConstraintViolationException, "Q-18");
    assert!(
        o.result
            .unwrap_err()
            .message
            .contains("OU_NUMBER_LIMIT_EXCEEDED")
    );
}

// ----- ORG-04 -----------------------------------------------------------------------------------

#[test]
fn delete_ou_requires_an_empty_ou() {
    let mut w = org_world();
    ok(create_ou(&mut w, "dev", Parent::Root));
    ok(create_ou(&mut w, "team", ou("dev")));
    ok(move_to(&mut w, "a", Parent::Root, ou("team")));
    let del = |n: &str| Op::DeleteOrganizationalUnit { ou: n.into() };
    rejected(
        &call(&mut w, "a", del("dev")),
        Exception::AccessDeniedException,
        "ORG-04",
    );
    rejected(
        &call(&mut w, "m", del("nope")),
        Exception::OrganizationalUnitNotFoundException,
        "ORG-04",
    );
    // A child OU keeps "dev" busy, an account keeps "team" busy.
    rejected(
        &call(&mut w, "m", del("dev")),
        Exception::OrganizationalUnitNotEmptyException,
        "ORG-04",
    );
    rejected(
        &call(&mut w, "m", del("team")),
        Exception::OrganizationalUnitNotEmptyException,
        "ORG-04",
    );
    ok(move_to(&mut w, "a", ou("team"), Parent::Root));
    ok(call(&mut w, "m", del("team")));
    ok(call(&mut w, "m", del("dev")));
    assert!(
        w.observe().organizations[&Name::from("acme")]
            .ous
            .is_empty()
    );
    // The name is free again.
    ok(create_ou(&mut w, "dev", Parent::Root));
}

// ----- ORG-05, ORG-11 ---------------------------------------------------------------------------

#[test]
fn move_account_changes_the_parent() {
    let mut w = org_world();
    ok(create_ou(&mut w, "dev", Parent::Root));
    let o = move_to(&mut w, "a", Parent::Root, ou("dev"));
    assert!(o.rules.contains(&"ORG-05") && o.rules.contains(&"ORG-11"));
    ok(o);
    assert_eq!(parent_of(&w, "a"), Some(ou("dev")));
    // The management account can be moved too.
    ok(move_to(&mut w, "m", Parent::Root, ou("dev")));
    assert_eq!(parent_of(&w, "m"), Some(ou("dev")));
}

#[test]
fn move_account_errors() {
    let mut w = org_world();
    ok(create_ou(&mut w, "dev", Parent::Root));
    ok(create_ou(&mut w, "ops", Parent::Root));
    rejected(
        &call(
            &mut w,
            "a",
            Op::MoveAccount {
                account: "b".into(),
                source: Parent::Root,
                destination: ou("dev"),
            },
        ),
        Exception::AccessDeniedException,
        "ORG-05",
    );
    rejected(
        &move_to(&mut w, "x", Parent::Root, ou("dev")),
        Exception::AccountNotFoundException,
        "ORG-05",
    );
    rejected(
        &move_to(&mut w, "a", ou("nope"), ou("dev")),
        Exception::SourceParentNotFoundException,
        "ORG-05",
    );
    rejected(
        &move_to(&mut w, "a", Parent::Root, ou("nope")),
        Exception::DestinationParentNotFoundException,
        "ORG-05",
    );
    // The source exists but is not the account's parent (model).
    rejected(
        &move_to(&mut w, "a", ou("ops"), ou("dev")),
        Exception::SourceParentNotFoundException,
        "ORG-05",
    );
    rejected(
        &move_to(&mut w, "a", Parent::Root, Parent::Root),
        Exception::DuplicateAccountException,
        "ORG-05",
    );
    assert_eq!(parent_of(&w, "a"), Some(Parent::Root));
}

/// Tree: root > dev > team > squad; `a` in squad, `b` in dev, `c` under the root.
fn nested_world() -> World {
    let mut w = org_world();
    ok(create_ou(&mut w, "dev", Parent::Root));
    ok(create_ou(&mut w, "team", ou("dev")));
    ok(create_ou(&mut w, "squad", ou("team")));
    ok(create_ou(&mut w, "ops", Parent::Root));
    ok(move_to(&mut w, "a", Parent::Root, ou("squad")));
    ok(move_to(&mut w, "b", Parent::Root, ou("dev")));
    w
}

fn members(w: &World, node: &Node) -> Vec<String> {
    w.org
        .members_of(node)
        .into_iter()
        .map(|n| n.to_string())
        .collect()
}

#[test]
fn node_membership_covers_nested_ous() {
    let w = nested_world();
    let n = |s: &str| Node::Ou(s.into());
    assert!(w.org.in_node(&"a".into(), &n("squad")));
    assert!(w.org.in_node(&"a".into(), &n("team")));
    assert!(w.org.in_node(&"a".into(), &n("dev")));
    assert!(!w.org.in_node(&"a".into(), &n("ops")));
    assert!(w.org.in_node(&"b".into(), &n("dev")));
    assert!(!w.org.in_node(&"b".into(), &n("team")));
    assert!(!w.org.in_node(&"c".into(), &n("dev")));
    assert!(!w.org.in_node(&"x".into(), &n("dev")));
    assert_eq!(members(&w, &n("dev")), ["a", "b"]);
    assert_eq!(members(&w, &n("team")), ["a"]);
    assert!(members(&w, &n("ops")).is_empty());
    assert!(members(&w, &n("nope")).is_empty());
    // The organization node includes the management account, never outsiders.
    let org = Node::Organization("acme".into());
    assert_eq!(members(&w, &org), ["a", "b", "c", "m"]);
    assert!(!w.org.in_node(&"x".into(), &org));
    assert!(
        !w.org
            .in_node(&"a".into(), &Node::Organization("nope".into()))
    );
    // An account node is the account itself.
    assert!(w.org.in_node(&"x".into(), &Node::Account("x".into())));
    assert!(!w.org.in_node(&"a".into(), &Node::Account("x".into())));
    assert_eq!(members(&w, &Node::Account("x".into())), ["x"]);
}

#[test]
fn moves_re_evaluate_membership() {
    let mut w = nested_world();
    let n = |s: &str| Node::Ou(s.into());
    ok(move_to(&mut w, "a", ou("squad"), ou("ops")));
    assert!(!w.org.in_node(&"a".into(), &n("dev")));
    assert!(!w.org.in_node(&"a".into(), &n("squad")));
    assert!(w.org.in_node(&"a".into(), &n("ops")));
    assert_eq!(members(&w, &n("dev")), ["b"]);
    ok(move_to(&mut w, "c", Parent::Root, ou("team")));
    assert!(w.org.in_node(&"c".into(), &n("dev")));
    assert_eq!(members(&w, &n("dev")), ["b", "c"]);
}

#[test]
fn leaving_drops_every_membership() {
    let mut w = nested_world();
    ok(call(&mut w, "a", Op::LeaveOrganization));
    assert_eq!(w.org.org_of(&"a".into()), None);
    assert!(!w.org.in_node(&"a".into(), &Node::Ou("squad".into())));
    assert!(
        !w.org
            .in_node(&"a".into(), &Node::Organization("acme".into()))
    );
    assert_eq!(w.observe().accounts[&Name::from("a")].organization, None);
}

// ----- ORG-06 -----------------------------------------------------------------------------------

#[test]
fn remove_account_makes_it_standalone() {
    let mut w = nested_world();
    let o = call(
        &mut w,
        "m",
        Op::RemoveAccountFromOrganization {
            account: "b".into(),
        },
    );
    assert!(o.rules.contains(&"ORG-06"));
    ok(o);
    assert_eq!(w.org.org_of(&"b".into()), None);
    // A standalone account can found or join an organization again.
    ok(call(
        &mut w,
        "m",
        Op::InviteAccountToOrganization {
            account: "b".into(),
        },
    ));
    assert_eq!(parent_of(&w, "b"), Some(Parent::Root));
}

#[test]
fn remove_and_leave_errors() {
    let mut w = org_world();
    w.org.orgs.get_mut(&Name::from("acme")).unwrap().sc_access = true;
    ok(call(
        &mut w,
        "m",
        Op::RegisterDelegatedAdministrator {
            account: "c".into(),
            service: Service::ServiceCatalog,
        },
    ));
    let remove = |a: &str| Op::RemoveAccountFromOrganization { account: a.into() };
    rejected(
        &call(&mut w, "x", remove("a")),
        Exception::AWSOrganizationsNotInUseException,
        "ORG-08",
    );
    rejected(
        &call(&mut w, "a", remove("b")),
        Exception::AccessDeniedException,
        "ORG-06",
    );
    rejected(
        &call(&mut w, "m", remove("x")),
        Exception::AccountNotFoundException,
        "ORG-06",
    );
    rejected(
        &call(&mut w, "m", remove("m")),
        Exception::MasterCannotLeaveOrganizationException,
        "ORG-06",
    );
    rejected(
        &call(&mut w, "m", remove("c")),
        Exception::ConstraintViolationException,
        "ORG-06",
    );
    rejected(
        &call(&mut w, "x", Op::LeaveOrganization),
        Exception::AWSOrganizationsNotInUseException,
        "ORG-08",
    );
    rejected(
        &call(&mut w, "m", Op::LeaveOrganization),
        Exception::MasterCannotLeaveOrganizationException,
        "ORG-06",
    );
    let o = call(&mut w, "c", Op::LeaveOrganization);
    rejected(&o, Exception::ConstraintViolationException, "ORG-06");
    assert!(
        o.result
            .unwrap_err()
            .message
            .contains("CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG")
    );
    assert_eq!(w.org.org_of(&"c".into()), Some(&Name::from("acme")));
}

// ----- ORG-07 -----------------------------------------------------------------------------------

#[test]
fn delete_organization_requires_no_members() {
    let mut w = org_world();
    ok(create_ou(&mut w, "dev", Parent::Root));
    rejected(
        &call(&mut w, "a", Op::DeleteOrganization),
        Exception::AccessDeniedException,
        "ORG-07",
    );
    rejected(
        &call(&mut w, "x", Op::DeleteOrganization),
        Exception::AWSOrganizationsNotInUseException,
        "ORG-08",
    );
    rejected(
        &call(&mut w, "m", Op::DeleteOrganization),
        Exception::OrganizationNotEmptyException,
        "ORG-07",
    );
    for a in ["a", "b", "c"] {
        ok(call(&mut w, a, Op::LeaveOrganization));
    }
    ok(call(&mut w, "m", Op::DeleteOrganization));
    assert!(w.observe().organizations.is_empty());
    assert_eq!(w.org.org_of(&"m".into()), None);
    // Its OU names are free again, and the account can found a new organization.
    ok(call(
        &mut w,
        "m",
        Op::CreateOrganization {
            organization: "acme".into(),
            feature_set: None,
        },
    ));
    ok(create_ou(&mut w, "dev", Parent::Root));
}

// ----- ORG-09 -----------------------------------------------------------------------------------

#[test]
fn trusted_access_is_per_service_and_management_only() {
    let mut w = org_world();
    let enable = |s| Op::EnableAWSServiceAccess { service: s };
    let disable = |s| Op::DisableAWSServiceAccess { service: s };
    rejected(
        &call(&mut w, "a", enable(Service::Ram)),
        Exception::AccessDeniedException,
        "ORG-09",
    );
    rejected(
        &call(&mut w, "x", enable(Service::Ram)),
        Exception::AWSOrganizationsNotInUseException,
        "ORG-08",
    );
    ok(call(&mut w, "m", enable(Service::Ram)));
    ok(call(&mut w, "m", enable(Service::Ram)));
    ok(call(&mut w, "m", enable(Service::ImageBuilder)));
    let view = &w.observe().organizations[&Name::from("acme")];
    assert_eq!(view.trusted_services, [Service::Ram, Service::ImageBuilder]);
    // Trusted access through Organizations alone does not turn on RAM org sharing (ORG-09).
    assert!(!view.ram_sharing_enabled);
    ok(call(&mut w, "m", disable(Service::ImageBuilder)));
    ok(call(&mut w, "m", disable(Service::ImageBuilder)));
    assert_eq!(
        w.observe().organizations[&Name::from("acme")].trusted_services,
        [Service::Ram]
    );
}

#[test]
fn disabling_ram_trusted_access_turns_off_ram_org_sharing() {
    let mut w = org_world();
    {
        let org = w.org.orgs.get_mut(&Name::from("acme")).unwrap();
        org.trusted.insert(Service::Ram);
        org.ram_sharing = true;
    }
    let o = call(
        &mut w,
        "m",
        Op::DisableAWSServiceAccess {
            service: Service::Ram,
        },
    );
    assert!(o.rules.contains(&"RAM-26"));
    ok(o);
    assert!(!w.observe().organizations[&Name::from("acme")].ram_sharing_enabled);
    // With RAM organization sharing already off, RAM-26 has nothing to decide.
    let o = call(
        &mut w,
        "m",
        Op::DisableAWSServiceAccess {
            service: Service::Ram,
        },
    );
    assert!(!o.rules.contains(&"RAM-26"));
    ok(o);
}

#[test]
fn trusted_access_needs_all_features() {
    let mut w = world();
    ok(call(
        &mut w,
        "m",
        Op::CreateOrganization {
            organization: "acme".into(),
            feature_set: Some(FeatureSet::ConsolidatedBilling),
        },
    ));
    let o = call(
        &mut w,
        "m",
        Op::EnableAWSServiceAccess {
            service: Service::Ram,
        },
    );
    rejected(&o, Exception::ConstraintViolationException, "ORG-09");
}

// ----- ORG-10, ORG-12, Q-10 ---------------------------------------------------------------------

fn register(w: &mut World, caller: &str, account: &str, service: Service) -> Outcome {
    call(
        w,
        caller,
        Op::RegisterDelegatedAdministrator {
            account: account.into(),
            service,
        },
    )
}

fn deregister(w: &mut World, caller: &str, account: &str, service: Service) -> Outcome {
    call(
        w,
        caller,
        Op::DeregisterDelegatedAdministrator {
            account: account.into(),
            service,
        },
    )
}

#[test]
fn register_delegated_administrator_for_service_catalog_needs_sc_access() {
    let mut w = org_world();
    let sc = Service::ServiceCatalog;
    // Trusted access alone is not enough: SC's EnableAWSOrganizationsAccess must come first.
    ok(call(
        &mut w,
        "m",
        Op::EnableAWSServiceAccess { service: sc },
    ));
    let o = register(&mut w, "m", "a", sc);
    rejected(&o, Exception::ConstraintViolationException, "SC-34");
    assert!(
        o.result
            .unwrap_err()
            .message
            .contains("SERVICE_ACCESS_NOT_ENABLED")
    );
    w.org.orgs.get_mut(&Name::from("acme")).unwrap().sc_access = true;
    let o = register(&mut w, "m", "a", sc);
    assert!(o.rules.contains(&"ORG-10") && o.rules.contains(&"SC-34"));
    ok(o);
    assert!(w.org.is_delegated_admin(&"a".into(), sc));
    assert!(!w.org.is_delegated_admin(&"a".into(), Service::Ram));
    assert!(!w.org.is_delegated_admin(&"b".into(), sc));
    assert_eq!(
        w.observe().organizations[&Name::from("acme")].delegated_administrators[&sc],
        [Name::from("a")]
    );
}

#[test]
fn register_delegated_administrator_errors() {
    let mut w = org_world();
    let ram = Service::Ram;
    rejected(
        &register(&mut w, "x", "a", ram),
        Exception::AWSOrganizationsNotInUseException,
        "ORG-08",
    );
    rejected(
        &register(&mut w, "a", "b", ram),
        Exception::AccessDeniedException,
        "ORG-10",
    );
    rejected(
        &register(&mut w, "m", "x", ram),
        Exception::AccountNotFoundException,
        "ORG-10",
    );
    let o = register(&mut w, "m", "m", ram);
    rejected(&o, Exception::ConstraintViolationException, "ORG-10");
    assert!(
        o.result
            .unwrap_err()
            .message
            .contains("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR")
    );
    let o = register(&mut w, "m", "a", ram);
    rejected(&o, Exception::ConstraintViolationException, "ORG-10");
    assert!(
        o.result
            .unwrap_err()
            .message
            .contains("SERVICE_ACCESS_NOT_ENABLED")
    );
    ok(call(
        &mut w,
        "m",
        Op::EnableAWSServiceAccess { service: ram },
    ));
    ok(register(&mut w, "m", "a", ram));
    rejected(
        &register(&mut w, "m", "a", ram),
        Exception::AccountAlreadyRegisteredException,
        "ORG-10",
    );
}

#[test]
fn delegated_administrators_are_limited_per_service() {
    let mut config = Config::default();
    config.quotas.delegated_administrators = 1;
    let mut w = world_with(config);
    ok(call(
        &mut w,
        "m",
        Op::CreateOrganization {
            organization: "acme".into(),
            feature_set: None,
        },
    ));
    for a in ["a", "b"] {
        ok(call(
            &mut w,
            "m",
            Op::InviteAccountToOrganization { account: a.into() },
        ));
    }
    w.org.orgs.get_mut(&Name::from("acme")).unwrap().sc_access = true;
    ok(register(&mut w, "m", "a", Service::ServiceCatalog));
    let o = register(&mut w, "m", "b", Service::ServiceCatalog);
    rejected(&o, Exception::ConstraintViolationException, "Q-10");
    assert!(
        o.result
            .unwrap_err()
            .message
            .contains("MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED")
    );
}

#[test]
fn deregister_delegated_administrator() {
    let mut w = org_world();
    let sc = Service::ServiceCatalog;
    w.org.orgs.get_mut(&Name::from("acme")).unwrap().sc_access = true;
    ok(register(&mut w, "m", "a", sc));
    rejected(
        &deregister(&mut w, "a", "a", sc),
        Exception::AccessDeniedException,
        "ORG-12",
    );
    rejected(
        &deregister(&mut w, "m", "x", sc),
        Exception::AccountNotFoundException,
        "ORG-12",
    );
    rejected(
        &deregister(&mut w, "m", "b", sc),
        Exception::AccountNotRegisteredException,
        "ORG-12",
    );
    rejected(
        &deregister(&mut w, "m", "a", Service::Ram),
        Exception::AccountNotRegisteredException,
        "ORG-12",
    );
    let o = deregister(&mut w, "m", "a", sc);
    assert!(o.rules.contains(&"ORG-12"));
    ok(o);
    assert!(!w.org.is_delegated_admin(&"a".into(), sc));
    assert!(
        w.observe().organizations[&Name::from("acme")]
            .delegated_administrators
            .is_empty()
    );
    // Once de-registered, the account may leave (ORG-06).
    ok(call(&mut w, "a", Op::LeaveOrganization));
}

#[test]
fn organizations_ignores_the_region() {
    let mut w = org_world();
    ok(call_in(
        &mut w,
        "m",
        "us-west-2",
        Op::CreateOrganizationalUnit {
            ou: "dev".into(),
            parent: Parent::Root,
        },
    ));
    assert!(w.org.org_of_ou(&"dev".into()).is_some());
}
