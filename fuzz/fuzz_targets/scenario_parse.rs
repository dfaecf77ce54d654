//! The scenario loader returns a scenario or a positioned error for any bytes, never panics.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sharesim::fuzzing::scenario_parse(data));
