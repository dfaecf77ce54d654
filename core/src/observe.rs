//! The observation: a canonical, sorted, serialisable view of what each account sees and may do
//! in each Region.
//!
//! Snapshots, the invariant checker and the conformance comparison all read this view and nothing
//! else, so it is the contract between the model and every oracle: an external implementation that
//! can produce it can be checked as strictly as the model itself. Every list is sorted, every map
//! is a `BTreeMap`, and entities are named by their symbolic names (ids and ARNs are included for
//! reference and compared up to renaming).
//!
//! Each account's view, its IAM view, and its service views in each Region are [`Shared`]: the
//! explorer rebuilds after a call only the views the call can change (`World::observe_after`)
//! and shares the others (a whole account when the call changes none of its parts) with the
//! previous observation, so that copying, dropping and comparing the unchanged ones costs a
//! reference count rather than a deep copy (docs/PERFORMANCE.md §2). `Shared` is invisible in
//! the serialised form and the schema.

use crate::name::{Name, Region};
use crate::op::{
    FeatureSet, IbKind, Parent, PortfolioPrincipal, PortfolioShareType, Principal, Service,
    ShareTarget,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A value of an observation that observations may share: a clone is a reference-count
/// increment, and mutable access copies the value first if another observation shares it
/// (`Arc::make_mut`), so it behaves as a plain `T` everywhere. Two `Shared` values are equal
/// when they are the same allocation or hold equal values; it serialises, deserialises, prints
/// (`Debug`) and describes its schema exactly as `T` does.
#[derive(Clone, Default)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    /// A value not shared (yet).
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }

    /// Whether both are the same allocation (then they are equal without looking inside).
    pub fn ptr_eq(a: &Shared<T>, b: &Shared<T>) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> AsRef<T> for Shared<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> std::ops::DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T: Eq> PartialEq for Shared<T> {
    fn eq(&self, other: &Shared<T>) -> bool {
        Shared::ptr_eq(self, other) || *self.0 == *other.0
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: std::fmt::Debug> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Shared<T> {
        Shared::new(value)
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Shared<T>, D::Error> {
        T::deserialize(deserializer).map(Shared::new)
    }
}

/// The schema of a `Shared<T>` is `T`'s, under `T`'s name (the protocol's schema is unchanged).
#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for Shared<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// The whole world as its accounts see it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// The logical clock, in hours since the start (RAM-13).
    pub clock_hours: u64,
    /// Organizations, by name.
    pub organizations: BTreeMap<Name, OrganizationView>,
    /// Accounts, by name.
    // Each account's view is `Shared`, so that an observation rebuilt after a call shares the
    // accounts the call cannot have changed with the one before it (the schema stays as it was).
    pub accounts: BTreeMap<Name, Shared<AccountView>>,
}

/// An organization's tree and its service integrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationView {
    /// `o-…`.
    pub id: String,
    /// The management account.
    pub management: Name,
    /// ALL or CONSOLIDATED_BILLING.
    pub feature_set: FeatureSet,
    /// OUs by name, with their parent.
    pub ous: BTreeMap<Name, Parent>,
    /// Member accounts (the management account included) with their parent.
    pub accounts: BTreeMap<Name, Parent>,
    /// Services with trusted access (ORG-09).
    pub trusted_services: Vec<Service>,
    /// Delegated administrators per service (ORG-10).
    pub delegated_administrators: BTreeMap<Service, Vec<Name>>,
    /// RAM org sharing enabled through EnableSharingWithAwsOrganization (RAM-25).
    pub ram_sharing_enabled: bool,
    /// Service Catalog Organizations access (SC-31, SC-32): ENABLED or DISABLED.
    pub sc_access: String,
}

/// One account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountView {
    /// The 12-digit account id.
    pub id: String,
    /// The organization it belongs to.
    pub organization: Option<Name>,
    /// Its IAM principals.
    pub iam: Shared<IamView>,
    /// What it owns, sees and may do per Region.
    pub regions: BTreeMap<Region, RegionView>,
}

/// An account's IAM principals (IAM-01).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IamView {
    /// User names.
    pub users: Vec<Name>,
    /// Role names.
    pub roles: Vec<Name>,
    /// Groups and their members.
    pub groups: BTreeMap<Name, Vec<Name>>,
}

/// One account in one Region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RegionView {
    /// KMS keys the account owns.
    pub kms_keys: Vec<KeyView>,
    /// Service Catalog.
    pub sc: Shared<ScView>,
    /// RAM.
    pub ram: Shared<RamView>,
    /// Image Builder.
    pub ib: Shared<IbView>,
    /// Quota usage by quota id (`Q-01` ...; Image Builder as `Q-22/<type>`): what the account
    /// owns, never what is shared with it (IB-24, RAM-02).
    pub usage: BTreeMap<String, u64>,
}

