//! Unit tests of Image Builder sharing (IB-01 to IB-30, Q-20 to Q-23, A-13, A-14, A-21 to
//! A-23, A-28, A-34): versions and recipes, what consumers may see and do, unsharing and deletion
//! with dependents, resource policies, and owner-only quotas.

// PANIC SAFETY: test code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::error::Exception;
use crate::name::Name;
use crate::observe::{IbResourceView, IbView};
use crate::op::{
    IbKind, IbOwner, IbRef, KeyGrantee, KeyRef, Op, ParentImage, RamResource, RecipeRef,
    ResourcePolicy,
};
use crate::response::Response;
use crate::services::ram::tests::{
    acct, call, call_in, can_get, comp, consumer_recipe, create_component, create_share, ok, r,
    rejected, shared_base, sharing_world, world, world_with,
};
use crate::world::{Config, Outcome, World};

fn mine(name: &str, version: &str) -> IbRef {
    IbRef {
        owner: None,
        name: name.into(),
        version: Some(version.into()),
        build: None,
    }
}

fn recipe(w: &mut World, account: &str, name: &str, components: Vec<IbRef>) -> Outcome {
    call(
        w,
        account,
        Op::CreateImageRecipe {
            recipe: name.into(),
            version: "1.0.0".into(),
            components,
            parent_image: ParentImage::Ami("ami-1".into()),
        },
    )
}

fn ib_view(w: &World, account: &str) -> IbView {
    w.observe().accounts[&Name::from(account)].regions[&"us-east-1".into()]
        .ib
        .as_ref()
        .clone()
}

fn image(w: &mut World, account: &str, recipe: IbRef) -> Outcome {
    call(
        w,
        account,
        Op::CreateImage {
            recipe: RecipeRef::ImageRecipe(recipe),
        },
    )
}

fn created_arn(o: Outcome) -> String {
    match ok(o) {
        Response::Created { arn, .. } => arn,
        other => panic!("{other:?}"),
    }
}

fn get_component(w: &mut World, account: &str, c: IbRef) -> Outcome {
    call(w, account, Op::GetComponent { component: c })
}

fn list(w: &mut World, account: &str, op: Op) -> Vec<IbResourceView> {
    match ok(call(w, account, op)) {
        Response::IbResources(v) => v,
        other => panic!("{other:?}"),
    }
}

fn put_policy(w: &mut World, account: &str, c: IbRef, principals: &[&str]) -> Outcome {
    call(
        w,
        account,
        Op::PutComponentPolicy {
            component: c,
            policy: ResourcePolicy {
                principals: principals.iter().map(|p| Name::from(*p)).collect(),
                actions: None,
            },
        },
    )
}

// ----- IB-26, Q-23, A-23: versions ----------------------------------------------------------

#[test]
fn components_get_build_versions() {
    let mut w = world();
    let o = create_component(&mut w, "a", "My Comp", "1.0.0");
    assert!(o.rules.contains(&"IB-26"));
    assert_eq!(
        created_arn(o),
        "arn:aws:imagebuilder:us-east-1:100000000002:component/my-comp/1.0.0/1"
    );
    let o = create_component(&mut w, "a", "My Comp", "1.0.0");
    assert!(o.rules.contains(&"A-23"));
    assert!(created_arn(o).ends_with("/1.0.0/2"));
    rejected(
        &create_component(&mut w, "a", "c", "1.0"),
        Exception::InvalidVersionNumberException,
        "IB-26",
    );
    rejected(
        &create_component(&mut w, "a", "c", "1.x.0"),
        Exception::InvalidVersionNumberException,
        "IB-28",
    );
    rejected(
        &create_component(&mut w, "a", "c", "1.0.1073741824"),
        Exception::InvalidVersionNumberException,
        "Q-23",
    );
}

