#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, gitignored) from the
# project's fixtures and the past crashes in tests/fuzz_regressions/. Files
# are named by content hash, so re-running adds only what is new.
# Usage: fuzz/seed.sh
set -euo pipefail
cd "$(dirname "$0")/.."

seed() { # seed TARGET FILE...
  local dir="fuzz/corpus/$1"
  shift
  mkdir -p "$dir"
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    cp "$f" "$dir/$(sha1sum "$f" | cut -c1-40)"
  done
}

mapfile -t md < <(find fixtures tests/fixtures -type f -name '*.md' 2>/dev/null | sort)
mapfile -t toml < <(find fixtures tests/fixtures schemas -type f -name '*.toml' 2>/dev/null | sort)

seed split_parse "${md[@]}"
seed lint_text "${md[@]}"
seed config "${toml[@]}"

# Past crashes (tests/fuzz_regressions/TARGET-*): every run replays them first.
for t in split_parse lint_text config; do
  mapfile -t past < <(find tests/fuzz_regressions -type f -name "$t-*" 2>/dev/null | sort)
  seed "$t" "${past[@]}"
done

for t in split_parse lint_text config; do
  printf 'fuzz/corpus/%s: %s files\n' "$t" "$(find "fuzz/corpus/$t" -type f | wc -l)"
done
