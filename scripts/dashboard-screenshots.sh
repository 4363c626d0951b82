#!/usr/bin/env bash
# Generates the `plumb score` HTML dashboard for the scorecard fixture (with three recorded runs,
# so the trend charts have data) and for the Backstage acme-corp example catalog (no history),
# then screenshots each in headless Chromium at 1400 px and 420 px wide.
#
#   scripts/dashboard-screenshots.sh            # builds plumb into .build-score (SCRATCH_PATH to change)
#   PLUMB=/path/to/plumb scripts/dashboard-screenshots.sh
#
# Everything goes to .build-screenshots/ (git-ignored): fixture.html, acme.html and
# {fixture,acme}-{1400,420}.png. Open the PNGs and look: overflow, unreadable heat map, empty
# sections. Needs Chromium (Debian: `apt-get install -y chromium`; installed here when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/.build-screenshots"
mkdir -p "$out"

if [ -z "${PLUMB:-}" ]; then
  scratch="${SCRATCH_PATH:-.build-score}"
  swift build --scratch-path "$scratch" --product plumb >&2
  PLUMB="$(swift build --scratch-path "$scratch" --show-bin-path)/plumb"
fi

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update >&2 && apt-get install -y chromium >&2
    browser=$(command -v chromium)
  else
    echo "no Chromium found: install it (Debian: apt-get install -y chromium)" >&2
    exit 1
  fi
fi

# The fixture, recorded three times with changes in between, in a scratch copy.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R fixtures/scorecards "$work/repo"
db="$work/history.sqlite"
score() { "$PLUMB" score "$work/repo" --db "$db" "$@"; }
score --record --now 2026-01-05T09:00:00Z --commit 1111111111111111111111111111111111111111 >/dev/null
# Storefront pins its checkout and stops persisting the token: it climbs to gold.
sed -i 's|actions/checkout@v4|actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n        with:\n          persist-credentials: false|' \
  "$work/repo/services/storefront/.github/workflows/ci.yml"
score --record --now 2026-02-02T09:00:00Z --commit 2222222222222222222222222222222222222222 >/dev/null
# The payments exports bucket moves to us-east-1: payments-api drops from gold to silver.
sed -i 's|"region": "eu-west-1"|"region": "us-east-1"|' "$work/repo/terraform/plan.tfplan.json"
score --record --now 2026-03-02T09:00:00Z --commit 3333333333333333333333333333333333333333 \
  --format html --output "$out/fixture.html"

acme="${PLUMB_ACME_CATALOG:-$root/../shared/corpus/catalog/backstage__backstage/examples}"
pages=(fixture)
if [ -d "$acme" ]; then
  # The acme catalog has one broken Location target (exit 2, input error): the page still renders.
  "$PLUMB" score "$acme" --format html --output "$out/acme.html" 2>/dev/null || true
  pages+=(acme)
else
  echo "warning: the acme-corp catalog is absent ($acme): only the fixture dashboard is rendered" >&2
fi

for page in "${pages[@]}"; do
  for width in 1400 420; do
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
      --screenshot="$out/$page-$width.png" --window-size="$width,1000" "file://$out/$page.html" >/dev/null 2>&1
    echo "$out/$page-$width.png"
  done
done
