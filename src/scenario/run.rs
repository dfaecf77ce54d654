//! Running a scenario: desugar, execute, check, render.
//!
//! The world section becomes ordinary setup calls (CreateOrganization, InviteAccountToOrganization,
//! CreateOrganizationalUnit, MoveAccount, CreateUser ...), so any implementation that speaks the
//! call vocabulary can be brought to the same starting state. Every step is then applied, its
//! inline expectation checked, the invariant checker run on the step, and one trace line written.
//! All failures are collected, not only the first, so one run shows everything that is wrong.

use super::matcher;
use super::{CallStep, Expect, ObserveStep, Scenario, Step};
use crate::render;
use crate::step::StepOutcome;
use sharesim_core::op::{Parent, Principal};
use sharesim_core::{Call, Exception, Name, Observation, Op, OpKind, Region, World, WorldSpec};
use std::any::Any;
use std::collections::BTreeSet;
use std::fmt::Write;
use std::sync::Arc;

/// A scenario reduced to what an implementation is driven with.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Accounts, Regions, quotas.
    pub spec: WorldSpec,
    /// Calls that build the starting world.
    pub setup: Vec<Call>,
    /// The scenario's steps, with their calls resolved.
    pub steps: Vec<PreparedStep>,
}

/// A step with its call resolved.
#[derive(Debug, Clone)]
pub enum PreparedStep {
    /// A call with its expectations.
    Call {
        /// The call.
        call: Call,
        /// The inline expectation.
        expect: Option<Expect>,
        /// Rules that must decide it.
        decided_by: Vec<String>,
    },
    /// An observation assertion.
    Observe(ObserveStep),
}

/// Desugars a scenario.
pub fn prepare(s: &Scenario) -> Prepared {
    let regions = s.world.regions.clone();
    let home = regions
        .first()
        .cloned()
        .unwrap_or_else(|| Region::from("us-east-1"));
    let spec = WorldSpec {
        accounts: s.world.accounts.clone(),
        regions,
        config: s.world.config.clone(),
    };
    let mut setup = Vec::new();
    let call = |account: &Name, op: Op| Call {
        account: account.clone(),
        principal: None,
        region: home.clone(),
        op,
    };
    if let Some(org) = &s.world.organization {
        let m = &org.management;
        setup.push(call(
            m,
            Op::CreateOrganization {
                organization: org.name.clone(),
                feature_set: None,
            },
        ));
        for member in org.members.keys() {
            setup.push(call(
                m,
                Op::InviteAccountToOrganization {
                    account: member.clone(),
                },
            ));
        }
        for ou in &org.ous {
            let parent = ou.parent.clone().map_or(Parent::Root, Parent::Ou);
            setup.push(call(
                m,
                Op::CreateOrganizationalUnit {
                    ou: ou.name.clone(),
                    parent,
                },
            ));
        }
        for (member, ou) in &org.members {
            if let Some(ou) = ou {
                setup.push(call(
                    m,
                    Op::MoveAccount {
                        account: member.clone(),
                        source: Parent::Root,
                        destination: Parent::Ou(ou.clone()),
                    },
                ));
            }
        }
    }
    for (account, iam) in &s.world.iam {
        for user in &iam.users {
            setup.push(call(account, Op::CreateUser { user: user.clone() }));
        }
        for role in &iam.roles {
            setup.push(call(account, Op::CreateRole { role: role.clone() }));
        }
        for (group, members) in &iam.groups {
            setup.push(call(
                account,
                Op::CreateGroup {
                    group: group.clone(),
                },
            ));
            for user in members {
                setup.push(call(
                    account,
                    Op::AddUserToGroup {
                        user: user.clone(),
                        group: group.clone(),
                    },
                ));
            }
        }
    }
    let steps = s
        .steps
        .iter()
        .map(|step| match step {
            Step::Call(c) => PreparedStep::Call {
                call: resolve(c, &home),
                expect: c.expect.clone(),
                decided_by: c.decided_by.clone(),
            },
            Step::Observe(o) => PreparedStep::Observe(o.clone()),
        })
        .collect();
    Prepared { spec, setup, steps }
}