/// A KMS key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyView {
    /// The key's name.
    pub name: Name,
    /// The key ARN.
    pub arn: String,
    /// Enabled, Disabled or PendingDeletion (KMS-05, KMS-06).
    pub state: String,
    /// Cross-account grantees of the key policy, rendered (`account:b`, `org:acme`, `ou:dev`).
    pub grantees: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Service Catalog
// ---------------------------------------------------------------------------------------------

/// Service Catalog as one account sees it in one Region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScView {
    /// Local portfolios (owned by the account; ListPortfolios, SC-19).
    pub portfolios: Vec<PortfolioView>,
    /// Imported portfolios (ListAcceptedPortfolioShares, SC-19, SC-22).
    pub imported: Vec<ImportView>,
    /// Portfolios shared with the account and not (yet) accepted.
    pub pending_shares: Vec<PendingShareView>,
    /// Products the account owns, with their versions.
    pub products: Vec<ProductView>,
    /// Launch paths of every end user (IAM user or role) of the account (SC-58, SC-60).
    pub launch_paths: Vec<LaunchPathView>,
    /// Provisioned products owned by the account (SC-59, SC-61).
    pub provisioned_products: Vec<ProvisionedProductView>,
}

/// A product the account owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductView {
    /// Its name.
    pub name: Name,
    /// `prod-…`.
    pub id: String,
    /// Provisioning artifact names, in creation order.
    pub versions: Vec<Name>,
}

/// A product as it appears in a portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PortfolioProductView {
    /// The product.
    pub product: Name,
    /// The account that owns it.
    pub owner: Name,
    /// For an imported product in a local portfolio: the imported portfolio it came from (SC-47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_portfolio: Option<Name>,
    /// Its versions (SC-49: new versions appear everywhere).
    pub versions: Vec<Name>,
}

/// A constraint as it applies in a portfolio.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConstraintView {
    /// The product it applies to.
    pub product: Name,
    /// LAUNCH, NOTIFICATION, RESOURCE_UPDATE, STACKSET or TEMPLATE.
    pub kind: String,
    /// The constraint's name.
    pub name: Name,
    /// The account that created it (`Owner` of ConstraintDetail).
    pub owner: Name,
    /// Whether it is inherited from a source portfolio rather than the portfolio's own (SC-55).
    pub inherited: bool,
    /// Whether it is in effect on the portfolio's launch paths (an own LAUNCH overrides the
    /// inherited one, SC-55).
    pub effective: bool,
    /// A compact rendering of the parameters (`role=arn:…`, `local_role=Name` …).
    pub parameters: String,
}

/// A portfolio share made by the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PortfolioShareView {
    /// The recipient.
    pub target: ShareTarget,
    /// Accepted (always true for node shares, SC-27).
    pub accepted: bool,
    /// ShareTagOptions.
    pub share_tag_options: bool,
    /// SharePrincipals.
    pub share_principals: bool,
}

/// A principal associated with a portfolio.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PrincipalView {
    /// The principal.
    pub principal: PortfolioPrincipal,
    /// The rendered ARN.
    pub arn: String,
}

/// A portfolio the account owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PortfolioView {
    /// Its name.
    pub name: Name,
    /// `port-…`.
    pub id: String,
    /// DisplayName.
    pub display_name: String,
    /// Products, own or imported (with their source).
    pub products: Vec<PortfolioProductView>,
    /// Own and inherited constraints.
    pub constraints: Vec<ConstraintView>,
    /// Associated principals.
    pub principals: Vec<PrincipalView>,
    /// Shares made of it.
    pub shares: Vec<PortfolioShareView>,
}

/// A portfolio imported by the account (a reference to the owner's portfolio, SC-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportView {
    /// The portfolio.
    pub portfolio: Name,
    /// Its owner.
    pub owner: Name,
    /// `port-…`.
    pub id: String,
    /// How it was received (IMPORTED and/or AWS_ORGANIZATIONS).
    pub share_types: Vec<PortfolioShareType>,
    /// The owner's current products and versions (SC-02, SC-06, SC-49).
    pub products: Vec<PortfolioProductView>,
    /// The owner's current constraints (SC-09, SC-57).
    pub constraints: Vec<ConstraintView>,
    /// Principals: the recipient's own, plus the owner's IAM_PATTERN ones when shared (SC-39).
    pub principals: Vec<PrincipalView>,
}

/// A portfolio shared with the account that it has not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PendingShareView {
    /// The portfolio.
    pub portfolio: Name,
    /// Its owner.
    pub owner: Name,
    /// The share type that would accept it.
    pub share_type: PortfolioShareType,
}

/// One launch path of one end user (SC-58, SC-60).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LaunchPathView {
    /// The end user.
    pub principal: Principal,
    /// The product.
    pub product: Name,
    /// The portfolio the path goes through.
    pub portfolio: Name,
    /// The portfolio's owner.
    pub portfolio_owner: Name,
    /// The effective launch role ARN, if any (SC-60).
    pub launch_role: Option<String>,
    /// The account that provisions and pays (SC-12): the launch role's account, or the end
    /// user's own.
    pub paying_account: Name,
    /// Names of the effective constraints on the path.
    pub constraints: Vec<Name>,
}

