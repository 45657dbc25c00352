#!/bin/bash
cd /work/wt-perf; B=build/innochain; EV="--set output.events_transfers=true --set output.events_deals=true --set output.snapshot_interval_months=12"
rc=0
for t in 1 2; do
 $B run scenarios/guangdong_small.yaml -q --force --threads $t $EV -o /tmp/perfchk_small_t$t.h5
 $B run scenarios/guangdong_baseline.yaml -q --force --threads $t $EV --set world.scale=0.05 --months 60 -o /tmp/perfchk_s05_t$t.h5
 .perfref/cmp.sh .perfref/small_t1.h5 /tmp/perfchk_small_t$t.h5 || rc=1
 .perfref/cmp.sh .perfref/s05_t1.h5 /tmp/perfchk_s05_t$t.h5 || rc=1
done
exit $rc
