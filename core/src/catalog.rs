//! The rule catalog of RULES.md as data: every rule id, whether a seed document states it, and
//! its first sentence. Coverage reports and tidy tests read it, so that the harness needs no copy
//! of the catalog's text at run time. Regenerate when RULES.md changes (docs/rules.md says how).

/// One rule of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The id (`SC-20`).
    pub id: &'static str,
    /// Whether a seed document states it (`[SEED]`): such rules must be implemented and reached.
    pub seed: bool,
    /// The first sentence of the rule.
    pub title: &'static str,
}

/// Every rule of RULES.md, in catalog order.
pub const RULES: &[Rule] = &[
    Rule {
        id: "ORG-01",
        seed: false,
        title: "An account belongs to at most one organization; the account that calls CreateOrganization becomes its manag...",
    },
    Rule {
        id: "ORG-02",
        seed: false,
        title: "An organization has exactly one root; every account has exactly one parent (root or OU)",
    },
    Rule {
        id: "ORG-03",
        seed: false,
        title: "CreateOrganizationalUnit",
    },
    Rule {
        id: "ORG-04",
        seed: false,
        title: "DeleteOrganizationalUnit requires the OU to have no accounts and no child OUs",
    },
    Rule {
        id: "ORG-05",
        seed: false,
        title: "MoveAccount(account, source, destination)",
    },
    Rule {
        id: "ORG-06",
        seed: false,
        title: "RemoveAccountFromOrganization (by Mgmt) / LeaveOrganization (by the member)",
    },
    Rule {
        id: "ORG-07",
        seed: false,
        title: "DeleteOrganization",
    },
    Rule {
        id: "ORG-08",
        seed: false,
        title: "Calls that need an organization made by a standalone account fail with AWSOrganizationsNotInUseException",
    },
    Rule {
        id: "ORG-09",
        seed: false,
        title: "Trusted access is per service principal and set only by Mgmt (EnableAWSServiceAccess / DisableAWSServiceAcc...",
    },
    Rule {
        id: "ORG-10",
        seed: false,
        title: "RegisterDelegatedAdministrator(account, servicePrincipal)",
    },
    Rule {
        id: "ORG-11",
        seed: false,
        title: "Node membership (used by SC org shares and RAM org/OU principals): account X is in node N iff N = the organ...",
    },
    Rule {
        id: "ORG-12",
        seed: false,
        title: "DeregisterDelegatedAdministrator",
    },
    Rule {
        id: "IAM-01",
        seed: false,
        title: "IAM principals belong to exactly one account (the ARN's account)",
    },
    Rule {
        id: "IAM-02",
        seed: false,
        title: "IAM_PATTERN matching: pattern arn:<p>:iam:::<type>/<rid-pattern> matches principal arn:<p>:iam::<acct>:<typ...",
    },
    Rule {
        id: "IAM-03",
        seed: false,
        title: "IAM type principal associations require a fully-qualified ARN of an existing principal",
    },
    Rule {
        id: "IAM-04",
        seed: false,
        title: "Cross-account access needs both sides: the resource-side grant (RAM managed permission → generated resource...",
    },
    Rule {
        id: "IAM-05",
        seed: true,
        title: "A role named by SC LocalRoleName is resolved by name in the end user's account at launch time (SC-54, SC-60)",
    },
    Rule {
        id: "KMS-01",
        seed: false,
        title: "A KMS key is regional and owned by one account; aliases are regional and per-account; an alias cannot be cr...",
    },
    Rule {
        id: "KMS-02",
        seed: false,
        title: "A principal in account B can use A's key only if A's key policy allows B (or B's principal) AND B's IAM pol...",
    },
    Rule {
        id: "KMS-03",
        seed: false,
        title: "Only these operations are allowed cross-account: CreateGrant, Decrypt, DeriveSharedSecret, DescribeKey, Enc...",
    },
    Rule {
        id: "KMS-04",
        seed: false,
        title: "Cross-account calls must identify the key by key ARN or alias ARN (a bare key id or alias name resolves in...",
    },
    Rule {
        id: "KMS-05",
        seed: false,
        title: "Key state gates use: not found → NotFoundException; Disabled → DisabledException; PendingDeletion/PendingRe...",
    },
    Rule {
        id: "KMS-06",
        seed: false,
        title: "ScheduleKeyDeletion puts the key in PendingDeletion for a waiting period (default 30, documented range 7–30...",
    },
    Rule {
        id: "KMS-07",
        seed: true,
        title: "The KMS key of an encrypted Image Builder resource must be explicitly shared with the target accounts, orga...",
    },
    Rule {
        id: "KMS-08",
        seed: true,
        title: "Distributing a KMS-encrypted image across accounts in other Regions requires a KMS key (and alias) in each...",
    },
    Rule {
        id: "KMS-09",
        seed: false,
        title: "Grants (CreateGrant) are an additional allow path alongside key policy and IAM; grantee can be a cross-acco...",
    },
    Rule {
        id: "SC-01",
        seed: true,
        title: "Sharing a portfolio lets the SC administrator of another account import it and distribute its products to t...",
    },
    Rule {
        id: "SC-02",
        seed: true,
        title: "An imported portfolio is a reference, not an independent copy: its products and constraints stay in sync wi...",
    },
    Rule {
        id: "SC-03",
        seed: true,
        title: "The RecipientAdmin cannot change the products or constraints of an imported portfolio, but can grant IAM ac...",
    },
    Rule {
        id: "SC-04",
        seed: true,
        title: "The RecipientAdmin distributes products in two ways: (a) associate IAM users, groups, roles with the import...",
    },
    Rule {
        id: "SC-05",
        seed: true,
        title: "Constraints the owner applied to a product in the shared portfolio are also present in any local portfolio...",
    },
    Rule {
        id: "SC-06",
        seed: true,
        title: "Adding/removing products or constraints in the shared portfolio propagates to every imported instance of it",
    },
    Rule {
        id: "SC-07",
        seed: true,
        title: "Removing a product from the shared portfolio removes it from every imported instance and from every local p...",
    },
    Rule {
        id: "SC-08",
        seed: true,
        title: "Provisioned products launched before the removal keep running; the product just cannot be launched again (t...",
    },
    Rule {
        id: "SC-09",
        seed: true,
        title: "A launch constraint on a product in the shared portfolio propagates to all imported instances of the product",
    },
    Rule {
        id: "SC-10",
        seed: true,
        title: "To override the propagated launch constraint, the RecipientAdmin adds the product to a local portfolio and...",
    },
    Rule {
        id: "SC-11",
        seed: true,
        title: "Launch role designation: by role ARN or by local role name",
    },
    Rule {
        id: "SC-12",
        seed: true,
        title: "The account that owns the launch role provisions the resources and pays for them",
    },
    Rule {
        id: "SC-13",
        seed: true,
        title: "Products from an imported (or shared-in) portfolio cannot be re-shared; a portfolio that is itself imported...",
    },
    Rule {
        id: "SC-14",
        seed: true,
        title: "Products and product versions are inherited; the RecipientAdmin can add imported products to local portfoli...",
    },
    Rule {
        id: "SC-15",
        seed: true,
        title: "Launch constraints are inherited, including into local portfolios that received the product; in a local por...",
    },
    Rule {
        id: "SC-16",
        seed: true,
        title: "Template constraints are inherited (also into local portfolios); in a local portfolio the RecipientAdmin ma...",
    },
    Rule {
        id: "SC-17",
        seed: true,
        title: "IAM principals are not inherited; the RecipientAdmin adds users/groups/roles of their own account",
    },
    Rule {
        id: "SC-18",
        seed: true,
        title: "Sharing requires the target account id; after a successful share the recipient admin imports using the port...",
    },
    Rule {
        id: "SC-19",
        seed: true,
        title: "After import the portfolio appears in the recipient's \"Imported portfolios\" list (ListAcceptedPortfolioSh...",
    },
    Rule {
        id: "SC-20",
        seed: false,
        title: "CreatePortfolioShare(PortfolioId, AccountId | OrganizationNode{Type, Value}, ShareTagOptions=false, SharePr...",
    },
    Rule {
        id: "SC-21",
        seed: false,
        title: "Organization-node shares only exist while the sharer is Mgmt or a registered DA; a de-registered DA can no...",
    },
    Rule {
        id: "SC-22",
        seed: false,
        title: "Accounts reached through an organization node do not need to import: the portfolio appears automatically in...",
    },
    Rule {
        id: "SC-23",
        seed: false,
        title: "AcceptPortfolioShare(PortfolioId, PortfolioShareType=IMPORTED)",
    },
    Rule {
        id: "SC-24",
        seed: false,
        title: "RejectPortfolioShare(PortfolioId, PortfolioShareType=IMPORTED)",
    },
    Rule {
        id: "SC-25",
        seed: false,
        title: "DeletePortfolioShare(PortfolioId, AccountId | OrganizationNode)",
    },
    Rule {
        id: "SC-26",
        seed: false,
        title: "UpdatePortfolioShare(PortfolioId, AccountId | OrganizationNode, ShareTagOptions?, SharePrincipals?)",
    },
    Rule {
        id: "SC-27",
        seed: false,
        title: "DescribePortfolioShares(PortfolioId, Type ∈ {ACCOUNT, ORGANIZATION, ORGANIZATIONAL_UNIT, ORGANIZATION_MEMBE...",
    },
    Rule {
        id: "SC-28",
        seed: false,
        title: "DescribePortfolioShareStatus(token) — Mgmt or DA only (else OperationNotSupportedException [MODEL]); unknow...",
    },
    Rule {
        id: "SC-29",
        seed: false,
        title: "ListAcceptedPortfolioShares(PortfolioShareType=IMPORTED) lists portfolios accepted via account-to-account s...",
    },
    Rule {
        id: "SC-30",
        seed: false,
        title: "ListPortfolioAccess(PortfolioId, OrganizationParentId?) returns account ids with access (with a parent filt...",
    },
    Rule {
        id: "SC-31",
        seed: false,
        title: "EnableAWSOrganizationsAccess: Mgmt only (a DA is not authorized); enables trusted access for servicecatalog...",
    },
    Rule {
        id: "SC-32",
        seed: false,
        title: "DisableAWSOrganizationsAccess: Mgmt only; refused while any SC delegated administrator is registered (Inval...",
    },
    Rule {
        id: "SC-33",
        seed: false,
        title: "While access is disabled, accounts removed from the org (or moved) keep the access they had; re-enabling do...",
    },
    Rule {
        id: "SC-34",
        seed: false,
        title: "Delegated administrator: EnableAWSOrganizationsAccess must be called before an account can be registered; a...",
    },
    Rule {
        id: "SC-35",
        seed: false,
        title: "Moving an account in the org changes its SC access: it has access only to portfolios shared with its destin...",
    },
    Rule {
        id: "SC-36",
        seed: false,
        title: "A share to an OU covers all accounts in it and in its child OUs; a share to the organization covers every a...",
    },
    Rule {
        id: "SC-37",
        seed: false,
        title: "Shares and imports are regional: a portfolio can be imported only in the Region where it exists",
    },
    Rule {
        id: "SC-38",
        seed: false,
        title: "TagOptions sharing: with ShareTagOptions=true, TagOptions associated with the portfolio and its products ar...",
    },
    Rule {
        id: "SC-39",
        seed: false,
        title: "Principal name sharing: with SharePrincipals=true (org / OU shares), the portfolio's IAM_PATTERN associatio...",
    },
    Rule {
        id: "SC-40",
        seed: true,
        title: "AssociatePrincipalWithPortfolio(PortfolioId, PrincipalARN, PrincipalType)",
    },
    Rule {
        id: "SC-41",
        seed: false,
        title: "DisassociatePrincipalFromPortfolio requires the same PrincipalType as the association; removing an IAM asso...",
    },
    Rule {
        id: "SC-42",
        seed: false,
        title: "CreatePortfolio(DisplayName, ProviderName, IdempotencyToken, …)",
    },
    Rule {
        id: "SC-43",
        seed: false,
        title: "DeletePortfolio",
    },
    Rule {
        id: "SC-44",
        seed: false,
        title: "UpdatePortfolio is not allowed on a portfolio shared with the caller (InvalidParametersException [MODEL])",
    },
    Rule {
        id: "SC-45",
        seed: false,
        title: "CreateProduct creates a product (and its first provisioning artifact) owned by the caller; products exist i...",
    },
    Rule {
        id: "SC-46",
        seed: false,
        title: "DeleteProduct",
    },
    Rule {
        id: "SC-47",
        seed: true,
        title: "AssociateProductWithPortfolio(ProductId, PortfolioId, SourcePortfolioId?)",
    },
    Rule {
        id: "SC-48",
        seed: false,
        title: "DisassociateProductFromPortfolio(ProductId, PortfolioId)",
    },
    Rule {
        id: "SC-49",
        seed: true,
        title: "A product can be in any number of portfolios; new versions (provisioning artifacts) appear in every portfol...",
    },
    Rule {
        id: "SC-50",
        seed: false,
        title: "CreateProvisioningArtifact / DeleteProvisioningArtifact / UpdateProduct are refused for products shared wit...",
    },
    Rule {
        id: "SC-51",
        seed: false,
        title: "CopyProduct can copy a product to the caller's account (same or other Region) only after the product has be...",
    },
    Rule {
        id: "SC-52",
        seed: false,
        title: "Constraints belong to a (portfolio, product) association, not to a portfolio or a product as a whole; apply...",
    },
    Rule {
        id: "SC-53",
        seed: false,
        title: "CreateConstraint(PortfolioId, ProductId, Type, Parameters, IdempotencyToken)",
    },
    Rule {
        id: "SC-54",
        seed: false,
        title: "LAUNCH with LocalRoleName: the named role must exist in the account creating the constraint (else InvalidPa...",
    },
    Rule {
        id: "SC-55",
        seed: true,
        title: "Inherited vs local constraints in a local portfolio L holding imported product X from source S: effective s...",
    },
    Rule {
        id: "SC-56",
        seed: true,
        title: "UpdateConstraint(Id, Description?, Parameters?) / DeleteConstraint(Id): only the constraint's owner account...",
    },
    Rule {
        id: "SC-57",
        seed: false,
        title: "ListConstraintsForPortfolio(PortfolioId, ProductId?) on an imported portfolio returns the owner's constrain...",
    },
    Rule {
        id: "SC-58",
        seed: false,
        title: "Launch paths",
    },
    Rule {
        id: "SC-59",
        seed: false,
        title: "ProvisionProduct(ProductId|ProductName, ProvisioningArtifactId|Name, PathId|PathName?, ProvisionedProductNa...",
    },
    Rule {
        id: "SC-60",
        seed: true,
        title: "Effective launch role for a path (P, X): if P is local and has own LAUNCH → it; else if P is local holding...",
    },
    Rule {
        id: "SC-61",
        seed: false,
        title: "TerminateProvisionedProduct(name|id, TerminateToken, IgnoreErrors?, RetainPhysicalResources?) works regardl...",
    },
    Rule {
        id: "SC-62",
        seed: false,
        title: "SearchProducts returns the products reachable by the caller through at least one path; SearchProductsAsAdmi...",
    },
    Rule {
        id: "SC-63",
        seed: false,
        title: "DescribeProduct is for end users (fails for admin-only callers; use DescribeProductAsAdmin)",
    },
    Rule {
        id: "RAM-01",
        seed: false,
        title: "RAM is regional: a resource share exists in one Region, may contain only resources of that Region (global r...",
    },
    Rule {
        id: "RAM-02",
        seed: false,
        title: "Sharing does not change the permissions or quotas of the resource inside the owner account",
    },
    Rule {
        id: "RAM-03",
        seed: false,
        title: "CreateResourceShare(name, resourceArns?, principals?, permissionArns?, allowExternalPrincipals=true, tags?,...",
    },
    Rule {
        id: "RAM-04",
        seed: true,
        title: "Only resources owned by the share owner can be shared",
    },
    Rule {
        id: "RAM-05",
        seed: false,
        title: "Principal formats: account id, organization ARN, OU ARN, IAM role/user ARN (only for resource types that su...",
    },
    Rule {
        id: "RAM-06",
        seed: false,
        title: "Organization/OU principals require (a) org sharing enabled via EnableSharingWithAwsOrganization (RAM-25) an...",
    },
    Rule {
        id: "RAM-07",
        seed: false,
        title: "allowExternalPrincipals=false: every principal must be inside the owner's organization",
    },
    Rule {
        id: "RAM-08",
        seed: true,
        title: "Automatic acceptance: when org sharing is enabled and a principal (org, OU, or account) is inside the owner...",
    },
    Rule {
        id: "RAM-09",
        seed: true,
        title: "Invitations: for an account principal outside the org, or any account when org sharing is not enabled (even...",
    },
    Rule {
        id: "RAM-10",
        seed: false,
        title: "The owner account itself may be a principal (or be inside a shared org/OU); then all principals of the owne...",
    },
    Rule {
        id: "RAM-11",
        seed: false,
        title: "AcceptResourceShareInvitation(arn)",
    },
    Rule {
        id: "RAM-12",
        seed: false,
        title: "RejectResourceShareInvitation(arn): PENDING → REJECTED; the receiver gets no access; the PRINCIPAL associat...",
    },
    Rule {
        id: "RAM-13",
        seed: false,
        title: "Expiry: invitations expire after 12 hours for resource types not on the 7-day list (Image Builder types are...",
    },
    Rule {
        id: "RAM-14",
        seed: false,
        title: "GetResourceShareInvitations returns only invitations received by the caller (filters: invitation ARNs, shar...",
    },
    Rule {
        id: "RAM-15",
        seed: false,
        title: "Invitation states are terminal once ACCEPTED, REJECTED or EXPIRED; at most one PENDING invitation per (shar...",
    },
    Rule {
        id: "RAM-16",
        seed: false,
        title: "AssociateResourceShare(shareArn, resourceArns?, principals?)",
    },
    Rule {
        id: "RAM-17",
        seed: false,
        title: "DisassociateResourceShare(shareArn, resourceArns?, principals?)",
    },
    Rule {
        id: "RAM-18",
        seed: false,
        title: "Leaving: allowed only when the consumer account was added as an individual account (not via org/OU with org...",
    },
    Rule {
        id: "RAM-19",
        seed: false,
        title: "DeleteResourceShare",
    },
    Rule {
        id: "RAM-20",
        seed: false,
        title: "UpdateResourceShare(shareArn, name?, allowExternalPrincipals?)",
    },
    Rule {
        id: "RAM-21",
        seed: false,
        title: "Managed permissions: exactly one per resource type in a share",
    },
    Rule {
        id: "RAM-22",
        seed: false,
        title: "clientToken: same token with different parameters → IdempotentParameterMismatchException; same token and pa...",
    },
    Rule {
        id: "RAM-23",
        seed: false,
        title: "Access predicate: a principal of account X may use resource R through share S iff S is ACTIVE; R's RESOURCE...",
    },
    Rule {
        id: "RAM-24",
        seed: false,
        title: "Dynamic org membership: accounts that join the org/OU later are covered; an account that leaves the org los...",
    },
    Rule {
        id: "RAM-25",
        seed: false,
        title: "EnableSharingWithAwsOrganization: Mgmt only (OperationNotPermittedException otherwise), organization must h...",
    },
    Rule {
        id: "RAM-26",
        seed: false,
        title: "Disabling trusted access for RAM removes organization and OU principals from all the owner's shares; those...",
    },
    Rule {
        id: "RAM-27",
        seed: false,
        title: "GetResourceShares(resourceOwner=SELF) lists the caller's shares (any featureSet); OTHER-ACCOUNTS lists shar...",
    },
    Rule {
        id: "RAM-28",
        seed: false,
        title: "ListResources(resourceOwner, …): SELF = resources the caller shares; OTHER-ACCOUNTS = resources the caller...",
    },
    Rule {
        id: "RAM-29",
        seed: false,
        title: "Generated resource policy per principal kind: account → Principal: {\"AWS\": \"arn:aws:iam::<acct>:root\"};...",
    },
    Rule {
        id: "RAM-30",
        seed: false,
        title: "Attaching a resource-based policy through the owning service (e.g",
    },
    Rule {
        id: "RAM-31",
        seed: false,
        title: "PromoteResourceShareCreatedFromPolicy(shareArn)",
    },
    Rule {
        id: "RAM-32",
        seed: false,
        title: "Image Builder types can be shared with any AWS account (inside or outside the org) and with IAM roles/users...",
    },
    Rule {
        id: "IB-01",
        seed: true,
        title: "Shareable Image Builder resources: components, images, image recipes and container recipes (the seed's intr...",
    },
    Rule {
        id: "IB-02",
        seed: true,
        title: "Owners share with consumers: the owning account shares with other accounts; consumers can attach a shared c...",
    },
    Rule {
        id: "IB-03",
        seed: true,
        title: "Allowed targets: specific accounts inside or outside the owner's organization; an OU of its organization; i...",
    },
    Rule {
        id: "IB-04",
        seed: true,
        title: "Only the owning account can share a resource; resources shared with you cannot be shared further (no reshar...",
    },
    Rule {
        id: "IB-05",
        seed: true,
        title: "Sharing with organizations or OUs requires org sharing to be enabled in RAM",
    },
    Rule {
        id: "IB-06",
        seed: true,
        title: "Regional: a shared resource is available only in its own Region; sharing does not replicate it to other Reg...",
    },
    Rule {
        id: "IB-07",
        seed: true,
        title: "Products of a build (AMIs, ECR container images) are not Image Builder resources; they are distributed by d...",
    },
    Rule {
        id: "IB-08",
        seed: true,
        title: "RAM is the sharing mechanism: create (or update) a RAM resource share containing the resource and the consu...",
    },
    Rule {
        id: "IB-09",
        seed: true,
        title: "Put{Component,Image,ImageRecipe,ContainerRecipe}Policy(arn, policy) attaches a resource policy naming princ...",
    },
    Rule {
        id: "IB-10",
        seed: false,
        title: "ARN forms accepted by PutPolicy/GetPolicy: component and image → build-version ARN (…/<M>.<m>.<p>/<build>);...",
    },
    Rule {
        id: "IB-11",
        seed: true,
        title: "A policy may grant only the read actions of the resource's type: component → imagebuilder:GetComponent, ima...",
    },
    Rule {
        id: "IB-12",
        seed: true,
        title: "Before applying the policy the owner must make sure the consumer can access what the resource refers to (fi...",
    },
    Rule {
        id: "IB-13",
        seed: true,
        title: "Until promoted, a resource shared only by policy is usable by ARN by the named principals (Get works) but d...",
    },
    Rule {
        id: "IB-14",
        seed: true,
        title: "Unsharing = removing the resource from the RAM share (DisassociateResourceShare), or deleting the share",
    },
    Rule {
        id: "IB-15",
        seed: true,
        title: "The owner cannot unshare while any consumer depends on the resource; consumers must remove their dependenci...",
    },
    Rule {
        id: "IB-16",
        seed: true,
        title: "The owner cannot delete a component, image, image recipe (or container recipe) while it is still shared (an...",
    },
    Rule {
        id: "IB-17",
        seed: false,
        title: "Within one account, deleting a resource that other resources depend on fails with ResourceDependencyExcepti...",
    },
    Rule {
        id: "IB-18",
        seed: false,
        title: "DeleteImage removes the Image Builder image resource only; AMIs and ECR images made by the build are not de...",
    },
    Rule {
        id: "IB-19",
        seed: true,
        title: "Consumers can read shared resources but cannot modify them in any way (no delete, no policy change, no tag...",
    },
    Rule {
        id: "IB-20",
        seed: true,
        title: "A consumer cannot view or modify resources owned by other consumers, nor owner resources not shared with it...",
    },
    Rule {
        id: "IB-21",
        seed: true,
        title: "Consumers can use shared components and images in their own image recipes, and shared image recipes to crea...",
    },
    Rule {
        id: "IB-22",
        seed: false,
        title: "Creating a recipe/image that references a component, parent image or recipe the caller cannot access (not o...",
    },
    Rule {
        id: "IB-23",
        seed: true,
        title: "Identification: List{Components,Images,ImageRecipes,ContainerRecipes}(owner=Shared) lists resources shared...",
    },
    Rule {
        id: "IB-24",
        seed: true,
        title: "Shared resources count only toward the owner's resource quotas, never the consumers'",
    },
    Rule {
        id: "IB-25",
        seed: true,
        title: "There is no charge for Image Builder itself",
    },
    Rule {
        id: "IB-26",
        seed: false,
        title: "Components and recipes are immutable versioned objects; a change means a new version",
    },
    Rule {
        id: "IB-27",
        seed: false,
        title: "Image recipe: ≥1 BUILD component, ≤20 components (build + test); components referenced by version ARN (wild...",
    },
    Rule {
        id: "IB-28",
        seed: false,
        title: "Wildcard references resolve at build time to the newest version the caller can access (own, Amazon, or shar...",
    },
    Rule {
        id: "IB-29",
        seed: false,
        title: "GetPolicy is owner-only (consumers → ForbiddenException [MODEL]); RAM-generated policies can be read by the...",
    },
    Rule {
        id: "IB-30",
        seed: false,
        title: "Component kmsKeyId encrypts the component document; container recipe kmsKeyId encrypts the Dockerfile templ...",
    },
    Rule {
        id: "IB-31",
        seed: false,
        title: "Permission for sharing via RAM: the share uses the AWS-managed default permission of the type unless anothe...",
    },
    Rule {
        id: "IB-32",
        seed: false,
        title: "ResourceInUseException is declared on Create/Update/Start/Cancel operations for a resource \"currently in u...",
    },
    Rule {
        id: "Q-01",
        seed: false,
        title: "SC portfolios per Region per account",
    },
    Rule {
        id: "Q-02",
        seed: false,
        title: "SC products per Region per account",
    },
    Rule {
        id: "Q-03",
        seed: false,
        title: "SC products per portfolio",
    },
    Rule {
        id: "Q-04",
        seed: false,
        title: "SC users/groups/roles per portfolio",
    },
    Rule {
        id: "Q-05",
        seed: false,
        title: "SC IAM_PATTERN principals per portfolio",
    },
    Rule {
        id: "Q-06",
        seed: false,
        title: "SC shared accounts per portfolio",
    },
    Rule {
        id: "Q-07",
        seed: false,
        title: "SC constraints per product per portfolio",
    },
    Rule {
        id: "Q-08",
        seed: false,
        title: "SC provisioning artifacts per product",
    },
    Rule {
        id: "Q-09",
        seed: false,
        title: "SC TagOptions per resource / values per TagOption",
    },
    Rule {
        id: "Q-10",
        seed: false,
        title: "SC delegated administrators per organization",
    },
    Rule {
        id: "Q-11",
        seed: false,
        title: "RAM resource shares per Region",
    },
    Rule {
        id: "Q-12",
        seed: false,
        title: "RAM resource associations per share / principal associations per share",
    },
    Rule {
        id: "Q-13",
        seed: false,
        title: "RAM resource (principal) associations across all shares in a Region",
    },
    Rule {
        id: "Q-14",
        seed: false,
        title: "RAM resources per Associate/Create call",
    },
    Rule {
        id: "Q-15",
        seed: false,
        title: "RAM pending invitations per sharing account",
    },
    Rule {
        id: "Q-16",
        seed: false,
        title: "RAM invitation lifetime",
    },
    Rule {
        id: "Q-17",
        seed: false,
        title: "RAM customer-managed permissions / per type / versions each",
    },
    Rule {
        id: "Q-18",
        seed: false,
        title: "ORG OUs per organization; OU depth under root; roots",
    },
    Rule {
        id: "Q-19",
        seed: false,
        title: "ORG invitation (handshake) lifetime",
    },
    Rule {
        id: "Q-20",
        seed: false,
        title: "IB components per image recipe",
    },
    Rule {
        id: "Q-21",
        seed: false,
        title: "IB resource policy size",
    },
    Rule {
        id: "Q-22",
        seed: true,
        title: "IB per-account resource quotas (components, recipes, images…)",
    },
    Rule {
        id: "Q-23",
        seed: false,
        title: "IB semver node value",
    },
    Rule {
        id: "Q-24",
        seed: false,
        title: "KMS deletion waiting period",
    },
    Rule {
        id: "A-01",
        seed: false,
        title:
            "Does deleting a portfolio share revoke the recipient's import and its local-portfolio
  copies?",
    },
    Rule {
        id: "A-02",
        seed: false,
        title: "What happens to the recipient's local portfolio itself when the owner deletes the share?",
    },
    Rule {
        id: "A-03",
        seed: false,
        title: "Can a recipient import the same portfolio twice?",
    },
    Rule {
        id: "A-04",
        seed: false,
        title: "What does an end user see when a product is in both an imported and a local portfolio?",
    },
    Rule {
        id: "A-05",
        seed: false,
        title: "Which launch constraint wins?",
    },
    Rule {
        id: "A-06",
        seed: false,
        title: "Template/notification constraints in a local portfolio.",
    },
    Rule {
        id: "A-07",
        seed: false,
        title: "DeleteProduct while associated.",
    },
    Rule {
        id: "A-08",
        seed: false,
        title: "Can Image Builder resources be shared with organizations/OUs outside the owner's org?",
    },
    Rule {
        id: "A-09",
        seed: false,
        title: "Which share types support SharePrincipals?",
    },
    Rule {
        id: "A-10",
        seed: false,
        title: "After RejectPortfolioShare, can the recipient import again?",
    },
    Rule {
        id: "A-11",
        seed: false,
        title: "Can the owner delete a shared portfolio?",
    },
    Rule {
        id: "A-12",
        seed: false,
        title: "How is \"cannot unshare while consumers depend on it\" reported?",
    },
    Rule {
        id: "A-13",
        seed: false,
        title: "Error when the owner deletes a still-shared IB resource.",
    },
    Rule {
        id: "A-14",
        seed: false,
        title: "\"Consumers … automatically consume updates\".",
    },
    Rule {
        id: "A-15",
        seed: false,
        title: "Account moved out of a shared OU (SC).",
    },
    Rule {
        id: "A-16",
        seed: false,
        title: "Removal from the org while SC Orgs access is disabled.",
    },
    Rule {
        id: "A-17",
        seed: false,
        title: "RAM consumer leaves the organization.",
    },
    Rule {
        id: "A-18",
        seed: false,
        title: "Invitation after the share is deleted or the principal removed.",
    },
    Rule {
        id: "A-19",
        seed: false,
        title: "Sharing a resource the owner does not own through RAM.",
    },
    Rule {
        id: "A-20",
        seed: false,
        title: "Re-sharing after REJECTED/EXPIRED.",
    },
    Rule {
        id: "A-21",
        seed: false,
        title: "Consumer uses an encrypted shared component without KMS access.",
    },
    Rule {
        id: "A-22",
        seed: false,
        title: "Put*Policy on a resource already in a STANDARD RAM share.",
    },
    Rule {
        id: "A-23",
        seed: false,
        title: "CreateComponent with an existing (name, version).",
    },
    Rule {
        id: "A-24",
        seed: false,
        title: "Can an empty portfolio be shared?",
    },
    Rule {
        id: "A-25",
        seed: false,
        title: "Recipient's principal associations on an imported portfolio after loss of access.",
    },
    Rule {
        id: "A-26",
        seed: false,
        title: "UpdateResourceShare(allowExternalPrincipals=false) while external principals exist.",
    },
    Rule {
        id: "A-27",
        seed: false,
        title: "Provisioned products after loss of access.",
    },
    Rule {
        id: "A-28",
        seed: false,
        title: "Container recipes.",
    },
    Rule {
        id: "A-29",
        seed: false,
        title: "Sharing with one's own account.",
    },
    Rule {
        id: "A-30",
        seed: false,
        title: "Error precedence when several checks fail.",
    },
    Rule {
        id: "A-31",
        seed: false,
        title: "DisassociateProductFromPortfolio ResourceInUseException.",
    },
    Rule {
        id: "A-32",
        seed: false,
        title:
            "Org-node share to an account that has already imported the same portfolio through an
  account share.",
    },
    Rule {
        id: "A-33",
        seed: false,
        title: "Delegated-admin shares after de-registration.",
    },
    Rule {
        id: "A-34",
        seed: false,
        title: "Image Builder \"not found\" error code.",
    },
    Rule {
        id: "INV-01",
        seed: false,
        title: "Single owner, single Region",
    },
    Rule {
        id: "INV-02",
        seed: false,
        title: "No resharing",
    },
    Rule {
        id: "INV-03",
        seed: false,
        title: "Import ⇒ live share",
    },
    Rule {
        id: "INV-04",
        seed: false,
        title: "Local copies are sourced",
    },
    Rule {
        id: "INV-05",
        seed: false,
        title: "Recipient view = owner state",
    },
    Rule {
        id: "INV-06",
        seed: false,
        title: "Constraint cardinality",
    },
    Rule {
        id: "INV-07",
        seed: false,
        title: "Constraints need associations",
    },
    Rule {
        id: "INV-08",
        seed: false,
        title: "Launch paths are justified",
    },
    Rule {
        id: "INV-09",
        seed: false,
        title: "Deterministic launch role",
    },
    Rule {
        id: "INV-10",
        seed: false,
        title: "Provisioned products persist",
    },
    Rule {
        id: "INV-11",
        seed: false,
        title: "Deletion guards",
    },
    Rule {
        id: "INV-12",
        seed: false,
        title: "Org-node coverage is exact",
    },
    Rule {
        id: "INV-13",
        seed: false,
        title: "RAM access predicate",
    },
    Rule {
        id: "INV-14",
        seed: false,
        title: "Invitation state machine",
    },
    Rule {
        id: "INV-15",
        seed: false,
        title: "Invitations only when required",
    },
    Rule {
        id: "INV-16",
        seed: false,
        title: "External-principal flag respected",
    },
    Rule {
        id: "INV-17",
        seed: false,
        title: "Visibility isolation",
    },
    Rule {
        id: "INV-18",
        seed: false,
        title: "Owner actions never strand consumers",
    },
    Rule {
        id: "INV-19",
        seed: false,
        title: "Encryption access",
    },
    Rule {
        id: "INV-20",
        seed: false,
        title: "Idempotency and quotas",
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
