//! The bodies of the cargo-fuzz targets, as library functions so that `cargo test` runs them
//! too (on the checked-in regressions in fuzz/regressions/) and the targets stay three lines.
//!
//! | target | input | property |
//! | --- | --- | --- |
//! | `ops` | [`OpsInput`]: a swarm profile and generated calls | the checker finds no violation and the model (or the broken model [`FAULT_ENV`] names) never panics |
//! | `scenario_parse` | bytes | the scenario loader returns a scenario or a positioned error, never panics |
//! | `protocol` | bytes (JSON lines) | the reference server and the runner's reply decoder never panic on any line |
//! | `roundtrip` | bytes | a scenario that parses prints to text that parses back to the same scenario |

use crate::explore::{self, CheckMode, Failure, first_violation_with};
use crate::generate::{Gen, MAX_FUZZ_CALLS, Swarm};
use crate::regression;
use crate::scenario::{FoundBy, load};
use crate::shrink::{Shrunk, Stats};
use arbitrary::{Arbitrary, Unstructured};
use sharesim_core::fault::Fault;
use sharesim_core::{Call, World};
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The input of the `ops` target: a swarm profile and the calls the generator drew.
///
/// Decoding runs the same generator as the explorer over libFuzzer's bytes, so an input is a
/// plausible sequence, not noise. Its `Debug` is the RON scenario of the calls, so
/// `cargo fuzz fmt -s none ops <artifact>` prints a scenario.
#[derive(Clone, PartialEq)]
pub struct OpsInput {
    /// The swarm profile drawn from the first bytes.
    pub swarm: Swarm,
    /// The calls.
    pub calls: Vec<Call>,
}

impl<'a> Arbitrary<'a> for OpsInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        // Half the inputs explore with everything on; the others with a drawn profile.
        let swarm = if u.arbitrary::<bool>()? {
            Swarm::from_bits(u.arbitrary()?)
        } else {
            Swarm::ALL
        };
        let mut generator = Gen::new(swarm);
        let mut calls = Vec::new();
        while !u.is_empty() && calls.len() < MAX_FUZZ_CALLS {
            calls.push(generator.next_call(u)?);
        }
        Ok(OpsInput { swarm, calls })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::arbitrary(&mut u)
    }
}

impl OpsInput {
    /// Decodes bytes exactly as libfuzzer-sys does for `fuzz_target!(|input: OpsInput| ..)`.
    pub fn from_bytes(data: &[u8]) -> arbitrary::Result<OpsInput> {
        OpsInput::arbitrary_take_rest(Unstructured::new(data))
    }

    /// The input as a scenario (not shrunk).
    pub fn scenario(&self, name: &str) -> crate::scenario::Scenario {
        let shrunk = Shrunk {
            spec: explore::world_spec(),
            calls: self.calls.clone(),
            invariant: String::new(),
            message: String::new(),
            outcome: crate::step::StepOutcome::Ok(sharesim_core::Response::Empty),
            stats: Stats {
                original: self.calls.len(),
                ..Stats::default()
            },
        };
        let mut s = regression::scenario(&shrunk, fuzz_found_by(name, self.swarm, ""));
        s.description = format!(
            "libFuzzer input {name}: {} generated calls, not shrunk.",
            self.calls.len()
        );
        s
    }
}

fn fuzz_found_by(name: &str, swarm: Swarm, failure: &str) -> FoundBy {
    FoundBy {
        driver: "libfuzzer".to_owned(),
        seed: name.to_owned(),
        swarm: swarm.to_string(),
        commit: String::new(),
        failure: failure.to_owned(),
        explanation: String::new(),
    }
}

impl fmt::Debug for OpsInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match load::print(&self.scenario("input")) {
            Ok(text) => f.write_str(&text),
            Err(e) => write!(f, "<unprintable input: {e}>"),
        }
    }
}

/// The `ops` target: replays the input against the reference model with the checker in force.
/// Violations listed in [`explore::KNOWN_VIOLATIONS`] (open bugs with a shrunk scenario) are not
/// failures, so that libFuzzer looks for new ones.
pub fn ops(input: &OpsInput) -> Result<(), Box<Failure>> {
    ops_on(input, &explore::reference)
}

/// The environment variable that plants a fault of the zoo in the model the `ops` fuzz target
/// replays against (`SHARESIM_FAULT=import-copies cargo fuzz run -s none ops`), so that the
/// fault-detection benchmark (docs/PERFORMANCE.md, section 3) can time libFuzzer on the same
/// broken models as the self-test. Unset, the target runs the reference model.
pub const FAULT_ENV: &str = "SHARESIM_FAULT";

