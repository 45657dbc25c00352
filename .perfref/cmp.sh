#!/bin/bash
# usage: cmp.sh ref.h5 new.h5 ; compares data groups bit-for-bit
ok=0
for g in /series /summary /events /snapshots /month; do
  out=$(h5diff -r "$1" "$2" $g $g 2>&1); rc=$?
  if [ $rc -ne 0 ]; then echo "DIFF in $g ($1 vs $2):"; echo "$out" | head -20; ok=1; fi
done
[ $ok = 0 ] && echo "IDENTICAL $2"
exit $ok
