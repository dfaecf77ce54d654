//! Unit tests of RAM (RAM-01 to RAM-32, Q-11 to ): every
//! rule's allowed path and each error path with its exact exception and rule. The kit at the top
//! (sharing worlds, components, shares) is shared with the Image Builder tests.

// PANIC SAFETY: test code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::error::Exception;
use crate::name::Name;
use crate::observe::{AssociationView, RamView, ResourceShareView};
use crate::op::{
    AssociationType, FeatureSet, IbKind, IbOwner, IbRef, Op, Parent, RamPrincipal, RamResource,
    ResourceOwner, ResourcePolicy, RoleArn, Service,
};
use crate::response::Response;
pub(crate) use crate::services::org::tests::{
    call, call_in, create_ou, move_to, ok, org_world, rejected, world, world_with,
};
use crate::world::{Config, Outcome, World};

// ----- kit ----------------------------------------------------------------------------------

/// `acme` (management `m`, members `a`, `b`, `c`) with RAM org sharing enabled; `x` standalone.
pub(crate) fn sharing_world() -> World {
    let mut w = org_world();
    ok(call(&mut w, "m", Op::EnableSharingWithAwsOrganization));
    w
}

/// A reference to a resource of `owner`.
pub(crate) fn r(owner: &str, name: &str, version: &str) -> IbRef {
    IbRef {
        owner: Some(owner.into()),
        name: name.into(),
        version: Some(version.into()),
        build: None,
    }
}

/// A component of `owner` as a RAM resource.
pub(crate) fn comp(owner: &str, name: &str, version: &str) -> RamResource {
    RamResource {
        kind: IbKind::Component,
        resource: r(owner, name, version),
    }
}

pub(crate) fn acct(a: &str) -> RamPrincipal {
    RamPrincipal::Account(a.into())
}

/// Creates component `name` `version` as `owner` in us-east-1.
pub(crate) fn create_component(w: &mut World, owner: &str, name: &str, version: &str) -> Outcome {
    call(
        w,
        owner,
        Op::CreateComponent {
            component: name.into(),
            version: version.into(),
            kms_key: None,
        },
    )
}

/// Creates a share.
pub(crate) fn create_share(
    w: &mut World,
    owner: &str,
    name: &str,
    resources: Vec<RamResource>,
    principals: Vec<RamPrincipal>,
) -> Outcome {
    call(
        w,
        owner,
        Op::CreateResourceShare {
            share: name.into(),
            resources,
            principals,
            allow_external_principals: None,
            retain_sharing_on_account_leave_organization: false,
        },
    )
}

/// `a` owns component `base` 1.0.0 and shares it with `principals` in share `s`.
pub(crate) fn shared_base(w: &mut World, principals: Vec<RamPrincipal>) {
    ok(create_component(w, "a", "base", "1.0.0"));
    ok(create_share(
        w,
        "a",
        "s",
        vec![comp("a", "base", "1.0.0")],
        principals,
    ));
}

/// Whether `account` can read `owner`'s component by reference (GetComponent).
pub(crate) fn can_get(w: &mut World, account: &str, owner: &str, name: &str) -> bool {
    call(
        w,
        account,
        Op::GetComponent {
            component: IbRef {
                owner: Some(owner.into()),
                name: name.into(),
                version: None,
                build: None,
            },
        },
    )
    .result
    .is_ok()
}

pub(crate) fn ram_view(w: &World, account: &str) -> RamView {
    w.observe().accounts[&Name::from(account)].regions[&"us-east-1".into()]
        .ram
        .as_ref()
        .clone()
}

pub(crate) fn share_view(w: &World, owner: &str, share: &str) -> ResourceShareView {
    ram_view(w, owner)
        .shares
        .into_iter()
        .find(|s| s.name == Name::from(share))
        .unwrap()
}

fn principal_status(w: &World, owner: &str, share: &str, entity: &str) -> String {
    share_view(w, owner, share)
        .principals
        .into_iter()
        .find(|p| p.entity == entity)
        .map(|p| p.status)
        .unwrap()
}

fn accept(w: &mut World, account: &str, share: &str) -> Outcome {
    call(
        w,
        account,
        Op::AcceptResourceShareInvitation {
            share: share.into(),
        },
    )
}

fn reject_inv(w: &mut World, account: &str, share: &str) -> Outcome {
    call(
        w,
        account,
        Op::RejectResourceShareInvitation {
            share: share.into(),
        },
    )
}

fn invitation_statuses(w: &World, account: &str) -> Vec<String> {
    ram_view(w, account)
        .invitations
        .into_iter()
        .map(|i| i.status)
        .collect()
}

fn disassociate(
    w: &mut World,
    account: &str,
    share: &str,
    resources: Vec<RamResource>,
    principals: Vec<RamPrincipal>,
) -> Outcome {
    call(
        w,
        account,
        Op::DisassociateResourceShare {
            share: share.into(),
            resources,
            principals,
        },
    )
}

fn associate(
    w: &mut World,
    account: &str,
    share: &str,
    resources: Vec<RamResource>,
    principals: Vec<RamPrincipal>,
) -> Outcome {
    call(
        w,
        account,
        Op::AssociateResourceShare {
            share: share.into(),
            resources,
            principals,
        },
    )
}

/// `b` creates recipe `app` 1.0.0 from `a`'s `base` (a dependency, IB-15).
pub(crate) fn consumer_recipe(w: &mut World, consumer: &str) -> Outcome {
    call(
        w,
        consumer,
        Op::CreateImageRecipe {
            recipe: "app".into(),
            version: "1.0.0".into(),
            components: vec![r("a", "base", "x.x.x")],
            parent_image: crate::op::ParentImage::Ami("ami-1".into()),
        },
    )
}

// ----- RAM-08, RAM-09, RAM-10, IB-08: how principals start ----------------------------------

