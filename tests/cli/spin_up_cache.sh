#!/usr/bin/env bash
# Shared spin-ups (run / sweep --spin-up-cache, docs/reliability.md "Sharing the spin-up"): a
# run that branches from the cached month-0 state of its scenario without policies gives the
# results of the run made whole; one spin-up is made per such scenario and replication and then
# reused, by a baseline and its policy scenarios and by a sweep's runs; misuse is refused.
# Usage: spin_up_cache.sh PATH_TO_innochain PATH_TO_tests_data PATH_TO_scenarios PATH_TO_same_results.py
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
data=$2
scenarios=$3
same=$4
policy=$data/reliability/all_instruments.yaml
baseline=$data/reliability/all_instruments_baseline.yaml
enter_workdir
same_results() {  # NAME A B
  if /usr/bin/python3 "$same" "$2" "$3" >same.txt 2>&1; then ok "$1"; else fail "$1:"; sed 's/^/    /' same.txt; fi
}
spin_ups() { find "$1" -name 'spin_up-*.checkpoint' | wc -l; }

# Every instrument at once: made whole, then from a spin-up it makes first.
"$bin" run "$policy" --months 12 -o whole.h5 -q 2>err.txt
expect_code "policy scenario run whole" 0 $?
"$bin" run "$policy" --months 12 -o cached.h5 --spin-up-cache cache -q 2>err.txt
expect_code "policy scenario with --spin-up-cache" 0 $?
[ "$(spin_ups cache)" -eq 1 ] && ok "one spin-up made" || fail "spin-ups made: $(ls cache)"
[ -z "$(find cache -type f ! -name 'spin_up-*.checkpoint')" ] && ok "nothing else left in the cache" ||
  fail "left in the cache: $(ls cache)"
same_results "policy run from the spin-up it made == run whole" whole.h5 cached.h5

# Its baseline (the same scenario without policies) reuses that spin-up and spends no time on one.
"$bin" run "$baseline" --months 12 -o base_whole.h5 -q 2>err.txt
"$bin" run "$baseline" --months 12 -o base_cached.h5 --spin-up-cache cache -q --timings 2>timings.txt
expect_code "baseline with --spin-up-cache" 0 $?
[ "$(spin_ups cache)" -eq 1 ] && ok "the baseline reuses the policy scenario's spin-up" || fail "spin-ups: $(ls cache)"
grep -qE '^spin_up +0\.000 ' timings.txt && ok "no spin-up time in the reusing run" ||
  fail "timings: $(grep spin_up timings.txt)"
same_results "baseline from the shared spin-up == run whole" base_whole.h5 base_cached.h5

# Another replication is another spin-up; a different world too.
"$bin" run "$policy" --months 6 --replication 1 -o rep1.h5 --spin-up-cache cache -q 2>err.txt
expect_code "replication 1 with --spin-up-cache" 0 $?
"$bin" run "$policy" --months 6 --set world.scale=0.02 -o small.h5 --spin-up-cache cache -q 2>err.txt
[ "$(spin_ups cache)" -eq 3 ] && ok "one spin-up per world and replication" || fail "spin-ups: $(ls cache)"

# Misuse: with --from-checkpoint or --resume (exit 2); a cache that is a file (exit 3).
"$bin" run "$policy" --spin-up-cache cache --from-checkpoint x.checkpoint -o bad.h5 -q 2>err.txt
expect_code "--spin-up-cache with --from-checkpoint refused" 2 $?
contains "the refusal says why" err.txt "is for fresh runs"
touch not_a_dir
"$bin" run "$policy" --months 6 --spin-up-cache not_a_dir -o bad.h5 -q 2>err.txt
expect_code "a cache that is a file" 3 $?
contains "the error names the cache" err.txt "spin-up cache 'not_a_dir'"
[ ! -e bad.h5 ] && [ ! -e bad.h5.partial ] && ok "no output left by the refused run" || fail "left: $(ls bad.h5*)"
# An output file that exists (no --force) is refused before any spin-up is made.
"$bin" run "$policy" --months 6 --replication 7 --spin-up-cache cache -o whole.h5 -q 2>err.txt
expect_code "an existing output file, without --force" 3 $?
[ "$(spin_ups cache)" -eq 3 ] && ok "no spin-up made for a refused run" || fail "spin-ups: $(ls cache)"

# A sweep over a policy parameter and a world parameter (2 x 3 points, 2 replications): one
# spin-up per world value and replication (4), run files identical to a sweep without the cache.
sweep=$scenarios/sweeps/grid_exemption_kink.yaml
"$bin" sweep "$sweep" -o plain --set horizon_months=12 --jobs 2 -q >out.txt 2>err.txt
expect_code "sweep without the cache" 0 $?
"$bin" sweep "$sweep" -o shared --set horizon_months=12 --jobs 2 --spin-up-cache sweep_cache -q >out.txt 2>err.txt
expect_code "sweep with --spin-up-cache" 0 $?
[ "$(spin_ups sweep_cache)" -eq 4 ] && ok "4 spin-ups for 12 runs" || fail "spin-ups: $(ls sweep_cache)"
n=0
for f in plain/runs/*.h5; do
  /usr/bin/python3 "$same" "$f" "shared/runs/$(basename "$f")" >same.txt 2>&1 || { fail "sweep run $(basename "$f"):"; sed 's/^/    /' same.txt; }
  n=$((n + 1))
done
[ "$n" -eq 12 ] && ok "12 sweep runs from shared spin-ups == runs made whole" || fail "$n sweep runs compared"

# A Slurm job script passes the cache on, as an absolute path.
"$bin" sweep "$sweep" -o array --emit-sbatch - --partition cpu --array-size 2 --spin-up-cache sweep_cache >job.sh 2>err.txt
expect_code "--emit-sbatch with --spin-up-cache" 0 $?
contains "the job script's tasks share the spin-ups" job.sh "--spin-up-cache $PWD/sweep_cache"
finish
