//! Chains: short plans of calls that build, in a few steps, the sharing state the deepest bugs
//! need, and then cut through it.
//!
//! One call at a time, the generator reaches two-party state often (a share and its accept) but
//! three- and four-party state rarely: a consumer's end user launching through an import, two
//! consumers of one component, a consumer recipe on a shared component followed by the owner
//! unsharing it. Each of those needs five to ten calls in the right order with the right names,
//! and by chance that takes tens of thousands of steps. A chain plans them at once from the hot
//! pools (reusing an entity when one fits, creating one otherwise), records what it creates so
//! that later random calls use it too, and ends with a *finisher* drawn from the calls that
//! should be refused or must not break the state (a removal, an unshare, a deletion).
//!
//! Chains only queue calls: the generator interleaves them with random calls (which may undo
//! part of the plan, as a user would), a chain step whose kind the swarm profile switches off
//! is dropped, and everything still comes out of the same bytes, so a libFuzzer input stays a
//! pure function to a scenario.

use super::{Cat, Entry, Gen, IbEntry, R, percent};
use arbitrary::Unstructured;
use sharesim_core::op::{
    ConstraintParameters, IamKind, IbKind, IbRef, Parent, ParentImage, PortfolioPrincipal,
    Principal, RamPrincipal, RamResource, ResourcePolicy, RoleArn, ShareTarget, TagUpdate,
};
use sharesim_core::{Call, Name, Op, Region};

/// Percent chance that a call starts a chain when none is pending.
pub const CHAIN_PERCENT: u8 = 6;

/// Percent chance that a call continues the pending chain (else a random call comes between).
pub const CHAIN_FOLLOW_PERCENT: u8 = 85;

/// The most calls one chain plans.
pub const MAX_CHAIN: usize = 16;

/// The chains, by what they build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
enum Chain {
    /// Portfolio, product, share, accept, an end user of the recipient associated with the
    /// import (or with a local portfolio holding the imported product), a launch through it,
    /// and an upstream removal (SC-07, SC-08, SC-17, SC-60, IAM-05).
    ImportLaunch,
    /// A component shared with one or two consumers (RAM share or resource policy), their
    /// recipes on it, and the owner unsharing or deleting it (IB-15, IB-16, IB-21, IB-23).
    IbConsume,
    /// An organization with a nested OU holding a member, a portfolio or a component shared
    /// with the outer OU, and the member moved or removed (ORG-05, ORG-06, ORG-11, SC-22,
    /// SC-35, RAM-23, RAM-24).
    OrgShare,
}

impl Gen {
    /// Plans a chain and queues its calls.
    pub(super) fn plan_chain(&mut self, u: &mut Unstructured) -> R<()> {
        let chain = match u.int_in_range(0..=9u8)? {
            0..=3 => Chain::ImportLaunch,
            4..=7 => Chain::IbConsume,
            _ => Chain::OrgShare,
        };
        let calls = match chain {
            Chain::ImportLaunch => self.import_launch(u)?,
            Chain::IbConsume => self.ib_consume(u)?,
            Chain::OrgShare => self.org_share(u)?,
        };
        self.pending.extend(calls);
        Ok(())
    }

    /// A hot entry of the category owned by `account` in `region`, or a fresh name recorded as
    /// one; `true` when it was created.
    fn reuse_or_fresh(
        &mut self,
        u: &mut Unstructured,
        cat: Cat,
        account: &Name,
        region: &Region,
    ) -> R<(Name, bool)> {
        let near: Vec<Name> = self
            .pool(cat)
            .iter()
            .filter(|e| &e.account == account && &e.region == region)
            .map(|e| e.name.clone())
            .collect();
        if !near.is_empty() && percent(u, 50)? {
            return Ok((u.choose(&near)?.clone(), false));
        }
        let name = self.fresh(cat);
        self.record(cat, &name, account, region);
        Ok((name, true))
    }

