#!/usr/bin/env bash
# Sweeps stopped by SIGINT / SIGTERM (issue 15, defect 7, docs/sweeps.md): locally, as a
# Slurm array task hit by a scancel (Slurm signals every process of the job) and under
# mpirun (every rank signalled, or mpirun alone), the runs in flight stop at the end of their
# month with a checkpoint and are recorded as "cancelled" (never "failed"), the index is
# consistent, and --resume (or the resubmitted array task) ends with the index and results of
# a sweep that ran straight through. Also the job script's --mem, --qos and --signal.
# Usage: sweep_signals.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
enter_workdir
cat >sweep.yaml <<EOF
base: $scenarios/guangdong_small.yaml
replications: 2
set: {horizon_months: 360}
design:
  kind: grid
  keys:
    chain.basic_research.budget_elasticity: [0.3, 0.5, 0.7]
EOF
status_count() {  # DIR STATUS: runs of the index with that status
  if [ -s "$1/index.csv" ]; then cut -d, -f5 "$1/index.csv" | grep -c "^$2\$"; else echo 0; fi
}
same_as_straight() {  # NAME DIR: the index (but wall seconds) and every run's /series equal the straight sweep's
  if [ "$(index_but_wall straight)" = "$(index_but_wall "$2")" ]; then ok "$1: index equals the straight sweep's"; else
    fail "$1: index differs from the straight sweep's"
    diff <(index_but_wall straight) <(index_but_wall "$2") | head -5 | sed 's/^/    /'
  fi
  local bad=0
  for f in straight/runs/*.h5; do
    h5diff "$f" "$2/runs/$(basename "$f")" /series /series >/dev/null 2>&1 || bad=1
  done
  [ "$bad" -eq 0 ] && ok "$1: every run's /series is bit-identical" || fail "$1: run series differ"
  ls "$2"/runs/*.checkpoint "$2"/runs/*.partial "$2"/runs/*.cancelled >/dev/null 2>&1 &&
    fail "$1: leftovers $(ls "$2"/runs/ | grep -v '\.h5$' | tr '\n' ' ')" || ok "$1: no checkpoints or markers left"
}
stopped_cleanly() {  # NAME DIR: some runs cancelled with their checkpoints, none failed, no partial files
  local cancelled
  cancelled=$(status_count "$2" cancelled)
  [ "$cancelled" -ge 1 ] && ok "$1: $cancelled runs recorded as cancelled" || fail "$1: no run recorded as cancelled"
  [ "$(status_count "$2" failed)" -eq 0 ] && ok "$1: no run recorded as failed" ||
    fail "$1: runs recorded as failed: $(grep ',failed,' "$2/index.csv" | cut -d, -f7 | head -2)"
  local missing=0
  for id in $(grep ',cancelled,' "$2/index.csv" | cut -d, -f1); do
    grep ",cancelled,.*stopped after month" "$2/index.csv" | grep -q "^$id," || continue  # killed before a month ended
    [ -f "$2/runs/$id.h5.checkpoint" ] || missing=1
  done
  [ "$missing" -eq 0 ] && ok "$1: every run stopped after a month has its checkpoint" || fail "$1: checkpoint missing"
  ls "$2"/runs/*.partial >/dev/null 2>&1 && fail "$1: partial files left" || ok "$1: no partial files"
}
wait_for_runs() {  # DIR: until the runs are well under way
  for _ in $(seq 1 500); do
    [ -n "$(ls "$1"/runs/*.partial 2>/dev/null)" ] && break
    sleep 0.01
  done
  sleep 0.5
}

"$bin" sweep sweep.yaml -o straight --jobs 2 -q >out.txt 2>err.txt
expect_code "the straight sweep" 0 $?

# Locally: SIGTERM to the coordinator; it stops its workers, which checkpoint.
"$bin" sweep sweep.yaml -o local --jobs 2 -q >out.txt 2>err.txt &
pid=$!
wait_for_runs local
kill -TERM "$pid"
wait "$pid"
expect_code "local sweep stopped by SIGTERM" 143 $?
contains "says what happened" err.txt "stopped by SIGTERM"
stopped_cleanly "local" local
"$bin" sweep sweep.yaml -o local --resume --jobs 2 -q >out.txt 2>err.txt
expect_code "local sweep resumed" 0 $?
same_as_straight "local after SIGTERM + --resume" local

# Slurm: a scancel sends SIGTERM to every process of the job; here the workers get it first.
export SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_COUNT=1
"$bin" sweep sweep.yaml -o slurm --slurm-array --jobs 2 -q >out.txt 2>err.txt &
pid=$!
wait_for_runs slurm
workers=$(ps -o pid= --ppid "$pid")
kill -TERM $workers
sleep 0.3
kill -TERM "$pid" 2>/dev/null
wait "$pid"
expect_code "Slurm array task cancelled (scancel)" 143 $?
stopped_cleanly "scancel" slurm
"$bin" sweep sweep.yaml -o slurm --slurm-array --jobs 2 -q >out.txt 2>err.txt
expect_code "the resubmitted array task" 0 $?
same_as_straight "Slurm after scancel + resubmission" slurm
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT

if command -v mpirun >/dev/null 2>&1; then
  mpi=(env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    OMPI_MCA_btl_vader_single_copy_mechanism=none mpirun -n 3 --oversubscribe)
  # Every rank signalled at once (Slurm's scancel of an MPI job): each stops cleanly, exit 143.
  "${mpi[@]}" "$bin" sweep sweep.yaml -o mpi_all -q >out.txt 2>err.txt &
  pid=$!
  wait_for_runs mpi_all
  ranks=$(ps -o pid= --ppid "$pid")
  [ "$(echo $ranks | wc -w)" -eq 3 ] && ok "three ranks found" || fail "ranks: $ranks"
  kill -TERM $ranks
  wait "$pid"
  expect_code "MPI sweep, every rank signalled" 143 $?
  contains "rank 0 says what happened" err.txt "stopped by SIGTERM"
  stopped_cleanly "MPI, every rank" mpi_all
  "${mpi[@]}" "$bin" sweep sweep.yaml -o mpi_all --resume -q >out.txt 2>err.txt
  expect_code "MPI sweep resumed" 0 $?
  same_as_straight "MPI after SIGTERM to every rank + --resume" mpi_all

  # mpirun alone signalled (Ctrl-C at a terminal reaches only mpirun): it passes SIGTERM on to
  # the ranks, which stop the same way. mpirun's own exit status is OpenMPI's (1), not ours.
  "${mpi[@]}" "$bin" sweep sweep.yaml -o mpi_run -q >out.txt 2>err.txt &
  pid=$!
  wait_for_runs mpi_run
  kill -INT "$pid"
  wait "$pid"
  code=$?
  [ "$code" -ne 0 ] && ok "mpirun interrupted: exit $code" || fail "mpirun interrupted but exit 0"
  contains "rank 0 says what happened" err.txt "stopped by SIGTERM"
  stopped_cleanly "MPI, mpirun signalled" mpi_run
  "${mpi[@]}" "$bin" sweep sweep.yaml -o mpi_run --resume -q >out.txt 2>err.txt
  expect_code "MPI sweep resumed after mpirun was interrupted" 0 $?
  same_as_straight "MPI after SIGINT to mpirun + --resume" mpi_run
else
  fail "mpirun not found (scripts/install-deps.sh installs openmpi-bin)"
fi

# The job script: --mem, --qos, and --signal=B:TERM@N with exec, so the warning reaches innochain.
"$bin" sweep sweep.yaml -o /scratch/x --emit-sbatch job.sh --partition cpu --array-size 2 --cpus-per-task 2 \
  --mem 4G --qos long --signal-before 600 -q >out.txt 2>err.txt
expect_code "--emit-sbatch with --mem, --qos, --signal-before" 0 $?
contains "memory request" job.sh "#SBATCH --mem=4096M"
contains "quality of service" job.sh "#SBATCH --qos=long"
contains "warning signal" job.sh "#SBATCH --signal=B:TERM@600"
grep -q "^exec .*innochain sweep .* --slurm-array" job.sh && ok "the command is exec'd" || fail "no exec in job.sh"
"$bin" sweep sweep.yaml -o /scratch/x --emit-sbatch job2.sh --partition cpu --array-size 2 -q >out.txt 2>err.txt
contains "a warning signal by default" job2.sh "#SBATCH --signal=B:TERM@300"
"$bin" sweep sweep.yaml -o /scratch/x --emit-sbatch job3.sh --partition cpu --array-size 2 --mem 20M -q \
  >out.txt 2>err.txt
expect_code "--mem below the runs' memory estimate" 2 $?
contains "says what a task needs" err.txt "ask for at least"
"$bin" sweep sweep.yaml -o /scratch/x --emit-sbatch job4.sh --partition cpu --array-size 2 --mem 4000 -q \
  >out.txt 2>err.txt
expect_code "--mem without a unit" 2 $?

finish
