//! The one call vocabulary: every modelled API call is a variant of [`Op`], named as the AWS
//! operation.
//!
//! Scenarios (RON), the explorer, the fuzzer, the shrinker and the conformance protocol all speak
//! this type, so there is one parser and one printer. Entities are referred to by symbolic
//! [`Name`]s; the world turns them into AWS-shaped ids. Adding an operation means adding a variant
//! here: the exhaustive matches in `world::dispatch`, the generator's weight table and the
//! coverage tidy test then name every other place that must decide about it.
//!
//! Where an AWS request has "exactly one of" two members, the vocabulary uses an enum, so that
//! the invalid combination cannot be written; the shape errors that remain expressible (a LAUNCH
//! constraint with both or neither role, a malformed version string) are checked by the rules.

use crate::name::{Name, Region};
use serde::{Deserialize, Serialize};

/// One API call: who calls, where, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// The calling account.
    pub account: Name,
    /// The IAM principal making the call, for end-user calls (launch paths, provisioning).
    /// Administrator calls leave it empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    /// The Region the call is sent to. Ignored by the global services (Organizations, IAM).
    pub region: Region,
    /// The operation and its parameters.
    pub op: Op,
}

/// An IAM user or role acting as an end user.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Principal {
    /// An IAM user of the calling account.
    User(Name),
    /// An IAM role of the calling account (a federated or assumed-role end user).
    Role(Name),
}

/// The kind of an IAM principal, as it appears in an ARN (`user/`, `role/`, `group/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum IamKind {
    /// `arn:aws:iam::<acct>:user/<name>`
    User,
    /// `arn:aws:iam::<acct>:role/<name>`
    Role,
    /// `arn:aws:iam::<acct>:group/<name>`
    Group,
}

/// A parent in the organization tree: the root or an OU.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Parent {
    /// The organization's single root (ORG-02).
    Root,
    /// An organizational unit, by name.
    Ou(Name),
}

/// A service principal that trusted access and delegated administration are granted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Service {
    /// `servicecatalog.amazonaws.com`
    ServiceCatalog,
    /// `ram.amazonaws.com`
    Ram,
    /// `imagebuilder.amazonaws.com`
    ImageBuilder,
}

impl Service {
    /// The service principal string.
    pub fn principal(self) -> &'static str {
        match self {
            Service::ServiceCatalog => "servicecatalog.amazonaws.com",
            Service::Ram => "ram.amazonaws.com",
            Service::ImageBuilder => "imagebuilder.amazonaws.com",
        }
    }
}

/// A grantee in a KMS key policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum KeyGrantee {
    /// Every principal of an account (`arn:aws:iam::<acct>:root`).
    Account(Name),
    /// Every account of an organization (`aws:PrincipalOrgID`).
    Organization(Name),
    /// Every account under an OU (`aws:PrincipalOrgPaths`).
    OrganizationalUnit(Name),
}

/// A reference to a KMS key, possibly in another account (KMS-04: cross-account use names the
/// key by ARN, which the owner account makes explicit here).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct KeyRef {
    /// The owning account; the caller's own account when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Name>,
    /// The key's name.
    pub key: Name,
}

/// An IAM role ARN written symbolically: the role `role` of account `account`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct RoleArn {
    /// The account that owns the role (and, SC-12, pays for what it provisions).
    pub account: Name,
    /// The role's name.
    pub role: Name,
}

// ---------------------------------------------------------------------------------------------
// Service Catalog parameter types
// ---------------------------------------------------------------------------------------------

/// The recipient of a portfolio share (SC-20): an account, or an organization node.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ShareTarget {
    /// `AccountId`: an account-to-account share, which the recipient must accept.
    Account(Name),
    /// `OrganizationNode{Type: ORGANIZATION}`.
    Organization(Name),
    /// `OrganizationNode{Type: ORGANIZATIONAL_UNIT}`.
    OrganizationalUnit(Name),
    /// `OrganizationNode{Type: ACCOUNT}` (`ORGANIZATION_MEMBER_ACCOUNT` in DescribePortfolioShares).
    OrganizationMemberAccount(Name),
}

