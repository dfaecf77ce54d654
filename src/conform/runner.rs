//! The lockstep runner: the reference model and an implementation apply the same calls step by
//! step; the first step where their outcomes (or declared observations) differ after
//! normalisation is the divergence, reported with both sides and a reproduction.
//!
//! A run that needs an operation kind or a configuration the implementation does not declare,
//! or that the implementation declines (`unsupported`), is "not applicable", never failed. A
//! fatal implementation error (crash, hang, garbage) stops the suite: the runs so far keep their
//! results, the failing run is "broken" with the diagnosis, and the rest are "not run".

use crate::conform::implementation::{ImplError, Implementation};
use crate::conform::normalize::{
    Difference, Renamer, Verdict, compare_outcomes, differences, project,
};
use crate::conform::protocol::{Capabilities, ImplInfo, PROTOCOL_VERSION};
use crate::conform::reference::ReferenceImpl;
use crate::scenario::{CallStep, Expect, FoundBy, Scenario, Step, WorldDef};
use crate::step::StepOutcome;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sharesim_core::op::Principal;
use sharesim_core::{Call, Config, OpKind, WorldSpec};
use std::collections::{BTreeMap, BTreeSet};

/// One run: a world and the calls to apply to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    /// A stable name (`builtin/sc-share`, `seed/3`, a scenario path).
    pub name: String,
    /// The starting world.
    pub spec: WorldSpec,
    /// The calls, in order.
    pub calls: Vec<Call>,
}

/// When observations are compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ObserveMode {
    /// After every step (finds the first step whose state differs).
    #[default]
    EveryStep,
    /// Once, after the last step.
    End,
    /// Never (outcomes only).
    Never,
}

/// How runs are compared.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// When to compare observations (if the implementation supports `observe`).
    pub observe: ObserveMode,
    /// Accept the lenient-only implementation-defined cases.
    pub lenient: bool,
    /// Shrink a divergence's reproduction by dropping earlier calls that are not needed.
    pub shrink: bool,
}

/// The result of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum RunResult {
    /// Every step agreed.
    Passed {
        /// Calls compared.
        steps: usize,
        /// Observations compared.
        observations: usize,
        /// Steps accepted under an implementation-defined case: (1-based step, case id).
        allowed: Vec<(usize, String)>,
    },
    /// The run needs something the implementation does not support.
    NotApplicable {
        /// What is missing.
        reason: String,
        /// The 1-based step the implementation declined, when it declined mid-run.
        #[serde(skip_serializing_if = "Option::is_none")]
        step: Option<usize>,
    },
    /// The first divergence.
    Diverged(Box<Divergence>),
    /// The implementation failed (crash, timeout, bad message): the suite stopped here.
    Broken {
        /// The 1-based step, or none for reset/hello.
        #[serde(skip_serializing_if = "Option::is_none")]
        step: Option<usize>,
        /// The error class (`timeout`, `exited`, `bad-message` ...).
        class: String,
        /// The diagnosis, naming the request and the raw line.
        diagnosis: String,
    },
    /// Not run because the implementation failed earlier.
    NotRun {
        /// Why.
        reason: String,
    },
}

impl RunResult {
    /// A one-word label.
    pub fn label(&self) -> &'static str {
        match self {
            RunResult::Passed { .. } => "passed",
            RunResult::NotApplicable { .. } => "not applicable",
            RunResult::Diverged(_) => "diverged",
            RunResult::Broken { .. } => "broken",
            RunResult::NotRun { .. } => "not run",
        }
    }
}

/// The first step where the implementation and the reference disagree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Divergence {
    /// The 1-based step.
    pub step: usize,
    /// The operation kind of the step's call.
    pub op: String,
    /// `outcome` or `observation`.
    pub what: String,
    /// The call.
    pub call: Call,
    /// The reference's normalised outcome (for an outcome divergence).
    pub reference: Value,
    /// The implementation's normalised outcome (for an outcome divergence).
    pub implementation: Value,
    /// The differing paths (for an observation divergence; at most 20).
    pub differences: Vec<Difference>,
    /// A RON reproduction: the world and the calls up to the divergent one.
    pub reproduction: String,
    /// Calls in the reproduction (at most `step`; fewer when shrinking dropped some).
    pub reproduction_calls: usize,
    /// The reference's outcome of the reproduction's last call (its expectation).
    #[serde(skip)]
    pub expected: Option<StepOutcome>,
}

