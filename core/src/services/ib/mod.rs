//! EC2 Image Builder (RULES.md §2.6): components, images, image recipes and container recipes,
//! their versions and resource policies, and how consumers see and use what is shared with them
//! through RAM.
//!
//! Image Builder stores no access of its own: a resource policy is mirrored by a RAM share
//! created from it (RAM-30), so the single predicate RAM-23 (`ram::accessible`) answers every
//! "can this account use it" question, and listings differ from by-ARN access only in whether
//! the share is STANDARD (IB-13). What a build produces outside Image Builder (AMIs, ECR images,
//! IB-07) is not modelled; a build charges no account (IB-25, recorded by CreateImage).
//!
//! Module map: `versions` (semantic versions, wildcards, ARNs), `resources` (create, delete, get,
//! list), `policies` (Put*/Get*Policy), `deps` (sharing and dependency checks: IB-15 to IB-17),
//! `observe` (the observation).

mod deps;
mod observe;
mod policies;
mod resources;
#[cfg(test)]
mod tests;
mod versions;

use crate::error::ApiError;
use crate::name::{Name, Region};
use crate::op::{IbKind, IbRef, KeyRef, Op, ParentImage, RecipeRef};
use crate::response::Response;
use crate::world::{Ctx, World};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) use deps::{at_risk, first_stranded, rebuild_used_by};
pub(crate) use observe::{named_owners, observe};
pub(crate) use policies::policy_matches_default_permission;
pub(crate) use resources::{owned_in_another_region, ram_target};
pub(crate) use versions::IbKey;
use versions::Version;

/// A resource policy as put (IB-09, IB-11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy {
    pub principals: BTreeSet<Name>,
    pub actions: Vec<String>,
}

/// One resource version (recipes) or build version (components, images).
#[derive(Debug, Clone)]
pub(crate) struct IbResource {
    /// Its ARN, formatted once at creation (§1.7; the owner's account id and every part of the
    /// key are fixed), since every response and RAM association names it.
    pub arn: String,
    /// The KMS key (made explicit: its account is always set) and its ARN (IB-30).
    pub kms: Option<(KeyRef, String)>,
    /// Recipes: the component references as written, owners made explicit (IB-28 resolves
    /// wildcards again at build time).
    pub components: Vec<IbRef>,
    /// Recipes: the parent image as written, owner made explicit.
    pub parent: Option<ParentImage>,
    /// What it references, resolved at creation (recipes: components and parent image; images:
    /// their recipe).
    pub depends_on: Vec<IbKey>,
    pub policy: Option<Policy>,
    /// Images: AVAILABLE or FAILED.
    pub status: Option<&'static str>,
}

/// Image Builder state of the world.
#[derive(Debug, Clone, Default)]
pub(crate) struct IbState {
    pub resources: BTreeMap<IbKey, IbResource>,
    /// The last build number given per (kind, owner, Region, name, version), so that build
    /// ARNs are never reused after a deletion (IB-26).
    pub builds: BTreeMap<(IbKind, Name, Region, Name, Version), u32>,
    /// Resource to the recipes (image and container recipes) whose `depends_on` names it: the
    /// reverse of `depends_on`, kept by `deps::index_dependencies` and
    /// `deps::unindex_dependencies` where recipes are created and deleted, and compared with a
    /// recomputation by `World::check_indexes`.
    pub used_by: BTreeMap<IbKey, BTreeSet<IbKey>>,
}

/// The ARN of an existing or former resource: the one stored at creation while it exists, and
/// formatted from its key (as it was at creation) once it is gone.
pub(crate) fn arn_of(world: &World, key: &IbKey) -> String {
    match world.ib.resources.get(key) {
        Some(res) => res.arn.clone(),
        None => new_arn(world, key),
    }
}

/// The ARN of a resource being created (or of a former one), formatted from its key.
pub(crate) fn new_arn(world: &World, key: &IbKey) -> String {
    versions::key_arn(world.acct_str(&key.owner), key)
}

/// Applies a call of this service.
pub(crate) fn apply(world: &mut World, ctx: &mut Ctx, op: &Op) -> Result<Response, ApiError> {
    use IbKind::*;
    match op {
        Op::CreateComponent {
            component,
            version,
            kms_key,
        } => resources::create_component(world, ctx, component, version, kms_key.as_ref()),
        Op::CreateImageRecipe {
            recipe,
            version,
            components,
            parent_image,
        } => resources::create_recipe(
            world,
            ctx,
            ImageRecipe,
            recipe,
            version,
            components,
            parent_image,
            None,
        ),
        Op::CreateContainerRecipe {
            recipe,
            version,
            components,
            parent_image,
            kms_key,
        } => resources::create_recipe(
            world,
            ctx,
            ContainerRecipe,
            recipe,
            version,
            components,
            parent_image,
            kms_key.as_ref(),
        ),
        Op::CreateImage { recipe } => {
            let (kind, r) = match recipe {
                RecipeRef::ImageRecipe(r) => (ImageRecipe, r),
                RecipeRef::ContainerRecipe(r) => (ContainerRecipe, r),
            };
            resources::create_image(world, ctx, kind, r)
        }
        Op::DeleteComponent { component } => resources::delete(world, ctx, Component, component),
        Op::DeleteImage { image } => resources::delete(world, ctx, Image, image),
        Op::DeleteImageRecipe { recipe } => resources::delete(world, ctx, ImageRecipe, recipe),
        Op::DeleteContainerRecipe { recipe } => {
            resources::delete(world, ctx, ContainerRecipe, recipe)
        }
        Op::PutComponentPolicy { component, policy } => {
            policies::put(world, ctx, Component, component, policy)
        }
        Op::PutImagePolicy { image, policy } => policies::put(world, ctx, Image, image, policy),
        Op::PutImageRecipePolicy { recipe, policy } => {
            policies::put(world, ctx, ImageRecipe, recipe, policy)
        }
        Op::PutContainerRecipePolicy { recipe, policy } => {
            policies::put(world, ctx, ContainerRecipe, recipe, policy)
        }
        Op::GetComponentPolicy { component } => policies::get(world, ctx, Component, component),
        Op::GetImagePolicy { image } => policies::get(world, ctx, Image, image),
        Op::GetImageRecipePolicy { recipe } => policies::get(world, ctx, ImageRecipe, recipe),
        Op::GetContainerRecipePolicy { recipe } => {
            policies::get(world, ctx, ContainerRecipe, recipe)
        }
        Op::GetComponent { component } => resources::get(world, ctx, Component, component),
        Op::GetImage { image } => resources::get(world, ctx, Image, image),
        Op::GetImageRecipe { recipe } => resources::get(world, ctx, ImageRecipe, recipe),
        Op::GetContainerRecipe { recipe } => resources::get(world, ctx, ContainerRecipe, recipe),
        Op::ListComponents { owner } => Ok(resources::list(world, ctx, Component, *owner)),
        Op::ListImages { owner } => Ok(resources::list(world, ctx, Image, *owner)),
        Op::ListImageRecipes { owner } => Ok(resources::list(world, ctx, ImageRecipe, *owner)),
        Op::ListContainerRecipes { owner } => {
            Ok(resources::list(world, ctx, ContainerRecipe, *owner))
        }
        other => Err(super::not_modelled(other)),
    }
}