/// How a recipient received a portfolio (SC-23, SC-29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PortfolioShareType {
    /// Account-to-account share, accepted by the recipient.
    Imported,
    /// Deprecated; always ResourceNotFoundException on accept.
    AwsServicecatalog,
    /// Received through an organization node share.
    AwsOrganizations,
}

/// The share type filter of DescribePortfolioShares (SC-27).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DescribeShareType {
    /// Account-to-account shares.
    Account,
    /// Shares to the whole organization.
    Organization,
    /// Shares to OUs.
    OrganizationalUnit,
    /// Shares to member accounts as organization nodes.
    OrganizationMemberAccount,
}

/// `TagUpdateOnProvisionedProduct` of a RESOURCE_UPDATE constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TagUpdate {
    /// Tags of provisioned products may be updated.
    Allowed,
    /// They may not.
    NotAllowed,
}

/// The parameters of a constraint, one variant per constraint type (SC-53).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub enum ConstraintParameters {
    /// LAUNCH: exactly one of `role_arn` and `local_role_name` (SC-11, SC-53).
    Launch {
        /// A role ARN, used whatever the end user's account (SC-11).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role_arn: Option<RoleArn>,
        /// A role name, resolved in the end user's account at launch (IAM-05, SC-54, SC-60).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        local_role_name: Option<Name>,
    },
    /// NOTIFICATION: SNS topics (by name, in the constraint owner's account).
    Notification {
        /// Topic names; a topic may appear in at most one NOTIFICATION constraint.
        topics: Vec<Name>,
    },
    /// RESOURCE_UPDATE: whether tag updates on provisioned products are allowed.
    ResourceUpdate {
        /// `TagUpdateOnProvisionedProduct`.
        tag_update_on_provisioned_product: TagUpdate,
    },
    /// STACKSET: target accounts and Regions, admin and execution roles.
    StackSet {
        /// Target accounts.
        accounts: Vec<Name>,
        /// Target Regions.
        regions: Vec<Region>,
        /// The administration role name.
        admin_role: Name,
        /// The execution role name.
        execution_role: Name,
    },
    /// TEMPLATE: template rules (opaque text to the model).
    Template {
        /// The rules document.
        rules: String,
    },
}

/// A principal associated with a portfolio (SC-40).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub enum PortfolioPrincipal {
    /// `PrincipalType: IAM`: the full ARN of an existing principal (IAM-03).
    Iam {
        /// The principal's kind.
        kind: IamKind,
        /// The principal's name.
        name: Name,
        /// The principal's account; the caller's account when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<Name>,
    },
    /// `PrincipalType: IAM_PATTERN`: `arn:aws:iam:::<kind>/<pattern>` (IAM-02).
    IamPattern {
        /// The principal kind the pattern applies to.
        kind: IamKind,
        /// The resource-id glob (`*` any sequence including `/`, `?` zero or one character).
        pattern: String,
    },
}

// ---------------------------------------------------------------------------------------------
// RAM and Image Builder parameter types
// ---------------------------------------------------------------------------------------------

/// A RAM principal (RAM-05).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum RamPrincipal {
    /// A 12-digit account id.
    Account(Name),
    /// An organization ARN.
    Organization(Name),
    /// An OU ARN.
    OrganizationalUnit(Name),
    /// An IAM role ARN of some account.
    Role(RoleArn),
    /// An IAM user ARN of some account.
    User {
        /// The user's account.
        account: Name,
        /// The user's name.
        user: Name,
    },
}

/// The four Image Builder resource types that can be shared (IB-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum IbKind {
    /// `imagebuilder:Component` (build-version ARN).
    Component,
    /// `imagebuilder:Image` (build-version ARN).
    Image,
    /// `imagebuilder:ImageRecipe` (version ARN).
    ImageRecipe,
    /// `imagebuilder:ContainerRecipe` (version ARN).
    ContainerRecipe,
}

impl IbKind {
    /// Every kind, in their order (`Ord`): a range per kind of a map keyed kind first lists
    /// the map's order.
    pub const ALL: [IbKind; 4] = [
        IbKind::Component,
        IbKind::Image,
        IbKind::ImageRecipe,
        IbKind::ContainerRecipe,
    ];
}

