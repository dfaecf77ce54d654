//! Tidy tests: the repository's own consistency, checked on every `cargo test`.
//!
//! Besides the snapshot and docs/rules.md checks, the corpus must exercise the whole model
//! (issue #4): every implemented rule id, every `OpKind` and every `Exception` appears in some
//! scenario. "Appears" means, exactly:
//!
//! - an `OpKind` appears when a `Call` step of some scenario calls it (the calls the `world`
//!   section desugars into do not count);
//! - an `Exception` appears when some scenario step is answered with it; NotModelledException
//!   must appear in none (every operation is modelled);
//! - a rule id whose docs/rules.md status is implemented or model-defined appears when it is
//!   recorded as deciding some scenario step (what `sharesim coverage` counts as reached), if the
//!   model can record it: its id is a string literal in the model's library code (core/src,
//!   without the catalog and the unit tests). A rule the model never records (a statement rule,
//!   an invariant only the checker of src/invariants checks) appears when some scenario claims
//!   it in `rules`. [`RECORDED_ONLY_WHERE_NO_SCENARIO_GOES`] lists the recordable rules that no
//!   scenario can reach, with the reason; they too must be claimed.
//!
//! Error names are tied to their rules: every rejection the model writes out, every rejection
//! of the corpus and of generated calls names an exception that RULES.md gives to the deciding
//! rule (the catalog's `errors`) or that the rule's line in docs/rules.md names as the model's
//! choice, so that a conformance user can trust an error name as much as a rule id.

use super::scenarios::root;
use sharesim::scenario::{discover, load, run};
use sharesim_core::{Exception, OpKind};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

fn files_with(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_with(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The snapshot names the scenarios expect (`sc__share_portfolio_with_account`).
fn expected_snapshots() -> BTreeSet<String> {
    let mut files = Vec::new();
    files_with(&root().join("scenarios"), "ron", &mut files);
    files
        .iter()
        .filter_map(|f| f.strip_prefix(root().join("scenarios")).ok())
        .map(|rel| {
            rel.with_extension("")
                .to_string_lossy()
                .replace(['/', '\\'], "__")
        })
        .collect()
}

#[test]
fn every_snapshot_belongs_to_a_scenario() {
    let expected = expected_snapshots();
    let mut snaps = Vec::new();
    files_with(&root().join("snapshots"), "snap", &mut snaps);
    let orphans: Vec<String> = snaps
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|stem| !expected.contains(stem))
        .collect();
    assert!(
        orphans.is_empty(),
        "orphaned snapshots (no scenario): {orphans:?}"
    );
}

#[test]
fn every_scenario_has_a_snapshot() {
    let missing: Vec<String> = expected_snapshots()
        .into_iter()
        .filter(|s| !root().join("snapshots").join(format!("{s}.snap")).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "scenarios without a snapshot (run INSTA_UPDATE=always cargo test, then review): {missing:?}"
    );
}

/// The status lines of docs/rules.md: rule id to the text after `- ID: `.
fn rule_status() -> std::collections::BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split_once(": "))
        .filter(|(id, _)| sharesim::scenario::load::is_rule_id(id))
        .map(|(id, rest)| (id.to_owned(), rest.to_owned()))
        .collect()
}

fn not_modelled(status: &str) -> bool {
    status.starts_with("not modelled")
}

#[test]
fn docs_rules_lists_every_rule_of_the_catalog_once() {
    let status = rule_status();
    let missing: Vec<&str> = sharesim_core::catalog::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !status.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/rules.md has no line for {missing:?}"
    );
    let text = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    for id in status.keys() {
        let lines = text
            .lines()
            .filter(|l| l.starts_with(&format!("- {id}: ")))
            .count();
        assert_eq!(lines, 1, "docs/rules.md has {lines} lines for {id}");
    }
}

#[test]
fn docs_rules_marks_every_seed_rule_implemented() {
    let status = rule_status();
    let bad: Vec<&str> = sharesim_core::catalog::RULES
        .iter()
        .filter(|r| r.seed)
        .filter(|r| status.get(r.id).is_none_or(|s| not_modelled(s)))
        .map(|r| r.id)
        .collect();
    assert!(
        bad.is_empty(),
        "[SEED] rules not shown implemented: {bad:?}"
    );
}

#[test]
fn no_rule_that_decides_a_scenario_step_is_marked_not_modelled() {
    let status = rule_status();
    let bad: Vec<&str> = corpus()
        .reached
        .iter()
        .copied()
        .filter(|id| status.get(*id).is_some_and(|s| not_modelled(s)))
        .collect();
    assert!(
        bad.is_empty(),
        "rules recorded by the model but marked not modelled in docs/rules.md: {bad:?}"
    );
}

