#!/usr/bin/env bash
# `innochain compare` through the real binary: run files and directories (DIR/runs/*.h5 as a
# sweep writes them, or DIR/*.h5), formats, and the refusals (exit 2) of mismatched or
# unfinished inputs. Usage: compare.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
enter_workdir

small="$scenarios/guangdong_small.yaml"
vouchers="$scenarios/policies/compute_voucher.yaml"
months=24
# Three replications of each side, in sweep layout (base/runs) and flat layout (policy/).
mkdir -p base/runs policy
for k in 0 1 2; do
  "$bin" run "$small" --quiet --months $months --replication $k -o base/runs/r$k.h5 >/dev/null 2>&1 || fail "baseline run $k"
  "$bin" run "$vouchers" --quiet --months $months --replication $k --set world.scale=0.01 -o policy/r$k.h5 \
    >/dev/null 2>&1 || fail "policy run $k"
done

"$bin" compare base policy >out.txt 2>err.txt
expect_code "compare two directories" 0 $?
contains "table has headline outcomes" out.txt "products_launched"
contains "table has the derived transfers" out.txt "transfers "
contains "table has spending" out.txt "policy_spending"
contains "table explains the interval" out.txt "Student t"

"$bin" compare base policy --metric compute_spending --metric startups --format csv >out.csv 2>err.txt
expect_code "csv format" 0 $?
contains "csv header" out.csv "metric,units,pairs,baseline_mean,policy_mean,mean_difference,sd_difference,ci_low,ci_high"
contains "csv row with 3 pairs" out.csv "compute_spending,yuan,3,"
[ "$(wc -l <out.csv)" -eq 3 ] && ok "csv has one row per metric" || fail "csv rows: $(cat out.csv)"

"$bin" compare base policy --metric startups --format markdown >out.md 2>err.txt
expect_code "markdown format" 0 $?
contains "markdown table" out.md "| metric | units | pairs |"

# Costs: a Fieller interval or the n.s. mark in every format; province, per-year and discounted figures.
for f in table csv markdown; do
  "$bin" compare base policy --metric transfers --metric products_launched --format $f >out.txt 2>err.txt
  expect_code "costs in $f" 0 $?
  contains "cost interval columns in $f" out.txt "cost_ci_low"
done
"$bin" compare base policy --metric transfers --province --per-year --discount 0.03 >out.txt 2>err.txt
expect_code "province, per year, discounted" 0 $?
contains "province-equivalent labelled" out.txt "province-equivalent (x 100)"
contains "flows per year labelled" out.txt "transfers/year"
contains "discounted cost shown" out.txt "policy_spending_pv"
"$bin" compare base policy --discount 2 >out.txt 2>err.txt
expect_code "a discount rate above 1 refused" 2 $?

# Two single files: a difference without an interval, and why.
"$bin" compare base/runs/r0.h5 policy/r0.h5 >out.txt 2>err.txt
expect_code "compare two files" 0 $?
contains "one pair explained" out.txt "without a confidence interval"

"$bin" compare base policy --metric no_such_outcome >out.txt 2>err.txt
expect_code "unknown metric refused" 2 $?
contains "unknown metric named" err.txt "unknown outcome 'no_such_outcome'"

# A missing replication.
mkdir short
cp policy/r0.h5 policy/r1.h5 short/
"$bin" compare base short >out.txt 2>err.txt
expect_code "missing replication refused" 2 $?
contains "missing replication named" err.txt "replications 2 are in the baseline"

# A different horizon.
mkdir horizon
cp policy/r0.h5 policy/r1.h5 horizon/
"$bin" run "$vouchers" --quiet --months 12 --replication 2 --set world.scale=0.01 -o horizon/r2.h5 >/dev/null 2>&1
"$bin" compare base horizon >out.txt 2>err.txt
expect_code "different horizons refused" 2 $?
contains "horizons named" err.txt "different horizons"