#[test]
fn in_org_principals_are_associated_at_once_without_invitations() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let o = create_share(
        &mut w,
        "a",
        "s",
        vec![comp("a", "base", "1.0.0")],
        vec![acct("b")],
    );
    assert!(o.rules.contains(&"RAM-08") && o.rules.contains(&"RAM-03"));
    ok(o);
    assert_eq!(principal_status(&w, "a", "s", "account:b"), "ASSOCIATED");
    assert!(ram_view(&w, "b").invitations.is_empty());
    assert!(can_get(&mut w, "b", "a", "base"));
    assert!(!can_get(&mut w, "c", "a", "base"));
    let view = ram_view(&w, "b");
    assert_eq!(view.accessible_resources.len(), 1);
    assert_eq!(view.received[0].status, "ACTIVE");
}

#[test]
fn without_org_sharing_even_members_get_invitations() {
    let mut w = org_world();
    shared_base(&mut w, vec![acct("b")]);
    assert_eq!(principal_status(&w, "a", "s", "account:b"), "ASSOCIATING");
    assert_eq!(invitation_statuses(&w, "b"), vec!["PENDING"]);
    assert!(!can_get(&mut w, "b", "a", "base"));
    assert_eq!(ram_view(&w, "b").received[0].status, "PENDING");
    assert!(ram_view(&w, "b").accessible_resources.is_empty());
    let o = accept(&mut w, "b", "s");
    assert!(o.rules.contains(&"RAM-11"));
    ok(o);
    assert_eq!(principal_status(&w, "a", "s", "account:b"), "ASSOCIATED");
    assert_eq!(invitation_statuses(&w, "b"), vec!["ACCEPTED"]);
    assert!(can_get(&mut w, "b", "a", "base"));
    assert_eq!(ram_view(&w, "b").received[0].status, "ACTIVE");
}

#[test]
fn external_accounts_are_invited_and_flagged_external() {
    let mut w = sharing_world();
    let o = {
        ok(create_component(&mut w, "a", "base", "1.0.0"));
        create_share(
            &mut w,
            "a",
            "s",
            vec![comp("a", "base", "1.0.0")],
            vec![acct("x")],
        )
    };
    assert!(o.rules.contains(&"RAM-09"));
    let p = share_view(&w, "a", "s").principals;
    assert_eq!(
        p,
        vec![AssociationView {
            entity: "account:x".into(),
            status: "ASSOCIATING".into(),
            external: true
        }]
    );
    assert_eq!(invitation_statuses(&w, "x"), vec!["PENDING"]);
}

#[test]
fn the_owner_itself_is_associated_without_invitation() {
    let mut w = world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let o = create_share(
        &mut w,
        "a",
        "s",
        vec![comp("a", "base", "1.0.0")],
        vec![acct("a")],
    );
    assert!(o.rules.contains(&"RAM-10"));
    assert_eq!(principal_status(&w, "a", "s", "account:a"), "ASSOCIATED");
    assert!(ram_view(&w, "a").invitations.is_empty());
}

#[test]
fn iam_principals_cover_only_that_principal() {
    let mut w = sharing_world();
    ok(call(&mut w, "b", Op::CreateRole { role: "dev".into() }));
    shared_base(
        &mut w,
        vec![RamPrincipal::Role(RoleArn {
            account: "b".into(),
            role: "dev".into(),
        })],
    );
    // The account as a whole (no principal) is not covered.
    assert!(!can_get(&mut w, "b", "a", "base"));
    let as_role = w.apply(&crate::op::Call {
        account: "b".into(),
        principal: Some(crate::op::Principal::Role("dev".into())),
        region: "us-east-1".into(),
        op: Op::GetComponent {
            component: r("a", "base", "1.0.0"),
        },
    });
    ok(as_role);
    // An IAM principal that does not exist is unknown.
    let o = associate(
        &mut w,
        "a",
        "s",
        vec![],
        vec![RamPrincipal::User {
            account: "b".into(),
            user: "nobody".into(),
        }],
    );
    rejected(&o, Exception::UnknownResourceException, "IAM-01");
}

/// Applies `op` as the IAM principal `principal` of `account` in us-east-1.
fn call_as(w: &mut World, account: &str, principal: crate::op::Principal, op: Op) -> Outcome {
    let o = w.apply(&crate::op::Call {
        account: account.into(),
        principal: Some(principal),
        region: "us-east-1".into(),
        op,
    });
    w.check_indexes().unwrap();
    o
}

