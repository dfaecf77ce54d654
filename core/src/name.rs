//! Symbolic names and Regions.
//!
//! Scenarios, generated sequences and the conformance protocol never write an id or an ARN: they
//! name things ("hub", "base", "vpc") and the world binds each name to a deterministic AWS-shaped
//! id on creation. A name is unique per kind of entity within a scenario.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A symbolic name for an account, organization, OU, IAM principal, portfolio, product,
/// constraint, KMS key, resource share or Image Builder resource.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Name(pub String);

impl Name {
    /// Builds a name from anything string-like.
    pub fn new(s: impl Into<String>) -> Self {
        Name(s.into())
    }

    /// The name as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(s.to_owned())
    }
}

/// Names that arbitrary input draws from: a small pool, so that generated calls collide on the
/// same entities (the interesting case for sharing) instead of naming fresh ones every time.
pub const ARBITRARY_NAME_POOL: &[&str] = &["a", "b", "c", "d", "e", "zz"];

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Name {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Name::from(*u.choose(ARBITRARY_NAME_POOL)?))
    }
}

/// An AWS Region code such as `us-east-1`. Every Service Catalog, RAM, Image Builder and KMS
/// object lives in exactly one Region (RULES.md 1.1, INV-01).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Region(pub String);

impl Region {
    /// Builds a Region from anything string-like.
    pub fn new(s: impl Into<String>) -> Self {
        Region(s.into())
    }

    /// The Region code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Region {
    fn from(s: &str) -> Self {
        Region(s.to_owned())
    }
}

/// Regions that arbitrary input draws from.
pub const ARBITRARY_REGION_POOL: &[&str] = &["us-east-1", "us-west-2"];

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Region {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Region::from(*u.choose(ARBITRARY_REGION_POOL)?))
    }
}
