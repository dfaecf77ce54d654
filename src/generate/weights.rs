//! Per-kind weights and swarm groups, as exhaustive matches over [`OpKind`]: adding an operation
//! does not compile until it has a weight and a group here.
//!
//! Weights favour the calls that build sharing graphs (creations, shares, accepts, associations)
//! over reads, which the observation after every step already covers; deletions and
//! organization changes are frequent enough to cut through those graphs regularly.

use sharesim_core::OpKind;

/// A group of operations that a swarm profile switches on or off together.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, strum::EnumIter, strum::IntoStaticStr,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Group {
    /// Organizations: creation, invitations, OUs, moves, service access, delegation.
    Org,
    /// Organizations: removals, leaving, deletion, revocations.
    OrgShrink,
    /// IAM creations.
    Iam,
    /// KMS keys and their policies.
    Kms,
    /// Service Catalog portfolios.
    ScPortfolio,
    /// Service Catalog products, versions and product associations.
    ScProduct,
    /// Service Catalog constraints.
    ScConstraint,
    /// Service Catalog principal associations.
    ScPrincipal,
    /// Service Catalog shares, accepts, rejects and Organizations access.
    ScShare,
    /// Service Catalog provisioning.
    ScProvision,
    /// Service Catalog reads.
    ScRead,
    /// Deletions of Service Catalog and IAM entities.
    Deletions,
    /// RAM shares and their associations.
    RamShare,
    /// RAM invitations.
    RamInvite,
    /// RAM reads.
    RamRead,
    /// Image Builder creations.
    IbCreate,
    /// Image Builder deletions.
    IbDelete,
    /// Image Builder resource policies.
    IbPolicy,
    /// Image Builder reads.
    IbRead,
    /// The logical clock.
    Clock,
}

impl Group {
    /// The group's bit in a swarm mask.
    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// Every group's bit.
    pub fn mask() -> u32 {
        <Group as strum::IntoEnumIterator>::iter().fold(0, |m, g| m | g.bit())
    }

