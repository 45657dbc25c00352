#!/usr/bin/env bash
# Fresh machine -> the built-in Guangdong baseline: installs the Debian packages,
# builds, runs the full-scale province for 120 months and writes
# guangdong_baseline.h5 (overwriting an earlier one), then describes the file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/innochain run -o guangdong_baseline.h5 --force
# The first 20 lines of the description. Not `| head -20`: head exits after 20 lines, the
# rest of inspect's output then meets a closed pipe, and under pipefail the script would
# exit 141 (SIGPIPE) after a successful run. sed reads everything and prints 20 lines.
./build/innochain inspect guangdong_baseline.h5 | sed -n '1,20p'
