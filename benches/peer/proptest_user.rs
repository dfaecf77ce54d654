//! The proptest-state-machine peer a user would write: strategies of its own per operation over
//! `sharesim_core::Op`, weighted with sharesim's per-kind weights, drawing names from a reference
//! state of what earlier transitions created.
//!
//! The other peer (`proptest_sm.rs`) decodes sharesim's own generator inside proptest, so it
//! compares only drivers and its ratio is about 1 by construction. This one answers the question
//! a user asks: "if I wrote the obvious state-machine test for this model myself, how much sooner
//! does sharesim find the bug?" It gets everything a careful user would write and nothing that is
//! sharesim's own contribution:
//!
//! - Reference state ([`Model`]): the entities earlier transitions asked to create (organizations,
//!   OUs, users, roles, groups, keys, portfolios, products and their provisioning artifacts,
//!   constraints, provisioned products, resource shares, components, recipes, images), each with
//!   its creating account and Region, plus what a user modelling sharing records directly: the
//!   product associations, the portfolio shares with the accounts they are offered to (and, for
//!   organization node shares, the `AWS_ORGANIZATIONS` share type to accept with), and the RAM
//!   invitations. Like sharesim's hot pools (and unlike a model with preconditions), it records
//!   what was asked, not what succeeded, and forgets nothing on deletion: it does not know the
//!   model's answers, and names of deleted things stay worth calling.
//! - Transitions: one strategy per operation (an exhaustive match over `OpKind`), drawn through a
//!   weighted `Union` with `sharesim::generate::weight`, so the call mix is sharesim's (the union
//!   is over the kinds and `prop_flat_map`s into the drawn kind's strategy, which has the
//!   distribution of a weighted `prop_oneof!` of the strategies and builds only one per step). A call on
//!   an entity names one from the reference state, by its owner in its Region nine times in ten
//!   (any account otherwise, to walk the authorization checks); one argument in ten names a fresh,
//!   never-created entity. Arguments that must belong to the caller (a product the owner adds to
//!   its portfolio, the principals it associates, the resources of its share) are drawn among the
//!   caller's own entities when it has some; a consumer answers the offers recorded for it
//!   (accepting a portfolio share, an invitation, adding an imported product to its own
//!   portfolio with the import as source). Creations use a fresh name nine times in ten and reuse
//!   an existing one otherwise.
//! - Left out on purpose, because they are sharesim's contribution and not what a user would
//!   write: swarm profiles (every kind is always on, at its weight: proptest's defaults), chain
//!   planning (`src/generate/chain.rs`: the multi-party sequences queued and interleaved with
//!   random calls), the deliberate wrong-Region and cold-account draws, and any weighting of the
//!   pools towards recent or nearby entities.
//! - Everything else is the other peer's: the same broken core (`World::with_fault`), the same
//!   checker in the same incremental check mode with the same confirmation against the correct
//!   model ([`Sut`]), cases of `sequential 1..=max_len` calls, proptest's ChaCha RNG seeded from
//!   the seed, no persistence, fork or shrinking.
//!
//! The pools sit behind `Rc`, so that proptest's clones of the reference state (one per
//! transition while it generates a case, and again while it replays it) are cheap: the peer is
//! not slowed down by a naive representation.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::Union;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};
use sharesim::explore;
use sharesim::generate::weight;
use sharesim_core::fault::Fault;
use sharesim_core::op::{
    AssociationType, ConstraintParameters, FeatureSet, IamKind, IbKind, IbOwner, IbRef, KeyGrantee,
    KeyRef, Parent, ParentImage, PortfolioPrincipal, PortfolioShareType, Principal, RamPrincipal,
    RamResource, RecipeRef, ResourceOwner, ResourcePolicy, RoleArn, Service, ShareTarget,
    TagUpdate,
};
use sharesim_core::{Call, Name, Op, OpKind, Region};
use std::fmt::Debug;
use std::rc::Rc;
use std::time::Duration;

use crate::Detection;
use crate::proptest_sm::{Sut, run_machine};

type S<T> = BoxedStrategy<T>;
type Pool<T> = Rc<Vec<T>>;

/// Something a transition asked to create: its name, creating account and Region.
#[derive(Clone, Debug)]
pub struct Ent {
    name: Name,
    account: Name,
    region: Region,
}

/// An Image Builder resource and the version it was created with.
#[derive(Clone, Debug)]
pub struct IbEnt {
    ent: Ent,
    version: String,
}

/// The reference state: what earlier transitions created, and the offers they made.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Transitions so far; fresh names carry it, so they never collide.
    fresh: u32,
    orgs: Pool<Ent>,
    ous: Pool<Ent>,
    users: Pool<Ent>,
    roles: Pool<Ent>,
    groups: Pool<Ent>,
    keys: Pool<Ent>,
    portfolios: Pool<Ent>,
    products: Pool<Ent>,
    constraints: Pool<Ent>,
    shares: Pool<Ent>,
    /// (product, provisioning artifact).
    versions: Pool<(Ent, Name)>,
    /// (portfolio, product).
    assoc: Pool<(Ent, Name)>,
    /// (portfolio, target) of every portfolio share.
    portfolio_shares: Pool<(Ent, ShareTarget)>,
    /// (portfolio, recipient, share type to accept with).
    offers: Pool<(Ent, Name, Option<PortfolioShareType>)>,
    /// (resource share, invited account).
    invites: Pool<(Ent, Name)>,
    /// (provisioned product, the end user who launched it).
    provisioned: Pool<(Ent, Option<Principal>)>,
    components: Pool<IbEnt>,
    image_recipes: Pool<IbEnt>,
    container_recipes: Pool<IbEnt>,
    images: Pool<IbEnt>,
}

fn push<T: Clone>(pool: &mut Pool<T>, x: T) {
    Rc::make_mut(pool).push(x);
}

fn find(pool: &Pool<Ent>, name: &Name) -> Option<Ent> {
    pool.iter().rev().find(|e| &e.name == name).cloned()
}

thread_local! {
    /// The world's accounts and Regions, as a user would read them from the world spec (leaked
    /// once per thread, so that `select` borrows them instead of copying them on every draw).
    static ACCOUNTS: &'static [Name] = Vec::leak(explore::world_spec().accounts);
    static REGIONS: &'static [Region] = Vec::leak(explore::world_spec().regions);
}

fn accounts() -> &'static [Name] {
    ACCOUNTS.with(|a| *a)
}

fn call(account: Name, region: Region, op: Op) -> Call {
    Call {
        account,
        principal: None,
        region,
        op,
    }
}

fn account() -> S<Name> {
    proptest::sample::select(accounts()).boxed()
}

fn region() -> S<Region> {
    proptest::sample::select(REGIONS.with(|r| *r)).boxed()
}

fn other_account(not: &Name) -> S<Name> {
    let others: Vec<Name> = accounts().iter().filter(|a| *a != not).cloned().collect();
    proptest::sample::select(others).boxed()
}

fn fresh(prefix: &str, n: u32) -> Name {
    Name::new(format!("{prefix}{n}"))
}

