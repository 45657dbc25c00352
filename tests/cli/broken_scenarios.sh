#!/usr/bin/env bash
# Bad scenarios are refused cleanly (docs/scenarios.md, exit codes in README.md).
#
#   broken_scenarios.sh PATH_TO_innochain PATH_TO_tests/data/broken
#
# For every case below, both `innochain validate FILE` and `innochain run FILE -o OUT.h5`
# are run in a fresh, empty temporary directory, and each must:
#   - exit with code 2 exactly;
#   - print exactly one line on standard error, of the form
#     `FILE:LINE:COLUMN: error: MESSAGE`, with the LINE and COLUMN of the case and a
#     MESSAGE containing the case's fragment;
#   - leave the temporary directory empty (no OUT.h5, no OUT.h5.partial, nothing else).
# A good scenario must validate with exit code 0. Every *.yaml in the broken directory
# must be used by some case, so a new file cannot be forgotten.
# Prints `ok CASE` or `FAIL CASE: why` per case and ends with `N passed, M failed`.
set -u

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PATH_TO_innochain PATH_TO_tests/data/broken" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
# Physical path: the decoder names extended files by their canonical directory.
BROKEN=$(cd "$2" && pwd -P) || { echo "no directory $2" >&2; exit 2; }
GOOD=$(cd "$BROKEN/../../../scenarios" && pwd -P)/guangdong_small.yaml
if [[ ! -x $BIN ]]; then echo "not an executable: $BIN" >&2; exit 2; fi
if [[ ! -f $GOOD ]]; then echo "missing good scenario: $GOOD" >&2; exit 2; fi

