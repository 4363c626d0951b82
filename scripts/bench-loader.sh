#!/usr/bin/env bash
# Builds and runs the YAML/JSON loader benchmark (plumb-bench) and prints its Markdown tables.
#
#   scripts/bench-loader.sh                # 7 runs per input, 40 MB JSON, 10 MB YAML inputs
#   scripts/bench-loader.sh --runs 11      # any plumb-bench option is passed through
#   BENCH_WAIT_LOAD=1.0 scripts/bench-loader.sh   # first wait (up to 10 min) for a quiet machine
#
# Inputs are generated deterministically into .build-bench-data/ (git-ignored) and reused while
# the generator and sizes are unchanged. See docs/benchmarks.md for what is measured and how.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --scratch-path .build-bench --product plumb-bench >&2

if [ -n "${BENCH_WAIT_LOAD:-}" ] && [ -r /proc/loadavg ]; then
  for _ in $(seq 1 60); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v t="$BENCH_WAIT_LOAD" 'BEGIN { exit !(l <= t) }'; then break; fi
    echo "waiting for the 1-minute load average ($load) to drop to $BENCH_WAIT_LOAD..." >&2
    sleep 10
  done
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //')" >&2
exec .build-bench/release/plumb-bench "$@"
