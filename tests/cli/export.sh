#!/usr/bin/env bash
# `innochain export` through the real binary: the tidy table of a small sweep (header with the
# design keys, one row per value), --summary, --outcome, standard output, and the refusals.
# (analysis/tests/test_export.py reads the table with pandas and checks it against the runs.)
# Usage: export.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
enter_workdir

cat >sweep.yaml <<YAML
base: $scenarios/guangdong_small.yaml
replications: 2
set: {horizon_months: 3}
design:
  kind: grid
  keys:
    agents.institutes.sanction_probability: {factor: [0.5, 1]}
YAML
"$bin" sweep sweep.yaml -o s -q >/dev/null 2>err.txt
expect_code "a small sweep" 0 $?

"$bin" export s -o table.csv 2>err.txt
expect_code "export" 0 $?
contains "header with the design key" table.csv \
  "run_id,point,agents.institutes.sanction_probability,replication,outcome,field,region,policy,month,value"
contains "a field row" table.csv ",discoveries,"
contains "the relative key's value" table.csv ",0.15,"
contains "summary line" err.txt "4 runs"
[ -z "$(tail -c 1 table.csv)" ] && ok "ends with a newline" || fail "no final newline"

"$bin" export s -o table.csv 2>err.txt
expect_code "an existing file is refused" 3 $?
"$bin" export s -o table.csv --force --summary -q 2>err.txt
expect_code "--summary --force" 0 $?
metrics=$("$bin" export s -o - --summary --outcome revenue -q | tail -n +2 | wc -l)
[ "$metrics" -eq 4 ] && ok "one summary row per run and outcome" || fail "summary rows: $metrics"
rows=$("$bin" export s -o - --outcome hires -q | tail -n +2 | wc -l)
[ "$rows" -eq 12 ] && ok "a scalar series: one row per run and month" || fail "hires rows: $rows"

"$bin" export s -o x.csv --outcome no_such_series 2>err.txt
expect_code "unknown outcome refused" 2 $?
contains "unknown outcome named" err.txt "no series 'no_such_series'"
[ ! -e x.csv ] && [ ! -e x.csv.partial ] && ok "nothing left behind" || fail "x.csv left behind"
"$bin" export no_such_dir -o y.csv 2>err.txt
expect_code "missing directory is an I/O error" 3 $?

finish
