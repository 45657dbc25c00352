#!/usr/bin/env bash
# The test suite under the sanitizers (docs/reliability.md). Not part of CI: too
# slow for two cores.
#   scripts/sanitize.sh [address|undefined|thread]...   default: address undefined
# "address" and "undefined" are built together (build-asan-ubsan/), "thread" alone
# (build-tsan/). Each build runs every ctest test but the fuzz test (which has its own
# ASan+UBSan build, scripts/fuzz.sh). Any sanitizer report fails the test that hit it.
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
[ ${#kinds[@]} -eq 0 ] && kinds=(address undefined)
want() { local k; for k in "${kinds[@]}"; do [ "$k" = "$1" ] && return 0; done; return 1; }
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
jobs=$(nproc)

run_suite() {  # BUILD_DIR FLAGS
  local dir=$1 flags=$2
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINNOCHAIN_TESTS=ON "${launcher[@]}" \
    -DCMAKE_CXX_FLAGS="$flags -fno-omit-frame-pointer" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
  cmake --build "$dir" -j"$jobs" --target innochain innochain_tests
  (cd "$dir" && ctest --output-on-failure -j"$jobs" -E '^fuzz_')
}

if want address || want undefined; then
  flags=""
  if want address; then flags="-fsanitize=address"; fi
  if want undefined; then flags="$flags -fsanitize=undefined -fno-sanitize-recover=undefined"; fi
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  run_suite build-asan-ubsan "$flags"
fi
if want thread; then
  # oneTBB's own synchronisation is not instrumented (Debian's libtbb is built without
  # TSan), so reports inside libtbb are suppressed; reports in innochain's code stay.
  printf 'race:libtbb\n' >/tmp/innochain-tsan.supp
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:suppressions=/tmp/innochain-tsan.supp}
  run_suite build-tsan "-fsanitize=thread"
fi
echo "sanitize.sh: ${kinds[*]}: all tests passed"