/// A reference to an Image Builder resource, written symbolically. It resolves to an ARN: the
/// owner's account, the resource name, and a version (`1.2.3`, or with `x` wildcards) and build.
/// Absent version means the newest; absent build means the newest build of that version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct IbRef {
    /// The owning account; the caller's account when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Name>,
    /// The resource name.
    pub name: Name,
    /// `<major>.<minor>.<patch>`, each node a number or `x` (IB-10, §1.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The build number (components and images only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<u32>,
}

/// A resource in a RAM share (RAM-03): one of the Image Builder types.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct RamResource {
    /// The resource type.
    pub kind: IbKind,
    /// The resource.
    pub resource: IbRef,
}

/// A parent image of a recipe (IB-27).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum ParentImage {
    /// An AMI id or an Amazon-managed image: always accessible, outside the sharing model.
    Ami(String),
    /// An Image Builder image, own or shared.
    Image(IbRef),
}

/// The recipe an image is built from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum RecipeRef {
    /// An image recipe (AMI images).
    ImageRecipe(IbRef),
    /// A container recipe (Docker images).
    ContainerRecipe(IbRef),
}

/// An Image Builder resource policy, written structurally (IB-09, IB-11): `Effect: Allow`, the
/// named accounts as `Principal.AWS`, the actions, and the target ARN as `Resource`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
pub struct ResourcePolicy {
    /// Accounts granted access.
    pub principals: Vec<Name>,
    /// Actions granted; the read actions of the resource type when absent (IB-11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
}

/// The `resourceOwner` filter of RAM listings (§1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResourceOwner {
    /// Shares and resources the caller owns.
    #[serde(rename = "SELF")]
    Self_,
    /// Shares and resources others share with the caller.
    #[serde(rename = "OTHER-ACCOUNTS")]
    OtherAccounts,
}

/// The `owner` filter of Image Builder listings (IB-23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum IbOwner {
    /// Resources the caller owns (the default).
    #[serde(rename = "Self")]
    Self_,
    /// Resources shared with the caller.
    Shared,
    /// Amazon-managed resources.
    Amazon,
}

/// The association type filter of GetResourceShareAssociations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssociationType {
    /// Principal associations.
    Principal,
    /// Resource associations.
    Resource,
}

/// The organization feature set (§1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeatureSet {
    /// All features (required for RAM org sharing, RAM-25).
    All,
    /// Consolidated billing only.
    ConsolidatedBilling,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Every modelled API call. Variant names are the AWS operation names; field names are the
/// request members, with entities written as symbolic names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
#[serde(deny_unknown_fields)]
#[strum_discriminants(
    name(OpKind),
    derive(
        Hash,
        PartialOrd,
        Ord,
        Serialize,
        Deserialize,
        strum::EnumIter,
        strum::IntoStaticStr,
        strum::EnumString
    ),
    cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary)),
    cfg_attr(feature = "schema", derive(schemars::JsonSchema))
)]
pub enum Op {
    // ----- Organizations (ORG) -------------------------------------------------------------
    /// ORG-01: the caller becomes the management account of a new organization named
    /// `organization`, with one root.
    CreateOrganization {
        /// The organization's symbolic name.
        organization: Name,
        /// ALL unless given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        feature_set: Option<FeatureSet>,
    },
    /// ORG-02: the management account adds a standalone account under the root (the
    /// invite-and-accept handshake collapsed into one step `[MODEL]`).
    InviteAccountToOrganization {
        /// The account to add.
        account: Name,
    },
    /// ORG-03.
    CreateOrganizationalUnit {
        /// The OU's name (unique per organization in the model, see docs/rules.md).
        ou: Name,
        /// Where to create it.
        parent: Parent,
    },
    /// ORG-04.
    DeleteOrganizationalUnit {
        /// The OU to delete.
        ou: Name,
    },
    /// ORG-05.
    MoveAccount {
        /// The member account to move.
        account: Name,
        /// Its current parent.
        source: Parent,
        /// Its new parent.
        destination: Parent,
    },
    /// ORG-06, by the management account.
    RemoveAccountFromOrganization {
        /// The member to remove.
        account: Name,
    },
    /// ORG-06, by the member itself.
    LeaveOrganization,
    /// ORG-07.
    DeleteOrganization,
    /// ORG-09.
    EnableAWSServiceAccess {
        /// The service principal.
        service: Service,
    },
    /// ORG-09.
    DisableAWSServiceAccess {
        /// The service principal.
        service: Service,
    },
    /// ORG-10.
    RegisterDelegatedAdministrator {
        /// The member account.
        account: Name,
        /// The service.
        service: Service,
    },
    /// ORG-12.
    DeregisterDelegatedAdministrator {
        /// The member account.
        account: Name,
        /// The service.
        service: Service,
    },

