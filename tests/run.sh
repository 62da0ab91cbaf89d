#!/usr/bin/env bash
# Every test of the project, in the order a reviewer wants them to fail:
# formatting, lints, Rust tests (unit, fixture, protocol, CLI on the real
# corpus), the VS Code extension (lint, types, unit tests, .vsix), then the
# real-client suites (pytest-lsp, headless Neovim, and Emacs with eglot
# when `emacs` is installed) against the release binary. The Python tools
# live in .venv (created here from tests/requirements.txt when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
cargo build --release --locked

# The VS Code extension: lint, types, unit tests, bundle, and a .vsix with
# the server for this platform (tests/vscode checks what it holds).
(
  cd editors/vscode
  npm ci --no-audit --no-fund --loglevel=error
  npm run --silent lint
  npm run --silent typecheck
  npm test --silent
  npm run --silent build
  target="server/$(node -p 'process.platform + "-" + process.arch')"
  rm -rf server && mkdir -p "$target"
  cp ../../target/release/leanos-lsp "$target/"
  npm run --silent package   # a platform-specific .vsix for the bundled server
)

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt

cd tests
PATH="$PWD/../.venv/bin:$PATH" LEANOS_LSP_BIN="$PWD/../target/release/leanos-lsp" \
  ../.venv/bin/python -m pytest

# A short run of every fuzz target (fuzz/README.md); it says itself
# whether it ran (it needs a nightly toolchain) and fails on a crash.
../fuzz/run.sh 30
