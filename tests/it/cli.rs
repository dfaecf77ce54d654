//! The command line as a CI job and a user meet it (issue #9): every subcommand has examples in
//! `--help` and every report-printing one a `--format json`; `sharesim check` exits 0 on a
//! passing suite, 1 on a failing one or a zoo fault (printing the shrunk scenario and a reproduce
//! line that names the fault), 2 on a suite it cannot read; bad arguments are refused with a
//! message, never a panic; a finding or report that cannot be written is printed instead, and an
//! existing file is never replaced without `--force`.

use super::scenarios::root;
use clap::CommandFactory;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sharesim");

/// A fresh directory under the target directory for one test's files.
fn tempdir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sharesim(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scenario directory holding one passing scenario (and, with `broken`, one failing one).
fn suite(name: &str, broken: bool) -> PathBuf {
    let dir = tempdir(name);
    std::fs::copy(
        root().join("scenarios/sc/share_import_and_launch.ron"),
        dir.join("share_import_and_launch.ron"),
    )
    .unwrap();
    if broken {
        std::fs::write(
            dir.join("broken.ron"),
            r#"Scenario(
    description: "An expectation that does not hold.",
    rules: ["SC-01"],
    world: (accounts: ["hub"]),
    steps: [
        Call(account: "hub", op: CreatePortfolio(portfolio: "base"), expect: Error("LimitExceededException")),
    ],
)
"#,
        )
        .unwrap();
    }
    dir
}

