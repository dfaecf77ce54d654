//! Unit tests of the Service Catalog rules: for every rule, the allowed path and each error
//! path with its exact exception and rule id. Worlds are built through calls only (the
//! Organizations kit of `org::tests` provides the organization `acme`: management `m`, members
//! `a`, `b`, `c`; `x` is standalone).

// PANIC SAFETY: test code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod constraints;
mod launch;
mod model_check;
mod org_shares;
mod portfolios;
mod sharing;

pub(super) use crate::services::org::tests::{
    REGION, call, call_in, create_ou, move_to, ok, org_world, rejected, world, world_with,
};

use crate::error::Exception;
use crate::name::Name;
use crate::observe::ScView;
use crate::op::{
    Call, ConstraintParameters, IamKind, Op, PortfolioPrincipal, PortfolioShareType, Principal,
    RoleArn, ShareTarget,
};
use crate::response::Response;
use crate::world::{Outcome, World};

pub(super) use Exception::{
    DuplicateResourceException as Duplicate, InvalidParametersException as Ipe,
    InvalidStateException as InvalidState, LimitExceededException as Limit,
    OperationNotSupportedException as Ons, ResourceInUseException as InUse,
    ResourceNotFoundException as Rnf,
};

/// Applies `op` as end user `user` of `account`.
pub(super) fn as_user(w: &mut World, account: &str, user: &str, op: Op) -> Outcome {
    w.apply(&Call {
        account: account.into(),
        principal: Some(Principal::User(user.into())),
        region: REGION.into(),
        op,
    })
}

/// Applies `op` as end user role `role` of `account`.
pub(super) fn as_role(w: &mut World, account: &str, role: &str, op: Op) -> Outcome {
    w.apply(&Call {
        account: account.into(),
        principal: Some(Principal::Role(role.into())),
        region: REGION.into(),
        op,
    })
}

pub(super) fn user(w: &mut World, account: &str, name: &str) {
    ok(call(w, account, Op::CreateUser { user: name.into() }));
}

pub(super) fn role(w: &mut World, account: &str, name: &str) {
    ok(call(w, account, Op::CreateRole { role: name.into() }));
}

pub(super) fn portfolio(w: &mut World, owner: &str, name: &str) {
    ok(call(
        w,
        owner,
        Op::CreatePortfolio {
            portfolio: name.into(),
            display_name: None,
            provider_name: None,
        },
    ));
}

pub(super) fn product(w: &mut World, owner: &str, name: &str) {
    ok(call(
        w,
        owner,
        Op::CreateProduct {
            product: name.into(),
            version: "v1".into(),
        },
    ));
}

pub(super) fn associate(w: &mut World, account: &str, product: &str, portfolio: &str) -> Outcome {
    call(
        w,
        account,
        Op::AssociateProductWithPortfolio {
            product: product.into(),
            portfolio: portfolio.into(),
            source_portfolio: None,
        },
    )
}

pub(super) fn associate_from(
    w: &mut World,
    account: &str,
    product: &str,
    portfolio: &str,
    source: &str,
) -> Outcome {
    call(
        w,
        account,
        Op::AssociateProductWithPortfolio {
            product: product.into(),
            portfolio: portfolio.into(),
            source_portfolio: Some(source.into()),
        },
    )
}

pub(super) fn share(w: &mut World, owner: &str, portfolio: &str, target: ShareTarget) -> Outcome {
    call(
        w,
        owner,
        Op::CreatePortfolioShare {
            portfolio: portfolio.into(),
            target,
            share_tag_options: false,
            share_principals: false,
        },
    )
}

pub(super) fn to(account: &str) -> ShareTarget {
    ShareTarget::Account(account.into())
}

pub(super) fn accept(w: &mut World, account: &str, portfolio: &str) -> Outcome {
    accept_as(w, account, portfolio, None)
}

