//! Worlds and call streams shared by the benchmarks (docs/PERFORMANCE.md).
//!
//! A world is built only through calls (`World::new` and `World::apply`), as a scenario or an
//! external implementation would build it, so the benchmarks measure the state the model really
//! reaches. Each account gets ten resources: two portfolios, three products (each with a version,
//! associated with a portfolio) and five Image Builder components, plus an IAM user `u` for the
//! end-user calls. The large world also has an organization with nested OUs (10 top-level OUs,
//! 10 children each, 5 grandchildren each: 610 OUs, three levels) and every account placed under
//! a leaf OU, with Service Catalog and RAM organization access on.
//!
//! The measured stream is state-aware: a seeded generator remembers which shares it made, which
//! were accepted and which portfolios an account can launch from, so that most calls take the
//! successful paths (sharing, accepting, listing, provisioning, RAM associations, Image Builder
//! creates and gets) instead of failing on names that do not exist. The same generator, with the
//! same weights, is used for every world size, so per-call costs compare.

// PANIC SAFETY: benchmark setup; a fixture that cannot be built is a bug in the benchmark.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    dead_code
)]

// The harness crate's global allocator (mimalloc, `src/lib.rs`), which the CLI and the explorer
// run on: a bench that names only the core crate would otherwise link none of the harness and run
// on the system allocator.
use sharesim as _;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sharesim_core::op::IbKind;
use sharesim_core::op::{
    IamKind, IbOwner, IbRef, Parent, PortfolioPrincipal, Principal, RamPrincipal, RamResource,
    ResourceOwner, Service, ShareTarget,
};
use sharesim_core::{Call, Name, Op, Region, World, WorldSpec};
use std::collections::BTreeSet;

/// The one Region of the benchmark worlds.
pub const REGION: &str = "us-east-1";

/// A benchmark world size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// A short name for reports.
    pub name: &'static str,
    /// Accounts.
    pub accounts: usize,
    /// Whether the world has an organization with nested OUs.
    pub organization: bool,
}

/// 5 accounts, 50 resources.
pub const SMALL: Size = Size {
    name: "small",
    accounts: 5,
    organization: false,
};
/// 100 accounts, 1,000 resources.
pub const MEDIUM: Size = Size {
    name: "medium",
    accounts: 100,
    organization: false,
};
/// 10,000 accounts, 100,000 resources, an organization with nested OUs.
pub const LARGE: Size = Size {
    name: "large",
    accounts: 10_000,
    organization: true,
};

/// The size named `name`.
pub fn size(name: &str) -> Size {
    match name {
        "small" => SMALL,
        "medium" => MEDIUM,
        "large" => LARGE,
        other => panic!("unknown size {other}"),
    }
}

/// The name of account `i`.
pub fn account(i: usize) -> Name {
    Name::new(format!("acct{i:05}"))
}

fn call(account: &Name, op: Op) -> Call {
    Call {
        account: account.clone(),
        principal: None,
        region: Region::from(REGION),
        op,
    }
}

fn user_call(account: &Name, op: Op) -> Call {
    Call {
        principal: Some(Principal::User(Name::from("u"))),
        ..call(account, op)
    }
}

fn portfolio(i: usize, k: usize) -> Name {
    Name::new(format!("p{i}_{k}"))
}

fn product(i: usize, k: usize) -> Name {
    Name::new(format!("r{i}_{k}"))
}

fn component(i: usize, k: usize) -> Name {
    Name::new(format!("c{i}_{k}"))
}

fn user() -> PortfolioPrincipal {
    PortfolioPrincipal::Iam {
        kind: IamKind::User,
        name: Name::from("u"),
        account: None,
    }
}

/// A built world and what building it cost.
#[derive(Debug, Clone)]
pub struct Built {
    /// The world.
    pub world: World,
    /// Calls applied to build it.
    pub calls: usize,
    /// Calls that were rejected while building (should be 0).
    pub rejected: usize,
}

