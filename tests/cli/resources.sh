#!/usr/bin/env bash
# Resources up front (issue 15, defect 6, docs/reliability.md): a run whose memory estimate
# exceeds the memory available (or --max-memory) is refused at once with the estimate (exit
# 2); an allocation failure while running ends with exit 4 and no output; a sweep design
# above 1 000 000 runs is refused before any point is generated, and --dry-run checks a
# design in memory that does not grow with it. Every command runs under an address-space
# limit, so the code before this change fails these checks instead of taking the machine.
# Usage: resources.sh PATH_TO_innochain PATH_TO_scenarios
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scenarios=$2
small=$scenarios/guangdong_small.yaml
enter_workdir
limited() {  # KIB COMMAND...: innochain with KIB of address space and 60 s at most
  local kib=$1
  shift
  (ulimit -v "$kib" && timeout 60 "$bin" "$@")
}

# The estimate is printed by show --estimate.
"$bin" show --estimate "$small" >out.txt 2>err.txt
expect_code "show --estimate" 0 $?
contains "estimate total" out.txt "memory estimate for 'guangdong_small' (120 months, world.scale 0.01): about"
contains "talent table row" out.txt "talent table"
contains "memory available" out.txt "memory available:"

# 10^10 agents: refused at once, with the estimate, before anything is allocated or written.
start=$SECONDS
limited 4194304 run --set agents.talent.count=1000000000 --set world.scale=10 -o huge.h5 >out.txt 2>err.txt
expect_code "talent.count=1e9 x world.scale=10 refused" 2 $?
contains "says how much it needs" err.txt "the run needs about"
contains "quotes the estimate" err.txt "talent table"
[ $((SECONDS - start)) -le 5 ] && ok "refused at once" || fail "refusal took $((SECONDS - start)) s"
no_output "no output for a run that does not fit" huge.h5

# --max-memory lowers the limit; --no-memory-check skips the check.
"$bin" run "$small" --months 3 --max-memory 10M -o capped.h5 -q >out.txt 2>err.txt
expect_code "--max-memory below the estimate" 2 $?
contains "names --max-memory" err.txt "(--max-memory)"
no_output "no output above --max-memory" capped.h5
"$bin" run "$small" --months 3 --max-memory 10M --no-memory-check -o unchecked.h5 -q >out.txt 2>err.txt
expect_code "--no-memory-check runs anyway" 0 $?
"$bin" run "$small" --months 3 --max-memory lots -o bad.h5 -q >out.txt 2>err.txt
expect_code "--max-memory needs a size" 2 $?

# The address-space limit (ulimit -v) counts as memory available.
limited 1500000 run "$small" --set agents.talent.count=100000000 --set world.scale=1 --months 2 -o as.h5 -q \
  >out.txt 2>err.txt
expect_code "estimate above ulimit -v refused" 2 $?
contains "names the limit" err.txt "address-space limit (ulimit -v)"
# An allocation that fails while running (the check skipped): exit 4, a clear message, no files.
limited 1500000 run "$small" --set agents.talent.count=100000000 --set world.scale=1 --months 2 -o oom.h5 -q \
  --no-memory-check >out.txt 2>err.txt
expect_code "std::bad_alloc while running" 4 $?
contains "says it ran out of memory" err.txt "out of memory (std::bad_alloc)"
no_output "no output after running out of memory" oom.h5

# Sweeps: a design of 10^12 runs is refused at once, also under --dry-run, in bounded memory.
cat >huge_lhs.yaml <<EOF
base: $small
replications: 100000
design:
  kind: lhs
  samples: 10000000
  keys:
    chain.basic_research.budget_elasticity: [0.2, 0.6]
EOF
start=$SECONDS
limited 1048576 sweep huge_lhs.yaml --dry-run >out.txt 2>err.txt
expect_code "10^12 runs refused under --dry-run" 2 $?
contains "gives the count and the limit" err.txt "= 1e+12 runs, more than the limit of 1000000 runs per sweep"
grep -qE '^huge_lhs.yaml:[0-9]+:[0-9]+: error: ' err.txt && ok "at its place in the sweep file" || fail "no FILE:LINE:COL"
limited 1048576 sweep huge_lhs.yaml -o huge_sweep >out.txt 2>err.txt
expect_code "10^12 runs refused" 2 $?
[ $((SECONDS - start)) -le 10 ] && ok "both refused at once" || fail "took $((SECONDS - start)) s"
[ ! -e huge_sweep ] && ok "no sweep directory" || fail "sweep directory created"
{
  echo "base: $small"
  echo "design:"
  echo "  kind: grid"
  echo "  keys:"
  for key in budget_elasticity researcher_elasticity spillover_strength quality_log_sd; do
    echo "    chain.basic_research.$key: [$(seq -s, 0.1 0.001 0.299)]"
  done
} >huge_grid.yaml
limited 1048576 sweep huge_grid.yaml --dry-run >out.txt 2>err.txt
expect_code "a grid of 200^4 points refused" 2 $?
contains "grid count" err.txt "1.6e+09 points x 1 replications"

# --dry-run keeps nothing per point or run: its peak memory is the same for 50 and 1000 points.
rss() {  # SAMPLES: peak resident KiB of a dry run of an LHS design of SAMPLES points
  cat >lhs_$1.yaml <<EOF
base: $small
design:
  kind: lhs
  samples: $1
  keys:
    chain.basic_research.budget_elasticity: [0.2, 0.6]
EOF
  /usr/bin/time -f %M -o rss_$1.txt "$bin" sweep lhs_$1.yaml --dry-run >/dev/null 2>&1
  tail -1 rss_$1.txt
}
small_rss=$(rss 50)
large_rss=$(rss 1000)
echo "dry-run peak RSS: 50 points $small_rss KiB, 1000 points $large_rss KiB"
[ $((large_rss - small_rss)) -lt 2048 ] && ok "dry-run memory independent of the design size" ||
  fail "dry-run memory grows with the design: $small_rss KiB -> $large_rss KiB"

finish
