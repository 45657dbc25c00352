#!/usr/bin/env bash
# Fresh machine -> the whole test suite: installs the Debian packages, builds
# with warnings as errors, and runs every test through ctest (C++ unit tests,
# command-line tests, and the Python tests on /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DINNOCHAIN_WERROR=ON -DINNOCHAIN_TESTS=ON
cd build
ctest --output-on-failure -j"$(nproc)"
