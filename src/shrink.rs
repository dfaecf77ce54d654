//! Shrinking: a failing call sequence reduced to a minimal one that fails the same way, written
//! as an ordinary scenario.
//!
//! The test of a candidate is "replayed on a fresh world, the same invariant fails". Passes run
//! in order of how much they remove per test, and the whole list repeats until none makes
//! progress:
//! 0. *unrelated*: drop every call not connected to the failing one through the entities calls
//!    name in common, in one test (the work of other accounts on other entities, which makes up
//!    most of a long sequence);
//! 1. *noise*: drop every read-only or rejected call but the failing one, in one test (they
//!    rarely change the world, and there are many of them);
//! 2. *entities*: drop a whole account, portfolio, product, component ... with every call that
//!    names it, ddmin over the entity list so that hundreds of entities cost few tests;
//! 3. *steps*: ddmin over calls, chunks first (halves, quarters, ... single calls), back to
//!    front, continuing from the position reached instead of restarting after a success;
//! 4. *arguments*: per call, drop optional fields and list elements, clear flags, zero numbers,
//!    move the call to the default Region;
//! 5. *names*: rename every generated name canonically by first appearance (`port7` becomes
//!    `port1`, the first account to appear becomes `a`), and drop undeclared-but-unused
//!    accounts from the world.
//!
//! Every candidate that still fails is also cut after its failing step, so the result always
//! ends with the call that fails.
//!
//! A full test observes and checks after every call, which costs a hundred times more than
//! applying it; on a failure found after 10,000 steps that made each test seconds. So each pass
//! first runs *fast*: a candidate is tested by applying its calls and checking only its last
//! step (does the same invariant fail there?). That test can only err in one direction (a
//! candidate that also fails earlier, or that the correct model fails too, is accepted), so
//! after each round of passes the result is confirmed with one full test, and a round whose
//! result is not confirmed is undone and run again with full tests. Once fast rounds make no
//! more progress, full rounds run to the fixpoint (cheap by then: the sequence is short).
//!
//! Two more things keep a test of a long sequence from costing a replay of all of it. The full
//! test replays in the explorer's incremental check mode (rejected and read-only calls checked
//! against the last observation, a violation confirmed by a replay in full mode up to it), so a
//! candidate that passes costs mostly its changing calls; and the fast test starts from a
//! snapshot of the world (`World` is `Clone`) taken along the current sequence, the last one
//! before the candidate's first change, so a candidate that removes calls near the end of a long
//! sequence replays only its suffix. Neither changes what a test answers, so the result is the
//! one full replays from scratch would give.

use crate::explore::{CheckMode, Model, PANIC, first_violation, first_violation_with};
use crate::generate::{ACCOUNTS, Cat};
use crate::scenario::run::StepChecker;
use crate::step::StepOutcome;
use serde_json::Value;
use sharesim_core::{Call, Name, World, WorldSpec};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// A shrunk failure.
#[derive(Debug, Clone)]
pub struct Shrunk {
    /// The world (accounts that the calls still name).
    pub spec: WorldSpec,
    /// The minimal calls, the failing one last.
    pub calls: Vec<Call>,
    /// The invariant that fails.
    pub invariant: String,
    /// Its message on the shrunk sequence.
    pub message: String,
    /// The failing call's outcome.
    pub outcome: StepOutcome,
    /// What the shrinker did.
    pub stats: Stats,
}

/// What the shrinker did, for reports.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Calls before shrinking.
    pub original: usize,
    /// Candidates tested.
    pub tests: usize,
    /// Passes that removed something: (pass, calls before, calls after).
    pub passes: Vec<(&'static str, usize, usize)>,
    /// Whether the time budget ran out before a fixpoint.
    pub out_of_time: bool,
    /// Fast passes whose result the full test did not confirm (and that ran again fully).
    pub fast_undone: usize,
    /// Candidates tested in full (a replay in incremental check mode on the model, and on the
    /// baseline if it fails there); the others were fast tests.
    pub full_tests: usize,
    /// Wall time by phase: `initial` (the first test of the input), each pass by name (over
    /// all rounds), `confirm` (the full tests of the fast rounds' results).
    pub phases: Vec<(&'static str, Duration)>,
    /// Wall time spent.
    pub elapsed: Duration,
}

impl Stats {
    /// Adds time to a phase.
    fn time(&mut self, phase: &'static str, spent: Duration) {
        match self.phases.iter_mut().find(|(p, _)| *p == phase) {
            Some((_, t)) => *t += spent,
            None => self.phases.push((phase, spent)),
        }
    }
}

/// The default time budget of a shrink.
pub const BUDGET: Duration = Duration::from_secs(60);

struct Shrinker<'a> {
    checker: &'a dyn StepChecker,
    model: Model<'a>,
    baseline: Option<Model<'a>>,
    invariant: String,
    spec: WorldSpec,
    calls: Vec<Call>,
    last: (String, StepOutcome),
    stats: Stats,
    deadline: Instant,
    /// Whether candidates are tested at their last step only (see the module docs).
    fast: bool,
    /// Worlds after prefixes of `calls` on `spec`, `(calls applied, world)` in ascending order,
    /// recorded by the fast test so that a candidate that keeps a prefix is replayed only from
    /// the last snapshot before its first change.
    snapshots: Vec<(usize, World)>,
}