/// An element of a non-empty pool.
fn element<T: Clone + Debug + 'static>(pool: &Pool<T>) -> Option<S<T>> {
    if pool.is_empty() {
        return None;
    }
    let pool = pool.clone();
    Some(
        any::<Index>()
            .prop_map(move |i| i.get(pool.as_slice()).clone())
            .boxed(),
    )
}

/// An entity of the pool, nine times in ten; else (or when the pool is empty) a fresh name that
/// nothing created, owned by any account.
fn pick(pool: &Pool<Ent>, prefix: &'static str, n: u32) -> S<Ent> {
    let unknown = (account(), region())
        .prop_map(move |(account, region)| Ent {
            name: fresh(prefix, n),
            account,
            region,
        })
        .boxed();
    match element(pool) {
        Some(known) => prop_oneof![9 => known, 1 => unknown].boxed(),
        None => unknown,
    }
}

fn pick_name(pool: &Pool<Ent>, prefix: &'static str, n: u32) -> S<Name> {
    pick(pool, prefix, n).prop_map(|e| e.name).boxed()
}

/// A name for a creation: fresh nine times in ten, an existing one otherwise.
fn create(pool: &Pool<Ent>, prefix: &'static str, n: u32) -> S<Name> {
    let new = Just(fresh(prefix, n));
    match element(pool) {
        Some(old) => prop_oneof![9 => new, 1 => old.prop_map(|e| e.name)].boxed(),
        None => new.boxed(),
    }
}

/// The caller of a call on `e`: its owner in its Region nine times in ten, any account else.
fn caller_of(e: &Ent) -> S<(Name, Region)> {
    let region = e.region.clone();
    prop_oneof![
        9 => Just((e.account.clone(), e.region.clone())),
        1 => account().prop_map(move |a| (a, region.clone())),
    ]
    .boxed()
}

/// A call on an entity of `pool`, with the operation built from it.
fn on<F, SO>(pool: &Pool<Ent>, prefix: &'static str, n: u32, build: F) -> S<Call>
where
    F: Fn(&Ent) -> SO + 'static,
    SO: Strategy<Value = Op> + 'static,
{
    pick(pool, prefix, n)
        .prop_flat_map(move |e| (caller_of(&e), build(&e)))
        .prop_map(|((account, region), op)| call(account, region, op))
        .boxed()
}

/// A call by any account in any Region.
fn anyone<SO: Strategy<Value = Op> + 'static>(op: SO) -> S<Call> {
    (account(), region(), op)
        .prop_map(|(a, r, op)| call(a, r, op))
        .boxed()
}

fn service() -> S<Service> {
    prop_oneof![
        Just(Service::ServiceCatalog),
        Just(Service::Ram),
        Just(Service::ImageBuilder)
    ]
    .boxed()
}

fn iam_kind() -> S<IamKind> {
    prop_oneof![Just(IamKind::User), Just(IamKind::Role)].boxed()
}

/// The entities of `pool` owned by `account` in `region`, if any.
fn owned_by<T: Clone>(
    pool: &Pool<T>,
    of: impl Fn(&T) -> &Ent,
    account: &Name,
    region: &Region,
) -> Pool<T> {
    Rc::new(
        pool.iter()
            .filter(|x| &of(x).account == account && &of(x).region == region)
            .cloned()
            .collect(),
    )
}

fn ib_ref(e: &IbEnt) -> IbRef {
    IbRef {
        owner: Some(e.ent.account.clone()),
        name: e.ent.name.clone(),
        version: Some(e.version.clone()),
        build: None,
    }
}

/// A reference to an Image Builder resource of the pool, or to a fresh name.
fn pick_ib(pool: &Pool<IbEnt>, prefix: &'static str, n: u32) -> S<IbEnt> {
    let unknown = (account(), region())
        .prop_map(move |(account, region)| IbEnt {
            ent: Ent {
                name: fresh(prefix, n),
                account,
                region,
            },
            version: "1.0.0".to_owned(),
        })
        .boxed();
    match element(pool) {
        Some(known) => prop_oneof![9 => known, 1 => unknown].boxed(),
        None => unknown,
    }
}

/// A call on an Image Builder resource, with the operation built from its reference.
fn on_ib(
    pool: &Pool<IbEnt>,
    prefix: &'static str,
    n: u32,
    build: impl Fn(IbRef) -> S<Op> + 'static,
) -> S<Call> {
    pick_ib(pool, prefix, n)
        .prop_flat_map(move |e| (caller_of(&e.ent), build(ib_ref(&e))))
        .prop_map(|((account, region), op)| call(account, region, op))
        .boxed()
}

/// The entities of an Image Builder pool, for names to reuse.
fn ents(pool: &Pool<IbEnt>) -> Pool<Ent> {
    Rc::new(pool.iter().map(|e| e.ent.clone()).collect())
}

fn ib_version() -> S<String> {
    proptest::sample::select(vec!["1.0.0", "1.0.1", "2.0.0"])
        .prop_map(str::to_owned)
        .boxed()
}

impl Model {
    fn org_owner(&self) -> S<(Name, Region)> {
        pick(&self.orgs, "org", self.fresh)
            .prop_flat_map(|e| caller_of(&e))
            .boxed()
    }

    fn org_call(&self, op: impl Strategy<Value = Op> + 'static) -> S<Call> {
        (self.org_owner(), op)
            .prop_map(|((a, r), op)| call(a, r, op))
            .boxed()
    }

    fn parent(&self) -> S<Parent> {
        let ou = pick_name(&self.ous, "ou", self.fresh).prop_map(Parent::Ou);
        prop_oneof![Just(Parent::Root), ou].boxed()
    }

    /// An end user: a user or role and its account.
    fn end_user(&self) -> S<(Name, Option<Principal>)> {
        let users = element(&self.users).map(|s| {
            s.prop_map(|e| (e.account, Some(Principal::User(e.name))))
                .boxed()
        });
        let roles = element(&self.roles).map(|s| {
            s.prop_map(|e| (e.account, Some(Principal::Role(e.name))))
                .boxed()
        });
        match (users, roles) {
            (Some(u), Some(r)) => prop_oneof![u, r].boxed(),
            (Some(s), None) | (None, Some(s)) => s,
            (None, None) => account().prop_map(|a| (a, None)).boxed(),
        }
    }

    fn grantee(&self) -> S<KeyGrantee> {
        let n = self.fresh;
        prop_oneof![
            3 => account().prop_map(KeyGrantee::Account),
            1 => pick_name(&self.orgs, "org", n).prop_map(KeyGrantee::Organization),
            1 => pick_name(&self.ous, "ou", n).prop_map(KeyGrantee::OrganizationalUnit),
        ]
        .boxed()
    }

