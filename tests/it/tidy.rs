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
