//! Creating, deleting, reading and listing Image Builder resources (IB-16 to IB-28, IB-30,
//! ), and resolving references to them.
//!
//! A reference resolves among the versions the caller can see: its own, and those shared with
//! it through any share (a policy share included, IB-13). Wildcards pick the newest such version
//! (IB-28, A-14), so a consumer never resolves to a version the owner did not share.

use super::versions::{self, IbKey, Version, VersionPattern, has_builds};
use super::{IbResource, IbState, arn_of, deps, new_arn};
use crate::error::{ApiError, Exception, RuleId, reject};
use crate::name::{Name, Region};
use crate::observe::IbResourceView;
use crate::op::{IbKind, IbOwner, IbRef, KeyRef, ParentImage, Principal, RamResource};
use crate::response::Response;
use crate::services::{kms, ram};
use crate::world::{Ctx, World};

/// How an account sees a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vis {
    Owner,
    /// Shared with it; `listed` when through a STANDARD share (IB-13, IB-23).
    Shared {
        listed: bool,
    },
}

/// Whether `account` (as `principal`) sees the resource, and how (IB-20, RAM-23).
pub(crate) fn visibility(
    world: &World,
    account: &Name,
    principal: Option<&Principal>,
    key: &IbKey,
) -> Option<Vis> {
    if !world.ib.resources.contains_key(key) {
        return None;
    }
    present_visibility(world, account, principal, key)
}

/// [`visibility`] of a key known to be in the resource map (one taken from it), without
/// looking it up again.
fn present_visibility(
    world: &World,
    account: &Name,
    principal: Option<&Principal>,
    key: &IbKey,
) -> Option<Vis> {
    if &key.owner == account {
        return Some(Vis::Owner);
    }
    ram::accessible(world, account, principal, key).map(|listed| Vis::Shared { listed })
}

fn not_found(rule: RuleId, kind: IbKind, r: &IbRef) -> ApiError {
    reject(
        Exception::ResourceNotFoundException,
        rule,
        format!(
            "{} {} {} does not exist or is not shared with you",
            versions::kind_segment(kind),
            r.name,
            r.version.as_deref().unwrap_or("(newest)")
        ),
    )
}

fn invalid(rule: RuleId, message: impl Into<String>) -> ApiError {
    reject(Exception::InvalidParameterValueException, rule, message)
}

/// Stage 1 of a reference: its version pattern (IB-26, Q-23) and, for recipes, no build node
/// (IB-10). With `exact`, wildcards are refused (IB-10: the call needs one version's ARN).
fn pattern_of(kind: IbKind, r: &IbRef, exact: bool) -> Result<VersionPattern, ApiError> {
    if r.build.is_some() && !has_builds(kind) {
        return Err(invalid(
            "IB-10",
            format!("a {} ARN has no build node", versions::kind_segment(kind)),
        ));
    }
    let pattern = match &r.version {
        Some(v) => versions::parse_pattern(v)?,
        None => VersionPattern::ANY,
    };
    if exact && r.version.is_some() && pattern.exact().is_none() {
        return Err(invalid(
            "IB-10",
            format!(
                "a {} version ARN cannot contain wildcards",
                versions::kind_segment(kind)
            ),
        ));
    }
    Ok(pattern)
}

/// The newest resource matching the reference among those the caller sees (IB-28). The
/// versions of a name come in key order, i.e. by (version, build), so the newest match is the
/// first one met from the end: the older versions are not asked about (their access check is
/// the dear part).
fn newest_visible<'w>(
    world: &'w World,
    account: &Name,
    principal: Option<&Principal>,
    region: &Region,
    kind: IbKind,
    r: &IbRef,
    pattern: VersionPattern,
) -> Option<Found<'w>> {
    let owner = r.owner.as_ref().unwrap_or(account);
    versions::versions_of(&world.ib.resources, kind, owner, region, &r.name)
        .rev()
        .filter(|(k, _)| pattern.matches(k.version) && (r.build.is_none() || k.build == r.build))
        .find_map(|(k, res)| present_visibility(world, account, principal, k).map(|v| (k, res, v)))
}

/// A resolved reference: the resource's key, the resource, and how the caller sees it.
type Found<'w> = (&'w IbKey, &'w IbResource, Vis);

