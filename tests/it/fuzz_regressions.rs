//! Replays every checked-in fuzz input (fuzz/regressions/<target>/*) through the same library
//! function and decoding as the cargo-fuzz target, so that a fixed crash stays fixed without
//! cargo-fuzz or libFuzzer.

use super::scenarios::root;
use sharesim::fuzzing::{TARGETS, replay};

#[test]
fn every_checked_in_fuzz_input_passes() {
    let dir = root().join("fuzz").join("regressions");
    let Ok(targets) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for target in targets.flatten() {
        let name = target.file_name().to_string_lossy().into_owned();
        assert!(
            TARGETS.contains(&name.as_str()),
            "fuzz/regressions/{name} is not a fuzz target ({TARGETS:?})"
        );
        let mut files: Vec<_> = std::fs::read_dir(target.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            count += 1;
            let data = std::fs::read(&file).unwrap();
            if let Err(e) = replay(&name, &data) {
                failures.push(format!("{}: {e}", file.display()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} fuzz regressions fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
