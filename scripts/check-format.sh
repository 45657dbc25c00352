#!/usr/bin/env bash
# Fails when a C++ file differs from .clang-format's style (ctest: format_check).
# Fix with: bash scripts/check-format.sh --fix
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mapfile -t files < <(find sim tests benchmarks fuzz -name '*.cpp' -o -name '*.hpp' | sort)
fmt="$(command -v clang-format-14 || command -v clang-format)"
if [ "${1:-}" = "--fix" ]; then
  "$fmt" -i "${files[@]}"
  exit 0
fi
"$fmt" --dry-run --Werror "${files[@]}"
echo "check-format: ${#files[@]} files follow .clang-format"
