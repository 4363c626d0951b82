#!/usr/bin/env bash
# Plumb's Action, step 2 (action.yml): runs `plumb check` with the Action's inputs and records
# the exit status as the step's `exit-code` output; the step fails as the check does.
#
# Environment (from action.yml's inputs, through env:): PLUMB_PATHS, PLUMB_PACK, PLUMB_OUTPUTS,
# PLUMB_EXCLUDE (one entry a line each), PLUMB_SARIF, PLUMB_BASELINE_REF; and GITHUB_STEP_SUMMARY,
# GITHUB_OUTPUT.
set -uo pipefail

args=(check --output text --output github --output "sarif-upload=${PLUMB_SARIF:-plumb.sarif}")
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then args+=(--output "github-summary=$GITHUB_STEP_SUMMARY"); fi
if [ -n "${PLUMB_PACK:-}" ]; then args+=(--pack "$PLUMB_PACK"); fi
if [ -n "${PLUMB_BASELINE_REF:-}" ]; then args+=(--baseline-ref "$PLUMB_BASELINE_REF" --new-only); fi
while IFS= read -r line; do
  line="${line%$'\r'}"
  [ -n "$line" ] && args+=(--output "$line")
done <<< "${PLUMB_OUTPUTS:-}"
while IFS= read -r line; do
  line="${line%$'\r'}"
  [ -n "$line" ] && args+=(--exclude "$line")
done <<< "${PLUMB_EXCLUDE:-}"
# `--` ends the options: a path can never be read as one.
args+=(--)
paths=0
while IFS= read -r line; do
  line="${line%$'\r'}"
  if [ -n "$line" ]; then args+=("$line"); paths=$((paths + 1)); fi
done <<< "${PLUMB_PATHS:-.}"
[ "$paths" -gt 0 ] || args+=(.)

plumb "${args[@]}"
status=$?
echo "exit-code=$status" >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$status"