    // ----- IAM -----------------------------------------------------------------------------
    /// IAM-01: creates a role in the caller's account.
    CreateRole {
        /// The role's name.
        role: Name,
    },
    /// Deletes a role of the caller's account.
    DeleteRole {
        /// The role's name.
        role: Name,
    },
    /// IAM-01: creates a user in the caller's account.
    CreateUser {
        /// The user's name.
        user: Name,
    },
    /// Deletes a user of the caller's account.
    DeleteUser {
        /// The user's name.
        user: Name,
    },
    /// IAM-01: creates a group in the caller's account.
    CreateGroup {
        /// The group's name.
        group: Name,
    },
    /// Deletes a group of the caller's account.
    DeleteGroup {
        /// The group's name.
        group: Name,
    },
    /// Adds a user to a group of the same account.
    AddUserToGroup {
        /// The user.
        user: Name,
        /// The group.
        group: Name,
    },
    /// Removes a user from a group.
    RemoveUserFromGroup {
        /// The user.
        user: Name,
        /// The group.
        group: Name,
    },

    // ----- KMS -----------------------------------------------------------------------------
    /// KMS-01: a key owned by the caller in the call's Region.
    CreateKey {
        /// The key's name (its alias).
        key: Name,
    },
    /// KMS-02, KMS-07: replaces the key policy's cross-account grants.
    PutKeyPolicy {
        /// The key.
        key: Name,
        /// The key's owning account, as written in a key ARN (KMS-04); the caller's own when
        /// absent. Key administration is owner-only (KMS-03), so another account is refused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<Name>,
        /// Who may use it besides the owner.
        grantees: Vec<KeyGrantee>,
    },
    /// KMS-05.
    DisableKey {
        /// The key.
        key: Name,
        /// The key's owning account, as written in a key ARN (KMS-04); the caller's own when
        /// absent. Key administration is owner-only (KMS-03), so another account is refused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<Name>,
    },
    /// KMS-05.
    EnableKey {
        /// The key.
        key: Name,
        /// The key's owning account, as written in a key ARN (KMS-04); the caller's own when
        /// absent. Key administration is owner-only (KMS-03), so another account is refused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<Name>,
    },
    /// KMS-06.
    ScheduleKeyDeletion {
        /// The key.
        key: Name,
        /// The key's owning account, as written in a key ARN (KMS-04); the caller's own when
        /// absent. Key administration is owner-only (KMS-03), so another account is refused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<Name>,
        /// 7 to 30 days; 30 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pending_window_in_days: Option<u32>,
    },
    /// KMS-06: back to Disabled.
    CancelKeyDeletion {
        /// The key.
        key: Name,
        /// The key's owning account, as written in a key ARN (KMS-04); the caller's own when
        /// absent. Key administration is owner-only (KMS-03), so another account is refused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<Name>,
    },

