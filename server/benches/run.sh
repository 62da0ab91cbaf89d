#!/usr/bin/env bash
# Reproduces every figure of BENCHMARKS.md on this machine.
# Usage: bash server/benches/run.sh [WORKDIR]   (default ../bench, outside the repo)
# Generated workspaces and the peer server (iwes, installed with cargo into
# WORKDIR/tools) live in WORKDIR; nothing is written into the repository.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mkdir -p "${1:-../bench}" && cd "${1:-../bench}" && pwd)
repo=$(pwd)

cargo build --release --locked
cargo build --release --locked --example gen_workspace
for n in 1000 10000; do
  [ -d "$work/ws$n" ] || target/release/examples/gen_workspace "$work/ws$n" "$n" 42
done

echo "== reading every file (warm cache)"
for n in 1000 10000; do
  for _ in 1 2 3; do
    /usr/bin/time -f "ws$n cat: %e s" sh -c "find '$work/ws$n' -type f -print0 | xargs -0 cat > /dev/null"
  done
done

echo "== cold check: wall time and peak RSS"
for n in 1000 10000; do
  for _ in 1 2 3; do
    /usr/bin/time -f "ws$n check: %e s, peak %M KB" target/release/leanos-lsp check "$work/ws$n" > /dev/null || true
  done
done

echo "== through the protocol (separate client process)"
python3 server/benches/lsp_bench.py leanos "$repo/target/release/leanos-lsp" "$work/ws10000" --edits 60

echo "== peer: iwes"
if [ ! -x "$work/tools/bin/iwes" ]; then
  cargo install iwes --locked --root "$work/tools"
fi
python3 server/benches/lsp_bench.py peer "$work/tools/bin/iwes" "$work/ws10000" --requests 200

echo "== server time of requests, in-process (p50/p99)"
cargo bench --bench requests

echo "== criterion (server work per edit, lowering, 1k cold build)"
cargo bench --bench engine