/// Rules the model records only on paths that no scenario can take, with the reason. They must be
/// claimed by a scenario instead, and a test checks that they really are never reached.
const RECORDED_ONLY_WHERE_NO_SCENARIO_GOES: &[(&str, &str)] = &[
    (
        "A-30",
        "recorded only by services::not_modelled, which the exhaustive OpKind routing makes unreachable",
    ),
    (
        "INV-01",
        "recorded only for a call in a Region the world does not enable, which the loader refuses",
    ),
];

/// What the corpus exercises, computed once for all the tidy tests.
struct Corpus {
    /// Rule ids recorded as deciding some step.
    reached: BTreeSet<&'static str>,
    /// Rule ids claimed in `rules`, each with the scenarios that claim it.
    claimed: BTreeMap<String, Vec<String>>,
    /// Rule ids named in `decided_by`.
    decided_by: BTreeSet<String>,
    /// Op kinds called by `Call` steps.
    kinds: BTreeSet<OpKind>,
    /// Exceptions that answered some step.
    exceptions: BTreeSet<Exception>,
    /// (exception, rule the error names) of every rejected step.
    rejections: BTreeSet<(Exception, &'static str)>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut c = Corpus {
            reached: BTreeSet::new(),
            claimed: BTreeMap::new(),
            decided_by: BTreeSet::new(),
            kinds: BTreeSet::new(),
            exceptions: BTreeSet::new(),
            rejections: BTreeSet::new(),
        };
        for (name, path) in discover(&root().join("scenarios")).unwrap() {
            // A broken file fails its own generated test; here it exercises nothing.
            let Ok(scenario) = load::load(&path) else {
                continue;
            };
            for rule in &scenario.rules {
                c.claimed
                    .entry(rule.clone())
                    .or_default()
                    .push(name.clone());
            }
            for step in &scenario.steps {
                if let sharesim::scenario::Step::Call(call) = step {
                    c.decided_by.extend(call.decided_by.iter().cloned());
                }
            }
            let report = run::run(&scenario, &name, &run::NoChecks);
            c.reached.extend(report.rules_hit);
            c.kinds.extend(report.kinds);
            c.exceptions.extend(report.exceptions);
            c.rejections.extend(report.rejections);
        }
        c
    })
}

/// The model's library code: core/src without the catalog and the unit tests, file by file.
fn library_sources() -> Vec<(std::path::PathBuf, String)> {
    let mut files = Vec::new();
    files_with(&root().join("core/src"), "rs", &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|f| {
            let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
            let catalog_data = f.parent().is_some_and(|d| d.ends_with("catalog"));
            !catalog_data && !matches!(name.as_deref(), Some("catalog.rs" | "tests.rs"))
        })
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            // An inline test module ends the library code of its file.
            let library = text
                .split("#[cfg(test)]\nmod tests {")
                .next()
                .unwrap_or("")
                .to_owned();
            (f, library)
        })
        .collect()
}

/// The rejections written out in the model as `reject(Exception::X, "RULE", ..)`: the error
/// paths of the rules, as far as the code names them directly (helpers taking the rule as a
/// parameter are not seen).
fn literal_rejections() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (_, text) in library_sources() {
        // Comment lines out (a doc comment may show an example call), then one line.
        let code: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect();
        let flat: String = code
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for piece in flat.split("reject(").skip(1) {
            let Some((exception, rest)) = piece
                .trim_start()
                .strip_prefix("Exception::")
                .and_then(|p| p.split_once(','))
            else {
                continue;
            };
            let rule = rest
                .trim_start()
                .strip_prefix('"')
                .and_then(|r| r.split_once('"'));
            if let Some((rule, _)) = rule
                && sharesim::scenario::load::is_rule_id(rule)
                && exception.chars().all(|c| c.is_ascii_alphanumeric())
            {
                out.insert((exception.to_owned(), rule.to_owned()));
            }
        }
    }
    out
}

/// Whether `exception` is an error of `rule`: RULES.md gives it to the rule (its text, or §0.4
/// for the rule's service; `catalog::declares`), or the rule's line of docs/rules.md names it
/// as the model's choice.
fn declared(status: &BTreeMap<String, String>, exception: &str, rule: &str) -> bool {
    let in_docs = status.get(rule).is_some_and(|line| {
        line.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == exception)
    });
    sharesim_core::catalog::declares(rule, exception) || in_docs
}

