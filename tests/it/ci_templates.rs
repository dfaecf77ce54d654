//! The CI templates users copy (.github/workflows/, .clusterfuzzlite/) are checked here, because
//! nothing else runs them before a user does: the YAML parses and has the shape GitHub Actions
//! needs, the `sharesim check` flags they pass exist, .clusterfuzzlite/build.sh is valid bash and
//! copies exactly the fuzz targets of fuzz/fuzz_targets/ (run against a stand-in `cargo`), and
//! the nightly step that collects a shrunk scenario makes a loadable RON file of a real report. That
//! the nextest shards cover every scenario test exactly once is checked by .ci/partition-check,
//! which needs cargo-nextest and a built workspace, so it runs from .ci/run, not here.

use super::scenarios::root;
use clap::CommandFactory;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workflow templates.
fn workflows() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Every YAML file of the templates.
fn yaml_files() -> Vec<PathBuf> {
    let mut files = workflows();
    files.push(root().join(".clusterfuzzlite/project.yaml"));
    files
}

/// The top-level keys of a YAML mapping, read from lines that start in column 0.
fn top_level_keys(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with([' ', '#', '-']) && !l.is_empty())
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim().to_owned()))
        .collect()
}

#[test]
fn the_templates_exist() {
    let names: BTreeSet<String> = workflows()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in ["pr.yml", "nightly.yml", "cflite_pr.yml", "cflite_batch.yml"] {
        assert!(names.contains(expected), "missing workflow {expected}");
    }
    for file in ["build.sh", "project.yaml", "Dockerfile"] {
        assert!(
            root().join(".clusterfuzzlite").join(file).is_file(),
            "missing .clusterfuzzlite/{file}"
        );
    }
}

#[test]
fn workflows_have_the_shape_github_actions_reads() {
    for file in workflows() {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains('\t'),
            "{}: YAML forbids tabs",
            file.display()
        );
        let keys = top_level_keys(&text);
        for key in ["name", "on", "jobs", "permissions"] {
            assert!(
                keys.contains(key),
                "{}: no top-level `{key}:` (found {keys:?})",
                file.display()
            );
        }
    }
}

/// A Python program that parses every file given and checks the top-level shape; YAML 1.1 (what
/// PyYAML reads) turns the key `on` into `true`, which it accepts as GitHub does.
const PARSE: &str = r#"
import sys, yaml
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path))
    assert isinstance(doc, dict), f"{path}: not a mapping"
    if "/workflows/" in path:
        assert "on" in doc or True in doc, f"{path}: no trigger"
        jobs = doc.get("jobs")
        assert isinstance(jobs, dict) and jobs, f"{path}: no jobs"
        for name, job in jobs.items():
            assert "runs-on" in job, f"{path}: job {name} has no runs-on"
            steps = job.get("steps")
            assert isinstance(steps, list) and steps, f"{path}: job {name} has no steps"
            for step in steps:
                assert ("run" in step) != ("uses" in step), f"{path}: {name}: step {step} needs run or uses"
    else:
        assert doc.get("language") == "rust", f"{path}: language must be rust"
print("parsed", len(sys.argv) - 1)
"#;

#[test]
fn yaml_parses_when_python_yaml_is_available() {
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(PARSE).args(yaml_files());
    let Ok(out) = cmd.output() else {
        eprintln!("python3 is not installed: only the structural checks ran");
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named 'yaml'") {
        eprintln!("python3 has no yaml module: only the structural checks ran");
        return;
    }
    assert!(out.status.success(), "YAML check failed:\n{stderr}");
}

/// The long options of `sharesim check`.
fn check_flags() -> BTreeSet<String> {
    let cli = sharesim::cli::Cli::command();
    let check = cli.find_subcommand("check").unwrap();
    check
        .get_arguments()
        .filter_map(|a| a.get_long())
        .map(|l| format!("--{l}"))
        .chain(["--help".to_owned()])
        .collect()
}

#[test]
fn sharesim_check_invocations_use_existing_flags() {
    let known = check_flags();
    let mut seen = 0;
    for file in workflows() {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut in_call = false;
        for line in text.lines() {
            // An invocation starts with `-- check` and continues over lines ending in `\`.
            if let Some((_, rest)) = line.split_once("-- check") {
                in_call = true;
                seen += 1;
                check_words(&file, rest, &known);
            } else if in_call {
                check_words(&file, line, &known);
            }
            if !line.trim_end().ends_with('\\') {
                in_call = false;
            }
        }
    }
    assert!(
        seen >= 2,
        "expected sharesim check in pr.yml and nightly.yml"
    );
}

fn check_words(file: &Path, text: &str, known: &BTreeSet<String>) {
    for word in text.split_whitespace() {
        let flag = word.split('=').next().unwrap_or(word);
        if flag.starts_with("--") && flag.len() > 2 {
            assert!(
                known.contains(flag),
                "{}: sharesim check has no flag {flag} (known: {known:?})",
                file.display()
            );
        }
    }
}

