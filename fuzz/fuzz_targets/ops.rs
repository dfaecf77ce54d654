//! Generated call sequences against the reference model: no invariant violation, no panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: sharesim::fuzzing::OpsInput| {
    if let Err(f) = sharesim::fuzzing::ops(&input) {
        panic!(
            "{} at step {}: {}\n{input:?}",
            f.invariant, f.step, f.message
        );
    }
});
