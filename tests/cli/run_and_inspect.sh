#!/usr/bin/env bash
# End-to-end behaviour of `innochain run`, `show`, `validate` and `inspect`
# through the real binary: files, exit codes (README.md) and messages.
# Usage: run_and_inspect.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
enter_workdir

# A run writes a complete file, prints plain progress lines when not on a terminal, and a summary.
"$bin" run "$scenarios/guangdong_small.yaml" -o run.h5 --months 24 >out.txt 2>err.txt
expect_code "run succeeds" 0 $?
[ -f run.h5 ] && [ ! -e run.h5.partial ] && ok "run file renamed from .partial" || fail "run file missing or .partial left"
contains "plain progress lines" err.txt "month 12/24"
contains "summary printed" out.txt "products launched"
contains "province-equivalent reminder" out.txt "world.scale = 0.01"

"$bin" inspect run.h5 >inspect.txt 2>&1
expect_code "inspect succeeds" 0 $?
contains "inspect shows status" inspect.txt "complete"
contains "inspect shows months" inspect.txt "months_completed     24"
contains "inspect lists series" inspect.txt "discoveries"

# An existing file is refused (exit 3) and left untouched; --force overwrites it.
before=$(sha256sum run.h5)
"$bin" run "$scenarios/guangdong_small.yaml" -o run.h5 --months 6 >out.txt 2>err.txt
expect_code "existing file refused" 3 $?
contains "refusal names --force" err.txt "--force"
[ "$before" = "$(sha256sum run.h5)" ] && ok "existing file untouched" || fail "existing file changed"
"$bin" run "$scenarios/guangdong_small.yaml" -o run.h5 --months 6 --force --quiet >out.txt 2>err.txt
expect_code "--force overwrites" 0 $?
[ ! -s out.txt ] && [ ! -s err.txt ] && ok "--quiet is quiet" || fail "--quiet printed something"

# I/O failures: exit 3, no file.
"$bin" run "$scenarios/guangdong_small.yaml" -o no/such/dir/run.h5 --months 3 >out.txt 2>err.txt
expect_code "missing directory is an I/O error" 3 $?
[ ! -e no ] && ok "nothing created for a missing directory" || fail "something was created"
echo "not hdf5" >text.h5
"$bin" inspect text.h5 >out.txt 2>err.txt
expect_code "inspect of a non-HDF5 file" 3 $?

# Bad arguments: exit 2, no file.
"$bin" run "$scenarios/guangdong_small.yaml" -o bad.h5 --threads 0 >out.txt 2>err.txt
expect_code "--threads 0 refused" 2 $?
"$bin" run "$scenarios/guangdong_small.yaml" -o bad.h5 --no-such-flag >out.txt 2>err.txt
expect_code "unknown flag refused" 2 $?
"$bin" run "$scenarios/guangdong_small.yaml" -o bad.h5 --set chain.basic_research.budget_elastcity=0.3 >out.txt 2>err.txt
expect_code "bad --set refused" 2 $?
contains "bad --set suggests" err.txt "did you mean 'chain.basic_research.budget_elasticity'"
[ ! -e bad.h5 ] && [ ! -e bad.h5.partial ] && ok "no file after bad input" || fail "file written after bad input"

# --seed, --replication and --set reach the file.
"$bin" run "$scenarios/guangdong_small.yaml" -o seeded.h5 --months 3 --seed 77 --replication 4 \
  --set chain.basic_research.discoveries_per_month=2.5 --quiet
expect_code "run with overrides" 0 $?
"$bin" inspect seeded.h5 >inspect.txt
contains "seed recorded" inspect.txt "seed                 77"
contains "replication recorded" inspect.txt "replication          4"

# show prints the resolved scenario, which validates and resolves to itself.
"$bin" show "$scenarios/guangdong_small.yaml" --set world.fields.life_health.cost_multiplier=1.4 >shown.yaml
expect_code "show succeeds" 0 $?
contains "show applies --set" shown.yaml "cost_multiplier: 1.4"
"$bin" validate shown.yaml >out.txt 2>err.txt
expect_code "shown scenario validates" 0 $?
"$bin" show shown.yaml >shown2.yaml
cmp -s shown.yaml shown2.yaml && ok "show is a fixed point" || fail "show of shown scenario differs"
"$bin" show >builtin.yaml
contains "built-in baseline" builtin.yaml "name: guangdong_baseline"

# Every shipped scenario validates.
"$bin" validate "$scenarios"/*.yaml "$scenarios"/policies/*.yaml >out.txt 2>err.txt
expect_code "every shipped scenario validates" 0 $?

finish