#[test]
fn legacy_mode_refuses_an_existing_component_version() {
    let mut w = world_with(Config {
        legacy_component_versions: true,
        ..Config::default()
    });
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    let o = create_component(&mut w, "a", "c", "1.0.0");
    rejected(&o, Exception::ResourceInUseException, "IB-26");
    assert!(o.rules.contains(&"A-23"));
}

#[test]
fn build_numbers_are_never_reused() {
    let mut w = world();
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    ok(call(
        &mut w,
        "a",
        Op::DeleteComponent {
            component: mine("c", "1.0.0"),
        },
    ));
    assert!(created_arn(create_component(&mut w, "a", "c", "1.0.0")).ends_with("/1.0.0/2"));
}

// ----- IB-27, Q-20, IB-22, IB-26: recipes ---------------------------------------------------

#[test]
fn recipes_need_one_to_twenty_accessible_components() {
    let mut w = world();
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    rejected(
        &recipe(&mut w, "a", "r", vec![]),
        Exception::InvalidParameterValueException,
        "Q-20",
    );
    rejected(
        &recipe(&mut w, "a", "r", vec![mine("c", "1.0.0"); 21]),
        Exception::InvalidParameterValueException,
        "Q-20",
    );
    rejected(
        &recipe(&mut w, "a", "r", vec![mine("ghost", "1.0.0")]),
        Exception::ResourceNotFoundException,
        "IB-22",
    );
    // Another account's component that is not shared is not accessible (IB-20, IB-22).
    rejected(
        &recipe(&mut w, "b", "r", vec![r("a", "c", "1.0.0")]),
        Exception::ResourceNotFoundException,
        "IB-22",
    );
    let o = recipe(&mut w, "a", "r", vec![mine("c", "1.0.0"); 20]);
    assert!(o.rules.contains(&"IB-27"));
    assert_eq!(
        created_arn(o),
        "arn:aws:imagebuilder:us-east-1:100000000002:image-recipe/r/1.0.0"
    );
    rejected(
        &recipe(&mut w, "a", "r", vec![mine("c", "1.0.0")]),
        Exception::ResourceAlreadyExistsException,
        "IB-26",
    );
}

#[test]
fn parent_images_must_be_accessible() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    ok(recipe(&mut w, "a", "r", vec![mine("c", "1.0.0")]));
    ok(image(&mut w, "a", mine("r", "1.0.0")));
    let with_parent = |w: &mut World, account: &str| {
        call(
            w,
            account,
            Op::CreateImageRecipe {
                recipe: "child".into(),
                version: "1.0.0".into(),
                components: vec![r(account, "own", "1.0.0")],
                parent_image: ParentImage::Image(r("a", "r", "1.0.0")),
            },
        )
    };
    ok(create_component(&mut w, "b", "own", "1.0.0"));
    rejected(
        &with_parent(&mut w, "b"),
        Exception::ResourceNotFoundException,
        "IB-22",
    );
    ok(create_share(
        &mut w,
        "a",
        "imgs",
        vec![RamResource {
            kind: IbKind::Image,
            resource: r("a", "r", "1.0.0"),
        }],
        vec![acct("b")],
    ));
    let o = with_parent(&mut w, "b");
    assert!(o.rules.contains(&"IB-21"));
    ok(o);
}

// ----- IB-28, A-14: wildcards resolve among accessible versions ------------------------------

#[test]
fn wildcards_resolve_to_the_newest_version_the_consumer_can_access() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    ok(create_component(&mut w, "a", "base", "2.0.0"));
    let o = consumer_recipe(&mut w, "b");
    assert!(o.rules.contains(&"IB-28"));
    ok(o);
    let app = &ib_view(&w, "b").owned[0];
    assert!(
        app.depends_on[0].ends_with("component/base/1.0.0/1"),
        "{app:?}"
    );
    // The owner's own wildcard sees 2.0.0.
    ok(recipe(&mut w, "a", "own", vec![mine("base", "x.x.x")]));
    let own = ib_view(&w, "a")
        .owned
        .into_iter()
        .find(|v| v.name == Name::from("own"))
        .unwrap();
    assert!(own.depends_on[0].ends_with("component/base/2.0.0/1"));
}

