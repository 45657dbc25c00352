# Shared by the command-line test scripts: counters and checks that print one
# "ok NAME" or "FAIL NAME" line each; a script ends with `finish`.
# Source it before the script changes directory:
#   source "$(dirname "$0")/lib.sh"
passed=0
failed=0
# A fresh scratch directory ($work), removed when the script exits; the script continues in it.
enter_workdir() { work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; cd "$work" || exit 1; }
ok() { echo "ok $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
expect_code() {  # NAME EXPECTED ACTUAL (on failure shows ./err.txt when there is one)
  if [ "$3" -eq "$2" ]; then ok "$1"; else
    fail "$1: exit code $3, expected $2"
    if [ -s err.txt ]; then sed 's/^/    /' err.txt; fi
  fi
}
contains() {  # NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then ok "$1"; else fail "$1: '$3' not in output:"; sed 's/^/    /' "$2"; fi
}
lacks() {  # NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then fail "$1: '$3' in output:"; sed 's/^/    /' "$2"; else ok "$1"; fi
}
# A refused or failed run leaves nothing: no PATH.partial, PATH.checkpoint or
# PATH.checkpoint.partial, and no PATH unless the third argument is "kept" (a node innochain
# refused to replace stays where it was).
no_output() {  # NAME PATH [kept]
  local paths=("$2.partial" "$2.checkpoint" "$2.checkpoint.partial") left
  [ "${3:-}" = kept ] || paths+=("$2")
  left=$(ls -d "${paths[@]}" 2>/dev/null)
  if [ -z "$left" ]; then ok "$1"; else fail "$1: left $left"; fi
}
# A sweep's index without its wall_seconds column (the 6th; no field before it is quoted).
index_but_wall() { [ -s "$1/index.csv" ] && cut -d, -f6 --complement "$1/index.csv" || echo "no index in $1"; }
finish() {  # the summary line; the exit status tells ctest
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
