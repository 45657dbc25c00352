#!/usr/bin/env bash
# Fuzzes the scenario decoder with libFuzzer (docs/reliability.md).
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR]      default: 600 s in build/fuzz
# Builds fuzz/ with clang (-fsanitize=fuzzer,address,undefined), then runs the fuzzer
# from a seed corpus of scenarios/, tests/data/broken and tests/data/fuzz for SECONDS.
# New interesting inputs go to BUILD_DIR/corpus, crashes to BUILD_DIR/artifacts/; a
# crash makes the script fail. Copy a crash into tests/data/fuzz/ (with a name saying
# what it was) once fixed: tests/scenario/fuzz_regression_test.cpp decodes each.
# CI runs it for 30 s (the ctest test fuzz_scenario_decoder_short).
set -euo pipefail
seconds=${1:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build/fuzz}
cxx=$(command -v clang++-14 || command -v clang++)
cc=$(command -v clang-14 || command -v clang)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root/fuzz" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
mkdir -p "$build/corpus" "$build/artifacts"
"$build/scenario_decoder_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 -artifact_prefix="$build/artifacts/" \
  "$build/corpus" "$root/scenarios" "$root/scenarios/policies" "$root/tests/data/broken" "$root/tests/data/fuzz" \
  2>"$build/fuzz.log" || { tail -60 "$build/fuzz.log"; echo "fuzz.sh: the fuzzer found a crash: $build/artifacts/"; exit 1; }
grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' "$build/fuzz.log"
echo "fuzz.sh: no crash in $seconds s"
