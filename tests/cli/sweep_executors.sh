#!/usr/bin/env bash
# One small sweep three ways: locally in parallel, under `mpirun -n 3` (rank 0
# hands out runs, two workers run them) and as three Slurm array tasks started at
# once. Every run file's /series and /summary must be bit-identical (h5diff
# without tolerance) and the index the same apart from wall_seconds.
# Usage: sweep_executors.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
enter_workdir
same_runs() {  # NAME DIR_A DIR_B
  local n=0 bad=0 f
  for f in "$2"/runs/*.h5; do
    n=$((n + 1))
    h5diff "$f" "$3/runs/$(basename "$f")" /series /series >/dev/null 2>&1 || bad=$((bad + 1))
    h5diff "$f" "$3/runs/$(basename "$f")" /summary /summary >/dev/null 2>&1 || bad=$((bad + 1))
  done
  if [ "$n" -eq 12 ] && [ "$bad" -eq 0 ]; then ok "$1: 12 run files bit-identical"; else fail "$1: $n files, $bad differ"; fi
  if diff <(index_but_wall "$2") <(index_but_wall "$3") >diff.txt; then ok "$1: same index"; else
    fail "$1: index differs"; sed 's/^/    /' diff.txt; fi
}

sweep=$scenarios/sweeps/grid_transfer_office.yaml  # 6 points x 2 replications
short=(--set horizon_months=12)

"$bin" sweep "$sweep" -o local "${short[@]}" --jobs 2 >out.txt 2>err.txt
expect_code "local sweep" 0 $?
contains "plain progress lines" err.txt "runs 12/12: 12 done, 0 failed, 0 remaining"
[ "$(grep -c ',complete,' local/index.csv)" -eq 12 ] && ok "index: 12 complete runs" || fail "index: not 12 complete"
for f in sweep.yaml design.csv index.csv index.h5; do
  [ -f "local/$f" ] && ok "local/$f written" || fail "local/$f missing"
done
cmp -s "$sweep" local/sweep.yaml && ok "sweep.yaml is a verbatim copy" || fail "sweep.yaml differs from the sweep file"
id=$(sed -n 2p local/index.csv | cut -d, -f1)
h5dump -a /sweep_run_id "local/runs/$id.h5" | grep -q "\"$id\"" && ok "run file carries sweep_run_id" ||
  fail "sweep_run_id missing in $id.h5"
h5dump -a /format local/index.h5 | grep -q '"innochain-sweep-index"' && ok "index.h5 format attribute" ||
  fail "index.h5 has no format attribute"
h5dump -d /index/agents.institutes.transfer_office_skill local/index.h5 | grep -q "0.2, 0.2, 0.2, 0.2, 0.5" &&
  ok "index.h5 parameter column" || fail "index.h5 parameter column"

if command -v mpirun >/dev/null 2>&1; then
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 \
    OMPI_MCA_btl_vader_single_copy_mechanism=none \
    mpirun -n 3 --oversubscribe "$bin" sweep "$sweep" -o mpi "${short[@]}" --threads 2 >out.txt 2>err.txt
  expect_code "mpirun -n 3 sweep" 0 $?
  contains "rank 0 hands out runs to 2 workers" err.txt "to 2 worker ranks"
  same_runs "local vs MPI" local mpi
else
  fail "mpirun not found (scripts/install-deps.sh installs openmpi-bin)"
fi

pids=()
for t in 0 1 2; do
  SLURM_ARRAY_TASK_ID=$t SLURM_ARRAY_TASK_COUNT=3 "$bin" sweep "$sweep" -o slurm "${short[@]}" --slurm-array \
    --jobs 1 >"task$t.txt" 2>&1 &
  pids+=($!)
done
codes=0
for p in "${pids[@]}"; do wait "$p" || codes=$((codes + 1)); done
expect_code "three Slurm array tasks" 0 $codes
contains "task 1 runs its own block" task1.txt "array task 1 of 3: runs 4-7 of 12"
same_runs "local vs Slurm array" local slurm

# The job script, written by the real command.
"$bin" sweep "$sweep" -o slurm_dir --emit-sbatch job.sh --partition short --time 00:30:00 --array-size 4 \
  --cpus-per-task 2 "${short[@]}" >out.txt 2>err.txt
expect_code "emit-sbatch" 0 $?
contains "array of 4 tasks" job.sh "#SBATCH --array=0-3"
contains "partition" job.sh "#SBATCH --partition=short"
contains "tasks run their block" job.sh "--slurm-array --threads 1 --jobs 2 --set horizon_months=12"
[ ! -e slurm_dir ] && ok "emit-sbatch creates no directory" || fail "emit-sbatch created the sweep directory"

finish
