//! Conformance: the reference model served over the protocol agrees with itself in process;
//! hostile implementations get a diagnosis and a non-zero exit, never a hang; a buggy one is
//! reported at the right step with a minimal reproduction; the checked-in JSON Schema is current.

use sharesim::conform::implementation::{ImplError, Implementation, PartialObservation};
use sharesim::conform::protocol::{Capabilities, ImplInfo, schema_json};
use sharesim::conform::reference::ReferenceImpl;
use sharesim::conform::runner::{ObserveMode, Options, Run, RunResult, run_suite};
use sharesim::conform::runs;
use sharesim::conform::subprocess::{CommandLine, Limits, SubprocessImpl};
use sharesim::step::StepOutcome;
use sharesim_core::{Call, WorldSpec};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sharesim");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn testing(script: &str) -> String {
    root()
        .join("adapters/testing")
        .join(script)
        .display()
        .to_string()
}

fn corpus() -> Vec<Run> {
    let mut all = runs::builtin().unwrap();
    all.extend(runs::scenarios(&root().join("scenarios")).unwrap());
    all
}

fn options() -> Options {
    Options {
        observe: ObserveMode::EveryStep,
        lenient: false,
        shrink: true,
    }
}

/// Runs `sharesim conform` with small limits; returns (exit code, stdout + stderr).
fn conform(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN)
        .arg("conform")
        .args(["--call-timeout-ms", "3000", "--total-timeout-s", "60"])
        .arg("--scenarios")
        .arg(root().join("scenarios"))
        .args(args)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_served_model_agrees_with_the_in_process_model_on_every_run() {
    let command = CommandLine::parse(BIN, &["serve".to_owned()], None).unwrap();
    let mut served = SubprocessImpl::spawn(&command, Limits::default()).unwrap();
    assert_eq!(served.info().name, "sharesim-reference");
    let mut all = corpus();
    all.extend(runs::generated(5, &Capabilities::everything()));
    let info = served.info().clone();
    let report = run_suite(&mut served, info, &all, &options());
    for run in &report.runs {
        assert!(
            matches!(run.result, RunResult::Passed { .. }),
            "{}: {:?}",
            run.name,
            run.result
        );
    }
    assert_eq!(report.runs.len(), all.len());
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn the_cli_passes_the_served_model() {
    let (code, out) = conform(&["--impl", BIN, "--impl-arg", "serve", "--seeds", "2"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("PASS     builtin/sc-account-share"), "{out}");
    assert!(out.contains("PASS     seed/2"), "{out}");
}

#[test]
fn an_implementation_that_never_answers_times_out() {
    let (code, out) = conform(&[
        "--impl",
        &format!("python3 {}", testing("sleep_forever.py")),
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("hello: no answer within the per-call limit of 3000 ms"),
        "{out}"
    );
    assert!(out.contains("runs (builtin/iam-basics …"), "{out}");
}

#[test]
fn the_total_time_limit_stops_a_hung_implementation() {
    let out = Command::new(BIN)
        .args([
            "conform",
            "--call-timeout-ms",
            "600000",
            "--total-timeout-s",
            "1",
        ])
        .args([
            "--impl",
            "python3",
            "--impl-arg",
            &testing("sleep_forever.py"),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("the total time limit of 1 s ran out"),
        "{text}"
    );
}

#[test]
fn an_implementation_that_exits_at_once_is_diagnosed_with_its_status_and_stderr() {
    let (code, out) = conform(&["--impl", "sh", "--impl-arg", &testing("exit_at_once.sh")]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("exited (exit status: 3)"), "{out}");
    assert!(out.contains("exit_at_once: giving up"), "{out}");
}

#[test]
fn garbage_is_quoted_in_the_diagnosis() {
    let (code, out) = conform(&["--impl", &format!("python3 {}", testing("garbage.py"))]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("not a protocol message"), "{out}");
    assert!(
        out.contains("\"Traceback (most recent call last): this is not a protocol message\""),
        "{out}"
    );
}

#[test]
fn another_protocol_version_is_refused() {
    let command = CommandLine::parse("python3", &[testing("other_version.py")], None).unwrap();
    let err = SubprocessImpl::spawn(&command, Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ImplError::Version {
                theirs: 99,
                ours: 1,
                ..
            }
        ),
        "{err}"
    );
    let (code, out) = conform(&[
        "--impl",
        &format!("python3 {}", testing("other_version.py")),
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("speaks protocol version 99, this runner speaks 1"),
        "{out}"
    );
}

#[test]
fn closing_stdout_mid_run_keeps_what_was_learned() {
    // The proxy answers 12 calls (builtin/iam-basics) and closes its output on the 13th.
    let (code, out) = conform(&[
        "--impl",
        "python3",
        "--impl-arg",
        &testing("close_stdout.py"),
        "--impl-arg",
        BIN,
        "--impl-arg",
        "12",
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("PASS     builtin/iam-basics"), "{out}");
    assert!(
        out.contains("BROKEN   builtin/org-tree at step 1 (closed-output)"),
        "{out}"
    );
    assert!(out.contains("runs (builtin/sc-portfolio-crud …"), "{out}");
}

#[test]
fn a_buggy_implementation_is_reported_at_the_step_with_a_minimal_reproduction() {
    let dir = tempdir("buggy");
    let junit = dir.join("report.xml");
    let matrix = dir.join("matrix.md");
    let (code, out) = conform(&[
        "--filter",
        "builtin/",
        "--impl",
        "python3 buggy_proxy.py",
        "--impl-arg",
        BIN,
        "--cwd",
        &root().join("adapters/testing").display().to_string(),
        "--junit",
        &junit.display().to_string(),
        "--matrix",
        &matrix.display().to_string(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("DIVERGED builtin/sc-account-share at step 4 (CreatePortfolioShare, outcome)"),
        "{out}"
    );
    assert!(
        out.contains("reference:      {\"Err\":{\"exception\":\"ResourceNotFoundException\"}}"),
        "{out}"
    );
    assert!(out.contains("implementation: {\"Ok\":\"Empty\"}"), "{out}");
    // Shrinking keeps only the call that diverges: the earlier portfolio and shares are not
    // needed to show it.
    assert!(out.contains("reproduction (1 of 4 calls)"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<failure type=\"divergence\" message=\"step 4 (CreatePortfolioShare): outcome differs\">"), "{xml}");
    assert!(
        xml.contains("<testcase classname=\"sharesim.conform\" name=\"builtin/iam-basics\"/>"),
        "{xml}"
    );
    // Written atomically: no temporary file is left beside the reports.
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["matrix.md", "report.xml"]);
    let md = std::fs::read_to_string(&matrix).unwrap();
    assert!(
        md.contains("| builtin/sc-account-share | diverged | 4 |"),
        "{md}"
    );
    // Reports are never overwritten without --force.
    let before = std::fs::read_to_string(&junit).unwrap();
    let (code, out) = conform(&[
        "--impl",
        BIN,
        "--impl-arg",
        "serve",
        "--junit",
        &junit.display().to_string(),
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("exists; pass --force"), "{out}");
    assert_eq!(std::fs::read_to_string(&junit).unwrap(), before);
    let (code, out) = conform(&[
        "--impl",
        BIN,
        "--impl-arg",
        "serve",
        "--junit",
        &junit.display().to_string(),
        "--force",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        !std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<failure")
    );
}

#[test]
fn the_reproduction_is_a_scenario_the_model_passes() {
    let mut buggy = FlipShare(ReferenceImpl::new());
    // The built-in runs only: the scenario corpus grows, and more of it may catch the same bug;
    // this test is about the one divergence of builtin/sc-account-share and its reproduction.
    let builtin = runs::builtin().unwrap();
    let report = run_suite(&mut buggy, ImplInfo::default(), &builtin, &options());
    let diverged: Vec<_> = report
        .runs
        .iter()
        .filter_map(|r| match &r.result {
            RunResult::Diverged(d) => Some(d),
            _ => None,
        })
        .collect();
    assert_eq!(diverged.len(), 1, "{report:?}");
    let d = diverged[0];
    assert_eq!((d.step, d.op.as_str()), (4, "CreatePortfolioShare"));
    let scenario =
        sharesim::scenario::load::parse(&d.reproduction, Path::new("repro.ron")).unwrap();
    let checker = sharesim::checks(&sharesim_core::Quotas::default());
    let run = sharesim::scenario::run::run(&scenario, "repro", checker.as_ref());
    assert!(run.failures.is_empty(), "{:?}", run.failures);
    assert_eq!(report.exit_code(), 1);
}

/// An in-process buggy implementation: CreatePortfolioShare of a missing portfolio succeeds.
struct FlipShare(ReferenceImpl);

impl Implementation for FlipShare {
    fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }
    fn reset(&mut self, spec: &WorldSpec) -> Result<(), ImplError> {
        self.0.reset(spec)
    }
    fn call(&mut self, call: &Call) -> Result<StepOutcome, ImplError> {
        let outcome = self.0.call(call)?;
        if call.op.kind().name() == "CreatePortfolioShare"
            && outcome.exception() == Some("ResourceNotFoundException")
        {
            return Ok(StepOutcome::Ok(sharesim_core::Response::Empty));
        }
        Ok(outcome)
    }
    fn observe(&mut self) -> Result<PartialObservation, ImplError> {
        self.0.observe()
    }
}

/// An in-process implementation that forgets IAM users in its observation.
struct ForgetsUsers(ReferenceImpl);

impl Implementation for ForgetsUsers {
    fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }
    fn reset(&mut self, spec: &WorldSpec) -> Result<(), ImplError> {
        self.0.reset(spec)
    }
    fn call(&mut self, call: &Call) -> Result<StepOutcome, ImplError> {
        self.0.call(call)
    }
    fn observe(&mut self) -> Result<PartialObservation, ImplError> {
        let mut obs = self.0.observe()?;
        if let Some(accounts) = obs.0.get_mut("accounts").and_then(|a| a.as_object_mut()) {
            for account in accounts.values_mut() {
                account["iam"]["users"] = serde_json::json!([]);
            }
        }
        Ok(obs)
    }
}

#[test]
fn an_observation_divergence_names_the_path() {
    let runs: Vec<Run> = corpus()
        .into_iter()
        .filter(|r| r.name == "builtin/iam-basics")
        .collect();
    let report = run_suite(
        &mut ForgetsUsers(ReferenceImpl::new()),
        ImplInfo::default(),
        &runs,
        &options(),
    );
    let RunResult::Diverged(d) = &report.runs[0].result else {
        panic!("{report:?}");
    };
    // Step 3 is CreateUser: its outcome agrees, the observation after it does not.
    assert_eq!((d.step, d.what.as_str()), (3, "observation"));
    assert_eq!(d.differences[0].path, "accounts.hub.iam.users");
    assert_eq!(d.differences[0].reference, serde_json::json!(["alice"]));
}

/// A partial implementation: IAM only, no observation, declines users named "bob".
struct IamOnly(ReferenceImpl);

impl Implementation for IamOnly {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            ops: [
                "CreateRole",
                "DeleteRole",
                "CreateUser",
                "DeleteUser",
                "CreateGroup",
                "DeleteGroup",
                "AddUserToGroup",
                "RemoveUserFromGroup",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            observe: Vec::new(),
            config: false,
        }
    }
    fn reset(&mut self, spec: &WorldSpec) -> Result<(), ImplError> {
        self.0.reset(spec)
    }
    fn call(&mut self, call: &Call) -> Result<StepOutcome, ImplError> {
        if format!("{:?}", call.op).contains("\"bob\"") {
            return Err(ImplError::Unsupported {
                request: "call".into(),
                reason: "no bob here".into(),
            });
        }
        self.0.call(call)
    }
    fn observe(&mut self) -> Result<PartialObservation, ImplError> {
        Err(ImplError::State {
            request: "observe".into(),
            reason: "never asked".into(),
        })
    }
}

#[test]
fn runs_needing_what_an_implementation_lacks_are_not_applicable() {
    // The built-in runs only: the scenario corpus grows, and some of it may need IAM alone.
    let builtin = runs::builtin().unwrap();
    let report = run_suite(
        &mut IamOnly(ReferenceImpl::new()),
        ImplInfo::default(),
        &builtin,
        &options(),
    );
    for run in &report.runs {
        match run.name.as_str() {
            // Step 6 adds "bob" to a group, which this implementation declines.
            "builtin/iam-basics" => assert_eq!(
                run.result,
                RunResult::NotApplicable {
                    reason: "call: not supported by the implementation: no bob here".into(),
                    step: Some(6)
                }
            ),
            // Only IAM calls, no "bob": runs fully (outcomes only, no observation).
            "builtin/iam-happy-path" => assert!(
                matches!(
                    run.result,
                    RunResult::Passed {
                        steps: 9,
                        observations: 0,
                        ..
                    }
                ),
                "{:?}",
                run.result
            ),
            // An IAM scenario that makes only IAM calls runs fully, like iam-happy-path; the
            // others need more than IAM.
            name if name.starts_with("scenarios/iam/") => assert!(
                matches!(
                    &run.result,
                    RunResult::Passed {
                        observations: 0,
                        ..
                    }
                ) || matches!(&run.result, RunResult::NotApplicable { reason, step: None } if reason.starts_with("needs ")),
                "{name}: {:?}",
                run.result
            ),
            _ => assert!(
                matches!(&run.result, RunResult::NotApplicable { reason, step: None } if reason.starts_with("needs ")),
                "{}: {:?}",
                run.name,
                run.result
            ),
        }
    }
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn json_output_is_one_document_with_the_summary() {
    let (code, out) = conform(&[
        "--impl",
        BIN,
        "--impl-arg",
        "serve",
        "--format",
        "json",
        "--filter",
        "builtin/",
    ]);
    assert_eq!(code, 0, "{out}");
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["exit_code"], 0);
    assert_eq!(value["summary"]["total"], value["summary"]["passed"]);
    assert_eq!(
        value["report"]["implementation"]["name"],
        "sharesim-reference"
    );
}

#[test]
fn the_checked_in_schema_is_current() {
    let path = root().join("docs/protocol.schema.json");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == schema_json(),
        "docs/protocol.schema.json is out of date with the protocol types; regenerate it with\n\n    cargo run -- conform --print-schema > docs/protocol.schema.json\n"
    );
}

/// A fresh directory under the target directory for one test's files.
fn tempdir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("conform-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An implementation that answers like real AWS where RULES.md §3 allows it: Image Builder
/// "not found" as ClientException, and unsharing a resource a consumer depends on as an
/// accepted call whose disassociation fails later (A-12: the state does not change).
struct AwsLike(ReferenceImpl);

impl Implementation for AwsLike {
    fn capabilities(&self) -> Capabilities {
        self.0.capabilities()
    }
    fn reset(&mut self, spec: &WorldSpec) -> Result<(), ImplError> {
        self.0.reset(spec)
    }
    fn call(&mut self, call: &Call) -> Result<StepOutcome, ImplError> {
        let outcome = self.0.call(call)?;
        let kind = call.op.kind().name();
        Ok(match outcome.exception() {
            Some("ResourceNotFoundException") if kind == "GetComponent" => StepOutcome::Err {
                exception: "ClientException".into(),
            },
            Some("OperationNotPermittedException")
                if kind == "DisassociateResourceShare"
                    && self.0.last_rules().contains(&"IB-15") =>
            {
                StepOutcome::Ok(sharesim_core::Response::Empty)
            }
            _ => outcome,
        })
    }
    fn observe(&mut self) -> Result<PartialObservation, ImplError> {
        self.0.observe()
    }
}

#[test]
fn implementation_defined_cases_are_accepted_and_named() {
    let runs: Vec<Run> = runs::builtin()
        .unwrap()
        .into_iter()
        .filter(|r| r.name == "builtin/ib-unshare-with-dependents")
        .collect();
    // Strict: A-34 is accepted at step 6, but the A-12 success at step 5 is a divergence.
    let strict = run_suite(
        &mut AwsLike(ReferenceImpl::new()),
        ImplInfo::default(),
        &runs,
        &options(),
    );
    let RunResult::Diverged(d) = &strict.runs[0].result else {
        panic!("{strict:?}");
    };
    assert_eq!((d.step, d.op.as_str()), (5, "DisassociateResourceShare"));
    // Lenient: both are accepted, and the observation after the accepted unshare must (and does)
    // still show the association.
    let lenient = Options {
        lenient: true,
        ..options()
    };
    let report = run_suite(
        &mut AwsLike(ReferenceImpl::new()),
        ImplInfo::default(),
        &runs,
        &lenient,
    );
    assert_eq!(
        report.runs[0].result,
        RunResult::Passed {
            steps: 8,
            observations: 8,
            allowed: vec![(5, "A-12".to_owned()), (6, "A-34".to_owned())],
        }
    );
}