#[test]
fn listings_answer_for_the_calling_principal_and_an_iam_principal_covers_only_itself() {
    // RAM-23: an IAM role principal covers that role only; RAM-27, RAM-28 and IB-23 list what
    // the caller can use, so the role lists the share and the component, while the account's
    // other callers (the account itself, another user) list nothing.
    use crate::op::Principal;
    let mut w = sharing_world();
    ok(call(&mut w, "b", Op::CreateRole { role: "dev".into() }));
    ok(call(&mut w, "b", Op::CreateUser { user: "ops".into() }));
    shared_base(
        &mut w,
        vec![RamPrincipal::Role(RoleArn {
            account: "b".into(),
            role: "dev".into(),
        })],
    );
    let dev = || Principal::Role("dev".into());
    let ops = || Principal::User("ops".into());
    let shares = |w: &mut World, p: Option<Principal>| {
        let op = Op::GetResourceShares {
            resource_owner: ResourceOwner::OtherAccounts,
        };
        match p {
            Some(p) => ok(call_as(w, "b", p, op)),
            None => ok(call(w, "b", op)),
        }
    };
    let resources = |w: &mut World, p: Option<Principal>| {
        let op = Op::ListResources {
            resource_owner: ResourceOwner::OtherAccounts,
        };
        match p {
            Some(p) => ok(call_as(w, "b", p, op)),
            None => ok(call(w, "b", op)),
        }
    };
    let listed = |w: &mut World, p: Option<Principal>| {
        let op = Op::ListComponents {
            owner: Some(IbOwner::Shared),
        };
        match p {
            Some(p) => ok(call_as(w, "b", p, op)),
            None => ok(call(w, "b", op)),
        }
    };
    let Response::ReceivedShares(as_dev) = shares(&mut w, Some(dev())) else {
        panic!("not a share listing");
    };
    assert_eq!(as_dev.len(), 1);
    assert_eq!(
        (as_dev[0].name.as_str(), as_dev[0].status.as_str()),
        ("s", "ACTIVE")
    );
    assert_eq!(shares(&mut w, None), Response::ReceivedShares(vec![]));
    assert_eq!(
        shares(&mut w, Some(ops())),
        Response::ReceivedShares(vec![])
    );
    let arn = w.observe().accounts[&Name::from("a")].regions[&"us-east-1".into()]
        .ib
        .owned[0]
        .arn
        .clone();
    assert_eq!(
        resources(&mut w, Some(dev())),
        Response::Resources(vec![arn.clone()])
    );
    assert_eq!(resources(&mut w, None), Response::Resources(vec![]));
    assert_eq!(resources(&mut w, Some(ops())), Response::Resources(vec![]));
    let Response::IbResources(views) = listed(&mut w, Some(dev())) else {
        panic!("not a resource listing");
    };
    assert_eq!(
        views.iter().map(|v| v.arn.clone()).collect::<Vec<_>>(),
        vec![arn.clone()]
    );
    assert_eq!(listed(&mut w, None), Response::IbResources(vec![]));
    // The observation: the account's own view shows nothing; the role's view shows both.
    let v = ram_view(&w, "b");
    assert!(v.received.is_empty() && v.accessible_resources.is_empty());
    let role_view = &v.principals["role/dev"];
    assert_eq!(role_view.received, as_dev);
    assert_eq!(role_view.accessible_resources, vec![arn]);
    assert_eq!(
        v.principals.len(),
        1,
        "only principals a share names are shown"
    );
    // Removing the role from the share takes it all away.
    ok(call(
        &mut w,
        "a",
        Op::DisassociateResourceShare {
            share: "s".into(),
            resources: vec![],
            principals: vec![RamPrincipal::Role(RoleArn {
                account: "b".into(),
                role: "dev".into(),
            })],
        },
    ));
    assert_eq!(
        shares(&mut w, Some(dev())),
        Response::ReceivedShares(vec![])
    );
    assert!(ram_view(&w, "b").principals.is_empty());
}

// ----- RAM-11 to RAM-15, A-18, A-20: invitations --------------------------------------------

#[test]
fn invitation_answers_are_final() {
    let mut w = world();
    shared_base(&mut w, vec![acct("b"), acct("c")]);
    ok(accept(&mut w, "b", "s"));
    rejected(
        &accept(&mut w, "b", "s"),
        Exception::ResourceShareInvitationAlreadyAcceptedException,
        "RAM-11",
    );
    let o = reject_inv(&mut w, "c", "s");
    assert!(o.rules.contains(&"RAM-12"));
    ok(o);
    assert_eq!(principal_status(&w, "a", "s", "account:c"), "FAILED");
    assert!(!can_get(&mut w, "c", "a", "base"));
    rejected(
        &accept(&mut w, "c", "s"),
        Exception::ResourceShareInvitationAlreadyRejectedException,
        "RAM-11",
    );
    // Nobody else can answer, and unknown shares have no invitation.
    rejected(
        &accept(&mut w, "x", "s"),
        Exception::ResourceShareInvitationArnNotFoundException,
        "RAM-11",
    );
    rejected(
        &accept(&mut w, "b", "nope"),
        Exception::ResourceShareInvitationArnNotFoundException,
        "RAM-11",
    );
}

#[test]
fn invitations_expire_after_the_lifetime_and_must_be_sent_again() {
    let mut w = world();
    shared_base(&mut w, vec![acct("b")]);
    ok(call(&mut w, "a", Op::AdvanceTime { hours: 11 }));
    assert_eq!(invitation_statuses(&w, "b"), vec!["PENDING"]);
    let o = call(&mut w, "a", Op::AdvanceTime { hours: 1 });
    assert!(o.rules.contains(&"RAM-13") && o.rules.contains(&"Q-16"));
    assert_eq!(invitation_statuses(&w, "b"), vec!["EXPIRED"]);
    assert_eq!(principal_status(&w, "a", "s", "account:b"), "FAILED");
    rejected(
        &accept(&mut w, "b", "s"),
        Exception::ResourceShareInvitationExpiredException,
        "RAM-13",
    );
    // associating the principal again sends a new invitation.
    ok(associate(&mut w, "a", "s", vec![], vec![acct("b")]));
    assert_eq!(invitation_statuses(&w, "b"), vec!["EXPIRED", "PENDING"]);
    ok(accept(&mut w, "b", "s"));
    assert!(can_get(&mut w, "b", "a", "base"));
    assert_eq!(w.observe().clock_hours, 12);
}

#[test]
fn the_invitation_lifetime_is_a_parameter() {
    let mut config = Config::default();
    config.quotas.invitation_lifetime_hours = 2;
    let mut w = world_with(config);
    shared_base(&mut w, vec![acct("b")]);
    ok(call(&mut w, "a", Op::AdvanceTime { hours: 2 }));
    assert_eq!(invitation_statuses(&w, "b"), vec!["EXPIRED"]);
}

