#!/usr/bin/env bash
# Fails when a file of sim/ includes a header of a layer above its own (ctest: layer_check).
# The layers, lowest first (docs/architecture.md):
#
#   core < agents < scenario < model (model/, links/, policies/) < output < sweep, compare < cli
#
# sweep and compare are siblings: neither includes the other.
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"  # the repository, or a fixture tree (tests/cli/layers.sh)
declare -A allowed=(
  [core]="core"
  [agents]="core agents"
  [scenario]="core agents scenario"
  [model]="core agents scenario model links policies"
  [links]="core agents scenario model links policies"
  [policies]="core agents scenario model links policies"
  [output]="core agents scenario model links policies output"
  [compare]="core agents scenario model links policies output compare"
  [sweep]="core agents scenario model links policies output sweep"
  [cli]="core agents scenario model links policies output compare sweep cli"
)
bad=0 files=0
while IFS= read -r file; do
  dir="${file#"$root"/sim/}"
  dir="${dir%%/*}"
  if [ -z "${allowed[$dir]+x}" ]; then
    echo "$file: error: directory sim/$dir is in no layer (add it to scripts/check-layers.sh and docs/architecture.md)"
    bad=1
    continue
  fi
  files=$((files + 1))
  while IFS=: read -r line inc; do
    target="${inc#*\"}"
    target="${target%%\"*}"
    case "$target" in */*) ;; *) continue ;; esac  # generated headers (git_sha.hpp)
    layer="${target%%/*}"
    if [[ " ${allowed[$dir]} " != *" $layer "* ]]; then
      echo "$file:$line: error: sim/$dir may not include \"$target\" (layer $layer is above it)"
      bad=1
    fi
  done < <(grep -n '^#include "' "$file" || true)
done < <(find "$root/sim" -name '*.cpp' -o -name '*.hpp' | sort)
[ "$bad" -eq 0 ] || exit 1
echo "check-layers: $files files of sim/ include only their own layer and those below"
