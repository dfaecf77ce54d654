//! The scenario machinery from the outside (issue #4): `sharesim run` output is plain when not on
//! a terminal and the same on every run, lists every failure of a scenario, and exits non-zero on
//! one; `sharesim coverage` exits non-zero when a [SEED] rule is unreached; and with `CI=true` the
//! snapshot test writes nothing, neither for a different trace nor for a missing snapshot.

use super::scenarios::root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sharesim");

/// A fresh directory under the target directory for one test's files.
fn tempdir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("scenario-cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sharesim(args: &[&str], path: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg(path)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

/// A scenario with two wrong expectations and one wrong assertion.
const BROKEN: &str = r#"Scenario(
    description: "Three expectations that do not hold.",
    rules: ["SC-01"],
    world: (accounts: ["hub"]),
    steps: [
        Call(account: "hub", op: CreatePortfolio(portfolio: "base"), expect: Error("LimitExceededException")),
        Call(account: "hub", op: DeletePortfolio(portfolio: "base"), expect: Error("ResourceInUseException")),
        Observe(path: "accounts.hub.regions.us-east-1.sc.portfolios", count: 3),
    ],
)
"#;

#[test]
fn run_prints_plain_identical_traces_when_piped() {
    let dir = root().join("scenarios");
    let first = sharesim(&["run"], &dir);
    let second = sharesim(&["run"], &dir);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        !first.stdout.contains(&0x1b),
        "colour escape in piped output"
    );
    assert!(
        first.stdout == second.stdout,
        "two runs printed different bytes"
    );
}

#[test]
fn run_lists_every_failure_and_exits_non_zero() {
    let dir = tempdir("broken");
    std::fs::write(dir.join("broken.ron"), BROKEN).unwrap();
    let out = sharesim(&["run"], &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for needle in [
        "step 1: expected LimitExceededException, got success",
        "step 2: expected ResourceInUseException, got success",
        "step 3: accounts.hub.regions.us-east-1.sc.portfolios has 0 entries, expected 3",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    assert!(!text.contains('\x1b'), "{text}");
}

#[test]
fn coverage_fails_when_a_seed_rule_is_unreached_and_passes_on_the_corpus() {
    let dir = tempdir("coverage");
    std::fs::copy(
        root().join("scenarios/sc/share_import_and_launch.ron"),
        dir.join("one.ron"),
    )
    .unwrap();
    let out = sharesim(&["coverage", "--scenarios"], &dir);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("[SEED] rules unreached: "), "{text}");
    assert!(text.contains("IB-06"), "{text}");
    let all = sharesim(&["coverage", "--scenarios"], &root().join("scenarios"));
    let text = String::from_utf8_lossy(&all.stdout);
    assert_eq!(all.status.code(), Some(0), "{text}");
    assert!(text.contains("[SEED] rules unreached: none"), "{text}");
    // A rule the model never records shows the scenarios that claim it.
    assert!(
        text.lines()
            .any(|l| l.starts_with("IB-31: (unreached; claimed by ib/")),
        "{text}"
    );
}

/// Runs one generated scenario test in a child of this test binary, against the snapshots in
/// `snapshots`, with the environment a CI job has (`CI=true`) or a developer accepting snapshots.
fn scenario_test(name: &str, snapshots: &Path, ci: bool) -> Output {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        &format!("scenarios::generated::{name}"),
        "--exact",
        "--test-threads=1",
    ])
    .env("SHARESIM_SNAPSHOTS", snapshots)
    .env_remove("INSTA_FORCE_PASS")
    .env_remove("INSTA_OUTPUT");
    if ci {
        cmd.env("CI", "true").env_remove("INSTA_UPDATE");
    } else {
        cmd.env_remove("CI").env("INSTA_UPDATE", "always");
    }
    cmd.output().unwrap()
}

/// Every file under `dir` with its bytes.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn with_ci_true_nothing_is_written() {
    let name = "iam__principal_names_are_unique_per_account";
    let reviewed = std::fs::read_to_string(root().join(format!("snapshots/{name}.snap"))).unwrap();
    // A snapshot whose trace differs from the run's.
    let dir = tempdir("ci-differs");
    let stale = reviewed.replace("setup: ", "setup (stale): ");
    assert_ne!(stale, reviewed);
    std::fs::write(dir.join(format!("{name}.snap")), &stale).unwrap();
    let before = contents(&dir);
    let out = scenario_test(name, &dir, true);
    assert!(
        !out.status.success(),
        "a stale snapshot passed under CI=true"
    );
    assert_eq!(
        contents(&dir),
        before,
        "CI=true changed the snapshot directory"
    );
    // No snapshot at all.
    let empty = tempdir("ci-missing");
    let out = scenario_test(name, &empty, true);
    assert!(
        !out.status.success(),
        "a missing snapshot passed under CI=true"
    );
    assert!(
        contents(&empty).is_empty(),
        "CI=true wrote {:?}",
        contents(&empty)
    );
    // The control: accepting outside CI rewrites the stale snapshot to the reviewed one.
    let out = scenario_test(name, &dir, false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let rewritten = std::fs::read_to_string(dir.join(format!("{name}.snap"))).unwrap();
    assert_eq!(
        rewritten
            .split_once("\n---\n")
            .map(|(_, body)| body.to_owned()),
        reviewed
            .split_once("\n---\n")
            .map(|(_, body)| body.to_owned()),
    );
}
