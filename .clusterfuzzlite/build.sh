#!/bin/bash -eu
# Builds sharesim's libFuzzer targets for ClusterFuzzLite (and OSS-Fuzz, which uses the same
# contract): the builder image provides $SRC (sources), $OUT (where fuzzer binaries go), a nightly
# Rust and cargo-fuzz, which passes the sanitizer and coverage flags ClusterFuzzLite sets.
#
# Every file fuzz/fuzz_targets/<name>.rs is a target; each is copied to $OUT under its name, so a
# new target is picked up without editing this script. A directory fuzz/corpus/<name>/ (or the
# checked-in crash inputs under fuzz/regressions/<name>/) becomes <name>_seed_corpus.zip.
# tests/it/ci_templates.rs runs this script with a stand-in cargo to check exactly that.

cd "$SRC/sharesim"

# -O: release builds fuzz an order of magnitude faster; --debug-assertions keeps overflow and
# debug_assert! checks on, which is what a fuzzer should trip over.
cargo fuzz build -O --debug-assertions

release_dir=fuzz/target/x86_64-unknown-linux-gnu/release
shopt -s nullglob
for source in fuzz/fuzz_targets/*.rs; do
  name=$(basename "$source" .rs)
  cp "$release_dir/$name" "$OUT/"
  inputs=()
  for dir in "fuzz/corpus/$name" "fuzz/regressions/$name"; do
    if [ -d "$dir" ]; then
      inputs+=("$dir"/*)
    fi
  done
  if [ "${#inputs[@]}" -gt 0 ]; then
    zip -jq "$OUT/${name}_seed_corpus.zip" "${inputs[@]}"
  fi
done
