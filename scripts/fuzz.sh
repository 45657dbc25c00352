#!/usr/bin/env bash
# Fuzzes with libFuzzer (docs/reliability.md).
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR] [TARGET]     default: 600 s in build/fuzz, scenario_decoder
# TARGET is scenario_decoder (the scenario decoder, from a seed corpus of scenarios/,
# tests/data/broken and tests/data/fuzz) or checkpoint_loader (damaged checkpoints of a small
# run resumed as `innochain run --resume` does; fuzz/checkpoint_loader_fuzzer.cpp).
# Builds the target in fuzz/ with clang (-fsanitize=fuzzer,address,undefined), then fuzzes
# for SECONDS. New interesting inputs go to BUILD_DIR/corpus[-checkpoint], crashes to
# BUILD_DIR/artifacts/; a crash makes the script fail. Copy a decoder crash into
# tests/data/fuzz/ once fixed (tests/scenario/fuzz_regression_test.cpp decodes each), and
# turn a checkpoint finding into a case of tests/data/broken_checkpoints/cases.txt.
# CI runs the decoder for 30 s (the ctest test fuzz_scenario_decoder_short).
set -euo pipefail
seconds=${1:-600}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$root/build/fuzz}
target=${3:-scenario_decoder}
cxx=$(command -v clang++-14 || command -v clang++)
cc=$(command -v clang-14 || command -v clang)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$root/fuzz" -B "$build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${target}_fuzzer" >/dev/null
mkdir -p "$build/artifacts"
case "$target" in
  scenario_decoder)
    corpus=("$build/corpus" "$root/scenarios" "$root/scenarios/policies" "$root/tests/data/broken" "$root/tests/data/fuzz")
    options=(-max_len=8192 -rss_limit_mb=2048 -timeout=10) ;;
  checkpoint_loader)
    corpus=("$build/corpus-checkpoint")
    # -len_control=0: damage programs of several steps from the start (libFuzzer would
    # otherwise grow inputs from 4 bytes, one step, slowly at a few runs a second).
    options=(-max_len=64 -len_control=0 -rss_limit_mb=4096 -timeout=30) ;;
  *) echo "fuzz.sh: unknown target '$target' (scenario_decoder or checkpoint_loader)" >&2; exit 2 ;;
esac
mkdir -p "${corpus[0]}"
log="$build/fuzz-$target.log"
"$build/${target}_fuzzer" -max_total_time="$seconds" "${options[@]}" -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/" "${corpus[@]}" \
  2>"$log" || { tail -60 "$log"; echo "fuzz.sh: the fuzzer found a crash: $build/artifacts/"; exit 1; }
grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)|cov: ' "$log" | tail -5
echo "fuzz.sh: no crash in $seconds s ($target)"