// ----- IB-21, IB-23: consumers use and identify shared resources ----------------------------

#[test]
fn consumers_build_their_own_images_from_shared_recipes() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    ok(recipe(&mut w, "a", "r", vec![mine("c", "1.0.0")]));
    // The recipe alone is shared; its component must be shared too for the build (IB-12).
    ok(create_share(
        &mut w,
        "a",
        "s",
        vec![
            RamResource {
                kind: IbKind::ImageRecipe,
                resource: r("a", "r", "1.0.0"),
            },
            comp("a", "c", "1.0.0"),
        ],
        vec![acct("b")],
    ));
    let o = image(&mut w, "b", r("a", "r", "1.0.0"));
    assert!(o.rules.contains(&"IB-21"));
    let arn = created_arn(o);
    assert!(arn.contains(":100000000003:image/r/1.0.0/1"), "{arn}");
    let img = &ib_view(&w, "b").owned[0];
    assert_eq!((img.kind, img.owner.as_str()), (IbKind::Image, "b"));
    assert_eq!(img.status, "AVAILABLE");
    // Quotas: the image counts for b, the shared recipe and component only for a (IB-24).
    let obs = w.observe();
    let usage = |a: &str| {
        obs.accounts[&Name::from(a)].regions[&"us-east-1".into()]
            .usage
            .clone()
    };
    assert_eq!(usage("b").get("Q-22/image"), Some(&1));
    assert_eq!(usage("b").get("Q-22/component"), None);
    assert_eq!(usage("a").get("Q-22/component"), Some(&1));
    assert_eq!(usage("a").get("Q-22/image-recipe"), Some(&1));
}

#[test]
fn an_image_whose_shared_component_is_no_longer_accessible_fails() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    ok(recipe(&mut w, "a", "r", vec![mine("c", "1.0.0")]));
    ok(create_share(
        &mut w,
        "a",
        "s",
        vec![RamResource {
            kind: IbKind::ImageRecipe,
            resource: r("a", "r", "1.0.0"),
        }],
        vec![acct("b")],
    ));
    let o = image(&mut w, "b", r("a", "r", "1.0.0"));
    assert!(o.rules.contains(&"IB-22"));
    ok(o);
    assert_eq!(ib_view(&w, "b").owned[0].status, "FAILED");
}

#[test]
fn get_shows_the_owner_and_lists_split_self_and_shared() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    ok(create_component(&mut w, "b", "mine", "1.0.0"));
    let o = get_component(&mut w, "b", r("a", "base", "1.0.0"));
    assert!(o.rules.contains(&"IB-23"));
    match ok(o) {
        Response::IbResource(v) => {
            assert_eq!(v.owner, Name::from("a"));
            assert!(v.policy_principals.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let own = list(&mut w, "b", Op::ListComponents { owner: None });
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].name, Name::from("mine"));
    let shared = list(
        &mut w,
        "b",
        Op::ListComponents {
            owner: Some(IbOwner::Shared),
        },
    );
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].owner, Name::from("a"));
    assert!(
        list(
            &mut w,
            "b",
            Op::ListComponents {
                owner: Some(IbOwner::Amazon)
            }
        )
        .is_empty()
    );
    let view = ib_view(&w, "b");
    assert_eq!((view.owned.len(), view.shared.len()), (1, 1));
}

// ----- IB-19, IB-20, INV-17: what consumers cannot do or see --------------------------------

