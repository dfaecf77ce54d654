//! The invariant checker: the correct model produces no violation on realistic sequences, and
//! each invariant fires, alone, on the corruption a broken implementation would produce.

use sharesim::invariants::{Checker, InvariantId, Mode, Violation};
use sharesim::scenario::run::Memo;
use sharesim::step::StepOutcome;
use sharesim_core::observe::{
    AssociationView, IbResourceView, InvitationView, ReceivedShareView, RegionView,
    ResourceShareView,
};
use sharesim_core::op::{
    ConstraintParameters, IamKind, IbKind, IbRef, KeyGrantee, KeyRef, Parent, ParentImage,
    PortfolioPrincipal, Principal, RamPrincipal, RamResource, RecipeRef, RoleArn, ShareTarget,
};
use sharesim_core::{Call, Config, Name, Observation, Op, Region, World, WorldSpec};
use sharesim_core::{Quotas, Response};
use std::sync::Arc;

const R: &str = "us-east-1";

fn n(s: &str) -> Name {
    Name::from(s)
}

fn admin(account: &str, op: Op) -> Call {
    Call {
        account: n(account),
        principal: None,
        region: Region::from(R),
        op,
    }
}

fn user(account: &str, u: &str, op: Op) -> Call {
    Call {
        principal: Some(Principal::User(n(u))),
        ..admin(account, op)
    }
}

/// One recorded step.
#[derive(Debug, Clone)]
struct Recorded {
    before: Observation,
    call: Call,
    outcome: StepOutcome,
    after: Observation,
}

/// Applies calls one by one, checking every step; panics on a rejected call or a violation.
fn run(calls: &[Call]) -> Vec<Recorded> {
    let expected: Vec<(Call, bool)> = calls.iter().map(|c| (c.clone(), true)).collect();
    run_expecting(&expected)
}

/// Applies calls, each expected to succeed (`true`) or to be refused (`false`), checking every
/// step; panics on an unexpected outcome or a violation.
fn run_expecting(calls: &[(Call, bool)]) -> Vec<Recorded> {
    let spec = WorldSpec {
        accounts: vec![n("a"), n("b"), n("c"), n("m")],
        regions: vec![Region::from(R)],
        config: Config::default(),
    };
    let mut world = World::new(&spec);
    let checker = Checker::new(&spec.config.quotas);
    let mut obs = world.observe();
    assert_eq!(checker.check_state(&obs), vec![]);
    let mut out = Vec::new();
    for (call, ok) in calls {
        let outcome = StepOutcome::from(&world.apply(call));
        assert_eq!(outcome.is_ok(), *ok, "{call:?}: {outcome:?}");
        let after = world.observe();
        let v = checker.check_step(&obs, call, &outcome, &after);
        assert!(v.is_empty(), "{call:?}:\n{}", report(&v));
        let r = Recorded {
            before: obs,
            call: call.clone(),
            outcome,
            after: after.clone(),
        };
        incremental_agrees(&r);
        out.push(r);
        obs = after;
    }
    out
}

