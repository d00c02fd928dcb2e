#!/usr/bin/env bash
# Neovim as a real LSP client of `connlint lsp`: opens fixtures headless
# with editors/neovim/init.lua, waits for diagnostics and prints what Neovim
# received (code, line:col-line:col as Neovim shows them, 1-based bytes, the
# text under the range, the message). Exits non-zero when none arrive.
#
# Not part of `cargo test`; run by hand, or by CI where nvim exists:
#   bash tests/neovim.sh            # $NVIM picks the binary (default: nvim)
set -euo pipefail
cd "$(dirname "$0")/.."

NVIM=${NVIM:-nvim}
if ! command -v "$NVIM" > /dev/null; then
  echo "tests/neovim.sh: $NVIM not found (apt-get install neovim, or set NVIM)" >&2
  exit 2
fi
"$NVIM" --version | head -1

cargo build --quiet
export CONNLINT="$PWD/target/debug/connlint"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The demo repository, with a config marking the root; and a script with
# CRLF line endings and non-ASCII text before the value (UTF-16 columns).
cp -r fixtures/demo "$work/demo"
printf 'fail-on = "error"\n' > "$work/demo/.connlint.toml"
printf '# caf\xc3\xa9\r\nJAVA_HOME=/opt/jdk1.7.0_80\r\nexport JAVA_HOME\r\nJAVA_HOME=/opt/\xf0\x9f\x98\x80\xc3\xa9/jdk1.7.0_80\r\n' \
  > "$work/demo/crlf-utf8.sh"

cd "$work/demo"
# HOME and XDG dirs in the temp folder: no user config, state or log leaks in.
HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data" \
  "$NVIM" --headless -n -i NONE -u "$OLDPWD/editors/neovim/init.lua" \
  anaplan/nightly-forecast/config/config.sh crlf-utf8.sh mule/anaplan-sync/src/main/app/anaplan-sync.xml \
  anaplan/windows-export/export_pipeline.bat docker/anaplan-runner/Dockerfile \
  -c "luafile $OLDPWD/tests/neovim_diagnostics.lua"
