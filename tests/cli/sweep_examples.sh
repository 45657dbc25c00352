#!/usr/bin/env bash
# Every example sweep in scenarios/sweeps validates (every point decoded, none
# run), and there is at least one example per design kind.
# Usage: sweep_examples.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
for f in "$scenarios"/sweeps/*.yaml; do
  if out=$("$bin" sweep "$f" --dry-run 2>&1); then ok "$(basename "$f"): $out"; else
    fail "$(basename "$f")"
    echo "$out" | sed 's/^/    /'
  fi
done
for kind in grid lhs sobol morris saltelli list csv oat; do
  grep -lq "kind: $kind\$" "$scenarios"/sweeps/*.yaml && ok "an example of kind $kind" || fail "no example of kind $kind"
done
finish
