//! Loading and validating scenario files.
//!
//! Every problem is reported with the file, line and column, so that an author (or a fuzzer
//! feeding the loader garbage) gets a precise message and never a panic: syntax errors, unknown
//! fields and wrong types come from RON with their span; unknown or duplicate names are found by
//! validation, located by their first occurrence in the text, and get a did-you-mean when a known
//! name is close.

use super::{Scenario, Step};
use ron::extensions::Extensions;
use sharesim_core::Name;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with a scenario file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// The text is not a valid scenario (syntax, unknown field, wrong type).
    #[error("{location}: {message}")]
    Syntax {
        /// Where.
        location: Location,
        /// What RON reported.
        message: String,
    },
    /// The scenario parses but names something wrongly.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong, with a suggestion when one is close.
        message: String,
    },
}

/// A position in a scenario file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file (or `<inline>`).
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.col)
    }
}

/// The RON options every scenario is read and written with: `Some(..)` may be omitted and
/// newtype wrappers are transparent, so files stay short.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    parse(&text, path)
}

/// Parses and validates scenario text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    let scenario: Scenario = ron_options()
        .from_str(text)
        .map_err(|e| ScenarioError::Syntax {
            location: Location {
                path: path.to_owned(),
                line: e.span.start.line,
                col: e.span.start.col,
            },
            message: e.code.to_string(),
        })?;
    validate(&scenario, text, path)?;
    Ok(scenario)
}

/// Prints a scenario as RON that [`parse`] reads back to the same value.
pub fn print(scenario: &Scenario) -> Result<String, ron::Error> {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(4)
        .indentor("    ".to_owned())
        .struct_names(true);
    ron_options().to_string_pretty(scenario, config)
}

/// Checks what RON cannot: accounts, Regions and principals named by steps exist; names are not
/// declared twice; the world is consistent.
fn validate(s: &Scenario, text: &str, path: &Path) -> Result<(), ScenarioError> {
    let at = |needle: &str, message: String| ScenarioError::Invalid {
        location: locate(text, path, needle),
        message,
    };
    let accounts: BTreeSet<&Name> = s.world.accounts.iter().collect();
    if s.world.accounts.is_empty() {
        return Err(at(
            "accounts",
            "the world needs at least one account".into(),
        ));
    }
    if let Some(dup) = first_duplicate(&s.world.accounts) {
        return Err(at(
            &quoted(dup.as_str()),
            format!("account {dup:?} is declared twice"),
        ));
    }
    if s.world.regions.is_empty() {
        return Err(at("regions", "the world needs at least one Region".into()));
    }
    let regions: BTreeSet<&str> = s.world.regions.iter().map(|r| r.as_str()).collect();
    let known_account = |name: &Name| -> Result<(), ScenarioError> {
        if accounts.contains(name) {
            return Ok(());
        }
        Err(at(
            &quoted(name.as_str()),
            format!(
                "unknown account {:?}{}",
                name.as_str(),
                did_you_mean(name.as_str(), accounts.iter().map(|a| a.as_str()))
            ),
        ))
    };
    if let Some(org) = &s.world.organization {
        known_account(&org.management)?;
        let mut ous = BTreeSet::new();
        for ou in &org.ous {
            if !ous.insert(&ou.name) {
                return Err(at(
                    &quoted(ou.name.as_str()),
                    format!("OU {:?} is declared twice", ou.name.as_str()),
                ));
            }
            if let Some(parent) = &ou.parent
                && !ous.contains(parent)
            {
                return Err(at(
                    &quoted(parent.as_str()),
                    format!(
                        "unknown parent OU {:?} (OUs must be declared after their parent){}",
                        parent.as_str(),
                        did_you_mean(parent.as_str(), ous.iter().map(|o| o.as_str()))
                    ),
                ));
            }
        }
        for (member, ou) in &org.members {
            known_account(member)?;
            if let Some(ou) = ou
                && !ous.contains(ou)
            {
                return Err(at(
                    &quoted(ou.as_str()),
                    format!(
                        "unknown OU {:?}{}",
                        ou.as_str(),
                        did_you_mean(ou.as_str(), ous.iter().map(|o| o.as_str()))
                    ),
                ));
            }
        }
    }
    for (account, iam) in &s.world.iam {
        known_account(account)?;
        for (group, members) in &iam.groups {
            for m in members {
                if !iam.users.contains(m) {
                    return Err(at(
                        &quoted(m.as_str()),
                        format!(
                            "group {group} names unknown user {:?}{}",
                            m.as_str(),
                            did_you_mean(m.as_str(), iam.users.iter().map(|u| u.as_str()))
                        ),
                    ));
                }
            }
        }
    }
    for step in &s.steps {
        let Step::Call(call) = step else { continue };
        known_account(&call.account)?;
        if call.user.is_some() && call.role.is_some() {
            return Err(at(
                "role",
                "a call is made as a user or as a role, not both".into(),
            ));
        }
        if let Some(region) = &call.region
            && !regions.contains(region.as_str())
        {
            return Err(at(
                &quoted(region.as_str()),
                format!(
                    "Region {:?} is not in the world's regions{}",
                    region.as_str(),
                    did_you_mean(region.as_str(), regions.iter().copied())
                ),
            ));
        }
    }
    for rule in &s.rules {
        if !is_rule_id(rule) {
            return Err(at(
                &quoted(rule),
                format!("{rule:?} is not a rule id (like \"SC-20\" or \"INV-05\")"),
            ));
        }
    }
    Ok(())
}

/// Whether `s` looks like a RULES.md id: an upper-case prefix, a dash, two digits.
pub fn is_rule_id(s: &str) -> bool {
    let Some((prefix, digits)) = s.split_once('-') else {
        return false;
    };
    !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_uppercase())
        && digits.len() == 2
        && digits.chars().all(|c| c.is_ascii_digit())
}

fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

fn first_duplicate(names: &[Name]) -> Option<&Name> {
    let mut seen = BTreeSet::new();
    names.iter().find(|n| !seen.insert(*n))
}

/// The position of the first occurrence of `needle` in `text` (the start when absent; the
/// second occurrence for a duplicate is not worth the complexity: the first is where to look).
fn locate(text: &str, path: &Path, needle: &str) -> Location {
    let offset = text.find(needle).unwrap_or(0);
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rfind('\n').map_or(before.chars().count(), |i| {
        before.get(i + 1..).unwrap_or("").chars().count()
    }) + 1;
    Location {
        path: path.to_owned(),
        line,
        col,
    }
}

/// `" (did you mean \"hub\"?)"` when a candidate is within edit distance 2, else empty.
pub fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| format!(" (did you mean {c:?}?)"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}
