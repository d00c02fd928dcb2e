#!/usr/bin/env bash
# The pre-commit hook, proven with the real pre-commit framework (from PyPI)
# on a throwaway git repository. It installs the hook from this checkout's
# HEAD commit (commit first: pre-commit clones `rev`), so pre-commit builds
# connlint with cargo exactly as a user's machine would.
#
#   bash tests/pre-commit.sh
#
# Needs python3, git and cargo; reaches PyPI and crates.io.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
rev=$(git -C "$here" rev-parse HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet pre-commit
export PRE_COMMIT_HOME="$work/cache"
pre_commit="$work/venv/bin/pre-commit"
"$pre_commit" --version

repo="$work/repo"
mkdir -p "$repo/jobs/forecast"
cd "$repo"
git init --quiet
git config user.email ci@example.com
git config user.name ci
# The three lines a team adds, with this checkout as the hook repository.
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $here
    rev: $rev
    hooks:
      - id: connlint
YAML
printf 'FROM eclipse-temurin:17-jre\n' > jobs/forecast/Dockerfile
printf '# Forecast job\n' > README.md
git add .
git commit --quiet -m "initial" --no-verify
"$pre_commit" install

# 1. A job that runs Anaplan Connect on Java 7: the commit is refused.
cat > jobs/forecast/run.sh <<'SH'
#!/bin/sh
export JAVA_HOME=/usr/lib/jvm/jdk1.7.0_80
./AnaplanClient.sh -service https://api.anaplan.com -auth https://auth.anaplan.com -W
SH
git add jobs/forecast/run.sh
if git commit -m "add forecast job" > "$work/out1" 2>&1; then
    cat "$work/out1"
    echo "FAIL: the commit with Java 7 went through" >&2
    exit 1
fi
cat "$work/out1"
grep -q "anaplan.java-below-8u161" "$work/out1" || { echo "FAIL: rule not reported" >&2; exit 1; }
echo "ok: the commit with Java 7 was refused"

# 2. Fixed: the commit goes through.
sed -i 's/jdk1.7.0_80/jdk1.8.0_202/' jobs/forecast/run.sh
git add jobs/forecast/run.sh
git commit -m "add forecast job" > "$work/out2" 2>&1 || { cat "$work/out2"; echo "FAIL: the fixed commit was refused" >&2; exit 1; }
cat "$work/out2"
echo "ok: the fixed commit went through"

# 3. A commit that touches no file connlint reads skips the hook.
printf 'More notes\n' >> README.md
git commit --quiet -am "notes" > "$work/out3" 2>&1
grep -q "connlint.*Skipped\|(no files to check)Skipped" "$work/out3" || { cat "$work/out3"; echo "FAIL: the hook ran on README.md" >&2; exit 1; }
echo "ok: README-only commit skipped the hook"