#[test]
fn a_withdrawn_principal_s_invitation_cannot_be_answered() {
    let mut w = world();
    shared_base(&mut w, vec![acct("b")]);
    ok(disassociate(&mut w, "a", "s", vec![], vec![acct("b")]));
    rejected(
        &accept(&mut w, "b", "s"),
        Exception::ResourceShareInvitationArnNotFoundException,
        "RAM-11",
    );
    assert!(invitation_statuses(&w, "b").is_empty());
    // disassociate and associate again makes a new invitation.
    ok(associate(&mut w, "a", "s", vec![], vec![acct("b")]));
    assert_eq!(invitation_statuses(&w, "b"), vec!["PENDING"]);
    // deleting the share withdraws it too.
    ok(call(
        &mut w,
        "a",
        Op::DeleteResourceShare { share: "s".into() },
    ));
    rejected(
        &accept(&mut w, "b", "s"),
        Exception::ResourceShareInvitationArnNotFoundException,
        "RAM-11",
    );
}

#[test]
fn get_resource_share_invitations_lists_only_received_ones() {
    let mut w = world();
    shared_base(&mut w, vec![acct("b")]);
    let o = call(&mut w, "b", Op::GetResourceShareInvitations);
    assert!(o.rules.contains(&"RAM-14"));
    match ok(o) {
        Response::Invitations(v) => {
            assert_eq!(v.len(), 1);
            assert_eq!(v[0].sender, Name::from("a"));
        }
        other => panic!("{other:?}"),
    }
    match ok(call(&mut w, "a", Op::GetResourceShareInvitations)) {
        Response::Invitations(v) => assert!(v.is_empty()),
        other => panic!("{other:?}"),
    }
}

// ----- RAM-04, A-19, IB-04, INV-02: only owned resources -----------------------------------

#[test]
fn resources_not_owned_end_in_failed_associations() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    // b tries to share a's component (shared with it) onwards: no resharing.
    let o = create_share(
        &mut w,
        "b",
        "reshare",
        vec![comp("a", "base", "1.0.0"), comp("b", "ghost", "1.0.0")],
        vec![acct("c")],
    );
    assert!(o.rules.contains(&"RAM-04") && o.rules.contains(&"A-19"));
    ok(o);
    let v = share_view(&w, "b", "reshare");
    assert_eq!(v.resources.len(), 2);
    assert!(v.resources.iter().all(|r| r.status == "FAILED"));
    assert!(!can_get(&mut w, "c", "a", "base"));
}

#[test]
fn wildcard_resource_arns_are_malformed() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let o = create_share(
        &mut w,
        "a",
        "s",
        vec![comp("a", "base", "1.x.x")],
        vec![acct("b")],
    );
    rejected(&o, Exception::MalformedArnException, "RAM-03");
}

// ----- RAM-05, RAM-06, RAM-07, A-08, IB-03, IB-05: principals ------------------------------

#[test]
fn unknown_account_principals_are_malformed() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let o = create_share(&mut w, "a", "s", vec![], vec![acct("nobody")]);
    rejected(&o, Exception::InvalidParameterException, "RAM-05");
}

#[test]
fn org_principals_need_org_sharing_and_the_own_organization() {
    let mut w = org_world();
    let org = RamPrincipal::Organization("acme".into());
    let o = create_share(&mut w, "a", "s", vec![], vec![org.clone()]);
    rejected(&o, Exception::UnknownResourceException, "RAM-06");
    assert!(o.rules.contains(&"IB-05"));
    rejected(
        &create_share(
            &mut w,
            "a",
            "s",
            vec![],
            vec![RamPrincipal::Organization("nope".into())],
        ),
        Exception::UnknownResourceException,
        "RAM-06",
    );
    ok(call(&mut w, "m", Op::EnableSharingWithAwsOrganization));
    shared_base_org(&mut w, org);
    assert_eq!(principal_status(&w, "a", "s", "org:acme"), "ASSOCIATED");
    for account in ["m", "b", "c"] {
        assert!(can_get(&mut w, account, "a", "base"), "{account}");
    }
    assert!(!can_get(&mut w, "x", "a", "base"));
}

fn shared_base_org(w: &mut World, principal: RamPrincipal) {
    ok(create_component(w, "a", "base", "1.0.0"));
    ok(create_share(
        w,
        "a",
        "s",
        vec![comp("a", "base", "1.0.0")],
        vec![principal],
    ));
}

/// A second organization `other` managed by `x`, with RAM sharing on.
fn foreign_org(w: &mut World) {
    ok(call(
        w,
        "x",
        Op::CreateOrganization {
            organization: "other".into(),
            feature_set: None,
        },
    ));
    ok(call(w, "x", Op::EnableSharingWithAwsOrganization));
}

#[test]
fn foreign_organizations_follow_ram_unless_the_a08_switch_is_on() {
    let mut w = sharing_world();
    foreign_org(&mut w);
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let foreign = RamPrincipal::Organization("other".into());
    let o = create_share(
        &mut w,
        "a",
        "s",
        vec![comp("a", "base", "1.0.0")],
        vec![foreign.clone()],
    );
    rejected(&o, Exception::UnknownResourceException, "RAM-06");
    assert!(o.rules.contains(&"A-08"));

    let mut w = world_with(Config {
        allow_foreign_org_principals: true,
        ..Config::default()
    });
    for (acct_, op) in [
        (
            "m",
            Op::CreateOrganization {
                organization: "acme".into(),
                feature_set: None,
            },
        ),
        (
            "m",
            Op::InviteAccountToOrganization {
                account: "a".into(),
            },
        ),
        ("m", Op::EnableSharingWithAwsOrganization),
    ] {
        ok(call(&mut w, acct_, op));
    }
    foreign_org(&mut w);
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let o = create_share(
        &mut w,
        "a",
        "s",
        vec![comp("a", "base", "1.0.0")],
        vec![foreign],
    );
    assert!(o.rules.contains(&"IB-03"));
    ok(o);
    let p = &share_view(&w, "a", "s").principals[0];
    assert_eq!((p.status.as_str(), p.external), ("ASSOCIATED", true));
    assert!(can_get(&mut w, "x", "a", "base"));
}