/// What a fast test found, and the snapshots it can hand on to the current sequence.
struct FastRun {
    /// The failure of the invariant at the last step (message and outcome), if it fails there.
    failure: Option<(String, StepOutcome)>,
    /// How many of the current snapshots are valid for the candidate (the replay started from
    /// the last of them).
    kept: usize,
    /// Snapshots of the candidate recorded after those.
    fresh: Vec<(usize, World)>,
}

/// The fewest calls between two snapshots: cloning a world costs about as much as applying a
/// few dozen calls to it.
const MIN_SPACING: usize = 32;

/// Snapshots taken along a sequence of `len` calls: at most about 64, so that a replay applies
/// at most a sixty-fourth of the sequence before the candidate's first change.
fn spacing(len: usize) -> usize {
    (len / 64).max(MIN_SPACING)
}

/// The length of the common prefix of two sequences.
fn common_prefix(a: &[Call], b: &[Call]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Applies `call`, turning a panic of the model into `None`.
fn apply_guarded(world: &mut World, call: &Call) -> Option<sharesim_core::Outcome> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| world.apply(call))).ok()
}

impl Shrinker<'_> {
    /// How many snapshots of the current sequence a candidate can start from: those within
    /// its common prefix with the current calls (none if the world differs), never past its
    /// `limit`th call.
    fn usable_snapshots(&self, spec: &WorldSpec, calls: &[Call], limit: usize) -> usize {
        if *spec != self.spec {
            return 0;
        }
        let common = common_prefix(&self.calls, calls).min(limit);
        self.snapshots.partition_point(|(n, _)| *n <= common)
    }

    /// The fast test: whether applying `calls` and checking only the last step fails the
    /// invariant there (with the message and outcome). A panic before the last call fails the
    /// test; one at the last call passes it for the invariant [`PANIC`]. The replay starts from
    /// the last usable snapshot of the current sequence and records new ones as it goes.
    fn fails_at_end(&self, spec: &WorldSpec, calls: &[Call]) -> FastRun {
        let mut run = FastRun {
            failure: None,
            kept: 0,
            fresh: Vec::new(),
        };
        let Some((last, prefix)) = calls.split_last() else {
            return run;
        };
        run.kept = self.usable_snapshots(spec, prefix, prefix.len());
        let (mut applied, mut world) =
            match run.kept.checked_sub(1).and_then(|i| self.snapshots.get(i)) {
                Some((n, world)) => (*n, world.clone()),
                None => (0, (self.model)(spec)),
            };
        let every = spacing(calls.len());
        let mut since = 0;
        for call in prefix.get(applied..).unwrap_or_default() {
            if apply_guarded(&mut world, call).is_none() {
                return run;
            }
            applied += 1;
            since += 1;
            if since >= every {
                run.fresh.push((applied, world.clone()));
                since = 0;
            }
        }
        let before = world.observe();
        let Some(outcome) = apply_guarded(&mut world, last) else {
            if self.invariant == PANIC {
                run.failure = Some((
                    format!("World::apply panicked on {}", last.op.kind().name()),
                    StepOutcome::Err {
                        exception: PANIC.to_owned(),
                    },
                ));
            }
            return run;
        };
        let outcome = StepOutcome::from(&outcome);
        let after = world.observe();
        run.failure = self
            .checker
            .check_step(&before, last, &outcome, &after)
            .into_iter()
            .next()
            .filter(|(invariant, _)| *invariant == self.invariant)
            .map(|(_, message)| (message, outcome));
        run
    }

    /// Makes a candidate the current sequence, keeping the first `kept` snapshots and adding
    /// `fresh` ones.
    fn adopt(
        &mut self,
        spec: &WorldSpec,
        calls: Vec<Call>,
        kept: usize,
        fresh: Vec<(usize, World)>,
    ) {
        self.snapshots.truncate(kept);
        self.snapshots.extend(fresh);
        let len = calls.len();
        self.snapshots.retain(|(n, _)| *n < len);
        self.calls = calls;
        self.spec = spec.clone();
    }

    /// Tests a candidate; on a failure of the same invariant, adopts it (cut after the failing
    /// step) and returns true. The full test replays in the explorer's incremental check mode
    /// (quiet calls checked against the last observation), which confirms a violation by a
    /// replay in full mode up to it, so it reports what a replay in full mode reports.
    fn accept(&mut self, spec: &WorldSpec, calls: Vec<Call>) -> bool {
        self.stats.tests += 1;
        if self.fast {
            let run = self.fails_at_end(spec, &calls);
            return match run.failure {
                Some(last) => {
                    self.adopt(spec, calls, run.kept, run.fresh);
                    self.last = last;
                    true
                }
                None => false,
            };
        }
        self.stats.full_tests += 1;
        let incremental = CheckMode::Incremental;
        match first_violation_with(spec, &calls, self.checker, self.model, incremental) {
            Some((step, invariant, message, outcome)) if invariant == self.invariant => {
                let mut calls = calls;
                calls.truncate(step);
                // With a baseline (the correct model, when shrinking a fault of the zoo), a
                // candidate that fails there too shows another bug, not this one.
                if let Some(baseline) = self.baseline
                    && first_violation_with(spec, &calls, self.checker, baseline, incremental)
                        .is_some()
                {
                    return false;
                }
                let kept = self.usable_snapshots(spec, &calls, calls.len());
                self.adopt(spec, calls, kept, Vec::new());
                self.last = (message, outcome);
                true
            }
            _ => false,
        }
    }

    fn accept_calls(&mut self, calls: Vec<Call>) -> bool {
        let spec = self.spec.clone();
        self.accept(&spec, calls)
    }

    fn out_of_time(&mut self) -> bool {
        if Instant::now() >= self.deadline {
            self.stats.out_of_time = true;
        }
        self.stats.out_of_time
    }

    /// Pass 0: drop every call that is not connected to the failing call through the entities
    /// the calls name (two calls are connected if they name a common account, portfolio,
    /// component ...), and the accounts only those calls name, in one test. A long sequence is
    /// mostly such calls (work of other accounts on other entities), which the entity ddmin
    /// would otherwise remove with many tests, each replaying most of the sequence.
    fn unrelated(&mut self) {
        let named: Vec<Vec<String>> = self
            .calls
            .iter()
            .map(|c| call_entities(c, &self.spec))
            .collect();
        let Some(failing) = named.last() else {
            return;
        };
        let mut reached: BTreeSet<&str> = failing.iter().map(String::as_str).collect();
        // A call that names no entity at all is kept: nothing says it is unrelated.
        let mut keep: Vec<bool> = named.iter().map(Vec::is_empty).collect();
        // Sweeps from the back until no call reaches a new entity (the failing call is last, so
        // one sweep usually suffices and a second confirms it).
        loop {
            let mut grew = false;
            for (names, kept) in named.iter().zip(keep.iter_mut()).rev() {
                if *kept || !names.iter().any(|n| reached.contains(n.as_str())) {
                    continue;
                }
                *kept = true;
                for n in names {
                    grew |= reached.insert(n.as_str());
                }
            }
            if !grew {
                break;
            }
        }
        let calls: Vec<Call> = self
            .calls
            .iter()
            .zip(&keep)
            .filter(|(_, kept)| **kept)
            .map(|(c, _)| c.clone())
            .collect();
        let accounts: Vec<Name> = self
            .spec
            .accounts
            .iter()
            .filter(|a| reached.contains(a.as_str()))
            .cloned()
            .collect();
        if calls.len() == self.calls.len() && accounts.len() == self.spec.accounts.len() {
            return;
        }
        let spec = WorldSpec {
            accounts: if accounts.is_empty() {
                self.spec.accounts.clone()
            } else {
                accounts
            },
            ..self.spec.clone()
        };
        self.accept(&spec, calls);
    }

    /// Pass 1: drop reads and rejected calls, except the failing call.
    fn noise(&mut self) {
        let mut world = (self.model)(&self.spec);
        let n = self.calls.len();
        let keep: Vec<Call> = self
            .calls
            .iter()
            .enumerate()
            .filter(|(i, call)| {
                // The failing call is kept without applying it (it may be one that panics), and
                // so is an earlier call that panics: the candidate's test decides about it.
                i + 1 == n
                    || (!call.op.kind().is_read_only()
                        && apply_guarded(&mut world, call).is_none_or(|o| o.result.is_ok()))
            })
            .map(|(_, c)| c.clone())
            .collect();
        if keep.len() < n {
            self.accept_calls(keep);
        }
    }

    /// Pass 2: ddmin over entities.
    fn entities(&mut self) {
        let mut entities = mentioned(&self.calls, &self.spec);
        // Never drop what the failing call names first: that would only fail the test.
        let mut size = entities.len() / 2;
        while size >= 1 && !self.out_of_time() {
            let mut end = entities.len();
            while end > 0 && !self.out_of_time() {
                let start = end.saturating_sub(size);
                let chunk: BTreeSet<String> = entities
                    .get(start..end)
                    .unwrap_or_default()
                    .iter()
                    .cloned()
                    .collect();
                let (spec, calls) = without_entities(&self.spec, &self.calls, &chunk);
                if calls.len() < self.calls.len() && self.accept(&spec, calls) {
                    entities = mentioned(&self.calls, &self.spec);
                    end = start.min(entities.len());
                } else {
                    end = start;
                }
            }
            size /= 2;
        }
    }

    /// Pass 3: ddmin over calls, back to front, never restarting.
    fn steps(&mut self) {
        let mut size = self.calls.len() / 2;
        while size >= 1 && !self.out_of_time() {
            // The failing call is last and is never removed.
            let mut end = self.calls.len().saturating_sub(1);
            while end > 0 && !self.out_of_time() {
                let start = end.saturating_sub(size);
                let mut candidate = self.calls.clone();
                candidate.drain(start..end);
                if self.accept_calls(candidate) {
                    end = start.min(self.calls.len().saturating_sub(1));
                } else {
                    end = start;
                }
            }
            size /= 2;
        }
    }

    /// Pass 4: simpler arguments, call by call from the back.
    fn arguments(&mut self) {
        let default_region = self.spec.regions.first().cloned();
        let mut i = self.calls.len();
        while i > 0 && !self.out_of_time() {
            i -= 1;
            let Some(call) = self.calls.get(i).cloned() else {
                continue;
            };
            if let Some(home) = &default_region
                && &call.region != home
            {
                let mut c = call.clone();
                c.region = home.clone();
                self.replace(i, c);
            }
            let Some(call) = self.calls.get(i).cloned() else {
                continue;
            };
            let Ok(value) = serde_json::to_value(&call.op) else {
                continue;
            };
            for candidate in simplifications(&value) {
                let Ok(op) = serde_json::from_value(candidate) else {
                    continue;
                };
                let Some(current) = self.calls.get(i).cloned() else {
                    break;
                };
                let c = Call { op, ..current };
                self.replace(i, c);
            }
        }
    }

    fn replace(&mut self, i: usize, call: Call) -> bool {
        let mut candidate = self.calls.clone();
        match candidate.get_mut(i) {
            Some(slot) if *slot != call => *slot = call,
            _ => return false,
        }
        self.accept_calls(candidate)
    }

    /// Pass 5: canonical names, and unused accounts dropped.
    fn names(&mut self) {
        let map = canonical_names(&self.calls, &self.spec);
        if map.iter().any(|(k, v)| k != v)
            && let Some((spec, calls)) = renamed(&self.spec, &self.calls, &map)
        {
            self.accept(&spec, calls);
        }
        let used = mentioned(&self.calls, &self.spec);
        let accounts: Vec<Name> = self
            .spec
            .accounts
            .iter()
            .filter(|a| used.iter().any(|u| u == a.as_str()))
            .cloned()
            .collect();
        if accounts.len() < self.spec.accounts.len() && !accounts.is_empty() {
            let spec = WorldSpec {
                accounts,
                ..self.spec.clone()
            };
            let calls = self.calls.clone();
            self.accept(&spec, calls);
        }
        let home = self.spec.regions.first().cloned();
        if self.spec.regions.len() > 1
            && self.calls.iter().all(|c| Some(&c.region) == home.as_ref())
        {
            let spec = WorldSpec {
                regions: home.into_iter().collect(),
                ..self.spec.clone()
            };
            let calls = self.calls.clone();
            self.accept(&spec, calls);
        }
    }
}

