//! The model's indexes (RAM's share and invitation indexes, Image Builder's dependency index)
//! against a recomputation after every call of generated sequences, and the atomicity that the
//! in-place RAM and Image Builder mutations must keep: a rejected call changes nothing
//! observable. The sequences are the explorer's (same generator, same swarm profiles).

use sharesim::explore;
use sharesim_core::World;

/// Calls per seed.
const STEPS: usize = 400;

/// Seeds checked: 24, or `SHARESIM_INDEX_SEEDS` for a longer run.
fn seeds() -> u64 {
    std::env::var("SHARESIM_INDEX_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(24)
}

#[test]
fn indexes_equal_a_recomputation_after_every_generated_call() {
    let spec = explore::world_spec();
    let mut rejected = 0usize;
    for seed in 0..seeds() {
        let mut world = World::new(&spec);
        for (step, call) in explore::Episode::new(&spec, seed, None, STEPS) {
            let before = world.observe();
            let outcome = world.apply(&call);
            if let Err(e) = world.check_indexes() {
                panic!("seed {seed}, step {step}, {call:?}: {e}");
            }
            if outcome.result.is_err() {
                rejected += 1;
                assert_eq!(
                    before,
                    world.observe(),
                    "seed {seed}, step {step}: the rejected call {call:?} changed the world"
                );
            }
        }
    }
    assert!(rejected > 0, "the sequences exercise rejections too");
}