    fn constraint_parameters(&self) -> S<ConstraintParameters> {
        let n = self.fresh;
        let arn = pick(&self.roles, "r", n).prop_map(|e| ConstraintParameters::Launch {
            role_arn: Some(RoleArn {
                account: e.account,
                role: e.name,
            }),
            local_role_name: None,
        });
        let local = pick_name(&self.roles, "r", n).prop_map(|role| ConstraintParameters::Launch {
            role_arn: None,
            local_role_name: Some(role),
        });
        let stack_set = (
            account(),
            region(),
            pick_name(&self.roles, "r", n),
            pick_name(&self.roles, "r", n),
        )
            .prop_map(|(a, r, admin_role, execution_role)| {
                ConstraintParameters::StackSet {
                    accounts: vec![a],
                    regions: vec![r],
                    admin_role,
                    execution_role,
                }
            });
        prop_oneof![
            4 => arn,
            4 => local,
            1 => Just(ConstraintParameters::Notification {
                topics: vec![fresh("topic", n)],
            }),
            1 => prop_oneof![Just(TagUpdate::Allowed), Just(TagUpdate::NotAllowed)].prop_map(
                |t| ConstraintParameters::ResourceUpdate {
                    tag_update_on_provisioned_product: t,
                }
            ),
            1 => stack_set,
            1 => Just(ConstraintParameters::Template {
                rules: "{}".to_owned(),
            }),
        ]
        .boxed()
    }

    fn share_target(&self, owner: &Name) -> S<ShareTarget> {
        let n = self.fresh;
        prop_oneof![
            3 => other_account(owner).prop_map(ShareTarget::Account),
            1 => pick_name(&self.orgs, "org", n).prop_map(ShareTarget::Organization),
            1 => pick_name(&self.ous, "ou", n).prop_map(ShareTarget::OrganizationalUnit),
            1 => other_account(owner).prop_map(ShareTarget::OrganizationMemberAccount),
        ]
        .boxed()
    }

    /// A portfolio and a caller that holds it: its owner, or an account it was offered to.
    fn holder(&self) -> S<(Ent, Name, Region)> {
        let owned = pick(&self.portfolios, "port", self.fresh)
            .prop_flat_map(|p| (Just(p.clone()), caller_of(&p)))
            .prop_map(|(p, (a, r))| (p, a, r));
        match element(&self.offers) {
            Some(offered) => prop_oneof![
                2 => owned,
                1 => offered.prop_map(|(p, recipient, _)| {
                    let r = p.region.clone();
                    (p, recipient, r)
                }),
            ]
            .boxed(),
            None => owned.boxed(),
        }
    }

    /// A principal of `caller`'s for a portfolio association.
    fn portfolio_principal(&self, caller: &Name) -> S<PortfolioPrincipal> {
        let pattern =
            (iam_kind(), proptest::sample::select(vec!["*", "u*", "r*"])).prop_map(|(kind, p)| {
                PortfolioPrincipal::IamPattern {
                    kind,
                    pattern: p.to_owned(),
                }
            });
        // IAM is global: any Region of the caller's.
        let mine = |pool: &Pool<Ent>, kind: IamKind| {
            let own: Vec<Ent> = pool
                .iter()
                .filter(|e| &e.account == caller)
                .cloned()
                .collect();
            element(&Rc::new(own)).map(move |s| {
                s.prop_map(move |e| PortfolioPrincipal::Iam {
                    kind,
                    name: e.name,
                    account: None,
                })
                .boxed()
            })
        };
        let mut arms: Vec<(u32, S<PortfolioPrincipal>)> = vec![(1, pattern.boxed())];
        arms.extend(mine(&self.users, IamKind::User).map(|s| (2, s)));
        arms.extend(mine(&self.roles, IamKind::Role).map(|s| (2, s)));
        Union::new_weighted(arms).boxed()
    }

    fn ram_principal(&self, owner: &Name) -> S<RamPrincipal> {
        let n = self.fresh;
        prop_oneof![
            3 => other_account(owner).prop_map(RamPrincipal::Account),
            1 => pick_name(&self.orgs, "org", n).prop_map(RamPrincipal::Organization),
            1 => pick_name(&self.ous, "ou", n).prop_map(RamPrincipal::OrganizationalUnit),
        ]
        .boxed()
    }

    /// Resources `owner` holds in `region`, for its resource share (none when it has none).
    fn ram_resources(&self, owner: &Name, region: &Region) -> S<Vec<RamResource>> {
        let mut arms: Vec<S<RamResource>> = Vec::new();
        for (pool, kind) in [
            (&self.components, IbKind::Component),
            (&self.images, IbKind::Image),
            (&self.image_recipes, IbKind::ImageRecipe),
            (&self.container_recipes, IbKind::ContainerRecipe),
        ] {
            let own = owned_by(pool, |e| &e.ent, owner, region);
            if let Some(s) = element(&own) {
                arms.push(
                    s.prop_map(move |e| RamResource {
                        kind,
                        resource: ib_ref(&e),
                    })
                    .boxed(),
                );
            }
        }
        if arms.is_empty() {
            return Just(Vec::new()).boxed();
        }
        proptest::collection::vec(Union::new(arms), 0..=2).boxed()
    }

    /// Any Image Builder resource, for a share to be anchored on.
    fn any_ib(&self) -> Option<S<(IbKind, IbEnt)>> {
        let mut arms: Vec<S<(IbKind, IbEnt)>> = Vec::new();
        for (pool, kind) in [
            (&self.components, IbKind::Component),
            (&self.images, IbKind::Image),
            (&self.image_recipes, IbKind::ImageRecipe),
            (&self.container_recipes, IbKind::ContainerRecipe),
        ] {
            if let Some(s) = element(pool) {
                arms.push(s.prop_map(move |e| (kind, e)).boxed());
            }
        }
        (!arms.is_empty()).then(|| Union::new(arms).boxed())
    }

    fn recipe(&self, container: bool) -> S<Call> {
        let n = self.fresh;
        let (pool, prefix) = if container {
            (&self.container_recipes, "crec")
        } else {
            (&self.image_recipes, "rec")
        };
        let name = create(&ents(pool), prefix, n);
        let components = self.components.clone();
        let first = pick_ib(&self.components, "comp", n);
        (first, account(), name, ib_version())
            .prop_flat_map(move |(c, caller, recipe, version)| {
                let more = match element(&components) {
                    Some(s) => proptest::collection::vec(s.prop_map(|e| ib_ref(&e)), 0..=1).boxed(),
                    None => Just(Vec::new()).boxed(),
                };
                (Just((c, caller, recipe, version)), more)
            })
            .prop_map(move |((c, caller, recipe, version), more)| {
                let region = c.ent.region.clone();
                let mut components = vec![ib_ref(&c)];
                components.extend(more);
                let parent_image = ParentImage::Ami("ami-0abc".to_owned());
                let op = if container {
                    Op::CreateContainerRecipe {
                        recipe,
                        version,
                        components,
                        parent_image,
                        kms_key: None,
                    }
                } else {
                    Op::CreateImageRecipe {
                        recipe,
                        version,
                        components,
                        parent_image,
                    }
                };
                call(caller, region, op)
            })
            .boxed()
    }