fn report(v: &[Violation]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn iam_user(name: &str) -> PortfolioPrincipal {
    PortfolioPrincipal::Iam {
        kind: IamKind::User,
        name: n(name),
        account: None,
    }
}

/// Owner `a` shares portfolio `shared` (product `web`) with `b`; `b` imports it, adds `web` to
/// its local portfolio `local`, associates `alice` with both, and alice launches through each.
fn sharing() -> Vec<Call> {
    vec![
        admin(
            "a",
            Op::CreatePortfolio {
                portfolio: n("shared"),
                display_name: None,
                provider_name: None,
            },
        ),
        admin(
            "a",
            Op::CreateProduct {
                product: n("web"),
                version: n("v1"),
            },
        ),
        admin(
            "a",
            Op::AssociateProductWithPortfolio {
                product: n("web"),
                portfolio: n("shared"),
                source_portfolio: None,
            },
        ),
        admin(
            "a",
            Op::CreatePortfolioShare {
                portfolio: n("shared"),
                target: ShareTarget::Account(n("b")),
                share_tag_options: false,
                share_principals: false,
            },
        ),
        admin(
            "b",
            Op::AcceptPortfolioShare {
                portfolio: n("shared"),
                share_type: None,
            },
        ),
        admin("b", Op::CreateUser { user: n("alice") }),
        admin(
            "b",
            Op::AssociatePrincipalWithPortfolio {
                portfolio: n("shared"),
                principal: iam_user("alice"),
            },
        ),
        user("b", "alice", Op::ListLaunchPaths { product: n("web") }),
        user(
            "b",
            "alice",
            Op::ProvisionProduct {
                provisioned_product: n("pp1"),
                product: n("web"),
                version: n("v1"),
                path: None,
            },
        ),
        admin(
            "b",
            Op::CreatePortfolio {
                portfolio: n("local"),
                display_name: None,
                provider_name: None,
            },
        ),
        admin(
            "b",
            Op::AssociateProductWithPortfolio {
                product: n("web"),
                portfolio: n("local"),
                source_portfolio: Some(n("shared")),
            },
        ),
        admin(
            "b",
            Op::AssociatePrincipalWithPortfolio {
                portfolio: n("local"),
                principal: iam_user("alice"),
            },
        ),
        user("b", "alice", Op::ListLaunchPaths { product: n("web") }),
        user(
            "b",
            "alice",
            Op::ProvisionProduct {
                provisioned_product: n("pp2"),
                product: n("web"),
                version: n("v1"),
                path: Some(n("local")),
            },
        ),
    ]
}

#[test]
fn correct_model_sharing_sequence_has_no_violation() {
    let steps = run(&sharing());
    assert_eq!(steps.len(), sharing().len());
}

fn role(account: &str, r: &str, op: Op) -> Call {
    Call {
        principal: Some(Principal::Role(n(r))),
        ..admin(account, op)
    }
}

fn launch(local_role: Option<&str>, role_arn: Option<(&str, &str)>) -> ConstraintParameters {
    ConstraintParameters::Launch {
        role_arn: role_arn.map(|(a, r)| RoleArn {
            account: n(a),
            role: n(r),
        }),
        local_role_name: local_role.map(n),
    }
}

/// An organization `acme` (management m; a at the root, b and c under OU dev) with Service
/// Catalog Organizations access; m shares portfolio `p` (product `x` with a LocalRoleName launch
/// constraint and a shared IAM_PATTERN) with OU dev; b's role dev-1 launches `x` through the
/// import and through b's local portfolio `lp`, whose own launch constraint overrides the
/// inherited one; then b moves out of dev (SC-35: the import and local copy go, the provisioned
/// products stay) and c leaves and rejoins nothing.
fn organization() -> Vec<Call> {
    vec![
        admin(
            "m",
            Op::CreateOrganization {
                organization: n("acme"),
                feature_set: None,
            },
        ),
        admin("m", Op::InviteAccountToOrganization { account: n("a") }),
        admin("m", Op::InviteAccountToOrganization { account: n("b") }),
        admin("m", Op::InviteAccountToOrganization { account: n("c") }),
        admin(
            "m",
            Op::CreateOrganizationalUnit {
                ou: n("dev"),
                parent: Parent::Root,
            },
        ),
        admin(
            "m",
            Op::MoveAccount {
                account: n("b"),
                source: Parent::Root,
                destination: Parent::Ou(n("dev")),
            },
        ),
        admin(
            "m",
            Op::MoveAccount {
                account: n("c"),
                source: Parent::Root,
                destination: Parent::Ou(n("dev")),
            },
        ),
        admin("m", Op::EnableAWSOrganizationsAccess),
        admin("m", Op::CreateRole { role: n("Launch") }),
        admin(
            "m",
            Op::CreatePortfolio {
                portfolio: n("p"),
                display_name: None,
                provider_name: None,
            },
        ),
        admin(
            "m",
            Op::CreateProduct {
                product: n("x"),
                version: n("v1"),
            },
        ),
        admin(
            "m",
            Op::AssociateProductWithPortfolio {
                product: n("x"),
                portfolio: n("p"),
                source_portfolio: None,
            },
        ),
        admin(
            "m",
            Op::CreateConstraint {
                constraint: n("lc"),
                portfolio: n("p"),
                product: n("x"),
                parameters: launch(Some("Launch"), None),
            },
        ),
        admin(
            "m",
            Op::AssociatePrincipalWithPortfolio {
                portfolio: n("p"),
                principal: PortfolioPrincipal::IamPattern {
                    kind: IamKind::Role,
                    pattern: "dev-*".into(),
                },
            },
        ),
        admin(
            "m",
            Op::CreatePortfolioShare {
                portfolio: n("p"),
                target: ShareTarget::OrganizationalUnit(n("dev")),
                share_tag_options: false,
                share_principals: true,
            },
        ),
        admin("b", Op::CreateRole { role: n("dev-1") }),
        admin("b", Op::CreateRole { role: n("Launch") }),
        admin("b", Op::CreateRole { role: n("Other") }),
        role("b", "dev-1", Op::ListLaunchPaths { product: n("x") }),
        role(
            "b",
            "dev-1",
            Op::ProvisionProduct {
                provisioned_product: n("pp1"),
                product: n("x"),
                version: n("v1"),
                path: None,
            },
        ),
        admin(
            "b",
            Op::CreatePortfolio {
                portfolio: n("lp"),
                display_name: None,
                provider_name: None,
            },
        ),
        admin(
            "b",
            Op::AssociateProductWithPortfolio {
                product: n("x"),
                portfolio: n("lp"),
                source_portfolio: Some(n("p")),
            },
        ),
        admin(
            "b",
            Op::CreateConstraint {
                constraint: n("own"),
                portfolio: n("lp"),
                product: n("x"),
                parameters: launch(None, Some(("b", "Other"))),
            },
        ),
        admin(
            "b",
            Op::AssociatePrincipalWithPortfolio {
                portfolio: n("lp"),
                principal: PortfolioPrincipal::Iam {
                    kind: IamKind::Role,
                    name: n("dev-1"),
                    account: None,
                },
            },
        ),
        role("b", "dev-1", Op::SearchProducts),
        role(
            "b",
            "dev-1",
            Op::ProvisionProduct {
                provisioned_product: n("pp2"),
                product: n("x"),
                version: n("v1"),
                path: Some(n("lp")),
            },
        ),
        admin(
            "m",
            Op::CreateProvisioningArtifact {
                product: n("x"),
                version: n("v2"),
            },
        ),
        admin(
            "m",
            Op::MoveAccount {
                account: n("b"),
                source: Parent::Ou(n("dev")),
                destination: Parent::Root,
            },
        ),
        admin(
            "m",
            Op::MoveAccount {
                account: n("b"),
                source: Parent::Root,
                destination: Parent::Ou(n("dev")),
            },
        ),
        admin(
            "m",
            Op::DeleteConstraint {
                constraint: n("lc"),
            },
        ),
        admin("m", Op::RemoveAccountFromOrganization { account: n("c") }),
    ]
}

#[test]
fn correct_model_organization_sequence_has_no_violation() {
    run(&organization());
}

fn ib_ref(owner: Option<&str>, name: &str) -> IbRef {
    IbRef {
        owner: owner.map(n),
        name: n(name),
        version: Some("1.0.0".into()),
        build: None,
    }
}

/// Account a shares an encrypted component and a recipe with b (no organization: invitation);
/// b accepts, builds its own recipe on the component; a's attempt to unshare or delete the
/// component is refused (IB-15, IB-16); b's build fails until a's key policy names b (KMS-07).
fn image_builder() -> Vec<(Call, bool)> {
    let comp = RamResource {
        kind: IbKind::Component,
        resource: ib_ref(None, "comp"),
    };
    vec![
        (admin("a", Op::CreateKey { key: n("k") }), true),
        (
            admin(
                "a",
                Op::CreateComponent {
                    component: n("comp"),
                    version: "1.0.0".into(),
                    kms_key: Some(KeyRef {
                        account: None,
                        key: n("k"),
                    }),
                },
            ),
            true,
        ),
        (
            admin(
                "a",
                Op::CreateImageRecipe {
                    recipe: n("r"),
                    version: "1.0.0".into(),
                    components: vec![ib_ref(None, "comp")],
                    parent_image: ParentImage::Ami("ami-1".into()),
                },
            ),
            true,
        ),
        (
            admin(
                "a",
                Op::CreateResourceShare {
                    share: n("s"),
                    resources: vec![
                        comp.clone(),
                        RamResource {
                            kind: IbKind::ImageRecipe,
                            resource: ib_ref(None, "r"),
                        },
                    ],
                    principals: vec![RamPrincipal::Account(n("b"))],
                    allow_external_principals: None,
                    retain_sharing_on_account_leave_organization: false,
                },
            ),
            true,
        ),
        (admin("b", Op::GetResourceShareInvitations), true),
        (
            admin("b", Op::AcceptResourceShareInvitation { share: n("s") }),
            true,
        ),
        (
            admin(
                "b",
                Op::CreateImageRecipe {
                    recipe: n("mine"),
                    version: "1.0.0".into(),
                    components: vec![ib_ref(Some("a"), "comp")],
                    parent_image: ParentImage::Ami("ami-1".into()),
                },
            ),
            true,
        ),
        (
            admin(
                "a",
                Op::DisassociateResourceShare {
                    share: n("s"),
                    resources: vec![comp.clone()],
                    principals: vec![],
                },
            ),
            false,
        ),
        (
            admin(
                "a",
                Op::DeleteComponent {
                    component: ib_ref(None, "comp"),
                },
            ),
            false,
        ),
        (
            admin(
                "b",
                Op::CreateImage {
                    recipe: RecipeRef::ImageRecipe(ib_ref(Some("a"), "r")),
                },
            ),
            true,
        ),
        (
            admin(
                "a",
                Op::PutKeyPolicy {
                    key: n("k"),
                    account: None,
                    grantees: vec![KeyGrantee::Account(n("b"))],
                },
            ),
            true,
        ),
        (
            admin(
                "b",
                Op::CreateImage {
                    recipe: RecipeRef::ImageRecipe(ib_ref(Some("a"), "r")),
                },
            ),
            true,
        ),
        (
            admin(
                "b",
                Op::CreateImage {
                    recipe: RecipeRef::ImageRecipe(ib_ref(None, "mine")),
                },
            ),
            true,
        ),
        (
            admin(
                "c",
                Op::ListComponents {
                    owner: Some(sharesim_core::op::IbOwner::Shared),
                },
            ),
            true,
        ),
        (
            admin(
                "a",
                Op::CreateResourceShare {
                    share: n("t"),
                    resources: vec![comp],
                    principals: vec![RamPrincipal::Account(n("c"))],
                    allow_external_principals: None,
                    retain_sharing_on_account_leave_organization: false,
                },
            ),
            true,
        ),
        (
            admin("c", Op::RejectResourceShareInvitation { share: n("t") }),
            true,
        ),
        (
            admin(
                "b",
                Op::DeleteImageRecipe {
                    recipe: ib_ref(None, "mine"),
                },
            ),
            true,
        ),
        (admin("a", Op::AdvanceTime { hours: 13 }), true),
    ]
}

#[test]
fn correct_model_image_builder_sequence_has_no_violation() {
    run_expecting(&image_builder());
}

// ---------------------------------------------------------------------------------------------
// Helpers for corruption tests
// ---------------------------------------------------------------------------------------------

fn checker() -> Checker {
    Checker::new(&Quotas::default())
}

fn check(r: &Recorded) -> Vec<Violation> {
    incremental_agrees(r);
    checker().check_step(&r.before, &r.call, &r.outcome, &r.after)
}

/// The incremental mode (`Checker::check_unchanged`, for a rejected or read-only call that
/// left the observation unchanged) finds exactly what the full check finds on the same
/// unchanged observation: for each observation of the step (corrupted or not) taken as
/// unchanged, with the step's outcome if the call is read-only, and with the call rejected.
fn incremental_agrees(r: &Recorded) {
    let c = checker();
    let rejected = StepOutcome::Err {
        exception: "ValidationException".to_owned(),
    };
    let mut outcomes = vec![&rejected];
    if r.call.op.kind().is_read_only() || !r.outcome.is_ok() {
        outcomes.push(&r.outcome);
    }
    for obs in [&r.before, &r.after] {
        for outcome in &outcomes {
            assert_eq!(
                c.check_unchanged(obs, &r.call, outcome),
                c.check_step(obs, &r.call, outcome, obs),
                "the incremental check disagrees with the full one on {:?} ({outcome:?})",
                r.call
            );
        }
    }
    // With the index of `before` kept from the step that produced it, or built afresh, the
    // check is the same (`Checker::check_step_memo`, what the explorer calls), from a clean
    // observation or not.
    let clean = c.check_state(&r.before).is_empty();
    let expected = if clean {
        c.check_step_from_clean(&r.before, &r.call, &r.outcome, &r.after)
    } else {
        c.check_step(&r.before, &r.call, &r.outcome, &r.after)
    };
    let (before, after) = (Arc::new(r.before.clone()), Arc::new(r.after.clone()));
    let mut memo = Memo::default();
    for kept in [false, true] {
        if kept {
            // The memo now holds the index of `before`, as after a step that produced it.
            c.check_step_memo(&mut memo, &after, &r.call, &r.outcome, &before, false);
        }
        assert_eq!(
            c.check_step_memo(&mut memo, &before, &r.call, &r.outcome, &after, clean),
            expected,
            "the check with a kept index ({kept}) disagrees with the full one on {:?}",
            r.call
        );
    }
    // From a clean observation, the check of only the state invariants whose inputs changed
    // (`Checker::check_step_from_clean`) finds what the full check finds, on the recorded step
    // and on every corruption of its `after`.
    if clean {
        assert_eq!(
            c.check_step_from_clean(&r.before, &r.call, &r.outcome, &r.after),
            c.check_step(&r.before, &r.call, &r.outcome, &r.after),
            "the check from a clean observation disagrees with the full one on {:?}",
            r.call
        );
    }
}

/// The last recorded step of a sequence.
fn last(calls: &[Call]) -> Recorded {
    run(calls).pop().unwrap()
}

/// A hand-made step from `before` through `call` (successful, empty response).
fn synthetic(before: &Observation, call: Call, edit: impl FnOnce(&mut Observation)) -> Recorded {
    let mut after = before.clone();
    edit(&mut after);
    Recorded {
        before: before.clone(),
        call,
        outcome: StepOutcome::Ok(Response::Empty),
        after,
    }
}

fn region_mut<'a>(obs: &'a mut Observation, account: &str) -> &'a mut RegionView {
    obs.accounts
        .get_mut(&n(account))
        .unwrap()
        .regions
        .get_mut(&Region::from(R))
        .unwrap()
}