#[test]
fn no_external_principals_when_the_share_forbids_them() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let o = call(
        &mut w,
        "a",
        Op::CreateResourceShare {
            share: "s".into(),
            resources: vec![comp("a", "base", "1.0.0")],
            principals: vec![acct("b"), acct("x")],
            allow_external_principals: Some(false),
            retain_sharing_on_account_leave_organization: false,
        },
    );
    rejected(&o, Exception::InvalidParameterException, "RAM-07");
    assert!(ram_view(&w, "a").shares.is_empty());
}

// ----- ORG-11, RAM-23, RAM-24, RAM-26, A-17: access follows the current tree ----------------

#[test]
fn ou_principals_follow_the_current_tree() {
    let mut w = sharing_world();
    ok(create_ou(&mut w, "dev", Parent::Root));
    ok(create_ou(&mut w, "team", Parent::Ou("dev".into())));
    ok(move_to(
        &mut w,
        "b",
        Parent::Root,
        Parent::Ou("team".into()),
    ));
    shared_base_org(&mut w, RamPrincipal::OrganizationalUnit("dev".into()));
    assert!(can_get(&mut w, "b", "a", "base"));
    assert!(!can_get(&mut w, "c", "a", "base"));
    ok(move_to(&mut w, "c", Parent::Root, Parent::Ou("dev".into())));
    assert!(can_get(&mut w, "c", "a", "base"));
    ok(move_to(
        &mut w,
        "b",
        Parent::Ou("team".into()),
        Parent::Root,
    ));
    assert!(!can_get(&mut w, "b", "a", "base"));
}

fn remove(w: &mut World, account: &str) -> Outcome {
    call(
        w,
        "m",
        Op::RemoveAccountFromOrganization {
            account: account.into(),
        },
    )
}

#[test]
fn leaving_the_organization_loses_org_access_unless_retained() {
    for retain in [false, true] {
        let mut w = sharing_world();
        ok(create_component(&mut w, "a", "base", "1.0.0"));
        ok(call(
            &mut w,
            "a",
            Op::CreateResourceShare {
                share: "s".into(),
                resources: vec![comp("a", "base", "1.0.0")],
                principals: vec![RamPrincipal::Organization("acme".into())],
                allow_external_principals: None,
                retain_sharing_on_account_leave_organization: retain,
            },
        ));
        assert!(can_get(&mut w, "b", "a", "base"));
        let o = remove(&mut w, "b");
        assert!(o.rules.contains(&"RAM-24"));
        assert_eq!(can_get(&mut w, "b", "a", "base"), retain, "retain={retain}");
        assert!(can_get(&mut w, "c", "a", "base"));
    }
}

#[test]
fn disabling_trusted_access_for_ram_removes_org_principals() {
    let mut w = sharing_world();
    shared_base_org(&mut w, RamPrincipal::Organization("acme".into()));
    assert!(can_get(&mut w, "b", "a", "base"));
    let o = call(
        &mut w,
        "m",
        Op::DisableAWSServiceAccess {
            service: Service::Ram,
        },
    );
    assert!(o.rules.contains(&"RAM-26"));
    ok(o);
    assert_eq!(principal_status(&w, "a", "s", "org:acme"), "DISASSOCIATED");
    assert!(!can_get(&mut w, "b", "a", "base"));
}

#[test]
fn explicit_principals_leaving_a_share_that_forbids_externals_fail() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    ok(call(
        &mut w,
        "a",
        Op::CreateResourceShare {
            share: "s".into(),
            resources: vec![comp("a", "base", "1.0.0")],
            principals: vec![acct("b"), acct("c")],
            allow_external_principals: Some(false),
            retain_sharing_on_account_leave_organization: false,
        },
    ));
    let o = remove(&mut w, "b");
    assert!(o.rules.contains(&"A-17"));
    assert_eq!(principal_status(&w, "a", "s", "account:b"), "FAILED");
    assert_eq!(principal_status(&w, "a", "s", "account:c"), "ASSOCIATED");
    assert!(!can_get(&mut w, "b", "a", "base"));
    // With external principals allowed, an explicit account keeps its access.
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    assert!(!share_view(&w, "a", "s").principals[0].external);
    ok(remove(&mut w, "b"));
    assert!(can_get(&mut w, "b", "a", "base"));
    // The association now reports the principal as outside the owner's organization.
    assert!(share_view(&w, "a", "s").principals[0].external);
}

// ----- RAM-01, IB-06: per Region -------------------------------------------------------------

#[test]
fn shares_live_in_one_region_and_never_replicate() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    let in_west = call_in(
        &mut w,
        "b",
        "us-west-2",
        Op::GetComponent {
            component: r("a", "base", "1.0.0"),
        },
    );
    rejected(&in_west, Exception::ResourceNotFoundException, "IB-20");
    let west = &w.observe().accounts[&Name::from("b")].regions[&"us-west-2".into()];
    assert!(west.ram.received.is_empty() && west.ib.shared.is_empty());
    // A share in us-west-2 cannot hold the us-east-1 component, nor be changed from us-east-1.
    ok(call_in(
        &mut w,
        "a",
        "us-west-2",
        Op::CreateResourceShare {
            share: "w".into(),
            resources: vec![comp("a", "base", "1.0.0")],
            principals: vec![acct("b")],
            allow_external_principals: None,
            retain_sharing_on_account_leave_organization: false,
        },
    ));
    let west = &w.observe().accounts[&Name::from("a")].regions[&"us-west-2".into()];
    assert_eq!(west.ram.shares[0].resources[0].status, "FAILED");
    rejected(
        &associate(&mut w, "a", "w", vec![], vec![acct("c")]),
        Exception::UnknownResourceException,
        "RAM-01",
    );
}

// ----- RAM-16, RAM-17, RAM-18, RAM-19, RAM-20: changing shares ------------------------------

