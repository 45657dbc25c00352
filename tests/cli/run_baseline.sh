#!/usr/bin/env bash
# The README's first command, `bash scripts/run-baseline.sh`, exits 0 every time it
# succeeds (issue 15, point 8: `inspect | head -20` under pipefail made it exit 141,
# SIGPIPE, in most tries). The real script runs RUNS times in a scratch tree where
# install-deps.sh and build.sh are stubs and build/innochain is the real binary, whose
# runs are cut to 1/100 scale and 12 months; every try must exit 0.
# Usage: run_baseline.sh PATH_TO_innochain PATH_TO_scripts [RUNS]
set -u
source "$(dirname "$0")/lib.sh"
bin=$1
scripts=$2
runs=${3:-20}
enter_workdir
mkdir -p tree/scripts tree/build
cp "$scripts/run-baseline.sh" tree/scripts/
printf '#!/usr/bin/env bash\necho "install-deps: stub"\n' >tree/scripts/install-deps.sh
printf '#!/usr/bin/env bash\necho "build: stub"\n' >tree/scripts/build.sh
cat >tree/build/innochain <<STUB
#!/usr/bin/env bash
if [ "\$1" = run ]; then exec "$bin" "\$@" --set world.scale=0.01 --months 12 -q; fi
exec "$bin" "\$@"
STUB
chmod +x tree/build/innochain

zero=0
codes=""
for _ in $(seq 1 "$runs"); do
  bash tree/scripts/run-baseline.sh >out.txt 2>err.txt
  code=$?
  codes="$codes $code"
  [ "$code" -eq 0 ] && zero=$((zero + 1))
done
echo "exit codes of $runs runs:$codes"
[ "$zero" -eq "$runs" ] && ok "run-baseline.sh exits 0 in $runs of $runs runs" ||
  fail "run-baseline.sh exited 0 in only $zero of $runs runs"
[ -f tree/guangdong_baseline.h5 ] && ok "it wrote guangdong_baseline.h5" || fail "no guangdong_baseline.h5"
[ "$(grep -c '' out.txt)" -ge 20 ] && contains "it printed the description" out.txt "format               innochain-run" ||
  fail "fewer than 20 lines printed: $(cat out.txt)"
finish
