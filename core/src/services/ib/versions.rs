//! Semantic versions, wildcard patterns and ARNs of Image Builder resources (RULES.md §1.7,
//! IB-10, IB-26, IB-28, Q-23).
//!
//! A version is three numbers chosen by the creator; the build number is assigned by the service.
//! References may use `x` wildcards, which select the newest version the caller can access, so
//! resolution (in `resources`) filters by access first and picks the maximum afterwards.

use crate::error::{ApiError, Exception, reject};
use crate::name::{Name, Region};
use crate::op::IbKind;
use std::fmt;

/// the largest value of a version node (2^30 - 1).
pub(crate) const MAX_NODE: u32 = 1_073_741_823;

/// A concrete `<major>.<minor>.<patch>` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl Version {
    /// `<major>.<minor>.<patch>`, as `Display` writes it, written digit by digit: every view,
    /// ARN and Create* response formats a version, and three integer formats through
    /// `fmt::Formatter` cost more than the rest of a view.
    pub(crate) fn text(&self) -> String {
        let mut out = String::with_capacity(16);
        self.push_to(&mut out);
        out
    }

    /// Appends [`Version::text`] to `out`.
    pub(crate) fn push_to(&self, out: &mut String) {
        push_decimal(out, self.major);
        out.push('.');
        push_decimal(out, self.minor);
        out.push('.');
        push_decimal(out, self.patch);
    }
}

/// Appends the decimal digits of `n` to `out` (as `Display` for `u32` writes them).
pub(crate) fn push_decimal(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    let mut rest = n;
    for slot in digits.iter_mut() {
        // At most 9 after `% 10`, so the digit is a valid ASCII character.
        *slot = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for d in digits.iter().take(len).rev() {
        out.push(char::from(*d));
    }
}

/// A version pattern: each node a number or `x` (`None`). Once a node is `x`, every node to its
/// right is `x` (§1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VersionPattern {
    pub major: Option<u32>,
    pub minor: Option<u32>,
    pub patch: Option<u32>,
}

impl VersionPattern {
    /// The pattern that matches every version (an absent version: the newest).
    pub const ANY: VersionPattern = VersionPattern {
        major: None,
        minor: None,
        patch: None,
    };

    /// Whether the pattern names one version.
    pub fn exact(&self) -> Option<Version> {
        Some(Version {
            major: self.major?,
            minor: self.minor?,
            patch: self.patch?,
        })
    }

    /// Whether `v` matches the pattern.
    pub fn matches(&self, v: Version) -> bool {
        self.major.is_none_or(|m| m == v.major)
            && self.minor.is_none_or(|m| m == v.minor)
            && self.patch.is_none_or(|p| p == v.patch)
    }
}

impl fmt::Display for VersionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let node = |n: Option<u32>| n.map_or_else(|| "x".to_owned(), |v| v.to_string());
        write!(
            f,
            "{}.{}.{}",
            node(self.major),
            node(self.minor),
            node(self.patch)
        )
    }
}

fn bad_version(rule: crate::error::RuleId, text: &str, why: &str) -> ApiError {
    reject(
        Exception::InvalidVersionNumberException,
        rule,
        format!("the semantic version {text:?} is invalid: {why}"),
    )
}

/// Parses a version pattern (IB-26, Q-23, §1.7). Errors are InvalidVersionNumberException.
pub(crate) fn parse_pattern(text: &str) -> Result<VersionPattern, ApiError> {
    let mut nodes = text.split('.');
    let (Some(a), Some(b), Some(c), None) =
        (nodes.next(), nodes.next(), nodes.next(), nodes.next())
    else {
        return Err(bad_version(
            "IB-26",
            text,
            "expected <major>.<minor>.<patch>",
        ));
    };
    let node = |s: &str| -> Result<Option<u32>, ApiError> {
        if s == "x" {
            return Ok(None);
        }
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_version("IB-26", text, "a node is not a number or x"));
        }
        if s.len() > 1 && s.starts_with('0') {
            return Err(bad_version("IB-26", text, "leading zeros are not allowed"));
        }
        match s.parse::<u32>() {
            Ok(v) if v <= MAX_NODE => Ok(Some(v)),
            _ => Err(bad_version("Q-23", text, "a node exceeds 1073741823")),
        }
    };
    let pattern = VersionPattern {
        major: node(a)?,
        minor: node(b)?,
        patch: node(c)?,
    };
    let wildcard_then_number = (pattern.major.is_none()
        && (pattern.minor.is_some() || pattern.patch.is_some()))
        || (pattern.minor.is_none() && pattern.patch.is_some());
    if wildcard_then_number {
        return Err(bad_version(
            "IB-28",
            text,
            "once a node is x, every node to its right must be x",
        ));
    }
    Ok(pattern)
}