#[test]
fn consumers_cannot_modify_shared_resources() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    rejected(
        &call(
            &mut w,
            "b",
            Op::DeleteComponent {
                component: r("a", "base", "1.0.0"),
            },
        ),
        Exception::ForbiddenException,
        "IB-19",
    );
    let o = put_policy(&mut w, "b", r("a", "base", "1.0.0"), &["b", "c"]);
    rejected(&o, Exception::ForbiddenException, "IB-19");
    assert!(o.rules.contains(&"IB-04"));
    rejected(
        &call(
            &mut w,
            "b",
            Op::GetComponentPolicy {
                component: r("a", "base", "1.0.0"),
            },
        ),
        Exception::ForbiddenException,
        "IB-29",
    );
}

#[test]
fn consumers_never_see_other_consumers_or_unshared_resources() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b"), acct("c")]);
    ok(create_component(&mut w, "a", "secret", "1.0.0"));
    ok(consumer_recipe(&mut w, "b"));
    let o = get_component(&mut w, "c", r("a", "secret", "1.0.0"));
    rejected(&o, Exception::ResourceNotFoundException, "IB-20");
    rejected(
        &call(
            &mut w,
            "c",
            Op::GetImageRecipe {
                recipe: r("b", "app", "1.0.0"),
            },
        ),
        Exception::ResourceNotFoundException,
        "IB-20",
    );
    rejected(
        &call(
            &mut w,
            "c",
            Op::DeleteImageRecipe {
                recipe: r("b", "app", "1.0.0"),
            },
        ),
        Exception::ResourceNotFoundException,
        "IB-20",
    );
    let view = ib_view(&w, "c");
    assert_eq!(view.shared.len(), 1);
    assert!(view.owned.is_empty());
}

// ----- IB-16, IB-17, IB-18, A-13: deletion ------------------------------------------------

#[test]
fn owners_cannot_delete_what_is_still_shared() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    let del = |w: &mut World| {
        call(
            w,
            "a",
            Op::DeleteComponent {
                component: mine("base", "1.0.0"),
            },
        )
    };
    let o = del(&mut w);
    rejected(&o, Exception::ResourceDependencyException, "IB-16");
    assert!(o.rules.contains(&"A-13"));
    ok(call(
        &mut w,
        "a",
        Op::DeleteResourceShare { share: "s".into() },
    ));
    let o = del(&mut w);
    assert!(o.rules.contains(&"IB-16"));
    ok(o);
    assert!(ib_view(&w, "a").owned.is_empty());
}

#[test]
fn resources_referenced_in_the_account_cannot_be_deleted() {
    let mut w = world();
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    ok(recipe(&mut w, "a", "r", vec![mine("c", "1.0.0")]));
    ok(image(&mut w, "a", mine("r", "1.0.0")));
    rejected(
        &call(
            &mut w,
            "a",
            Op::DeleteComponent {
                component: mine("c", "1.0.0"),
            },
        ),
        Exception::ResourceDependencyException,
        "IB-17",
    );
    // Images do not hold their recipe; the recipe, then the component, can go.
    ok(call(
        &mut w,
        "a",
        Op::DeleteImageRecipe {
            recipe: mine("r", "1.0.0"),
        },
    ));
    ok(call(
        &mut w,
        "a",
        Op::DeleteComponent {
            component: mine("c", "1.0.0"),
        },
    ));
    let o = call(
        &mut w,
        "a",
        Op::DeleteImage {
            image: mine("r", "1.0.0"),
        },
    );
    assert!(o.rules.contains(&"IB-18"));
    ok(o);
    // Deletion needs one version: wildcards are the wrong ARN form (IB-10).
    rejected(
        &call(
            &mut w,
            "a",
            Op::DeleteComponent {
                component: mine("c", "1.x.x"),
            },
        ),
        Exception::InvalidParameterValueException,
        "IB-10",
    );
}

// ----- IB-09 to IB-13, IB-15, IB-29, Q-21, A-22: resource policies --------------------------

