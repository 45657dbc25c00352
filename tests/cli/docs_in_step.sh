#!/usr/bin/env bash
# Reference docs generated from the code must match it: docs/scenarios.md entirely, and
# the generated block of docs/policies.md. (The metric table of docs/output.md is checked
# by analysis/tests.) Regenerate with scripts/regenerate-docs.sh.
# Usage: docs_in_step.sh PATH_TO_innochain PATH_TO_docs
set -u
bin=$1
docs=$2
passed=0
failed=0
if diff -u "$docs/scenarios.md" <("$bin" docs scenarios); then
  echo "ok docs/scenarios.md matches innochain docs scenarios"; passed=$((passed + 1))
else
  echo "FAIL docs/scenarios.md is stale: run scripts/regenerate-docs.sh"; failed=$((failed + 1))
fi
block=$(sed -n '/<!-- generated: innochain docs policies -->/,/<!-- end generated -->/p' "$docs/policies.md" | sed '1d;$d')
if diff -u <(printf '%s\n' "$block") <("$bin" docs policies); then
  echo "ok docs/policies.md matches innochain docs policies"; passed=$((passed + 1))
else
  echo "FAIL docs/policies.md is stale: run scripts/regenerate-docs.sh"; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