    // ----- Service Catalog (SC) ------------------------------------------------------------
    /// SC-42.
    CreatePortfolio {
        /// The portfolio's symbolic name; also its DisplayName unless `display_name` is given.
        portfolio: Name,
        /// DisplayName, 1 to 100 characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        display_name: Option<String>,
        /// ProviderName, 1 to 50 characters.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_name: Option<String>,
    },
    /// SC-43.
    DeletePortfolio {
        /// The portfolio.
        portfolio: Name,
    },
    /// SC-44.
    UpdatePortfolio {
        /// The portfolio.
        portfolio: Name,
        /// The new DisplayName.
        display_name: String,
    },
    /// SC-45: a product and its first provisioning artifact.
    CreateProduct {
        /// The product's symbolic name (also its Name).
        product: Name,
        /// The first provisioning artifact's name.
        version: Name,
    },
    /// SC-46.
    DeleteProduct {
        /// The product.
        product: Name,
    },
    /// SC-49, SC-50.
    CreateProvisioningArtifact {
        /// The product.
        product: Name,
        /// The new artifact's name.
        version: Name,
    },
    /// SC-50.
    DeleteProvisioningArtifact {
        /// The product.
        product: Name,
        /// The artifact.
        version: Name,
    },
    /// SC-47. `product` and `source_portfolio` may belong to another account (an import).
    AssociateProductWithPortfolio {
        /// The product.
        product: Name,
        /// The caller's local portfolio.
        portfolio: Name,
        /// The imported portfolio the product comes from, for a product of another account.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_portfolio: Option<Name>,
    },
    /// SC-48.
    DisassociateProductFromPortfolio {
        /// The product.
        product: Name,
        /// The portfolio.
        portfolio: Name,
    },
    /// SC-53.
    CreateConstraint {
        /// The constraint's symbolic name.
        constraint: Name,
        /// The portfolio.
        portfolio: Name,
        /// The product.
        product: Name,
        /// Type and parameters.
        parameters: ConstraintParameters,
    },
    /// SC-56.
    UpdateConstraint {
        /// The constraint.
        constraint: Name,
        /// A new description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// New parameters (same type).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parameters: Option<ConstraintParameters>,
    },
    /// SC-56.
    DeleteConstraint {
        /// The constraint.
        constraint: Name,
    },
    /// SC-40.
    AssociatePrincipalWithPortfolio {
        /// The portfolio (local or imported).
        portfolio: Name,
        /// The principal.
        principal: PortfolioPrincipal,
    },
    /// SC-41.
    DisassociatePrincipalFromPortfolio {
        /// The portfolio.
        portfolio: Name,
        /// The principal, with the same type as its association.
        principal: PortfolioPrincipal,
    },
    /// SC-20.
    CreatePortfolioShare {
        /// The portfolio.
        portfolio: Name,
        /// The recipient.
        target: ShareTarget,
        /// Share TagOptions (SC-38).
        #[serde(default, skip_serializing_if = "is_false")]
        share_tag_options: bool,
        /// Share IAM_PATTERN principals (SC-39).
        #[serde(default, skip_serializing_if = "is_false")]
        share_principals: bool,
    },
    /// SC-26.
    UpdatePortfolioShare {
        /// The portfolio.
        portfolio: Name,
        /// The recipient.
        target: ShareTarget,
        /// New ShareTagOptions; unchanged when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        share_tag_options: Option<bool>,
        /// New SharePrincipals; unchanged when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        share_principals: Option<bool>,
    },
    /// SC-25.
    DeletePortfolioShare {
        /// The portfolio.
        portfolio: Name,
        /// The recipient.
        target: ShareTarget,
    },
    /// SC-23.
    AcceptPortfolioShare {
        /// The portfolio (owned by another account).
        portfolio: Name,
        /// IMPORTED unless given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        share_type: Option<PortfolioShareType>,
    },
    /// SC-24.
    RejectPortfolioShare {
        /// The portfolio.
        portfolio: Name,
        /// IMPORTED unless given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        share_type: Option<PortfolioShareType>,
    },
    /// SC-31.
    EnableAWSOrganizationsAccess,
    /// SC-32.
    DisableAWSOrganizationsAccess,
    /// SC-31: ENABLED, UNDER_CHANGE or DISABLED.
    GetAWSOrganizationsAccessStatus,
    /// SC-19: the caller's local portfolios.
    ListPortfolios,
    /// SC-29.
    ListAcceptedPortfolioShares {
        /// IMPORTED unless given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        share_type: Option<PortfolioShareType>,
    },
    /// SC-27.
    DescribePortfolioShares {
        /// The portfolio.
        portfolio: Name,
        /// The share type.
        share_type: DescribeShareType,
    },
    /// SC-30.
    ListPortfolioAccess {
        /// The portfolio.
        portfolio: Name,
    },
    /// SC-57.
    ListConstraintsForPortfolio {
        /// The portfolio.
        portfolio: Name,
        /// Restrict to one product.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        product: Option<Name>,
    },
    /// SC-40: the principals associated with a portfolio.
    ListPrincipalsForPortfolio {
        /// The portfolio.
        portfolio: Name,
    },
    /// SC-58: an end user's launch paths for a product.
    ListLaunchPaths {
        /// The product.
        product: Name,
    },
    /// SC-62: the products an end user can launch.
    SearchProducts,
    /// SC-62: the products of a visible portfolio, or all the caller's products.
    SearchProductsAsAdmin {
        /// Restrict to one portfolio.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        portfolio: Option<Name>,
    },
    /// SC-59.
    ProvisionProduct {
        /// The provisioned product's name, unique per account.
        provisioned_product: Name,
        /// The product.
        product: Name,
        /// The provisioning artifact.
        version: Name,
        /// The launch path, named by its portfolio; required when there are several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        path: Option<Name>,
    },
    /// SC-61.
    TerminateProvisionedProduct {
        /// The provisioned product.
        provisioned_product: Name,
    },