/// Parses a concrete version for Create* (IB-26): wildcards are not versions.
pub(crate) fn parse_version(text: &str) -> Result<Version, ApiError> {
    parse_pattern(text)?
        .exact()
        .ok_or_else(|| bad_version("IB-26", text, "wildcards cannot be assigned"))
}

/// The identity of one Image Builder resource version (recipes) or build version (components,
/// images). Unique in the world; its ARN is derived from it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct IbKey {
    pub kind: IbKind,
    pub owner: Name,
    pub region: Region,
    pub name: Name,
    pub version: Version,
    /// Components and images only.
    pub build: Option<u32>,
}

/// The ARN path segment of a kind.
pub(crate) fn kind_segment(kind: IbKind) -> &'static str {
    match kind {
        IbKind::Component => "component",
        IbKind::Image => "image",
        IbKind::ImageRecipe => "image-recipe",
        IbKind::ContainerRecipe => "container-recipe",
    }
}

/// Whether resources of the kind have build versions (IB-10).
pub(crate) fn has_builds(kind: IbKind) -> bool {
    matches!(kind, IbKind::Component | IbKind::Image)
}

/// The ARN form of a name: lower case, spaces replaced by `-` (§1.7) `[MODEL]`.
pub(crate) fn arn_name(name: &Name) -> String {
    name.as_str().to_lowercase().replace(' ', "-")
}

/// Appends [`arn_name`] of `name` to `out`: byte by byte for an ASCII name (every name of the
/// benchmarks and scenarios), through `arn_name` otherwise (Unicode lower case can change the
/// length and depends on the neighbouring characters).
fn push_arn_name(out: &mut String, name: &Name) {
    let text = name.as_str();
    if !text.is_ascii() {
        out.push_str(&arn_name(name));
        return;
    }
    for b in text.bytes() {
        out.push(if b == b' ' {
            '-'
        } else {
            char::from(b.to_ascii_lowercase())
        });
    }
}

/// The ARN of a resource up to its version: `arn:aws:imagebuilder:<region>:<account>:<kind>/<name>`,
/// written into a string with room for the version and build (ARNs are formatted on every
/// Create* call and for every shared resource named, and `format!` grew the string twice).
fn arn_head(region: &Region, account_id: &str, kind: IbKind, name: &Name) -> String {
    const PREFIX: &str = "arn:aws:imagebuilder:";
    let segment = kind_segment(kind);
    let mut out = String::with_capacity(
        PREFIX.len()
            + region.as_str().len()
            + account_id.len()
            + segment.len()
            + name.as_str().len()
            + 32,
    );
    out.push_str(PREFIX);
    out.push_str(region.as_str());
    out.push(':');
    out.push_str(account_id);
    out.push(':');
    out.push_str(segment);
    out.push('/');
    push_arn_name(&mut out, name);
    out
}

/// The ARN of a resource, from its parts; `version` and `build` as written (§1.7).
pub(crate) fn arn(
    region: &Region,
    account_id: &str,
    kind: IbKind,
    name: &Name,
    version: Option<&str>,
    build: Option<u32>,
) -> String {
    let mut out = arn_head(region, account_id, kind, name);
    if let Some(v) = version {
        out.push('/');
        out.push_str(v);
        if let Some(b) = build {
            out.push('/');
            push_decimal(&mut out, b);
        }
    }
    out
}

/// The ARN of a resource version or build version ([`arn`] with the key's version, written in
/// place).
pub(crate) fn key_arn(account_id: &str, key: &IbKey) -> String {
    let mut out = arn_head(&key.region, account_id, key.kind, &key.name);
    out.push('/');
    key.version.push_to(&mut out);
    if let Some(b) = key.build {
        out.push('/');
        push_decimal(&mut out, b);
    }
    out
}

