#!/usr/bin/env bash
# Checkpoints, resume and branching through the real binary (docs/reliability.md): a run stopped by SIGTERM / SIGINT / SIGKILL and resumed gives
# results bit-identical to an uninterrupted run; a branch from a baseline checkpoint
# equals the policy scenario with start_month at the checkpoint's month; incompatible
# checkpoints are refused with exit 2.
# Usage: checkpoint_resume.sh PATH_TO_innochain PATH_TO_tests_data PATH_TO_same_results.py
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
data=$2
same=$3
scenario=$data/reliability/all_instruments.yaml
enter_workdir
same_results() {  # NAME A B
  if /usr/bin/python3 "$same" "$2" "$3" >same.txt 2>&1; then ok "$1"; else fail "$1:"; sed 's/^/    /' same.txt; fi
}
# Starts a run in the background, waits for its progress line "month N/", sends SIGNAL.
# Sets $rc to the run's exit code.
interrupt_at() {  # MONTH SIGNAL ERRFILE ARGS...
  local month=$1 sig=$2 err=$3
  shift 3
  "$bin" run "$@" 2>"$err" >/dev/null &
  local pid=$!
  for _ in $(seq 1 3000); do
    grep -q "^month $month/" "$err" 2>/dev/null && break
    sleep 0.01
  done
  kill "-$sig" "$pid" 2>/dev/null
  wait "$pid"
  rc=$?
}

# The reference: one uninterrupted run (two threads).
"$bin" run "$scenario" -o full.h5 --threads 2 -q
expect_code "uninterrupted run" 0 $?

# SIGTERM part-way: exit 143, checkpoint written, partial file kept, no final file.
interrupt_at 1 TERM term.err "$scenario" -o term.h5 --threads 2
expect_code "SIGTERM stops the run with 128+15" 143 "$rc"
[ -f term.h5.partial ] && [ ! -e term.h5 ] && ok "partial file kept, no final file" || fail "files after SIGTERM: $(ls)"
[ -f term.h5.checkpoint ] && ok "checkpoint written on SIGTERM" || fail "no checkpoint after SIGTERM"
contains "message says how to resume" term.err "resume with: innochain run --resume -o term.h5"
/usr/bin/python3 -c "import h5py,sys; f=h5py.File('term.h5.partial'); sys.exit(f.attrs['status']!='partial')" &&
  ok "partial file has status 'partial'" || fail "partial file status"
"$bin" inspect term.h5.partial >inspect.txt 2>&1
expect_code "inspect refuses an incomplete file" 3 $?
contains "inspect says why" inspect.txt "this run did not finish"
# Resume with another thread count: bit-identical to the uninterrupted run.
"$bin" run --resume -o term.h5 --threads 1 -q
expect_code "resume after SIGTERM" 0 $?
[ -f term.h5 ] && [ ! -e term.h5.partial ] && ok "resumed run renamed to the final name" || fail "files after resume: $(ls)"
same_results "SIGTERM + resume == uninterrupted" full.h5 term.h5

# SIGINT (Ctrl-C): exit 130, resumable the same way.
interrupt_at 2 INT int.err "$scenario" -o int.h5 --threads 2
expect_code "SIGINT stops the run with 128+2" 130 "$rc"
"$bin" run --resume -o int.h5 -q
expect_code "resume after SIGINT" 0 $?
same_results "SIGINT + resume == uninterrupted" full.h5 int.h5

# SIGKILL after a periodic checkpoint (month 12; "month 13/" is printed after it was
# written): resume from it (the months after it are redone).
interrupt_at 13 KILL kill.err "$scenario" -o kill.h5 --checkpoint-every 12 --checkpoint kill.ckpt
expect_code "SIGKILL" 137 "$rc"
[ -f kill.ckpt ] && [ ! -e kill.ckpt.partial ] && ok "periodic checkpoint present" || fail "no periodic checkpoint: $(ls)"
"$bin" run --resume --checkpoint kill.ckpt -q
expect_code "resume from a periodic checkpoint (output name from the checkpoint)" 0 $?
same_results "SIGKILL + resume from periodic checkpoint == uninterrupted" full.h5 kill.h5

