#!/usr/bin/env bash
# Builds innochain for this machine's instruction set (-march=native, in build-native/) and
# checks the golden digests with it: results must not depend on the instruction set
# (CMakeLists.txt compiles with -ffp-contract=off). Not part of CI (a second full build).
#   bash scripts/native-digests.sh [--threads N]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-native -DCMAKE_BUILD_TYPE=Release -DINNOCHAIN_NATIVE=ON -DINNOCHAIN_TESTS=OFF >/dev/null
cmake --build build-native -j"$(nproc)" --target innochain
echo "native-digests: $(grep -o -- '-march=[a-z0-9-]*' build-native/compile_commands.json | sort -u | head -1) build"
bash scripts/golden-digests.sh --check --bin build-native/innochain "$@"
