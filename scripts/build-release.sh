#!/usr/bin/env bash
# Builds the binary Plumb ships: release mode, the Swift runtime and Foundation linked in
# statically (`--static-swift-stdlib`), so the target machine needs only libc, libstdc++,
# libyaml and libsqlite3 (`apt-get install libyaml-0-2`; the rest is in every Debian/Ubuntu
# image). Static linking also starts faster and runs faster than the dynamically linked
# `swift build -c release` (no symbol binding for Foundation's ~30 MB of shared libraries, direct
# calls into the runtime): about 10 % on the corpus checks in docs/benchmarks.md.
#
#   scripts/build-release.sh            # builds, prints the binary's path on stdout
#   scripts/build-release.sh --package  # also writes .build-release/plumb-linux-<arch>.tar.gz
#                                       # (the binary stripped) and its .sha256
#
# The build lives in .build-release/ (git-ignored), apart from `swift build`'s .build/, so
# switching between the two never rebuilds everything.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=".build-release"
swift build -c release --static-swift-stdlib --product plumb --scratch-path "$scratch" >&2
binary="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/plumb"

if [ "${1:-}" = "--package" ]; then
  # The archive holds the binary without its symbol tables (171 MB -> 85 MB, 32 MB compressed).
  archive="plumb-linux-$(uname -m).tar.gz"
  staging="$scratch/package"
  rm -rf "$staging" && mkdir -p "$staging"
  cp "$binary" "$staging/plumb"
  strip "$staging/plumb"
  tar -czf "$scratch/$archive" -C "$staging" plumb
  (cd "$scratch" && sha256sum "$archive" > "$archive.sha256")
  echo "packaged $scratch/$archive ($(cut -d' ' -f1 "$scratch/$archive.sha256"))" >&2
fi
echo "$binary"
