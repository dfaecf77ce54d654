//! Where runs come from: the built-in list (src/conform/builtin.ron), the scenario corpus
//! (scenarios/, desugared by the scenario module into a world and calls), and runs generated
//! from seeds, restricted to the operation kinds the implementation declares so that every
//! generated run is applicable.

use crate::conform::protocol::Capabilities;
use crate::conform::runner::Run;
use crate::scenario::run::PreparedStep;
use arbitrary::{Arbitrary, Unstructured};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sharesim_core::name::{ARBITRARY_NAME_POOL, ARBITRARY_REGION_POOL};
use sharesim_core::{Call, Name, Region, WorldSpec};
use std::path::Path;

/// The built-in runs (read with the scenario files' RON options).
pub fn builtin() -> Result<Vec<Run>, String> {
    crate::scenario::load::ron_options()
        .from_str(include_str!("builtin.ron"))
        .map_err(|e| format!("src/conform/builtin.ron: {e}"))
}

/// Every scenario under `dir` as a run named `scenarios/<name>`: the world's setup calls, then
/// the scenario's calls (its observation assertions are the scenario runner's business; here
/// the whole observation is compared).
pub fn scenarios(dir: &Path) -> Result<Vec<Run>, String> {
    let files = crate::scenario::discover(dir)
        .map_err(|e| format!("cannot list scenarios in {}: {e}", dir.display()))?;
    let mut runs = Vec::new();
    for (name, path) in files {
        let scenario = crate::scenario::load::load(&path).map_err(|e| e.to_string())?;
        let prepared = crate::scenario::run::prepare(&scenario);
        let mut calls = prepared.setup;
        calls.extend(prepared.steps.into_iter().filter_map(|step| match step {
            PreparedStep::Call { call, .. } => Some(call),
            PreparedStep::Observe(_) => None,
        }));
        runs.push(Run {
            name: format!("scenarios/{name}"),
            spec: prepared.spec,
            calls,
        });
    }
    Ok(runs)
}

/// Calls per generated run.
const GENERATED_CALLS: usize = 30;

/// `count` runs generated from seeds `1..=count`: a world of the arbitrary name pool's accounts
/// and Regions, and calls drawn with `arbitrary` from a seeded ChaCha stream, keeping only the
/// declared operation kinds. Deterministic: the same seed and capabilities give the same run.
pub fn generated(count: u64, capabilities: &Capabilities) -> Vec<Run> {
    let kinds = capabilities.op_kinds();
    let spec = WorldSpec {
        accounts: ARBITRARY_NAME_POOL.iter().map(|n| Name::from(*n)).collect(),
        regions: ARBITRARY_REGION_POOL
            .iter()
            .map(|r| Region::from(*r))
            .collect(),
        config: sharesim_core::Config::default(),
    };
    (1..=count)
        .map(|seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut bytes = vec![0u8; 1 << 16];
            rng.fill_bytes(&mut bytes);
            let mut u = Unstructured::new(&bytes);
            let mut calls = Vec::new();
            let mut attempts = 0;
            while calls.len() < GENERATED_CALLS
                && attempts < 64 * GENERATED_CALLS
                && !kinds.is_empty()
            {
                attempts += 1;
                let Ok(mut call) = Call::arbitrary(&mut u) else {
                    break;
                };
                if !kinds.contains(&call.op.kind()) {
                    continue;
                }
                // End-user calls are rare: most generated principals do not exist.
                if !u.ratio(1u8, 8u8).unwrap_or(false) {
                    call.principal = None;
                }
                calls.push(call);
            }
            Run {
                name: format!("seed/{seed}"),
                spec: spec.clone(),
                calls,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    // PANIC SAFETY: test code.
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn builtin_runs_parse_and_have_unique_names() {
        let runs = builtin().unwrap();
        assert!(runs.len() >= 5);
        let mut names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), runs.len());
    }

    #[test]
    fn the_scenario_corpus_loads_as_runs() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let runs = scenarios(&dir).unwrap();
        assert!(!runs.is_empty());
        assert!(
            runs.iter()
                .all(|r| r.name.starts_with("scenarios/") && !r.calls.is_empty())
        );
    }

    #[test]
    fn generated_runs_are_deterministic_and_respect_capabilities() {
        let caps = Capabilities {
            ops: vec!["CreatePortfolio".into(), "DeletePortfolio".into()],
            ..Capabilities::default()
        };
        let a = generated(3, &caps);
        assert_eq!(a, generated(3, &caps));
        assert_eq!(a.len(), 3);
        assert!(a.iter().all(|r| !r.calls.is_empty()));
        assert!(
            a.iter()
                .flat_map(|r| &r.calls)
                .all(|c| matches!(c.op.kind().name(), "CreatePortfolio" | "DeletePortfolio"))
        );
        assert!(
            generated(2, &Capabilities::default())
                .iter()
                .all(|r| r.calls.is_empty())
        );
    }
}