/// Shrinks a failing sequence. `invariant` is the id that must keep failing; `budget` bounds
/// the wall time (the best sequence so far is returned when it runs out). Returns `None` if the
/// sequence does not fail that invariant to begin with.
pub fn shrink(
    spec: &WorldSpec,
    calls: &[Call],
    invariant: &str,
    checker: &dyn StepChecker,
    model: Model,
    budget: Duration,
) -> Option<Shrunk> {
    shrink_against(spec, calls, invariant, checker, model, None, budget)
}

/// [`shrink`], keeping only candidates that pass on `baseline` (the correct model): the
/// shrinker of the fault zoo, which must not drift to a bug the correct model has too.
pub fn shrink_against(
    spec: &WorldSpec,
    calls: &[Call],
    invariant: &str,
    checker: &dyn StepChecker,
    model: Model,
    baseline: Option<Model>,
    budget: Duration,
) -> Option<Shrunk> {
    let start = Instant::now();
    let mut s = Shrinker {
        checker,
        model,
        baseline,
        invariant: invariant.to_owned(),
        spec: spec.clone(),
        calls: calls.to_vec(),
        last: (
            String::new(),
            StepOutcome::Err {
                exception: String::new(),
            },
        ),
        stats: Stats {
            original: calls.len(),
            ..Stats::default()
        },
        deadline: start + budget,
        fast: true,
        snapshots: Vec::new(),
    };
    // A failure handed over by the explorer fails at its last step: the fast test shows that
    // without replaying thousands of steps fully; anything else gets the full test.
    let run = s.fails_at_end(spec, calls);
    s.stats.time("initial", start.elapsed());
    match run.failure {
        Some(last) => {
            s.last = last;
            s.snapshots = run.fresh;
        }
        None => {
            let (step, found, message, outcome) = first_violation(spec, calls, checker, model)?;
            if found != invariant {
                return None;
            }
            s.calls.truncate(step);
            s.last = (message, outcome);
        }
    }
    let original = (s.calls.clone(), s.spec.clone(), s.last.clone());
    type Pass<'a> = (&'static str, fn(&mut Shrinker<'a>));
    let passes: [Pass; 6] = [
        ("unrelated", Shrinker::unrelated),
        ("noise", Shrinker::noise),
        ("entities", Shrinker::entities),
        ("steps", Shrinker::steps),
        ("arguments", Shrinker::arguments),
        ("names", Shrinker::names),
    ];
    // Rounds run fast until one makes no progress, then fully until a fixpoint; a fast round
    // is confirmed by one full test of its result, and run again fully if that fails.
    loop {
        let round_start = (s.calls.clone(), s.spec.clone(), s.last.clone());
        for (name, pass) in &passes {
            if s.out_of_time() {
                break;
            }
            let before = s.calls.len();
            let pass_start = Instant::now();
            pass(&mut s);
            s.stats.time(name, pass_start.elapsed());
            if s.calls.len() < before {
                s.stats.passes.push((name, before, s.calls.len()));
            }
        }
        let changed = (&s.calls, &s.spec) != (&round_start.0, &round_start.1);
        if s.fast {
            s.fast = false;
            if changed {
                let (spec, calls) = (s.spec.clone(), s.calls.clone());
                let confirm_start = Instant::now();
                let confirmed = s.accept(&spec, calls);
                s.stats.time("confirm", confirm_start.elapsed());
                if confirmed {
                    s.fast = true;
                } else {
                    (s.calls, s.spec, s.last) = round_start;
                    s.snapshots.clear();
                    s.stats.fast_undone += 1;
                }
            }
            // No progress fast: one full round may still find some (a candidate that fails
            // earlier than its last step).
            if !s.out_of_time() {
                continue;
            }
        }
        if s.out_of_time() || !changed {
            break;
        }
    }
    // The result passed a full test unless nothing was ever accepted; then the input itself
    // is confirmed (it may fail earlier, or on the correct model too).
    if (&s.calls, &s.spec) == (&original.0, &original.1) {
        let (spec, calls) = (s.spec.clone(), s.calls.clone());
        if !s.accept(&spec, calls.clone()) {
            let (step, found, message, outcome) = first_violation(&spec, &calls, checker, model)?;
            if found != invariant {
                return None;
            }
            s.calls.truncate(step);
            s.last = (message, outcome);
        }
    }
    s.stats.elapsed = start.elapsed();
    Some(Shrunk {
        spec: s.spec,
        calls: s.calls,
        invariant: s.invariant,
        message: s.last.0,
        outcome: s.last.1,
        stats: s.stats,
    })
}

/// Every string leaf of a value.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

/// The entity names a call mentions: generated names and world accounts, in order.
fn call_entities(call: &Call, spec: &WorldSpec) -> Vec<String> {
    let mut leaves = Vec::new();
    if let Ok(v) = serde_json::to_value(call) {
        strings(&v, &mut leaves);
    }
    leaves
        .into_iter()
        .filter(|s| Cat::of(s).is_some() || spec.accounts.iter().any(|a| a.as_str() == s))
        .collect()
}

/// The entities of a sequence in order of first appearance (accounts included).
fn mentioned(calls: &[Call], spec: &WorldSpec) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for call in calls {
        for e in call_entities(call, spec) {
            if seen.insert(e.clone()) {
                out.push(e);
            }
        }
    }
    out
}