#[test]
fn associate_adds_to_existing_principals_and_is_owner_only() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    ok(create_component(&mut w, "a", "extra", "1.0.0"));
    assert!(!can_get(&mut w, "b", "a", "extra"));
    let o = associate(&mut w, "a", "s", vec![comp("a", "extra", "1.0.0")], vec![]);
    assert!(o.rules.contains(&"RAM-16"));
    ok(o);
    assert!(can_get(&mut w, "b", "a", "extra"));
    // Re-adding is a no-op.
    ok(associate(
        &mut w,
        "a",
        "s",
        vec![comp("a", "extra", "1.0.0")],
        vec![acct("b")],
    ));
    assert_eq!(share_view(&w, "a", "s").resources.len(), 2);
    // Consumers cannot modify; strangers do not see the share.
    rejected(
        &associate(&mut w, "b", "s", vec![], vec![acct("c")]),
        Exception::OperationNotPermittedException,
        "RAM-16",
    );
    rejected(
        &associate(&mut w, "c", "s", vec![], vec![acct("c")]),
        Exception::UnknownResourceException,
        "RAM-01",
    );
    rejected(
        &associate(&mut w, "a", "nope", vec![], vec![acct("c")]),
        Exception::UnknownResourceException,
        "RAM-01",
    );
}

#[test]
fn the_resource_limit_per_call_is_enforced() {
    let mut config = Config::default();
    config.quotas.resources_per_call = 1;
    let mut w = world_with(config);
    ok(create_component(&mut w, "a", "one", "1.0.0"));
    ok(create_component(&mut w, "a", "two", "1.0.0"));
    let o = create_share(
        &mut w,
        "a",
        "s",
        vec![comp("a", "one", "1.0.0"), comp("a", "two", "1.0.0")],
        vec![],
    );
    rejected(&o, Exception::ResourceShareLimitExceededException, "Q-14");
}

#[test]
fn disassociating_a_resource_takes_access_away() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    let o = disassociate(&mut w, "a", "s", vec![comp("a", "base", "1.0.0")], vec![]);
    assert!(o.rules.contains(&"RAM-17") && o.rules.contains(&"IB-14"));
    ok(o);
    assert!(!can_get(&mut w, "b", "a", "base"));
    rejected(
        &disassociate(&mut w, "a", "s", vec![comp("a", "base", "1.0.0")], vec![]),
        Exception::UnknownResourceException,
        "RAM-17",
    );
}

#[test]
fn owners_cannot_unshare_while_consumers_depend() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    ok(consumer_recipe(&mut w, "b"));
    rejected(
        &disassociate(&mut w, "a", "s", vec![comp("a", "base", "1.0.0")], vec![]),
        Exception::OperationNotPermittedException,
        "IB-15",
    );
    rejected(
        &disassociate(&mut w, "a", "s", vec![], vec![acct("b")]),
        Exception::OperationNotPermittedException,
        "IB-15",
    );
    rejected(
        &call(&mut w, "a", Op::DeleteResourceShare { share: "s".into() }),
        Exception::OperationNotPermittedException,
        "IB-15",
    );
    assert!(can_get(&mut w, "b", "a", "base"));
    // Once the consumer removes its dependency, the owner can unshare.
    ok(call(
        &mut w,
        "b",
        Op::DeleteImageRecipe {
            recipe: IbRef {
                owner: None,
                name: "app".into(),
                version: Some("1.0.0".into()),
                build: None,
            },
        },
    ));
    ok(disassociate(
        &mut w,
        "a",
        "s",
        vec![comp("a", "base", "1.0.0")],
        vec![],
    ));
}

#[test]
fn consumers_added_individually_can_leave() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    let o = disassociate(&mut w, "b", "s", vec![], vec![acct("b")]);
    assert!(o.rules.contains(&"RAM-18"));
    ok(o);
    assert!(!can_get(&mut w, "b", "a", "base"));

    let mut w = sharing_world();
    shared_base_org(&mut w, RamPrincipal::Organization("acme".into()));
    rejected(
        &disassociate(&mut w, "b", "s", vec![], vec![acct("b")]),
        Exception::OperationNotPermittedException,
        "RAM-18",
    );
    rejected(
        &disassociate(&mut w, "b", "s", vec![comp("a", "base", "1.0.0")], vec![]),
        Exception::OperationNotPermittedException,
        "RAM-17",
    );
}

#[test]
fn deleted_shares_grant_nothing_and_cannot_change() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    let o = call(&mut w, "a", Op::DeleteResourceShare { share: "s".into() });
    assert!(o.rules.contains(&"RAM-19"));
    ok(o);
    let v = share_view(&w, "a", "s");
    assert_eq!(v.status, "DELETED");
    assert!(v.principals.iter().all(|p| p.status == "DISASSOCIATED"));
    assert!(!can_get(&mut w, "b", "a", "base"));
    assert!(ram_view(&w, "b").received.is_empty());
    rejected(
        &associate(&mut w, "a", "s", vec![], vec![acct("c")]),
        Exception::InvalidStateTransitionException,
        "RAM-19",
    );
    rejected(
        &call(&mut w, "a", Op::DeleteResourceShare { share: "s".into() }),
        Exception::InvalidStateTransitionException,
        "RAM-19",
    );
    assert!(!ram_view(&w, "a").shares.is_empty());
    assert!(
        !w.observe().accounts[&Name::from("a")].regions[&"us-east-1".into()]
            .usage
            .contains_key("Q-11")
    );
}

#[test]
fn update_refuses_to_forbid_externals_that_exist() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("x")]);
    let update = |flag| Op::UpdateResourceShare {
        share: "s".into(),
        allow_external_principals: Some(flag),
    };
    let o = call(&mut w, "a", update(false));
    rejected(&o, Exception::InvalidParameterException, "RAM-20");
    assert!(o.rules.contains(&"A-26"));
    assert!(share_view(&w, "a", "s").allow_external_principals);
    ok(disassociate(&mut w, "a", "s", vec![], vec![acct("x")]));
    let o = call(&mut w, "a", update(false));
    assert!(o.rules.contains(&"RAM-20"));
    ok(o);
    assert!(!share_view(&w, "a", "s").allow_external_principals);
    rejected(
        &call(&mut w, "b", update(true)),
        Exception::UnknownResourceException,
        "RAM-01",
    );
}

