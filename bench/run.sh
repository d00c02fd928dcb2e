#!/usr/bin/env bash
# Benchmark: connlint vs. ripgrep on synthetic integration monorepos.
#
#   bench/run.sh                      # build, generate 10k + 100k repos, time both tools
#   SIZES="2000" RUNS=3 bench/run.sh  # quick run
#   bench/run.sh --no-build --loop    # reuse target/release/connlint, skip hyperfine
#
# See bench/README.md for what is measured and where the numbers go.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${BENCH_OUT:-$ROOT/bench/out}"
SIZES="${SIZES:-10000 100000}"
RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
SEED="${SEED:-20201001}"
BROKEN_RATE="${BROKEN_RATE:-0.03}"
SKIP_BUILD="${SKIP_BUILD:-0}"
USE_LOOP="${USE_LOOP:-0}"
REQUIRE_HYPERFINE="${REQUIRE_HYPERFINE:-0}"
PREFLIGHT_TIMEOUT="${PREFLIGHT_TIMEOUT:-900}"
GNU_TIME="${GNU_TIME:-/usr/bin/time}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
CONNLINT="${CONNLINT:-$TARGET_DIR/release/connlint}"
# Extra arguments for `connlint check` (word-split on purpose), e.g. CONNLINT_ARGS="--jobs 4".
CONNLINT_ARGS="${CONNLINT_ARGS:-}"

INSTALL_HINT="install them with: sudo apt-get install -y ripgrep hyperfine   (or: cargo install ripgrep hyperfine; brew install ripgrep hyperfine)"

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<EOF

Options:
  --sizes "N M"   repository sizes in files (default: "$SIZES")
  --runs N        timed runs per command (default: $RUNS)
  --warmup N      warmup runs per command (default: $WARMUP)
  --no-build      don't run cargo build --release (same as SKIP_BUILD=1)
  --loop          time with a bash loop and /usr/bin/time -v even if hyperfine is installed
  -h, --help      this help

Environment: SIZES RUNS WARMUP SEED BROKEN_RATE SKIP_BUILD USE_LOOP REQUIRE_HYPERFINE
             BENCH_OUT CONNLINT CONNLINT_ARGS CARGO_TARGET_DIR PREFLIGHT_TIMEOUT GNU_TIME
Exit codes: 0 ok (connlint failures are reported in the table, not fatal),
            2 missing prerequisite or bad usage.
EOF
}

while (($#)); do
  case "$1" in
    --sizes) SIZES="${2:?--sizes needs a value}"; shift 2 ;;
    --runs) RUNS="${2:?--runs needs a value}"; shift 2 ;;
    --warmup) WARMUP="${2:?--warmup needs a value}"; shift 2 ;;
    --no-build) SKIP_BUILD=1; shift ;;
    --loop) USE_LOOP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die2() { printf 'error: %s\n' "$*" >&2; exit 2; }

for v in RUNS WARMUP; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die2 "$v must be a non-negative integer, got '${!v}'"
done
((RUNS >= 1)) || die2 "RUNS must be at least 1"
for n in $SIZES; do
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 4)) || die2 "each size must be an integer >= 4, got '$n'"
done

# ---------------------------------------------------------------- prerequisites
command -v python3 >/dev/null || die2 "python3 is required for bench/gen_monorepo.py (sudo apt-get install -y python3)"
if ! command -v rg >/dev/null; then
  die2 "ripgrep (rg) is not installed; $INSTALL_HINT"
fi
HAVE_HYPERFINE=0
if command -v hyperfine >/dev/null; then
  HAVE_HYPERFINE=1
elif ((REQUIRE_HYPERFINE)); then
  die2 "hyperfine is not installed; $INSTALL_HINT"
else
  warn "hyperfine is not installed, timing with a bash loop instead; $INSTALL_HINT"
fi
if ((USE_LOOP)); then HAVE_HYPERFINE=0; fi
HAVE_GNU_TIME=0
if [[ -x "$GNU_TIME" ]] && "$GNU_TIME" -v true >/dev/null 2>&1; then
  HAVE_GNU_TIME=1
else
  warn "GNU time (/usr/bin/time -v) not found, max RSS will be n/a (sudo apt-get install -y time)"
fi

mkdir -p "$OUT"
ERRLOG="$OUT/stderr.log"
: >"$ERRLOG"

