#!/usr/bin/env bash
# The smaller defects of issue 15 (point 8): a bad --seed or --months is reported under the
# option the user typed; a missing file "does not exist" (not "not a readable HDF5 file");
# inspect and compare refuse files of a newer format_version than they understand (exit 3).
# Usage: messages_and_formats.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
small=$scenarios/guangdong_small.yaml
enter_workdir

# --seed -1: refused under --seed, not as a wrapped value of `--set seed=...`.
"$bin" run "$small" --seed -1 -o seed.h5 -q >out.txt 2>err.txt
expect_code "--seed -1" 2 $?
contains "the message names --seed" err.txt "--seed"
lacks "no wrapped value" err.txt "18446744073709551615"
lacks "not reported as a --set" err.txt "<--set"
"$bin" run "$small" --seed 9000000000000001 -o seed.h5 -q >out.txt 2>err.txt
expect_code "--seed above the scenario range" 2 $?
contains "names --seed" err.txt "--seed"
"$bin" run "$small" --months 0 -o months.h5 -q >out.txt 2>err.txt
expect_code "--months 0" 2 $?
contains "names --months" err.txt "--months"
lacks "months not reported as a --set" err.txt "<--set"
[ ! -e seed.h5 ] && [ ! -e months.h5 ] && ok "no run files" || fail "run files written"

# A missing file does not exist; a file that is there but not HDF5 is not readable HDF5.
"$bin" inspect missing.h5 >out.txt 2>err.txt
expect_code "inspect a missing file" 3 $?
contains "says it does not exist" err.txt "'missing.h5': it does not exist"
lacks "not 'not a readable HDF5 file'" err.txt "not a readable HDF5 file"
"$bin" run "$small" -o base.h5 --months 3 -q
"$bin" compare base.h5 missing.h5 >out.txt 2>err.txt
expect_code "compare with a missing file" 3 $?
contains "compare says it does not exist" err.txt "does not exist"
echo "plain text" >text.h5
"$bin" inspect text.h5 >out.txt 2>err.txt
expect_code "inspect a text file" 3 $?
contains "says it is not HDF5" err.txt "not a readable HDF5 file"

# format_version newer than this innochain understands: refused by inspect and compare (exit 3).
cp base.h5 newer.h5
/usr/bin/python3 -c "import h5py, numpy; h5py.File('newer.h5', 'r+').attrs['format_version'] = numpy.int64(2)"
"$bin" inspect newer.h5 >out.txt 2>err.txt
expect_code "inspect refuses a newer run file" 3 $?
contains "says it is newer" err.txt "run file of format_version 2, newer than the 1 this innochain reads"
"$bin" inspect --digest newer.h5 >out.txt 2>err.txt
expect_code "inspect --digest refuses a newer run file" 3 $?
"$bin" compare base.h5 newer.h5 >out.txt 2>err.txt
expect_code "compare refuses a newer run file" 3 $?
contains "compare says it is newer" err.txt "newer than the 1 this innochain reads"
mkdir newer_dir && cp newer.h5 newer_dir/
"$bin" compare base.h5 newer_dir >out.txt 2>err.txt
expect_code "compare refuses a directory holding a newer run file" 3 $?

cat >one_point.yaml <<EOF
base: $small
design: {kind: list, points: [{horizon_months: 3}]}
EOF
"$bin" sweep one_point.yaml -o sweep_dir -q >out.txt 2>err.txt
expect_code "a one-run sweep" 0 $?
/usr/bin/python3 -c "import h5py, numpy; h5py.File('sweep_dir/index.h5', 'r+').attrs['format_version'] = numpy.int64(7)"
"$bin" inspect sweep_dir >out.txt 2>err.txt
expect_code "inspect refuses a newer sweep index" 3 $?
contains "says the index is newer" err.txt "sweep index of format_version 7"

finish