/// Every version and build of one (kind, owner, Region, name), in key order: a range of the
/// resource map (its keys sort by kind, owner, Region, name, version, build), so a lookup costs
/// the versions of that name rather than every resource.
pub(crate) fn versions_of<'m, V>(
    map: &'m std::collections::BTreeMap<IbKey, V>,
    kind: IbKind,
    owner: &Name,
    region: &Region,
    name: &Name,
) -> impl DoubleEndedIterator<Item = (&'m IbKey, &'m V)> {
    let bound = |version: Version, build: Option<u32>| IbKey {
        kind,
        owner: owner.clone(),
        region: region.clone(),
        name: name.clone(),
        version,
        build,
    };
    let max = Version {
        major: u32::MAX,
        minor: u32::MAX,
        patch: u32::MAX,
    };
    let lo = bound(
        Version {
            major: 0,
            minor: 0,
            patch: 0,
        },
        None,
    );
    map.range(lo..=bound(max, Some(u32::MAX)))
}

/// Every resource of one kind of an owner in a Region, in key order (a range of the map).
pub(crate) fn owned_of_kind<'m, V>(
    map: &'m std::collections::BTreeMap<IbKey, V>,
    kind: IbKind,
    owner: &'m Name,
    region: &'m Region,
) -> impl Iterator<Item = (&'m IbKey, &'m V)> {
    let lo = IbKey {
        kind,
        owner: owner.clone(),
        region: region.clone(),
        name: Name::empty(),
        version: Version {
            major: 0,
            minor: 0,
            patch: 0,
        },
        build: None,
    };
    map.range(lo..)
        .take_while(move |(k, _)| k.kind == kind && &k.owner == owner && &k.region == region)
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn wildcards_select_per_section_1_7() {
        let versions = [
            Version {
                major: 2,
                minor: 2,
                patch: 4,
            },
            Version {
                major: 1,
                minor: 7,
                patch: 8,
            },
            Version {
                major: 1,
                minor: 6,
                patch: 8,
            },
        ];
        let newest = |p: &str| {
            let p = parse_pattern(p).unwrap();
            versions
                .iter()
                .copied()
                .filter(|v| p.matches(*v))
                .max()
                .unwrap()
                .to_string()
        };
        assert_eq!(newest("x.x.x"), "2.2.4");
        assert_eq!(newest("1.x.x"), "1.7.8");
        assert_eq!(newest("1.6.x"), "1.6.8");
    }

    #[test]
    fn invalid_patterns_are_invalid_version_numbers() {
        for bad in [
            "x.2.x", "1.x.8", "1.2", "1.2.3.4", "a.b.c", "01.2.3", "1.2.-3", "",
        ] {
            let err = parse_pattern(bad).unwrap_err();
            assert_eq!(
                err.exception,
                Exception::InvalidVersionNumberException,
                "{bad}"
            );
        }
        let err = parse_pattern("1.2.1073741824").unwrap_err();
        assert_eq!(err.rule, "Q-23");
        assert!(parse_pattern("1.2.1073741823").is_ok());
        assert_eq!(parse_version("1.x.x").unwrap_err().rule, "IB-26");
    }

    #[test]
    fn arns_follow_section_1_7() {
        let key = IbKey {
            kind: IbKind::Component,
            owner: Name::from("a"),
            region: Region::from("us-west-2"),
            name: Name::from("My Example Component"),
            version: Version {
                major: 2019,
                minor: 12,
                patch: 3,
            },
            build: Some(1),
        };
        assert_eq!(
            key_arn("123456789012", &key),
            "arn:aws:imagebuilder:us-west-2:123456789012:component/my-example-component/2019.12.3/1"
        );
        let recipe = IbKey {
            kind: IbKind::ImageRecipe,
            build: None,
            ..key
        };
        assert_eq!(
            key_arn("123456789012", &recipe),
            "arn:aws:imagebuilder:us-west-2:123456789012:image-recipe/my-example-component/2019.12.3"
        );
    }

    #[test]
    fn arn_names_written_in_place_match_the_lower_case_rule() {
        for name in [
            "My Example Component",
            "a b",
            "ÄÖ Σ Comp",
            "ΣΑΣ x",
            "İ x",
            "c-1.2_Z",
        ] {
            let name = Name::from(name);
            let mut out = String::new();
            push_arn_name(&mut out, &name);
            assert_eq!(out, arn_name(&name), "{name}");
            assert_eq!(
                arn(
                    &Region::from("eu-west-1"),
                    "1",
                    IbKind::Image,
                    &name,
                    Some("1.0.0"),
                    Some(2)
                ),
                format!(
                    "arn:aws:imagebuilder:eu-west-1:1:image/{}/1.0.0/2",
                    arn_name(&name)
                )
            );
        }
    }
}
