#!/usr/bin/env bash
# Sweep directories over time: an existing DIR is refused without --resume; a
# sweep killed part-way (SIGKILL: no clean-up at all) and resumed ends with the
# same index as one that ran through (wall_seconds apart); damaged, missing and
# failed runs are run again; a run that fails is recorded with its error while
# the others complete.
# Usage: sweep_resume.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
enter_workdir
same_index() {  # NAME DIR_A DIR_B
  if diff <(index_but_wall "$2") <(index_but_wall "$3") >diff.txt; then ok "$1"; else
    fail "$1: index differs"; sed 's/^/    /' diff.txt; fi
}
complete_files() { ls "$1"/runs/*.h5 2>/dev/null | wc -l; }

sweep=$scenarios/sweeps/grid_transfer_office.yaml  # 12 runs
long=(--set horizon_months=120 --jobs 2)

"$bin" sweep "$sweep" -o straight "${long[@]}" -q >out.txt 2>err.txt
expect_code "uninterrupted sweep" 0 $?

"$bin" sweep "$sweep" -o straight "${long[@]}" >out.txt 2>err.txt
expect_code "existing directory refused" 2 $?
contains "refusal names --resume" err.txt "already exists; use --resume"

# Kill the coordinator with SIGKILL once a few runs are done; its workers die with it.
"$bin" sweep "$sweep" -o killed "${long[@]}" -q >out.txt 2>err.txt &
pid=$!
for _ in $(seq 1 400); do
  [ "$(complete_files killed)" -ge 3 ] && break
  sleep 0.02
done
# While it runs, a second coordinator for the same directory is refused.
"$bin" sweep "$sweep" -o killed "${long[@]}" --resume >out2.txt 2>err2.txt
expect_code "second sweep in a running directory refused" 2 $?
contains "refusal says why" err2.txt "another sweep is running in"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
done_before=$(complete_files killed)
echo "killed after $done_before of 12 runs"
[ "$done_before" -lt 12 ] && ok "killed part-way" || fail "the sweep finished before it could be killed"
sleep 0.5  # let the workers' death signal land
[ -f killed/index.csv ] && ok "a killed sweep leaves an index" || fail "no index after the kill"
# Damage one finished run file and delete another: both must be run again.
files=(killed/runs/*.h5)
head -c 100 "${files[0]}" >damaged && mv damaged "${files[0]}"
[ "${#files[@]}" -ge 2 ] && rm "${files[1]}"
"$bin" sweep "$sweep" -o killed "${long[@]}" --resume >out.txt 2>err.txt
expect_code "resume" 0 $?
contains "resume reports what is left" err.txt "resuming killed:"
same_index "resumed index equals the uninterrupted one" straight killed
[ -z "$(ls killed/runs | grep -v '\.h5$')" ] && ok "no partial or error files left" ||
  fail "left over: $(ls killed/runs | grep -v '\.h5$')"
for f in straight/runs/*.h5; do
  h5diff "$f" "killed/runs/$(basename "$f")" /series /series >/dev/null 2>&1 || fail "series differ: $f"
done

# A run made to fail: its file name is taken by a directory, so it cannot be written.
# Two other runs are missing; they complete, the failure is recorded and the sweep ends.
mapfile -t ids < <(tail -n +2 straight/index.csv | cut -d, -f1)
rm "killed/runs/${ids[3]}.h5" "killed/runs/${ids[7]}.h5" "killed/runs/${ids[9]}.h5"
mkdir "killed/runs/${ids[7]}.h5"
"$bin" sweep "$sweep" -o killed "${long[@]}" --resume >out.txt 2>err.txt
expect_code "a failed run makes exit code 1" 1 $?
contains "failure reported" err.txt "run ${ids[7]} (point 3, replication 1) failed"
grep -q "^${ids[7]},3,1,[0-9]*,failed,[0-9.]*,\"output file '.*' is a directory" killed/index.csv && ok "index records the failure" ||
  fail "index row: $(grep "^${ids[7]}" killed/index.csv | cut -c1-200)"
[ "$(grep -c ',complete,' killed/index.csv)" -eq 11 ] && ok "the other 11 runs complete" || fail "not 11 complete"
[ -s "killed/runs/${ids[7]}.error" ] && ok "error file written" || fail "no error file"
"$bin" inspect killed >inspect.txt 2>&1
contains "inspect counts the runs" inspect.txt "12 (11 complete, 1 failed, 0 cancelled, 0 pending)"
contains "inspect shows the error" inspect.txt "failed ${ids[7]}: output file"
rmdir "killed/runs/${ids[7]}.h5"
"$bin" sweep "$sweep" -o killed "${long[@]}" --resume -q >out.txt 2>err.txt
expect_code "resume reruns the failed run" 0 $?
same_index "index complete again" straight killed
[ ! -e "killed/runs/${ids[7]}.error" ] && ok "error file removed" || fail "error file left"

# A different sweep file cannot continue a sweep directory.
sed 's/0.8\]/0.9]/' "$sweep" >other.yaml
sed -i "s|base: ../guangdong_small.yaml|base: $scenarios/guangdong_small.yaml|" other.yaml
"$bin" sweep other.yaml -o killed --resume >out.txt 2>err.txt
expect_code "other sweep file refused" 2 $?
contains "refusal explains" err.txt "holds a different sweep file"

# The same under MPI: SIGKILL every rank part-way (a node lost, a job killed hard),
# then finish it with --resume under mpirun again; the index equals the uninterrupted one.
if command -v mpirun >/dev/null 2>&1; then
  mpi=(env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
       OMPI_MCA_btl_vader_single_copy_mechanism=none mpirun -n 3 --oversubscribe)
  "${mpi[@]}" "$bin" sweep "$sweep" -o mpikilled --set horizon_months=120 -q >out.txt 2>err.txt &
  pid=$!
  for _ in $(seq 1 1000); do
    [ "$(complete_files mpikilled)" -ge 3 ] && break
    sleep 0.02
  done
  # SIGKILL every rank at once (no clean-up anywhere), then mpirun itself.
  pkill -KILL -f "sweep $sweep -o mpikilled" 2>/dev/null
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  done_before=$(complete_files mpikilled)
  echo "MPI sweep killed after $done_before of 12 runs"
  [ "$done_before" -lt 12 ] && ok "MPI sweep killed part-way" || fail "the MPI sweep finished before it could be killed"
  "${mpi[@]}" "$bin" sweep "$sweep" -o mpikilled --set horizon_months=120 --resume -q >out.txt 2>err.txt
  expect_code "MPI sweep resumed under mpirun" 0 $?
  same_index "resumed MPI index equals the uninterrupted local one" straight mpikilled
  for f in straight/runs/*.h5; do
    h5diff "$f" "mpikilled/runs/$(basename "$f")" /series /series >/dev/null 2>&1 || fail "MPI series differ: $f"
  done
else
  fail "mpirun not found (scripts/install-deps.sh installs openmpi-bin)"
fi

finish
