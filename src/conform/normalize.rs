//! The normalisation rules: what "the same outcome" means across implementations.
//!
//! Implementations choose their own ids and ARNs, order their lists as they like and sometimes
//! answer documented implementation-defined cases differently. The rules here, shipped with the
//! suite (docs/PROTOCOL.md §Normalisation states them normatively), make comparisons fair without
//! every implementer writing their own leniency:
//!
//! 1. **Ids and ARNs up to renaming.** Every id-looking word (`port-…`, `prod-…`, `pa-…`,
//!    `cons-…`, `pp-…`, `o-…`, `ou-…`, `r-…`, `h-…`, `share-…`, or a UUID-shaped word) and
//!    every ARN (`arn:` up to a delimiter) is replaced by a placeholder (`<id1>`, `<arn1>` …)
//!    numbered in order of first appearance, consistently within a run and separately for each
//!    side. Twelve-digit account ids are not renamed: the `WorldSpec` fixes them.
//! 2. **Set-like lists as sets.** Every list is compared as a multiset after normalising its
//!    elements, except the lists named in [`ORDERED_LISTS`] (creation order is part of the
//!    contract there).
//! 3. **Exception names exactly**, except in the documented implementation-defined cases of
//!    [`CASES`], which accept a set of outcomes (A-34 always; A-12 in lenient mode only).
//! 4. **Observations projected** onto the parts the implementation declared
//!    ([`project`]) before comparing.

use crate::step::StepOutcome;
use serde_json::{Map, Value};
use sharesim_core::op::ServiceKind;
use sharesim_core::{OpKind, RuleId};
use std::collections::BTreeMap;

/// Prefixes of the AWS-shaped ids the model and AWS use.
pub const ID_PREFIXES: &[&str] = &[
    "port-", "prod-", "pa-", "cons-", "pp-", "o-", "ou-", "r-", "h-", "share-",
];

/// Object members whose lists are ordered (compared in order, never as sets).
pub const ORDERED_LISTS: &[&str] = &["versions"];

/// Renames ids and ARNs to placeholders by first appearance.
#[derive(Debug, Clone, Default)]
pub struct Renamer {
    map: BTreeMap<String, String>,
    ids: usize,
    arns: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn ends_arn(c: char) -> bool {
    c.is_whitespace() || ",;\"'()[]{}<>".contains(c)
}

/// UUID-shaped: groups of 8, 4, 4, 4 and 12 lower-case letters or digits (hex UUIDs, and the
/// model's base-36 RAM share ids).
fn is_uuid(word: &str) -> bool {
    let parts: Vec<&str> = word.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8usize, 4, 4, 4, 12]).all(|(part, len)| {
            part.len() == len
                && part
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        })
}