    // ----- RAM -----------------------------------------------------------------------------
    /// RAM-25.
    EnableSharingWithAwsOrganization,
    /// RAM-03.
    CreateResourceShare {
        /// The share's symbolic name (also its name).
        share: Name,
        /// Resources to share.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        resources: Vec<RamResource>,
        /// Principals to share with.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        principals: Vec<RamPrincipal>,
        /// `allowExternalPrincipals`; true when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        allow_external_principals: Option<bool>,
        /// `retainSharingOnAccountLeaveOrganization`; false when absent.
        #[serde(default, skip_serializing_if = "is_false")]
        retain_sharing_on_account_leave_organization: bool,
    },
    /// RAM-20.
    UpdateResourceShare {
        /// The share.
        share: Name,
        /// New `allowExternalPrincipals`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        allow_external_principals: Option<bool>,
    },
    /// RAM-19.
    DeleteResourceShare {
        /// The share.
        share: Name,
    },
    /// RAM-16.
    AssociateResourceShare {
        /// The share.
        share: Name,
        /// Resources to add.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        resources: Vec<RamResource>,
        /// Principals to add.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        principals: Vec<RamPrincipal>,
    },
    /// RAM-17, RAM-18, IB-15.
    DisassociateResourceShare {
        /// The share (owned by the caller, or, to leave, shared with it).
        share: Name,
        /// Resources to remove.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        resources: Vec<RamResource>,
        /// Principals to remove.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        principals: Vec<RamPrincipal>,
    },
    /// RAM-14: invitations received by the caller.
    GetResourceShareInvitations,
    /// RAM-11: accepts the caller's invitation to `share`.
    AcceptResourceShareInvitation {
        /// The share the invitation is for.
        share: Name,
    },
    /// RAM-12.
    RejectResourceShareInvitation {
        /// The share the invitation is for.
        share: Name,
    },
    /// RAM-31: promotes the share RAM created from the resource's policy.
    PromoteResourceShareCreatedFromPolicy {
        /// The resource whose policy created the share.
        resource: RamResource,
    },
    /// RAM-27.
    GetResourceShares {
        /// SELF or OTHER-ACCOUNTS.
        resource_owner: ResourceOwner,
    },
    /// RAM-28.
    ListResources {
        /// SELF or OTHER-ACCOUNTS.
        resource_owner: ResourceOwner,
    },
    /// RAM-28: the owner's associations.
    GetResourceShareAssociations {
        /// PRINCIPAL or RESOURCE.
        association_type: AssociationType,
    },
    /// RAM-13: advances the logical clock (invitation expiry). Not an AWS call `[MODEL]`.
    AdvanceTime {
        /// Hours to advance.
        hours: u32,
    },

