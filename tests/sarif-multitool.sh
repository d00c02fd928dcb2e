#!/usr/bin/env bash
# Validates connlint's SARIF with Microsoft's SARIF Multitool, the validator
# behind the SARIF web validator: the JSON schema plus the SARIF1xxx
# (correctness) and SARIF2xxx (usability) rules.
#
# Not part of `cargo test`: it installs ~100 MB from npm (once, into a cache
# directory outside the repository) and needs node.
#
#   tests/sarif-multitool.sh              # scans fixtures/demo and validates the log
#   tests/sarif-multitool.sh FILE.sarif   # validates FILE
#
# Prints every error and warning and a count of notes per validator rule.
# Exits 0 when the validator reports no error, 1 on any error-level result,
# 2 when the validator could not be installed or run, or read nothing.
# Environment: SARIF_MULTITOOL_DIR (install directory, default
# ~/.cache/connlint/sarif-multitool), SARIF_MULTITOOL_VERSION (default 5.7.0).
set -euo pipefail
cd "$(dirname "$0")/.."

version="${SARIF_MULTITOOL_VERSION:-5.7.0}"
cache="${SARIF_MULTITOOL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/connlint/sarif-multitool}"
case "$(uname -s)" in
  Linux) platform=linux ;;
  Darwin) platform=darwin ;;
  *) echo "sarif-multitool.sh: unsupported platform $(uname -s)" >&2; exit 2 ;;
esac
package="$cache/node_modules/@microsoft/sarif-multitool-$platform"
tool="$package/Sarif.Multitool"

installed="$(node -p "require('$package/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$version" ]; then
  echo "installing @microsoft/sarif-multitool@$version into $cache" >&2
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error \
    "@microsoft/sarif-multitool@$version" >&2 || { echo "npm install failed" >&2; exit 2; }
fi
# The package's postinstall does this, but not under --ignore-scripts.
chmod u+x "$tool"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ $# -ge 1 ]; then
  sarif="$1"
else
  sarif="${TMPDIR:-/tmp}/demo.sarif"
  status=0
  cargo run --quiet -- check fixtures/demo --format sarif --output "$sarif" || status=$?
  # 1 means findings, which the demo has; 2 would be a broken run.
  if [ "$status" -gt 1 ]; then
    echo "connlint exited $status" >&2
    exit 2
  fi
fi
log="$work/validation.sarif"

# The npm wrapper passes arguments through a shell, which would split the
# `;` lists: call the binary itself.
"$tool" validate "$sarif" --level "Error;Warning;Note" --output "$log" --log ForceOverwrite \
  > "$work/console.txt" 2>&1 || { cat "$work/console.txt" >&2; echo "the validator failed" >&2; exit 2; }

grep -E ': (error|warning) ' "$work/console.txt" || true
node - "$log" "$work/console.txt" <<'EOF'
const fs = require("fs");
const log = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const consoleLines = fs.readFileSync(process.argv[3], "utf8").split("\n");
const results = log.runs.flatMap((run) => run.results || []);
const counts = { error: 0, warning: 0, note: 0, none: 0 };
const notes = new Map();
for (const result of results) {
  const level = result.level || "warning";
  counts[level] += 1;
  if (level === "note") notes.set(result.ruleId, (notes.get(result.ruleId) || 0) + 1);
}
for (const [rule, count] of [...notes].sort()) {
  // The log holds message ids; the console line has the text.
  const line = consoleLines.find((l) => l.includes(`: note ${rule}: `)) || "";
  const text = line.split(`: note ${rule}: `)[1] || "";
  console.log(`note ${rule} x${count}: ${text.slice(text.indexOf(": ") + 2).split(". ")[0]}`);
}
console.log(`sarif-multitool: ${counts.error} errors, ${counts.warning} warnings, ${counts.note} notes`);
// A connlint log always draws notes (no version-control provenance, for
// one): silence means the validator could not read the file (it skips an
// unknown enum value, for one, without a word).
if (results.length === 0) {
  console.error("the validator reported nothing at all: it could not read the log");
  process.exit(2);
}
process.exit(counts.error > 0 ? 1 : 0);
EOF