#[test]
fn policy_shares_work_by_arn_and_are_listed_after_promotion() {
    let mut w = world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    let o = put_policy(&mut w, "a", mine("base", "1.0.0"), &["b"]);
    assert!(o.rules.contains(&"IB-09") && o.rules.contains(&"IB-11"));
    ok(o);
    let o = get_component(&mut w, "b", r("a", "base", "1.0.0"));
    assert!(o.rules.contains(&"IB-13"));
    ok(o);
    assert!(!can_get(&mut w, "c", "a", "base"));
    assert!(ib_view(&w, "b").shared.is_empty());
    ok(call(
        &mut w,
        "a",
        Op::PromoteResourceShareCreatedFromPolicy {
            resource: comp("a", "base", "1.0.0"),
        },
    ));
    assert_eq!(ib_view(&w, "b").shared.len(), 1);
    match ok(call(
        &mut w,
        "a",
        Op::GetComponentPolicy {
            component: mine("base", "1.0.0"),
        },
    )) {
        Response::Policy {
            principals,
            actions,
        } => {
            assert_eq!(principals, vec![Name::from("b")]);
            assert_eq!(
                actions,
                vec!["imagebuilder:GetComponent", "imagebuilder:ListComponents"]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ib_view(&w, "a").owned[0].policy_principals,
        vec![Name::from("b")]
    );
}

#[test]
fn policies_are_checked_for_form_actions_and_size() {
    let mut w = world_with(Config {
        quotas: crate::world::Quotas {
            policy_size: 300,
            ..Default::default()
        },
        ..Config::default()
    });
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    ok(recipe(&mut w, "a", "r", vec![mine("base", "1.0.0")]));
    rejected(
        &put_policy(&mut w, "a", mine("base", "1.x.x"), &["b"]),
        Exception::InvalidParameterValueException,
        "IB-10",
    );
    rejected(
        &call(
            &mut w,
            "a",
            Op::PutImageRecipePolicy {
                recipe: IbRef {
                    build: Some(1),
                    ..mine("r", "1.0.0")
                },
                policy: ResourcePolicy {
                    principals: vec!["b".into()],
                    actions: None,
                },
            },
        ),
        Exception::InvalidParameterValueException,
        "IB-10",
    );
    rejected(
        &call(
            &mut w,
            "a",
            Op::PutComponentPolicy {
                component: mine("base", "1.0.0"),
                policy: ResourcePolicy {
                    principals: vec!["b".into()],
                    actions: Some(vec!["imagebuilder:DeleteComponent".into()]),
                },
            },
        ),
        Exception::InvalidParameterValueException,
        "IB-11",
    );
    rejected(
        &put_policy(&mut w, "a", mine("base", "1.0.0"), &["b", "c", "x", "m"]),
        Exception::InvalidParameterValueException,
        "Q-21",
    );
    rejected(
        &put_policy(&mut w, "a", mine("ghost", "1.0.0"), &["b"]),
        Exception::ResourceNotFoundException,
        "IB-20",
    );
    rejected(
        &call(
            &mut w,
            "a",
            Op::GetComponentPolicy {
                component: mine("base", "1.0.0"),
            },
        ),
        Exception::ResourceNotFoundException,
        "IB-29",
    );
    ok(put_policy(&mut w, "a", mine("base", "1.0.0"), &["b"]));
}

#[test]
fn a_policy_cannot_drop_a_dependent_consumer() {
    let mut w = world();
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    ok(put_policy(&mut w, "a", mine("base", "1.0.0"), &["b", "c"]));
    ok(consumer_recipe(&mut w, "b"));
    rejected(
        &put_policy(&mut w, "a", mine("base", "1.0.0"), &["c"]),
        Exception::InvalidRequestException,
        "IB-15",
    );
    assert!(can_get(&mut w, "b", "a", "base"));
    // Dropping c, who depends on nothing, is fine.
    ok(put_policy(&mut w, "a", mine("base", "1.0.0"), &["b"]));
    assert!(!can_get(&mut w, "c", "a", "base"));
    // Still shared by policy: no deletion (IB-16).
    rejected(
        &call(
            &mut w,
            "a",
            Op::DeleteComponent {
                component: mine("base", "1.0.0"),
            },
        ),
        Exception::ResourceDependencyException,
        "IB-16",
    );
}

#[test]
fn a_policy_on_a_ram_shared_resource_adds_a_separate_share() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    let o = put_policy(&mut w, "a", mine("base", "1.0.0"), &["x"]);
    assert!(o.rules.contains(&"A-22"));
    ok(o);
    let shares = crate::services::ram::tests::ram_view(&w, "a").shares;
    assert_eq!(shares.len(), 2);
    assert!(can_get(&mut w, "b", "a", "base") && can_get(&mut w, "x", "a", "base"));
}

// ----- A-28, IB-01: every kind can be shared ------------------------------------------------

#[test]
fn container_recipes_and_images_are_shareable() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    ok(call(
        &mut w,
        "a",
        Op::CreateContainerRecipe {
            recipe: "box".into(),
            version: "1.0.0".into(),
            components: vec![mine("c", "1.0.0")],
            parent_image: ParentImage::Ami("amazonlinux:latest".into()),
            kms_key: None,
        },
    ));
    let box_ref = RamResource {
        kind: IbKind::ContainerRecipe,
        resource: r("a", "box", "1.0.0"),
    };
    ok(create_share(
        &mut w,
        "a",
        "s",
        vec![box_ref, comp("a", "c", "1.0.0")],
        vec![acct("b")],
    ));
    let shared = list(
        &mut w,
        "b",
        Op::ListContainerRecipes {
            owner: Some(IbOwner::Shared),
        },
    );
    assert_eq!(shared.len(), 1);
    let o = call(
        &mut w,
        "b",
        Op::CreateImage {
            recipe: RecipeRef::ContainerRecipe(r("a", "box", "1.0.0")),
        },
    );
    ok(o);
    let obs = w.observe();
    assert_eq!(
        obs.accounts[&Name::from("a")].regions[&"us-east-1".into()].usage["Q-22/container-recipe"],
        1
    );
}