/// Resolves a reference for the caller (stage 1 and 2): ResourceNotFoundException under `rule`
/// when nothing visible matches (IB-20 for direct calls, IB-22 for references in recipes). When
/// the reference would resolve in another Region, IB-06 decided the miss as well: sharing is per
/// Region and never replicates, so what the caller sees elsewhere does not exist here.
pub(crate) fn resolve(
    world: &World,
    ctx: &mut Ctx,
    kind: IbKind,
    r: &IbRef,
    exact: bool,
    rule: RuleId,
) -> Result<IbKey, ApiError> {
    resolve_found(world, ctx, kind, r, exact, rule).map(|(k, _, _)| k.clone())
}

/// [`resolve`], with the resource and how the caller sees it (so that Get* neither looks the
/// resource up again nor asks RAM a second time).
fn resolve_found<'w>(
    world: &'w World,
    ctx: &mut Ctx,
    kind: IbKind,
    r: &IbRef,
    exact: bool,
    rule: RuleId,
) -> Result<Found<'w>, ApiError> {
    let pattern = pattern_of(kind, r, exact)?;
    let (account, principal) = (&ctx.account, ctx.principal.as_ref());
    if let Some(found) = newest_visible(world, account, principal, &ctx.region, kind, r, pattern) {
        return Ok(found);
    }
    let elsewhere = world
        .regions
        .iter()
        .filter(|region| *region != &ctx.region)
        .any(|region| {
            newest_visible(world, account, principal, region, kind, r, pattern).is_some()
        });
    if elsewhere {
        ctx.hit("IB-06");
    }
    Err(not_found(rule, kind, r))
}

/// A RAM resource as the share owner names it (RAM-03, RAM-04): its ARN, and its key when it
/// exists in the Region and is owned by the share owner. A wildcard or malformed version is a
/// malformed ARN.
pub(crate) fn ram_target(
    world: &World,
    share_owner: &Name,
    region: &Region,
    res: &RamResource,
) -> Result<(String, Option<IbKey>), ApiError> {
    let r = &res.resource;
    let malformed = |why: &str| {
        reject(
            Exception::MalformedArnException,
            "RAM-03",
            format!("the resource ARN for {} is malformed: {why}", r.name),
        )
    };
    if r.build.is_some() && !has_builds(res.kind) {
        return Err(malformed("a recipe ARN has no build node"));
    }
    let pattern = match &r.version {
        Some(v) => {
            let p = versions::parse_pattern(v).map_err(|e| malformed(&e.message))?;
            if p.exact().is_none() {
                return Err(malformed("a shared resource ARN names one version"));
            }
            p
        }
        None => VersionPattern::ANY,
    };
    let owner = r.owner.as_ref().unwrap_or(share_owner);
    match newest_named(world, res, owner, region, pattern) {
        Some((k, found)) => Ok((found.arn.clone(), (owner == share_owner).then(|| k.clone()))),
        None => Ok((
            versions::arn(
                region,
                world.acct_str(owner),
                res.kind,
                &r.name,
                r.version.as_deref(),
                r.build,
            ),
            None,
        )),
    }
}

/// The newest version (and build) of `owner`'s resource that a RAM resource names in `region`.
fn newest_named<'w>(
    world: &'w World,
    res: &RamResource,
    owner: &Name,
    region: &Region,
    pattern: VersionPattern,
) -> Option<(&'w IbKey, &'w IbResource)> {
    let r = &res.resource;
    versions::versions_of(&world.ib.resources, res.kind, owner, region, &r.name)
        .filter(|(k, _)| pattern.matches(k.version) && (r.build.is_none() || k.build == r.build))
        .max_by_key(|(k, _)| (k.version, k.build))
}

/// IB-06: whether a RAM resource that names nothing of the share owner's in `region` names
/// one of its resources in another Region (sharing is per Region and never replicates, so its
/// association fails, RAM-04). A malformed reference names nothing anywhere.
pub(crate) fn owned_in_another_region(
    world: &World,
    share_owner: &Name,
    region: &Region,
    res: &RamResource,
) -> bool {
    let owner = res.resource.owner.as_ref().unwrap_or(share_owner);
    let pattern = match &res.resource.version {
        Some(v) => match versions::parse_pattern(v) {
            Ok(p) => p,
            Err(_) => return false,
        },
        None => VersionPattern::ANY,
    };
    owner == share_owner
        && world
            .regions
            .iter()
            .filter(|r| *r != region)
            .any(|r| newest_named(world, res, owner, r, pattern).is_some())
}