// ----- RAM-22, RAM-25 -----------------------------------------------------------------------

#[test]
fn the_share_name_is_a_client_token() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let make = |w: &mut World, p| create_share(w, "a", "s", vec![comp("a", "base", "1.0.0")], p);
    let first = ok(make(&mut w, vec![acct("b")]));
    let again = make(&mut w, vec![acct("b")]);
    assert!(again.rules.contains(&"RAM-22"));
    assert_eq!(ok(again), first);
    assert_eq!(ram_view(&w, "a").shares.len(), 1);
    rejected(
        &make(&mut w, vec![acct("c")]),
        Exception::IdempotentParameterMismatchException,
        "RAM-22",
    );
}

#[test]
fn only_the_management_account_of_an_all_features_org_enables_sharing() {
    let mut w = org_world();
    for account in ["a", "x"] {
        rejected(
            &call(&mut w, account, Op::EnableSharingWithAwsOrganization),
            Exception::OperationNotPermittedException,
            "RAM-25",
        );
    }
    let o = call(&mut w, "m", Op::EnableSharingWithAwsOrganization);
    assert!(o.rules.contains(&"RAM-25"));
    ok(o);
    let org = &w.observe().organizations[&Name::from("acme")];
    assert!(org.ram_sharing_enabled && org.trusted_services.contains(&Service::Ram));

    let mut w = world();
    ok(call(
        &mut w,
        "m",
        Op::CreateOrganization {
            organization: "cb".into(),
            feature_set: Some(FeatureSet::ConsolidatedBilling),
        },
    ));
    rejected(
        &call(&mut w, "m", Op::EnableSharingWithAwsOrganization),
        Exception::OperationNotPermittedException,
        "RAM-25",
    );
}

// ----- RAM-27, RAM-28, RAM-30, RAM-31: listings and shares from policies --------------------

fn put_policy(w: &mut World, principals: &[&str], actions: Option<Vec<&str>>) -> Outcome {
    call(
        w,
        "a",
        Op::PutComponentPolicy {
            component: r("a", "base", "1.0.0"),
            policy: ResourcePolicy {
                principals: principals.iter().map(|p| Name::from(*p)).collect(),
                actions: actions.map(|v| v.into_iter().map(str::to_owned).collect()),
            },
        },
    )
}

fn promote(w: &mut World, account: &str) -> Outcome {
    call(
        w,
        account,
        Op::PromoteResourceShareCreatedFromPolicy {
            resource: comp("a", "base", "1.0.0"),
        },
    )
}

#[test]
fn policy_shares_are_visible_to_the_owner_only_until_promoted() {
    let mut w = world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let o = put_policy(&mut w, &["b"], None);
    assert!(o.rules.contains(&"RAM-30"));
    ok(o);
    let own = ram_view(&w, "a").shares;
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].feature_set, "CREATED_FROM_POLICY");
    assert!(ram_view(&w, "b").received.is_empty());
    assert!(ram_view(&w, "b").accessible_resources.is_empty());
    // RAM-30: such a share cannot be changed in RAM.
    let name = own[0].name.clone();
    rejected(
        &call(
            &mut w,
            "a",
            Op::AssociateResourceShare {
                share: name.clone(),
                resources: vec![],
                principals: vec![acct("c")],
            },
        ),
        Exception::OperationNotPermittedException,
        "RAM-30",
    );
    rejected(
        &promote(&mut w, "b"),
        Exception::UnknownResourceException,
        "RAM-31",
    );
    let o = promote(&mut w, "a");
    assert!(o.rules.contains(&"RAM-31"));
    ok(o);
    assert_eq!(share_view(&w, "a", name.as_str()).feature_set, "STANDARD");
    assert_eq!(ram_view(&w, "b").received.len(), 1);
    assert_eq!(ram_view(&w, "b").accessible_resources.len(), 1);
    rejected(
        &promote(&mut w, "a"),
        Exception::InvalidStateTransitionException,
        "RAM-31",
    );
}

#[test]
fn promotion_needs_a_policy_matching_a_managed_permission() {
    let mut w = world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    ok(put_policy(
        &mut w,
        &["b"],
        Some(vec!["imagebuilder:GetComponent"]),
    ));
    rejected(
        &promote(&mut w, "a"),
        Exception::UnmatchedPolicyPermissionException,
        "RAM-31",
    );
}

#[test]
fn listings_split_by_resource_owner() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b"), acct("x")]);
    let shares = |w: &mut World, account, owner| {
        ok(call(
            w,
            account,
            Op::GetResourceShares {
                resource_owner: owner,
            },
        ))
    };
    match shares(&mut w, "a", ResourceOwner::Self_) {
        Response::ResourceShares(v) => assert_eq!(v.len(), 1),
        other => panic!("{other:?}"),
    }
    match shares(&mut w, "x", ResourceOwner::OtherAccounts) {
        Response::ReceivedShares(v) => assert_eq!(v[0].status, "PENDING"),
        other => panic!("{other:?}"),
    }
    let resources = |w: &mut World, account, owner| match ok(call(
        w,
        account,
        Op::ListResources {
            resource_owner: owner,
        },
    )) {
        Response::Resources(v) => v,
        other => panic!("{other:?}"),
    };
    assert_eq!(resources(&mut w, "a", ResourceOwner::Self_).len(), 1);
    assert_eq!(
        resources(&mut w, "b", ResourceOwner::OtherAccounts).len(),
        1
    );
    assert!(resources(&mut w, "x", ResourceOwner::OtherAccounts).is_empty());
    assert!(resources(&mut w, "b", ResourceOwner::Self_).is_empty());
    match ok(call(
        &mut w,
        "a",
        Op::GetResourceShareAssociations {
            association_type: AssociationType::Principal,
        },
    )) {
        Response::Associations(v) => assert_eq!(v.len(), 2),
        other => panic!("{other:?}"),
    }
}

