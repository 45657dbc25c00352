#!/usr/bin/env bash
# docs/scenarios.md is generated from the scenario schema; fail if they drifted.
# (The metric table in docs/output.md is checked by analysis/tests.)
# Usage: docs_in_step.sh PATH_TO_innochain PATH_TO_docs
set -u
bin=$1
docs=$2
if diff -u "$docs/scenarios.md" <("$bin" docs scenarios); then
  echo "ok docs/scenarios.md matches innochain docs scenarios"
  echo "1 passed, 0 failed"
else
  echo "FAIL docs/scenarios.md is stale: regenerate it with: innochain docs scenarios > docs/scenarios.md"
  echo "0 passed, 1 failed"
  exit 1
fi