    /// A portfolio and a product of `account` in `region` (hot ones, or created with a first
    /// version), with the product associated with the portfolio: the start of every chain that
    /// shares a product. Returns (portfolio, product).
    fn portfolio_with_product(
        &mut self,
        u: &mut Unstructured,
        raw: &mut Vec<Call>,
        account: &Name,
        region: &Region,
    ) -> R<(Name, Name)> {
        let (portfolio, created) = self.reuse_or_fresh(u, Cat::Portfolio, account, region)?;
        if created {
            raw.push(Gen::call(
                account.clone(),
                region.clone(),
                Op::CreatePortfolio {
                    portfolio: portfolio.clone(),
                    display_name: None,
                    provider_name: None,
                },
            ));
        }
        let (product, created) = self.reuse_or_fresh(u, Cat::Product, account, region)?;
        if created {
            let version = self.fresh(Cat::Version);
            self.versions
                .entry(product.clone())
                .or_default()
                .push(version.clone());
            raw.push(Gen::call(
                account.clone(),
                region.clone(),
                Op::CreateProduct {
                    product: product.clone(),
                    version,
                },
            ));
        }
        raw.push(Gen::call(
            account.clone(),
            region.clone(),
            Op::AssociateProductWithPortfolio {
                product: product.clone(),
                portfolio: portfolio.clone(),
                source_portfolio: None,
            },
        ));
        Ok((portfolio, product))
    }

    /// An IAM user or role of `account` (created when there is none, or by chance).
    fn iam_of(
        &mut self,
        u: &mut Unstructured,
        plan: &mut Vec<Call>,
        cat: Cat,
        account: &Name,
        region: &Region,
    ) -> R<Name> {
        let (name, created) = self.reuse_or_fresh(u, cat, account, region)?;
        if created {
            let op = match cat {
                Cat::Role => Op::CreateRole { role: name.clone() },
                _ => Op::CreateUser { user: name.clone() },
            };
            plan.push(Gen::call(account.clone(), region.clone(), op));
        }
        Ok(name)
    }

    /// A third account, other than both `a` and `b` (or `b` if the world has two).
    fn third_account(&self, u: &mut Unstructured, a: &Name, b: &Name) -> R<Name> {
        let others: Vec<&Name> = self
            .accounts
            .iter()
            .filter(|x| *x != a && *x != b)
            .collect();
        if others.is_empty() {
            return Ok(b.clone());
        }
        u.choose(&others).map(|x| (*x).clone())
    }