#[test]
fn build_sh_is_valid_bash() {
    let out = Command::new("bash")
        .arg("-n")
        .arg(root().join(".clusterfuzzlite/build.sh"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash -n .clusterfuzzlite/build.sh:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fuzz targets, by file name; two made-up names while the fuzz crate has none, so the
/// script's copying is checked either way.
fn fuzz_targets() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("fuzz/fuzz_targets"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        names = vec!["target_one".to_owned(), "target_two".to_owned()];
    }
    names.sort();
    names
}

/// A stand-in `cargo` for build.sh: it records its arguments and, for `cargo fuzz build`, writes
/// one binary per fuzz/fuzz_targets/*.rs where cargo-fuzz puts them, plus a binary that is not a
/// target (which build.sh must not copy). A stand-in `zip` records the seed corpora.
const STUB_CARGO: &str = r#"#!/bin/bash
set -eu
echo "$*" >>"$STUB_LOG"
[ "$1 $2" = "fuzz build" ] || exit 3
dir=fuzz/target/x86_64-unknown-linux-gnu/release
mkdir -p "$dir"
for f in fuzz/fuzz_targets/*.rs; do echo bin >"$dir/$(basename "$f" .rs)"; done
echo bin >"$dir/not_a_target"
"#;

const STUB_ZIP: &str = r#"#!/bin/bash
set -eu
echo "zip $*" >>"$STUB_LOG"
echo zip >"$2"
"#;

#[test]
fn build_sh_copies_exactly_the_fuzz_targets() {
    use std::os::unix::fs::PermissionsExt;
    let base = std::env::temp_dir().join(format!("sharesim-cflite-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (src, out, bin) = (base.join("src"), base.join("out"), base.join("bin"));
    let targets_dir = src.join("sharesim/fuzz/fuzz_targets");
    std::fs::create_dir_all(&targets_dir).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    let targets = fuzz_targets();
    for name in &targets {
        std::fs::write(targets_dir.join(format!("{name}.rs")), "").unwrap();
    }
    // The first target has a corpus, which becomes its seed corpus.
    let corpus = src.join("sharesim/fuzz/corpus").join(&targets[0]);
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("input"), "x").unwrap();
    for (name, text) in [("cargo", STUB_CARGO), ("zip", STUB_ZIP)] {
        let path = bin.join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let log = base.join("log");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let result = Command::new("bash")
        .arg(root().join(".clusterfuzzlite/build.sh"))
        .env("SRC", &src)
        .env("OUT", &out)
        .env("PATH", path)
        .env("STUB_LOG", &log)
        .output()
        .unwrap();
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        result.status.success(),
        "build.sh failed:\n{}\n{log_text}",
        String::from_utf8_lossy(&result.stderr)
    );
    let copied: BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut expected: BTreeSet<String> = targets.iter().cloned().collect();
    expected.insert(format!("{}_seed_corpus.zip", targets[0]));
    assert_eq!(copied, expected);
    assert!(
        log_text.starts_with("fuzz build -O"),
        "build.sh must build with `cargo fuzz build -O`: {log_text}"
    );
    std::fs::remove_dir_all(&base).unwrap();
}

/// The script of the step named `name` in a workflow: the block under its `run: |`, dedented.
fn step_script(workflow: &str, name: &str) -> String {
    let lines: Vec<&str> = workflow.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_start() == format!("- name: {name}"))
        .unwrap_or_else(|| panic!("no step named {name:?}"));
    let run = (start..lines.len())
        .find(|&i| lines[i].trim_start() == "run: |")
        .unwrap_or_else(|| panic!("step {name:?} has no `run: |` block"));
    let key_indent = lines[run].len() - lines[run].trim_start().len();
    let body: Vec<&str> = lines[run + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > key_indent)
        .copied()
        .collect();
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The nightly explorer job uploads the shrunk scenario of a failure as a RON file that loads as
/// a scenario (from a real `sharesim check --format json` report with a zoo fault on), and
/// nothing when the run passed. Needs jq, as the job does (GitHub's runners have it).
#[test]
fn the_nightly_job_turns_a_check_report_into_a_ron_regression() {
    if Command::new("jq").arg("--version").output().is_err() {
        eprintln!("jq is not installed: the nightly collection step was not run");
        return;
    }
    let workflow = std::fs::read_to_string(root().join(".github/workflows/nightly.yml")).unwrap();
    let script = step_script(&workflow, "Collect the shrunk scenario as RON");
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nightly-collect");
    let _ = std::fs::remove_dir_all(&base);
    let suite = base.join("suite");
    std::fs::create_dir_all(&suite).unwrap();
    std::fs::copy(
        root().join("scenarios/sc/share_import_and_launch.ron"),
        suite.join("one.ron"),
    )
    .unwrap();
    for (dir, fault) in [("failing", Some("share-leaks-region")), ("passing", None)] {
        let work = base.join(dir);
        std::fs::create_dir_all(&work).unwrap();
        let mut check = Command::new(env!("CARGO_BIN_EXE_sharesim"));
        check.args([
            "check",
            "--steps",
            "1000",
            "--format",
            "json",
            "--scenarios",
        ]);
        check.arg(&suite);
        if let Some(fault) = fault {
            check.args(["--fault", fault]);
        }
        let report = check.output().unwrap();
        std::fs::write(work.join("check-report.json"), &report.stdout).unwrap();
        let out = Command::new("bash")
            .args(["-euo", "pipefail", "-c", &script])
            .current_dir(&work)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the step failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ron: Vec<PathBuf> = std::fs::read_dir(work.join("regressions"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
        if fault.is_none() {
            assert!(ron.is_empty(), "a passing run uploaded {ron:?}");
            continue;
        }
        assert_eq!(ron.len(), 1, "{ron:?}");
        let scenario = sharesim::scenario::load::load(&ron[0])
            .unwrap_or_else(|e| panic!("{} does not load: {e}", ron[0].display()));
        let found_by = scenario
            .found_by
            .expect("a regression says how it was found");
        assert_eq!(found_by.driver, "explorer");
        assert!(
            ron[0]
                .to_string_lossy()
                .ends_with(&format!("explorer-seed-{}.ron", found_by.seed)),
            "{}",
            ron[0].display()
        );
    }
    std::fs::remove_dir_all(&base).unwrap();
}
