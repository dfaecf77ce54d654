//! What a successful call returns.
//!
//! Responses are coarse on purpose: a mutation returns the id and ARN it created (or nothing), a
//! read returns the same view types the observation uses, so a scenario can match a response
//! partially and the conformance runner can compare it up to renaming of ids.

use crate::name::Name;
use crate::observe::{
    AssociationView, ConstraintView, IbResourceView, InvitationView, LaunchPathView,
    PortfolioShareView, PrincipalView, ProvisionedProductView, ReceivedShareView,
    ResourceShareView,
};
use serde::{Deserialize, Serialize};

/// The payload of a successful call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Response {
    /// A mutation with nothing to return (or an idempotent no-op).
    Empty,
    /// A new entity: its id and ARN.
    Created {
        /// The AWS-shaped id.
        id: String,
        /// The ARN (empty for entities without one).
        arn: String,
    },
    /// An organization-node portfolio share operation (SC-20, SC-25, SC-26).
    ShareToken {
        /// `share-…`.
        token: String,
        /// COMPLETED or COMPLETED_WITH_ERRORS.
        status: String,
    },
    /// GetAWSOrganizationsAccessStatus.
    AccessStatus {
        /// ENABLED, UNDER_CHANGE or DISABLED.
        status: String,
    },
    /// ListPortfolios, ListAcceptedPortfolioShares.
    Portfolios(Vec<PortfolioSummary>),
    /// DescribePortfolioShares.
    PortfolioShares(Vec<PortfolioShareView>),
    /// ListPortfolioAccess.
    AccountIds(Vec<Name>),
    /// ListConstraintsForPortfolio.
    Constraints(Vec<ConstraintView>),
    /// ListPrincipalsForPortfolio.
    Principals(Vec<PrincipalView>),
    /// ListLaunchPaths.
    LaunchPaths(Vec<LaunchPathView>),
    /// SearchProducts, SearchProductsAsAdmin.
    Products(Vec<ProductSummary>),
    /// ProvisionProduct.
    ProvisionedProduct(ProvisionedProductView),
    /// GetResourceShares(SELF).
    ResourceShares(Vec<ResourceShareView>),
    /// GetResourceShares(OTHER-ACCOUNTS).
    ReceivedShares(Vec<ReceivedShareView>),
    /// GetResourceShareInvitations.
    Invitations(Vec<InvitationView>),
    /// ListResources: resource ARNs.
    Resources(Vec<String>),
    /// GetResourceShareAssociations: (share, association).
    Associations(Vec<(Name, AssociationView)>),
    /// Get{Component,Image,ImageRecipe,ContainerRecipe}.
    IbResource(IbResourceView),
    /// List{Components,Images,ImageRecipes,ContainerRecipes}.
    IbResources(Vec<IbResourceView>),
    /// Get*Policy: the accounts and actions of the policy.
    Policy {
        /// Accounts granted.
        principals: Vec<Name>,
        /// Actions granted.
        actions: Vec<String>,
    },
}

/// A portfolio in a listing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PortfolioSummary {
    /// The portfolio.
    pub name: Name,
    /// Its owner.
    pub owner: Name,
    /// `port-…`.
    pub id: String,
}

/// A product in a search result.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProductSummary {
    /// The product.
    pub name: Name,
    /// Its owner.
    pub owner: Name,
    /// `prod-…`.
    pub id: String,
    /// Exactly one launch path (SC-58); false for admin searches.
    pub has_default_path: bool,
}
