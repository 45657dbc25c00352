#!/usr/bin/env bash
# I/O faults through the real binary (docs/reliability.md): every one
# ends with exit code 3, a clear message, no file under the final name, and nothing
# else lost. Full and read-only file systems are small tmpfs mounts (needs root; the
# parts that need a mount are skipped with a SKIP line otherwise).
# Usage: io_faults.sh PATH_TO_innochain PATH_TO_tests_data
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
data=$2
scenario=$data/reliability/all_instruments.yaml
work=$(mktemp -d)
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1
# Mounts a tmpfs of SIZE at DIR; returns 1 (and the caller skips) where that is not possible.
tmpfs_at() {  # DIR SIZE [OPTIONS]
  mkdir -p "$1"
  mount -t tmpfs -o "size=$2${3:+,$3}" tmpfs "$1" 2>/dev/null || return 1
  mounts+=("$1")
}

# The output directory does not exist.
"$bin" run "$scenario" -o missing/out.h5 -q >err.txt 2>&1
expect_code "missing output directory" 3 $?
contains "says the directory does not exist" err.txt "does not exist"
no_output "no output in a missing directory" missing/out.h5

# An existing output file is kept unless --force.
printf 'precious' >kept.h5
"$bin" run "$scenario" -o kept.h5 -q >err.txt 2>&1
expect_code "existing output without --force" 3 $?
contains "suggests --force" err.txt "use --force"
[ "$(cat kept.h5)" = precious ] && ok "existing file untouched" || fail "existing file changed"

# The output path is a directory: refused before the run even with --force (bad input, exit
# 2; tests/cli/output_safety.sh has devices and FIFOs), and the directory is kept.
mkdir adir && touch adir/inside
"$bin" run "$scenario" -o adir --force -q >err.txt 2>&1
expect_code "output path is a directory" 2 $?
contains "says why" err.txt "is a directory: innochain only ever replaces regular files"
[ -f adir/inside ] && [ ! -e adir.partial ] && ok "directory kept, no partial left" || fail "directory or partial: $(ls)"

# The output directory vanishes during the run (removed by someone else).
mkdir gone
# (a long horizon, so that the run is still going when the directory goes; it never gets
# far, so the memory check, which counts the whole century with its snapshots, is skipped)
"$bin" run "$scenario" --months 1200 --no-memory-check -o gone/out.h5 2>vanish.err >/dev/null &
pid=$!
for _ in $(seq 1 3000); do grep -q '^month 5/' vanish.err 2>/dev/null && break; sleep 0.01; done
rm -rf gone
wait "$pid"
expect_code "output directory removed during the run" 3 $?
contains "says the directory is gone" vanish.err "gone"
[ ! -e gone ] && ok "nothing recreated" || fail "gone/ recreated: $(ls gone)"

# File-size limit (ulimit -f, in KiB): stopped before HDF5 would hit it.
(ulimit -f 400; "$bin" run "$scenario" -o limited.h5 -q) >err.txt 2>&1
expect_code "file-size limit" 3 $?
contains "names the limit" err.txt "file-size limit"
no_output "no output past the file-size limit" limited.h5

if tmpfs_at "$work/tiny" 256k; then
  # A full disk at the start: nothing is written.
  "$bin" run "$scenario" -o tiny/out.h5 -q >err.txt 2>&1
  expect_code "full disk at the start" 3 $?
  contains "says the disk is full" err.txt "disk full"
  no_output "no output on a full disk" tiny/out.h5

  # A disk that fills up during the run (the reserve lowered to 64 KiB so that the run
  # starts): stopped with exit 3, the partial file removed, other files intact.
  head -c 100000 /dev/urandom >tiny/other_file
  sum=$(md5sum <tiny/other_file)
  INNOCHAIN_MIN_FREE_BYTES=65536 "$bin" run "$scenario" -o tiny/out.h5 >err.txt 2>&1
  expect_code "disk fills during the run" 3 $?
  contains "says the disk is full" err.txt "disk full"
  contains "failed part-way" err.txt "month 1/"
  no_output "no output after the disk filled" tiny/out.h5
  [ "$(md5sum <tiny/other_file)" = "$sum" ] && ok "other files on the disk intact" || fail "other file changed"
  rm -f tiny/other_file
else
  echo "SKIP full-disk tests: cannot mount a tmpfs here (not root?)"
fi

if tmpfs_at "$work/cp" 3m; then
  # Checkpoints every 12 months on a disk that fills: exit 3 with "disk full", no run file and
  # no partial file of either kind. A checkpoint completed before the disk filled is kept: once
  # there is room again (the tmpfs is made larger) it resumes to a complete run.
  INNOCHAIN_MIN_FREE_BYTES=65536 "$bin" run "$scenario" -o cp/out.h5 --checkpoint-every 12 -q >err.txt 2>&1
  code=$?
  if [ "$code" -eq 0 ]; then
    echo "SKIP checkpoint-on-full-disk: the run and its checkpoints fitted in 3 MiB"
  else
    expect_code "checkpoint on a full disk" 3 "$code"
    contains "says the disk is full" err.txt "disk full"
    left=$(ls -d cp/out.h5 cp/out.h5.partial cp/out.h5.checkpoint.partial 2>/dev/null)
    [ -z "$left" ] && ok "no run file or partial file after the disk filled" || fail "files left: $left"
    if [ -e cp/out.h5.checkpoint ] && mount -o remount,size=32m "$work/cp"; then
      INNOCHAIN_MIN_FREE_BYTES=65536 "$bin" run --resume --checkpoint cp/out.h5.checkpoint -q >err.txt 2>&1
      expect_code "the checkpoint kept from before the disk filled resumes" 0 $?
      [ -s cp/out.h5 ] && ok "resumed run file written" || fail "resumed run file written: no cp/out.h5"
    fi
  fi
fi

if tmpfs_at "$work/ro" 1m; then
  printf 'old result' >ro/old.h5
  if mount -o remount,ro "$work/ro" 2>/dev/null; then
    "$bin" run "$scenario" -o ro/new.h5 -q >err.txt 2>&1
    expect_code "read-only file system" 3 $?
    contains "says it is not writable" err.txt "not writable"
    no_output "no output on a read-only file system" ro/new.h5
    "$bin" run "$scenario" -o ro/old.h5 --force -q >err.txt 2>&1
    expect_code "read-only existing file with --force" 3 $?
    [ "$(cat ro/old.h5)" = "old result" ] && ok "read-only file untouched" || fail "read-only file changed"
  else
    echo "SKIP read-only tests: cannot remount read-only"
  fi
fi

finish
