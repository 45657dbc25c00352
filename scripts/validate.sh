#!/usr/bin/env bash
# The validation battery (docs/validation.md): runs the calibrated Guangdong baseline for many
# replications with the built binary and rewrites docs/validation.md and docs/figures/*.png.
# Default: 30 replications at full scale, two runs at a time (about 15-30 minutes on 2 cores).
#   bash scripts/validate.sh                     # full scale, 30 replications
#   bash scripts/validate.sh --scale 0.1 -n 30   # quicker, 1/10 of the province mapped back
# Extra arguments go to analysis/innochain/validation/battery.py (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${INNOCHAIN_BIN:-build/innochain}
[ -x "$BIN" ] || { echo "scripts/validate.sh: build the binary first (bash scripts/build.sh)" >&2; exit 2; }
PYTHONPATH=analysis /usr/bin/python3 -m innochain.validation.battery --binary "$BIN" "$@"
