#!/usr/bin/env bash
# The validation battery (docs/validation.md): runs the calibrated Guangdong baseline for many
# replications with the built binary and rewrites docs/validation.md and docs/figures/ (PNG and SVG).
# Default: 30 replications at full scale of 132 months (the year-1 cohort followed for ten years;
# targets and the stationarity table use months 0-119), plus 2 replications from an equal-size start
# (agents.enterprises.equal_initial_size), two runs at a time.
#   bash scripts/validate.sh                     # full scale, 30 replications
#   bash scripts/validate.sh --scale 0.1 -n 30   # quicker, 1/10 of the province mapped back
#   bash scripts/validate.sh --months 0          # the scenario's own horizon (120 months)
# Extra arguments go to analysis/innochain/validation/battery.py (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${INNOCHAIN_BIN:-build/innochain}
[ -x "$BIN" ] || { echo "scripts/validate.sh: build the binary first (bash scripts/build.sh)" >&2; exit 2; }
PYTHONPATH=analysis /usr/bin/python3 -m innochain.validation.battery --binary "$BIN" "$@"