/// The view of a resource as `viewer` sees it: the owner also sees the policy (IB-29).
pub(crate) fn view(world: &World, key: &IbKey, res: &IbResource, viewer: &Name) -> IbResourceView {
    IbResourceView {
        kind: key.kind,
        name: key.name.clone(),
        version: key.version.text(),
        build: key.build,
        arn: res.arn.clone(),
        owner: key.owner.clone(),
        kms_key: res.kms.as_ref().map(|(_, arn)| arn.clone()),
        depends_on: res.depends_on.iter().map(|k| arn_of(world, k)).collect(),
        policy_principals: if &key.owner == viewer {
            res.policy
                .as_ref()
                .map(|p| p.principals.iter().cloned().collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        },
        status: res.status.unwrap_or_default().to_owned(),
    }
}

fn count_owned(state: &IbState, owner: &Name, region: &Region, kinds: &[IbKind]) -> u64 {
    kinds
        .iter()
        .map(|kind| versions::owned_of_kind(&state.resources, *kind, owner, region).count() as u64)
        .sum()
}

/// Q-22, IB-24: the owner's own resources count, never what is shared with it.
fn check_quota(world: &World, ctx: &mut Ctx, kind: IbKind) -> Result<(), ApiError> {
    let q = &world.config.quotas;
    let (kinds, limit): (&[IbKind], u64) = match kind {
        IbKind::Component => (&[IbKind::Component], q.ib_components),
        IbKind::Image => (&[IbKind::Image], q.ib_images),
        IbKind::ImageRecipe | IbKind::ContainerRecipe => (
            &[IbKind::ImageRecipe, IbKind::ContainerRecipe],
            q.ib_recipes,
        ),
    };
    if count_owned(&world.ib, &ctx.account, &ctx.region, kinds) >= limit {
        return Err(reject(
            Exception::ServiceQuotaExceededException,
            "Q-22",
            format!("{} quota reached", versions::kind_segment(kind)),
        ));
    }
    ctx.hit("IB-24");
    Ok(())
}

/// IB-30, KMS-07: the caller's key for a new encrypted resource, checked through KMS.
fn own_key(world: &World, ctx: &mut Ctx, key: &KeyRef) -> Result<(KeyRef, String), ApiError> {
    let arn = kms::check_use(world, key, &ctx.account, &ctx.account, &ctx.region)?;
    ctx.hit("IB-30");
    let explicit = KeyRef {
        account: Some(key.account.clone().unwrap_or_else(|| ctx.account.clone())),
        key: key.key.clone(),
    };
    Ok((explicit, arn))
}

fn next_build(world: &mut World, kind: IbKind, ctx: &Ctx, name: &Name, v: Version) -> u32 {
    let counter = world
        .ib
        .builds
        .entry((
            kind,
            ctx.account.clone(),
            ctx.region.clone(),
            name.clone(),
            v,
        ))
        .or_insert(0);
    *counter += 1;
    *counter
}

fn created(key: &IbKey, arn: String) -> Response {
    let mut id = key.version.text();
    if let Some(b) = key.build {
        id.push('/');
        versions::push_decimal(&mut id, b);
    }
    Response::Created { id, arn }
}

/// CreateComponent (IB-26, IB-30, Q-22, Q-23, A-23): a new build version of (name, version).
pub(crate) fn create_component(
    world: &mut World,
    ctx: &mut Ctx,
    name: &Name,
    version: &str,
    kms_key: Option<&KeyRef>,
) -> Result<Response, ApiError> {
    let v = versions::parse_version(version)?;
    let kms = kms_key.map(|k| own_key(world, ctx, k)).transpose()?;
    let exists = versions::versions_of(
        &world.ib.resources,
        IbKind::Component,
        &ctx.account,
        &ctx.region,
        name,
    )
    .any(|(k, _)| k.version == v);
    if exists && world.config.legacy_component_versions {
        ctx.hit("A-23");
        return Err(reject(
            Exception::ResourceInUseException,
            "IB-26",
            format!("component {name} {v} already exists"),
        ));
    }
    check_quota(world, ctx, IbKind::Component)?;
    if exists {
        ctx.hit("A-23");
    }
    let build = next_build(world, IbKind::Component, ctx, name, v);
    let key = IbKey {
        kind: IbKind::Component,
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        name: name.clone(),
        version: v,
        build: Some(build),
    };
    let arn = new_arn(world, &key);
    world.ib.resources.insert(
        key.clone(),
        IbResource {
            arn: arn.clone(),
            kms,
            components: Vec::new(),
            parent: None,
            depends_on: Vec::new(),
            policy: None,
            status: None,
        },
    );
    ctx.hit("IB-26");
    ctx.hit("IB-01");
    Ok(created(&key, arn))
}

fn explicit(r: &IbRef, owner: &Name) -> IbRef {
    IbRef {
        owner: Some(r.owner.clone().unwrap_or_else(|| owner.clone())),
        ..r.clone()
    }
}

/// CreateImageRecipe and CreateContainerRecipe (IB-21, IB-22, IB-26, IB-27, IB-28, Q-20, Q-22).
#[allow(clippy::too_many_arguments)]
pub(crate) fn create_recipe(
    world: &mut World,
    ctx: &mut Ctx,
    kind: IbKind,
    name: &Name,
    version: &str,
    components: &[IbRef],
    parent: &ParentImage,
    kms_key: Option<&KeyRef>,
) -> Result<Response, ApiError> {
    // Stage 1: versions, component count (Q-20; every modelled component is a BUILD
    // component), reference shapes.
    let v = versions::parse_version(version)?;
    if components.is_empty() || components.len() as u64 > world.config.quotas.components_per_recipe
    {
        return Err(invalid(
            "Q-20",
            format!(
                "a recipe needs 1 to {} components, got {}",
                world.config.quotas.components_per_recipe,
                components.len()
            ),
        ));
    }
    for c in components {
        pattern_of(IbKind::Component, c, false)?;
    }
    if let ParentImage::Image(r) = parent {
        pattern_of(IbKind::Image, r, false)?;
    }
    let kms = kms_key.map(|k| own_key(world, ctx, k)).transpose()?;
    // Stage 2: every reference resolves to a resource the caller may use (IB-22, IB-28).
    let mut depends_on = Vec::new();
    for c in components {
        let key = resolve(world, ctx, IbKind::Component, c, false, "IB-22")?;
        if c.version.as_deref().is_none_or(|s| s.contains('x')) || c.build.is_none() {
            ctx.hit("IB-28");
            ctx.hit("A-14");
        }
        depends_on.push(key);
    }
    if let ParentImage::Image(r) = parent {
        depends_on.push(resolve(world, ctx, IbKind::Image, r, false, "IB-22")?);
    }
    if depends_on.iter().any(|k| k.owner != ctx.account) {
        ctx.hit("IB-21");
        ctx.hit("IB-02");
    }
    // Stage 4: versions are immutable (IB-26).
    let key = IbKey {
        kind,
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        name: name.clone(),
        version: v,
        build: None,
    };
    if world.ib.resources.contains_key(&key) {
        return Err(reject(
            Exception::ResourceAlreadyExistsException,
            "IB-26",
            format!(
                "The following resource '{}' already exists: '{}'",
                match kind {
                    IbKind::ContainerRecipe => "ContainerRecipe",
                    _ => "ImageRecipe",
                },
                arn_of(world, &key)
            ),
        ));
    }
    check_quota(world, ctx, kind)?;
    let parent = match parent {
        ParentImage::Ami(a) => ParentImage::Ami(a.clone()),
        ParentImage::Image(r) => ParentImage::Image(explicit(r, &ctx.account)),
    };
    let arn = new_arn(world, &key);
    world.ib.resources.insert(
        key.clone(),
        IbResource {
            arn: arn.clone(),
            kms,
            components: components
                .iter()
                .map(|c| explicit(c, &ctx.account))
                .collect(),
            parent: Some(parent),
            depends_on,
            policy: None,
            status: None,
        },
    );
    deps::index_dependencies(world, &key);
    ctx.hit("IB-27");
    ctx.hit("IB-01");
    Ok(created(&key, arn))
}

/// Whether a build by `ctx` from the recipe can succeed (IB-22, IB-28, KMS-07, A-21, INV-18):
/// every reference resolves again, among what the builder can use now, and every encryption key
/// involved is usable by the builder.
fn build_succeeds(world: &World, ctx: &mut Ctx, recipe: &IbKey, res: &IbResource) -> bool {
    let (builder, region) = (ctx.account.clone(), ctx.region.clone());
    let usable = |world: &World, owner: &Name, kms: &Option<(KeyRef, String)>| {
        kms.as_ref()
            .is_none_or(|(k, _)| kms::check_use(world, k, owner, &builder, &region).is_ok())
    };
    if !usable(world, &recipe.owner, &res.kms) {
        return false;
    }
    for c in &res.components {
        let Ok(key) = resolve(world, ctx, IbKind::Component, c, false, "IB-22") else {
            ctx.hit("INV-18");
            return false;
        };
        let kms = world.ib.resources.get(&key).and_then(|r| r.kms.clone());
        if !usable(world, &key.owner, &kms) {
            ctx.hit("KMS-07");
            ctx.hit("A-21");
            return false;
        }
    }
    if let Some(ParentImage::Image(r)) = &res.parent
        && resolve(world, ctx, IbKind::Image, r, false, "IB-22").is_err()
    {
        ctx.hit("INV-18");
        return false;
    }
    true
}

/// CreateImage (IB-21, IB-22): an image of the caller, built from an own or shared recipe. The
/// build fails (status FAILED) when a component's key is not usable by the caller.
pub(crate) fn create_image(
    world: &mut World,
    ctx: &mut Ctx,
    kind: IbKind,
    r: &IbRef,
) -> Result<Response, ApiError> {
    let recipe = resolve(world, ctx, kind, r, false, "IB-22")?;
    check_quota(world, ctx, IbKind::Image)?;
    let Some(res) = world.ib.resources.get(&recipe).cloned() else {
        return Err(not_found("IB-22", kind, r));
    };
    let ok = build_succeeds(world, ctx, &recipe, &res);
    if !ok {
        ctx.hit("IB-22");
    }
    if recipe.owner != ctx.account {
        ctx.hit("IB-21");
    }
    let build = next_build(world, IbKind::Image, ctx, &recipe.name, recipe.version);
    let key = IbKey {
        kind: IbKind::Image,
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        name: recipe.name.clone(),
        version: recipe.version,
        build: Some(build),
    };
    let arn = new_arn(world, &key);
    world.ib.resources.insert(
        key.clone(),
        IbResource {
            arn: arn.clone(),
            kms: None,
            components: Vec::new(),
            parent: None,
            depends_on: vec![recipe],
            policy: None,
            status: Some(if ok { "AVAILABLE" } else { "FAILED" }),
        },
    );
    ctx.hit("IB-07");
    // IB-25: Image Builder charges nothing for a build. Unlike a Service Catalog launch, whose
    // launch role's account pays (SC-12), no account is charged and nothing is recorded as owed.
    ctx.hit("IB-25");
    Ok(created(&key, arn))
}

/// Delete{Component,Image,ImageRecipe,ContainerRecipe} (IB-16 to IB-20, A-13).
pub(crate) fn delete(
    world: &mut World,
    ctx: &mut Ctx,
    kind: IbKind,
    r: &IbRef,
) -> Result<Response, ApiError> {
    let key = resolve(world, ctx, kind, r, true, "IB-20")?;
    let arn = arn_of(world, &key);
    if key.owner != ctx.account {
        return Err(reject(
            Exception::ForbiddenException,
            "IB-19",
            format!("{arn} is shared with you; consumers cannot modify it"),
        ));
    }
    // FAULT ZOO: a still-shared resource may be deleted.
    if deps::is_shared(world, &key) && !world.faulty(crate::fault::Fault::DeleteWhileShared) {
        ctx.hit("A-13");
        return Err(reject(
            Exception::ResourceDependencyException,
            "IB-16",
            format!("{arn} is still shared; unshare it first"),
        ));
    }
    if let Some(user) = deps::referenced_by(world, &key) {
        let rule = if user.owner == key.owner {
            "IB-17"
        } else {
            "IB-15"
        };
        return Err(reject(
            Exception::ResourceDependencyException,
            rule,
            format!("The resource ARN '{arn}' has other resources depended on it"),
        ));
    }
    deps::unindex_dependencies(world, &key);
    world.ib.resources.remove(&key);
    deps::forget_in_shares(world, &key);
    if kind == IbKind::Image {
        ctx.hit("IB-18");
        ctx.hit("IB-07");
    }
    ctx.hit("IB-16");
    ctx.hit("IB-17");
    Ok(Response::Empty)
}

/// Get{Component,Image,ImageRecipe,ContainerRecipe} (IB-23, IB-13, IB-20, IB-22): the resource
/// with its owner.
pub(crate) fn get(
    world: &World,
    ctx: &mut Ctx,
    kind: IbKind,
    r: &IbRef,
) -> Result<Response, ApiError> {
    let (key, res, vis) = resolve_found(world, ctx, kind, r, false, "IB-20")?;
    if key.owner != ctx.account {
        if let Some((k, _)) = &res.kms
            && kms::check_use(world, k, &key.owner, &ctx.account, &ctx.region).is_err()
        {
            ctx.hit("A-21");
            return Err(reject(
                Exception::AccessDeniedException,
                "IB-22",
                format!(
                    "the key of {} cannot be used by {}",
                    arn_of(world, key),
                    ctx.account
                ),
            ));
        }
        // How the caller sees it, as `resolve_found` found it (the same world).
        if vis == (Vis::Shared { listed: false }) {
            ctx.hit("IB-13");
        }
    }
    ctx.hit("IB-23");
    Ok(Response::IbResource(view(world, key, res, &ctx.account)))
}

/// The resources of a kind an account lists in a Region (IB-23, IB-13, INV-17).
pub(crate) fn listed(
    world: &World,
    account: &Name,
    principal: Option<&Principal>,
    region: &Region,
    kind: Option<IbKind>,
    owner: IbOwner,
) -> Vec<IbResourceView> {
    let of_kind = |k: &IbKey| &k.region == region && kind.is_none_or(|kind| k.kind == kind);
    match owner {
        IbOwner::Shared => {
            let listed = ram::visible_resources(world, account, principal, region)
                .into_iter()
                .filter(|(k, (listed, _))| *listed && of_kind(k))
                .map(|(k, (_, res))| view(world, k, res, account))
                .collect();
            // FAULT ZOO: the planted bug needs every resource (see `listed_scan`); it acts
            // only where the scan lists something else.
            let fault = crate::fault::Fault::ConsumerSeesOtherConsumersRecipe;
            if world.has_fault(fault) {
                let scan = listed_scan(world, account, principal, region, kind);
                if scan != listed && world.faulty(fault) {
                    return scan;
                }
            }
            listed
        }
        // The caller's own resources of each kind asked, in key order (kind first): ranges of
        // the resource map instead of a scan of every account's resources.
        IbOwner::Self_ => IbKind::ALL
            .into_iter()
            .filter(|k| kind.is_none_or(|kind| *k == kind))
            .flat_map(|k| versions::owned_of_kind(&world.ib.resources, k, account, region))
            .map(|(k, res)| view(world, k, res, account))
            .collect(),
        // No Amazon-managed resources are modelled.
        IbOwner::Amazon => Vec::new(),
    }
}

/// List*(owner=Shared) by asking RAM-23 of every resource, as the fault zoo's planted bug
/// needs (it shows a resource through another one).
fn listed_scan(
    world: &World,
    account: &Name,
    principal: Option<&Principal>,
    region: &Region,
    kind: Option<IbKind>,
) -> Vec<IbResourceView> {
    let shared = |k| visibility(world, account, principal, k) == Some(Vis::Shared { listed: true });
    world
        .ib
        .resources
        .iter()
        .filter(|(k, _)| &k.region == region && kind.is_none_or(|kind| k.kind == kind))
        .filter(|(k, res)| {
            shared(k)
                || (&k.owner != account
                    && res
                        .depends_on
                        .iter()
                        .any(|d| d.owner != k.owner && shared(d)))
        })
        .map(|(k, res)| view(world, k, res, account))
        .collect()
}

/// List{Components,Images,ImageRecipes,ContainerRecipes} (IB-23, IB-13, IB-20).
pub(crate) fn list(world: &World, ctx: &mut Ctx, kind: IbKind, owner: Option<IbOwner>) -> Response {
    ctx.hit("IB-23");
    let owner = owner.unwrap_or(IbOwner::Self_);
    if owner == IbOwner::Shared {
        ctx.hit("IB-13");
        ctx.hit("IB-20");
    }
    Response::IbResources(listed(
        world,
        &ctx.account,
        ctx.principal.as_ref(),
        &ctx.region,
        Some(kind),
        owner,
    ))
}