/// The calls that build a world of `size`.
pub fn setup_calls(size: Size) -> Vec<Call> {
    let mut calls = Vec::new();
    let n = size.accounts;
    if size.organization {
        let mgmt = account(0);
        calls.push(call(
            &mgmt,
            Op::CreateOrganization {
                organization: Name::from("org"),
                feature_set: None,
            },
        ));
        for service in [Service::ServiceCatalog, Service::Ram, Service::ImageBuilder] {
            calls.push(call(&mgmt, Op::EnableAWSServiceAccess { service }));
        }
        calls.push(call(&mgmt, Op::EnableAWSOrganizationsAccess));
        calls.push(call(&mgmt, Op::EnableSharingWithAwsOrganization));
        for a in 0..10 {
            let top = Name::new(format!("ou{a}"));
            calls.push(call(
                &mgmt,
                Op::CreateOrganizationalUnit {
                    ou: top.clone(),
                    parent: Parent::Root,
                },
            ));
            for b in 0..10 {
                let mid = Name::new(format!("ou{a}_{b}"));
                calls.push(call(
                    &mgmt,
                    Op::CreateOrganizationalUnit {
                        ou: mid.clone(),
                        parent: Parent::Ou(top.clone()),
                    },
                ));
                for c in 0..5 {
                    calls.push(call(
                        &mgmt,
                        Op::CreateOrganizationalUnit {
                            ou: Name::new(format!("ou{a}_{b}_{c}")),
                            parent: Parent::Ou(mid.clone()),
                        },
                    ));
                }
            }
        }
        for i in 1..n {
            calls.push(call(
                &mgmt,
                Op::InviteAccountToOrganization {
                    account: account(i),
                },
            ));
            calls.push(call(
                &mgmt,
                Op::MoveAccount {
                    account: account(i),
                    source: Parent::Root,
                    destination: Parent::Ou(leaf_ou(i)),
                },
            ));
        }
    }
    for i in 0..n {
        let a = account(i);
        calls.push(call(
            &a,
            Op::CreateUser {
                user: Name::from("u"),
            },
        ));
        for k in 0..2 {
            calls.push(call(
                &a,
                Op::CreatePortfolio {
                    portfolio: portfolio(i, k),
                    display_name: None,
                    provider_name: None,
                },
            ));
        }
        for k in 0..3 {
            calls.push(call(
                &a,
                Op::CreateProduct {
                    product: product(i, k),
                    version: Name::from("v1"),
                },
            ));
            calls.push(call(
                &a,
                Op::AssociateProductWithPortfolio {
                    product: product(i, k),
                    portfolio: portfolio(i, k / 2),
                    source_portfolio: None,
                },
            ));
        }
        for k in 0..5 {
            calls.push(call(
                &a,
                Op::CreateComponent {
                    component: component(i, k),
                    version: "1.0.0".to_owned(),
                    kms_key: None,
                },
            ));
        }
    }
    calls
}

/// The leaf OU account `i` is placed under (500 leaves, filled round-robin).
fn leaf_ou(i: usize) -> Name {
    let leaf = i % 500;
    Name::new(format!("ou{}_{}_{}", leaf / 50, (leaf / 5) % 10, leaf % 5))
}

/// The world spec of `size`.
pub fn spec(size: Size) -> WorldSpec {
    WorldSpec {
        accounts: (0..size.accounts).map(account).collect(),
        regions: vec![Region::from(REGION)],
        config: Default::default(),
    }
}

/// Builds a world of `size` through calls.
pub fn build(size: Size) -> Built {
    let mut world = World::new(&spec(size));
    let calls = setup_calls(size);
    let mut rejected = 0;
    for c in &calls {
        if let Err(e) = &world.apply(c).result {
            rejected += 1;
            if rejected <= 3 {
                eprintln!("setup call rejected: {c:?}: {e:?}");
            }
        }
    }
    Built {
        world,
        calls: calls.len(),
        rejected,
    }
}

/// The state-aware generator of the measured stream.
#[derive(Debug)]
pub struct Stream {
    rng: ChaCha8Rng,
    accounts: usize,
    /// (recipient, owner, portfolio index) of account shares made and not yet accepted.
    pending: Vec<(usize, usize, usize)>,
    /// Shares made, to avoid repeating them.
    shared: BTreeSet<(usize, usize, usize)>,
    /// (recipient, owner, portfolio index) imported with the user associated.
    launchable: Vec<(usize, usize, usize)>,
    /// RAM shares made: (owner, share name).
    ram_shares: Vec<(usize, Name)>,
    counter: usize,
}

impl Stream {
    /// A generator for a world of `size`, seeded.
    pub fn new(size: Size, seed: u64) -> Stream {
        Stream {
            rng: ChaCha8Rng::seed_from_u64(seed),
            accounts: size.accounts,
            pending: Vec::new(),
            shared: BTreeSet::new(),
            launchable: Vec::new(),
            ram_shares: Vec::new(),
            counter: 0,
        }
    }

    fn below(&mut self, n: usize) -> usize {
        (self.rng.next_u64() % n as u64) as usize
    }

    fn other(&mut self, i: usize) -> usize {
        (i + 1 + self.below(self.accounts - 1)) % self.accounts
    }

