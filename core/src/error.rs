//! Rejections as data: the AWS exception a call ends with and the rule that decided it.
//!
//! A rejected call is an ordinary outcome of the model, not a Rust error: it is serialised into
//! traces, compared in snapshots and across implementations. Every [`ApiError`] names its AWS
//! exception exactly (the names of the botocore models, RULES.md §0.4) and the id of the rule in
//! ../shared/spec/RULES.md that decided it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Every AWS exception name the model can return, grouped by service. The serialised form is the
/// exact AWS name. A tidy test (tests/it/tidy.rs) requires each to answer some scenario step, so
/// names the typed call vocabulary makes unreachable are not listed: RAM's
/// MissingRequiredParameterException (every required member is a field of its `Op` variant) and
/// Image Builder's InvalidParameterCombinationException (mutually exclusive members are one enum,
/// such as `ParentImage`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
)]
pub enum Exception {
    // Any service
    /// A call signed by an account, principal or Region the world does not have `[MODEL]`.
    UnrecognizedClientException,
    /// A call of an operation the model does not implement yet (never returned once every
    /// operation is modelled; a tidy test checks no scenario sees it).
    NotModelledException,
    // Organizations
    /// ORG-01.
    AlreadyInOrganizationException,
    /// ORG-03, ORG-04, ORG-05 and others: generic denial.
    AccessDeniedException,
    /// ORG-03.
    ParentNotFoundException,
    /// ORG-03.
    DuplicateOrganizationalUnitException,
    /// ORG-03, ORG-06, ORG-10, Q-18.
    ConstraintViolationException,
    /// ORG-04.
    OrganizationalUnitNotEmptyException,
    /// ORG-04.
    OrganizationalUnitNotFoundException,
    /// ORG-05, ORG-06, ORG-10.
    AccountNotFoundException,
    /// ORG-05.
    SourceParentNotFoundException,
    /// ORG-05.
    DestinationParentNotFoundException,
    /// ORG-05.
    DuplicateAccountException,
    /// ORG-06.
    MasterCannotLeaveOrganizationException,
    /// ORG-07.
    OrganizationNotEmptyException,
    /// ORG-08.
    AWSOrganizationsNotInUseException,
    /// ORG-10.
    AccountAlreadyRegisteredException,
    /// ORG-12.
    AccountNotRegisteredException,
    /// ORG shape errors.
    InvalidInputException,
    // IAM
    /// IAM: a principal that already exists.
    EntityAlreadyExistsException,
    /// IAM: a principal that does not exist.
    NoSuchEntityException,
    /// IAM: deleting a principal still in use (a group with members).
    DeleteConflictException,
    // KMS
    /// KMS-05.
    NotFoundException,
    /// KMS-05.
    DisabledException,
    /// KMS-05, KMS-06.
    KMSInvalidStateException,
    /// KMS: shape.
    ValidationException,
    /// KMS-01: a key name (its alias) already used in the account and Region.
    AlreadyExistsException,
    // Service Catalog
    /// SC stage 1 and the `[MODEL]` recipient-mutation denials.
    InvalidParametersException,
    /// SC stage 2.
    ResourceNotFoundException,
    /// SC stage 4.
    ResourceInUseException,
    /// SC stage 4.
    InvalidStateException,
    /// SC stage 4.
    DuplicateResourceException,
    /// SC stage 5.
    LimitExceededException,
    /// SC stage 3 for org-only calls.
    OperationNotSupportedException,
    // RAM
    /// RAM stage 1.
    InvalidParameterException,
    /// RAM stage 1.
    MalformedArnException,
    /// RAM stage 2.
    UnknownResourceException,
    /// RAM stage 2 for invitations.
    ResourceShareInvitationArnNotFoundException,
    /// RAM stage 3/4.
    OperationNotPermittedException,
    /// RAM stage 4.
    InvalidStateTransitionException,
    /// RAM-11.
    ResourceShareInvitationAlreadyAcceptedException,
    /// RAM-11.
    ResourceShareInvitationAlreadyRejectedException,
    /// RAM-11.
    ResourceShareInvitationExpiredException,
    /// RAM-31.
    UnmatchedPolicyPermissionException,
    /// RAM-22.
    IdempotentParameterMismatchException,
    /// RAM stage 5.
    ResourceShareLimitExceededException,
    // Image Builder
    /// IB stage 1.
    InvalidParameterValueException,
    /// IB stage 1.
    InvalidVersionNumberException,
    /// IB stage 3.
    ForbiddenException,
    /// IB stage 4 (IB-16, IB-17).
    ResourceDependencyException,
    /// IB stage 4 (IB-26).
    ResourceAlreadyExistsException,
    /// IB-15 on Put*Policy.
    InvalidRequestException,
    /// IB stage 5.
    ServiceQuotaExceededException,
}

impl Exception {
    /// The exact AWS exception name.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Every exception, in declaration order.
    pub fn all() -> impl Iterator<Item = Exception> {
        <Exception as strum::IntoEnumIterator>::iter()
    }
}

impl fmt::Display for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A rule id of RULES.md (`SC-20`, `RAM-08`, `A-03`, `Q-01` ...).
pub type RuleId = &'static str;

/// A rejected call: the AWS exception, the rule that decided it and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// The AWS exception name.
    pub exception: Exception,
    /// The deciding rule id.
    pub rule: RuleId,
    /// A human-readable explanation; not compared across implementations.
    pub message: String,
}

impl ApiError {
    /// Builds a rejection.
    pub fn new(exception: Exception, rule: RuleId, message: impl Into<String>) -> Self {
        ApiError {
            exception,
            rule,
            message: message.into(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]: {}", self.exception, self.rule, self.message)
    }
}

/// Shorthand used by the rule modules: `Err(reject(Exception::X, "SC-20", "why"))`.
pub fn reject(exception: Exception, rule: RuleId, message: impl Into<String>) -> ApiError {
    ApiError::new(exception, rule, message)
}