    fn policy() -> S<ResourcePolicy> {
        proptest::collection::vec(account(), 1..=2)
            .prop_map(|principals| ResourcePolicy {
                principals,
                actions: None,
            })
            .boxed()
    }

    /// The strategy of one kind of call.
    fn arm(&self, kind: OpKind) -> S<Call> {
        use OpKind as K;
        let n = self.fresh;
        match kind {
            // ----- Organizations ---------------------------------------------------------
            K::CreateOrganization => (
                account(),
                region(),
                create(&self.orgs, "org", n),
                prop::option::weighted(
                    0.2,
                    prop_oneof![Just(FeatureSet::All), Just(FeatureSet::ConsolidatedBilling)],
                ),
            )
                .prop_map(|(a, r, organization, feature_set)| {
                    call(
                        a,
                        r,
                        Op::CreateOrganization {
                            organization,
                            feature_set,
                        },
                    )
                })
                .boxed(),
            K::InviteAccountToOrganization => self.org_call(
                account().prop_map(|account| Op::InviteAccountToOrganization { account }),
            ),
            K::CreateOrganizationalUnit => self.org_call(
                (create(&self.ous, "ou", n), self.parent())
                    .prop_map(|(ou, parent)| Op::CreateOrganizationalUnit { ou, parent }),
            ),
            K::DeleteOrganizationalUnit => on(&self.ous, "ou", n, |e| {
                Just(Op::DeleteOrganizationalUnit { ou: e.name.clone() })
            }),
            K::MoveAccount => self.org_call((account(), self.parent(), self.parent()).prop_map(
                |(account, source, destination)| Op::MoveAccount {
                    account,
                    source,
                    destination,
                },
            )),
            K::RemoveAccountFromOrganization => self.org_call(
                account().prop_map(|account| Op::RemoveAccountFromOrganization { account }),
            ),
            K::LeaveOrganization => anyone(Just(Op::LeaveOrganization)),
            K::DeleteOrganization => self.org_call(Just(Op::DeleteOrganization)),
            K::EnableAWSServiceAccess => {
                self.org_call(service().prop_map(|service| Op::EnableAWSServiceAccess { service }))
            }
            K::DisableAWSServiceAccess => {
                self.org_call(service().prop_map(|service| Op::DisableAWSServiceAccess { service }))
            }
            K::RegisterDelegatedAdministrator => {
                self.org_call((account(), service()).prop_map(|(account, service)| {
                    Op::RegisterDelegatedAdministrator { account, service }
                }))
            }
            K::DeregisterDelegatedAdministrator => {
                self.org_call((account(), service()).prop_map(|(account, service)| {
                    Op::DeregisterDelegatedAdministrator { account, service }
                }))
            }
            // ----- IAM -------------------------------------------------------------------
            K::CreateRole => {
                anyone(create(&self.roles, "r", n).prop_map(|role| Op::CreateRole { role }))
            }
            K::CreateUser => {
                anyone(create(&self.users, "u", n).prop_map(|user| Op::CreateUser { user }))
            }
            K::CreateGroup => {
                anyone(create(&self.groups, "g", n).prop_map(|group| Op::CreateGroup { group }))
            }
            K::DeleteRole => on(&self.roles, "r", n, |e| {
                Just(Op::DeleteRole {
                    role: e.name.clone(),
                })
            }),
            K::DeleteUser => on(&self.users, "u", n, |e| {
                Just(Op::DeleteUser {
                    user: e.name.clone(),
                })
            }),
            K::DeleteGroup => on(&self.groups, "g", n, |e| {
                Just(Op::DeleteGroup {
                    group: e.name.clone(),
                })
            }),
            K::AddUserToGroup | K::RemoveUserFromGroup => {
                let users = self.users.clone();
                on(&self.groups, "g", n, move |g| {
                    let group = g.name.clone();
                    let own = owned_by(&users, |e| e, &g.account, &g.region);
                    let user = match element(&own).or_else(|| element(&users)) {
                        Some(s) => s.prop_map(|e| e.name).boxed(),
                        None => Just(fresh("u", n)).boxed(),
                    };
                    user.prop_map(move |user| {
                        let group = group.clone();
                        if kind == K::AddUserToGroup {
                            Op::AddUserToGroup { user, group }
                        } else {
                            Op::RemoveUserFromGroup { user, group }
                        }
                    })
                })
            }
            // ----- KMS -------------------------------------------------------------------
            K::CreateKey => {
                anyone(create(&self.keys, "key", n).prop_map(|key| Op::CreateKey { key }))
            }
            K::PutKeyPolicy => {
                let grantee = self.grantee();
                on(&self.keys, "key", n, move |e| {
                    let key = e.name.clone();
                    proptest::collection::vec(grantee.clone(), 0..=3).prop_map(move |grantees| {
                        Op::PutKeyPolicy {
                            key: key.clone(),
                            account: None,
                            grantees,
                        }
                    })
                })
            }
            K::DisableKey => on(&self.keys, "key", n, |e| {
                Just(Op::DisableKey {
                    key: e.name.clone(),
                    account: None,
                })
            }),
            K::EnableKey => on(&self.keys, "key", n, |e| {
                Just(Op::EnableKey {
                    key: e.name.clone(),
                    account: None,
                })
            }),
            K::CancelKeyDeletion => on(&self.keys, "key", n, |e| {
                Just(Op::CancelKeyDeletion {
                    key: e.name.clone(),
                    account: None,
                })
            }),
            K::ScheduleKeyDeletion => on(&self.keys, "key", n, |e| {
                let key = e.name.clone();
                prop::option::of(7u32..=30).prop_map(move |pending_window_in_days| {
                    Op::ScheduleKeyDeletion {
                        key: key.clone(),
                        account: None,
                        pending_window_in_days,
                    }
                })
            }),
            // ----- Service Catalog: portfolios, products, constraints --------------------
            K::CreatePortfolio => {
                anyone(create(&self.portfolios, "port", n).prop_map(|portfolio| {
                    Op::CreatePortfolio {
                        portfolio,
                        display_name: None,
                        provider_name: None,
                    }
                }))
            }
            K::DeletePortfolio => on(&self.portfolios, "port", n, |e| {
                Just(Op::DeletePortfolio {
                    portfolio: e.name.clone(),
                })
            }),
            K::UpdatePortfolio => on(&self.portfolios, "port", n, |e| {
                Just(Op::UpdatePortfolio {
                    portfolio: e.name.clone(),
                    display_name: "Display".to_owned(),
                })
            }),
            K::CreateProduct => {
                anyone(create(&self.products, "prod", n).prop_map(move |product| {
                    Op::CreateProduct {
                        product,
                        version: fresh("v", n),
                    }
                }))
            }
            K::DeleteProduct => on(&self.products, "prod", n, |e| {
                Just(Op::DeleteProduct {
                    product: e.name.clone(),
                })
            }),
            K::CreateProvisioningArtifact => on(&self.products, "prod", n, move |e| {
                Just(Op::CreateProvisioningArtifact {
                    product: e.name.clone(),
                    version: fresh("v", n),
                })
            }),
            K::DeleteProvisioningArtifact => match element(&self.versions) {
                Some(s) => s
                    .prop_flat_map(|(p, v)| (caller_of(&p), Just((p, v))))
                    .prop_map(|((a, r), (p, version))| {
                        call(
                            a,
                            r,
                            Op::DeleteProvisioningArtifact {
                                product: p.name,
                                version,
                            },
                        )
                    })
                    .boxed(),
                None => on(&self.products, "prod", n, move |e| {
                    Just(Op::DeleteProvisioningArtifact {
                        product: e.name.clone(),
                        version: fresh("v", n),
                    })
                }),
            },
            K::AssociateProductWithPortfolio => {
                // The owner adds one of its products (or any) to its portfolio.
                let products = self.products.clone();
                let local = on(&self.portfolios, "port", n, move |p| {
                    let portfolio = p.name.clone();
                    let own = owned_by(&products, |e| e, &p.account, &p.region);
                    let product = match element(&own) {
                        Some(s) => prop_oneof![3 => s, 1 => pick(&products, "prod", n)].boxed(),
                        None => pick(&products, "prod", n),
                    };
                    product.prop_map(move |e| Op::AssociateProductWithPortfolio {
                        product: e.name,
                        portfolio: portfolio.clone(),
                        source_portfolio: None,
                    })
                });
                // A recipient adds a product of a portfolio offered to it to one of its own.
                let imported = element(&self.offers).map(|offer| {
                    let assoc = self.assoc.clone();
                    let portfolios = self.portfolios.clone();
                    offer
                        .prop_flat_map(move |(source, recipient, _)| {
                            let in_source: Vec<Name> = assoc
                                .iter()
                                .filter(|(p, _)| p.name == source.name)
                                .map(|(_, x)| x.clone())
                                .collect();
                            let product = if in_source.is_empty() {
                                Just(fresh("prod", n)).boxed()
                            } else {
                                proptest::sample::select(in_source).boxed()
                            };
                            let own = owned_by(&portfolios, |e| e, &recipient, &source.region);
                            let portfolio = pick(&own, "port", n).prop_map(|e| e.name);
                            (Just((source, recipient)), product, portfolio)
                        })
                        .prop_map(|((source, recipient), product, portfolio)| {
                            call(
                                recipient,
                                source.region,
                                Op::AssociateProductWithPortfolio {
                                    product,
                                    portfolio,
                                    source_portfolio: Some(source.name),
                                },
                            )
                        })
                        .boxed()
                });
                match imported {
                    Some(imported) => prop_oneof![3 => local, 1 => imported].boxed(),
                    None => local,
                }
            }
            K::DisassociateProductFromPortfolio => match element(&self.assoc) {
                Some(s) => s
                    .prop_flat_map(|(p, x)| (caller_of(&p), Just((p, x))))
                    .prop_map(|((a, r), (p, product))| {
                        call(
                            a,
                            r,
                            Op::DisassociateProductFromPortfolio {
                                product,
                                portfolio: p.name,
                            },
                        )
                    })
                    .boxed(),
                None => on(&self.portfolios, "port", n, move |p| {
                    Just(Op::DisassociateProductFromPortfolio {
                        product: fresh("prod", n),
                        portfolio: p.name.clone(),
                    })
                }),
            },
            K::CreateConstraint => {
                let target = match element(&self.assoc) {
                    Some(s) => s,
                    None => (
                        pick(&self.portfolios, "port", n),
                        pick_name(&self.products, "prod", n),
                    )
                        .boxed(),
                };
                let name = create(&self.constraints, "con", n);
                (
                    target.prop_flat_map(|(p, x)| (caller_of(&p), Just((p, x)))),
                    name,
                    self.constraint_parameters(),
                )
                    .prop_map(|(((a, r), (p, product)), constraint, parameters)| {
                        call(
                            a,
                            r,
                            Op::CreateConstraint {
                                constraint,
                                portfolio: p.name,
                                product,
                                parameters,
                            },
                        )
                    })
                    .boxed()
            }
            K::UpdateConstraint => {
                let parameters = prop::option::of(self.constraint_parameters());
                on(&self.constraints, "con", n, move |e| {
                    let constraint = e.name.clone();
                    (
                        prop::option::of(Just("updated".to_owned())),
                        parameters.clone(),
                    )
                        .prop_map(move |(description, parameters)| {
                            Op::UpdateConstraint {
                                constraint: constraint.clone(),
                                description,
                                parameters,
                            }
                        })
                })
            }
            K::DeleteConstraint => on(&self.constraints, "con", n, |e| {
                Just(Op::DeleteConstraint {
                    constraint: e.name.clone(),
                })
            }),
            K::AssociatePrincipalWithPortfolio | K::DisassociatePrincipalFromPortfolio => {
                let model = self.clone();
                self.holder()
                    .prop_flat_map(move |(p, a, r)| {
                        let principal = model.portfolio_principal(&a);
                        (Just((p, a, r)), principal)
                    })
                    .prop_map(move |((p, a, r), principal)| {
                        let portfolio = p.name;
                        let op = if kind == K::AssociatePrincipalWithPortfolio {
                            Op::AssociatePrincipalWithPortfolio {
                                portfolio,
                                principal,
                            }
                        } else {
                            Op::DisassociatePrincipalFromPortfolio {
                                portfolio,
                                principal,
                            }
                        };
                        call(a, r, op)
                    })
                    .boxed()
            }
            // ----- Service Catalog: sharing ----------------------------------------------
            K::CreatePortfolioShare => {
                let model = self.clone();
                on(&self.portfolios, "port", n, move |p| {
                    let portfolio = p.name.clone();
                    (model.share_target(&p.account), any::<bool>(), any::<bool>()).prop_map(
                        move |(target, share_tag_options, share_principals)| {
                            Op::CreatePortfolioShare {
                                portfolio: portfolio.clone(),
                                target,
                                share_tag_options,
                                share_principals,
                            }
                        },
                    )
                })
            }
            K::UpdatePortfolioShare | K::DeletePortfolioShare => {
                let shares = match element(&self.portfolio_shares) {
                    Some(s) => s,
                    None => {
                        let model = self.clone();
                        pick(&self.portfolios, "port", n)
                            .prop_flat_map(move |p| {
                                (Just(p.clone()), model.share_target(&p.account))
                            })
                            .boxed()
                    }
                };
                (
                    shares.prop_flat_map(|(p, t)| (caller_of(&p), Just((p, t)))),
                    prop::option::of(any::<bool>()),
                    prop::option::of(any::<bool>()),
                )
                    .prop_map(move |(((a, r), (p, target)), tags, principals)| {
                        let portfolio = p.name;
                        let op = if kind == K::UpdatePortfolioShare {
                            Op::UpdatePortfolioShare {
                                portfolio,
                                target,
                                share_tag_options: tags,
                                share_principals: principals,
                            }
                        } else {
                            Op::DeletePortfolioShare { portfolio, target }
                        };
                        call(a, r, op)
                    })
                    .boxed()
            }
            K::AcceptPortfolioShare | K::RejectPortfolioShare => {
                let offers = match element(&self.offers) {
                    Some(s) => s,
                    None => (pick(&self.portfolios, "port", n), account())
                        .prop_map(|(p, a)| (p, a, None))
                        .boxed(),
                };
                offers
                    .prop_map(move |(p, recipient, share_type)| {
                        let portfolio = p.name;
                        let op = if kind == K::AcceptPortfolioShare {
                            Op::AcceptPortfolioShare {
                                portfolio,
                                share_type,
                            }
                        } else {
                            Op::RejectPortfolioShare {
                                portfolio,
                                share_type,
                            }
                        };
                        call(recipient, p.region, op)
                    })
                    .boxed()
            }
            K::EnableAWSOrganizationsAccess => {
                self.org_call(Just(Op::EnableAWSOrganizationsAccess))
            }
            K::DisableAWSOrganizationsAccess => {
                self.org_call(Just(Op::DisableAWSOrganizationsAccess))
            }
            K::GetAWSOrganizationsAccessStatus => {
                self.org_call(Just(Op::GetAWSOrganizationsAccessStatus))
            }
            // ----- Service Catalog: reads --------------------------------------------------
            K::ListPortfolios => anyone(Just(Op::ListPortfolios)),
            K::ListAcceptedPortfolioShares => anyone(
                prop::option::of(prop_oneof![
                    Just(PortfolioShareType::Imported),
                    Just(PortfolioShareType::AwsOrganizations),
                ])
                .prop_map(|share_type| Op::ListAcceptedPortfolioShares { share_type }),
            ),
            K::DescribePortfolioShares => on(&self.portfolios, "port", n, |p| {
                let portfolio = p.name.clone();
                prop_oneof![
                    Just(sharesim_core::op::DescribeShareType::Account),
                    Just(sharesim_core::op::DescribeShareType::Organization),
                    Just(sharesim_core::op::DescribeShareType::OrganizationalUnit),
                    Just(sharesim_core::op::DescribeShareType::OrganizationMemberAccount),
                ]
                .prop_map(move |share_type| Op::DescribePortfolioShares {
                    portfolio: portfolio.clone(),
                    share_type,
                })
            }),
            K::ListPortfolioAccess => on(&self.portfolios, "port", n, |p| {
                Just(Op::ListPortfolioAccess {
                    portfolio: p.name.clone(),
                })
            }),
            K::ListConstraintsForPortfolio
            | K::ListPrincipalsForPortfolio
            | K::SearchProductsAsAdmin => self
                .holder()
                .prop_map(move |(p, a, r)| {
                    let portfolio = p.name;
                    let op = match kind {
                        K::ListConstraintsForPortfolio => Op::ListConstraintsForPortfolio {
                            portfolio,
                            product: None,
                        },
                        K::ListPrincipalsForPortfolio => {
                            Op::ListPrincipalsForPortfolio { portfolio }
                        }
                        _ => Op::SearchProductsAsAdmin {
                            portfolio: Some(portfolio),
                        },
                    };
                    call(a, r, op)
                })
                .boxed(),
            // ----- Service Catalog: end users ----------------------------------------------
            K::ListLaunchPaths => (self.end_user(), pick(&self.products, "prod", n))
                .prop_map(|((account, principal), p)| Call {
                    account,
                    principal,
                    region: p.region,
                    op: Op::ListLaunchPaths { product: p.name },
                })
                .boxed(),
            K::SearchProducts => (self.end_user(), region())
                .prop_map(|((account, principal), region)| Call {
                    account,
                    principal,
                    region,
                    op: Op::SearchProducts,
                })
                .boxed(),
            K::ProvisionProduct => {
                let version = match element(&self.versions) {
                    Some(s) => s,
                    None => pick(&self.products, "prod", n)
                        .prop_map(move |p| (p, fresh("v", n)))
                        .boxed(),
                };
                (
                    self.end_user(),
                    version,
                    prop::option::weighted(0.25, pick_name(&self.portfolios, "port", n)),
                )
                    .prop_map(move |((account, principal), (p, version), path)| Call {
                        account,
                        principal,
                        region: p.region,
                        op: Op::ProvisionProduct {
                            provisioned_product: fresh("pp", n),
                            product: p.name,
                            version,
                            path,
                        },
                    })
                    .boxed()
            }
            K::TerminateProvisionedProduct => match element(&self.provisioned) {
                Some(s) => s
                    .prop_map(|(e, principal)| Call {
                        account: e.account,
                        principal,
                        region: e.region,
                        op: Op::TerminateProvisionedProduct {
                            provisioned_product: e.name,
                        },
                    })
                    .boxed(),
                None => anyone(Just(Op::TerminateProvisionedProduct {
                    provisioned_product: fresh("pp", n),
                })),
            },
            // ----- RAM ---------------------------------------------------------------------
            K::EnableSharingWithAwsOrganization => {
                self.org_call(Just(Op::EnableSharingWithAwsOrganization))
            }
            K::CreateResourceShare => {
                let anchor = match self.any_ib() {
                    Some(s) => s.prop_flat_map(|(_, e)| caller_of(&e.ent)).boxed(),
                    None => (account(), region()).boxed(),
                };
                let model = self.clone();
                let name = create(&self.shares, "share", n);
                (anchor, name)
                    .prop_flat_map(move |((a, r), share)| {
                        (
                            Just((a.clone(), r.clone(), share)),
                            model.ram_resources(&a, &r),
                            proptest::collection::vec(model.ram_principal(&a), 0..=2),
                            prop::option::of(any::<bool>()),
                            prop::bool::weighted(0.1),
                        )
                    })
                    .prop_map(|((a, r, share), resources, principals, allow, retain)| {
                        call(
                            a,
                            r,
                            Op::CreateResourceShare {
                                share,
                                resources,
                                principals,
                                allow_external_principals: allow,
                                retain_sharing_on_account_leave_organization: retain,
                            },
                        )
                    })
                    .boxed()
            }
            K::UpdateResourceShare => on(&self.shares, "share", n, |e| {
                let share = e.name.clone();
                prop::option::of(any::<bool>()).prop_map(move |allow| Op::UpdateResourceShare {
                    share: share.clone(),
                    allow_external_principals: allow,
                })
            }),
            K::DeleteResourceShare => on(&self.shares, "share", n, |e| {
                Just(Op::DeleteResourceShare {
                    share: e.name.clone(),
                })
            }),
            K::AssociateResourceShare | K::DisassociateResourceShare => {
                let model = self.clone();
                on(&self.shares, "share", n, move |e| {
                    let share = e.name.clone();
                    (
                        model.ram_resources(&e.account, &e.region),
                        proptest::collection::vec(model.ram_principal(&e.account), 0..=2),
                    )
                        .prop_map(move |(resources, principals)| {
                            let share = share.clone();
                            if kind == K::AssociateResourceShare {
                                Op::AssociateResourceShare {
                                    share,
                                    resources,
                                    principals,
                                }
                            } else {
                                Op::DisassociateResourceShare {
                                    share,
                                    resources,
                                    principals,
                                }
                            }
                        })
                })
            }
            K::GetResourceShareInvitations => anyone(Just(Op::GetResourceShareInvitations)),
            K::AcceptResourceShareInvitation | K::RejectResourceShareInvitation => {
                let invites = match element(&self.invites) {
                    Some(s) => s,
                    None => (pick(&self.shares, "share", n), account()).boxed(),
                };
                invites
                    .prop_map(move |(s, recipient)| {
                        let share = s.name;
                        let op = if kind == K::AcceptResourceShareInvitation {
                            Op::AcceptResourceShareInvitation { share }
                        } else {
                            Op::RejectResourceShareInvitation { share }
                        };
                        call(recipient, s.region, op)
                    })
                    .boxed()
            }
            K::PromoteResourceShareCreatedFromPolicy => match self.any_ib() {
                Some(s) => s
                    .prop_flat_map(|(kind, e)| (caller_of(&e.ent), Just((kind, e))))
                    .prop_map(|((a, r), (kind, e))| {
                        call(
                            a,
                            r,
                            Op::PromoteResourceShareCreatedFromPolicy {
                                resource: RamResource {
                                    kind,
                                    resource: ib_ref(&e),
                                },
                            },
                        )
                    })
                    .boxed(),
                None => anyone(Just(Op::PromoteResourceShareCreatedFromPolicy {
                    resource: RamResource {
                        kind: IbKind::Component,
                        resource: IbRef {
                            owner: None,
                            name: fresh("comp", n),
                            version: None,
                            build: None,
                        },
                    },
                })),
            },
            K::GetResourceShares | K::ListResources => anyone(
                prop_oneof![
                    Just(ResourceOwner::Self_),
                    Just(ResourceOwner::OtherAccounts)
                ]
                .prop_map(move |resource_owner| {
                    if kind == K::GetResourceShares {
                        Op::GetResourceShares { resource_owner }
                    } else {
                        Op::ListResources { resource_owner }
                    }
                }),
            ),
            K::GetResourceShareAssociations => anyone(
                prop_oneof![
                    Just(AssociationType::Principal),
                    Just(AssociationType::Resource)
                ]
                .prop_map(|association_type| Op::GetResourceShareAssociations { association_type }),
            ),
            K::AdvanceTime => anyone((1u32..=48).prop_map(|hours| Op::AdvanceTime { hours })),
            // ----- Image Builder -------------------------------------------------------------
            K::CreateComponent => {
                let keys = self.keys.clone();
                (
                    account(),
                    region(),
                    create(&ents(&self.components), "comp", n),
                    ib_version(),
                )
                    .prop_flat_map(move |(a, r, component, version)| {
                        let own = owned_by(&keys, |e| e, &a, &r);
                        let key = match element(&own) {
                            Some(s) => prop::option::weighted(
                                0.25,
                                s.prop_map(|e| KeyRef {
                                    account: None,
                                    key: e.name,
                                }),
                            )
                            .boxed(),
                            None => Just(None).boxed(),
                        };
                        (Just((a, r, component, version)), key)
                    })
                    .prop_map(|((a, r, component, version), kms_key)| {
                        call(
                            a,
                            r,
                            Op::CreateComponent {
                                component,
                                version,
                                kms_key,
                            },
                        )
                    })
                    .boxed()
            }
            K::CreateImageRecipe => self.recipe(false),
            K::CreateContainerRecipe => self.recipe(true),
            K::CreateImage => {
                let image =
                    element(&self.image_recipes).map(|s| s.prop_map(|e| (e, false)).boxed());
                let container =
                    element(&self.container_recipes).map(|s| s.prop_map(|e| (e, true)).boxed());
                let recipe = match (image, container) {
                    (Some(i), Some(c)) => prop_oneof![2 => i, 1 => c].boxed(),
                    (Some(s), None) | (None, Some(s)) => s,
                    (None, None) => pick_ib(&self.image_recipes, "rec", n)
                        .prop_map(|e| (e, false))
                        .boxed(),
                };
                recipe
                    .prop_flat_map(|(e, container)| {
                        // Images are built from own recipes and from shared ones alike.
                        let r = e.ent.region.clone();
                        let caller = prop_oneof![Just(e.ent.account.clone()), account(),];
                        (caller, Just((e, container, r)))
                    })
                    .prop_map(|(a, (e, container, r))| {
                        let reference = ib_ref(&e);
                        let recipe = if container {
                            RecipeRef::ContainerRecipe(reference)
                        } else {
                            RecipeRef::ImageRecipe(reference)
                        };
                        call(a, r, Op::CreateImage { recipe })
                    })
                    .boxed()
            }
            K::DeleteComponent => on_ib(&self.components, "comp", n, |component| {
                Just(Op::DeleteComponent { component }).boxed()
            }),
            K::DeleteImage => on_ib(&self.images, "rec", n, |image| {
                Just(Op::DeleteImage { image }).boxed()
            }),
            K::DeleteImageRecipe => on_ib(&self.image_recipes, "rec", n, |recipe| {
                Just(Op::DeleteImageRecipe { recipe }).boxed()
            }),
            K::DeleteContainerRecipe => on_ib(&self.container_recipes, "crec", n, |recipe| {
                Just(Op::DeleteContainerRecipe { recipe }).boxed()
            }),
            K::PutComponentPolicy => on_ib(&self.components, "comp", n, |component| {
                Model::policy()
                    .prop_map(move |policy| Op::PutComponentPolicy {
                        component: component.clone(),
                        policy,
                    })
                    .boxed()
            }),
            K::PutImagePolicy => on_ib(&self.images, "rec", n, |image| {
                Model::policy()
                    .prop_map(move |policy| Op::PutImagePolicy {
                        image: image.clone(),
                        policy,
                    })
                    .boxed()
            }),
            K::PutImageRecipePolicy => on_ib(&self.image_recipes, "rec", n, |recipe| {
                Model::policy()
                    .prop_map(move |policy| Op::PutImageRecipePolicy {
                        recipe: recipe.clone(),
                        policy,
                    })
                    .boxed()
            }),
            K::PutContainerRecipePolicy => on_ib(&self.container_recipes, "crec", n, |recipe| {
                Model::policy()
                    .prop_map(move |policy| Op::PutContainerRecipePolicy {
                        recipe: recipe.clone(),
                        policy,
                    })
                    .boxed()
            }),
            K::GetComponentPolicy => on_ib(&self.components, "comp", n, |component| {
                Just(Op::GetComponentPolicy { component }).boxed()
            }),
            K::GetImagePolicy => on_ib(&self.images, "rec", n, |image| {
                Just(Op::GetImagePolicy { image }).boxed()
            }),
            K::GetImageRecipePolicy => on_ib(&self.image_recipes, "rec", n, |recipe| {
                Just(Op::GetImageRecipePolicy { recipe }).boxed()
            }),
            K::GetContainerRecipePolicy => on_ib(&self.container_recipes, "crec", n, |recipe| {
                Just(Op::GetContainerRecipePolicy { recipe }).boxed()
            }),
            K::GetComponent => on_ib(&self.components, "comp", n, |component| {
                Just(Op::GetComponent { component }).boxed()
            }),
            K::GetImage => on_ib(&self.images, "rec", n, |image| {
                Just(Op::GetImage { image }).boxed()
            }),
            K::GetImageRecipe => on_ib(&self.image_recipes, "rec", n, |recipe| {
                Just(Op::GetImageRecipe { recipe }).boxed()
            }),
            K::GetContainerRecipe => on_ib(&self.container_recipes, "crec", n, |recipe| {
                Just(Op::GetContainerRecipe { recipe }).boxed()
            }),
            K::ListComponents | K::ListImages | K::ListImageRecipes | K::ListContainerRecipes => {
                anyone(
                    prop::option::of(prop_oneof![
                        Just(IbOwner::Self_),
                        Just(IbOwner::Shared),
                        Just(IbOwner::Amazon)
                    ])
                    .prop_map(move |owner| match kind {
                        K::ListComponents => Op::ListComponents { owner },
                        K::ListImages => Op::ListImages { owner },
                        K::ListImageRecipes => Op::ListImageRecipes { owner },
                        _ => Op::ListContainerRecipes { owner },
                    }),
                )
            }
        }
    }

