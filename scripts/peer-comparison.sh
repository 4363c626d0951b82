#!/usr/bin/env bash
# Plumb vs Checkov vs zizmor on the shared corpus: findings per rule class, Plumb's recall and
# precision on zizmor's and actionlint's labelled test data, and wall-clock timing side by side.
#
#   scripts/peer-comparison.sh                    # everything (about 5 minutes on 2 cores)
#   CHECKOV_RUNS=1 scripts/peer-comparison.sh     # one timed Checkov run per corpus set
#   PLUMB_CORPUS=/path/to/corpus scripts/peer-comparison.sh
#
# Checkov and zizmor are installed with pip into a venv under .build-peers/ (git-ignored), pinned
# to the versions the comparison was written against (override with CHECKOV_VERSION /
# ZIZMOR_VERSION, or point CHECKOV / ZIZMOR at existing executables). Plumb is built as shipped
# (scripts/build-release.sh: release, static Swift runtime), or PLUMB points at a binary.
# Results: .build-peers/results/{report.md,summary.json,differences.tsv}; the report is also
# printed. Method and findings: docs/peer-comparison.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

corpus="${PLUMB_CORPUS:-$root/../shared/corpus}"
work="$root/.build-peers"
venv="$work/venv"
checkov_version="${CHECKOV_VERSION:-3.3.30}"
zizmor_version="${ZIZMOR_VERSION:-1.32.0}"

if [ ! -d "$corpus/terraform-plans" ] || [ ! -d "$corpus/pipelines/github" ]; then
  echo "corpus not found at $corpus (set PLUMB_CORPUS)" >&2
  exit 1
fi

mkdir -p "$work"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
want_checkov="${CHECKOV:-$venv/bin/checkov}"
want_zizmor="${ZIZMOR:-$venv/bin/zizmor}"
if [ -z "${CHECKOV:-}" ] && ! "$venv/bin/pip" show checkov 2>/dev/null | grep -qx "Version: $checkov_version"; then
  echo "installing checkov $checkov_version into $venv" >&2
  "$venv/bin/pip" install --quiet "checkov==$checkov_version" >&2
fi
if [ -z "${ZIZMOR:-}" ] && ! "$venv/bin/pip" show zizmor 2>/dev/null | grep -qx "Version: $zizmor_version"; then
  echo "installing zizmor $zizmor_version into $venv" >&2
  "$venv/bin/pip" install --quiet "zizmor==$zizmor_version" >&2
fi
# The helper needs PyYAML, which Checkov brings; make sure of it when CHECKOV points elsewhere.
"$venv/bin/python" -c 'import yaml' 2>/dev/null || "$venv/bin/pip" install --quiet pyyaml >&2

echo "building plumb (release, as shipped: scripts/build-release.sh)" >&2
plumb="${PLUMB:-$(scripts/build-release.sh)}"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //')" >&2
exec "$venv/bin/python" scripts/peer_comparison.py \
  --plumb "$plumb" --checkov "$want_checkov" --zizmor "$want_zizmor" \
  --corpus "$corpus" --work "$work" \
  --runs "${RUNS:-10}" --checkov-runs "${CHECKOV_RUNS:-2}" --checkov-runs-generated "${CHECKOV_RUNS_GENERATED:-1}" \
  --buckets "${BUCKETS:-2000}" --plumb-rules "${PLUMB_RULES:-rules/security}" "$@"