/// Per operation kind: how many calls agreed, were allowed, diverged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Equal after normalisation.
    pub agreed: usize,
    /// Accepted under an implementation-defined case.
    pub allowed: usize,
    /// Different.
    pub diverged: usize,
}

/// One run's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// The run's name.
    pub name: String,
    /// Its result.
    #[serde(flatten)]
    pub result: RunResult,
    /// Calls compared per operation kind.
    pub ops: BTreeMap<String, Tally>,
}

/// The whole suite's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The protocol version.
    pub protocol: u32,
    /// Who answered.
    pub implementation: ImplInfo,
    /// What it declared.
    pub capabilities: Capabilities,
    /// Options that change verdicts.
    pub lenient: bool,
    /// When observations were compared.
    pub observe: ObserveMode,
    /// Every run, in order.
    pub runs: Vec<RunReport>,
    /// The diagnosis that stopped the suite, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fatal: Option<String>,
}

/// Counts per result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Runs.
    pub total: usize,
    /// Passed.
    pub passed: usize,
    /// Not applicable.
    pub not_applicable: usize,
    /// Diverged.
    pub diverged: usize,
    /// Broken.
    pub broken: usize,
    /// Not run.
    pub not_run: usize,
}

impl Report {
    /// Counts per result.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            total: self.runs.len(),
            ..Summary::default()
        };
        for run in &self.runs {
            match run.result {
                RunResult::Passed { .. } => s.passed += 1,
                RunResult::NotApplicable { .. } => s.not_applicable += 1,
                RunResult::Diverged(_) => s.diverged += 1,
                RunResult::Broken { .. } => s.broken += 1,
                RunResult::NotRun { .. } => s.not_run += 1,
            }
        }
        s
    }

    /// The process exit code: 0 when nothing diverged or broke, 1 on a divergence, 3 when the
    /// implementation failed (2 is left to usage errors).
    pub fn exit_code(&self) -> u8 {
        let s = self.summary();
        if s.broken > 0 || self.fatal.is_some() {
            3
        } else if s.diverged > 0 {
            1
        } else {
            0
        }
    }

    /// Calls compared per operation kind over all runs.
    pub fn op_totals(&self) -> BTreeMap<String, Tally> {
        let mut totals: BTreeMap<String, Tally> = BTreeMap::new();
        for run in &self.runs {
            for (op, t) in &run.ops {
                let e = totals.entry(op.clone()).or_default();
                e.agreed += t.agreed;
                e.allowed += t.allowed;
                e.diverged += t.diverged;
            }
        }
        totals
    }
}

/// Why a run is not applicable before it starts, if it is not.
pub fn applicability(run: &Run, capabilities: &Capabilities) -> Option<String> {
    let supported = capabilities.op_kinds();
    let missing: BTreeSet<OpKind> = run
        .calls
        .iter()
        .map(|c| c.op.kind())
        .filter(|k| !supported.contains(k))
        .collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|k| k.name()).collect();
        return Some(format!("needs {}", names.join(", ")));
    }
    if !capabilities.config && run.spec.config != Config::default() {
        return Some("needs a non-default configuration".to_owned());
    }
    None
}

