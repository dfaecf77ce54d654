//! How error messages print the vocabulary's parameter types.
//!
//! Rejections explain themselves in text a reader of AWS documentation recognises ("no IAM user
//! bob in account spoke", "no IMPORTED share of base"), never in Rust's debug notation
//! (`User("bob")`). The derived `Debug` stays for diagnostics; these `Display` impls are what
//! `ApiError` messages use, and they are part of the snapshot traces.

use crate::op::{Parent, PortfolioShareType, Principal, RamPrincipal, RoleArn};
use std::fmt;

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::User(name) => write!(f, "IAM user {name}"),
            Principal::Role(name) => write!(f, "IAM role {name}"),
        }
    }
}

impl fmt::Display for Parent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Parent::Root => f.write_str("the root"),
            Parent::Ou(name) => write!(f, "OU {name}"),
        }
    }
}

/// The `PortfolioShareType` values as the API spells them.
impl fmt::Display for PortfolioShareType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PortfolioShareType::Imported => "IMPORTED",
            PortfolioShareType::AwsServicecatalog => "AWS_SERVICECATALOG",
            PortfolioShareType::AwsOrganizations => "AWS_ORGANIZATIONS",
        })
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "role {} of account {}", self.role, self.account)
    }
}

impl fmt::Display for RamPrincipal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RamPrincipal::Account(name) => write!(f, "account {name}"),
            RamPrincipal::Organization(name) => write!(f, "organization {name}"),
            RamPrincipal::OrganizationalUnit(name) => write!(f, "organizational unit {name}"),
            RamPrincipal::Role(arn) => write!(f, "IAM {arn}"),
            RamPrincipal::User { account, user } => {
                write!(f, "IAM user {user} of account {account}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::name::Name;
    use crate::op::{Parent, PortfolioShareType, Principal, RamPrincipal, RoleArn};

    #[test]
    fn messages_print_parameters_as_text_not_debug_notation() {
        assert_eq!(
            Principal::User(Name::from("bob")).to_string(),
            "IAM user bob"
        );
        assert_eq!(Parent::Ou(Name::from("dev")).to_string(), "OU dev");
        assert_eq!(Parent::Root.to_string(), "the root");
        assert_eq!(PortfolioShareType::Imported.to_string(), "IMPORTED");
        assert_eq!(
            RamPrincipal::Role(RoleArn {
                account: Name::from("app"),
                role: Name::from("build"),
            })
            .to_string(),
            "IAM role build of account app"
        );
        assert_eq!(
            RamPrincipal::OrganizationalUnit(Name::from("dev")).to_string(),
            "organizational unit dev"
        );
    }
}