    // ----- EC2 Image Builder (IB) ----------------------------------------------------------
    /// IB-26, IB-30: a new build version of a component.
    CreateComponent {
        /// The component's name.
        component: Name,
        /// `<major>.<minor>.<patch>`.
        version: String,
        /// The KMS key encrypting the document.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kms_key: Option<KeyRef>,
    },
    /// IB-27.
    CreateImageRecipe {
        /// The recipe's name.
        recipe: Name,
        /// `<major>.<minor>.<patch>`.
        version: String,
        /// Components, own or shared; wildcards allowed.
        components: Vec<IbRef>,
        /// The parent image.
        parent_image: ParentImage,
    },
    /// IB-27, IB-30.
    CreateContainerRecipe {
        /// The recipe's name.
        recipe: Name,
        /// `<major>.<minor>.<patch>`.
        version: String,
        /// Components, own or shared; wildcards allowed.
        components: Vec<IbRef>,
        /// The parent image.
        parent_image: ParentImage,
        /// The KMS key encrypting the Dockerfile template.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kms_key: Option<KeyRef>,
    },
    /// IB-21: builds an image (named after its recipe) from an own or shared recipe.
    CreateImage {
        /// The recipe.
        recipe: RecipeRef,
    },
    /// IB-16, IB-17.
    DeleteComponent {
        /// The component build version.
        component: IbRef,
    },
    /// IB-16, IB-17, IB-18.
    DeleteImage {
        /// The image build version.
        image: IbRef,
    },
    /// IB-16, IB-17.
    DeleteImageRecipe {
        /// The recipe version.
        recipe: IbRef,
    },
    /// IB-16, IB-17.
    DeleteContainerRecipe {
        /// The recipe version.
        recipe: IbRef,
    },
    /// IB-09 to IB-11.
    PutComponentPolicy {
        /// The component build version.
        component: IbRef,
        /// The policy.
        policy: ResourcePolicy,
    },
    /// IB-09 to IB-11.
    PutImagePolicy {
        /// The image build version.
        image: IbRef,
        /// The policy.
        policy: ResourcePolicy,
    },
    /// IB-09 to IB-11.
    PutImageRecipePolicy {
        /// The recipe version.
        recipe: IbRef,
        /// The policy.
        policy: ResourcePolicy,
    },
    /// IB-09 to IB-11.
    PutContainerRecipePolicy {
        /// The recipe version.
        recipe: IbRef,
        /// The policy.
        policy: ResourcePolicy,
    },
    /// IB-29.
    GetComponentPolicy {
        /// The component build version.
        component: IbRef,
    },
    /// IB-29.
    GetImagePolicy {
        /// The image build version.
        image: IbRef,
    },
    /// IB-29.
    GetImageRecipePolicy {
        /// The recipe version.
        recipe: IbRef,
    },
    /// IB-29.
    GetContainerRecipePolicy {
        /// The recipe version.
        recipe: IbRef,
    },
    /// IB-23: shows the owner.
    GetComponent {
        /// The component build version.
        component: IbRef,
    },
    /// IB-23.
    GetImage {
        /// The image build version.
        image: IbRef,
    },
    /// IB-23.
    GetImageRecipe {
        /// The recipe version.
        recipe: IbRef,
    },
    /// IB-23.
    GetContainerRecipe {
        /// The recipe version.
        recipe: IbRef,
    },
    /// IB-23.
    ListComponents {
        /// Self (default) or Shared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<IbOwner>,
    },
    /// IB-23.
    ListImages {
        /// Self (default) or Shared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<IbOwner>,
    },
    /// IB-23.
    ListImageRecipes {
        /// Self (default) or Shared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<IbOwner>,
    },
    /// IB-23.
    ListContainerRecipes {
        /// Self (default) or Shared.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        owner: Option<IbOwner>,
    },
}

/// The service an operation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum ServiceKind {
    /// AWS Organizations.
    Organizations,
    /// IAM.
    Iam,
    /// KMS.
    Kms,
    /// Service Catalog.
    ServiceCatalog,
    /// RAM (and the logical clock).
    Ram,
    /// EC2 Image Builder.
    ImageBuilder,
}

impl Op {
    /// The operation's kind (its AWS name without parameters).
    pub fn kind(&self) -> OpKind {
        OpKind::from(self)
    }
}

impl OpKind {
    /// Every kind, in declaration order.
    pub fn all() -> impl Iterator<Item = OpKind> {
        <OpKind as strum::IntoEnumIterator>::iter()
    }

