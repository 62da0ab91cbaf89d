#!/usr/bin/env bash
# A short run of every fuzz target: fuzz/run.sh [SECONDS] (default 60 s
# each). Seeds fuzz/corpus/ first when it is missing (seed.sh), runs
# lower, config, workspace, session and framing one after the other with
# libFuzzer's -max_total_time, and prints for each its executions and
# coverage (libFuzzer's final cov/ft and stat::number_of_executed_units).
# Exits non-zero when a target crashes, hangs or fails to build (the
# input is in fuzz/artifacts/<target>/; see README.md to reproduce it).
#
# Needs a nightly toolchain (`cargo +nightly`) and cargo-fuzz, which it
# installs (`cargo install cargo-fuzz --locked`) when nightly is there and
# cargo-fuzz is not. Without nightly it prints one line saying the runs
# were skipped and why, and exits 0.
set -uo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: skipped: no nightly toolchain (\`cargo +nightly\` is not available), which cargo-fuzz needs"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  if ! cargo install cargo-fuzz --locked; then
    echo "fuzz: failed: cargo-fuzz could not be installed"
    exit 1
  fi
fi
if [ ! -d corpus/lower ]; then
  ./seed.sh
fi

status=0
for target in lower config workspace session framing; do
  mkdir -p "corpus/$target"
  log="$(mktemp)"
  # No sanitizer: the crate forbids unsafe code, and without one a build
  # takes minutes less and a run executes several times more inputs.
  # No entropic scheduling: it costs the slow targets half their time
  # (README.md).
  cargo +nightly fuzz run --sanitizer none "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=60 -print_final_stats=1 -entropic=0 >"$log" 2>&1
  rc=$?
  executions="$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -n 1)"
  last="$(grep -E '^#[0-9]+' "$log" | tail -n 1)"
  cov="$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")"
  ft="$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")"
  echo "fuzz $target: ${seconds}s, ${executions:-?} executions, cov ${cov:-?}, ft ${ft:-?}, exit $rc"
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "fuzz $target: failed; the end of its log ($log):"
    tail -n 60 "$log"
  else
    rm -f "$log"
  fi
done
exit "$status"