    fn import_launch(&mut self, u: &mut Unstructured) -> R<Vec<Call>> {
        // The owner: of a hot portfolio, mostly, so that chains grow the existing graph.
        let (owner, region) = match self.hot(u, Cat::Portfolio)? {
            Some(e) if percent(u, 60)? => (e.account, e.region),
            _ => (self.any_account(u)?, self.region(u)?),
        };
        let consumer = self.other_account(u, &owner)?;
        let mut raw = Vec::new();
        let (portfolio, product) = self.portfolio_with_product(u, &mut raw, &owner, &region)?;
        let version = self
            .versions
            .get(&product)
            .and_then(|vs| vs.last().cloned())
            .unwrap_or_else(|| Name::from("v0"));
        let owner_entry = Entry {
            name: portfolio.clone(),
            account: owner.clone(),
            region: region.clone(),
        };
        self.assoc.push((owner_entry.clone(), product.clone()));
        // A LAUNCH constraint, often with a local role name: it resolves in the end user's
        // account (IAM-05), which must have the role too for the launch to succeed.
        let mut constraint = None;
        let local = percent(u, 60)?;
        if percent(u, 15)? {
            // Another kind of constraint, which local portfolios inherit too (SC-16, A-06).
            let name = self.fresh(Cat::Constraint);
            self.record(Cat::Constraint, &name, &owner, &region);
            let parameters = match u.int_in_range(0..=2u8)? {
                0 => ConstraintParameters::Template {
                    rules: "{}".to_owned(),
                },
                1 => ConstraintParameters::Notification {
                    topics: vec![self.fresh(Cat::Topic)],
                },
                _ => ConstraintParameters::ResourceUpdate {
                    tag_update_on_provisioned_product: TagUpdate::Allowed,
                },
            };
            raw.push(Gen::call(
                owner.clone(),
                region.clone(),
                Op::CreateConstraint {
                    constraint: name.clone(),
                    portfolio: portfolio.clone(),
                    product: product.clone(),
                    parameters,
                },
            ));
            constraint = Some(name);
        } else if percent(u, 55)? {
            let role = self.iam_of(u, &mut raw, Cat::Role, &owner, &region)?;
            let name = self.fresh(Cat::Constraint);
            self.record(Cat::Constraint, &name, &owner, &region);
            let parameters = if local {
                ConstraintParameters::Launch {
                    role_arn: None,
                    local_role_name: Some(role.clone()),
                }
            } else {
                ConstraintParameters::Launch {
                    role_arn: Some(RoleArn {
                        account: owner.clone(),
                        role: role.clone(),
                    }),
                    local_role_name: None,
                }
            };
            raw.push(Gen::call(
                owner.clone(),
                region.clone(),
                Op::CreateConstraint {
                    constraint: name.clone(),
                    portfolio: portfolio.clone(),
                    product: product.clone(),
                    parameters,
                },
            ));
            if local {
                // The same role name in the consumer's account (IAM-05).
                raw.push(Gen::call(
                    consumer.clone(),
                    region.clone(),
                    Op::CreateRole { role: role.clone() },
                ));
                self.record(Cat::Role, &role, &consumer, &region);
            }
            constraint = Some(name);
        }
        raw.push(Gen::call(
            owner.clone(),
            region.clone(),
            Op::CreatePortfolioShare {
                portfolio: portfolio.clone(),
                target: ShareTarget::Account(consumer.clone()),
                share_tag_options: false,
                share_principals: percent(u, 20)?,
            },
        ));
        self.offer(Cat::Portfolio, Some(&owner_entry), &consumer);
        raw.push(Gen::call(
            consumer.clone(),
            region.clone(),
            Op::AcceptPortfolioShare {
                portfolio: portfolio.clone(),
                share_type: None,
            },
        ));
        // The end user, and the portfolio it launches through: the import itself (SC-17), or
        // a local portfolio of the consumer that holds the imported product (SC-05).
        let (cat, kind, wrap): (Cat, IamKind, fn(Name) -> Principal) = if percent(u, 75)? {
            (Cat::User, IamKind::User, Principal::User)
        } else {
            (Cat::Role, IamKind::Role, Principal::Role)
        };
        let user = self.iam_of(u, &mut raw, cat, &consumer, &region)?;
        let path = if percent(u, 40)? {
            let (local, created) = self.reuse_or_fresh(u, Cat::Portfolio, &consumer, &region)?;
            if created {
                raw.push(Gen::call(
                    consumer.clone(),
                    region.clone(),
                    Op::CreatePortfolio {
                        portfolio: local.clone(),
                        display_name: None,
                        provider_name: None,
                    },
                ));
            }
            raw.push(Gen::call(
                consumer.clone(),
                region.clone(),
                Op::AssociateProductWithPortfolio {
                    product: product.clone(),
                    portfolio: local.clone(),
                    source_portfolio: Some(portfolio.clone()),
                },
            ));
            self.assoc.push((
                Entry {
                    name: local.clone(),
                    account: consumer.clone(),
                    region: region.clone(),
                },
                product.clone(),
            ));
            local
        } else {
            portfolio.clone()
        };
        raw.push(Gen::call(
            consumer.clone(),
            region.clone(),
            Op::AssociatePrincipalWithPortfolio {
                portfolio: path.clone(),
                principal: PortfolioPrincipal::Iam {
                    kind,
                    name: user.clone(),
                    account: None,
                },
            },
        ));
        let provisioned = self.fresh(Cat::Provisioned);
        self.record(Cat::Provisioned, &provisioned, &consumer, &region);
        raw.push(Call {
            account: consumer.clone(),
            principal: Some(wrap(user)),
            region: region.clone(),
            op: Op::ProvisionProduct {
                provisioned_product: provisioned,
                product: product.clone(),
                version,
                path: if percent(u, 50)? { Some(path) } else { None },
            },
        });
        // The finisher: the owner removes the product upstream (after its constraint, which
        // would block the removal, A-31), or withdraws the share.
        match u.int_in_range(0..=9u8)? {
            0..=4 => {
                if let Some(c) = constraint {
                    raw.push(Gen::call(
                        owner.clone(),
                        region.clone(),
                        Op::DeleteConstraint { constraint: c },
                    ));
                }
                raw.push(Gen::call(
                    owner.clone(),
                    region.clone(),
                    Op::DisassociateProductFromPortfolio {
                        product,
                        portfolio: portfolio.clone(),
                    },
                ));
            }
            5..=6 => raw.push(Gen::call(
                owner,
                region,
                Op::DeletePortfolioShare {
                    portfolio,
                    target: ShareTarget::Account(consumer),
                },
            )),
            7..=8 => {
                // The importer tries to share onward (refused, SC-13), and the third account
                // tries to accept.
                let third = self.third_account(u, &owner, &consumer)?;
                raw.push(Gen::call(
                    consumer,
                    region.clone(),
                    Op::CreatePortfolioShare {
                        portfolio: portfolio.clone(),
                        target: ShareTarget::Account(third.clone()),
                        share_tag_options: false,
                        share_principals: false,
                    },
                ));
                raw.push(Gen::call(
                    third,
                    region,
                    Op::AcceptPortfolioShare {
                        portfolio,
                        share_type: None,
                    },
                ));
            }
            _ => {}
        }
        Ok(self.filter(raw))
    }