/// Lists the (exception, rule) pairs that are not declared, one per line.
fn undeclared<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let status = rule_status();
    pairs
        .into_iter()
        .filter(|(e, r)| !declared(&status, e, r))
        .map(|(e, r)| {
            let given = sharesim_core::catalog::rule(r).map(|x| x.errors).unwrap_or_default();
            format!("{r} answered with {e}: RULES.md gives {given:?} (and §0.4 its service's), and the docs/rules.md line of {r} does not name {e}")
        })
        .collect()
}

#[test]
fn every_rejection_the_model_writes_out_names_an_error_of_its_rule() {
    let literal = literal_rejections();
    let bad = undeclared(literal.iter().map(|(e, r)| (e.as_str(), r.as_str())));
    assert!(
        bad.is_empty(),
        "{} of {} `reject(Exception::X, \"RULE\", ..)` in core/src name an error their rule does not declare:\n{}",
        bad.len(),
        literal.len(),
        bad.join("\n")
    );
}

#[test]
fn every_rejection_of_the_corpus_names_an_error_of_its_rule() {
    let rejections = &corpus().rejections;
    let bad = undeclared(rejections.iter().map(|(e, r)| (e.name(), *r)));
    assert!(
        bad.is_empty(),
        "{} of {} (exception, rule) pairs of the scenarios are not declared:\n{}",
        bad.len(),
        rejections.len(),
        bad.join("\n")
    );
}

#[test]
fn every_rejection_of_generated_calls_names_an_error_of_its_rule() {
    use sharesim::explore;
    // The explorer's own sequences (same generator, swarm profiles and world), so that error
    // paths behind helpers that take the rule as a parameter are reached too.
    let spec = explore::world_spec();
    let status = rule_status();
    let mut seen: BTreeSet<(Exception, &'static str)> = BTreeSet::new();
    let mut first_bad: BTreeMap<(Exception, &'static str), String> = BTreeMap::new();
    for seed in 0..24u64 {
        let mut world = sharesim_core::World::new(&spec);
        for (step, call) in explore::Episode::new(&spec, seed, None, 400) {
            if let Err(e) = world.apply(&call).result {
                let pair = (e.exception, e.rule);
                if seen.insert(pair) && !declared(&status, e.exception.name(), e.rule) {
                    first_bad.insert(pair, format!("seed {seed}, step {step}: {call:?}"));
                }
            }
        }
    }
    assert!(
        seen.len() > 20,
        "the sequences reach many error paths ({})",
        seen.len()
    );
    let bad: Vec<String> = first_bad
        .iter()
        .map(|((e, r), at)| format!("{r} answered with {e} (first at {at})"))
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {} (exception, rule) pairs of generated calls are not declared by the rule:\n{}",
        bad.len(),
        seen.len(),
        bad.join("\n")
    );
}

#[test]
fn every_error_path_the_model_writes_out_answers_some_scenario_step() {
    let exempt: BTreeSet<&str> = RECORDED_ONLY_WHERE_NO_SCENARIO_GOES
        .iter()
        .map(|(id, _)| *id)
        .collect();
    let seen: BTreeSet<(String, String)> = corpus()
        .rejections
        .iter()
        .map(|(e, r)| (e.name().to_owned(), (*r).to_owned()))
        .collect();
    let paths = literal_rejections();
    assert!(
        paths.len() > 50,
        "found only {} rejections in core/src",
        paths.len()
    );
    let missing: Vec<String> = paths
        .iter()
        .filter(|(_, rule)| !exempt.contains(rule.as_str()))
        .filter(|p| !seen.contains(p))
        .map(|(e, r)| format!("{e} [{r}]"))
        .collect();
    assert!(
        missing.is_empty(),
        "error paths of the model no scenario step ends in (write a scenario for each): {missing:?}"
    );
}

/// The rule ids the model's library code can record: string literals such as `"IB-06"` in
/// core/src, leaving out the catalog and the unit tests.
fn recordable_rules() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for (_, library) in library_sources() {
        // Every piece between two quotes, so that a quote in a comment or a char literal cannot
        // shift which pieces are literals: code between literals is never a bare rule id.
        for literal in library.split('"') {
            if sharesim::scenario::load::is_rule_id(literal) {
                ids.insert(literal.to_owned());
            }
        }
    }
    ids
}