/// The sequence without every call that names one of `drop`, and the world without the dropped
/// accounts. The failing (last) call is kept only if it names none of them.
fn without_entities(
    spec: &WorldSpec,
    calls: &[Call],
    drop: &BTreeSet<String>,
) -> (WorldSpec, Vec<Call>) {
    let kept = calls
        .iter()
        .filter(|c| !call_entities(c, spec).iter().any(|e| drop.contains(e)))
        .cloned()
        .collect();
    let accounts: Vec<Name> = spec
        .accounts
        .iter()
        .filter(|a| !drop.contains(a.as_str()))
        .cloned()
        .collect();
    let spec = WorldSpec {
        accounts: if accounts.is_empty() {
            spec.accounts.clone()
        } else {
            accounts
        },
        ..spec.clone()
    };
    (spec, kept)
}

/// Simpler variants of an op's JSON: each drops one optional field or list element, clears one
/// flag or zeroes one number. Variants that no longer deserialize are discarded by the caller.
fn simplifications(op: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut paths = Vec::new();
    collect_paths(op, &mut Vec::new(), &mut paths);
    for path in paths.iter().rev() {
        let Some(leaf) = get(op, path) else { continue };
        let mut push = |new: Option<Value>| {
            let mut v = op.clone();
            if set(&mut v, path, new) {
                out.push(v);
            }
        };
        match leaf {
            Value::Bool(true) => push(Some(Value::Bool(false))),
            Value::Number(n) if n.as_u64() != Some(0) => push(Some(Value::from(0u64))),
            Value::Null => {}
            _ => {}
        }
        // Removing the member (an object key: its default; an array element: a shorter list).
        push(None);
    }
    out
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn collect_paths(v: &Value, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                prefix.push(Seg::Key(k.clone()));
                out.push(prefix.clone());
                collect_paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(Seg::Index(i));
                out.push(prefix.clone());
                collect_paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn get<'v>(v: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    path.iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.get(k),
        Seg::Index(i) => v.get(i),
    })
}