fn resolve(c: &CallStep, home: &Region) -> Call {
    let principal = match (&c.user, &c.role) {
        (Some(u), _) => Some(Principal::User(u.clone())),
        (None, Some(r)) => Some(Principal::Role(r.clone())),
        (None, None) => None,
    };
    Call {
        account: c.account.clone(),
        principal,
        region: c.region.clone().unwrap_or_else(|| home.clone()),
        op: c.op.clone(),
    }
}

/// What running a scenario produced.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// The rendered trace and final observation (the snapshot).
    pub trace: String,
    /// Every failed expectation, assertion, setup call and invariant, in step order.
    pub failures: Vec<String>,
    /// Rule ids that decided some step.
    pub rules_hit: BTreeSet<&'static str>,
    /// Op kinds called by the steps.
    pub kinds: BTreeSet<OpKind>,
    /// Exceptions returned by the steps.
    pub exceptions: BTreeSet<Exception>,
    /// Each rejection of a step: its exception and the rule the error names.
    pub rejections: BTreeSet<(Exception, &'static str)>,
    /// Number of calls applied (setup included).
    pub calls: usize,
}

/// What a checker keeps between the steps of one run ([`StepChecker::check_step_memo`]): the
/// invariant checker keeps the index of the last observation it checked, so that the next step
/// indexes only its new observation. Opaque to the caller, which holds one per run (per world
/// explored) and starts it empty.
#[derive(Default)]
pub struct Memo(Option<Box<dyn Any>>);

impl Memo {
    /// Takes what was kept, if it is a `T`.
    pub fn take<T: Any>(&mut self) -> Option<T> {
        self.0
            .take()
            .and_then(|b| b.downcast::<T>().ok())
            .map(|b| *b)
    }

    /// Keeps `value` for the next step.
    pub fn keep<T: Any>(&mut self, value: T) {
        self.0 = Some(Box::new(value));
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Memo(kept)"
        } else {
            "Memo(empty)"
        })
    }
}

/// An oracle run after every step: the invariant checker, or nothing.
pub trait StepChecker {
    /// Violations of state invariants in one observation, as readable paragraphs.
    fn check_state(&self, obs: &Observation) -> Vec<String>;
    /// Violations of the step from `before` to `after`, as (invariant id, paragraph).
    fn check_step(
        &self,
        before: &Observation,
        call: &Call,
        outcome: &StepOutcome,
        after: &Observation,
    ) -> Vec<(String, String)>;
    /// Violations of the step from `before`, whose state invariants are known to hold (the
    /// checker found none in it), to `after`: the same as `check_step`, which is the default; a
    /// checker may skip the state invariants whose inputs did not change (the invariant
    /// checker's incremental mode).
    fn check_step_from_clean(
        &self,
        before: &Observation,
        call: &Call,
        outcome: &StepOutcome,
        after: &Observation,
    ) -> Vec<(String, String)> {
        self.check_step(before, call, outcome, after)
    }
    /// Violations of the step from `before` to `after`, with what the checker kept from the
    /// last step of the run in `memo`: the same as `check_step_from_clean` when `clean` (the
    /// state invariants of `before` are known to hold) and as `check_step` otherwise, which is
    /// the default. A checker may keep what it computed about `after` for the next step, whose
    /// `before` it is (the invariant checker keeps its index): `Arc`s, so that it can tell that
    /// it is given the very observation it kept (`Arc::ptr_eq`) and compute afresh otherwise.
    fn check_step_memo(
        &self,
        memo: &mut Memo,
        before: &Arc<Observation>,
        call: &Call,
        outcome: &StepOutcome,
        after: &Arc<Observation>,
        clean: bool,
    ) -> Vec<(String, String)> {
        let _ = memo;
        if clean {
            self.check_step_from_clean(before, call, outcome, after)
        } else {
            self.check_step(before, call, outcome, after)
        }
    }
    /// Violations of a step that left the observation unchanged (`obs` before and after): the
    /// same as `check_step(obs, call, outcome, obs)`, which is the default; a checker may answer
    /// it more cheaply (the invariant checker's incremental mode).
    fn check_unchanged(
        &self,
        obs: &Observation,
        call: &Call,
        outcome: &StepOutcome,
    ) -> Vec<(String, String)> {
        self.check_step(obs, call, outcome, obs)
    }
}

