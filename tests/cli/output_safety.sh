#!/usr/bin/env bash
# Nothing overwritten (issue 15, defects 1-3 and the stored path of 8, docs/reliability.md):
# only regular files are ever replaced, even with --force; a second run writing the same
# file is refused and the first one's file is kept; --checkpoint follows the rules of -o;
# a checkpoint names its output by an absolute path.
# Device nodes are made with mknod in the scratch directory (root only; skipped otherwise):
# the test never points innochain at the real /dev/null or /dev/full.
# Usage: output_safety.sh PATH_TO_innochain PATH_TO_tests_data
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
data=$2
scenario=$data/reliability/all_instruments.yaml
enter_workdir

# 1. --force never replaces what is not a regular file: exit 2 before the run, the node kept.
mkfifo fifo
"$bin" run "$scenario" -o fifo --force --months 3 -q >err.txt 2>&1
expect_code "FIFO as output with --force" 2 $?
contains "says it is a FIFO" err.txt "is a FIFO (named pipe): innochain only ever replaces regular files"
[ -p fifo ] && ok "the FIFO is still a FIFO" || fail "the FIFO was replaced: $(ls -l fifo)"
no_output "no partial file next to the FIFO" fifo kept

mkdir adir && touch adir/inside
"$bin" run "$scenario" -o adir --force --months 3 -q >err.txt 2>&1
expect_code "directory as output with --force" 2 $?
contains "says it is a directory" err.txt "is a directory"
[ -f adir/inside ] && ok "the directory and its contents are kept" || fail "directory changed"
no_output "no partial file next to the directory" adir kept

ln -s elsewhere.h5 link.h5
"$bin" run "$scenario" -o link.h5 --force --months 3 -q >err.txt 2>&1
expect_code "symbolic link as output with --force" 2 $?
[ -L link.h5 ] && ok "the link is kept" || fail "the link was replaced"

if mknod fake_null c 1 3 2>/dev/null && mknod fake_full c 1 7 2>/dev/null; then
  for node in fake_null fake_full; do
    "$bin" run "$scenario" -o "$node" --force --months 3 -q >err.txt 2>&1
    expect_code "character device ($node) as output with --force" 2 $?
    contains "says it is a character device ($node)" err.txt "is a character device"
    [ -c "$node" ] && ok "$node is still a character device" || fail "$node was replaced: $(ls -l "$node")"
    no_output "no partial file next to $node" "$node" kept
  done
  # The checkpoint path is held to the same rule.
  "$bin" run "$scenario" -o ok.h5 --checkpoint fake_null --force --months 3 -q >err.txt 2>&1
  expect_code "character device as --checkpoint with --force" 2 $?
  [ -c fake_null ] && [ ! -e ok.h5 ] && ok "device kept, no run" || fail "device or run: $(ls -l)"
else
  echo "SKIP device-node cases: mknod needs root"
fi

# 2. A second run with the same -o is refused while the first runs, and the first run's
# file is untouched: the first finishes with results bit-identical to an undisturbed run.
"$bin" run "$scenario" -o reference.h5 --months 40 -q
"$bin" run "$scenario" -o same.h5 --months 40 --threads 1 2>first.err >/dev/null &
first=$!
for _ in $(seq 1 3000); do grep -q '^month 3/' first.err 2>/dev/null && break; sleep 0.01; done
size_before=$(stat -c %s same.h5.partial 2>/dev/null || echo 0)
"$bin" run "$scenario" -o same.h5 --months 40 -q >err.txt 2>&1
second=$?
size_after=$(stat -c %s same.h5.partial 2>/dev/null || echo 0)
if [ "$second" -eq 2 ] || [ "$second" -eq 3 ]; then ok "second writer refused (exit $second)"; else
  fail "second writer: exit $second, expected 2 or 3"
  sed 's/^/    /' err.txt
fi
contains "says another process writes it" err.txt "is being written by another innochain process"
[ "$size_before" -gt 0 ] && [ "$size_after" -ge "$size_before" ] && ok "first run's partial file not truncated" ||
  fail "first run's partial file went from $size_before to $size_after bytes"