// ----- Q-15 ---------------------------------------------------------------

#[test]
fn share_quotas_count_the_owner_s_live_shares() {
    let mut config = Config::default();
    config.quotas.resource_shares_per_region = 1;
    let mut w = world_with(config);
    ok(create_share(&mut w, "a", "one", vec![], vec![]));
    rejected(
        &create_share(&mut w, "a", "two", vec![], vec![]),
        Exception::ResourceShareLimitExceededException,
        "Q-11",
    );
    // Another account and another Region have their own count.
    ok(create_share(&mut w, "b", "two", vec![], vec![]));
    ok(call_in(
        &mut w,
        "a",
        "us-west-2",
        Op::CreateResourceShare {
            share: "three".into(),
            resources: vec![],
            principals: vec![],
            allow_external_principals: None,
            retain_sharing_on_account_leave_organization: false,
        },
    ));
    let obs = w.observe();
    assert_eq!(
        obs.accounts[&Name::from("a")].regions[&"us-east-1".into()].usage["Q-11"],
        1
    );
    // Deleting frees the slot.
    ok(call(
        &mut w,
        "a",
        Op::DeleteResourceShare {
            share: "one".into(),
        },
    ));
    ok(create_share(&mut w, "a", "four", vec![], vec![]));
}

#[test]
fn association_and_invitation_quotas() {
    let mut config = Config::default();
    config.quotas.associations_per_share = 1;
    config.quotas.pending_invitations = 1;
    let mut w = world_with(config);
    rejected(
        &create_share(&mut w, "a", "s", vec![], vec![acct("b"), acct("c")]),
        Exception::ResourceShareLimitExceededException,
        "Q-12",
    );
    ok(create_share(&mut w, "a", "s", vec![], vec![acct("b")]));
    rejected(
        &create_share(&mut w, "a", "t", vec![], vec![acct("c")]),
        Exception::ResourceShareLimitExceededException,
        "Q-15",
    );
    let mut config = Config::default();
    config.quotas.associations_per_region = 1;
    let mut w = world_with(config);
    ok(create_share(&mut w, "a", "s", vec![], vec![acct("b")]));
    rejected(
        &create_share(&mut w, "a", "t", vec![], vec![acct("c")]),
        Exception::ResourceShareLimitExceededException,
        "Q-13",
    );
}

#[test]
fn consumers_list_shared_components_only_through_standard_shares() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    match ok(call(
        &mut w,
        "b",
        Op::ListComponents {
            owner: Some(IbOwner::Shared),
        },
    )) {
        Response::IbResources(v) => assert_eq!(v[0].owner, Name::from("a")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_entities_and_shares_in_disassociate_and_leave() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    rejected(
        &disassociate(&mut w, "a", "s", vec![], vec![acct("c")]),
        Exception::UnknownResourceException,
        "RAM-17",
    );
    rejected(
        &disassociate(&mut w, "c", "s", vec![], vec![acct("c")]),
        Exception::UnknownResourceException,
        "RAM-01",
    );
    rejected(
        &disassociate(&mut w, "b", "s", vec![], vec![acct("c")]),
        Exception::OperationNotPermittedException,
        "RAM-17",
    );
    rejected(
        &disassociate(&mut w, "a", "nope", vec![], vec![acct("b")]),
        Exception::UnknownResourceException,
        "RAM-01",
    );
}

#[test]
fn shares_created_from_policies_cannot_be_changed_or_deleted_in_ram() {
    let mut w = world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    ok(put_policy(&mut w, &["b"], None));
    let name = ram_view(&w, "a").shares[0].name.clone();
    rejected(
        &call(
            &mut w,
            "a",
            Op::DeleteResourceShare {
                share: name.clone(),
            },
        ),
        Exception::OperationNotPermittedException,
        "RAM-30",
    );
    rejected(
        &call(
            &mut w,
            "a",
            Op::UpdateResourceShare {
                share: name.clone(),
                allow_external_principals: Some(false),
            },
        ),
        Exception::OperationNotPermittedException,
        "RAM-30",
    );
    rejected(
        &disassociate(&mut w, "a", name.as_str(), vec![], vec![acct("b")]),
        Exception::OperationNotPermittedException,
        "RAM-30",
    );
    // The consumer does not see it at all (RAM-27, RAM-30).
    rejected(
        &call(&mut w, "b", Op::DeleteResourceShare { share: name }),
        Exception::UnknownResourceException,
        "RAM-01",
    );
}

#[test]
fn one_invitation_per_receiver_answers_for_its_iam_principals_too() {
    let mut w = world();
    ok(call(&mut w, "b", Op::CreateRole { role: "dev".into() }));
    let role = RamPrincipal::Role(RoleArn {
        account: "b".into(),
        role: "dev".into(),
    });
    shared_base(&mut w, vec![acct("b"), role.clone()]);
    assert_eq!(invitation_statuses(&w, "b"), vec!["PENDING"]);
    ok(associate(&mut w, "a", "s", vec![], vec![acct("c")]));
    assert_eq!(invitation_statuses(&w, "b"), vec!["PENDING"]);
    ok(accept(&mut w, "b", "s"));
    let v = share_view(&w, "a", "s");
    assert!(
        v.principals
            .iter()
            .all(|p| p.status == "ASSOCIATED" || p.entity == "account:c")
    );
    assert_eq!(invitation_statuses(&w, "b"), vec!["ACCEPTED"]);
}