    fn ib_consume(&mut self, u: &mut Unstructured) -> R<Vec<Call>> {
        let hot = self
            .ib
            .iter()
            .filter(|e| e.kind == IbKind::Component)
            .cloned()
            .collect::<Vec<IbEntry>>();
        let mut raw = Vec::new();
        let (owner, region, component, version) = if !hot.is_empty() && percent(u, 50)? {
            let e = u.choose(&hot)?.clone();
            (e.entry.account, e.entry.region, e.entry.name, e.version)
        } else {
            let (owner, region) = (self.any_account(u)?, self.region(u)?);
            let component = self.fresh(Cat::Component);
            let version = "1.0.0".to_owned();
            self.ib.push(IbEntry {
                kind: IbKind::Component,
                entry: Entry {
                    name: component.clone(),
                    account: owner.clone(),
                    region: region.clone(),
                },
                version: version.clone(),
            });
            raw.push(Gen::call(
                owner.clone(),
                region.clone(),
                Op::CreateComponent {
                    component: component.clone(),
                    version: version.clone(),
                    kms_key: None,
                },
            ));
            (owner, region, component, version)
        };
        let consumer = self.other_account(u, &owner)?;
        let second = if percent(u, 60)? {
            Some(self.third_account(u, &owner, &consumer)?)
        } else {
            None
        };
        let consumers: Vec<Name> = std::iter::once(consumer.clone())
            .chain(second.clone())
            .collect();
        let target = IbRef {
            owner: Some(owner.clone()),
            name: component.clone(),
            version: Some(version.clone()),
            build: None,
        };
        let own = IbRef {
            owner: None,
            ..target.clone()
        };
        // Shared through RAM (RAM-03), or through a resource policy (IB-11, RAM-30).
        let share = if percent(u, 75)? {
            let (share, created) = self.reuse_or_fresh(u, Cat::Share, &owner, &region)?;
            let resources = vec![RamResource {
                kind: IbKind::Component,
                resource: own.clone(),
            }];
            let principals: Vec<RamPrincipal> = consumers
                .iter()
                .map(|c| RamPrincipal::Account(c.clone()))
                .collect();
            self.offer_share(&share, &owner, &region, &principals);
            let op = if created {
                Op::CreateResourceShare {
                    share: share.clone(),
                    resources,
                    principals,
                    allow_external_principals: None,
                    retain_sharing_on_account_leave_organization: false,
                }
            } else {
                Op::AssociateResourceShare {
                    share: share.clone(),
                    resources,
                    principals,
                }
            };
            raw.push(Gen::call(owner.clone(), region.clone(), op));
            for c in &consumers {
                raw.push(Gen::call(
                    c.clone(),
                    region.clone(),
                    Op::AcceptResourceShareInvitation {
                        share: share.clone(),
                    },
                ));
            }
            Some(share)
        } else {
            raw.push(Gen::call(
                owner.clone(),
                region.clone(),
                Op::PutComponentPolicy {
                    component: own.clone(),
                    policy: ResourcePolicy {
                        principals: consumers.clone(),
                        actions: None,
                    },
                },
            ));
            None
        };
        // The consumers' recipes on the component (IB-21); sometimes none, so that the owner's
        // deletion meets a share and no dependency (IB-16 before IB-15).
        let mut recipes = Vec::new();
        let without_recipes = percent(u, 25)?;
        if !without_recipes {
            for c in &consumers {
                if !recipes.is_empty() && percent(u, 30)? {
                    break;
                }
                let container = percent(u, 25)?;
                let kind = if container {
                    IbKind::ContainerRecipe
                } else {
                    IbKind::ImageRecipe
                };
                let recipe = self.fresh(Gen::ib_cat(kind));
                self.ib.push(IbEntry {
                    kind,
                    entry: Entry {
                        name: recipe.clone(),
                        account: c.clone(),
                        region: region.clone(),
                    },
                    version: "1.0.0".to_owned(),
                });
                let components = vec![target.clone()];
                let parent_image = ParentImage::Ami("ami-0abc".to_owned());
                let op = if container {
                    Op::CreateContainerRecipe {
                        recipe: recipe.clone(),
                        version: "1.0.0".to_owned(),
                        components,
                        parent_image,
                        kms_key: None,
                    }
                } else {
                    Op::CreateImageRecipe {
                        recipe: recipe.clone(),
                        version: "1.0.0".to_owned(),
                        components,
                        parent_image,
                    }
                };
                raw.push(Gen::call(c.clone(), region.clone(), op));
                recipes.push((c.clone(), kind, recipe));
            }
        }
        // The finisher: the owner unshares or deletes, which must be refused while a recipe
        // depends on the component (IB-15) and while it is shared (IB-16); or a consumer drops
        // its recipe first, after which the owner may unshare.
        let unshare =
            |share: &Option<Name>, principals: Vec<RamPrincipal>, resources: bool| match share {
                Some(s) => Op::DisassociateResourceShare {
                    share: s.clone(),
                    resources: if resources {
                        vec![RamResource {
                            kind: IbKind::Component,
                            resource: own.clone(),
                        }]
                    } else {
                        Vec::new()
                    },
                    principals,
                },
                None => Op::PutComponentPolicy {
                    component: own.clone(),
                    policy: ResourcePolicy {
                        principals: Vec::new(),
                        actions: None,
                    },
                },
            };
        let finisher = if without_recipes && percent(u, 60)? {
            7
        } else {
            u.int_in_range(0..=11u8)?
        };
        match finisher {
            0..=2 => raw.push(Gen::call(
                owner.clone(),
                region.clone(),
                unshare(&share, Vec::new(), true),
            )),
            3..=4 => raw.push(Gen::call(
                owner.clone(),
                region.clone(),
                unshare(&share, vec![RamPrincipal::Account(consumer.clone())], false),
            )),
            5..=6 => raw.push(Gen::call(
                owner.clone(),
                region.clone(),
                match &share {
                    Some(s) => Op::DeleteResourceShare { share: s.clone() },
                    None => unshare(&share, Vec::new(), false),
                },
            )),
            7..=8 => raw.push(Gen::call(
                owner.clone(),
                region.clone(),
                Op::DeleteComponent {
                    component: own.clone(),
                },
            )),
            9 => {
                if let Some((c, kind, recipe)) = recipes.first() {
                    let r = IbRef {
                        owner: None,
                        name: recipe.clone(),
                        version: Some("1.0.0".to_owned()),
                        build: None,
                    };
                    let op = if *kind == IbKind::ContainerRecipe {
                        Op::DeleteContainerRecipe { recipe: r }
                    } else {
                        Op::DeleteImageRecipe { recipe: r }
                    };
                    raw.push(Gen::call(c.clone(), region.clone(), op));
                }
                raw.push(Gen::call(
                    owner.clone(),
                    region.clone(),
                    unshare(&share, Vec::new(), true),
                ));
            }
            _ => {}
        }
        Ok(self.filter(raw))
    }

