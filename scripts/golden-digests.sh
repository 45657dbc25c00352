#!/usr/bin/env bash
# Golden digests: bit-exact digests of every /series and /summary dataset of the small
# Guangdong baseline and of each policy scenario at small scale (1/100), 120 months.
#
#   bash scripts/golden-digests.sh --check  [--bin B] [--threads N]   # compare with tests/golden/digests.txt
#   bash scripts/golden-digests.sh --update [--bin B]                 # rewrite it (say why in the commit)
#
# Any change to the model's arithmetic or random draws changes some digests; a refactor
# that must not change results leaves the file untouched. ctest runs --check at 1 and 4
# threads (tests/CMakeLists.txt).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="" bin="$root/build/innochain" threads=""
file="$root/tests/golden/digests.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --check|--update) mode="$1" ;;
    --bin) bin="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --file) file="$2"; shift ;;
    *) echo "golden-digests: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$mode" ] || { echo "usage: golden-digests.sh --check|--update [--bin B] [--threads N]" >&2; exit 2; }
[ -x "$bin" ] || { echo "golden-digests: no binary at $bin (build first: bash scripts/build.sh)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
scenarios=("scenarios/guangdong_small.yaml")
for f in "$root"/scenarios/policies/*.yaml; do scenarios+=("scenarios/policies/$(basename "$f")"); done

{
  echo "# Golden digests (scripts/golden-digests.sh): one line per /series and /summary dataset,"
  echo "# 'PATH SHAPE SHA256[:16]' of the values as little-endian doubles (innochain inspect --digest),"
  echo "# for each scenario below at world.scale 0.01, seed and horizon as in the scenario, replication 0."
  echo "# Regenerate with: bash scripts/golden-digests.sh --update   (a commit that changes this file says why)"
  for s in "${scenarios[@]}"; do
    name="$(basename "$s" .yaml)"
    "$bin" run "$root/$s" --set world.scale=0.01 -o "$work/$name.h5" ${threads:+--threads "$threads"} --quiet >/dev/null
    echo "@ $s"
    "$bin" inspect --digest "$work/$name.h5"
  done
} > "$work/digests.txt"

if [ "$mode" = "--update" ]; then
  mkdir -p "$(dirname "$file")"
  cp "$work/digests.txt" "$file"
  echo "golden-digests: wrote $file ($(grep -c '^/' "$file") datasets, ${#scenarios[@]} scenarios)"
  exit 0
fi
if diff -u "$file" "$work/digests.txt" > "$work/diff.txt"; then
  echo "golden-digests: $(grep -c '^/' "$file") datasets of ${#scenarios[@]} scenarios bit-identical (threads: ${threads:-default})"
  exit 0
fi
changed=$(grep -c '^+/' "$work/diff.txt" || true)
echo "golden-digests: $changed dataset(s) differ from $file (threads: ${threads:-default}):" >&2
grep '^[-+]/\|^[-+]@' "$work/diff.txt" | head -60 >&2
echo "If the change is intended, regenerate with: bash scripts/golden-digests.sh --update (and say why in the commit)" >&2
exit 1
