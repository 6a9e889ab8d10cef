#!/usr/bin/env bash
# Short fuzz run for CI: builds every fuzz target (cargo fuzz, libFuzzer, on
# the stable toolchain without a sanitizer; see docs/fuzzing.md), seeds the
# corpora from the fixtures and runs each target for FUZZ_SECONDS (30).
# Exits non-zero if any target crashes, hangs (> 10 s on one input) or runs
# out of memory; the input is left in fuzz/artifacts/<target>/.
#
# Environment: FUZZ_SECONDS (30), FUZZ_TARGETS ("split_parse lint_text
# config"), FUZZ_TOOLCHAIN (empty: the default toolchain; e.g. "+nightly"),
# FUZZ_SANITIZER (none; "address" needs a nightly toolchain).
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-30}
targets=${FUZZ_TARGETS:-split_parse lint_text config}
toolchain=${FUZZ_TOOLCHAIN:-}
sanitizer=${FUZZ_SANITIZER:-none}

if ! cargo $toolchain fuzz --version >/dev/null 2>&1; then
  echo "fuzz/smoke.sh: cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
  exit 2
fi

fuzz/seed.sh >/dev/null || exit 2

build_start=$SECONDS
# One cargo invocation builds every target (fuzz/target, not the main target/).
if ! cargo $toolchain fuzz build --sanitizer "$sanitizer" --target-dir fuzz/target 2>fuzz/build.log; then
  tail -n 60 fuzz/build.log >&2
  echo "fuzz/smoke.sh: the fuzz targets do not build" >&2
  exit 2
fi
echo "fuzz: built targets in $((SECONDS - build_start)) s"
host=$(rustc $toolchain -vV | sed -n 's/^host: //p')
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