/// Calls replayed against the target's model by [`ops_target`] in this process.
static OPS_CALLS: AtomicUsize = AtomicUsize::new(0);

/// The fault [`FAULT_ENV`] names, read once per process.
static OPS_FAULT: OnceLock<Result<Option<Fault>, String>> = OnceLock::new();

/// The body of the `ops` fuzz target: [`ops_target_with`] against the fault [`FAULT_ENV`]
/// names, if any. The error is the message the target panics with.
pub fn ops_target(input: &OpsInput) -> Result<(), String> {
    let fault = OPS_FAULT.get_or_init(|| match std::env::var(FAULT_ENV) {
        Err(_) => Ok(None),
        Ok(name) => name.parse::<Fault>().map(Some).map_err(|_| {
            let names: Vec<&str> = Fault::all().map(Fault::name).collect();
            format!(
                "{FAULT_ENV}={name:?} is not a fault of the zoo; it has: {}",
                names.join(", ")
            )
        }),
    });
    ops_target_with(input, fault.clone()?)
}

/// [`ops`] against the reference model, or against the broken model of `fault`. As in the
/// self-test, a violation of the broken model counts only if the reference model passes the
/// same calls. The error message (a violation) ends with the number of calls replayed against
/// the target's model in this process so far, for the benchmark to read.
pub fn ops_target_with(input: &OpsInput, fault: Option<Fault>) -> Result<(), String> {
    let result = match fault {
        None => ops(input),
        #[cfg(feature = "faults")]
        Some(fault) => ops_on(input, &crate::selftest::model(fault)),
        #[cfg(not(feature = "faults"))]
        Some(_) => {
            return Err(format!(
                "{FAULT_ENV} needs sharesim built with the `faults` feature"
            ));
        }
    };
    let replayed = result
        .as_ref()
        .map_or_else(|f| f.step, |()| input.calls.len());
    let total = OPS_CALLS.fetch_add(replayed, Ordering::Relaxed) + replayed;
    let Err(f) = result else { return Ok(()) };
    let prefix = OpsInput {
        swarm: input.swarm,
        calls: f.calls.clone(),
    };
    if fault.is_some() && ops(&prefix).is_err() {
        return Ok(());
    }
    Err(format!(
        "{} at step {}: {}\n{input:?}\n{total} calls replayed in this process",
        f.invariant, f.step, f.message
    ))
}

/// [`ops`] against a given model.
pub fn ops_on(input: &OpsInput, model: explore::Model) -> Result<(), Box<Failure>> {
    let spec = explore::world_spec();
    let checker = crate::checks(&spec.config.quotas);
    let checker = explore::Tolerant::new(checker.as_ref());
    // Incremental mode, as the explorer checks: a violation it finds is confirmed by a full
    // replay, so the failure is the one full mode reports.
    match first_violation_with(&spec, &input.calls, &checker, model, CheckMode::Incremental) {
        None => Ok(()),
        Some((step, invariant, message, outcome)) => Err(Box::new(Failure {
            seed: 0,
            swarm: input.swarm,
            pinned: true,
            step,
            calls: input.calls.get(..step).unwrap_or(&input.calls).to_vec(),
            invariant,
            message,
            outcome,
        })),
    }
}

/// The `scenario_parse` target: the loader never panics, whatever the bytes.
pub fn scenario_parse(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = load::parse(text, Path::new("<fuzz>"));
    }
}

/// The `roundtrip` target: a scenario that parses prints and parses back to itself.
pub fn roundtrip(data: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let Ok(scenario) = load::parse(text, Path::new("<fuzz>")) else {
        return Ok(());
    };
    let printed = load::print(&scenario).map_err(|e| format!("cannot print: {e}"))?;
    let back = load::parse(&printed, Path::new("<printed>"))
        .map_err(|e| format!("the printed scenario does not parse: {e}\n{printed}"))?;
    if back != scenario {
        return Err(format!(
            "the printed scenario reads back differently:\n{printed}"
        ));
    }
    Ok(())
}

/// The `protocol` target: the bytes are served as protocol requests by the reference server
/// (`sharesim serve`), and every line is decoded as the replies and messages the conformance
/// runner reads from an implementation. Nothing panics: a bad line is an error, a good one is
/// answered.
pub fn protocol(data: &[u8]) {
    let _ = crate::conform::serve::serve(data, std::io::sink());
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for line in text.lines() {
        let _ = serde_json::from_str::<crate::conform::protocol::Reply>(line);
        let _ = serde_json::from_str::<crate::conform::protocol::Message>(line);
        if let Ok(call) = serde_json::from_str::<Call>(line) {
            let _ = World::new(&explore::world_spec()).apply(&call);
        }
    }
}