/// Sets (or, with `None`, removes) the member at `path`; false if the path does not exist.
fn set(v: &mut Value, path: &[Seg], new: Option<Value>) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    let mut cur = v;
    for seg in parent {
        let next = match seg {
            Seg::Key(k) => cur.get_mut(k),
            Seg::Index(i) => cur.get_mut(*i),
        };
        let Some(next) = next else { return false };
        cur = next;
    }
    match (last, cur, new) {
        (Seg::Key(k), Value::Object(map), Some(x)) => map.insert(k.clone(), x).is_some(),
        (Seg::Key(k), Value::Object(map), None) => {
            // An enum variant is an object with one key; removing it leaves `{}`, which never
            // deserializes, so it is skipped by the caller.
            map.remove(k).is_some()
        }
        (Seg::Index(i), Value::Array(items), Some(x)) => match items.get_mut(*i) {
            Some(slot) => {
                *slot = x;
                true
            }
            None => false,
        },
        (Seg::Index(i), Value::Array(items), None) if *i < items.len() => {
            items.remove(*i);
            true
        }
        _ => false,
    }
}

/// Canonical names: each category's names renumbered by first appearance, accounts renamed to
/// `a`, `b`, ... by first appearance.
fn canonical_names(calls: &[Call], spec: &WorldSpec) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut counters: BTreeMap<Cat, usize> = BTreeMap::new();
    let mut accounts = 0usize;
    for name in mentioned(calls, spec) {
        if spec.accounts.iter().any(|a| a.as_str() == name) {
            let new = ACCOUNTS
                .get(accounts)
                .map_or_else(|| name.clone(), |a| (*a).to_owned());
            accounts += 1;
            map.insert(name, new);
        } else if let Some(cat) = Cat::of(&name) {
            if cat.cold().contains(&name) {
                // Cold names stay cold: a renumbered one could collide with a created one.
                map.insert(name.clone(), name);
                continue;
            }
            let n = counters.entry(cat).or_insert(0);
            *n += 1;
            map.insert(name, format!("{}{}", cat.prefix(), n));
        }
    }
    map
}

