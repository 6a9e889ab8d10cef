#!/usr/bin/env bash
# fmlint benchmark: generate synthetic QuickTakes corpora, time fmlint against
# read-only floors (ripgrep, cat), check fmlint's per-rule counts against the
# generator's expected.json, and write BENCHMARKS.md.
#
#   bench/run.sh                 # 36k and 360k articles
#   bench/run.sh --quick         # 36k only
#
# Options:
#   --quick        skip the 360k corpus
#   --no-build     do not run cargo (use existing binaries)
#   --regen        regenerate corpora even when a matching one exists
#   --runs N       minimum timed runs per command (default 5)
#   --out FILE     where to write the report (default: <repo>/BENCHMARKS.md)
#   --no-peers     skip peer tools
#   --peers-all    also run (slow) peers on the 360k corpus
# Environment:
#   BENCH_DIR      scratch dir for corpora (default /tmp/fmlint-bench)
#   FMLINT         fmlint binary (default: <repo>/target/release/fmlint)
#   SEED           generator seed (default 1)
#   DEFECT_RATE    generator defect rate (default 0.05)
#   SIZES          article counts (default "36000 360000"; --quick: "36000")
set -euo pipefail

# how this run was invoked (env overrides that change the results included)
INVOCATION="bench/run.sh${*:+ $*}"
for v in DEFECT_RATE SEED SIZES; do
    if [[ -n "${!v:-}" ]]; then INVOCATION="$v='${!v}' $INVOCATION"; fi
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/fmlint-bench}"
FMLINT="${FMLINT:-$ROOT/target/release/fmlint}"
SEED="${SEED:-1}"
DEFECT_RATE="${DEFECT_RATE:-0.05}"
GEN_TARGET="$ROOT/target/gen"
GEN="$GEN_TARGET/release/gen-corpus"
OUT="$ROOT/BENCHMARKS.md"
QUICK=0 BUILD=1 REGEN=0 RUNS=5 PEERS=1 PEERS_ALL=0
VERIFY_FAIL=0

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --no-build) BUILD=0 ;;
        --regen) REGEN=1 ;;
        --runs) RUNS="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --no-peers) PEERS=0 ;;
        --peers-all) PEERS_ALL=1 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
if [[ -z "${SIZES:-}" ]]; then
    if [[ $QUICK == 1 ]]; then SIZES="36000"; else SIZES="36000 360000"; fi
fi

log() { printf '\n==> %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

have python3 || { echo "run.sh: python3 is required" >&2; exit 2; }

# ---------------------------------------------------------------- tools
missing=()
have hyperfine || missing+=(hyperfine)
have rg || missing+=(ripgrep)
[[ -x /usr/bin/time ]] || missing+=(time)
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ $(id -u) == 0 ]] && have apt-get; then
        log "installing ${missing[*]} (apt-get)"
        apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; } \
            || echo "run.sh: could not install ${missing[*]}; continuing without" >&2
    else
        echo "run.sh: missing ${missing[*]} (not root, not installing); continuing without" >&2
    fi
fi

# ---------------------------------------------------------------- build
if [[ $BUILD == 1 ]]; then
    log "building gen-corpus"
    cargo build --release --quiet --manifest-path "$ROOT/bench/gen-corpus/Cargo.toml" --target-dir "$GEN_TARGET"
    log "building fmlint"
    if ! cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --bin fmlint; then
        echo "run.sh: fmlint failed to build; timing the floors only" >&2
    fi
fi
[[ -x "$GEN" ]] || { echo "run.sh: $GEN not found (run without --no-build)" >&2; exit 2; }
FMLINT_OK=0
if [[ -x "$FMLINT" ]]; then
    FMLINT_OK=1
    FMLINT_VERSION="$("$FMLINT" --version 2>/dev/null || echo unknown)"
else
    echo "run.sh: fmlint is missing ($FMLINT); timing the floors only" >&2
    FMLINT_VERSION="not built"
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$BENCH_DIR"

# median wall seconds of a shell command, without hyperfine
fallback_time() {
    local cmd="$1" i t0 t1
    sh -c "$cmd" >/dev/null 2>&1 || true # warmup
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        sh -c "$cmd" >/dev/null 2>&1 || true
        t1=$(date +%s%N)
        echo $(((t1 - t0) / 1000))
    done | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.6f\n", m/1e6}'
}

# times NAME=CMD pairs; prints "NAME median_seconds" lines
time_all() {
    local args=() pair
    if have hyperfine; then
        for pair in "$@"; do args+=(-n "${pair%%=*}" "${pair#*=}"); done
        hyperfine --warmup 1 --min-runs "$RUNS" -i --style basic \
            --export-json "$TMP/h.json" "${args[@]}" >&2
        python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], "%.6f" % r["median"])' "$TMP/h.json"
    else
        for pair in "$@"; do
            echo "${pair%%=*} $(fallback_time "${pair#*=}")"
        done
    fi
}