/// A provisioned product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProvisionedProductView {
    /// Its name.
    pub name: Name,
    /// `pp-…`.
    pub id: String,
    /// The product.
    pub product: Name,
    /// The product's owner.
    pub product_owner: Name,
    /// The artifact launched.
    pub version: Name,
    /// The portfolio of the path it was launched through.
    pub path: Name,
    /// The launch role used, if any.
    pub launch_role: Option<String>,
    /// The account that provisioned the resources and pays (SC-12).
    pub paying_account: Name,
    /// AVAILABLE or ERROR.
    pub status: String,
}

// ---------------------------------------------------------------------------------------------
// RAM
// ---------------------------------------------------------------------------------------------

/// RAM as one account sees it in one Region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RamView {
    /// Shares the account owns (GetResourceShares SELF), every feature set.
    pub shares: Vec<ResourceShareView>,
    /// Shares others share with the account (GetResourceShares OTHER-ACCOUNTS, RAM-27).
    pub received: Vec<ReceivedShareView>,
    /// Invitations received (RAM-14).
    pub invitations: Vec<InvitationView>,
    /// ARNs of resources the account can access through shares (ListResources OTHER-ACCOUNTS,
    /// RAM-28).
    pub accessible_resources: Vec<String>,
    /// The fields above are the account's own view (a caller of the account that is none of
    /// its IAM principals). A share's IAM role or user principal covers that principal only
    /// (RAM-23), so what it grants is shown here: for each role (`role/NAME`) and user
    /// (`user/NAME`) of the account that an ACTIVE share of another account names as a live
    /// principal in this Region, GetResourceShares and ListResources (OTHER-ACCOUNTS) called as
    /// that principal.
    #[serde(default)]
    pub principals: BTreeMap<String, PrincipalRamView>,
}

/// RAM as one IAM principal of an account sees it in one Region (RAM-23, RAM-27, RAM-28).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PrincipalRamView {
    /// GetResourceShares OTHER-ACCOUNTS as the principal.
    pub received: Vec<ReceivedShareView>,
    /// ListResources OTHER-ACCOUNTS as the principal; List*(owner=Shared) as the principal lists
    /// the Image Builder resources among them.
    pub accessible_resources: Vec<String>,
}

/// A share, owner's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResourceShareView {
    /// Its name.
    pub name: Name,
    /// Its ARN.
    pub arn: String,
    /// ACTIVE, DELETED ...
    pub status: String,
    /// STANDARD, CREATED_FROM_POLICY ...
    pub feature_set: String,
    /// `allowExternalPrincipals`.
    pub allow_external_principals: bool,
    /// `retainSharingOnAccountLeaveOrganization`.
    pub retain_sharing_on_account_leave_organization: bool,
    /// Resource associations.
    pub resources: Vec<AssociationView>,
    /// Principal associations.
    pub principals: Vec<AssociationView>,
}

/// An association of a share.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AssociationView {
    /// The associated entity, rendered (`account:b`, `ou:dev`, a resource ARN ...).
    pub entity: String,
    /// ASSOCIATING, ASSOCIATED, FAILED, DISASSOCIATED ...
    pub status: String,
    /// Whether the principal is outside the owner's organization.
    pub external: bool,
}

/// A share from the consumer's side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReceivedShareView {
    /// The share.
    pub name: Name,
    /// Its owner.
    pub owner: Name,
    /// ACTIVE, or PENDING while the invitation is pending (RAM-27).
    pub status: String,
}

/// An invitation received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationView {
    /// The share.
    pub share: Name,
    /// The sender.
    pub sender: Name,
    /// PENDING, ACCEPTED, REJECTED or EXPIRED.
    pub status: String,
}

// ---------------------------------------------------------------------------------------------
// Image Builder
// ---------------------------------------------------------------------------------------------

/// Image Builder as one account sees it in one Region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IbView {
    /// Resources the account owns (List*, owner=Self).
    pub owned: Vec<IbResourceView>,
    /// Resources shared with it and discoverable (List*, owner=Shared, IB-23).
    pub shared: Vec<IbResourceView>,
}

/// An Image Builder resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IbResourceView {
    /// Component, Image, ImageRecipe or ContainerRecipe.
    pub kind: IbKind,
    /// Its name.
    pub name: Name,
    /// `<major>.<minor>.<patch>`.
    pub version: String,
    /// The build number (components and images).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<u32>,
    /// Its ARN.
    pub arn: String,
    /// The owning account (IB-23: Get* shows it).
    pub owner: Name,
    /// The KMS key ARN encrypting it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
    /// ARNs of the resources it references (recipes: components and parent image; images:
    /// recipe), as resolved at creation.
    pub depends_on: Vec<String>,
    /// Accounts named by its resource policy (owner's view only).
    pub policy_principals: Vec<Name>,
    /// Image status (AVAILABLE, FAILED); empty for other kinds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
}