pub(super) fn accept_as(
    w: &mut World,
    account: &str,
    portfolio: &str,
    share_type: Option<PortfolioShareType>,
) -> Outcome {
    call(
        w,
        account,
        Op::AcceptPortfolioShare {
            portfolio: portfolio.into(),
            share_type,
        },
    )
}

pub(super) fn grant_user(w: &mut World, account: &str, portfolio: &str, user: &str) -> Outcome {
    call(
        w,
        account,
        Op::AssociatePrincipalWithPortfolio {
            portfolio: portfolio.into(),
            principal: iam_user(user),
        },
    )
}

pub(super) fn iam_user(user: &str) -> PortfolioPrincipal {
    PortfolioPrincipal::Iam {
        kind: IamKind::User,
        name: user.into(),
        account: None,
    }
}

pub(super) fn pattern(kind: IamKind, pattern: &str) -> PortfolioPrincipal {
    PortfolioPrincipal::IamPattern {
        kind,
        pattern: pattern.to_owned(),
    }
}

pub(super) fn launch_arn(account: &str, role: &str) -> ConstraintParameters {
    ConstraintParameters::Launch {
        role_arn: Some(RoleArn {
            account: account.into(),
            role: role.into(),
        }),
        local_role_name: None,
    }
}

pub(super) fn launch_local(role: &str) -> ConstraintParameters {
    ConstraintParameters::Launch {
        role_arn: None,
        local_role_name: Some(role.into()),
    }
}

pub(super) fn template(rules: &str) -> ConstraintParameters {
    ConstraintParameters::Template {
        rules: rules.to_owned(),
    }
}

pub(super) fn constrain(
    w: &mut World,
    account: &str,
    name: &str,
    portfolio: &str,
    product: &str,
    parameters: ConstraintParameters,
) -> Outcome {
    call(
        w,
        account,
        Op::CreateConstraint {
            constraint: name.into(),
            portfolio: portfolio.into(),
            product: product.into(),
            parameters,
        },
    )
}

/// The Service Catalog view of `account` in [`REGION`].
pub(super) fn view(w: &World, account: &str) -> ScView {
    w.observe().accounts[&Name::from(account)].regions[&REGION.into()]
        .sc
        .as_ref()
        .clone()
}

/// The names of the portfolios `account` has imported, with their share types.
pub(super) fn imports(w: &World, account: &str) -> Vec<(String, Vec<PortfolioShareType>)> {
    view(w, account)
        .imported
        .into_iter()
        .map(|i| (i.portfolio.to_string(), i.share_types))
        .collect()
}

/// The shared setup of most tests: `a` owns portfolio `base` holding product `vpc`; end user
/// `alice` exists in `b`, `bob` in `c`.
pub(super) fn shop() -> World {
    let mut w = org_world();
    portfolio(&mut w, "a", "base");
    product(&mut w, "a", "vpc");
    ok(associate(&mut w, "a", "vpc", "base"));
    user(&mut w, "b", "alice");
    user(&mut w, "c", "bob");
    w
}

/// [`shop`] with `base` shared with `b` and imported there, and `alice` granted on it.
pub(super) fn imported_shop() -> World {
    let mut w = shop();
    ok(share(&mut w, "a", "base", to("b")));
    ok(accept(&mut w, "b", "base"));
    ok(grant_user(&mut w, "b", "base", "alice"));
    w
}

/// The response's launch paths as (portfolio, launch role, paying account, constraints).
pub(super) fn paths_of(r: Response) -> Vec<(String, Option<String>, String, Vec<String>)> {
    let Response::LaunchPaths(paths) = r else {
        panic!("expected launch paths, got {r:?}");
    };
    paths
        .into_iter()
        .map(|p| {
            (
                p.portfolio.to_string(),
                p.launch_role,
                p.paying_account.to_string(),
                p.constraints.iter().map(ToString::to_string).collect(),
            )
        })
        .collect()
}
