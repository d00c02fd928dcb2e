#!/usr/bin/env bash
# Benchmark: the pre-commit case. connlint is handed 10 changed files of a
# 10,000-file repository (as pre-commit passes them) and must answer in
# under 100 ms, context files and config lookup included.
#
#   bench/precommit.sh              # build, generate the repository if needed, time it
#   SKIP_BUILD=1 bench/precommit.sh
#
# Prints hyperfine's summary and writes bench/out/precommit.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${BENCH_OUT:-$ROOT/bench/out}"
FILES="${FILES:-10000}"
CHANGED="${CHANGED:-10}"
RUNS="${RUNS:-30}"
CONNLINT="${CONNLINT:-${CARGO_TARGET_DIR:-$ROOT/target}/release/connlint}"
REPO="$OUT/repo-$FILES"

command -v hyperfine >/dev/null || { echo "precommit.sh: hyperfine is required (apt-get install -y hyperfine)" >&2; exit 2; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
fi
mkdir -p "$OUT"
if [[ ! -f "$REPO/.bench-monorepo" ]]; then
  python3 "$ROOT/bench/gen_monorepo.py" --files "$FILES" --out "$REPO" --force
fi

# Every n-th file connlint reads, so the changed files spread over the tree.
mapfile -t readable < <(cd "$REPO" && find . -type f \( -name '*.sh' -o -name '*.bat' -o -name '*.xml' \
  -o -name '*.properties' -o -name 'Dockerfile' -o -name '*.yml' \) | sed 's|^\./||' | LC_ALL=C sort)
step=$(( ${#readable[@]} / CHANGED ))
changed=()
for ((i = 0; i < CHANGED; i++)); do changed+=("${readable[$((i * step))]}"); done
printf 'changed files:\n'; printf '  %s\n' "${changed[@]}"

cd "$REPO"
# Exit code 1 (findings) is expected on a repository with injected problems.
hyperfine --warmup 3 --runs "$RUNS" --ignore-failure --export-json "$OUT/precommit.json" \
  "$CONNLINT check ${changed[*]}"
"$CONNLINT" check "${changed[@]}" 2>&1 | tail -1