#[test]
fn every_subcommand_has_examples_and_every_report_a_json_format() {
    let cli = sharesim::cli::Cli::command();
    let mut names = Vec::new();
    for sub in cli.get_subcommands() {
        let name = sub.get_name().to_owned();
        let after = sub
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(
            after.contains("Examples:") && after.contains(&format!("sharesim {name}")),
            "`sharesim {name} --help` shows no examples of itself"
        );
        names.push(name);
    }
    for name in [
        "check",
        "run",
        "coverage",
        "fuzz",
        "selftest",
        "conform",
        "import-crash",
    ] {
        let sub = cli
            .find_subcommand(name)
            .unwrap_or_else(|| panic!("no subcommand {name} in {names:?}"));
        let format = sub.get_arguments().find(|a| a.get_long() == Some("format"));
        let values: Vec<String> = format
            .map(|a| {
                a.get_possible_values()
                    .iter()
                    .map(|v| v.get_name().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            values.iter().any(|v| v == "json"),
            "`sharesim {name}` prints a report but has no --format json"
        );
    }
}

#[test]
fn check_exits_0_on_a_passing_suite_and_prints_the_summary() {
    let dir = suite("pass", false);
    let out = sharesim(&[
        "check",
        "--scenarios",
        dir.to_str().unwrap(),
        "--steps",
        "200",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    for row in [
        "scenarios passed",
        "rules covered",
        "steps explored",
        "violations",
        "time",
    ] {
        assert!(stdout.contains(row), "no `{row}` row in:\n{stdout}");
    }
    assert!(stdout.contains("       1 / 1"), "{stdout}");
    assert!(stdout.trim_end().ends_with("ok"), "{stdout}");
}

#[test]
fn check_exits_1_on_a_failing_scenario_and_json_says_which() {
    let dir = suite("fail", true);
    let out = sharesim(&[
        "check",
        "--scenarios",
        dir.to_str().unwrap(),
        "--steps",
        "0",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["scenarios"], 2);
    assert_eq!(json["scenarios_passed"], 1);
    assert_eq!(json["violations"], 1);
    assert_eq!(json["steps_explored"], 0);
    assert!(json["failures"]["broken"].is_array(), "{json}");
}

#[test]
fn check_exits_2_when_there_is_no_suite() {
    let empty = tempdir("empty");
    let out = sharesim(&["check", "--scenarios", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(&format!("no .ron scenario under {}", empty.display())),
        "{}",
        text(&out.stderr)
    );
    let missing = empty.join("missing");
    let out = sharesim(&["coverage", "--scenarios", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(missing.to_str().unwrap()),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_with_a_zoo_fault_fails_with_a_shrunk_scenario_and_a_reproduce_line() {
    let dir = suite("fault", false);
    let out = sharesim(&[
        "check",
        "--scenarios",
        dir.to_str().unwrap(),
        "--fault",
        "share-leaks-region",
        "--steps",
        "1000",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = &json["explorer_failure"];
    let reproduce = found["failure"]["reproduce"].as_str().unwrap();
    assert!(
        reproduce.starts_with("sharesim fuzz --seed ")
            && reproduce.ends_with("--fault share-leaks-region"),
        "{reproduce}"
    );
    let scenario = found["shrink"]["scenario"].as_str().unwrap();
    assert!(scenario.contains("Scenario("), "{scenario}");
    assert!(
        found["shrink"]["shrunk_calls"].as_u64().unwrap() <= 6,
        "{found}"
    );
}

#[test]
fn bad_arguments_are_refused_with_a_message_not_a_panic() {
    let cases: &[(&[&str], &str)] = &[
        (&["check", "--time", "xs"], "invalid duration"),
        (&["check", "--time", "3q"], "invalid duration unit"),
        (&["fuzz", "--time", "-1s"], "invalid duration"),
        (&["fuzz", "--swarm", "bogus"], "invalid swarm profile"),
        (&["fuzz", "--fault", "bogus"], "the zoo has:"),
        (
            &["run", "/nonexistent/sharesim.ron"],
            "/nonexistent/sharesim.ron",
        ),
        (
            &["import-crash", "/nonexistent/crash-1"],
            "/nonexistent/crash-1",
        ),
        (&["conform", "--impl", "\"unbalanced"], "unbalanced quotes"),
        (&["fuzz", "--episode", "0"], "must be at least 1"),
        (&["check", "--steps-per-seed", "0"], "must be at least 1"),
        (&["check", "--steps-per-seed", "many"], "invalid count"),
        (&["selftest", "--runs", "0"], "--runs"),
    ];
    for (args, expected) in cases {
        let out = sharesim(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_finding_that_cannot_be_written_is_printed_instead() {
    let dir = tempdir("unwritable");
    // A file where the regression directory should be.
    let out_path = dir.join("not-a-directory");
    std::fs::write(&out_path, "keep").unwrap();
    let out = sharesim(&[
        "fuzz",
        "--fault",
        "share-leaks-region",
        "--steps",
        "1000",
        "--out",
        out_path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let shrink = &json["shrink"];
    assert!(
        shrink["write_error"]
            .as_str()
            .unwrap()
            .contains("not-a-directory"),
        "{shrink}"
    );
    assert!(shrink["scenario"].as_str().unwrap().contains("Scenario("));
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), "keep");
}

#[test]
fn a_report_path_that_cannot_be_written_is_refused_before_the_run() {
    let dir = tempdir("report");
    let junit = dir.join("missing-dir/conform.xml");
    let out = sharesim(&[
        "conform",
        "--impl",
        &format!("{BIN} serve"),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "the suite ran: {}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("does not exist"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn reports_are_written_atomically_and_replace_nothing_without_force() {
    use sharesim::conform::report::{WriteError, write_atomically};
    let dir = tempdir("atomic");
    let path = dir.join("report.md");
    write_atomically(&path, "first", false).unwrap();
    let again = write_atomically(&path, "second", false);
    assert!(matches!(again, Err(WriteError::Exists(_))), "{again:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
    write_atomically(&path, "third", true).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "third");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["report.md"], "a temporary file was left behind");
}

#[test]
fn run_and_import_crash_print_json() {
    let dir = suite("json", true);
    let out = sharesim(&["run", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let passed: Vec<bool> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["passed"].as_bool().unwrap())
        .collect();
    assert_eq!(passed, [false, true]);
    let artifact = Path::new("/nonexistent/crash-2");
    let out = sharesim(&[
        "import-crash",
        artifact.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        json["error"].as_str().unwrap().contains("cannot read"),
        "{json}"
    );
}