/// Asserts that the violations are all of invariant `id` (and there is one), and that the first
/// some message names each of `words`.
fn only(id: InvariantId, v: &[Violation], words: &[&str]) {
    assert!(!v.is_empty(), "expected {id} to fire, nothing did");
    for x in v {
        assert_eq!(x.invariant, id, "expected only {id}, got:\n{}", report(v));
    }
    assert!(
        v.iter()
            .any(|x| words.iter().all(|w| x.message.contains(w))),
        "no violation names all of {words:?}:\n{}",
        report(v)
    );
    // The report is one readable paragraph starting with the id.
    assert!(v[0].to_string().starts_with(id.id()));
}

fn clean(r: &Recorded) {
    let v = check(r);
    assert!(
        v.is_empty(),
        "the uncorrupted step has violations:\n{}",
        report(&v)
    );
}

/// The sharing sequence up to (and including) b's acceptance.
fn accepted() -> Vec<Call> {
    sharing()[..5].to_vec()
}

/// Owner a removes `web` from `shared` after the whole sharing sequence, as a correct
/// implementation does it (SC-07, SC-08): gone from the owner's portfolio, from b's import and
/// from b's local portfolio (with the launch paths), provisioned products untouched.
fn removal() -> Recorded {
    let end = run(&sharing()).pop().unwrap().after;
    let call = admin(
        "a",
        Op::DisassociateProductFromPortfolio {
            product: n("web"),
            portfolio: n("shared"),
        },
    );
    synthetic(&end, call, |o| {
        region_mut(o, "a").sc.portfolios[0].products.clear();
        let b = region_mut(o, "b");
        b.sc.imported[0].products.clear();
        for p in &mut b.sc.portfolios {
            p.products.retain(|x| x.product != n("web"));
        }
        b.sc.launch_paths.clear();
    })
}

// ---------------------------------------------------------------------------------------------
// The four named invariants
// ---------------------------------------------------------------------------------------------

#[test]
fn imports_in_sync_fires_for_an_import_that_still_shows_a_removed_product() {
    let mut r = removal();
    clean(&r);
    let web = r.before.accounts[&n("b")].regions[&Region::from(R)]
        .sc
        .imported[0]
        .products[0]
        .clone();
    region_mut(&mut r.after, "b").sc.imported[0]
        .products
        .push(web);
    only(
        InvariantId::ImportsInSync,
        &check(&r),
        &["account b", "shared", "web", "removed"],
    );
}