# ---------------------------------------------------------------- build
CONNLINT_BUILD_OK=1
if ((SKIP_BUILD)); then
  log "skipping cargo build (SKIP_BUILD=1); using $CONNLINT"
elif ! command -v cargo >/dev/null; then
  warn "cargo not found; cannot build connlint (install Rust from https://rustup.rs); timing rg only"
  CONNLINT_BUILD_OK=0
else
  log "cargo build --release"
  if ! (cd "$ROOT" && cargo build --release); then
    warn "cargo build --release failed; timing rg only (connlint columns will be n/a)"
    CONNLINT_BUILD_OK=0
  fi
fi
if ((CONNLINT_BUILD_OK)) && [[ ! -x "$CONNLINT" ]]; then
  warn "no connlint binary at $CONNLINT; timing rg only"
  CONNLINT_BUILD_OK=0
fi

# ---------------------------------------------------------------- the rg baseline
# Roughly the same lines connlint has to look at: Java homes and versions, TLS flags and
# security properties, connector jars and endpoints, Dockerfile bases, Heroku/Data Loader
# keys, credentials. --hidden because connlint also reads dotfiles (.java-version, ...);
# both tools honour .gitignore and skip binary files.
RG_PATTERNS=(
  -e 'JAVA_HOME='
  -e 'jdk1\.[0-8]\.0_[0-9]+'
  -e 'jre1\.[0-8]'
  -e 'https\.protocols='
  -e 'jdk\.tls\.(client\.protocols|disabledAlgorithms)='
  -e 'TLSv1(\.[0-3])?'
  -e 'anaplan-connect-[0-9]'
  -e 'api\.anaplan\.com/[0-9]/[0-9]'
  -e 'com\.anaplan\.client\.Program'
  -e '^\s*FROM\s+\S+'
  -e 'java\.runtime\.version'
  -e 'sfdc\.(endpoint|password)'
  -e '(-user|-keystorepass|-privatekey|-certificate)\s'
  -e '[Pp]assword='
)

# ---------------------------------------------------------------- helpers
median() { # numbers on stdin -> median
  sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}

# measure_once OUTFILE CMD... -> prints "seconds maxrss_kb exit_code"
measure_once() {
  local outfile="$1"; shift
  local tf rc=0 t0 t1 rss="nan"
  tf="$(mktemp)"
  t0="$(date +%s%N)"
  if ((HAVE_GNU_TIME)); then
    "$GNU_TIME" -v -o "$tf" "$@" >"$outfile" 2>>"$ERRLOG" || rc=$?
  else
    "$@" >"$outfile" 2>>"$ERRLOG" || rc=$?
  fi
  t1="$(date +%s%N)"
  if ((HAVE_GNU_TIME)); then
    rss="$(awk -F': *' '/Maximum resident set size/ {print $2}' "$tf")"
    [[ -n "$rss" ]] || rss="nan"
  fi
  rm -f "$tf"
  awk -v a="$t0" -v b="$t1" -v r="$rss" -v c="$rc" 'BEGIN {printf "%.6f %s %s\n", (b-a)/1e9, r, c}'
}

# loop_bench NAME OUTFILE CMD... -> sets LOOP_MEDIAN (s), LOOP_RSS (max KB over runs), LOOP_OK
loop_bench() {
  local name="$1" outfile="$2"; shift 2
  local i line secs rss rc times=() maxrss=0
  LOOP_OK=1
  for ((i = 0; i < WARMUP; i++)); do "$@" >"$outfile" 2>>"$ERRLOG" || true; done
  for ((i = 0; i < RUNS; i++)); do
    line="$(measure_once "$outfile" "$@")"
    read -r secs rss rc <<<"$line"
    if ((rc > 1)); then
      warn "$name exited with status $rc (run $((i + 1)))"
      LOOP_OK=0
    fi
    times+=("$secs")
    if [[ "$rss" != nan ]] && ((rss > maxrss)); then maxrss="$rss"; fi
    printf '    %s run %d/%d: %.3fs, max RSS %s KB, exit %s\n' "$name" "$((i + 1))" "$RUNS" "$secs" "$rss" "$rc" >&2
  done
  LOOP_MEDIAN="$(printf '%s\n' "${times[@]}" | median)"
  if ((maxrss > 0)); then LOOP_RSS="$maxrss"; else LOOP_RSS="nan"; fi
}

# max RSS (KB) of one run, or nan
rss_once() {
  local outfile="$1"; shift
  local secs rss rc
  read -r secs rss rc <<<"$(measure_once "$outfile" "$@")"
  echo "$rss"
}