    fn org_share(&mut self, u: &mut Unstructured) -> R<Vec<Call>> {
        let mut raw = Vec::new();
        // The management account: of a hot organization, or a new one.
        let (manager, region) = match self.hot(u, Cat::Org)? {
            Some(e) if percent(u, 50)? => (e.account, e.region),
            _ => {
                let (m, r) = (self.any_account(u)?, self.region(u)?);
                let organization = self.fresh(Cat::Org);
                self.record(Cat::Org, &organization, &m, &r);
                raw.push(Gen::call(
                    m.clone(),
                    r.clone(),
                    Op::CreateOrganization {
                        organization,
                        feature_set: None,
                    },
                ));
                (m, r)
            }
        };
        let member = self.other_account(u, &manager)?;
        raw.push(Gen::call(
            manager.clone(),
            region.clone(),
            Op::InviteAccountToOrganization {
                account: member.clone(),
            },
        ));
        let outer = self.fresh(Cat::Ou);
        self.record(Cat::Ou, &outer, &manager, &region);
        raw.push(Gen::call(
            manager.clone(),
            region.clone(),
            Op::CreateOrganizationalUnit {
                ou: outer.clone(),
                parent: Parent::Root,
            },
        ));
        // Mostly a nested OU: membership of the outer OU is then through the tree (ORG-11).
        let home = if percent(u, 70)? {
            let inner = self.fresh(Cat::Ou);
            self.record(Cat::Ou, &inner, &manager, &region);
            raw.push(Gen::call(
                manager.clone(),
                region.clone(),
                Op::CreateOrganizationalUnit {
                    ou: inner.clone(),
                    parent: Parent::Ou(outer.clone()),
                },
            ));
            inner
        } else {
            outer.clone()
        };
        raw.push(Gen::call(
            manager.clone(),
            region.clone(),
            Op::MoveAccount {
                account: member.clone(),
                source: Parent::Root,
                destination: Parent::Ou(home.clone()),
            },
        ));
        if percent(u, 50)? {
            // A portfolio shared with the outer OU (SC-22), used by the member's end user.
            raw.push(Gen::call(
                manager.clone(),
                region.clone(),
                Op::EnableAWSOrganizationsAccess,
            ));
            let (portfolio, _product) =
                self.portfolio_with_product(u, &mut raw, &manager, &region)?;
            raw.push(Gen::call(
                manager.clone(),
                region.clone(),
                Op::CreatePortfolioShare {
                    portfolio: portfolio.clone(),
                    target: ShareTarget::OrganizationalUnit(outer.clone()),
                    share_tag_options: false,
                    share_principals: percent(u, 30)?,
                },
            ));
            let entry = Entry {
                name: portfolio.clone(),
                account: manager.clone(),
                region: region.clone(),
            };
            self.offer(Cat::Portfolio, Some(&entry), &member);
            let user = self.iam_of(u, &mut raw, Cat::User, &member, &region)?;
            raw.push(Gen::call(
                member.clone(),
                region.clone(),
                Op::AssociatePrincipalWithPortfolio {
                    portfolio,
                    principal: PortfolioPrincipal::Iam {
                        kind: IamKind::User,
                        name: user,
                        account: None,
                    },
                },
            ));
        } else {
            // A component shared with the outer OU through RAM (RAM-23), and the member's
            // recipe on it.
            raw.push(Gen::call(
                manager.clone(),
                region.clone(),
                Op::EnableSharingWithAwsOrganization,
            ));
            let component = self.fresh(Cat::Component);
            self.ib.push(IbEntry {
                kind: IbKind::Component,
                entry: Entry {
                    name: component.clone(),
                    account: manager.clone(),
                    region: region.clone(),
                },
                version: "1.0.0".to_owned(),
            });
            raw.push(Gen::call(
                manager.clone(),
                region.clone(),
                Op::CreateComponent {
                    component: component.clone(),
                    version: "1.0.0".to_owned(),
                    kms_key: None,
                },
            ));
            let share = self.fresh(Cat::Share);
            self.record(Cat::Share, &share, &manager, &region);
            raw.push(Gen::call(
                manager.clone(),
                region.clone(),
                Op::CreateResourceShare {
                    share,
                    resources: vec![RamResource {
                        kind: IbKind::Component,
                        resource: IbRef {
                            owner: None,
                            name: component.clone(),
                            version: Some("1.0.0".to_owned()),
                            build: None,
                        },
                    }],
                    principals: vec![RamPrincipal::OrganizationalUnit(outer.clone())],
                    allow_external_principals: None,
                    retain_sharing_on_account_leave_organization: percent(u, 30)?,
                },
            ));
            if percent(u, 60)? {
                let recipe = self.fresh(Cat::ImageRecipe);
                self.ib.push(IbEntry {
                    kind: IbKind::ImageRecipe,
                    entry: Entry {
                        name: recipe.clone(),
                        account: member.clone(),
                        region: region.clone(),
                    },
                    version: "1.0.0".to_owned(),
                });
                raw.push(Gen::call(
                    member.clone(),
                    region.clone(),
                    Op::CreateImageRecipe {
                        recipe,
                        version: "1.0.0".to_owned(),
                        components: vec![IbRef {
                            owner: Some(manager.clone()),
                            name: component,
                            version: Some("1.0.0".to_owned()),
                            build: None,
                        }],
                        parent_image: ParentImage::Ami("ami-0abc".to_owned()),
                    },
                ));
            }
        }
        // The finisher: the member moves out of the shared subtree, back, or leaves.
        match u.int_in_range(0..=5u8)? {
            0..=1 => raw.push(Gen::call(
                manager,
                region,
                Op::MoveAccount {
                    account: member,
                    source: Parent::Ou(home),
                    destination: Parent::Root,
                },
            )),
            2 => raw.push(Gen::call(
                manager,
                region,
                Op::RemoveAccountFromOrganization { account: member },
            )),
            _ => {}
        }
        Ok(self.filter(raw))
    }

    /// The planned calls the profile leaves on, at most [`MAX_CHAIN`].
    fn filter(&self, raw: Vec<Call>) -> Vec<Call> {
        raw.into_iter()
            .filter(|c| self.is_on(c.op.kind()))
            .take(MAX_CHAIN)
            .collect()
    }
}