#[test]
fn every_implemented_rule_appears_in_a_scenario() {
    let status = rule_status();
    let recordable = recordable_rules();
    let c = corpus();
    let exempt: BTreeSet<&str> = RECORDED_ONLY_WHERE_NO_SCENARIO_GOES
        .iter()
        .map(|(id, _)| *id)
        .collect();
    let mut unreached = Vec::new();
    let mut unclaimed = Vec::new();
    for rule in sharesim_core::catalog::RULES {
        if status.get(rule.id).is_none_or(|s| not_modelled(s)) {
            continue;
        }
        if recordable.contains(rule.id) && !exempt.contains(rule.id) {
            if !c.reached.contains(rule.id) {
                unreached.push(rule.id);
            }
        } else if !c.claimed.contains_key(rule.id) && !c.reached.contains(rule.id) {
            unclaimed.push(rule.id);
        }
    }
    assert!(
        unreached.is_empty(),
        "implemented rules the model can record but no scenario step is decided by \
         (write a scenario that reaches each): {unreached:?}"
    );
    assert!(
        unclaimed.is_empty(),
        "implemented rules the model never records and no scenario claims \
         (write a scenario that shows each and claims it): {unclaimed:?}"
    );
}

#[test]
fn the_rules_no_scenario_can_reach_are_really_unreached() {
    let recordable = recordable_rules();
    for (id, why) in RECORDED_ONLY_WHERE_NO_SCENARIO_GOES {
        assert!(
            recordable.contains(*id),
            "{id} is no longer recorded by the model; drop it from the list ({why})"
        );
        assert!(
            !corpus().reached.contains(id),
            "{id} is reached by a scenario after all; drop it from the list ({why})"
        );
    }
}

#[test]
fn every_rule_id_a_scenario_names_is_in_the_catalog() {
    let known: BTreeSet<&str> = sharesim_core::catalog::RULES.iter().map(|r| r.id).collect();
    let c = corpus();
    let unknown: Vec<&String> = c
        .claimed
        .keys()
        .chain(&c.decided_by)
        .filter(|id| !known.contains(id.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "rule ids in scenarios that RULES.md does not have: {unknown:?}"
    );
}

#[test]
fn every_op_kind_is_called_by_a_scenario() {
    let missing: Vec<&str> = OpKind::all()
        .filter(|k| !corpus().kinds.contains(k))
        .map(OpKind::name)
        .collect();
    assert!(
        missing.is_empty(),
        "operations no scenario step calls: {missing:?}"
    );
}

#[test]
fn every_exception_answers_some_scenario_step() {
    let c = corpus();
    assert!(
        !c.exceptions.contains(&Exception::NotModelledException),
        "a scenario step was answered NotModelledException"
    );
    let missing: Vec<&str> = Exception::all()
        .filter(|e| *e != Exception::NotModelledException && !c.exceptions.contains(e))
        .map(Exception::name)
        .collect();
    assert!(
        missing.is_empty(),
        "exceptions no scenario step is answered with: {missing:?}"
    );
}

/// Whether `snippet` parses as one of the parameter types docs/SCENARIOS.md's table shows.
fn parses_as_a_parameter(snippet: &str) -> bool {
    use sharesim_core::op::{
        ConstraintParameters, IbRef, ParentImage, PortfolioPrincipal, RamPrincipal, RamResource,
        RecipeRef, ShareTarget,
    };
    fn ok<T: serde::de::DeserializeOwned>(s: &str) -> bool {
        sharesim::scenario::load::ron_options()
            .from_str::<T>(s)
            .is_ok()
    }
    ok::<IbRef>(snippet)
        || ok::<RamResource>(snippet)
        || ok::<RamPrincipal>(snippet)
        || ok::<ShareTarget>(snippet)
        || ok::<PortfolioPrincipal>(snippet)
        || ok::<ConstraintParameters>(snippet)
        || ok::<RecipeRef>(snippet)
        || ok::<ParentImage>(snippet)
        || ok::<sharesim_core::Op>(&format!("ListComponents({snippet})"))
        || ok::<sharesim_core::Op>(&format!("GetResourceShares({snippet})"))
}

#[test]
fn the_parameter_shapes_docs_scenarios_shows_parse() {
    let text = std::fs::read_to_string(root().join("docs/SCENARIOS.md")).unwrap();
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("| written as |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(
        table.len() >= 5,
        "the parameter table of docs/SCENARIOS.md is gone"
    );
    let mut bad = Vec::new();
    for row in table {
        let cell = row.split('|').nth(1).unwrap_or("");
        for snippet in cell.split('`').skip(1).step_by(2) {
            if !parses_as_a_parameter(snippet) {
                bad.push(snippet.to_owned());
            }
        }
    }
    assert!(
        bad.is_empty(),
        "docs/SCENARIOS.md shows parameters that do not parse: {bad:?}"
    );
}