    /// Records what `call` asked to create or offer.
    fn record(&mut self, call: &Call) {
        let here = |name: &Name| Ent {
            name: name.clone(),
            account: call.account.clone(),
            region: call.region.clone(),
        };
        match &call.op {
            Op::CreateOrganization { organization, .. } => push(&mut self.orgs, here(organization)),
            Op::CreateOrganizationalUnit { ou, .. } => push(&mut self.ous, here(ou)),
            Op::CreateRole { role } => push(&mut self.roles, here(role)),
            Op::CreateUser { user } => push(&mut self.users, here(user)),
            Op::CreateGroup { group } => push(&mut self.groups, here(group)),
            Op::CreateKey { key } => push(&mut self.keys, here(key)),
            Op::CreatePortfolio { portfolio, .. } => push(&mut self.portfolios, here(portfolio)),
            Op::CreateProduct { product, version } => {
                push(&mut self.products, here(product));
                push(&mut self.versions, (here(product), version.clone()));
            }
            Op::CreateProvisioningArtifact { product, version } => {
                let p = find(&self.products, product).unwrap_or_else(|| here(product));
                push(&mut self.versions, (p, version.clone()));
            }
            Op::AssociateProductWithPortfolio {
                product, portfolio, ..
            } => {
                let p = find(&self.portfolios, portfolio).unwrap_or_else(|| here(portfolio));
                push(&mut self.assoc, (p, product.clone()));
            }
            Op::CreateConstraint { constraint, .. } => {
                push(&mut self.constraints, here(constraint));
            }
            Op::CreatePortfolioShare {
                portfolio, target, ..
            } => {
                let p = find(&self.portfolios, portfolio).unwrap_or_else(|| here(portfolio));
                push(&mut self.portfolio_shares, (p.clone(), target.clone()));
                match target {
                    ShareTarget::Account(a) => push(&mut self.offers, (p, a.clone(), None)),
                    ShareTarget::OrganizationMemberAccount(a) => push(
                        &mut self.offers,
                        (p, a.clone(), Some(PortfolioShareType::AwsOrganizations)),
                    ),
                    ShareTarget::Organization(_) | ShareTarget::OrganizationalUnit(_) => {
                        for a in accounts().iter().filter(|a| **a != p.account) {
                            push(
                                &mut self.offers,
                                (
                                    p.clone(),
                                    a.clone(),
                                    Some(PortfolioShareType::AwsOrganizations),
                                ),
                            );
                        }
                    }
                }
            }
            Op::ProvisionProduct {
                provisioned_product,
                ..
            } => push(
                &mut self.provisioned,
                (here(provisioned_product), call.principal.clone()),
            ),
            Op::CreateResourceShare {
                share, principals, ..
            } => {
                push(&mut self.shares, here(share));
                self.invite(&here(share), principals);
            }
            Op::AssociateResourceShare {
                share, principals, ..
            } => {
                let s = find(&self.shares, share).unwrap_or_else(|| here(share));
                self.invite(&s, principals);
            }
            Op::CreateComponent {
                component, version, ..
            } => push(
                &mut self.components,
                IbEnt {
                    ent: here(component),
                    version: version.clone(),
                },
            ),
            Op::CreateImageRecipe {
                recipe, version, ..
            } => push(
                &mut self.image_recipes,
                IbEnt {
                    ent: here(recipe),
                    version: version.clone(),
                },
            ),
            Op::CreateContainerRecipe {
                recipe, version, ..
            } => push(
                &mut self.container_recipes,
                IbEnt {
                    ent: here(recipe),
                    version: version.clone(),
                },
            ),
            Op::CreateImage { recipe } => {
                let (RecipeRef::ImageRecipe(r) | RecipeRef::ContainerRecipe(r)) = recipe;
                push(
                    &mut self.images,
                    IbEnt {
                        ent: here(&r.name),
                        version: r.version.clone().unwrap_or_else(|| "1.0.0".to_owned()),
                    },
                );
            }
            _ => {}
        }
    }