#[test]
fn imports_in_sync_fires_for_a_local_portfolio_that_keeps_a_product_removed_upstream() {
    let mut r = removal();
    let local = r.before.accounts[&n("b")].regions[&Region::from(R)]
        .sc
        .portfolios
        .iter()
        .find(|p| p.name == n("local"))
        .unwrap()
        .products
        .clone();
    let b = region_mut(&mut r.after, "b");
    b.sc.portfolios
        .iter_mut()
        .find(|p| p.name == n("local"))
        .unwrap()
        .products = local;
    only(
        InvariantId::ImportsInSync,
        &check(&r),
        &["local", "account b", "web", "shared"],
    );
}

#[test]
fn imports_in_sync_fires_for_an_import_with_stale_versions() {
    let mut r = last(&accepted());
    region_mut(&mut r.after, "b").sc.imported[0].products[0].versions = vec![n("v0")];
    only(
        InvariantId::ImportsInSync,
        &check(&r),
        &["account b", "web", "v1"],
    );
}

#[test]
fn provisioned_survive_fires_when_a_product_removal_deletes_a_provisioned_product() {
    let mut r = removal();
    region_mut(&mut r.after, "b")
        .sc
        .provisioned_products
        .retain(|p| p.name != n("pp1"));
    only(
        InvariantId::ProvisionedSurvive,
        &check(&r),
        &[
            "pp1",
            "account b",
            "DisassociateProductFromPortfolio",
            "TerminateProvisionedProduct",
        ],
    );
}

#[test]
fn provisioned_survive_fires_when_a_path_remains_through_a_portfolio_without_the_product() {
    let mut r = removal();
    let paths = r.before.accounts[&n("b")].regions[&Region::from(R)]
        .sc
        .launch_paths
        .clone();
    region_mut(&mut r.after, "b").sc.launch_paths = paths;
    only(
        InvariantId::ProvisionedSurvive,
        &check(&r),
        &["account b", "web", "does not contain"],
    );
}

#[test]
fn provisioned_survive_fires_for_a_launch_through_a_path_that_did_not_exist() {
    let mut r = last(&sharing()[..9]);
    // Before the call alice had no path: as if the association had not happened.
    region_mut(&mut r.before, "b").sc.launch_paths.clear();
    region_mut(&mut r.before, "b").sc.imported[0]
        .principals
        .clear();
    only(
        InvariantId::ProvisionedSurvive,
        &check(&r),
        &["pp1", "account b", "not a launch path"],
    );
}

#[test]
fn quota_owner_only_fires_when_accepting_grows_the_consumers_usage() {
    let mut r = last(&accepted());
    clean(&r);
    region_mut(&mut r.after, "b").usage.insert("Q-01".into(), 1);
    only(
        InvariantId::QuotaOwnerOnly,
        &check(&r),
        &["account b", "Q-01", "AcceptPortfolioShare"],
    );
}

#[test]
fn quota_owner_only_fires_when_usage_exceeds_the_quota() {
    let r = last(&sharing()[..1]);
    let quotas = Quotas {
        portfolios_per_region: 0,
        ..Quotas::default()
    };
    let v = Checker::new(&quotas).check_state(&r.after);
    only(
        InvariantId::QuotaOwnerOnly,
        &v,
        &["account a", "Q-01", "above its quota 0"],
    );
}

// ----- A RAM / Image Builder world, written by hand -------------------------------------------

const COMP: &str = "arn:aws:imagebuilder:us-east-1:100000000001:component/comp/1.0.0/1";
const REC: &str = "arn:aws:imagebuilder:us-east-1:100000000002:image-recipe/rec/1.0.0";

fn ib(kind: IbKind, name: &str, arn: &str, owner: &str, depends_on: &[&str]) -> IbResourceView {
    IbResourceView {
        kind,
        name: n(name),
        version: "1.0.0".into(),
        build: (kind == IbKind::Component).then_some(1),
        arn: arn.into(),
        owner: n(owner),
        kms_key: None,
        depends_on: depends_on.iter().map(|s| (*s).to_owned()).collect(),
        policy_principals: vec![],
        status: String::new(),
    }
}

fn assoc(entity: &str, status: &str, external: bool) -> AssociationView {
    AssociationView {
        entity: entity.into(),
        status: status.into(),
        external,
    }
}

/// Account a shares component `comp` with account b (outside any organization) through the
/// ACTIVE share `s1`; b accepted the invitation and owns recipe `rec` built on `comp`.
fn ram_world() -> Observation {
    let spec = WorldSpec {
        accounts: vec![n("a"), n("b"), n("c")],
        regions: vec![Region::from(R)],
        config: Config::default(),
    };
    let mut obs = World::new(&spec).observe();
    let comp = ib(IbKind::Component, "comp", COMP, "a", &[]);
    let a = region_mut(&mut obs, "a");
    a.ib.owned.push(comp.clone());
    a.ram.shares.push(ResourceShareView {
        name: n("s1"),
        arn: "arn:aws:ram:us-east-1:100000000001:resource-share/s1".into(),
        status: "ACTIVE".into(),
        feature_set: "STANDARD".into(),
        allow_external_principals: true,
        retain_sharing_on_account_leave_organization: false,
        resources: vec![assoc(COMP, "ASSOCIATED", false)],
        principals: vec![assoc("account:b", "ASSOCIATED", true)],
    });
    a.usage.insert("Q-11".into(), 1);
    a.usage.insert("Q-22/component".into(), 1);
    let b = region_mut(&mut obs, "b");
    b.ib.shared.push(comp);
    b.ib.owned
        .push(ib(IbKind::ImageRecipe, "rec", REC, "b", &[COMP]));
    b.ram.accessible_resources.push(COMP.into());
    b.ram.received.push(ReceivedShareView {
        name: n("s1"),
        owner: n("a"),
        status: "ACTIVE".into(),
    });
    b.ram.invitations.push(InvitationView {
        share: n("s1"),
        sender: n("a"),
        status: "ACCEPTED".into(),
    });
    b.usage.insert("Q-22/image-recipe".into(), 1);
    obs
}

fn comp_ref() -> RamResource {
    RamResource {
        kind: IbKind::Component,
        resource: IbRef {
            owner: None,
            name: n("comp"),
            version: Some("1.0.0".into()),
            build: Some(1),
        },
    }
}

/// The owner removes `comp` from `s1`, as a broken implementation would let it although b's
/// recipe depends on it: the association is DISASSOCIATED and b lost access.
fn unshare_with_dependent() -> Recorded {
    let call = admin(
        "a",
        Op::DisassociateResourceShare {
            share: n("s1"),
            resources: vec![comp_ref()],
            principals: vec![],
        },
    );
    synthetic(&ram_world(), call, |o| {
        region_mut(o, "a").ram.shares[0].resources[0].status = "DISASSOCIATED".into();
        let b = region_mut(o, "b");
        b.ram.accessible_resources.clear();
        b.ib.shared.clear();
    })
}

#[test]
fn the_hand_made_ram_world_is_consistent() {
    let v = checker().check_state(&ram_world());
    assert!(v.is_empty(), "{}", report(&v));
}