// ----- IB-24, Q-22: quotas count the owner only ----------------------------------------------

#[test]
fn quotas_count_only_what_an_account_owns() {
    let mut w = world_with(Config {
        quotas: crate::world::Quotas {
            ib_components: 1,
            ..Default::default()
        },
        ..Config::default()
    });
    ok(create_component(&mut w, "a", "base", "1.0.0"));
    ok(create_share(
        &mut w,
        "a",
        "s",
        vec![comp("a", "base", "1.0.0")],
        vec![acct("b")],
    ));
    ok(call(
        &mut w,
        "b",
        Op::AcceptResourceShareInvitation { share: "s".into() },
    ));
    rejected(
        &create_component(&mut w, "a", "more", "1.0.0"),
        Exception::ServiceQuotaExceededException,
        "Q-22",
    );
    // b sees a's component and still has its whole quota.
    assert!(can_get(&mut w, "b", "a", "base"));
    let o = create_component(&mut w, "b", "own", "1.0.0");
    assert!(o.rules.contains(&"IB-24"));
    ok(o);
    // Quotas are per Region too.
    ok(call_in(
        &mut w,
        "a",
        "us-west-2",
        Op::CreateComponent {
            component: "west".into(),
            version: "1.0.0".into(),
            kms_key: None,
        },
    ));
}

// ----- IB-30, IB-22, KMS-07, A-21: encrypted components ------------------------------------

fn key_world() -> World {
    let mut w = sharing_world();
    ok(call(&mut w, "a", Op::CreateKey { key: "k".into() }));
    w
}

fn encrypted(w: &mut World) {
    ok(call(
        w,
        "a",
        Op::CreateComponent {
            component: "enc".into(),
            version: "1.0.0".into(),
            kms_key: Some(KeyRef {
                account: None,
                key: "k".into(),
            }),
        },
    ));
    ok(recipe(w, "a", "r", vec![mine("enc", "1.0.0")]));
    ok(create_share(
        w,
        "a",
        "s",
        vec![
            comp("a", "enc", "1.0.0"),
            RamResource {
                kind: IbKind::ImageRecipe,
                resource: r("a", "r", "1.0.0"),
            },
        ],
        vec![acct("b")],
    ));
}