# One case per line, fields separated by '|':
#   CASE | SCENARIO | SET | WHERE | LINE | COLUMN | MESSAGE FRAGMENT
# SCENARIO: a file in the broken directory, or GOOD for scenarios/guangdong_small.yaml.
# SET: the argument of one `--set`, or - for none.
# WHERE: the file the error must name: = for SCENARIO itself, SET for `<--set ARGUMENT>`,
#        else a file in the broken directory (errors found inside an extended file).
CASES=$(cat <<'END_OF_CASES'
unknown_key_top_level         | unknown_key_top_level.yaml         | - | =   | 3  | 1  | unknown key 'flavour'
unknown_key_nested            | unknown_key_nested.yaml            | - | =   | 5  | 5  | unknown key 'serendipity' in chain.basic_research
misspelt_key                  | misspelt_key.yaml                  | - | =   | 5  | 5  | unknown key 'budget_elastcity' in chain.basic_research (did you mean 'budget_elasticity'?)
misspelt_key_top_level        | misspelt_key_top_level.yaml        | - | =   | 3  | 1  | unknown key 'horizon_month' (did you mean 'horizon_months'?)
misspelt_key_in_list_entry    | misspelt_key_in_list_entry.yaml    | - | =   | 6  | 38 | unknown key 'compute_intensty' in world.fields entry 'intelligent_equipment' (did you mean 'compute_intensity'?)
wrong_type_string_for_number  | wrong_type_string_for_number.yaml  | - | =   | 5  | 24 | chain.basic_research.budget_elasticity must be a number, got 'high'
wrong_type_scalar_for_map     | wrong_type_scalar_for_map.yaml     | - | =   | 4  | 19 | chain.basic_research must be a map of keys, got '0.4'
probability_out_of_range      | probability_out_of_range.yaml      | - | =   | 5  | 36 | chain.breakthrough.contract_research_probability = 1.3 is out of range [0, 1]
non_integer_count             | non_integer_count.yaml             | - | =   | 5  | 12 | agents.institutes.count must be a whole number, got '3.5'
friction_missing_row          | friction_missing_row.yaml          | - | =   | 5  | 5  | world.friction must be a 7x7 matrix (one row and one column per region in world.regions), got 6 rows
friction_short_row            | friction_short_row.yaml            | - | =   | 7  | 7  | world.friction must be a 7x7 matrix (one row and one column per region in world.regions), but row 3 has 6 columns
extends_missing               | extends_missing.yaml               | - | =   | 2  | 10 | no_such_scenario.yaml' does not exist
extends_cycle_a               | extends_cycle_a.yaml               | - | extends_cycle_b.yaml | 2 | 10 | extends cycle: extends_cycle_a.yaml -> extends_cycle_b.yaml -> extends_cycle_a.yaml
extends_cycle_b               | extends_cycle_b.yaml               | - | extends_cycle_a.yaml | 2 | 10 | extends cycle: extends_cycle_b.yaml -> extends_cycle_a.yaml -> extends_cycle_b.yaml
extends_self                  | extends_self.yaml                  | - | =   | 2  | 10 | extends cycle: extends_self.yaml -> extends_self.yaml
malformed_indentation         | malformed_indentation.yaml         | - | =   | 5  | 12 | malformed YAML: illegal map value
malformed_unclosed_bracket    | malformed_unclosed_bracket.yaml    | - | =   | 7  | 5  | malformed YAML: end of sequence flow not found
malformed_tab                 | malformed_tab.yaml                 | - | =   | 4  | 1  | malformed YAML: illegal tab
not_a_map                     | not_a_map.yaml                     | - | =   | 2  | 1  | a scenario must be a YAML map of keys
duplicate_region_name         | duplicate_region_name.yaml         | - | =   | 7  | 14 | duplicate name 'shenzhen' in world.regions
duplicate_field_name          | duplicate_field_name.yaml          | - | =   | 11 | 13 | duplicate name 'life_health' in world.fields
duplicate_key                 | duplicate_key.yaml                 | - | =   | 4  | 1  | duplicate key 'seed' (first given at line 3, column 1)
shares_institutes_not_summing | shares_institutes_not_summing.yaml | - | =   | 5  | 25 | agents.institutes.share_university + share_national_lab + share_new_rd_institute must sum to 1, but sum to 1.2
shares_regions_not_summing    | shares_regions_not_summing.yaml    | - | =   | 5  | 5  | the regions' enterprise_share values must sum to 1, but sum to 1.1
nul_in_string                 | nul_in_string.yaml                 | - | =   | 3  | 10 | NUL byte
invalid_utf8_in_string        | invalid_utf8_in_string.yaml        | - | =   | 3  | 17 | invalid UTF-8 (byte 0xE9)
set_unknown_key               | GOOD | chain.basic_research.budget_elastcity=0.3              | SET | 1 | 1  | unknown key 'chain.basic_research.budget_elastcity' (did you mean 'chain.basic_research.budget_elasticity'?)
set_bad_value                 | GOOD | chain.basic_research.budget_elasticity=high            | SET | 1 | 40 | chain.basic_research.budget_elasticity must be a number, got 'high'
set_out_of_range              | GOOD | chain.breakthrough.contract_research_probability=1.3   | SET | 1 | 50 | chain.breakthrough.contract_research_probability = 1.3 is out of range [0, 1]
set_non_integer               | GOOD | agents.institutes.count=3.5                            | SET | 1 | 25 | agents.institutes.count must be a whole number, got '3.5'
set_no_value                  | GOOD | seed=                                                  | SET | 1 | 6  | --set seed has no value
set_not_an_assignment         | GOOD | seed                                                   | SET | 1 | 1  | --set needs KEY=VALUE
set_malformed_value           | GOOD | seed=[1                                                | SET | 1 | 6  | malformed value '[1'
set_unknown_entry             | GOOD | world.fields.life_healt.compute_intensity=0.3          | SET | 1 | 1  | world.fields has no entry named 'life_healt' (did you mean 'life_health'?)
set_unknown_entry_key         | GOOD | world.fields.life_health.compute_intensty=0.3          | SET | 1 | 1  | unknown key 'compute_intensty' in world.fields entries (did you mean 'compute_intensity'?)
set_entry_out_of_range        | GOOD | world.regions.shenzhen.talent_share=-0.1               | SET | 1 | 37 | world.regions.shenzhen.talent_share = -0.1 is out of range [0, 1]
set_matrix_shape              | GOOD | world.friction=[[1,0.5],[0.5,1]]                       | SET | 1 | 16 | world.friction must be a 7x7 matrix (one row and one column per region in world.regions), got 2 rows
set_matrix_cell_out_of_range  | GOOD | world.friction=[[1,0.5],[0.5,1.5]]                     | SET | 1 | 30 | world.friction entry = 1.5 is out of range [0, 1]
set_shares_not_summing        | GOOD | agents.institutes.share_national_lab=0.3               | SET | 1 | 38 | must sum to 1, but sum to 1.2
set_region_shares_not_summing | GOOD | world.regions.shenzhen.institute_share=0.5             | SET | 1 | 40 | the regions' institute_share values must sum to 1
END_OF_CASES
)

trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  s=${s%"${s##*[![:space:]]}"}
  printf '%s' "$s"
}