#[test]
fn no_unshare_with_dependents_fires_when_the_owner_unshares_a_depended_on_component() {
    only(
        InvariantId::NoUnshareWithDependents,
        &check(&unshare_with_dependent()),
        &[
            "owner a",
            "consumer b",
            "rec",
            COMP,
            "DisassociateResourceShare",
        ],
    );
}

#[test]
fn no_unshare_with_dependents_fires_when_the_owner_deletes_a_shared_component() {
    let mut world = ram_world();
    // No consumer depends on it here: only the "still shared" half applies.
    region_mut(&mut world, "b").ib.owned.clear();
    region_mut(&mut world, "b").usage.clear();
    let call = admin(
        "a",
        Op::DeleteComponent {
            component: comp_ref().resource,
        },
    );
    let r = synthetic(&world, call, |o| {
        let a = region_mut(o, "a");
        a.ib.owned.clear();
        a.usage.remove("Q-22/component");
        a.ram.shares[0].resources[0].status = "DISASSOCIATED".into();
        let b = region_mut(o, "b");
        b.ram.accessible_resources.clear();
        b.ib.shared.clear();
    });
    only(
        InvariantId::NoUnshareWithDependents,
        &check(&r),
        &["comp", "account a", "still shared", "s1", "account:b"],
    );
}

#[test]
fn a_refused_unshare_is_not_a_violation() {
    let mut r = unshare_with_dependent();
    r.after = r.before.clone();
    r.outcome = StepOutcome::Err {
        exception: "OperationNotPermittedException".into(),
    };
    clean(&r);
}

#[test]
fn modes_are_selectable() {
    assert_eq!(checker().mode(), Mode::Strict);
    assert_eq!(checker().with_mode(Mode::Lenient).mode(), Mode::Lenient);
}

// ---------------------------------------------------------------------------------------------
// INV-01 to INV-20 and NO-SIDE-EFFECT, each on a real step of the model, corrupted
// ---------------------------------------------------------------------------------------------

/// Step `i` (0-based) of the sharing sequence.
fn at_sc(i: usize) -> Recorded {
    last(&sharing()[..=i])
}

/// Step `i` of the organization sequence.
fn at_org(i: usize) -> Recorded {
    last(&organization()[..=i])
}

/// Step `i` of the Image Builder sequence.
fn at_ib(i: usize) -> Recorded {
    run_expecting(&image_builder()[..=i]).pop().unwrap()
}

const B_COMP: &str = "arn:aws:imagebuilder:us-east-1:100000000002:component/other/1.0.0/1";

#[test]
fn inv_01_fires_for_a_key_arn_of_another_region() {
    let mut r = at_ib(0);
    clean(&r);
    let k = &mut region_mut(&mut r.after, "a").kms_keys[0];
    k.arn = k.arn.replace("us-east-1", "eu-west-1");
    only(
        InvariantId::Inv01,
        &check(&r),
        &["KMS key k", "account a", "another account or Region"],
    );
}

#[test]
fn inv_01_fires_when_a_portfolio_changes_owner() {
    let mut r = at_sc(1);
    let p = region_mut(&mut r.after, "a").sc.portfolios.pop().unwrap();
    region_mut(&mut r.after, "c").sc.portfolios.push(p);
    region_mut(&mut r.after, "a").usage.remove("Q-01");
    region_mut(&mut r.after, "c").usage.insert("Q-01".into(), 1);
    let v = check(&r);
    // The move also changes c's usage during a's call: QUOTA-OWNER-ONLY sees that half.
    let v: Vec<Violation> = v
        .into_iter()
        .filter(|x| x.invariant != InvariantId::QuotaOwnerOnly)
        .collect();
    only(
        InvariantId::Inv01,
        &v,
        &["portfolio shared", "account a", "account c"],
    );
}

#[test]
fn inv_02_fires_for_an_associated_resource_the_share_owner_does_not_own() {
    let mut r = at_ib(3);
    clean(&r);
    region_mut(&mut r.after, "a").ram.shares[0].resources[0].entity = B_COMP.into();
    only(
        InvariantId::Inv02,
        &check(&r),
        &["resource share s", "account a", B_COMP, "does not own"],
    );
}

#[test]
fn inv_03_fires_for_an_import_whose_share_was_deleted() {
    let mut r = at_sc(4);
    clean(&r);
    region_mut(&mut r.after, "a").sc.portfolios[0]
        .shares
        .clear();
    only(
        InvariantId::Inv03,
        &check(&r),
        &["account b", "portfolio shared", "no accepted account share"],
    );
}

#[test]
fn inv_04_fires_for_a_local_copy_whose_source_is_not_imported() {
    let mut r = at_sc(13);
    let b = region_mut(&mut r.after, "b");
    let local =
        b.sc.portfolios
            .iter_mut()
            .find(|p| p.name == n("local"))
            .unwrap();
    local.products[0].source_portfolio = Some(n("elsewhere"));
    only(
        InvariantId::Inv04,
        &check(&r),
        &[
            "portfolio local",
            "account b",
            "web",
            "elsewhere",
            "no longer imports",
        ],
    );
}

#[test]
fn inv_05_fires_when_a_recipient_call_changes_the_owners_portfolio() {
    let mut r = at_sc(4);
    let c = sharesim_core::observe::ConstraintView {
        product: n("web"),
        kind: "TEMPLATE".into(),
        name: n("sneaky"),
        owner: n("b"),
        inherited: false,
        effective: true,
        parameters: "rules=1".into(),
    };
    region_mut(&mut r.after, "a").sc.portfolios[0]
        .constraints
        .push(c.clone());
    region_mut(&mut r.after, "b").sc.imported[0]
        .constraints
        .push(c);
    let v: Vec<Violation> = check(&r)
        .into_iter()
        // The owner's portfolio now also shows a constraint created by b: INV-07 sees that half.
        .filter(|x| x.invariant != InvariantId::Inv07)
        .collect();
    only(
        InvariantId::Inv05,
        &v,
        &[
            "portfolio shared",
            "account a",
            "AcceptPortfolioShare",
            "account b",
        ],
    );
}

#[test]
fn inv_06_fires_for_a_launch_constraint_with_both_roles() {
    let mut r = at_org(22);
    clean(&r);
    let b = region_mut(&mut r.after, "b");
    let lp =
        b.sc.portfolios
            .iter_mut()
            .find(|p| p.name == n("lp"))
            .unwrap();
    let own = lp
        .constraints
        .iter_mut()
        .find(|c| c.name == n("own"))
        .unwrap();
    own.parameters = format!("{} local_role=Launch", own.parameters);
    only(
        InvariantId::Inv06,
        &check(&r),
        &[
            "portfolio lp",
            "account b",
            "product x",
            "both a role ARN and a local role name",
        ],
    );
}

#[test]
fn inv_07_fires_for_a_stale_inherited_constraint() {
    let mut r = at_org(22);
    let b = region_mut(&mut r.after, "b");
    let lp =
        b.sc.portfolios
            .iter_mut()
            .find(|p| p.name == n("lp"))
            .unwrap();
    let lc = lp
        .constraints
        .iter_mut()
        .find(|c| c.name == n("lc"))
        .unwrap();
    assert!(lc.inherited);
    lc.parameters = "local_role=Stale".into();
    only(
        InvariantId::Inv07,
        &check(&r),
        &[
            "portfolio lp",
            "account b",
            "lc",
            "not a current constraint of its source portfolio p",
        ],
    );
}

