//! A scenario that parses prints to text that parses back to the same scenario.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = sharesim::fuzzing::roundtrip(data) {
        panic!("{e}");
    }
});