wait "$first"
expect_code "first run completes" 0 $?
digest=$("$bin" inspect --digest same.h5)
if [ -n "$digest" ] && [ "$digest" = "$("$bin" inspect --digest reference.h5)" ]; then
  ok "first run's results equal an undisturbed run"
else fail "first run's results differ from an undisturbed run"; fi

# 3. --checkpoint follows the rules of -o.
printf 'my notes' >notes.txt
"$bin" run "$scenario" -o c1.h5 --checkpoint notes.txt --months 3 -q >err.txt 2>&1
expect_code "existing file as --checkpoint without --force" 3 $?
contains "suggests --force" err.txt "checkpoint 'notes.txt' already exists (use --force"
[ "$(cat notes.txt)" = "my notes" ] && [ ! -e c1.h5 ] && ok "the file is untouched, no run" || fail "notes.txt changed"
cp reference.h5 finished.h5
"$bin" run "$scenario" -o c2.h5 --checkpoint finished.h5 --checkpoint-every 1 --months 3 -q >err.txt 2>&1
expect_code "a finished run file as --checkpoint without --force" 3 $?
cmp -s finished.h5 reference.h5 && ok "the run file is untouched" || fail "finished.h5 changed"
printf 'old' >c3.h5.checkpoint
"$bin" run "$scenario" -o c3.h5 --months 3 -q >err.txt 2>&1
expect_code "an existing default checkpoint (OUTPUT.checkpoint) without --force" 3 $?
[ "$(cat c3.h5.checkpoint)" = old ] && ok "the old checkpoint is untouched" || fail "c3.h5.checkpoint changed"
"$bin" run "$scenario" -o c3.h5 --months 3 --checkpoint-every 3 --force -q >err.txt 2>&1
expect_code "--force replaces the checkpoint too" 0 $?

start=$(date +%s)
"$bin" run "$scenario" -o same_path.h5 --checkpoint same_path.h5 --checkpoint-every 1 --months 40 >out.txt 2>err.txt
expect_code "--checkpoint X -o X" 2 $?
contains "names both" err.txt "are the same file"
grep -q '^month 1/' err.txt && fail "--checkpoint X -o X ran months before the refusal" || ok "refused before the run"
[ $(($(date +%s) - start)) -lt 5 ] && ok "refused at once" || fail "refusal took $(($(date +%s) - start)) s"
[ ! -e same_path.h5 ] && no_output "no files for --checkpoint X -o X" same_path.h5 kept
"$bin" run "$scenario" -o p.h5 --checkpoint p.h5.partial --months 3 -q >err.txt 2>&1
expect_code "--checkpoint OUTPUT.partial" 2 $?
mkdir -p sub
"$bin" run "$scenario" -o sub/../q.h5 --checkpoint ./q.h5 --months 3 -q >err.txt 2>&1
expect_code "the same file under two spellings" 2 $?

# 8. A checkpoint stores the output path absolute: resumed from another directory, the run
# is finished where it was going to be written.
mkdir -p a b
cd a || exit 1
"$bin" run "$scenario" -o out.h5 --months 60 --threads 1 2>run.err >/dev/null &
pid=$!
for _ in $(seq 1 3000); do grep -q '^month 2/' run.err 2>/dev/null && break; sleep 0.01; done
kill -TERM "$pid"
wait "$pid"
expect_code "SIGTERM in a/" 143 $?
cd .. || exit 1
[ -f a/out.h5.checkpoint ] && ok "checkpoint written in a/" || fail "no checkpoint in a/: $(ls a)"
(cd b && "$bin" run --resume --checkpoint ../a/out.h5.checkpoint -q >../err.txt 2>&1)
expect_code "resume from another directory" 0 $?
[ -f a/out.h5 ] && [ ! -e b/out.h5 ] && ok "the run file is written where the run began (a/out.h5)" ||
  fail "files after resuming from b/: a: $(ls a) b: $(ls b)"

finish