/// Whether a word is an id to be renamed: UUID-shaped, or one of [`ID_PREFIXES`] followed by at
/// least four lower-case letters, digits or dashes.
pub fn is_id(word: &str) -> bool {
    is_uuid(word)
        || ID_PREFIXES.iter().any(|prefix| {
            word.strip_prefix(prefix).is_some_and(|body| {
                body.len() >= 4
                    && body
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
        })
}

impl Renamer {
    /// A renamer with no names assigned.
    pub fn new() -> Renamer {
        Renamer::default()
    }

    /// Rewrites every id and ARN in `text`, assigning placeholders to new ones.
    pub fn rename(&mut self, text: &str) -> String {
        self.rewrite(text, true)
    }

    fn placeholder(&mut self, token: &str, arn: bool, assign: bool) -> String {
        if let Some(known) = self.map.get(token) {
            return known.clone();
        }
        if !assign {
            return "<?>".to_owned();
        }
        let name = if arn {
            self.arns += 1;
            format!("<arn{}>", self.arns)
        } else {
            self.ids += 1;
            format!("<id{}>", self.ids)
        };
        self.map.insert(token.to_owned(), name.clone());
        name
    }

    fn rewrite(&mut self, text: &str, assign: bool) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        let mut after_word = false;
        while let Some(c) = rest.chars().next() {
            if !after_word && rest.starts_with("arn:") {
                let len = rest.find(ends_arn).unwrap_or(rest.len());
                let (token, tail) = rest.split_at(len);
                out.push_str(&self.placeholder(token, true, assign));
                rest = tail;
                after_word = true;
                continue;
            }
            if !after_word && is_word_char(c) {
                let len = rest.find(|c| !is_word_char(c)).unwrap_or(rest.len());
                let (word, tail) = rest.split_at(len);
                if is_id(word) {
                    out.push_str(&self.placeholder(word, false, assign));
                } else {
                    out.push_str(word);
                }
                rest = tail;
                after_word = true;
                continue;
            }
            out.push(c);
            after_word = is_word_char(c);
            rest = rest.get(c.len_utf8()..).unwrap_or_default();
        }
        out
    }

    /// Normalises a JSON value: strings renamed, objects with sorted members, set-like lists
    /// sorted. Inside a set, new names are assigned in the order of the elements' shapes (their
    /// rendering with known names replaced and unknown ones masked), so that two sides listing
    /// the same set in different orders get the same placeholders.
    pub fn normalize(&mut self, value: &Value) -> Value {
        self.walk(value, None, true)
    }

    fn walk(&mut self, value: &Value, key: Option<&str>, assign: bool) -> Value {
        match value {
            Value::String(s) => Value::String(self.rewrite(s, assign)),
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for k in keys {
                    if let Some(v) = map.get(k) {
                        out.insert(k.clone(), self.walk(v, Some(k), assign));
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) if key.is_some_and(|k| ORDERED_LISTS.contains(&k)) => Value::Array(
                items
                    .iter()
                    .map(|item| self.walk(item, None, assign))
                    .collect(),
            ),
            Value::Array(items) => {
                let mut order: Vec<(String, usize)> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (canonical(&self.walk(item, None, false)), i))
                    .collect();
                order.sort();
                let mut done: Vec<(String, Value)> = order
                    .into_iter()
                    .filter_map(|(_, i)| items.get(i))
                    .map(|item| {
                        let v = self.walk(item, None, assign);
                        (canonical(&v), v)
                    })
                    .collect();
                done.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Array(done.into_iter().map(|(_, v)| v).collect())
            }
            other => other.clone(),
        }
    }
}

/// The canonical text of a normalised value (members sorted, no spaces).
pub fn canonical(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Projects an observation onto the declared parts: dotted paths with `*` for any member; `*`
/// alone keeps everything.
pub fn project(value: &Value, parts: &[String]) -> Value {
    let patterns: Vec<Vec<&str>> = parts.iter().map(|p| p.split('.').collect()).collect();
    project_at(value, &patterns).unwrap_or(Value::Object(Map::new()))
}

fn project_at(value: &Value, patterns: &[Vec<&str>]) -> Option<Value> {
    if patterns.iter().any(Vec::is_empty) {
        return Some(value.clone());
    }
    let Value::Object(map) = value else {
        return None;
    };
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let mut out = Map::new();
    for k in keys {
        let sub: Vec<Vec<&str>> = patterns
            .iter()
            .filter_map(|p| match p.split_first() {
                Some((first, rest)) if *first == "*" || *first == k.as_str() => Some(rest.to_vec()),
                _ => None,
            })
            .collect();
        if sub.is_empty() {
            continue;
        }
        if let Some(child) = map.get(k).and_then(|v| project_at(v, &sub)) {
            out.insert(k.clone(), child);
        }
    }
    Some(Value::Object(out))
}

/// One difference between two normalised values.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Difference {
    /// The dotted path (`accounts.b.regions.us-east-1.sc.imported`).
    pub path: String,
    /// The reference's value there (absent: null).
    pub reference: Value,
    /// The implementation's value there (absent: null).
    pub implementation: Value,
}

/// The differences between two normalised values, at most `limit`, outermost lists whole.
pub fn differences(reference: &Value, implementation: &Value, limit: usize) -> Vec<Difference> {
    let mut out = Vec::new();
    diff_at(String::new(), reference, implementation, limit, &mut out);
    out
}

fn diff_at(path: String, a: &Value, b: &Value, limit: usize, out: &mut Vec<Difference>) {
    if out.len() >= limit || a == b {
        return;
    }
    if let (Value::Object(ma), Value::Object(mb)) = (a, b) {
        let mut keys: Vec<&String> = ma.keys().chain(mb.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            diff_at(
                child,
                ma.get(k).unwrap_or(&Value::Null),
                mb.get(k).unwrap_or(&Value::Null),
                limit,
                out,
            );
        }
        return;
    }
    out.push(Difference {
        path: if path.is_empty() {
            ".".to_owned()
        } else {
            path
        },
        reference: a.clone(),
        implementation: b.clone(),
    });
}

/// A documented implementation-defined case (RULES.md §3): where the reference answers one way,
/// a set of outcomes is accepted.
#[derive(Debug)]
pub struct AllowedCase {
    /// The ambiguity id (`A-34`).
    pub id: &'static str,
    /// What is accepted, for people.
    pub summary: &'static str,
    /// Whether the case applies only with `--lenient`.
    pub lenient_only: bool,
    /// Whether the case applies to this call kind, given the reference's exception and
    /// deciding rules.
    pub applies: fn(OpKind, &str, &[RuleId]) -> bool,
    /// Whether the implementation's outcome is one of the allowed ones.
    pub allows: fn(&StepOutcome) -> bool,
}

/// The exceptions accepted for Image Builder "not found".
pub const A34_EXCEPTIONS: &[&str] = &[
    "ResourceNotFoundException",
    "ClientException",
    "ForbiddenException",
];

fn a34_applies(kind: OpKind, exception: &str, _rules: &[RuleId]) -> bool {
    use OpKind::*;
    exception == "ResourceNotFoundException"
        && kind.service() == ServiceKind::ImageBuilder
        && !matches!(
            kind,
            PutComponentPolicy
                | PutImagePolicy
                | PutImageRecipePolicy
                | PutContainerRecipePolicy
                | GetComponentPolicy
                | GetImagePolicy
                | GetImageRecipePolicy
                | GetContainerRecipePolicy
                | ListComponents
                | ListImages
                | ListImageRecipes
                | ListContainerRecipes
        )
}

fn a34_allows(outcome: &StepOutcome) -> bool {
    outcome
        .exception()
        .is_some_and(|e| A34_EXCEPTIONS.contains(&e))
}

fn a12_applies(kind: OpKind, exception: &str, rules: &[RuleId]) -> bool {
    use OpKind::*;
    exception == "OperationNotPermittedException"
        && rules.contains(&"IB-15")
        && matches!(
            kind,
            DisassociateResourceShare | DeleteResourceShare | UpdateResourceShare
        )
}

fn a12_allows(outcome: &StepOutcome) -> bool {
    outcome.is_ok()
}

/// The implementation-defined cases, in id order.
pub const CASES: &[AllowedCase] = &[
    AllowedCase {
        id: "A-12",
        summary: "unsharing an Image Builder resource a consumer depends on (IB-15) may succeed \
                  while the association stays ASSOCIATED (asynchronous failure); the \
                  observation must still match",
        lenient_only: true,
        applies: a12_applies,
        allows: a12_allows,
    },
    AllowedCase {
        id: "A-34",
        summary: "Image Builder \"not found\" on Get/Delete/Create of components, recipes and \
                  images: ResourceNotFoundException, ClientException or ForbiddenException",
        lenient_only: false,
        applies: a34_applies,
        allows: a34_allows,
    },
];

/// The verdict on one step's outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Equal after normalisation.
    Same,
    /// Different, but allowed by the named implementation-defined case.
    Allowed(&'static str),
    /// Different.
    Different,
}

/// Compares one step's outcomes after normalisation (each side with its own renamer). Returns
/// the verdict and both normalised outcomes.
pub fn compare_outcomes(
    kind: OpKind,
    reference: &StepOutcome,
    reference_rules: &[RuleId],
    implementation: &StepOutcome,
    names: &mut (Renamer, Renamer),
    lenient: bool,
) -> (Verdict, Value, Value) {
    let r = names.0.normalize(&outcome_value(reference));
    let i = names.1.normalize(&outcome_value(implementation));
    if r == i {
        return (Verdict::Same, r, i);
    }
    let exception = reference.exception().unwrap_or_default();
    let allowed = CASES.iter().find(|case| {
        (lenient || !case.lenient_only)
            && (case.applies)(kind, exception, reference_rules)
            && (case.allows)(implementation)
    });
    match allowed {
        Some(case) => (Verdict::Allowed(case.id), r, i),
        None => (Verdict::Different, r, i),
    }
}

/// A step outcome as JSON (`{"Ok": <response>}` or `{"Err": {"exception": …}}`).
pub fn outcome_value(outcome: &StepOutcome) -> Value {
    serde_json::to_value(outcome).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use serde_json::json;
    use sharesim_core::Response;

    #[test]
    fn ids_are_renamed_by_first_appearance_and_consistently() {
        let mut r = Renamer::new();
        assert_eq!(r.rename("port-abcd1234efgh5"), "<id1>");
        assert_eq!(r.rename("prod-zzzz9999yyyy0"), "<id2>");
        assert_eq!(r.rename("port-abcd1234efgh5"), "<id1>");
        assert_eq!(r.rename("o-a1b2c3d4e5"), "<id3>");
        assert_eq!(r.rename("ou-ab12-cdef3456"), "<id4>");
        assert_eq!(r.rename("r-ab12"), "<id5>");
        assert_eq!(r.rename("pa-abcd1234"), "<id6>");
        assert_eq!(r.rename("cons-abcd1234"), "<id7>");
        assert_eq!(r.rename("pp-abcd1234"), "<id8>");
        assert_eq!(r.rename("share-abcd1234"), "<id9>");
        assert_eq!(r.rename("h-wu3acwzj1w"), "<id10>");
        assert_eq!(r.rename("0f8fad5b-d9cb-469f-a165-70867728950e"), "<id11>");
        assert_eq!(r.rename("np7irrml-0jk4-qw7z-keje-517mme7ljb86"), "<id12>");
    }

    #[test]
    fn two_sides_with_different_ids_normalise_alike() {
        let mut a = Renamer::new();
        let mut b = Renamer::new();
        let left = json!({"Created": {"id": "port-aaaa1111bbbb2", "arn": "arn:aws:catalog:us-east-1:100000000001:portfolio/port-aaaa1111bbbb2"}});
        let right = json!({"Created": {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "arn": "arn:aws:catalog:us-east-1:100000000001:portfolio/0f8fad5b-d9cb-469f-a165-70867728950e"}});
        assert_eq!(a.normalize(&left), b.normalize(&right));
    }

    #[test]
    fn renaming_is_a_bijection_so_swapped_ids_differ() {
        let mut a = Renamer::new();
        let mut b = Renamer::new();
        let left = json!(["port-aaaa1111", "x", "port-aaaa1111"]);
        let right = json!(["port-bbbb2222", "x", "port-cccc3333"]);
        assert_ne!(a.normalize(&left), b.normalize(&right));
    }

    #[test]
    fn arns_are_whole_tokens_inside_text() {
        let mut r = Renamer::new();
        assert_eq!(
            r.rename("role=arn:aws:iam::100000000002:role/launch, other"),
            "role=<arn1>, other"
        );
        assert_eq!(r.rename("arn:aws:iam::100000000002:role/launch"), "<arn1>");
        assert_eq!(r.rename("notarn:x"), "notarn:x");
    }

    #[test]
    fn account_ids_and_names_are_not_renamed() {
        let mut r = Renamer::new();
        assert_eq!(r.rename("100000000001"), "100000000001");
        assert_eq!(r.rename("account:b"), "account:b");
        // Short bodies and upper case are names, not ids.
        assert_eq!(r.rename("prod-web"), "prod-web");
        assert_eq!(r.rename("port-HUB1"), "port-HUB1");
        assert_eq!(
            r.rename("ResourceNotFoundException"),
            "ResourceNotFoundException"
        );
    }

    #[test]
    fn sets_compare_regardless_of_order_and_name_alike() {
        let mut a = Renamer::new();
        let mut b = Renamer::new();
        let left = json!({"shares": [{"name": "s1", "arn": "arn:aws:ram:x:1:resource-share/aaaa"}, {"name": "s2", "arn": "arn:aws:ram:x:1:resource-share/bbbb"}]});
        let right = json!({"shares": [{"name": "s2", "arn": "arn:aws:ram:x:1:resource-share/2222"}, {"name": "s1", "arn": "arn:aws:ram:x:1:resource-share/1111"}]});
        assert_eq!(a.normalize(&left), b.normalize(&right));
    }

    #[test]
    fn ordered_lists_keep_their_order() {
        let mut a = Renamer::new();
        let mut b = Renamer::new();
        assert_ne!(
            a.normalize(&json!({"versions": ["v1", "v2"]})),
            b.normalize(&json!({"versions": ["v2", "v1"]}))
        );
        assert_eq!(
            a.normalize(&json!({"other": ["v1", "v2"]})),
            b.normalize(&json!({"other": ["v2", "v1"]}))
        );
    }

    #[test]
    fn exception_names_compare_exactly() {
        let mut names = (Renamer::new(), Renamer::new());
        let r = StepOutcome::Err {
            exception: "ResourceNotFoundException".into(),
        };
        let i = StepOutcome::Err {
            exception: "InvalidParametersException".into(),
        };
        let (v, _, _) = compare_outcomes(OpKind::DeletePortfolio, &r, &[], &i, &mut names, true);
        assert_eq!(v, Verdict::Different);
        let (v, _, _) = compare_outcomes(OpKind::DeletePortfolio, &r, &[], &r, &mut names, false);
        assert_eq!(v, Verdict::Same);
    }

    #[test]
    fn a34_accepts_the_image_builder_not_found_class() {
        let mut names = (Renamer::new(), Renamer::new());
        let r = StepOutcome::Err {
            exception: "ResourceNotFoundException".into(),
        };
        for e in ["ClientException", "ForbiddenException"] {
            let i = StepOutcome::Err {
                exception: e.into(),
            };
            let (v, _, _) = compare_outcomes(OpKind::GetComponent, &r, &[], &i, &mut names, false);
            assert_eq!(v, Verdict::Allowed("A-34"));
            // Not for the policy operations, which declare ResourceNotFoundException.
            let (v, _, _) =
                compare_outcomes(OpKind::GetComponentPolicy, &r, &[], &i, &mut names, false);
            assert_eq!(v, Verdict::Different);
            // Not outside Image Builder.
            let (v, _, _) =
                compare_outcomes(OpKind::DeletePortfolio, &r, &[], &i, &mut names, false);
            assert_eq!(v, Verdict::Different);
        }
        let other = StepOutcome::Err {
            exception: "ValidationException".into(),
        };
        let (v, _, _) = compare_outcomes(OpKind::GetComponent, &r, &[], &other, &mut names, false);
        assert_eq!(v, Verdict::Different);
    }

    #[test]
    fn a12_needs_lenient_mode_and_the_dependency_rule() {
        let mut names = (Renamer::new(), Renamer::new());
        let r = StepOutcome::Err {
            exception: "OperationNotPermittedException".into(),
        };
        let i = StepOutcome::Ok(Response::Empty);
        let kind = OpKind::DisassociateResourceShare;
        let (v, _, _) = compare_outcomes(kind, &r, &["IB-15"], &i, &mut names, false);
        assert_eq!(v, Verdict::Different);
        let (v, _, _) = compare_outcomes(kind, &r, &["IB-15"], &i, &mut names, true);
        assert_eq!(v, Verdict::Allowed("A-12"));
        let (v, _, _) = compare_outcomes(kind, &r, &["RAM-17"], &i, &mut names, true);
        assert_eq!(v, Verdict::Different);
    }

    #[test]
    fn projection_keeps_only_declared_parts() {
        let obs = json!({"clock_hours": 0, "accounts": {"a": {"id": "1", "iam": {"users": ["u"]}}, "b": {"id": "2", "iam": {"users": []}}}});
        assert_eq!(project(&obs, &["*".into()]), obs);
        assert_eq!(
            project(&obs, &["accounts.*.iam".into()]),
            json!({"accounts": {"a": {"iam": {"users": ["u"]}}, "b": {"iam": {"users": []}}}})
        );
        assert_eq!(
            project(&obs, &["clock_hours".into(), "accounts.a.id".into()]),
            json!({"clock_hours": 0, "accounts": {"a": {"id": "1"}}})
        );
        assert_eq!(project(&obs, &[]), json!({}));
    }

    #[test]
    fn differences_name_the_paths() {
        let a = json!({"x": {"y": 1, "z": [1]}, "w": 2});
        let b = json!({"x": {"y": 2, "z": [1]}});
        let d = differences(&a, &b, 10);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].path, "w");
        assert_eq!(d[0].implementation, Value::Null);
        assert_eq!(d[1].path, "x.y");
    }
}