    /// The next `n` calls.
    pub fn take(&mut self, n: usize) -> Vec<Call> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            self.next(&mut out);
        }
        out.truncate(n);
        out
    }

    /// Appends the next call (or the next few, when one action takes several).
    fn next(&mut self, out: &mut Vec<Call>) {
        self.counter += 1;
        let n = self.counter;
        let roll = self.below(100);
        let owner = self.below(self.accounts);
        let a = account(owner);
        match roll {
            // Sharing: a portfolio with another account (an account share, accepted later).
            0..=14 => {
                let (to, k) = (self.other(owner), self.below(2));
                if self.shared.insert((to, owner, k)) {
                    self.pending.push((to, owner, k));
                }
                out.push(call(
                    &a,
                    Op::CreatePortfolioShare {
                        portfolio: portfolio(owner, k),
                        target: ShareTarget::Account(account(to)),
                        share_tag_options: false,
                        share_principals: false,
                    },
                ));
            }
            // Accepting a pending share, and granting the recipient's user access.
            15..=24 => {
                if self.pending.is_empty() {
                    out.push(call(&a, Op::ListPortfolios));
                    return;
                }
                let pick = self.below(self.pending.len());
                let (to, from, k) = self.pending.swap_remove(pick);
                let recipient = account(to);
                out.push(call(
                    &recipient,
                    Op::AcceptPortfolioShare {
                        portfolio: portfolio(from, k),
                        share_type: None,
                    },
                ));
                out.push(call(
                    &recipient,
                    Op::AssociatePrincipalWithPortfolio {
                        portfolio: portfolio(from, k),
                        principal: user(),
                    },
                ));
                self.launchable.push((to, from, k));
            }
            // Listing, administrator and end-user views.
            25..=49 => {
                let op = match roll % 6 {
                    0 => Op::ListPortfolios,
                    1 => Op::ListAcceptedPortfolioShares { share_type: None },
                    2 => Op::GetResourceShares {
                        resource_owner: ResourceOwner::OtherAccounts,
                    },
                    3 => Op::ListComponents {
                        owner: Some(IbOwner::Shared),
                    },
                    4 => Op::ListResources {
                        resource_owner: ResourceOwner::Self_,
                    },
                    _ => Op::ListPortfolioAccess {
                        portfolio: portfolio(owner, 0),
                    },
                };
                out.push(call(&a, op));
                if roll.is_multiple_of(2) {
                    out.push(user_call(&a, Op::SearchProducts));
                }
            }
            // Provisioning from an imported portfolio (or an own one).
            50..=59 => {
                let (to, from, k) = if self.launchable.is_empty() || roll.is_multiple_of(3) {
                    out.push(call(
                        &a,
                        Op::AssociatePrincipalWithPortfolio {
                            portfolio: portfolio(owner, 0),
                            principal: user(),
                        },
                    ));
                    (owner, owner, 0)
                } else {
                    let pick = self.below(self.launchable.len());
                    self.launchable[pick]
                };
                out.push(user_call(
                    &account(to),
                    Op::ProvisionProduct {
                        provisioned_product: Name::new(format!("pp{n}")),
                        product: product(from, k * 2),
                        version: Name::from("v1"),
                        path: Some(portfolio(from, k)),
                    },
                ));
            }
            // RAM: a share of a component with another account, then more principals.
            60..=74 => {
                if roll.is_multiple_of(2) || self.ram_shares.is_empty() {
                    let share = Name::new(format!("s{n}"));
                    let to = self.other(owner);
                    out.push(call(
                        &a,
                        Op::CreateResourceShare {
                            share: share.clone(),
                            resources: vec![RamResource {
                                kind: IbKind::Component,
                                resource: IbRef {
                                    owner: None,
                                    name: component(owner, self.below(5)),
                                    version: Some("1.0.0".to_owned()),
                                    build: Some(1),
                                },
                            }],
                            principals: vec![RamPrincipal::Account(account(to))],
                            allow_external_principals: None,
                            retain_sharing_on_account_leave_organization: false,
                        },
                    ));
                    out.push(call(
                        &account(to),
                        Op::AcceptResourceShareInvitation {
                            share: share.clone(),
                        },
                    ));
                    self.ram_shares.push((owner, share));
                } else {
                    let pick = self.below(self.ram_shares.len());
                    let (from, share) = self.ram_shares[pick].clone();
                    let to = self.other(from);
                    out.push(call(
                        &account(from),
                        Op::AssociateResourceShare {
                            share,
                            resources: Vec::new(),
                            principals: vec![RamPrincipal::Account(account(to))],
                        },
                    ));
                }
            }
            // Image Builder creates: a new component version.
            75..=84 => {
                out.push(call(
                    &a,
                    Op::CreateComponent {
                        component: component(owner, 5 + n % 3),
                        version: format!("1.{}.0", n % 1000),
                        kms_key: None,
                    },
                ));
            }
            // Image Builder gets: own, shared or not visible.
            _ => {
                let from = if roll.is_multiple_of(2) {
                    owner
                } else {
                    self.other(owner)
                };
                out.push(call(
                    &a,
                    Op::GetComponent {
                        component: IbRef {
                            owner: Some(account(from)),
                            name: component(from, self.below(5)),
                            version: Some("1.0.0".to_owned()),
                            build: None,
                        },
                    },
                ));
            }
        }
    }
}

/// How many calls of `stream` succeed when applied to a clone of `world`.
pub fn successes(world: &World, stream: &[Call]) -> usize {
    let mut w = world.clone();
    stream.iter().filter(|c| w.apply(c).result.is_ok()).count()
}