peak_rss_mb() { # command args... ; prints peak RSS in MB (or n/a)
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f '%M' -o "$TMP/rss" "$@" >/dev/null 2>"$TMP/rss.err" || true
        awk '{printf "%.0f\n", $1/1024}' "$TMP/rss" | tail -1
    else
        echo "n/a"
    fi
}

# fmlint's per-rule counts vs expected.json; appends a markdown section to $TMP/verify.md
verify_counts() {
    local corpus="$1" learn="$1/content/learn" rc=0 fmt=json
    "$FMLINT" check "$learn" --format json >"$TMP/diag.out" 2>"$TMP/diag.err" || rc=$?
    if [[ $rc -ge 2 ]] || ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d, list)' "$TMP/diag.out" 2>/dev/null; then
        fmt=concise rc=0
        "$FMLINT" check "$learn" --format concise >"$TMP/diag.out" 2>"$TMP/diag.err" || rc=$?
    fi
    if python3 - "$corpus/expected.json" "$TMP/diag.out" "$fmt" "$rc" "$(basename "$corpus")" >>"$TMP/verify.md" <<'PY'
import collections, json, re, sys
exp_path, out_path, fmt, rc, name = sys.argv[1:6]
expected = json.load(open(exp_path))["expected"]
got = collections.Counter()
if fmt == "json":
    for d in json.load(open(out_path)):
        got[d.get("rule")] += 1
else:
    pat = re.compile(r"^.+?:\d+:\d+: \w+\[([A-Za-z0-9_-]+)\] ")
    for line in open(out_path, encoding="utf-8", errors="replace"):
        m = pat.match(line)
        if m:
            got[m.group(1)] += 1
rows, ok = [], True
for r in sorted(set(expected) | set(got)):
    e, g = expected.get(r, 0), got.get(r, 0)
    status = "MATCH" if e == g else "MISMATCH"
    ok &= e == g
    print(f"{status:9} {r:24} fmlint={g} expected={e}", file=sys.stderr)
    rows.append(f"| {r} | {e} | {g} | {status} |")
print(f"{name}: {'ALL MATCH' if ok else 'MISMATCH'} (fmlint --format {fmt}, exit {rc})", file=sys.stderr)
print(f"\n### {name}: {'all rules match' if ok else '**MISMATCH**'} "
      f"(`--format {fmt}`, exit code {rc})\n")
print("| rule | expected | fmlint | |\n|---|---:|---:|---|")
print("\n".join(rows))
sys.exit(0 if ok else 1)
PY
    then :; else VERIFY_FAIL=1; fi
}

# bytes in the result caches under a corpus (wherever its root put them; the
# run starts without any, so this is the cache of this build and settings)
cache_size() {
    find "$1" -type d -name .fmlint_cache -prune -exec du -sb {} + 2>/dev/null \
        | awk '{s += $1} END {print s + 0}'
}

# The pre-commit hook's command on three staged files of a corpus made a git
# repository (once), cache warm; prints the median in ms.
time_precommit() {
    local corpus="$1" files
    if [[ ! -d "$corpus/.git" ]]; then
        log "making $corpus a git repository (for the pre-commit timing)"
        git -C "$corpus" init -q
        git -C "$corpus" add -A
        git -C "$corpus" -c user.name=bench -c user.email=bench@example.com commit -qm corpus
    fi
    files="$(git -C "$corpus" ls-files 'content/*.md' | awk 'NR % 9973 == 1' | head -3 | tr '\n' ' ')"
    "$FMLINT" check --corpus-root "$corpus" "$corpus/content" --format concise >/dev/null 2>&1 || true
    time_all "precommit=cd $corpus && $FMLINT check --git-tracked --report-affected --format=concise $files > /dev/null" \
        | awk '{printf "%.1f\n", $2 * 1000}'
}