/// Runs every run against the implementation and reports. Stops at the first fatal error.
pub fn run_suite(
    implementation: &mut dyn Implementation,
    info: ImplInfo,
    runs: &[Run],
    options: &Options,
) -> Report {
    let capabilities = implementation.capabilities();
    let mut report = Report {
        protocol: PROTOCOL_VERSION,
        implementation: info,
        capabilities: capabilities.clone(),
        lenient: options.lenient,
        observe: options.observe,
        runs: Vec::new(),
        fatal: None,
    };
    let mut reference = ReferenceImpl::new();
    for run in runs {
        if let Some(fatal) = &report.fatal {
            report.runs.push(RunReport {
                name: run.name.clone(),
                result: RunResult::NotRun {
                    reason: format!("the implementation failed earlier: {}", first_line(fatal)),
                },
                ops: BTreeMap::new(),
            });
            continue;
        }
        let mut ops = BTreeMap::new();
        let result = match applicability(run, &capabilities) {
            Some(reason) => RunResult::NotApplicable { reason, step: None },
            None => {
                let result = run_one(
                    &mut reference,
                    implementation,
                    run,
                    &capabilities,
                    options,
                    &mut ops,
                );
                match result {
                    RunResult::Diverged(d) if options.shrink && d.step > 1 => {
                        RunResult::Diverged(Box::new(shrink(
                            &mut reference,
                            implementation,
                            run,
                            &capabilities,
                            options,
                            *d,
                        )))
                    }
                    other => other,
                }
            }
        };
        if let RunResult::Broken { diagnosis, .. } = &result {
            report.fatal = Some(diagnosis.clone());
        }
        report.runs.push(RunReport {
            name: run.name.clone(),
            result,
            ops,
        });
    }
    report
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn implementation_failed(error: ImplError, step: Option<usize>) -> RunResult {
    if error.is_fatal() {
        RunResult::Broken {
            step,
            class: error.class().to_owned(),
            diagnosis: error.to_string(),
        }
    } else {
        RunResult::NotApplicable {
            reason: error.to_string(),
            step,
        }
    }
}

/// Runs one run in lockstep (no shrinking).
pub fn run_one(
    reference: &mut ReferenceImpl,
    implementation: &mut dyn Implementation,
    run: &Run,
    capabilities: &Capabilities,
    options: &Options,
    ops: &mut BTreeMap<String, Tally>,
) -> RunResult {
    if let Err(e) = reference.reset(&run.spec) {
        return RunResult::NotRun {
            reason: format!("the reference model failed: {e}"),
        };
    }
    if let Err(e) = implementation.reset(&run.spec) {
        return implementation_failed(e, None);
    }
    let observing = capabilities.observes() && options.observe != ObserveMode::Never;
    let mut names = (Renamer::new(), Renamer::new());
    let mut allowed = Vec::new();
    let mut observations = 0;
    for (index, call) in run.calls.iter().enumerate() {
        let step = index + 1;
        let expected = match reference.call(call) {
            Ok(o) => o,
            Err(e) => {
                return RunResult::NotRun {
                    reason: format!("the reference model failed: {e}"),
                };
            }
        };
        let actual = match implementation.call(call) {
            Ok(o) => o,
            Err(e) => return implementation_failed(e, Some(step)),
        };
        let kind = call.op.kind();
        let (verdict, r, i) = compare_outcomes(
            kind,
            &expected,
            reference.last_rules(),
            &actual,
            &mut names,
            options.lenient,
        );
        let tally = ops.entry(kind.name().to_owned()).or_default();
        match verdict {
            Verdict::Same => tally.agreed += 1,
            Verdict::Allowed(case) => {
                tally.allowed += 1;
                allowed.push((step, case.to_owned()));
            }
            Verdict::Different => {
                tally.diverged += 1;
                return RunResult::Diverged(Box::new(divergence(
                    run,
                    step,
                    &expected,
                    "outcome",
                    r,
                    i,
                    Vec::new(),
                )));
            }
        }
        let last = step == run.calls.len();
        if observing && (options.observe == ObserveMode::EveryStep || last) {
            observations += 1;
            match compare_observations(reference, implementation, capabilities, &mut names) {
                Ok(None) => {}
                Ok(Some(diffs)) => {
                    return RunResult::Diverged(Box::new(divergence(
                        run,
                        step,
                        &expected,
                        "observation",
                        Value::Null,
                        Value::Null,
                        diffs,
                    )));
                }
                Err(e) => return implementation_failed(e, Some(step)),
            }
        }
    }
    if observing && run.calls.is_empty() {
        observations += 1;
        match compare_observations(reference, implementation, capabilities, &mut names) {
            Ok(None) => {}
            Ok(Some(diffs)) => {
                return RunResult::Diverged(Box::new(Divergence {
                    step: 0,
                    op: String::new(),
                    what: "observation".to_owned(),
                    call: empty_call(),
                    reference: Value::Null,
                    implementation: Value::Null,
                    differences: diffs,
                    reproduction: reproduction(run, 0, None, "observation"),
                    reproduction_calls: 0,
                    expected: None,
                }));
            }
            Err(e) => return implementation_failed(e, None),
        }
    }
    RunResult::Passed {
        steps: run.calls.len(),
        observations,
        allowed,
    }
}

fn empty_call() -> Call {
    Call {
        account: "".into(),
        principal: None,
        region: "".into(),
        op: sharesim_core::op::Op::ListPortfolios,
    }
}

fn compare_observations(
    reference: &mut ReferenceImpl,
    implementation: &mut dyn Implementation,
    capabilities: &Capabilities,
    names: &mut (Renamer, Renamer),
) -> Result<Option<Vec<Difference>>, ImplError> {
    let expected = reference.observe()?;
    let actual = implementation.observe()?;
    let r = names
        .0
        .normalize(&project(&expected.0, &capabilities.observe));
    let i = names
        .1
        .normalize(&project(&actual.0, &capabilities.observe));
    if r == i {
        Ok(None)
    } else {
        Ok(Some(differences(&r, &i, 20)))
    }
}

fn divergence(
    run: &Run,
    step: usize,
    expected: &StepOutcome,
    what: &str,
    reference: Value,
    implementation: Value,
    differences: Vec<Difference>,
) -> Divergence {
    let call = run
        .calls
        .get(step.saturating_sub(1))
        .cloned()
        .unwrap_or_else(empty_call);
    Divergence {
        step,
        op: call.op.kind().name().to_owned(),
        what: what.to_owned(),
        call,
        reference,
        implementation,
        differences,
        reproduction: reproduction(run, step, Some(expected), what),
        reproduction_calls: step,
        expected: Some(expected.clone()),
    }
}

/// The reproduction of a run's first `steps` calls as a scenario file (ready for
/// scenarios/regressions/): the world, the calls, and on the last call the reference's outcome
/// as its expectation, so the scenario passes on the model and fails where the implementation
/// diverged.
pub fn reproduction(run: &Run, steps: usize, expected: Option<&StepOutcome>, what: &str) -> String {
    let calls: Vec<&Call> = run.calls.iter().take(steps).collect();
    let last = calls.len();
    let scenario = Scenario {
        description: format!(
            "Reproduction of a conformance divergence in {}: the {} of step {} differs from the reference model.",
            run.name, what, last
        ),
        rules: Vec::new(),
        world: WorldDef {
            accounts: run.spec.accounts.clone(),
            regions: run.spec.regions.clone(),
            organization: None,
            iam: BTreeMap::new(),
            config: run.spec.config.clone(),
        },
        steps: calls
            .iter()
            .enumerate()
            .map(|(i, call)| {
                let (user, role) = match &call.principal {
                    Some(Principal::User(u)) => (Some(u.clone()), None),
                    Some(Principal::Role(r)) => (None, Some(r.clone())),
                    None => (None, None),
                };
                let expect = if i + 1 == last {
                    expected.map(|o| match o {
                        StepOutcome::Ok(_) => Expect::Ok,
                        StepOutcome::Err { exception } => Expect::Error(exception.clone()),
                    })
                } else {
                    None
                };
                Step::Call(CallStep {
                    account: call.account.clone(),
                    user,
                    role,
                    region: Some(call.region.clone()),
                    op: call.op.clone(),
                    expect,
                    decided_by: Vec::new(),
                })
            })
            .collect(),
        found_by: Some(FoundBy {
            driver: "conform".to_owned(),
            seed: run.name.clone(),
            swarm: String::new(),
            commit: String::new(),
            failure: format!("{what} of step {last} differs"),
            explanation: String::new(),
        }),
    };
    crate::scenario::load::print(&scenario).unwrap_or_default()
}

/// The most replays a shrink may spend.
const SHRINK_BUDGET: usize = 200;

/// Drops earlier calls, back to front, as long as the same call still diverges the same way at
/// the end of the shorter run; the divergence keeps its description and gets the smallest
/// reproduction found.
fn shrink(
    reference: &mut ReferenceImpl,
    implementation: &mut dyn Implementation,
    run: &Run,
    capabilities: &Capabilities,
    options: &Options,
    mut divergence: Divergence,
) -> Divergence {
    let mut best = Run {
        name: run.name.clone(),
        spec: run.spec.clone(),
        calls: run.calls.iter().take(divergence.step).cloned().collect(),
    };
    let mut replays = 0;
    let mut index = best.calls.len().saturating_sub(1);
    while index > 0 && replays < SHRINK_BUDGET {
        index -= 1;
        let mut candidate = best.clone();
        if index >= candidate.calls.len().saturating_sub(1) {
            continue;
        }
        candidate.calls.remove(index);
        replays += 1;
        let mut scratch = BTreeMap::new();
        match run_one(
            reference,
            implementation,
            &candidate,
            capabilities,
            options,
            &mut scratch,
        ) {
            RunResult::Diverged(d)
                if d.step == candidate.calls.len()
                    && d.what == divergence.what
                    && d.op == divergence.op =>
            {
                best = candidate;
                divergence.expected = d.expected;
            }
            RunResult::Broken { .. } => break,
            _ => {}
        }
    }
    divergence.reproduction = reproduction(
        &best,
        best.calls.len(),
        divergence.expected.as_ref(),
        &divergence.what,
    );
    divergence.reproduction_calls = best.calls.len();
    divergence
}