hyperfine_median() { # JSON FILE, command index -> median seconds
  python3 - "$1" "$2" <<'PY'
import json, statistics, sys
data = json.load(open(sys.argv[1]))
res = data["results"][int(sys.argv[2])]
times = res.get("times") or [res["median"]]
print(f"{statistics.median(times):.6f}")
PY
}

kb_to_mb() { [[ "$1" == nan ]] && echo "n/a" || awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }
fmt_s() { [[ "$1" == nan ]] && echo "n/a" || awk -v s="$1" 'BEGIN {printf "%.3f", s}'; }

# ---------------------------------------------------------------- main loop
GEN="$ROOT/bench/gen_monorepo.py"
TIMER="bash loop + /usr/bin/time -v"
if ((HAVE_HYPERFINE)); then
  TIMER="hyperfine $(hyperfine --version | awk '{print $2}')"
elif ((!HAVE_GNU_TIME)); then
  TIMER="bash loop (no RSS)"
fi
RESULTS_TSV="$OUT/results.tsv"
printf 'files\tconnlint_median_s\trg_median_s\tratio\tconnlint_max_rss_mb\trg_max_rss_mb\tconnlint_findings\trg_matching_lines\tnote\n' >"$RESULTS_TSV"
ROWS=()

for n in $SIZES; do
  dir="$OUT/repo-$n"
  manifest="$OUT/repo-$n.manifest.json"
  want_stamp="$(python3 "$GEN" --files "$n" --seed "$SEED" --broken-rate "$BROKEN_RATE" --print-stamp)"
  if [[ -f "$dir/.bench-monorepo" && "$(cat "$dir/.bench-monorepo")" == "$want_stamp" && -f "$manifest" ]]; then
    log "reusing $dir ($n files)"
  else
    log "generating $dir ($n files)"
    python3 "$GEN" --files "$n" --out "$dir" --seed "$SEED" --broken-rate "$BROKEN_RATE" \
      --manifest "$manifest" --force
  fi
  # .gitignore files only count inside a git work tree (for rg, and for walkers built on
  # the ignore crate); give a repo generated outside one its own.
  if ! git -C "$dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    if command -v git >/dev/null; then
      git -C "$dir" init -q
    else
      warn "$dir is not inside a git work tree and git is missing: .gitignore'd files will be searched"
    fi
  fi
  injected="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["injected_problems"])' "$manifest")"

  # shellcheck disable=SC2206  # CONNLINT_ARGS is split on purpose
  cl_cmd=("$CONNLINT" check "$dir" --format json $CONNLINT_ARGS)
  rg_cmd=(rg --hidden --glob '!.git' -n --no-messages "${RG_PATTERNS[@]}" "$dir")
  cl_out="$OUT/connlint-$n.json"
  # rg writes to a file, not /dev/null: grep-like tools may stop at the first match when
  # stdout is /dev/null, and then they skip most of the search.
  rg_out="$OUT/rg-$n.txt"

  # Preflight: one connlint run. Exit 0/1 = fine (1 means findings); anything else = broken.
  cl_ok=0 note="" findings="n/a"
  if ((CONNLINT_BUILD_OK)); then
    log "connlint preflight on $n files"
    rc=0
    if command -v timeout >/dev/null; then
      timeout "$PREFLIGHT_TIMEOUT" "${cl_cmd[@]}" >"$cl_out" 2>"$OUT/connlint-$n.stderr" || rc=$?
    else
      "${cl_cmd[@]}" >"$cl_out" 2>"$OUT/connlint-$n.stderr" || rc=$?
    fi
    if ((rc <= 1)); then
      cl_ok=1
      findings="$(python3 - "$cl_out" <<'PY' 2>/dev/null || echo "?"
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f'{s["findings"]} findings in {s["files_scanned"]} files')
PY
)"
      if [[ "$findings" == "?" ]]; then
        warn "connlint output for $n files is not the JSON report described in SPEC.md §6"
        note="json?"
      fi
    else
      if ((rc == 124)); then warn "connlint timed out after ${PREFLIGHT_TIMEOUT}s on $dir"; fi
      warn "connlint exited with status $rc on $dir; stderr in $OUT/connlint-$n.stderr:"
      head -n 5 "$OUT/connlint-$n.stderr" | sed 's/^/    /' >&2 || true
      note="connlint exit $rc"
    fi
  else
    note="connlint not built"
  fi

  cl_med=nan cl_rss=nan rg_med=nan rg_rss=nan
  if ((HAVE_HYPERFINE)); then
    hf_json="$OUT/hyperfine-$n.json"
    printf -v rg_str '%q ' "${rg_cmd[@]}"
    hf_args=(--shell=bash --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$hf_json")
    if ((cl_ok)); then
      printf -v cl_str '%q ' "${cl_cmd[@]}"
      # Exit status 1 only means "findings at or above --fail-on": count it as success.
      log "hyperfine: connlint vs rg on $n files"
      if hyperfine "${hf_args[@]}" \
        -n connlint "$cl_str>/dev/null; test \$? -le 1" \
        -n rg "$rg_str>$(printf '%q' "$rg_out"); test \$? -le 1"; then
        cl_med="$(hyperfine_median "$hf_json" 0)"
        rg_med="$(hyperfine_median "$hf_json" 1)"
      else
        warn "hyperfine failed for $n files (see output above)"
        note="${note:+$note; }hyperfine failed"
      fi
      cl_rss="$(rss_once /dev/null "${cl_cmd[@]}")"
    else
      log "hyperfine: rg only on $n files"
      if hyperfine "${hf_args[@]}" -n rg "$rg_str>$(printf '%q' "$rg_out"); test \$? -le 1"; then
        rg_med="$(hyperfine_median "$hf_json" 0)"
      else
        note="${note:+$note; }hyperfine failed"
      fi
    fi
    rg_rss="$(rss_once "$rg_out" "${rg_cmd[@]}")"
  else
    if ((cl_ok)); then
      log "timing connlint on $n files ($RUNS runs)"
      loop_bench connlint /dev/null "${cl_cmd[@]}"
      cl_med="$LOOP_MEDIAN" cl_rss="$LOOP_RSS"
      ((LOOP_OK)) || note="${note:+$note; }connlint failed in a timed run"
    fi
    log "timing rg on $n files ($RUNS runs)"
    loop_bench rg "$rg_out" "${rg_cmd[@]}"
    rg_med="$LOOP_MEDIAN" rg_rss="$LOOP_RSS"
  fi

  rg_lines="$(wc -l <"$rg_out" | tr -d ' ')"
  ratio="n/a"
  if [[ "$cl_med" != nan && "$rg_med" != nan ]]; then
    ratio="$(awk -v a="$cl_med" -v b="$rg_med" 'BEGIN {if (b > 0) printf (a/b < 10 ? "%.2fx" : "%.1fx"), a/b; else print "n/a"}')"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$cl_med" "$rg_med" "$ratio" \
    "$(kb_to_mb "$cl_rss")" "$(kb_to_mb "$rg_rss")" "$findings" "$rg_lines" "$note" >>"$RESULTS_TSV"
  ROWS+=("$(printf '| %s | %s | %s | %s | %s |' "$n" "$(fmt_s "$cl_med")" "$(fmt_s "$rg_med")" "$ratio" "$(kb_to_mb "$cl_rss")")")
  log "$n files: connlint ${findings} (generator injected $injected problems), rg ${rg_lines} matching lines${note:+ [$note]}"
done

# ---------------------------------------------------------------- report
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
rev="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$ROOT" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null || true)" ]]; then rev="$rev+dirty"; fi
{
  echo "## connlint vs ripgrep ($(date -u +%Y-%m-%dT%H:%M:%SZ))"
  echo
  echo "connlint $rev, $(rg --version 2>/dev/null | sed -n 1p), timer: $TIMER, warmup $WARMUP, runs $RUNS, seed $SEED"
  echo "machine: ${cpu:-unknown cpu}, $(nproc 2>/dev/null || echo '?') cpus, $(uname -sr)"
  echo
  echo "| files | connlint median (s) | rg median (s) | ratio | connlint max RSS (MB) |"
  echo "|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
} >"$OUT/results.md"
cp "$OUT/results.md" "$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).md"

echo
cat "$OUT/results.md"
echo
if ((HAVE_HYPERFINE)); then
  echo "Details: $RESULTS_TSV; raw timings: $OUT/hyperfine-*.json; reports: $OUT/connlint-*.json, $OUT/rg-*.txt"
else
  echo "Details: $RESULTS_TSV; reports: $OUT/connlint-*.json, $OUT/rg-*.txt; tool stderr: $ERRLOG"
fi