fn rename_value(v: &mut Value, map: &BTreeMap<String, String>) {
    match v {
        Value::String(s) => {
            if let Some(new) = map.get(s.as_str()) {
                *s = new.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rename_value(i, map)),
        Value::Object(m) => m.values_mut().for_each(|i| rename_value(i, map)),
        _ => {}
    }
}

/// The sequence and world with names replaced; `None` if the map is not one-to-one or a
/// renamed call does not deserialize.
fn renamed(
    spec: &WorldSpec,
    calls: &[Call],
    map: &BTreeMap<String, String>,
) -> Option<(WorldSpec, Vec<Call>)> {
    let targets: BTreeSet<&String> = map.values().collect();
    if targets.len() != map.len() {
        return None;
    }
    let calls = calls
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).ok()?;
            rename_value(&mut v, map);
            serde_json::from_value(v).ok()
        })
        .collect::<Option<Vec<Call>>>()?;
    // Accounts that the calls name come first in canonical order; the others keep their
    // names unless a renamed account took it, in which case they are dropped.
    let mut accounts: Vec<Name> = spec
        .accounts
        .iter()
        .filter_map(|a| map.get(a.as_str()).map(|n| Name::new(n.clone())))
        .collect();
    accounts.sort();
    for a in &spec.accounts {
        if !map.contains_key(a.as_str()) && !accounts.contains(a) {
            accounts.push(a.clone());
        }
    }
    Some((
        WorldSpec {
            accounts,
            ..spec.clone()
        },
        calls,
    ))
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::explore::reference;
    use sharesim_core::{Observation, Op, Region};

    /// A checker that fails `INV-T` when a portfolio named in the failing call was shared by
    /// its owner with another account, and the other account accepted: a stand-in for a real
    /// invariant that needs a few related calls.
    struct AcceptedShare;

    impl StepChecker for AcceptedShare {
        fn check_state(&self, _obs: &Observation) -> Vec<String> {
            Vec::new()
        }
        fn check_step(
            &self,
            _before: &Observation,
            call: &Call,
            outcome: &StepOutcome,
            _after: &Observation,
        ) -> Vec<(String, String)> {
            match (&call.op, outcome) {
                (Op::AcceptPortfolioShare { .. }, StepOutcome::Ok(_)) => {
                    vec![("INV-T".to_owned(), "an accept succeeded".to_owned())]
                }
                _ => Vec::new(),
            }
        }
    }

    fn call(account: &str, op: Op) -> Call {
        Call {
            account: Name::from(account),
            principal: None,
            region: Region::from("us-east-1"),
            op,
        }
    }

    /// The explorer's world with the documented default quotas.
    fn roomy_spec() -> WorldSpec {
        WorldSpec {
            config: Default::default(),
            ..crate::generate::world_spec()
        }
    }

    #[test]
    fn noise_entities_and_names_go() {
        // Dozens of portfolios in one account: the documented quotas, not the explorer's.
        let spec = roomy_spec();
        let mut calls = Vec::new();
        for i in 1..=30 {
            calls.push(call(
                "c",
                Op::CreatePortfolio {
                    portfolio: Name::new(format!("port{i}")),
                    display_name: None,
                    provider_name: None,
                },
            ));
            calls.push(call("d", Op::ListPortfolios));
        }
        calls.push(call(
            "c",
            Op::CreatePortfolioShare {
                portfolio: Name::from("port17"),
                target: sharesim_core::op::ShareTarget::Account(Name::from("e")),
                share_tag_options: true,
                share_principals: false,
            },
        ));
        calls.push(call(
            "e",
            Op::AcceptPortfolioShare {
                portfolio: Name::from("port17"),
                share_type: None,
            },
        ));
        let shrunk = shrink(&spec, &calls, "INV-T", &AcceptedShare, &reference, BUDGET).unwrap();
        let text = format!("{:?}", shrunk.calls);
        assert_eq!(shrunk.calls.len(), 3, "{text}");
        assert!(text.contains("\"port1\""), "{text}");
        assert!(!text.contains("share_tag_options: true"), "{text}");
        assert_eq!(
            shrunk.spec.accounts,
            vec![Name::from("a"), Name::from("b")],
            "{text}"
        );
        assert_eq!(shrunk.invariant, "INV-T");
    }

    #[test]
    fn calls_unrelated_to_the_failing_one_go_in_one_test() {
        let spec = crate::generate::world_spec();
        // Work of account d on its own portfolios, then c shares with e and e accepts.
        let mut calls: Vec<Call> = (100..140)
            .map(|i| {
                call(
                    "d",
                    Op::CreatePortfolio {
                        portfolio: Name::new(format!("port{i}")),
                        display_name: None,
                        provider_name: None,
                    },
                )
            })
            .collect();
        calls.push(call(
            "c",
            Op::CreatePortfolio {
                portfolio: Name::from("port1"),
                display_name: None,
                provider_name: None,
            },
        ));
        calls.push(call(
            "c",
            Op::CreatePortfolioShare {
                portfolio: Name::from("port1"),
                target: sharesim_core::op::ShareTarget::Account(Name::from("e")),
                share_tag_options: false,
                share_principals: false,
            },
        ));
        calls.push(call(
            "e",
            Op::AcceptPortfolioShare {
                portfolio: Name::from("port1"),
                share_type: None,
            },
        ));
        let shrunk = shrink(&spec, &calls, "INV-T", &AcceptedShare, &reference, BUDGET).unwrap();
        assert_eq!(shrunk.stats.passes.first(), Some(&("unrelated", 43, 3)));
        assert_eq!(shrunk.calls.len(), 3, "{:?}", shrunk.calls);
        assert_eq!(shrunk.spec.accounts, vec![Name::from("a"), Name::from("b")]);
    }

    /// A fast shrinker for `INV-T` on `calls`, without snapshots.
    fn shrinker(spec: &WorldSpec, calls: &[Call]) -> Shrinker<'static> {
        Shrinker {
            checker: &AcceptedShare,
            model: &reference,
            baseline: None,
            invariant: "INV-T".to_owned(),
            spec: spec.clone(),
            calls: calls.to_vec(),
            last: (
                String::new(),
                StepOutcome::Err {
                    exception: String::new(),
                },
            ),
            stats: Stats::default(),
            deadline: Instant::now() + BUDGET,
            fast: true,
            snapshots: Vec::new(),
        }
    }

    #[test]
    fn a_snapshot_replay_answers_like_a_fresh_one() {
        // Dozens of portfolios in one account: the documented quotas, not the explorer's.
        let spec = roomy_spec();
        let mut calls: Vec<Call> = (1..=90)
            .map(|i| {
                call(
                    "c",
                    Op::CreatePortfolio {
                        portfolio: Name::new(format!("port{i}")),
                        display_name: None,
                        provider_name: None,
                    },
                )
            })
            .collect();
        calls.push(call(
            "c",
            Op::CreatePortfolioShare {
                portfolio: Name::from("port60"),
                target: sharesim_core::op::ShareTarget::Account(Name::from("e")),
                share_tag_options: false,
                share_principals: false,
            },
        ));
        let accept = call(
            "e",
            Op::AcceptPortfolioShare {
                portfolio: Name::from("port60"),
                share_type: None,
            },
        );
        calls.push(accept);
        let mut s = shrinker(&spec, &calls);
        let run = s.fails_at_end(&spec, &calls);
        assert!(run.failure.is_some());
        assert_eq!(run.kept, 0);
        assert_eq!(run.fresh.len(), 2);
        s.snapshots = run.fresh;
        // Without the share (a late change) or without the shared portfolio (an early one) the
        // accept is rejected: no failure, from a snapshot as from scratch; the sequence itself
        // still fails from its last snapshot.
        let mut without_share = calls.clone();
        without_share.remove(90);
        let mut without_create = calls.clone();
        without_create.remove(59);
        for (candidate, fails) in [
            (without_share, false),
            (without_create, false),
            (calls.clone(), true),
        ] {
            let run = s.fails_at_end(&spec, &candidate);
            assert_eq!(run.failure.is_some(), fails);
            let fresh = shrinker(&spec, &candidate);
            assert_eq!(
                fresh.fails_at_end(&spec, &candidate).failure.is_some(),
                fails
            );
        }
        assert_eq!(s.usable_snapshots(&spec, &calls[..91], 91), 2);
        assert_eq!(s.usable_snapshots(&spec, &calls[..40], 40), 1);
        assert_eq!(s.usable_snapshots(&spec, &calls[..10], 10), 0);
    }

    #[test]
    fn a_passing_sequence_does_not_shrink() {
        let spec = crate::generate::world_spec();
        let calls = vec![call("a", Op::ListPortfolios)];
        assert!(shrink(&spec, &calls, "INV-T", &AcceptedShare, &reference, BUDGET).is_none());
    }

    #[test]
    fn simplifications_drop_members_and_clear_flags() {
        let op = serde_json::json!({"CreatePortfolioShare": {"portfolio": "port1",
            "target": {"Account": "b"}, "share_tag_options": true}});
        let variants = simplifications(&op);
        assert!(
            variants
                .iter()
                .any(|v| v["CreatePortfolioShare"]["share_tag_options"] == false)
        );
        assert!(
            variants
                .iter()
                .any(|v| v["CreatePortfolioShare"].get("share_tag_options").is_none())
        );
    }
}