#[test]
fn inv_08_fires_for_a_path_of_an_end_user_who_is_not_associated() {
    let mut r = at_sc(13);
    region_mut(&mut r.after, "b").sc.imported[0]
        .principals
        .clear();
    only(
        InvariantId::Inv08,
        &check(&r),
        &["account b", "alice", "portfolio shared", "not associated"],
    );
}

#[test]
fn inv_08_fires_for_a_missing_path_in_strict_mode_only() {
    let mut r = at_sc(13);
    region_mut(&mut r.after, "b")
        .sc
        .launch_paths
        .retain(|p| p.portfolio != n("local"));
    only(
        InvariantId::Inv08,
        &check(&r),
        &["account b", "alice", "local", "no launch path"],
    );
    let lenient = checker().with_mode(Mode::Lenient);
    assert_eq!(
        lenient.check_step(&r.before, &r.call, &r.outcome, &r.after),
        vec![]
    );
}

#[test]
fn inv_09_fires_for_a_local_role_name_resolved_in_the_owners_account() {
    let mut r = at_org(19);
    clean(&r);
    let b = region_mut(&mut r.after, "b");
    let path =
        b.sc.launch_paths
            .iter_mut()
            .find(|p| p.portfolio == n("p"))
            .unwrap();
    let role = path.launch_role.clone().unwrap();
    assert!(role.contains("100000000002"), "{role}");
    // m is account 4.
    path.launch_role = Some(role.replace("100000000002", "100000000004"));
    path.paying_account = n("m");
    only(
        InvariantId::Inv09,
        &check(&r),
        &[
            "account b",
            "dev-1",
            "product x",
            "LocalRoleName Launch",
            "end user's account b",
        ],
    );
}

#[test]
fn inv_09_fires_when_the_inherited_launch_constraint_is_not_overridden() {
    let mut r = at_org(22);
    let b = region_mut(&mut r.after, "b");
    let lp =
        b.sc.portfolios
            .iter_mut()
            .find(|p| p.name == n("lp"))
            .unwrap();
    lp.constraints
        .iter_mut()
        .find(|c| c.name == n("lc"))
        .unwrap()
        .effective = true;
    let v = check(&r);
    only(
        InvariantId::Inv09,
        &v,
        &[
            "portfolio lp",
            "inherited LAUNCH constraint lc",
            "overrides",
        ],
    );
}

#[test]
fn inv_10_fires_when_a_provisioned_products_record_changes() {
    let mut r = at_sc(13);
    let b = region_mut(&mut r.after, "b");
    b.sc.provisioned_products
        .iter_mut()
        .find(|p| p.name == n("pp1"))
        .unwrap()
        .path = n("local");
    only(
        InvariantId::Inv10,
        &check(&r),
        &["pp1", "account b", "changed its record"],
    );
}

#[test]
fn inv_11_fires_for_a_product_deleted_while_associated() {
    let before = at_sc(4).after;
    let call = admin("a", Op::DeleteProduct { product: n("web") });
    let r = synthetic(&before, call, |o| {
        let a = region_mut(o, "a");
        a.sc.products.clear();
        a.usage.remove("Q-02");
    });
    only(
        InvariantId::Inv11,
        &check(&r),
        &["product web", "account a", "shared"],
    );
}

#[test]
fn inv_12_fires_when_an_account_entering_a_shared_ou_is_not_imported() {
    let mut r = at_org(28);
    clean(&r);
    let b = region_mut(&mut r.after, "b");
    b.sc.imported.clear();
    b.sc.launch_paths.clear();
    only(
        InvariantId::Inv12,
        &check(&r),
        &[
            "account b",
            "OrganizationalUnit(\"dev\")",
            "portfolio p",
            "no AWS_ORGANIZATIONS import",
        ],
    );
}

#[test]
fn inv_12_fires_for_an_account_under_a_missing_ou() {
    let mut r = at_org(6);
    let org = r.after.organizations.get_mut(&n("acme")).unwrap();
    org.accounts.insert(n("b"), Parent::Ou(n("ghost")));
    only(
        InvariantId::Inv12,
        &check(&r),
        &["account b", "ghost", "does not exist"],
    );
}

#[test]
fn inv_13_fires_for_an_accessible_resource_without_a_covering_share() {
    let mut r = at_ib(5);
    clean(&r);
    let comp = r.after.accounts[&n("a")].regions[&Region::from(R)].ib.owned[0]
        .arn
        .clone();
    region_mut(&mut r.after, "c")
        .ram
        .accessible_resources
        .push(comp.clone());
    only(
        InvariantId::Inv13,
        &check(&r),
        &["account c", &comp, "no principal covers c"],
    );
}

#[test]
fn inv_14_fires_for_an_invitation_that_leaves_a_terminal_state() {
    let mut r = at_ib(17);
    clean(&r);
    let c = region_mut(&mut r.after, "c");
    let inv = c
        .ram
        .invitations
        .iter_mut()
        .find(|i| i.share == n("t"))
        .unwrap();
    assert_eq!(inv.status, "REJECTED");
    inv.status = "PENDING".into();
    only(
        InvariantId::Inv14,
        &check(&r),
        &[
            "account c",
            "share t",
            "REJECTED",
            "left their terminal state",
        ],
    );
}

#[test]
fn inv_14_fires_for_an_acceptance_without_the_receivers_call() {
    let mut r = at_ib(15);
    let c = region_mut(&mut r.after, "c");
    c.ram
        .invitations
        .iter_mut()
        .find(|i| i.share == n("t"))
        .unwrap()
        .status = "ACCEPTED".into();
    only(
        InvariantId::Inv14,
        &check(&r),
        &[
            "account c",
            "share t",
            "became ACCEPTED",
            "RejectResourceShareInvitation",
        ],
    );
}

/// The invitation of b to share `s`, PENDING after a's CreateResourceShare (step 3), and the
/// step that moves the clock `hours` from there, as the model takes it (`true`) or with the
/// invitation left PENDING (`false`).
fn clock_step(hours: u32, model: bool) -> Recorded {
    let advance = admin("a", Op::AdvanceTime { hours });
    if model {
        let mut calls = image_builder()[..=3].to_vec();
        calls.push((advance, true));
        return run_expecting(&calls).pop().unwrap();
    }
    let before = at_ib(3).after;
    let status = |o: &Observation| {
        o.accounts[&n("b")].regions[&Region::from(R)]
            .ram
            .invitations[0]
            .status
            .clone()
    };
    assert_eq!(status(&before), "PENDING");
    synthetic(&before, advance, |after| {
        after.clock_hours += u64::from(hours);
    })
}