#[test]
fn encrypted_components_need_the_key_shared_with_the_consumer() {
    let mut w = key_world();
    encrypted(&mut w);
    let comp_view = &ib_view(&w, "a").owned[0];
    assert!(comp_view.kms_key.as_deref().unwrap().contains(":key/"));
    // Without the key, the consumer's build fails and reading the component is denied.
    ok(image(&mut w, "b", r("a", "r", "1.0.0")));
    assert_eq!(ib_view(&w, "b").owned[0].status, "FAILED");
    let o = get_component(&mut w, "b", r("a", "enc", "1.0.0"));
    rejected(&o, Exception::AccessDeniedException, "IB-22");
    assert!(o.rules.contains(&"A-21"));
    // KMS-07: once the key policy names b, the build succeeds.
    ok(call(
        &mut w,
        "a",
        Op::PutKeyPolicy {
            key: "k".into(),
            account: None,
            grantees: vec![KeyGrantee::Account("b".into())],
        },
    ));
    ok(image(&mut w, "b", r("a", "r", "1.0.0")));
    let statuses: Vec<String> = ib_view(&w, "b")
        .owned
        .into_iter()
        .map(|v| v.status)
        .collect();
    assert_eq!(statuses, vec!["FAILED", "AVAILABLE"]);
    ok(get_component(&mut w, "b", r("a", "enc", "1.0.0")));
}

#[test]
fn an_unknown_key_fails_component_creation_with_the_kms_error() {
    let mut w = world();
    let o = call(
        &mut w,
        "a",
        Op::CreateComponent {
            component: "enc".into(),
            version: "1.0.0".into(),
            kms_key: Some(KeyRef {
                account: None,
                key: "nope".into(),
            }),
        },
    );
    rejected(&o, Exception::NotFoundException, "KMS-05");
}

#[test]
fn recipe_and_image_quotas_and_versions() {
    let mut w = world_with(Config {
        quotas: crate::world::Quotas {
            ib_recipes: 1,
            ib_images: 1,
            ..Default::default()
        },
        ..Config::default()
    });
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    rejected(
        &call(
            &mut w,
            "a",
            Op::CreateImageRecipe {
                recipe: "r".into(),
                version: "1.0.x".into(),
                components: vec![mine("c", "1.0.0")],
                parent_image: ParentImage::Ami("ami-1".into()),
            },
        ),
        Exception::InvalidVersionNumberException,
        "IB-26",
    );
    ok(recipe(&mut w, "a", "r", vec![mine("c", "1.0.0")]));
    // Image and container recipes share one quota.
    rejected(
        &call(
            &mut w,
            "a",
            Op::CreateContainerRecipe {
                recipe: "box".into(),
                version: "1.0.0".into(),
                components: vec![mine("c", "1.0.0")],
                parent_image: ParentImage::Ami("ami-1".into()),
                kms_key: None,
            },
        ),
        Exception::ServiceQuotaExceededException,
        "Q-22",
    );
    ok(image(&mut w, "a", mine("r", "1.0.0")));
    rejected(
        &image(&mut w, "a", mine("r", "1.0.0")),
        Exception::ServiceQuotaExceededException,
        "Q-22",
    );
    // Building from a recipe that is not shared is not possible.
    rejected(
        &image(&mut w, "b", r("a", "r", "1.0.0")),
        Exception::ResourceNotFoundException,
        "IB-22",
    );
}

// ----- IB-06: sharing is per Region -----------------------------------------------------------