    /// The group's kebab-case name.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// The swarm group of a kind.
pub fn group(kind: OpKind) -> Group {
    use OpKind::*;
    match kind {
        CreateOrganization
        | InviteAccountToOrganization
        | CreateOrganizationalUnit
        | MoveAccount
        | EnableAWSServiceAccess
        | RegisterDelegatedAdministrator => Group::Org,
        DeleteOrganizationalUnit
        | RemoveAccountFromOrganization
        | LeaveOrganization
        | DeleteOrganization
        | DisableAWSServiceAccess
        | DeregisterDelegatedAdministrator => Group::OrgShrink,
        CreateRole | CreateUser | CreateGroup | AddUserToGroup => Group::Iam,
        DeleteRole | DeleteUser | DeleteGroup | RemoveUserFromGroup => Group::Deletions,
        CreateKey | PutKeyPolicy | DisableKey | EnableKey | ScheduleKeyDeletion
        | CancelKeyDeletion => Group::Kms,
        CreatePortfolio | UpdatePortfolio => Group::ScPortfolio,
        CreateProduct | CreateProvisioningArtifact | AssociateProductWithPortfolio => {
            Group::ScProduct
        }
        DeletePortfolio
        | DeleteProduct
        | DeleteProvisioningArtifact
        | DisassociateProductFromPortfolio => Group::Deletions,
        CreateConstraint | UpdateConstraint | DeleteConstraint => Group::ScConstraint,
        AssociatePrincipalWithPortfolio | DisassociatePrincipalFromPortfolio => Group::ScPrincipal,
        CreatePortfolioShare
        | UpdatePortfolioShare
        | DeletePortfolioShare
        | AcceptPortfolioShare
        | RejectPortfolioShare
        | EnableAWSOrganizationsAccess
        | DisableAWSOrganizationsAccess => Group::ScShare,
        ProvisionProduct | TerminateProvisionedProduct => Group::ScProvision,
        GetAWSOrganizationsAccessStatus
        | ListPortfolios
        | ListAcceptedPortfolioShares
        | DescribePortfolioShares
        | ListPortfolioAccess
        | ListConstraintsForPortfolio
        | ListPrincipalsForPortfolio
        | ListLaunchPaths
        | SearchProducts
        | SearchProductsAsAdmin => Group::ScRead,
        EnableSharingWithAwsOrganization
        | CreateResourceShare
        | UpdateResourceShare
        | DeleteResourceShare
        | AssociateResourceShare
        | DisassociateResourceShare
        | PromoteResourceShareCreatedFromPolicy => Group::RamShare,
        AcceptResourceShareInvitation | RejectResourceShareInvitation => Group::RamInvite,
        GetResourceShareInvitations
        | GetResourceShares
        | ListResources
        | GetResourceShareAssociations => Group::RamRead,
        AdvanceTime => Group::Clock,
        CreateComponent | CreateImageRecipe | CreateContainerRecipe | CreateImage => {
            Group::IbCreate
        }
        DeleteComponent | DeleteImage | DeleteImageRecipe | DeleteContainerRecipe => {
            Group::IbDelete
        }
        PutComponentPolicy | PutImagePolicy | PutImageRecipePolicy | PutContainerRecipePolicy => {
            Group::IbPolicy
        }
        GetComponentPolicy
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
        | ListContainerRecipes => Group::IbRead,
    }
}

/// The relative weight of a kind when it is switched on.
pub fn weight(kind: OpKind) -> u32 {
    use OpKind::*;
    match kind {
        // Organizations: a tree is needed for node shares; changes to it are where RAM-24,
        // RAM-26 and SC org-share propagation live.
        CreateOrganization => 3,
        InviteAccountToOrganization => 6,
        CreateOrganizationalUnit => 3,
        MoveAccount => 3,
        EnableAWSServiceAccess => 3,
        RegisterDelegatedAdministrator => 2,
        DeleteOrganizationalUnit => 1,
        RemoveAccountFromOrganization => 2,
        LeaveOrganization => 1,
        DeleteOrganization => 1,
        DisableAWSServiceAccess => 1,
        DeregisterDelegatedAdministrator => 1,
        // IAM: end users and launch roles.
        CreateRole => 5,
        CreateUser => 5,
        CreateGroup => 2,
        AddUserToGroup => 2,
        DeleteRole => 1,
        DeleteUser => 1,
        DeleteGroup => 1,
        RemoveUserFromGroup => 1,
        // KMS: keys encrypt components and container recipes (KMS-08).
        CreateKey => 3,
        PutKeyPolicy => 3,
        DisableKey => 1,
        EnableKey => 1,
        ScheduleKeyDeletion => 1,
        CancelKeyDeletion => 1,
        // Service Catalog.
        CreatePortfolio => 8,
        UpdatePortfolio => 1,
        CreateProduct => 7,
        CreateProvisioningArtifact => 3,
        AssociateProductWithPortfolio => 9,
        DeletePortfolio => 2,
        DeleteProduct => 2,
        DeleteProvisioningArtifact => 1,
        DisassociateProductFromPortfolio => 2,
        CreateConstraint => 6,
        UpdateConstraint => 2,
        DeleteConstraint => 2,
        AssociatePrincipalWithPortfolio => 7,
        DisassociatePrincipalFromPortfolio => 2,
        CreatePortfolioShare => 9,
        UpdatePortfolioShare => 2,
        DeletePortfolioShare => 3,
        AcceptPortfolioShare => 9,
        RejectPortfolioShare => 2,
        EnableAWSOrganizationsAccess => 3,
        DisableAWSOrganizationsAccess => 1,
        ProvisionProduct => 7,
        TerminateProvisionedProduct => 2,
        GetAWSOrganizationsAccessStatus
        | ListPortfolios
        | ListAcceptedPortfolioShares
        | DescribePortfolioShares
        | ListPortfolioAccess
        | ListConstraintsForPortfolio
        | ListPrincipalsForPortfolio
        | ListLaunchPaths
        | SearchProducts
        | SearchProductsAsAdmin => 1,
        // RAM.
        EnableSharingWithAwsOrganization => 3,
        CreateResourceShare => 8,
        UpdateResourceShare => 2,
        DeleteResourceShare => 2,
        AssociateResourceShare => 6,
        DisassociateResourceShare => 3,
        PromoteResourceShareCreatedFromPolicy => 2,
        AcceptResourceShareInvitation => 7,
        RejectResourceShareInvitation => 2,
        GetResourceShareInvitations
        | GetResourceShares
        | ListResources
        | GetResourceShareAssociations => 1,
        AdvanceTime => 1,
        // Image Builder.
        CreateComponent => 7,
        CreateImageRecipe => 6,
        CreateContainerRecipe => 3,
        CreateImage => 5,
        DeleteComponent => 2,
        DeleteImage => 2,
        DeleteImageRecipe => 2,
        DeleteContainerRecipe => 1,
        PutComponentPolicy | PutImagePolicy | PutImageRecipePolicy | PutContainerRecipePolicy => 2,
        GetComponentPolicy
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
        | ListContainerRecipes => 1,
    }
}