passed=0
failed=0
declare -A used_files=()
WORK=$(mktemp -d "${TMPDIR:-/tmp}/innochain-broken.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

# Runs one command in a fresh empty directory; sets why="" on success or the reason.
check_command() {
  local label=$1 where=$2 line=$3 col=$4 fragment=$5
  shift 5
  local dir="$WORK/$label"
  rm -rf "$dir"
  mkdir -p "$dir"
  local code
  (cd "$dir" && exec timeout 300 "$@" >"$WORK/$label.out" 2>"$WORK/$label.err")
  code=$?
  if [[ $code -ne 2 ]]; then
    why="$label: exit code $code, expected 2 (stderr: $(head -c 300 "$WORK/$label.err"))"
    return
  fi
  local leftovers
  leftovers=$(cd "$dir" && ls -A)
  if [[ -n $leftovers ]]; then
    why="$label: files left in the working directory: ${leftovers//$'\n'/ }"
    return
  fi
  local lines
  lines=$(wc -l <"$WORK/$label.err")
  if [[ $lines -ne 1 ]]; then
    why="$label: expected exactly one line on stderr, got $lines: $(head -c 500 "$WORK/$label.err")"
    return
  fi
  local prefix="$where:$line:$col: error: " got
  got=$(cat "$WORK/$label.err")
  if [[ $got != "$prefix"* ]]; then
    why="$label: stderr does not start with '$prefix': $got"
    return
  fi
  if [[ ${got#"$prefix"} != *"$fragment"* ]]; then
    why="$label: message lacks '$fragment': $got"
    return
  fi
  why=""
}

while IFS='|' read -r name scenario set where line col fragment; do
  name=$(trim "$name")
  [[ -z $name ]] && continue
  scenario=$(trim "$scenario")
  set=$(trim "$set")
  where=$(trim "$where")
  line=$(trim "$line")
  col=$(trim "$col")
  fragment=$(trim "$fragment")

  if [[ $scenario == GOOD ]]; then
    file=$GOOD
  else
    file=$BROKEN/$scenario
    used_files[$scenario]=1
  fi
  case $where in
    =) where=$file ;;
    SET) where="<--set $set>" ;;
    *) where=$BROKEN/$where ;;
  esac
  set_args=()
  [[ $set != - ]] && set_args=(--set "$set")

  if [[ ! -f $file ]]; then
    echo "FAIL $name: missing scenario file $file"
    failed=$((failed + 1))
    continue
  fi
  why=""
  check_command validate "$where" "$line" "$col" "$fragment" "$BIN" validate "$file" "${set_args[@]}"
  if [[ -z $why ]]; then
    check_command run "$where" "$line" "$col" "$fragment" "$BIN" run "$file" -o OUT.h5 "${set_args[@]}"
  fi
  if [[ -z $why ]]; then
    echo "ok $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: $why"
    failed=$((failed + 1))
  fi
done <<<"$CASES"

# Every broken file is exercised by some case.
for f in "$BROKEN"/*.yaml; do
  base=$(basename "$f")
  if [[ -z ${used_files[$base]+x} ]]; then
    echo "FAIL unused_file_$base: $base has no case in $0"
    failed=$((failed + 1))
  fi
done

# The good scenario (alone and with good overrides) validates, without writing anything.
good_check() {
  local name=$1
  shift
  local dir="$WORK/good"
  rm -rf "$dir"
  mkdir -p "$dir"
  local code
  (cd "$dir" && exec timeout 300 "$BIN" validate "$GOOD" "$@" >"$WORK/good.out" 2>"$WORK/good.err")
  code=$?
  if [[ $code -ne 0 ]]; then
    echo "FAIL $name: exit code $code, expected 0 (stderr: $(head -c 300 "$WORK/good.err"))"
    failed=$((failed + 1))
  elif [[ -s $WORK/good.err ]]; then
    echo "FAIL $name: unexpected stderr: $(head -c 300 "$WORK/good.err")"
    failed=$((failed + 1))
  elif [[ -n $(cd "$dir" && ls -A) ]]; then
    echo "FAIL $name: validate wrote files"
    failed=$((failed + 1))
  else
    echo "ok $name"
    passed=$((passed + 1))
  fi
}
good_check good_scenario_validates
good_check good_scenario_with_sets_validates \
  --set chain.basic_research.budget_elasticity=0.3 \
  --set world.fields.life_health.compute_intensity=0.3 \
  --set "world.friction=[[1,0.8,0.75,0.9,0.75,0.5,0.7],[0.8,1,0.9,0.75,0.75,0.6,0.65],[0.75,0.9,1,0.75,0.7,0.5,0.65],[0.9,0.75,0.75,1,0.7,0.45,0.7],[0.75,0.75,0.7,0.7,1,0.55,0.65],[0.5,0.6,0.5,0.45,0.55,1,0.4],[0.7,0.65,0.65,0.7,0.65,0.4,1]]"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
