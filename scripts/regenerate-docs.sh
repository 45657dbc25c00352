#!/usr/bin/env bash
# Regenerates the reference tables in docs/ from the code (tests fail when they drift):
# docs/scenarios.md entirely, and the metric table of docs/output.md between its markers.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/innochain}
"$bin" docs scenarios >docs/scenarios.md
table=$(mktemp)
"$bin" docs metrics >"$table"
/usr/bin/python3 - "$table" <<'PY'
import re, sys
table = open(sys.argv[1]).read()
path = "docs/output.md"
text = open(path).read()
start = "<!-- generated: innochain docs metrics -->\n"
end = "<!-- end generated -->"
i, j = text.index(start) + len(start), text.index(end)
open(path, "w").write(text[:i] + table + text[j:])
PY
rm -f "$table"
