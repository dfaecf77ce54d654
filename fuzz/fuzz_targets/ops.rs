//! Generated call sequences against the reference model (or the broken model named by
//! `SHARESIM_FAULT`): no invariant violation, no panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|input: sharesim::fuzzing::OpsInput| {
    if let Err(message) = sharesim::fuzzing::ops_target(&input) {
        panic!("{message}");
    }
});