    fn invite(&mut self, share: &Ent, principals: &[RamPrincipal]) {
        for p in principals {
            if let RamPrincipal::Account(a) = p {
                push(&mut self.invites, (share.clone(), a.clone()));
            }
        }
    }
}

/// The reference state machine over [`Model`].
pub struct Reference;

impl ReferenceStateMachine for Reference {
    type State = Model;
    type Transition = Call;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    /// A weighted union over the kinds, then that kind's strategy: the same distribution as a
    /// `prop_oneof!` of the ~85 strategies, but only the drawn one is built for each transition.
    fn transitions(state: &Model) -> BoxedStrategy<Call> {
        let kinds = Union::new_weighted(
            OpKind::all()
                .map(|kind| (weight(kind), Just(kind)))
                .collect(),
        );
        let state = state.clone();
        kinds.prop_flat_map(move |kind| state.arm(kind)).boxed()
    }

    fn apply(mut state: Model, call: &Call) -> Model {
        state.record(call);
        state.fresh += 1;
        state
    }
}

/// The state-machine test: each transition's call on the broken core, checked.
pub struct UserPeer;

impl StateMachineTest for UserPeer {
    type SystemUnderTest = Sut;
    type Reference = Reference;

    fn init_test(_ref_state: &Model) -> Sut {
        Sut::for_run()
    }

    fn apply(mut sut: Sut, _ref_state: &Model, call: Call) -> Sut {
        sut.step(call);
        sut
    }
}

/// Runs the user-written peer against `fault` from `seed` until the first detection or the end
/// of the budget; `max_len` bounds the length of a case.
pub fn run(fault: Fault, seed: u64, budget: Duration, max_len: usize) -> Detection {
    run_machine::<UserPeer>(fault, seed, budget, max_len)
}
