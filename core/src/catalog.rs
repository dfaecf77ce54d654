//! The rule catalog of RULES.md as data: every rule id, whether a seed document states it, its
//! first sentence and the exception names it gives. Coverage reports and tidy tests read it, so
//! that the harness needs no copy of the catalog's text at run time. The data is generated
//! (`catalog/data.rs`, never edited): regenerate it with
//! `cargo run --example rules_catalog -- ../shared/spec/RULES.md > core/src/catalog/data.rs` and
//! `cargo fmt` when RULES.md changes.

mod data;

pub use data::{RULES, SERVICE_ERRORS};

/// One rule of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The id (`SC-20`).
    pub id: &'static str,
    /// Whether a seed document states it (`[SEED]`): such rules must be implemented and reached.
    pub seed: bool,
    /// The first sentence of the rule.
    pub title: &'static str,
    /// The exception names the rule's text gives (its `*Err:*`, a quota's error column), in
    /// order of first appearance; empty when it names none (the model's choice is then recorded
    /// in docs/rules.md).
    pub errors: &'static [&'static str],
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Whether RULES.md lets `rule` answer with `exception`: its own text names it, or §0.4 names
/// it for the rule's service (the id's prefix).
pub fn declares(rule_id: &str, exception: &str) -> bool {
    let own = rule(rule_id).is_some_and(|r| r.errors.contains(&exception));
    let prefix = rule_id.split('-').next().unwrap_or(rule_id);
    let global = SERVICE_ERRORS
        .iter()
        .filter(|(service, _)| *service == prefix)
        .flat_map(|(_, names)| names.iter())
        .any(|name| match name.strip_prefix('*') {
            Some(suffix) => exception.ends_with(suffix),
            None => *name == exception,
        });
    own || global
}
