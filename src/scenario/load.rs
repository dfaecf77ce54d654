//! Loading and validating scenario files.
//!
//! Every problem is reported with the file, line and column, so that an author (or a fuzzer
//! feeding the loader garbage) gets a precise message and never a panic: syntax errors, unknown
//! fields and wrong types come from RON with their span; unknown or duplicate names are found by
//! validation, located where they are used (see `validate`), and get a did-you-mean when a known
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
    let scenario: Scenario = ron_options().from_str(text).map_err(|e| {
        let offset = offset_of(text, e.span.start.line, e.span.start.col);
        ScenarioError::Syntax {
            location: value_start(text, path, e.span.start.line, e.span.start.col),
            message: explain(&e.code, text, offset),
        }
    })?;
    validate(&scenario, text, path)?;
    Ok(scenario)
}

/// Enums and structs with more names than an error message should list.
const LONG_LIST: usize = 40;

/// RON's message, made useful to someone who has not read the vocabulary's source: a
/// did-you-mean for a misspelt variant or field (instead of all hundred operation names), and
/// what to write when an operation is given parentheses it does not take, or lacks ones it needs.
fn explain(code: &ron::Error, text: &str, offset: usize) -> String {
    let message = code.to_string();
    match code {
        ron::Error::NoSuchEnumVariant {
            expected,
            found,
            outer,
        }
        | ron::Error::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let suggestion = did_you_mean(found, expected.iter().copied());
            let what = if matches!(code, ron::Error::NoSuchEnumVariant { .. }) {
                "variant"
            } else {
                "field"
            };
            let of = outer.as_deref().unwrap_or("this value");
            if outer.as_deref() == Some("Op") {
                format!(
                    "unknown operation `{found}`{suggestion}; the {} operations are the variants \
                     of sharesim_core::op::Op, named as the AWS API names them",
                    expected.len()
                )
            } else if expected.len() > LONG_LIST {
                format!(
                    "unknown {what} `{found}` of `{of}`{suggestion} ({} are known)",
                    expected.len()
                )
            } else {
                format!("{message}{suggestion}")
            }
        }
        _ => match parentheses_hint(text, offset) {
            Some(hint) => format!("{message}: {hint}"),
            None => message,
        },
    }
}

/// When the identifier right before `offset` is an operation and the syntax error is about the
/// parentheses after it, what to write instead.
fn parentheses_hint(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?.trim_end();
    let name: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if !sharesim_core::OpKind::all().any(|k| k.name() == name) {
        return None;
    }
    let unit = ron_options().from_str::<sharesim_core::Op>(&name).is_ok();
    let paren = text.get(offset..)?.trim_start().starts_with('(');
    match (unit, paren) {
        (true, true) => Some(format!(
            "{name} takes no parameters; write `op: {name}` without parentheses"
        )),
        (false, false) => Some(format!(
            "{name} takes parameters; write `op: {name}(...)`, or `op: {name}()` when all are optional"
        )),
        _ => None,
    }
}

/// The byte offset of RON's 1-based line and column.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    text.get(line_start..)
        .and_then(|rest| rest.char_indices().nth(col.saturating_sub(1)))
        .map_or(text.len(), |(i, _)| line_start + i)
}

