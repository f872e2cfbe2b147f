#!/usr/bin/env bash
# Runs runCommand's start-up cancellation tests many rounds with the CPU loaded by busy loops, as a
# busy runner would be: a cancel lost in a start-up window shows up here within a few rounds.
# Usage: scripts/stress-cancel.sh [rounds] (200 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-200}"
loaders=()
for _ in $(seq "$(nproc)"); do
  (while :; do :; done) &
  loaders+=("$!")
done
trap 'kill "${loaders[@]}" 2>/dev/null || true' EXIT
MLOPS_CANCEL_ROUNDS="$rounds" npx vitest run test/process/run-command.test.ts -t 'ends the tree when aborted'
