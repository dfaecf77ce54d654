//! Tidy tests: the repository's own consistency, checked on every `cargo test`.

use super::scenarios::root;
use std::collections::BTreeSet;
use std::path::Path;

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
    let suite = sharesim::cli::check::run_suite(&root().join("scenarios")).unwrap();
    let bad: Vec<&str> = suite
        .reached
        .keys()
        .copied()
        .filter(|id| status.get(*id).is_some_and(|s| not_modelled(s)))
        .collect();
    assert!(
        bad.is_empty(),
        "rules recorded by the model but marked not modelled in docs/rules.md: {bad:?}"
    );
}
