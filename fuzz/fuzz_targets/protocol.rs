//! Decoding conformance-protocol payloads never panics, and decoded calls apply cleanly.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sharesim::fuzzing::protocol(data));