#[test]
fn a_lookup_in_another_region_misses_and_records_ib_06() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    // The consumer reads it in its Region; the rule is not recorded on a hit.
    let here = get_component(&mut w, "b", r("a", "base", "1.0.0"));
    assert!(!here.rules.contains(&"IB-06"));
    ok(here);
    // In us-west-2 the share does not exist: a miss decided by the Region (IB-06).
    let west = call_in(
        &mut w,
        "b",
        "us-west-2",
        Op::GetComponent {
            component: r("a", "base", "1.0.0"),
        },
    );
    rejected(&west, Exception::ResourceNotFoundException, "IB-20");
    assert!(west.rules.contains(&"IB-06"), "{:?}", west.rules);
    // The owner's own resource does not replicate either.
    let own = call_in(
        &mut w,
        "a",
        "us-west-2",
        Op::DeleteComponent {
            component: mine("base", "1.0.0"),
        },
    );
    rejected(&own, Exception::ResourceNotFoundException, "IB-20");
    assert!(own.rules.contains(&"IB-06"));
    // A recipe in us-west-2 cannot reference it (IB-22, decided by the Region).
    let recipe = call_in(
        &mut w,
        "b",
        "us-west-2",
        Op::CreateImageRecipe {
            recipe: "app".into(),
            version: "1.0.0".into(),
            components: vec![r("a", "base", "1.0.0")],
            parent_image: ParentImage::Ami("ami-1".into()),
        },
    );
    rejected(&recipe, Exception::ResourceNotFoundException, "IB-22");
    assert!(recipe.rules.contains(&"IB-06"));
}

#[test]
fn a_miss_that_no_region_would_resolve_is_not_ib_06() {
    let mut w = sharing_world();
    shared_base(&mut w, vec![acct("b")]);
    // Not shared with c in any Region: visibility (IB-20) alone decides.
    let o = call_in(
        &mut w,
        "c",
        "us-west-2",
        Op::GetComponent {
            component: r("a", "base", "1.0.0"),
        },
    );
    rejected(&o, Exception::ResourceNotFoundException, "IB-20");
    assert!(!o.rules.contains(&"IB-06"));
    // A version that exists nowhere.
    let o = call_in(
        &mut w,
        "b",
        "us-west-2",
        Op::GetComponent {
            component: r("a", "base", "9.0.0"),
        },
    );
    assert!(!o.rules.contains(&"IB-06"));
}

// ----- IB-25: no charge for Image Builder -----------------------------------------------------

#[test]
fn a_build_records_that_it_charges_nothing() {
    let mut w = sharing_world();
    ok(create_component(&mut w, "a", "c", "1.0.0"));
    let o = recipe(&mut w, "a", "r", vec![mine("c", "1.0.0")]);
    assert!(!o.rules.contains(&"IB-25"));
    ok(o);
    let o = image(&mut w, "a", mine("r", "1.0.0"));
    assert!(o.rules.contains(&"IB-25"), "{:?}", o.rules);
    ok(o);
    // A consumer building from a shared recipe is not charged either.
    ok(create_share(
        &mut w,
        "a",
        "s",
        vec![
            RamResource {
                kind: IbKind::ImageRecipe,
                resource: r("a", "r", "1.0.0"),
            },
            comp("a", "c", "1.0.0"),
        ],
        vec![acct("b")],
    ));
    let o = image(&mut w, "b", r("a", "r", "1.0.0"));
    assert!(o.rules.contains(&"IB-25") && o.rules.contains(&"IB-21"));
    ok(o);
}

/// `IbKind::ALL` lists every kind once, in their order: the own-resources listing walks one
/// range of the resource map per kind in that order and must list as the whole map's order.
#[test]
fn every_kind_in_order() {
    let all = IbKind::ALL;
    assert!(all.windows(2).all(|w| w[0] < w[1]));
    for kind in [
        IbKind::Component,
        IbKind::Image,
        IbKind::ImageRecipe,
        IbKind::ContainerRecipe,
    ] {
        assert!(all.contains(&kind));
    }
}
