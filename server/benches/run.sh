#!/usr/bin/env bash
# Reproduces every figure of BENCHMARKS.md on this machine.
# Usage: bash server/benches/run.sh [WORKDIR]   (default ../bench, outside the repo)
# Generated workspaces and the peer server (iwes, installed with cargo into
# WORKDIR/tools) live in WORKDIR; nothing is written into the repository.
#
# BASELINE=/path/to/leanos-lsp (a build of another commit, e.g. in a
# worktree with its own CARGO_TARGET_DIR): the cold check and every run
# through the protocol alternate between this build and that one
# (A B A B A B), so the comparison survives this machine's drifting speed.
# The in-process benchmarks (cargo bench) measure this tree only.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mkdir -p "${1:-../bench}" && cd "${1:-../bench}" && pwd)
repo=$(pwd)

cargo build --release --locked
cargo build --release --locked --example gen_workspace
for n in 1000 10000; do
  [ -d "$work/ws$n" ] || target/release/examples/gen_workspace "$work/ws$n" "$n" 42
done

servers=("$repo/target/release/leanos-lsp")
if [ -n "${BASELINE:-}" ]; then
  servers+=("$BASELINE")
fi

echo "== reading every file (warm cache)"
for n in 1000 10000; do
  for _ in 1 2 3; do
    /usr/bin/time -f "ws$n cat: %e s" sh -c "find '$work/ws$n' -type f -print0 | xargs -0 cat > /dev/null"
  done
done

echo "== cold check: wall time and peak RSS"
for n in 1000 10000; do
  for _ in 1 2 3; do
    for server in "${servers[@]}"; do
      /usr/bin/time -f "ws$n check ($server): %e s, peak %M KB" "$server" check "$work/ws$n" > /dev/null || true
    done
  done
done

bench=server/benches/lsp_bench.py
log=$work/server.log  # each run's server log (LEANOS_LOG=debug), overwritten
for round in 1 2 3; do
  for server in "${servers[@]}"; do
    echo "== through the protocol, round $round: $server"
    # The client declares no file watching (as Neovim 0.11 on Linux), so a
    # server that can watches the root itself.
    python3 $bench leanos "$server" "$work/ws10000" --edits 60 --log "$log"
    echo "-- the same with a client that registers watchers (as VS Code)"
    python3 $bench leanos "$server" "$work/ws10000" --edits 60 --client-watches --log "$log"
    echo "-- time to first correct answer (definition every 20 ms from initialized)"
    for document in --open --closed; do
      for watches in "" --client-watches; do
        python3 $bench first "$server" "$work/ws10000" --runs 1 $document $watches --log "$log"
      done
    done
    echo "-- at 1,000 threads"
    python3 $bench leanos "$server" "$work/ws1000" --edits 60 --log "$log"
  done
done

echo "== peer: iwes"
if [ ! -x "$work/tools/bin/iwes" ]; then
  cargo install iwes --locked --root "$work/tools"
fi
python3 $bench peer "$work/tools/bin/iwes" "$work/ws10000" --requests 200
for server in "${servers[@]}"; do
  python3 $bench peer "$server" "$work/ws10000" --requests 200
done

echo "== server time of requests, in-process (p50/p99)"
cargo bench --bench requests

echo "== criterion (server work per edit, lowering, 1k cold build)"
cargo bench --bench engine