# ---------------------------------------------------------------- run
ROWS=()
GOALS=()
PEER_COL=0
for n in $SIZES; do
    label="$((n / 1000))k"
    corpus="$BENCH_DIR/qt-$label"
    learn="$corpus/content/learn"
    if [[ $REGEN == 1 || ! -f "$corpus/expected.json" || "$GEN" -nt "$corpus/expected.json" ]] \
        || ! grep -q "\"articles\": $n, .*\"seed\": $SEED, \"defect_rate\": $DEFECT_RATE," "$corpus/expected.json"; then
        log "generating $n articles into $corpus"
        "$GEN" --articles "$n" --out "$corpus" --seed "$SEED" --defect-rate "$DEFECT_RATE" --clean >/dev/null
    else
        log "reusing $corpus"
    fi
    read -r files bytes < <(python3 -c '
import json, sys; d = json.load(open(sys.argv[1])); print(d["files"], d["bytes"])' "$corpus/expected.json")

    # Caches of earlier builds or settings (fmlint keeps the last few keys
    # side by side) would count in the cache's size: start from none.
    find "$corpus" -type d -name .fmlint_cache -prune -exec rm -rf {} +
    cmds=()
    # The full check reads and parses every file (--no-cache); the warm run
    # is the same command with the result cache primed by hyperfine's warmup.
    [[ $FMLINT_OK == 1 ]] && cmds+=("fmlint=$FMLINT check $learn --no-cache --format concise > /dev/null")
    [[ $FMLINT_OK == 1 ]] && cmds+=("fmlint_warm=$FMLINT check $learn --format concise > /dev/null")
    have rg && cmds+=("rg=rg -c '^id:' $learn > /dev/null")
    cmds+=("cat=find $learn -name '*.md' -print0 | xargs -0 cat > /dev/null")
    log "timing on $label ($files files)"
    declare -A T=()
    while read -r name secs; do T[$name]=$secs; done < <(time_all "${cmds[@]}")

    rss="n/a" rss_warm="n/a" cache_bytes=""
    if [[ $FMLINT_OK == 1 ]]; then
        rss="$(peak_rss_mb "$FMLINT" check "$learn" --no-cache --format concise)"
        # hyperfine's runs above primed the cache
        rss_warm="$(peak_rss_mb "$FMLINT" check "$learn" --format concise)"
        cache_bytes="$(cache_size "$corpus")"
    fi
    if [[ $FMLINT_OK == 1 && -z "${PRECOMMIT_MS:-}" ]]; then
        PRECOMMIT_MS="$(time_precommit "$corpus")"
        PRECOMMIT_LABEL="$label"
    fi
    GOALS+=("$label ${T[fmlint]:-0} ${T[fmlint_warm]:-0} ${T[rg]:-0} ${rss:-n/a} ${rss_warm:-n/a} ${cache_bytes:-0} $bytes $files")

    peer="–"
    if [[ $PEERS == 1 ]] && python3 -c 'import yaml' 2>/dev/null && [[ $n -le 40000 || $PEERS_ALL == 1 ]]; then
        log "peer: PyYAML oracle on $label (1 run)"
        PEER_COL=1
        t0=$(date +%s%N)
        python3 "$ROOT/bench/check_expected.py" "$corpus" --json >/dev/null || true
        t1=$(date +%s%N)
        peer="$(awk -v d=$(((t1 - t0) / 1000)) 'BEGIN {printf "%.2f s", d/1e6}')"
    fi

    if [[ $FMLINT_OK == 1 ]]; then
        log "checking fmlint's counts on $label against expected.json"
        verify_counts "$corpus"
    fi

    ROWS+=("$(python3 - "$label" "$files" "$bytes" "${T[fmlint]:-}" "${T[rg]:-}" "${T[cat]:-}" "$rss" "$peer" "${T[fmlint_warm]:-}" <<'PY'
import sys
label, files, nbytes, fm, rg, cat, rss, peer, warm = sys.argv[1:10]
files, mb = int(files), int(nbytes) / 1e6
num = lambda x: float(x) if x and float(x) > 0 else None
fm, rg, cat, warm = num(fm), num(rg), num(cat), num(warm)
s = lambda x: f"{x:.3f} s" if x else "n/a"
ratio = f"{fm / rg:.2f}×" if fm and rg else "n/a"
fps = f"{files / fm:,.0f}" if fm else "n/a"
mbs = f"{mb / fm:,.0f}" if fm else "n/a"
rss = f"{rss} MB" if rss not in ("", "n/a") else "n/a"
print(f"| {label} | {files:,} | {mb:,.1f} | {s(fm)} | {s(rg)} | {s(cat)} | {ratio} | {fps} | {mbs} | {rss} | {s(warm)} | {peer} |")
PY
)")
    unset T
done

# ---------------------------------------------------------------- goals
# The speed and memory goals, each with what this run measured.
goals_table() {
    python3 - "${PRECOMMIT_MS:-}" "${PRECOMMIT_LABEL:-}" "${GOALS[@]}" <<'PY'
import sys
pre_ms, pre_label, rows = sys.argv[1], sys.argv[2], [r.split() for r in sys.argv[3:]]
num = lambda x: float(x) if x not in ("", "n/a") and float(x) > 0 else None
out = []
def goal(name, value, ok):
    verdict = "n/a" if ok is None else ("met" if ok else "**not met**")
    out.append(f"| {name} | {value} | {verdict} |")
per_file = {}
for label, fm, warm, rg, rss, rss_warm, cache, nbytes, files in rows:
    fm, warm, rg, rss, rss_warm = map(num, (fm, warm, rg, rss, rss_warm))
    cache, nbytes, files = int(cache), int(nbytes), int(files)
    if fm:
        per_file[label] = fm / files
    if label == "36k":
        goal("36k, no cache: wall ≤ 2.0× the rg floor", f"{fm / rg:.2f}×" if fm and rg else "n/a", fm / rg <= 2.0 if fm and rg else None)
        goal("36k, no cache: peak RSS ≤ 100 MB", f"{rss:.0f} MB" if rss else "n/a", rss <= 100 if rss else None)
        goal("36k, warm cache: wall ≤ 1.0× the rg floor", f"{warm / rg:.2f}×" if warm and rg else "n/a", warm / rg <= 1.0 if warm and rg else None)
        goal("36k, warm cache: peak RSS (no goal; for reference)", f"{rss_warm:.0f} MB" if rss_warm else "n/a", None)
    if label == "360k":
        goal("360k, no cache: peak RSS ≤ 300 MB", f"{rss:.0f} MB" if rss else "n/a", rss <= 300 if rss else None)
    if cache and nbytes:
        goal(f"{label}: cache on disk ≤ ¼ of the corpus", f"{cache / 1e6:.1f} MB for {nbytes / 1e6:.1f} MB ({cache / nbytes:.0%})", cache <= nbytes / 4)
if "36k" in per_file and "360k" in per_file:
    r = per_file["360k"] / per_file["36k"]
    goal("360k: linear time (time per file vs 36k ≤ 1.15×)", f"{r:.2f}×", r <= 1.15)
if pre_ms:
    goal(f"pre-commit, 3 files of {pre_label}, warm cache: ≤ 50 ms", f"{float(pre_ms):.0f} ms", float(pre_ms) <= 50)
print("## Goals\n")
print("| goal | measured | |\n|---|---:|---|")
print("\n".join(out))
print("\npre-commit command: `fmlint check --git-tracked --report-affected --format=concise F1 F2 F3` "
      "(the hook's), in the corpus made a git repository, after a full run primed the cache.")
PY
}

# ---------------------------------------------------------------- report
cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
ram="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || true)"
commit="$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "unknown")"
timer="hyperfine $(hyperfine --version 2>/dev/null | awk '{print $2}') (warmup 1, ≥$RUNS runs, median)"
have hyperfine || timer="bash loop (warmup 1, $RUNS runs, median)"
{
    echo "# Benchmarks"
    echo
    echo "Generated by \`bench/run.sh\`; do not edit by hand. Reproduce with:"
    echo
    echo '```sh'
    echo "$INVOCATION"
    echo '```'
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, ${ram:-? RAM}, $(uname -sr)"
    echo "- fmlint: $FMLINT_VERSION; repository at $commit"
    echo "- corpora: \`gen-corpus --seed $SEED --defect-rate $DEFECT_RATE\` (synthetic QuickTakes articles, see bench/README.md)"
    echo "- timing: $timer, warm page cache"
    echo "- floors: \`rg -c '^id:' DIR\` ($(rg --version 2>/dev/null | head -1 || echo 'rg missing')) and \`find DIR -name '*.md' -print0 | xargs -0 cat\`"
    echo
    echo "| corpus | files | MB | fmlint wall (full, --no-cache) | rg floor | cat floor | fmlint / rg | files/s | MB/s | fmlint peak RSS | fmlint wall (warm cache) | PyYAML oracle (1 run) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "fmlint command: \`fmlint check DIR --no-cache --format concise > /dev/null\` (every file read and parsed); warm cache: the same without \`--no-cache\`, after a priming run. Exit code 1 is expected: the corpora contain defects."
    echo "MB = 10^6 bytes. files/s and MB/s are fmlint's. The PyYAML oracle is \`bench/check_expected.py\` (single-threaded Python, same rules)."
    echo
    goals_table
    # Where the time goes: the profile and what was done about it, kept by
    # hand in bench/profile.md (a profile is read, not generated).
    if [[ -s "$ROOT/bench/profile.md" ]]; then
        echo
        cat "$ROOT/bench/profile.md"
    fi
    if [[ -s "$TMP/verify.md" ]]; then
        echo
        echo "## Diagnostics per rule vs. the generator's expected counts"
        cat "$TMP/verify.md"
    elif [[ $FMLINT_OK == 0 ]]; then
        echo
        echo "fmlint was not available when this file was written: only the floors were measured."
    fi
} >"$OUT"
log "wrote $OUT"
if [[ $VERIFY_FAIL == 1 ]]; then
    echo "run.sh: fmlint's counts differ from expected.json (see $OUT)" >&2
    exit 1
fi
