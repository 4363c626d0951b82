#!/usr/bin/env bash
# Builds one libFuzzer target and runs it on its seed corpus for a while (docs/fuzzing.md).
#
#   scripts/fuzz.sh yaml   [SECONDS] [libFuzzer flags…]   # the YAML loader and one file's ingest
#   scripts/fuzz.sh policy [SECONDS] [libFuzzer flags…]   # lexer, parser, checker, evaluation
#   scripts/fuzz.sh output [SECONDS] [libFuzzer flags…]   # every output format with hostile strings
#
# SECONDS defaults to 120. The instrumented build lives in .build-fuzz (debug, address sanitizer);
# inputs libFuzzer finds interesting go to .build-fuzz/corpus-TARGET, crashes, leaks and timeouts
# to .build-fuzz/artifacts-TARGET/. Replay one with the plain build:
#   swift run fuzz-TARGET .build-fuzz/artifacts-TARGET/crash-…
# Seeds are read where they are: fixtures/fuzz, fixtures/yaml and the shared real-world corpus
# (../shared/corpus, when present) for YAML; rules/, policies/ and fixtures/fuzz/policy for policies;
# fixtures/fuzz/output for outputs.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-}
case "$target" in
  yaml | policy | output) ;;
  *)
    echo "usage: scripts/fuzz.sh yaml|policy|output [SECONDS] [libFuzzer flags…]" >&2
    exit 2
    ;;
esac
seconds=${2:-120}
shift $(($# >= 2 ? 2 : 1))

scratch=.build-fuzz
swift build -c debug --product "fuzz-$target" --scratch-path "$scratch" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DPLUMB_FUZZ

corpus="$scratch/corpus-$target"
artifacts="$scratch/artifacts-$target/"
mkdir -p "$corpus" "$artifacts"
case "$target" in
  yaml)
    seeds=(fixtures/fuzz/yaml fixtures/yaml)
    [ -d ../shared/corpus ] && seeds+=(../shared/corpus)
    ;;
  policy) seeds=(fixtures/fuzz/policy rules policies) ;;
  output) seeds=(fixtures/fuzz/output) ;;
esac

# Swift's runtime keeps metadata caches for the life of the process, which LeakSanitizer would
# report; memory growth is bounded by -rss_limit_mb instead.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
exec "$scratch/debug/fuzz-$target" "$corpus" "${seeds[@]}" \
  -dict="fixtures/fuzz/$target.dict" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts" "$@"
