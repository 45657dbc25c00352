#!/usr/bin/env bash
# Inputs read with bounded memory (issue 15, defect 5, docs/reliability.md): scenario,
# extends, sweep and design-matrix files must be regular files (or '-', standard input) of
# at most 16 MiB. A device such as /dev/zero, a FIFO or an endless stream is refused at
# once with FILE:LINE:COLUMN and exit 2, under a 1 GiB address-space limit and a timeout
# (the old decoder read /dev/zero until memory ran out). NUL bytes and invalid UTF-8 are
# covered by cli_broken_scenarios (tests/data/broken/nul_in_string.yaml, ...).
# Usage: input_limits.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
enter_workdir
# Runs innochain with 1 GiB of address space and 20 s at most; stdin from $stdin_from.
stdin_from=/dev/null
bounded() { (ulimit -v 1048576 && timeout 20 "$bin" "$@" <"$stdin_from"); }
refused() {  # NAME FRAGMENT COMMAND...: exit 2, one FILE:LINE:COLUMN line containing FRAGMENT
  local name=$1 fragment=$2
  shift 2
  local start=$SECONDS
  bounded "$@" >out.txt 2>err.txt
  expect_code "$name" 2 $?
  contains "$name: says why" err.txt "$fragment"
  grep -qE '^[^:]+:[0-9]+:[0-9]+: error: ' err.txt && ok "$name: FILE:LINE:COLUMN" || fail "$name: not FILE:LINE:COLUMN"
  [ $((SECONDS - start)) -le 5 ] && ok "$name: at once" || fail "$name: took $((SECONDS - start)) s"
}

refused "/dev/zero as the scenario" "'/dev/zero' is a character device, not a regular file" validate /dev/zero
refused "/dev/zero as the scenario of a run" "is a character device" run /dev/zero -o z.h5
[ ! -e z.h5 ] && [ ! -e z.h5.partial ] && ok "no output for /dev/zero" || fail "output written"
printf 'extends: /dev/zero\nname: endless\n' >extends_zero.yaml
refused "extends: /dev/zero" "extends_zero.yaml:1:10: error: scenario file '/dev/zero' is a character device" \
  validate extends_zero.yaml
mkfifo fifo.yaml
refused "a FIFO as the scenario (no writer: must not wait for one)" "is a FIFO" validate fifo.yaml
printf 'extends: fifo.yaml\n' >extends_fifo.yaml
refused "extends: a FIFO" "is a FIFO" validate extends_fifo.yaml
mkdir dir.yaml
refused "a directory as the scenario" "is a directory" validate dir.yaml

# Standard input: '-' reads it, up to the limit (its extends are relative to the working directory).
stdin_from=$scenarios/guangdong_small.yaml
(cd "$scenarios" && bounded validate -) >out.txt 2>err.txt
expect_code "'-' reads the scenario from standard input" 0 $?
(cd "$scenarios" && bounded show -) >out.txt 2>err.txt
contains "show - prints it" out.txt "name: guangdong_small"
stdin_from=/dev/zero
refused "an endless standard input" "'<stdin>' is longer than the limit of 16.0 MiB" validate -

# Size limit: 16 MiB (sparse files: nothing is written to disk).
cp "$scenarios/guangdong_small.yaml" big.yaml
truncate -s 17M big.yaml
stdin_from=/dev/null
refused "a scenario over 16 MiB" "is 17.0 MiB, larger than the limit of 16.0 MiB" validate big.yaml
printf 'extends: big.yaml\n' >extends_big.yaml
refused "extends: a file over 16 MiB" "extends_big.yaml:1:10: error" validate extends_big.yaml

# Sweep files and design matrices follow the same rules.
refused "/dev/zero as a sweep file" "is a character device" sweep /dev/zero -o sweep_zero --dry-run
cat >csv_fifo.yaml <<EOF
base: $scenarios/guangdong_small.yaml
design: {kind: csv, file: fifo.yaml}
EOF
refused "a FIFO as the design matrix" "is a FIFO" sweep csv_fifo.yaml -o sweep_fifo --dry-run
printf 'base: %s\nname: caf\351\ndesign: {kind: list, points: [{seed: 1}]}\n' "$scenarios/guangdong_small.yaml" \
  >latin1_sweep.yaml
refused "invalid UTF-8 in a sweep file" "latin1_sweep.yaml:2:10: error: invalid UTF-8" \
  sweep latin1_sweep.yaml -o sweep_latin1 --dry-run
[ ! -e sweep_zero ] && [ ! -e sweep_fifo ] && ok "no sweep directories" || fail "sweep directory created"

finish