#[test]
fn inv_14_fires_for_an_invitation_still_pending_past_its_lifetime() {
    // The model expires it (RAM-13, Q-16: 12 hours for Image Builder types)...
    let r = clock_step(12, true);
    let b = &r.after.accounts[&n("b")].regions[&Region::from(R)].ram;
    assert_eq!(b.invitations[0].status, "EXPIRED");
    // ... so an implementation that leaves it PENDING breaks INV-14.
    let r = clock_step(12, false);
    only(
        InvariantId::Inv14,
        &check(&r),
        &[
            "account b",
            "share s",
            "still is",
            "moved 12 h",
            "after 12 h",
        ],
    );
    // Left PENDING by a longer step too, and by a step of several lifetimes.
    only(
        InvariantId::Inv14,
        &check(&clock_step(13, false)),
        &["moved 13 h"],
    );
    only(
        InvariantId::Inv14,
        &check(&clock_step(40, false)),
        &["moved 40 h"],
    );
}

#[test]
fn a_pending_invitation_younger_than_its_lifetime_is_not_a_violation() {
    // 11 hours: the invitation may be as young as the step, so it may stay PENDING.
    let r = clock_step(11, true);
    let b = &r.after.accounts[&n("b")].regions[&Region::from(R)].ram;
    assert_eq!(b.invitations[0].status, "PENDING");
    clean(&clock_step(11, false));
    // Lenient mode (a real service expires on its own clock, A-12) does not require expiry.
    let r = clock_step(12, false);
    let lenient = checker().with_mode(Mode::Lenient);
    assert_eq!(
        lenient.check_step(&r.before, &r.call, &r.outcome, &r.after),
        vec![]
    );
}

#[test]
fn inv_15_fires_for_a_pending_principal_without_an_invitation() {
    let mut r = at_ib(3);
    region_mut(&mut r.after, "b").ram.invitations.clear();
    only(
        InvariantId::Inv15,
        &check(&r),
        &[
            "resource share s",
            "account b",
            "ASSOCIATING",
            "no PENDING invitation",
        ],
    );
}

#[test]
fn inv_16_fires_for_a_wrong_external_flag() {
    let mut r = at_ib(3);
    region_mut(&mut r.after, "a").ram.shares[0].principals[0].external = false;
    only(
        InvariantId::Inv16,
        &check(&r),
        &["resource share s", "account b", "external=false", "outside"],
    );
}

#[test]
fn inv_17_fires_when_a_consumer_sees_a_resource_not_shared_with_it() {
    let mut r = at_ib(5);
    let comp = r.after.accounts[&n("a")].regions[&Region::from(R)].ib.owned[0].clone();
    region_mut(&mut r.after, "c").ib.shared.push(comp);
    only(
        InvariantId::Inv17,
        &check(&r),
        &["account c", "comp", "no ACTIVE STANDARD share covering c"],
    );
}

#[test]
fn inv_17_fires_when_a_consumer_sees_the_owners_policy() {
    let mut r = at_ib(5);
    region_mut(&mut r.after, "b").ib.shared[0].policy_principals = vec![n("c")];
    only(
        InvariantId::Inv17,
        &check(&r),
        &["account b", "differently from its owner a"],
    );
}

#[test]
fn inv_18_fires_for_a_recipe_built_on_an_inaccessible_component() {
    let mut r = at_ib(6);
    clean(&r);
    let b = region_mut(&mut r.before, "b");
    b.ram.accessible_resources.clear();
    b.ib.shared.clear();
    only(
        InvariantId::Inv18,
        &check(&r),
        &["mine", "account b", "account a", "could not access"],
    );
}

#[test]
fn inv_19_fires_for_a_build_with_a_key_the_consumer_cannot_use() {
    let mut r = at_ib(9);
    clean(&r);
    let b = region_mut(&mut r.after, "b");
    let image =
        b.ib.owned
            .iter_mut()
            .find(|x| x.kind == IbKind::Image)
            .unwrap();
    assert_eq!(image.status, "FAILED");
    image.status = "AVAILABLE".into();
    only(
        InvariantId::Inv19,
        &check(&r),
        &["account b", "comp", "account a", "not b"],
    );
}

#[test]
fn inv_20_fires_for_a_reused_name_with_other_parameters_that_succeeds() {
    let before = at_sc(4).after;
    let call = admin(
        "a",
        Op::CreatePortfolio {
            portfolio: n("shared"),
            display_name: Some("Another".into()),
            provider_name: None,
        },
    );
    let r = synthetic(&before, call, |_| {});
    only(
        InvariantId::Inv20,
        &check(&r),
        &["CreatePortfolio", "account a", "must fail"],
    );
}

#[test]
fn inv_20_fires_for_a_repeated_create_that_changes_something() {
    let mut r = at_sc(0);
    r.before = r.after.clone();
    region_mut(&mut r.after, "a").sc.portfolios[0].display_name = "shared again".into();
    let v: Vec<Violation> = check(&r);
    only(
        InvariantId::Inv20,
        &v,
        &["CreatePortfolio", "account a", "changes nothing"],
    );
}

#[test]
fn inv_20_fires_for_a_structural_limit() {
    let r = at_sc(2);
    let quotas = Quotas {
        products_per_portfolio: 0,
        ..Quotas::default()
    };
    let v = Checker::new(&quotas).check_state(&r.after);
    only(
        InvariantId::Inv20,
        &v,
        &["account a", "portfolio shared products", "Q-03"],
    );
}

#[test]
fn no_side_effect_fires_when_a_read_changes_the_world() {
    let mut r = at_sc(7);
    clean(&r);
    r.after
        .accounts
        .get_mut(&n("b"))
        .unwrap()
        .iam
        .users
        .push(n("mallory"));
    only(
        InvariantId::NoSideEffect,
        &check(&r),
        &[
            "ListLaunchPaths",
            "account b",
            "only reads",
            "account b iam",
        ],
    );
}

#[test]
fn no_side_effect_fires_when_a_rejected_call_changes_the_world() {
    let mut r = at_ib(7);
    clean(&r);
    region_mut(&mut r.after, "a").ram.shares[0].name = n("renamed");
    let v: Vec<Violation> = check(&r)
        .into_iter()
        .filter(|x| x.invariant == InvariantId::NoSideEffect)
        .collect();
    only(
        InvariantId::NoSideEffect,
        &v,
        &["DisassociateResourceShare", "rejected", "ram.shares"],
    );
}

#[test]
fn violations_serialise_with_their_ids() {
    let mut r = at_sc(4);
    region_mut(&mut r.after, "a").sc.portfolios[0]
        .shares
        .clear();
    let json = serde_json::to_string(&check(&r)).unwrap();
    assert!(json.contains("\"invariant\":\"INV-03\""), "{json}");
    assert_eq!(InvariantId::ALL.len(), 25);
    let ids: std::collections::BTreeSet<&str> = InvariantId::ALL.iter().map(|i| i.id()).collect();
    assert_eq!(ids.len(), 25);
}

#[test]
fn inv_09_fires_for_a_launch_with_a_local_role_the_end_user_lacks() {
    let mut r = at_org(19);
    let b = r.after.accounts.get_mut(&n("b")).unwrap();
    b.iam.roles.retain(|x| x != &n("Launch"));
    let v: Vec<Violation> = check(&r);
    only(
        InvariantId::Inv09,
        &v,
        &["pp1", "account b", "Launch", "does not exist"],
    );
}