/// The checker that checks nothing, for runs that only want the trace.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoChecks;

impl StepChecker for NoChecks {
    fn check_state(&self, _obs: &Observation) -> Vec<String> {
        Vec::new()
    }
    fn check_step(
        &self,
        _before: &Observation,
        _call: &Call,
        _outcome: &StepOutcome,
        _after: &Observation,
    ) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// Runs a scenario against the reference model, with `checker` after every step. `name` is the
/// scenario's path under scenarios/ without extension (`sc/share_portfolio_with_account`).
pub fn run(s: &Scenario, name: &str, checker: &dyn StepChecker) -> RunReport {
    let prepared = prepare(s);
    let mut world = World::new(&prepared.spec);
    let mut report = RunReport::default();
    let mut trace = String::new();
    let _ = writeln!(trace, "scenario: {name}");
    let _ = writeln!(trace, "claims: {}", s.rules.join(" "));
    let ids: Vec<String> = prepared
        .spec
        .accounts
        .iter()
        .map(|a| format!("{a}={}", world.account_id(a).unwrap_or("?")))
        .collect();
    let _ = writeln!(trace, "accounts: {}", ids.join(" "));

    let mut obs = world.observe();
    for v in checker.check_state(&obs) {
        report.failures.push(format!("initial state: {v}"));
    }
    for (i, call) in prepared.setup.iter().enumerate() {
        let outcome = world.apply(call);
        report.calls += 1;
        let after = world.observe();
        if let Err(e) = &outcome.result {
            report.failures.push(format!(
                "setup call {} ({} by {}) failed: {e}",
                i + 1,
                call.op.kind().name(),
                call.account
            ));
        }
        for (_, v) in checker.check_step(&obs, call, &StepOutcome::from(&outcome), &after) {
            report.failures.push(format!("setup call {}: {v}", i + 1));
        }
        obs = after;
    }
    let _ = writeln!(trace, "setup: {} calls", prepared.setup.len());
    let _ = writeln!(trace);

    for (i, step) in prepared.steps.iter().enumerate() {
        let n = i + 1;
        match step {
            PreparedStep::Call {
                call,
                expect,
                decided_by,
            } => {
                let outcome = world.apply(call);
                report.calls += 1;
                report.kinds.insert(call.op.kind());
                report.rules_hit.extend(outcome.rules.iter().copied());
                let step_outcome = StepOutcome::from(&outcome);
                let mut line =
                    format!("{n:>3} {:<14} {}", caller(call), render::one_line(&call.op));
                if call.region.as_str() != prepared.spec.regions.first().map_or("", |r| r.as_str())
                {
                    let _ = write!(line, " @{}", call.region);
                }
                let _ = write!(line, "\n      -> {}", render_outcome(&outcome.result));
                let _ = write!(line, "  [{}]", outcome.rules.join(" "));
                if let Err(e) = &outcome.result {
                    report.exceptions.insert(e.exception);
                    report.rejections.insert((e.exception, e.rule));
                }
                for problem in check_expect(expect.as_ref(), &outcome.result)
                    .into_iter()
                    .chain(check_decided(decided_by, &outcome.rules))
                {
                    let _ = write!(line, "\n      !! {problem}");
                    report.failures.push(format!("step {n}: {problem}"));
                }
                let after = world.observe();
                for (id, v) in checker.check_step(&obs, call, &step_outcome, &after) {
                    let _ = write!(line, "\n      !! invariant {id}");
                    report.failures.push(format!("step {n}: {v}"));
                }
                obs = after;
                let _ = writeln!(trace, "{line}");
            }
            PreparedStep::Observe(o) => {
                let mut line = format!("{n:>3} observe {}", o.path);
                if !o.note.is_empty() {
                    let _ = write!(line, " ({})", o.note);
                }
                match check_observe(o, &obs) {
                    Ok(()) => line.push_str(": ok"),
                    Err(problem) => {
                        let _ = write!(line, "\n      !! {problem}");
                        report.failures.push(format!("step {n}: {problem}"));
                    }
                }
                let _ = writeln!(trace, "{line}");
            }
        }
    }
    let _ = writeln!(trace, "\nfinal observation:");
    let json = serde_json::to_value(&obs).unwrap_or_default();
    trace.push_str(&render::tree(&json));
    report.trace = trace;
    report
}

fn caller(call: &Call) -> String {
    match &call.principal {
        None => call.account.to_string(),
        Some(Principal::User(u)) => format!("{}/{u}", call.account),
        Some(Principal::Role(r)) => format!("{}/role:{r}", call.account),
    }
}

fn render_outcome(result: &Result<sharesim_core::Response, sharesim_core::ApiError>) -> String {
    match result {
        Ok(sharesim_core::Response::Empty) => "ok".to_owned(),
        Ok(sharesim_core::Response::Created { id, .. }) => format!("ok {id}"),
        Ok(other) => format!("ok {}", render::one_line(other)),
        Err(e) => format!("{} ({})", e.exception, e.message),
    }
}

fn check_expect(
    expect: Option<&Expect>,
    result: &Result<sharesim_core::Response, sharesim_core::ApiError>,
) -> Vec<String> {
    let Some(expect) = expect else {
        return Vec::new();
    };
    match (expect, result) {
        (Expect::Ok, Ok(_)) => Vec::new(),
        (Expect::Ok, Err(e)) => vec![format!("expected success, got {}", e.exception)],
        (Expect::Error(want), Err(e)) if e.exception.name() == want => Vec::new(),
        (Expect::Error(want), Err(e)) => vec![format!("expected {want}, got {}", e.exception)],
        (Expect::Error(want), Ok(_)) => vec![format!("expected {want}, got success")],
        (Expect::Fails, Err(_)) => Vec::new(),
        (Expect::Fails, Ok(_)) => vec!["expected the call to fail, got success".to_owned()],
        (Expect::Match(_), Err(e)) => {
            vec![format!("expected a matching response, got {}", e.exception)]
        }
        (Expect::Match(want), Ok(r)) => {
            let actual = serde_json::to_value(r).unwrap_or_default();
            match matcher::to_json(want) {
                Ok(w) if matcher::partial(&w, &actual) => Vec::new(),
                Ok(w) => vec![format!(
                    "response does not match: expected {w} within {actual}"
                )],
                Err(e) => vec![e],
            }
        }
    }
}

fn check_decided(want: &[String], rules: &[&'static str]) -> Vec<String> {
    want.iter()
        .filter(|w| !rules.contains(&w.as_str()))
        .map(|w| format!("expected rule {w} to decide, got [{}]", rules.join(" ")))
        .collect()
}

/// Checks an observation assertion.
pub fn check_observe(o: &ObserveStep, obs: &Observation) -> Result<(), String> {
    let root = serde_json::to_value(obs).map_err(|e| e.to_string())?;
    let missing_ok = o.lacks.is_some() || o.count == Some(0);
    let value = match matcher::select(&root, &o.path) {
        Ok(v) => v.clone(),
        // A missing list or map is an empty one: "lacks" and "count: 0" hold.
        Err(_) if missing_ok => serde_json::Value::Null,
        Err(e) => return Err(e),
    };
    if let Some(want) = &o.contains {
        let w = matcher::to_json(want)?;
        let holds = match &value {
            serde_json::Value::Array(items) => items.iter().any(|v| matcher::partial(&w, v)),
            v => matcher::partial(&w, v),
        };
        if !holds {
            return Err(format!("{} does not contain {w}; it is {value}", o.path));
        }
    }
    if let Some(want) = &o.lacks {
        let w = matcher::to_json(want)?;
        if let serde_json::Value::Array(items) = &value
            && let Some(hit) = items.iter().find(|v| matcher::partial(&w, v))
        {
            return Err(format!("{} has {hit}, which matches {w}", o.path));
        }
    }
    if let Some(want) = &o.equals {
        let w = matcher::to_json(want)?;
        if w != value {
            return Err(format!("{} is {value}, expected {w}", o.path));
        }
    }
    if let Some(want) = o.count {
        let got = matcher::count(&value);
        if got != want {
            return Err(format!("{} has {got} entries, expected {want}", o.path));
        }
    }
    Ok(())
}
