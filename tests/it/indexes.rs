//! The model's indexes (RAM's share and invitation indexes, Image Builder's dependency index)
//! against a recomputation after every call of generated sequences, and the atomicity that the
//! in-place RAM and Image Builder mutations must keep: a rejected call changes nothing
//! observable. The sequences are the explorer's (same generator, same swarm profiles).

use arbitrary::Unstructured;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sharesim::explore::{self, BYTES_PER_CALL};
use sharesim::generate::{Gen, Swarm};
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
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut generator = Gen::for_world(&spec, Swarm::from_seed(seed));
        let mut world = World::new(&spec);
        let mut buf = [0u8; BYTES_PER_CALL];
        for step in 1..=STEPS {
            rng.fill_bytes(&mut buf);
            let Ok(call) = generator.next_call(&mut Unstructured::new(&buf)) else {
                continue;
            };
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
