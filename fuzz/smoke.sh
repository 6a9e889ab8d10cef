#!/usr/bin/env bash
# Short fuzz run for CI: builds every fuzz target (libFuzzer through
# libfuzzer-sys, on the stable toolchain without a sanitizer; see
# CONTRIBUTING.md, Fuzzing), seeds the corpora from the fixtures and runs each target
# for FUZZ_SECONDS (30). Exits non-zero if any target crashes, hangs (> 10 s
# on one input) or runs out of memory; the input is left in
# fuzz/artifacts/<target>/.
#
# The targets are built with plain cargo and the instrumentation flags
# `cargo fuzz build --sanitizer none` passes (below), so CI needs no
# `cargo install cargo-fuzz` (2 min); long runs can use either.
#
# Environment: FUZZ_SECONDS (30), FUZZ_TARGETS ("split_parse lint_text
# config"), FUZZ_TOOLCHAIN (empty: the default toolchain; e.g. "+nightly").
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
targets=${FUZZ_TARGETS:-split_parse lint_text config}
toolchain=${FUZZ_TOOLCHAIN:-}

fuzz/seed.sh >/dev/null || exit 2

host=$(rustc $toolchain -vV | sed -n 's/^host: //p')
# What cargo fuzz 0.13 sets for `--sanitizer none`: SanitizerCoverage with
# inline 8-bit counters, a PC table and comparison tracing (libFuzzer's
# feedback), `--cfg fuzzing`, debug assertions and overflow checks.
# `--target` keeps the flags off build scripts and proc macros.
flags=(
  -Cpasses=sancov-module
  -Cllvm-args=-sanitizer-coverage-level=4
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters
  -Cllvm-args=-sanitizer-coverage-pc-table
  -Cllvm-args=-sanitizer-coverage-trace-compares
  --cfg fuzzing -Cdebug-assertions -Coverflow-checks
)
export RUSTFLAGS="${flags[*]}"
build_start=$SECONDS
# One cargo invocation builds every target (fuzz/target, not the main target/).
if ! CARGO_PROFILE_RELEASE_DEBUG=false cargo $toolchain build --release --locked \
    --manifest-path fuzz/Cargo.toml --target "$host" --target-dir fuzz/target \
    --bins 2>fuzz/build.log; then
  tail -n 60 fuzz/build.log >&2
  echo "fuzz/smoke.sh: the fuzz targets do not build" >&2
  exit 2
fi
unset RUSTFLAGS
echo "fuzz: built targets in $((SECONDS - build_start)) s"
bin_dir=fuzz/target/$host/release

failed=()
for target in $targets; do
  case $target in
    config) dict=fuzz/toml.dict ;;
    *) dict=fuzz/yaml.dict ;;
  esac
  log=fuzz/$target.log
  mkdir -p "fuzz/artifacts/$target"
  # The binary the build made, run directly (no second cargo invocation).
  RUST_BACKTRACE=1 "$bin_dir/$target" "fuzz/corpus/$target" \
    -dict="$dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="fuzz/artifacts/$target/" -print_final_stats=1 >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
  if [ "$status" -eq 0 ]; then
    echo "fuzz: $target: ${runs:-?} inputs in ${seconds} s, ${cov:-cov: ?}, no crash"
  else
    failed+=("$target")
    echo "fuzz: $target: FAILED (exit $status)" >&2
    # The panic message, fmlint's own frames, libFuzzer's verdict, the input.
    { grep -E -A 1 'panicked at' "$log" | head -n 2
      grep -E '^ +at (\./)?src/|/src/.*\.rs' "$log" | grep -v -E '/rustc/|\.cargo/registry' | head -n 8
      grep -E 'ERROR: libFuzzer|^SUMMARY|Test unit written' "$log"
    } >&2
    echo "fuzz: full log: $log" >&2
  fi
done

if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz: crashes in: ${failed[*]} (reproduce: cargo fuzz run -s none TARGET fuzz/artifacts/TARGET/FILE)" >&2
  exit 1
fi
echo "fuzz: every target ran ${seconds} s without a crash"
