#!/usr/bin/env bash
# Damaged checkpoints are refused before anything is loaded into the run (issue 15, defect 4,
# docs/reliability.md): for every case of tests/data/broken_checkpoints/cases.txt a fresh
# checkpoint is damaged in that one way (tests/cli/break_checkpoint.py) and resumed; each must
# exit 3, name what is wrong, and leave no output file (neither FILE nor FILE.partial). The
# undamaged checkpoint resumes to a complete file, and branching from a damaged checkpoint is
# refused the same way.
# Usage: broken_checkpoints.sh PATH_TO_innochain PATH_TO_tests_data PATH_TO_break_checkpoint.py
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
data=$2
breaker=$3
scenario=$data/reliability/all_instruments.yaml
enter_workdir
"$bin" run "$scenario" --months 13 --checkpoint-every 13 -o base.h5 -q >err.txt 2>&1
expect_code "the checkpoint to damage" 0 $?
rm -f base.h5
cp base.h5.checkpoint intact.ckpt
"$bin" run --resume -o intact.h5 --checkpoint intact.ckpt -q >err.txt 2>&1
expect_code "the undamaged checkpoint resumes" 0 $?

cases=0
while IFS='|' read -r name op target arg fragment; do
  name=$(echo "$name" | xargs)
  case "$name" in '' | '#'*) continue ;; esac
  op=$(echo "$op" | xargs)
  target=$(echo "$target" | xargs)
  arg=$(echo "$arg" | sed 's/^ *//; s/ *$//')
  fragment=$(echo "$fragment" | sed 's/^ *//; s/ *$//')
  cases=$((cases + 1))
  cp base.h5.checkpoint "$name.ckpt"
  if ! /usr/bin/python3 "$breaker" "$name.ckpt" "$op" "$target" "$arg" >break.txt 2>&1; then
    fail "$name: could not damage the checkpoint: $(tail -1 break.txt)"
    continue
  fi
  timeout 120 "$bin" run --resume -o "$name.h5" --checkpoint "$name.ckpt" -q >out.txt 2>err.txt
  code=$?
  if [ "$code" -ne 3 ]; then
    fail "$name: exit code $code, expected 3: $(head -c 400 err.txt)"
  elif ! grep -qF -- "$fragment" err.txt; then
    fail "$name: message lacks '$fragment': $(head -c 400 err.txt)"
  elif [ -e "$name.h5" ] || [ -e "$name.h5.partial" ]; then
    fail "$name: output left: $(ls "$name".h5*)"
  else
    ok "$name"
  fi
done <"$data/broken_checkpoints/cases.txt"
[ "$cases" -ge 30 ] && ok "$cases damaged checkpoints tried" || fail "only $cases cases read"

# Branching reads checkpoints through the same checks.
"$bin" run "$scenario" --from-checkpoint nan_in_cash.ckpt -o branch.h5 -q >err.txt 2>&1
expect_code "branch from a damaged checkpoint" 3 $?
contains "branch names the damage" err.txt "enterprises/cash_yuan holds nan"
[ ! -e branch.h5 ] && [ ! -e branch.h5.partial ] && ok "no branch output" || fail "branch output left"

finish
