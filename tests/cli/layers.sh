#!/usr/bin/env bash
# The layer check passes on the repository and catches an upward include in a fixture tree.
set -uo pipefail
script="$1"
source "$(dirname "$0")/lib.sh"
enter_workdir
bash "$script" > err.txt 2>&1; code=$?
expect_code "repository layers" 0 "$code"
mkdir -p fixture/sim/core fixture/sim/model
printf '#include "model/state.hpp"\n' > fixture/sim/core/bad.hpp
printf '#include "core/rng.hpp"\n' > fixture/sim/model/good.hpp
bash "$script" "$PWD/fixture" > out.txt 2>&1; code=$?
expect_code "an upward include is refused" 1 "$code"
contains "the message names file, line and layer" out.txt 'sim/core/bad.hpp:1: error: sim/core may not include "model/state.hpp"'
grep -q good.hpp out.txt && fail "a downward include is accepted" || ok "a downward include is accepted"
finish
