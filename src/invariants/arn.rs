//! Reading the strings of an observation: ARNs, rendered RAM principals and KMS grantees, IAM
//! name patterns, and the rendered parameters of constraints.
//!
//! These parsers are the checker's own (RULES.md §1), so that it depends on the observation's
//! format only, not on the model's code that produced it. Anything it cannot read is treated
//! conservatively by the callers (never as a justification).

use sharesim_core::Name;

/// The six parts of `arn:<partition>:<service>:<region>:<account>:<resource>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Arn<'a> {
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Parses an ARN; `None` for anything else (an AMI id, a malformed string). The resource is
/// the rest after the fifth colon, colons and all.
pub(crate) fn parse(s: &str) -> Option<Arn<'_>> {
    // Byte by byte rather than with `splitn`: after an Organizations call the RAM state
    // invariants read every share's ARNs, and the general pattern search cost about a thousand
    // instructions an ARN (docs/PERFORMANCE.md, section 2).
    let rest = s.strip_prefix("arn:")?;
    let (_partition, rest) = field(rest)?;
    let (service, rest) = field(rest)?;
    let (region, rest) = field(rest)?;
    let (account, resource) = field(rest)?;
    Some(Arn {
        service,
        region,
        account,
        resource,
    })
}

/// Splits at the first colon: what is before it, and what is after it. A colon is one byte in
/// UTF-8 and never part of another character, so the split is at a character boundary.
fn field(s: &str) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == b':')?;
    Some((s.get(..i)?, s.get(i + 1..)?))
}

/// The type segment of an Image Builder ARN (`component`, `image`, `image-recipe`,
/// `container-recipe`).
pub(crate) fn ib_type<'a>(arn: &Arn<'a>) -> Option<&'a str> {
    (arn.service == "imagebuilder")
        .then(|| arn.resource.split('/').next())
        .flatten()
}

/// A RAM principal or KMS grantee as the observation renders it (`account:b`, `org:acme`,
/// `ou:dev`, or an IAM role/user ARN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entity<'a> {
    /// An account, by name.
    Account(Name),
    /// An organization, by name.
    Organization(Name),
    /// An OU, by name.
    Ou(Name),
    /// An IAM principal of the account with this 12-digit id.
    Iam { account_id: &'a str },
    /// Something else (a service principal, an unreadable string).
    Other,
}

/// Reads a rendered principal.
pub(crate) fn entity(s: &str) -> Entity<'_> {
    if let Some(a) = s.strip_prefix("account:") {
        return Entity::Account(Name::from(a));
    }
    if let Some(o) = s
        .strip_prefix("org:")
        .or_else(|| s.strip_prefix("organization:"))
    {
        return Entity::Organization(Name::from(o));
    }
    if let Some(o) = s.strip_prefix("ou:") {
        return Entity::Ou(Name::from(o));
    }
    if let Some(arn) = parse(s)
        && arn.service == "iam"
    {
        return Entity::Iam {
            account_id: arn.account,
        };
    }
    Entity::Other
}

/// IAM-02: `*` matches any sequence (including `/`), `?` zero or one character.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // `reach[j]`: the pattern prefix read so far can end at text position j.
    let mut reach = vec![false; t.len() + 1];
    if let Some(first) = reach.first_mut() {
        *first = true;
    }
    for pc in &p {
        let mut next = vec![false; t.len() + 1];
        let mut star = false;
        for (j, ok) in reach.iter().enumerate() {
            star |= *ok && *pc == '*';
            if star && let Some(slot) = next.get_mut(j) {
                *slot = true;
            }
            if !*ok {
                continue;
            }
            match pc {
                '*' => {}
                '?' => {
                    for k in [j, j + 1] {
                        if let Some(slot) = next.get_mut(k) {
                            *slot = true;
                        }
                    }
                }
                c => {
                    if t.get(j) == Some(c)
                        && let Some(slot) = next.get_mut(j + 1)
                    {
                        *slot = true;
                    }
                }
            }
        }
        reach = next;
    }
    reach.last().copied().unwrap_or(false)
}

/// The ARN of a role (IAM-05, SC-60).
pub(crate) fn role_arn(account_id: &str, role: &str) -> String {
    format!("arn:aws:iam::{account_id}:role/{role}")
}

/// How a LAUNCH constraint names its role, read from its rendered parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LaunchRole<'a> {
    /// `role=<arn>`: used as-is.
    Arn(&'a str),
    /// `local_role=<name>`: resolved in the end user's account.
    Local(&'a str),
    /// Neither (a malformed LAUNCH constraint, INV-06).
    Neither,
    /// Both.
    Both,
}

/// Reads the role of a LAUNCH constraint's rendered parameters.
pub(crate) fn launch_role(parameters: &str) -> LaunchRole<'_> {
    let mut arn = None;
    let mut local = None;
    for part in parameters.split_whitespace() {
        if let Some(r) = part.strip_prefix("role=") {
            arn = Some(r);
        } else if let Some(l) = part.strip_prefix("local_role=") {
            local = Some(l);
        }
    }
    match (arn, local) {
        (Some(a), None) => LaunchRole::Arn(a),
        (None, Some(l)) => LaunchRole::Local(l),
        (Some(_), Some(_)) => LaunchRole::Both,
        (None, None) => LaunchRole::Neither,
    }
}

/// The SNS topics of a NOTIFICATION constraint's rendered parameters (`topics=a,b`).
pub(crate) fn topics(parameters: &str) -> Vec<&str> {
    parameters
        .split_whitespace()
        .filter_map(|p| p.strip_prefix("topics="))
        .flat_map(|t| t.split(','))
        .filter(|t| !t.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn glob_follows_iam_02() {
        assert!(glob("dev-*", "dev-alice"));
        assert!(glob("*", "a/b"));
        assert!(glob("a?c", "ac"));
        assert!(glob("a?c", "abc"));
        assert!(!glob("a?c", "abbc"));
        assert!(!glob("dev-*", "ops-alice"));
        assert!(glob("team/*/admin", "team/x/y/admin"));
    }

    #[test]
    fn arns_and_entities_are_read() {
        let a = parse("arn:aws:imagebuilder:us-east-1:100000000001:component/c/1.0.0/1").unwrap();
        assert_eq!(a.region, "us-east-1");
        assert_eq!(a.account, "100000000001");
        assert_eq!(ib_type(&a), Some("component"));
        // The resource keeps its own colons; empty parts are parts; fewer than six is no ARN.
        let k = parse("arn:aws:kms:eu-west-1:100000000001:alias/a:b").unwrap();
        assert_eq!((k.service, k.resource), ("kms", "alias/a:b"));
        let s3 = parse("arn:aws:s3:::").unwrap();
        assert_eq!((s3.region, s3.account, s3.resource), ("", "", ""));
        assert_eq!(parse("arn:aws:s3::"), None);
        assert_eq!(parse("arnx:aws:s3:::"), None);
        assert_eq!(parse("ami-0123"), None);
        assert_eq!(entity("account:b"), Entity::Account(Name::from("b")));
        assert_eq!(entity("ou:dev"), Entity::Ou(Name::from("dev")));
        assert_eq!(
            entity("arn:aws:iam::100000000002:role/r"),
            Entity::Iam {
                account_id: "100000000002"
            }
        );
        assert_eq!(launch_role("local_role=L"), LaunchRole::Local("L"));
        assert_eq!(topics("topics=a,b"), vec!["a", "b"]);
    }
}