#[test]
fn inv_17_fires_for_a_received_share_shown_active_before_acceptance() {
    let mut r = at_ib(3);
    clean(&r);
    let b = region_mut(&mut r.after, "b");
    assert_eq!(b.ram.received[0].status, "PENDING");
    b.ram.received[0].status = "ACTIVE".into();
    only(
        InvariantId::Inv17,
        &check(&r),
        &["account b", "share s", "expected PENDING"],
    );
}

#[test]
fn an_unchanged_observation_is_not_checked_again() {
    let mut r = at_sc(4);
    region_mut(&mut r.after, "a").sc.portfolios[0]
        .shares
        .clear();
    let broken = r.after.clone();
    // Checked as a state, the corruption shows; as the state before and after a rejected call,
    // it was reported when it appeared and is not repeated.
    assert!(!checker().check_state(&broken).is_empty());
    let rejected = StepOutcome::Err {
        exception: "ResourceNotFoundException".into(),
    };
    assert_eq!(
        checker().check_step(&broken, &r.call, &rejected, &broken),
        vec![]
    );
}

/// RAM inside an organization (RAM-08: no invitations): a shares `comp` with OU dev, where b
/// is; b builds on it, so a cannot unshare (IB-15); b moves out of dev (loses access: an
/// Organizations change, the only way a reference may dangle, INV-18); a shares with the whole
/// organization keeping leavers (RAM-24), and b, removed from the organization, keeps access.
fn ram_organization() -> Vec<(Call, bool)> {
    let comp = RamResource {
        kind: IbKind::Component,
        resource: ib_ref(None, "comp"),
    };
    let share = |name: &str, p: RamPrincipal, retain: bool| {
        admin(
            "a",
            Op::CreateResourceShare {
                share: n(name),
                resources: vec![comp.clone()],
                principals: vec![p],
                allow_external_principals: None,
                retain_sharing_on_account_leave_organization: retain,
            },
        )
    };
    vec![
        (
            admin(
                "m",
                Op::CreateOrganization {
                    organization: n("acme"),
                    feature_set: None,
                },
            ),
            true,
        ),
        (
            admin("m", Op::InviteAccountToOrganization { account: n("a") }),
            true,
        ),
        (
            admin("m", Op::InviteAccountToOrganization { account: n("b") }),
            true,
        ),
        (
            admin(
                "m",
                Op::CreateOrganizationalUnit {
                    ou: n("dev"),
                    parent: Parent::Root,
                },
            ),
            true,
        ),
        (
            admin(
                "m",
                Op::MoveAccount {
                    account: n("b"),
                    source: Parent::Root,
                    destination: Parent::Ou(n("dev")),
                },
            ),
            true,
        ),
        (admin("m", Op::EnableSharingWithAwsOrganization), true),
        (
            admin(
                "a",
                Op::CreateComponent {
                    component: n("comp"),
                    version: "1.0.0".into(),
                    kms_key: None,
                },
            ),
            true,
        ),
        (
            share("s", RamPrincipal::OrganizationalUnit(n("dev")), false),
            true,
        ),
        (
            admin(
                "b",
                Op::GetComponent {
                    component: ib_ref(Some("a"), "comp"),
                },
            ),
            true,
        ),
        (
            admin(
                "b",
                Op::CreateImageRecipe {
                    recipe: n("mine"),
                    version: "1.0.0".into(),
                    components: vec![ib_ref(Some("a"), "comp")],
                    parent_image: ParentImage::Ami("ami-1".into()),
                },
            ),
            true,
        ),
        (
            admin(
                "a",
                Op::DisassociateResourceShare {
                    share: n("s"),
                    resources: vec![],
                    principals: vec![RamPrincipal::OrganizationalUnit(n("dev"))],
                },
            ),
            false,
        ),
        (
            admin(
                "m",
                Op::MoveAccount {
                    account: n("b"),
                    source: Parent::Ou(n("dev")),
                    destination: Parent::Root,
                },
            ),
            true,
        ),
        (
            share("s2", RamPrincipal::Organization(n("acme")), true),
            true,
        ),
        (
            admin("m", Op::RemoveAccountFromOrganization { account: n("b") }),
            true,
        ),
        (
            admin(
                "b",
                Op::GetComponent {
                    component: ib_ref(Some("a"), "comp"),
                },
            ),
            true,
        ),
    ]
}

#[test]
fn correct_model_ram_organization_sequence_has_no_violation() {
    run_expecting(&ram_organization());
}

#[test]
fn inv_13_fires_for_access_through_an_ou_principal_after_org_sharing_is_off() {
    let mut r = run_expecting(&ram_organization()[..=7]).pop().unwrap();
    clean(&r);
    assert!(
        !r.after.accounts[&n("b")].regions[&Region::from(R)]
            .ram
            .accessible_resources
            .is_empty()
    );
    r.after
        .organizations
        .get_mut(&n("acme"))
        .unwrap()
        .ram_sharing_enabled = false;
    let v: Vec<Violation> = check(&r)
        .into_iter()
        // b's listing of the component is the same fault seen by INV-17.
        .filter(|x| x.invariant != InvariantId::Inv17)
        .collect();
    only(
        InvariantId::Inv13,
        &v,
        &["account b", "comp", "share s of a"],
    );
}

/// SC-32, SC-33: with Service Catalog Organizations access disabled, moves change no import; on
/// re-enabling, coverage follows the current tree again.
#[test]
fn correct_model_frozen_organization_access_has_no_violation() {
    let mut calls = organization();
    calls.truncate(26);
    calls.extend([
        admin("m", Op::DisableAWSOrganizationsAccess),
        admin(
            "m",
            Op::MoveAccount {
                account: n("b"),
                source: Parent::Ou(n("dev")),
                destination: Parent::Root,
            },
        ),
        admin("m", Op::RemoveAccountFromOrganization { account: n("c") }),
        admin("m", Op::EnableAWSOrganizationsAccess),
        admin(
            "m",
            Op::MoveAccount {
                account: n("b"),
                source: Parent::Root,
                destination: Parent::Ou(n("dev")),
            },
        ),
    ]);
    run(&calls);
}

#[test]
fn inv_12_fires_when_a_move_changes_imports_while_access_is_disabled() {
    let mut calls = organization();
    calls.truncate(20);
    calls.extend([
        admin("m", Op::DisableAWSOrganizationsAccess),
        admin(
            "m",
            Op::MoveAccount {
                account: n("b"),
                source: Parent::Ou(n("dev")),
                destination: Parent::Root,
            },
        ),
    ]);
    let mut r = last(&calls);
    clean(&r);
    let b = region_mut(&mut r.after, "b");
    assert_eq!(b.sc.imported.len(), 1, "the import is frozen");
    b.sc.imported.clear();
    b.sc.launch_paths.clear();
    only(
        InvariantId::Inv12,
        &check(&r),
        &["account b", "portfolio p", "MoveAccount", "disabled"],
    );
}

#[test]
fn inv_15_fires_for_an_association_without_an_accepted_invitation() {
    let mut r = at_ib(5);
    clean(&r);
    region_mut(&mut r.after, "b").ram.invitations.clear();
    only(
        InvariantId::Inv15,
        &check(&r),
        &[
            "resource share s",
            "account b",
            "became ASSOCIATED",
            "outside the owner's organization",
        ],
    );
}