/// The position RON reports, moved past the spaces it includes before a value (RON's span of a
/// wrongly typed value starts right after the colon), so that the column is the value's.
fn value_start(text: &str, path: &Path, line: usize, col: usize) -> Location {
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let offset = text
        .get(line_start..)
        .and_then(|rest| rest.char_indices().nth(col.saturating_sub(1)))
        .map_or(text.len(), |(i, _)| line_start + i);
    let skipped = text
        .get(offset..)
        .map_or(0, |rest| rest.len() - rest.trim_start().len());
    if skipped == 0 {
        return Location {
            path: path.to_owned(),
            line,
            col,
        };
    }
    location(text, path, offset + skipped)
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
///
/// Each problem is located where the name is used: the search for it starts at the section of
/// the text it belongs to (the world's account list, the organization, an account's groups, the
/// step), so that the same word in a description, a comment or another section is not reported
/// instead.
fn validate(s: &Scenario, text: &str, path: &Path) -> Result<(), ScenarioError> {
    let src = Source::new(text);
    let at = |offset: usize, message: String| ScenarioError::Invalid {
        location: location(text, path, offset),
        message,
    };
    let world_at = src.key(0, "world").unwrap_or(0);
    let accounts_at = src.key(world_at, "accounts").unwrap_or(world_at);
    let accounts: BTreeSet<&Name> = s.world.accounts.iter().collect();
    if s.world.accounts.is_empty() {
        return Err(at(
            accounts_at,
            "the world needs at least one account".into(),
        ));
    }
    if let Some(dup) = first_duplicate(&s.world.accounts) {
        // Point at the second declaration: the first one is legitimate.
        let first = src.quoted(accounts_at, dup.as_str()).unwrap_or(accounts_at);
        let second = src.quoted(first + 1, dup.as_str()).unwrap_or(first);
        return Err(at(second, format!("account {dup:?} is declared twice")));
    }
    if s.world.regions.is_empty() {
        let regions_at = src.key(world_at, "regions").unwrap_or(world_at);
        return Err(at(regions_at, "the world needs at least one Region".into()));
    }
    let regions: BTreeSet<&str> = s.world.regions.iter().map(|r| r.as_str()).collect();
    let known_account = |name: &Name, from: usize| -> Result<(), ScenarioError> {
        if accounts.contains(name) {
            return Ok(());
        }
        Err(at(
            src.quoted(from, name.as_str()).unwrap_or(from),
            format!(
                "unknown account {:?}{}",
                name.as_str(),
                did_you_mean(name.as_str(), accounts.iter().map(|a| a.as_str()))
            ),
        ))
    };
    if let Some(org) = &s.world.organization {
        let org_at = src.key(world_at, "organization").unwrap_or(world_at);
        known_account(
            &org.management,
            src.key(org_at, "management").unwrap_or(org_at),
        )?;
        let ous_at = src.key(org_at, "ous").unwrap_or(org_at);
        let mut ous = BTreeSet::new();
        for ou in &org.ous {
            if !ous.insert(&ou.name) {
                let first = src.quoted(ous_at, ou.name.as_str()).unwrap_or(ous_at);
                let second = src.quoted(first + 1, ou.name.as_str()).unwrap_or(first);
                return Err(at(
                    second,
                    format!("OU {:?} is declared twice", ou.name.as_str()),
                ));
            }
            if let Some(parent) = &ou.parent
                && !ous.contains(parent)
            {
                let declared = src.quoted(ous_at, ou.name.as_str()).unwrap_or(ous_at);
                return Err(at(
                    src.quoted(declared, parent.as_str()).unwrap_or(declared),
                    format!(
                        "unknown parent OU {:?} (OUs must be declared after their parent){}",
                        parent.as_str(),
                        did_you_mean(parent.as_str(), ous.iter().map(|o| o.as_str()))
                    ),
                ));
            }
        }
        let members_at = src.key(org_at, "members").unwrap_or(org_at);
        for (member, ou) in &org.members {
            known_account(member, members_at)?;
            if let Some(ou) = ou
                && !ous.contains(ou)
            {
                let entry = src
                    .quoted(members_at, member.as_str())
                    .unwrap_or(members_at);
                return Err(at(
                    src.quoted(entry + 1, ou.as_str()).unwrap_or(entry),
                    format!(
                        "unknown OU {:?} for member {:?}{}",
                        ou.as_str(),
                        member.as_str(),
                        did_you_mean(ou.as_str(), ous.iter().map(|o| o.as_str()))
                    ),
                ));
            }
        }
    }
    let iam_at = src.key(world_at, "iam").unwrap_or(world_at);
    for (account, iam) in &s.world.iam {
        known_account(account, iam_at)?;
        let account_at = src.quoted(iam_at, account.as_str()).unwrap_or(iam_at);
        let groups_at = src.key(account_at, "groups").unwrap_or(account_at);
        for (group, members) in &iam.groups {
            let group_at = src.quoted(groups_at, group.as_str()).unwrap_or(groups_at);
            for m in members {
                if !iam.users.contains(m) {
                    return Err(at(
                        src.quoted(group_at + 1, m.as_str()).unwrap_or(group_at),
                        format!(
                            "group {group:?} of account {account:?} names unknown user {:?}{}",
                            m.as_str(),
                            did_you_mean(m.as_str(), iam.users.iter().map(|u| u.as_str()))
                        ),
                    ));
                }
            }
        }
    }
    let step_starts = src.step_starts();
    for (i, step) in s.steps.iter().enumerate() {
        let Step::Call(call) = step else { continue };
        let step_at = step_starts.get(i).copied().unwrap_or(0);
        known_account(
            &call.account,
            src.key(step_at, "account").unwrap_or(step_at),
        )?;
        if call.user.is_some() && call.role.is_some() {
            return Err(at(
                src.key(step_at, "role").unwrap_or(step_at),
                "a call is made as a user or as a role, not both".into(),
            ));
        }
        if let Some(super::Expect::Error(name)) = &call.expect
            && !sharesim_core::Exception::all().any(|e| e.name() == name)
        {
            let expect_at = src.key(step_at, "expect").unwrap_or(step_at);
            return Err(at(
                src.quoted(expect_at, name).unwrap_or(expect_at),
                format!(
                    "{name:?} is not an exception the model returns{} (the names are those of \
                     sharesim_core::error::Exception; `expect: Fails` accepts any)",
                    exception_suggestion(name)
                ),
            ));
        }
        if let Some(region) = &call.region
            && !regions.contains(region.as_str())
        {
            let region_at = src.key(step_at, "region").unwrap_or(step_at);
            return Err(at(
                src.quoted(region_at, region.as_str()).unwrap_or(region_at),
                format!(
                    "Region {:?} is not in the world's regions{}",
                    region.as_str(),
                    did_you_mean(region.as_str(), regions.iter().copied())
                ),
            ));
        }
    }
    let rules_at = src.key(0, "rules").unwrap_or(0);
    for rule in &s.rules {
        if let Some(problem) = rule_problem(rule) {
            return Err(at(src.quoted(rules_at, rule).unwrap_or(rules_at), problem));
        }
    }
    for (i, step) in s.steps.iter().enumerate() {
        let Step::Call(call) = step else { continue };
        let step_at = step_starts.get(i).copied().unwrap_or(0);
        let decided_at = src.key(step_at, "decided_by").unwrap_or(step_at);
        for rule in &call.decided_by {
            if let Some(problem) = rule_problem(rule) {
                return Err(at(
                    src.quoted(decided_at, rule).unwrap_or(decided_at),
                    problem,
                ));
            }
        }
    }
    Ok(())
}

/// What is wrong with a rule id a scenario names: not shaped like one, or not in RULES.md.
fn rule_problem(rule: &str) -> Option<String> {
    let known = || sharesim_core::catalog::RULES.iter().map(|r| r.id);
    if !is_rule_id(rule) {
        return Some(format!(
            "{rule:?} is not a rule id (like \"SC-20\" or \"INV-05\"){}",
            did_you_mean(rule, known())
        ));
    }
    if !known().any(|id| id == rule) {
        return Some(format!(
            "RULES.md has no rule {rule:?}{}",
            did_you_mean(rule, known())
        ));
    }
    None
}

/// A did-you-mean for an exception name, also when only the `Exception` suffix is missing.
fn exception_suggestion(name: &str) -> String {
    let suffixed = format!("{name}Exception");
    if sharesim_core::Exception::all().any(|e| e.name() == suffixed) {
        return format!(" (did you mean {suffixed:?}?)");
    }
    did_you_mean(name, sharesim_core::Exception::all().map(|e| e.name()))
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

fn first_duplicate(names: &[Name]) -> Option<&Name> {
    let mut seen = BTreeSet::new();
    names.iter().find(|n| !seen.insert(*n))
}

/// The 1-based line and column of byte `offset` of `text`.
fn location(text: &str, path: &Path, offset: usize) -> Location {
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

/// Scenario text with its strings and comments told apart from code, to find keys and string
/// literals by position.
struct Source<'a> {
    text: &'a str,
    /// Per byte: whether it is code (not inside a string literal or a comment).
    code: Vec<bool>,
    /// Per byte: whether a string literal opens there.
    opens: Vec<bool>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Source<'a> {
        let bytes = text.as_bytes();
        let mut code = vec![true; bytes.len()];
        let mut opens = vec![false; bytes.len()];
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let next = bytes.get(i + 1).copied();
            let end = match (b, next) {
                (b'"', _) => {
                    if let Some(slot) = opens.get_mut(i) {
                        *slot = true;
                    }
                    let mut j = i + 1;
                    while let Some(&c) = bytes.get(j) {
                        j += if c == b'\\' { 2 } else { 1 };
                        if c == b'"' {
                            break;
                        }
                    }
                    j
                }
                (b'/', Some(b'/')) => text
                    .get(i..)
                    .and_then(|rest| rest.find('\n'))
                    .map_or(bytes.len(), |n| i + n),
                (b'/', Some(b'*')) => text
                    .get(i + 2..)
                    .and_then(|rest| rest.find("*/"))
                    .map_or(bytes.len(), |n| i + 2 + n + 2),
                _ => {
                    i += 1;
                    continue;
                }
            };
            for slot in code.iter_mut().take(end.min(bytes.len())).skip(i) {
                *slot = false;
            }
            i = end.max(i + 1);
        }
        Source { text, code, opens }
    }

    fn is_code(&self, i: usize) -> bool {
        self.code.get(i).copied().unwrap_or(false)
    }

    /// The offset of the first `key:` in code at or after `from` (a whole identifier, with
    /// optional spaces before the colon).
    fn key(&self, from: usize, key: &str) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut start = from;
        while let Some(found) = self.text.get(start..).and_then(|rest| rest.find(key)) {
            let i = start + found;
            let before_ok = i == 0
                || bytes
                    .get(i - 1)
                    .is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'));
            let mut j = i + key.len();
            while bytes.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if before_ok && self.is_code(i) && bytes.get(j) == Some(&b':') {
                return Some(i);
            }
            start = i + 1;
        }
        None
    }

    /// The offset of the first string literal `"name"` at or after `from`.
    fn quoted(&self, from: usize, name: &str) -> Option<usize> {
        let needle = format!("\"{name}\"");
        let mut start = from;
        while let Some(found) = self.text.get(start..).and_then(|rest| rest.find(&needle)) {
            let i = start + found;
            if self.opens.get(i).copied().unwrap_or(false) {
                return Some(i);
            }
            start = i + 1;
        }
        None
    }

    /// The offsets of the steps (`Call(` and `Observe(`), in order: the identifiers directly
    /// inside the list that follows the `steps` key.
    fn step_starts(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let Some(steps) = self.key(0, "steps") else {
            return out;
        };
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        let mut i = steps + "steps".len();
        while let Some(&b) = bytes.get(i) {
            if self.is_code(i) {
                match b {
                    b'[' | b'(' | b'{' => depth += 1,
                    b']' | b')' | b'}' => {
                        if depth <= 1 {
                            break;
                        }
                        depth -= 1;
                    }
                    c if depth == 1
                        && c.is_ascii_alphabetic()
                        && bytes
                            .get(i - 1)
                            .is_some_and(|p| !(p.is_ascii_alphanumeric() || *p == b'_')) =>
                    {
                        out.push(i);
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        out
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
