#!/usr/bin/env bash
# docs/examples/read_sweep.R and read_run.R (hdf5r) on a small sweep, its export and a
# comparison. R is optional (not in scripts/install-deps.sh): without Rscript and the hdf5r
# package the test is skipped (exit 77, ctest's SKIP_RETURN_CODE). To run it:
#   apt-get install r-base-core r-cran-hdf5r
# Usage: r_example.sh PATH_TO_innochain PATH_TO_scenarios PATH_TO_docs_examples
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
examples=$3
if ! command -v Rscript >/dev/null || ! Rscript -e 'library(hdf5r)' >/dev/null 2>&1; then
  echo "skipped: Rscript with the hdf5r package is not installed (apt-get install r-base-core r-cran-hdf5r)"
  exit 77
fi
enter_workdir

for side in base policy; do
  scenario=$scenarios/guangdong_small.yaml
  [ $side = policy ] && scenario=$scenarios/policies/compute_voucher.yaml
  cat >$side.yaml <<YAML
base: $scenario
replications: 3
set: {horizon_months: 24}
design:
  kind: list
  points:
    - {world.scale: 0.01}
YAML
  "$bin" sweep $side.yaml -o $side -q >/dev/null 2>err.txt
  expect_code "sweep $side" 0 $?
done
"$bin" export policy -o policy.csv -q 2>err.txt
expect_code "export" 0 $?
"$bin" compare base policy --format csv >comparison.csv 2>err.txt
expect_code "compare" 0 $?

Rscript "$examples/read_sweep.R" policy policy.csv comparison.csv >out.txt 2>err.txt
expect_code "read_sweep.R" 0 $?
contains "index read" out.txt "sweep policy: design list over world.scale"
contains "run read and checked against the export" out.txt "export: "
contains "comparison read" out.txt "cost_ci_low"
! grep -q "Warning" err.txt && ok "no warnings" || fail "warnings: $(cat err.txt)"

run=$(ls policy/runs/*.h5 | head -n 1)
Rscript "$examples/read_run.R" "$run" >out.txt 2>err.txt
expect_code "read_run.R" 0 $?
contains "summary read" out.txt "products launched over the run"

finish