    /// The AWS operation name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Whether the call only reads (never changes the world). Read-only calls are what the
    /// invariant checker and the shrinker may drop without changing later outcomes.
    pub fn is_read_only(self) -> bool {
        use OpKind::*;
        matches!(
            self,
            GetAWSOrganizationsAccessStatus
                | ListPortfolios
                | ListAcceptedPortfolioShares
                | DescribePortfolioShares
                | ListPortfolioAccess
                | ListConstraintsForPortfolio
                | ListPrincipalsForPortfolio
                | ListLaunchPaths
                | SearchProducts
                | SearchProductsAsAdmin
                | GetResourceShareInvitations
                | GetResourceShares
                | ListResources
                | GetResourceShareAssociations
                | GetComponentPolicy
                | GetImagePolicy
                | GetImageRecipePolicy
                | GetContainerRecipePolicy
                | GetComponent
                | GetImage
                | GetImageRecipe
                | GetContainerRecipe
                | ListComponents
                | ListImages
                | ListImageRecipes
                | ListContainerRecipes
        )
    }

    /// The service the operation belongs to.
    pub fn service(self) -> ServiceKind {
        use OpKind::*;
        match self {
            CreateOrganization
            | InviteAccountToOrganization
            | CreateOrganizationalUnit
            | DeleteOrganizationalUnit
            | MoveAccount
            | RemoveAccountFromOrganization
            | LeaveOrganization
            | DeleteOrganization
            | EnableAWSServiceAccess
            | DisableAWSServiceAccess
            | RegisterDelegatedAdministrator
            | DeregisterDelegatedAdministrator => ServiceKind::Organizations,
            CreateRole | DeleteRole | CreateUser | DeleteUser | CreateGroup | DeleteGroup
            | AddUserToGroup | RemoveUserFromGroup => ServiceKind::Iam,
            CreateKey | PutKeyPolicy | DisableKey | EnableKey | ScheduleKeyDeletion
            | CancelKeyDeletion => ServiceKind::Kms,
            CreatePortfolio
            | DeletePortfolio
            | UpdatePortfolio
            | CreateProduct
            | DeleteProduct
            | CreateProvisioningArtifact
            | DeleteProvisioningArtifact
            | AssociateProductWithPortfolio
            | DisassociateProductFromPortfolio
            | CreateConstraint
            | UpdateConstraint
            | DeleteConstraint
            | AssociatePrincipalWithPortfolio
            | DisassociatePrincipalFromPortfolio
            | CreatePortfolioShare
            | UpdatePortfolioShare
            | DeletePortfolioShare
            | AcceptPortfolioShare
            | RejectPortfolioShare
            | EnableAWSOrganizationsAccess
            | DisableAWSOrganizationsAccess
            | GetAWSOrganizationsAccessStatus
            | ListPortfolios
            | ListAcceptedPortfolioShares
            | DescribePortfolioShares
            | ListPortfolioAccess
            | ListConstraintsForPortfolio
            | ListPrincipalsForPortfolio
            | ListLaunchPaths
            | SearchProducts
            | SearchProductsAsAdmin
            | ProvisionProduct
            | TerminateProvisionedProduct => ServiceKind::ServiceCatalog,
            EnableSharingWithAwsOrganization
            | CreateResourceShare
            | UpdateResourceShare
            | DeleteResourceShare
            | AssociateResourceShare
            | DisassociateResourceShare
            | GetResourceShareInvitations
            | AcceptResourceShareInvitation
            | RejectResourceShareInvitation
            | PromoteResourceShareCreatedFromPolicy
            | GetResourceShares
            | ListResources
            | GetResourceShareAssociations
            | AdvanceTime => ServiceKind::Ram,
            CreateComponent
            | CreateImageRecipe
            | CreateContainerRecipe
            | CreateImage
            | DeleteComponent
            | DeleteImage
            | DeleteImageRecipe
            | DeleteContainerRecipe
            | PutComponentPolicy
            | PutImagePolicy
            | PutImageRecipePolicy
            | PutContainerRecipePolicy
            | GetComponentPolicy
            | GetImagePolicy
            | GetImageRecipePolicy
            | GetContainerRecipePolicy
            | GetComponent
            | GetImage
            | GetImageRecipe
            | GetContainerRecipe
            | ListComponents
            | ListImages
            | ListImageRecipes
            | ListContainerRecipes => ServiceKind::ImageBuilder,
        }
    }
}