/// Replays one checked-in fuzz input of `target` (`fuzz/regressions/<target>/...`): the same
/// decoding and body as the target. Returns the failure, if the property does not hold.
pub fn replay(target: &str, data: &[u8]) -> Result<(), String> {
    match target {
        "ops" => match OpsInput::from_bytes(data) {
            Ok(input) => ops(&input).map_err(|f| {
                format!(
                    "{} at step {}: {}\n{input:?}",
                    f.invariant, f.step, f.message
                )
            }),
            Err(_) => Ok(()),
        },
        "scenario_parse" => {
            scenario_parse(data);
            Ok(())
        }
        "protocol" => {
            protocol(data);
            Ok(())
        }
        "roundtrip" => roundtrip(data),
        other => Err(format!("unknown fuzz target {other:?}")),
    }
}

/// The fuzz targets, by name.
pub const TARGETS: &[&str] = &["ops", "scenario_parse", "protocol", "roundtrip"];

/// Converts a libFuzzer artifact of the `ops` target into a regression: decode, replay, shrink
/// and write (into `dir`, when given). Returns the shrunk failure and what was written.
pub fn import_crash(
    name: &str,
    data: &[u8],
    model: explore::Model,
    budget: std::time::Duration,
    dir: Option<&Path>,
) -> Result<(Shrunk, Option<regression::Written>), String> {
    let input = OpsInput::from_bytes(data).map_err(|e| format!("cannot decode {name}: {e}"))?;
    let failure = ops_on(&input, model).err().ok_or_else(|| {
        format!(
            "{name} does not fail on this build ({} calls replayed cleanly); its scenario:\n{input:?}",
            input.calls.len()
        )
    })?;
    let spec = explore::world_spec();
    let checker = crate::checks(&spec.config.quotas);
    let checker = explore::Tolerant::new(checker.as_ref());
    let provenance = regression::Provenance {
        driver: "libfuzzer".to_owned(),
        seed: name.to_owned(),
        swarm: input.swarm.to_string(),
    };
    regression::shrink_and_write(
        regression::Failing {
            spec: &spec,
            calls: &failure.calls,
            invariant: &failure.invariant,
        },
        &provenance,
        &checker,
        model,
        budget,
        dir,
    )
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_input_prints_as_a_scenario_that_parses() {
        let bytes: Vec<u8> = (0..4000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let input = OpsInput::from_bytes(&bytes).unwrap();
        assert!(input.calls.len() > 10, "{}", input.calls.len());
        let text = format!("{input:?}");
        let back = load::parse(&text, Path::new("<debug>")).unwrap();
        assert_eq!(back.steps.len(), input.calls.len());
        assert_eq!(OpsInput::from_bytes(&bytes).unwrap(), input);
    }

    /// The `ops` target's body with a planted fault reports a sequence that the broken model
    /// fails and the reference passes, and passes it against the reference.
    #[cfg(feature = "faults")]
    #[test]
    fn the_ops_target_with_a_fault_reports_its_violation() {
        let fault = Fault::ShareLeaksRegion;
        let spec = explore::world_spec();
        let checker = crate::checks(&spec.config.quotas);
        let failure = (0..20)
            .find_map(|seed| {
                explore::explore_with(
                    &explore::Options::new(seed, 1000),
                    checker.as_ref(),
                    &crate::selftest::model(fault),
                )
                .failure
            })
            .unwrap();
        let input = OpsInput {
            swarm: failure.swarm,
            calls: failure.calls,
        };
        assert_eq!(ops_target_with(&input, None), Ok(()));
        let message = ops_target_with(&input, Some(fault)).unwrap_err();
        assert!(message.starts_with(&failure.invariant), "{message}");
        assert!(
            message.ends_with("calls replayed in this process"),
            "{message}"
        );
    }

    #[test]
    fn targets_accept_garbage() {
        for data in [
            &b""[..],
            b"\xff\xfe",
            b"Scenario(",
            b"{\"account\":\"a\"}\n[]",
            b"((((",
        ] {
            for target in TARGETS {
                replay(target, data).unwrap();
            }
        }
        assert!(replay("nope", b"").is_err());
    }
}