# A different scale.
"$bin" run "$vouchers" --quiet --months $months --replication 0 --set world.scale=0.02 -o scale.h5 >/dev/null 2>&1
"$bin" compare base/runs/r0.h5 scale.h5 >out.txt 2>err.txt
expect_code "different scales refused" 2 $?
contains "scales named" err.txt "different world.scale"

# Different seeds for the same replication.
"$bin" run "$vouchers" --quiet --months $months --replication 0 --seed 99 --set world.scale=0.01 -o seed.h5 >/dev/null 2>&1
"$bin" compare base/runs/r0.h5 seed.h5 >out.txt 2>err.txt
expect_code "unpaired seeds refused" 2 $?
contains "seeds named" err.txt "not common random numbers"

# An unfinished run file is refused with its status.
mkdir partial
cp policy/*.h5 partial/
/usr/bin/python3 - partial/r1.h5 <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r+") as f:
    # The same type innochain writes (a variable-length UTF-8 string), as an interrupted run leaves it.
    f.attrs["status"] = "partial"
PY
"$bin" compare base partial >out.txt 2>err.txt
expect_code "incomplete run refused" 2 $?
contains "incomplete run named" err.txt "r1.h5: status is 'partial', not 'complete'"

# Effects on the treated: per-firm pairing needs monthly snapshots; a voucher programme with no
# budget changes nothing, so every per-firm difference is exactly 0; with its budget there is a
# recipients group; a world that differs before the policy starts is refused.
snap="--set output.snapshot_interval_months=1"
mkdir tb tz tp
for k in 0 1; do
  "$bin" run "$small" --quiet --months $months --replication $k $snap -o tb/r$k.h5 >/dev/null 2>&1 || fail "snapshot baseline $k"
  "$bin" run "$vouchers" --quiet --months $months --replication $k --set world.scale=0.01 $snap \
    --set policies.ai_compute_vouchers.budget_yuan=0 -o tz/r$k.h5 >/dev/null 2>&1 || fail "zero-budget run $k"
  "$bin" run "$vouchers" --quiet --months $months --replication $k --set world.scale=0.01 $snap \
    -o tp/r$k.h5 >/dev/null 2>&1 || fail "voucher run $k"
done
"$bin" compare tb tz --treated --format csv >out.csv 2>err.txt
expect_code "treated, zero budget" 0 $?
contains "treated csv header" out.csv "group,subgroup,metric,units,pairs,agents,baseline_mean,policy_mean,mean_difference"
nonzero=$(awk -F, 'NR > 1 && ($9 != "0" || $10 != "0") {print}' out.csv | wc -l)
[ "$nonzero" -eq 0 ] && ok "zero budget: every per-firm difference and sd is exactly 0" || fail "zero budget: $nonzero rows differ"
contains "zero budget: eligible firms" out.csv "eligible_non_recipients,,rd_spending"
"$bin" compare tb tp --treated --by kind >out.txt 2>err.txt
expect_code "treated by kind" 0 $?
contains "recipients group" out.txt "recipients "
contains "spill-over group" out.txt "others "
contains "entrants cohort" out.txt "entrants "
contains "subgroups by kind" out.txt "startup"
"$bin" compare base policy --treated >out.txt 2>err.txt
expect_code "treated without snapshots refused" 2 $?
contains "snapshot setting named" err.txt "output.snapshot_interval_months: 1"
"$bin" run "$small" --quiet --months $months --replication 0 $snap --set chain.entry.talent_founding_per_year=0.2 \
  -o other.h5 >/dev/null 2>&1
"$bin" compare other.h5 tp/r0.h5 --treated >out.txt 2>err.txt
expect_code "different world before the policy refused" 2 $?
contains "not the same world named" err.txt "not the same world before the policy"
"$bin" compare tb tp --by kind >out.txt 2>err.txt
expect_code "--by without --treated refused" 2 $?

# No run files at all; a missing path.
mkdir empty
"$bin" compare base empty >out.txt 2>err.txt
expect_code "empty directory refused" 2 $?
"$bin" compare base no_such_file.h5 >out.txt 2>err.txt
expect_code "missing file is an I/O error" 3 $?

finish
