#!/usr/bin/env bash
# Regenerates the reference tables in docs/ from the code (tests fail when they drift):
# docs/scenarios.md entirely, the metric table of docs/output.md and the instrument reference of
# docs/policies.md between their markers.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/innochain}
"$bin" docs scenarios >docs/scenarios.md
# Replaces the block between "<!-- generated: innochain docs TOPIC -->" and "<!-- end generated -->".
splice() {
  local topic=$1 path=$2 table
  table=$(mktemp)
  "$bin" docs "$topic" >"$table"
  /usr/bin/python3 - "$table" "$path" "$topic" <<'PY'
import sys
table, path, topic = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
text = open(path).read()
start = f"<!-- generated: innochain docs {topic} -->\n"
end = "<!-- end generated -->"
i = text.index(start) + len(start)
j = text.index(end, i)
open(path, "w").write(text[:i] + table + text[j:])
PY
  rm -f "$table"
}
splice metrics docs/output.md
splice policies docs/policies.md