# Resume refuses what it cannot continue.
"$bin" run --resume -o nothing.h5 >err.txt 2>&1
expect_code "resume without a checkpoint: I/O error" 3 $?
contains "names the missing checkpoint" err.txt "nothing.h5.checkpoint' does not exist"
"$bin" run "$scenario" --resume -o x.h5 >err.txt 2>&1
expect_code "resume with a scenario argument: bad input" 2 $?
printf 'not hdf5' >junk.ckpt
"$bin" run --resume --checkpoint junk.ckpt -o junk.h5 >err.txt 2>&1
expect_code "resume from a file that is not a checkpoint" 3 $?
contains "says it is not HDF5" err.txt "not a readable HDF5 file"
"$bin" run --resume --checkpoint full.h5 -o y.h5 >err.txt 2>&1
expect_code "resume from a run file instead of a checkpoint" 3 $?
contains "says it is not a checkpoint" err.txt "is not an innochain checkpoint"

# Branching: the baseline (the same scenario without policies) to month 12, then the
# policies from month 12 on, equals the policy scenario with every start_month at 12.
starts=()
for p in vouchers exemption ownership rd_subsidy lottery_vouchers platforms fund alliance talent; do
  starts+=(--set "policies.$p.start_month=12")
done
"$bin" run "$data/reliability/all_instruments_baseline.yaml" --months 12 --checkpoint-every 12 -o base12.h5 -q
expect_code "baseline burn-in with a checkpoint at month 12" 0 $?
"$bin" run "$scenario" "${starts[@]}" -o policy_from_12.h5 -q
expect_code "policy scenario starting at month 12" 0 $?
"$bin" run "$scenario" "${starts[@]}" --from-checkpoint base12.h5.checkpoint -o branch.h5 -q
expect_code "branch from the baseline checkpoint" 0 $?
same_results "branch == policy switched on at the checkpoint's month" policy_from_12.h5 branch.h5

# The shared spin-up: a baseline's checkpoint at month 0 (after its spin-up), and the policy
# scenario branched from it, equals the policy scenario run whole (no policy acts before month 0).
"$bin" run "$data/reliability/all_instruments_baseline.yaml" --months 6 --checkpoint-at-start -o base0.h5 -q
expect_code "baseline with a checkpoint at month 0" 0 $?
"$bin" run "$scenario" --from-checkpoint base0.h5.checkpoint -o branch0.h5 --timings -q 2>branch0.err
expect_code "branch from the month-0 checkpoint" 0 $?
same_results "branch from month 0 == the policy scenario run whole (spin-up shared)" full.h5 branch0.h5
grep -Eq '^spin_up +0\.000 ' branch0.err && ok "the branch runs no spin-up" || fail "branch ran a spin-up: $(cat branch0.err)"

# Branching refuses incompatible checkpoints, saying why.
"$bin" run "$scenario" "${starts[@]}" --seed 99 --from-checkpoint base12.h5.checkpoint -o b1.h5 >err.txt 2>&1
expect_code "branch with another seed: bad input" 2 $?
contains "names the difference" err.txt "seed"
[ ! -e b1.h5 ] && [ ! -e b1.h5.partial ] && ok "no output file for a refused branch" || fail "output left: $(ls b1*)"
"$bin" run "$scenario" "${starts[@]}" --set world.scale=0.02 --from-checkpoint base12.h5.checkpoint -o b2.h5 >err.txt 2>&1
expect_code "branch with another world: bad input" 2 $?
contains "names the differing key" err.txt "scale"
"$bin" run "$scenario" --from-checkpoint base12.h5.checkpoint -o b3.h5 >err.txt 2>&1
expect_code "branch with a policy starting before the checkpoint" 2 $?
contains "asks for a later start_month" err.txt "start_month: 12 or later"
"$bin" run "$scenario" "${starts[@]}" --replication 3 --from-checkpoint base12.h5.checkpoint -o b4.h5 >err.txt 2>&1
expect_code "branch with another replication" 2 $?
contains "names the replication" err.txt "replication"

"$bin" run "$scenario" "${starts[@]}" --months 12 --from-checkpoint base12.h5.checkpoint -o b5.h5 >err.txt 2>&1
expect_code "branch with a horizon not longer than the checkpoint's month" 2 $?
contains "asks for a longer horizon" err.txt "must be longer"
# A checkpoint that was being written when the run died: only its .partial exists.
mv base12.h5.checkpoint half.ckpt.partial
"$bin" run --resume --checkpoint half.ckpt -o half.h5 >err.txt 2>&1
expect_code "resume from a half-written checkpoint" 3 $?
contains "says the run died while writing it" err.txt "the run died while writing it"

finish
