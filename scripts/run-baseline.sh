#!/usr/bin/env bash
# Fresh machine -> the built-in Guangdong baseline: installs the Debian packages,
# builds, runs the full-scale province for 120 months and writes
# guangdong_baseline.h5 (overwriting an earlier one), then describes the file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/innochain run -o guangdong_baseline.h5 --force
./build/innochain inspect guangdong_baseline.h5 | head -20
