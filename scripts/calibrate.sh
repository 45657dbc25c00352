#!/usr/bin/env bash
# Reruns the calibration search (docs/validation.md, "Calibration"): damped Newton steps (or
# --method nelder-mead) over the calibrated parameters on a 1/4 world, 4 replications per point, writing
# analysis/innochain/validation/calibration_result.json. Copy the best parameters into
# scenarios/guangdong_baseline.yaml, then confirm with scripts/validate.sh.
# Extra arguments go to analysis/innochain/validation/calibrate.py (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${INNOCHAIN_BIN:-build/innochain}
[ -x "$BIN" ] || { echo "scripts/calibrate.sh: build the binary first (bash scripts/build.sh)" >&2; exit 2; }
PYTHONPATH=analysis /usr/bin/python3 -m innochain.validation.calibrate --binary "$BIN" "$@"
