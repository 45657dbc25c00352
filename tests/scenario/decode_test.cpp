// The strict scenario decoder (sim/scenario/decode.hpp): every error class with its
// FILE:LINE:COLUMN and message, `extends` deep-merge semantics, `--set` overrides,
// and the to_yaml round trip. The command-line side (exit code 2, no output file) is
// tests/cli/broken_scenarios.sh, which runs the files of tests/data/broken.
#include "scenario/decode.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

using namespace innochain;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const std::string kSource = INNOCHAIN_SOURCE_DIR;
const std::string kBroken = std::string(INNOCHAIN_TEST_DATA) + "/broken";
const std::string kBaseline = kSource + "/scenarios/guangdong_baseline.yaml";
const std::string kSmall = kSource + "/scenarios/guangdong_small.yaml";

/// A complete, valid scenario of two regions and two fields, independent of the shipped ones.
/// Line numbers matter to the tests below: keep it as it is.
const std::string kTiny = R"(name: tiny
description: "two regions: north # and south"
seed: 7
horizon_months: 24
world:
  scale: 0.5
  regions:
    - {name: north, institute_share: 0.6, enterprise_share: 0.5, financier_share: 0.7, talent_share: 0.4}
    - {name: south, institute_share: 0.4, enterprise_share: 0.5, financier_share: 0.3, talent_share: 0.6}
  fields:
    - {name: chips, cost_multiplier: 0.3, enterprise_share: 0.6}
    - {name: life_health, cost_multiplier: 0.1, enterprise_share: 0.4}
  friction:
    - [1.0, 0.5]
    - [0.5, 1.0]
  proximity:
    - [1.0, 0.3]
    - [0.3, 1.0]
  input_output:
    - [0.1, 0.2]
    - [0.3, 0.1]
agents:
  institutes:
    count: 40
chain:
  basic_research:
    budget_elasticity: 0.45
    researcher_elasticity: 0.55
policies: []
)";

Scenario tiny(const std::vector<std::string>& sets = {}) { return load_scenario_text(kTiny, "tiny.yaml", ".", sets); }

/// The diagnostics of a call that must throw ScenarioError.
template <class F>
std::vector<Diagnostic> diagnostics_of(F&& f) {
  try {
    f();
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  FAIL("no ScenarioError was thrown");
  return {};
}

std::vector<Diagnostic> text_errors(const std::string& text, const std::vector<std::string>& sets = {}) {
  return diagnostics_of([&] { load_scenario_text(text, "t.yaml", ".", sets); });
}

std::vector<Diagnostic> file_errors(const std::string& path, const std::vector<std::string>& sets = {}) {
  return diagnostics_of([&] { load_scenario_file(path, sets); });
}

/// Exactly one diagnostic, at FILE:LINE:COLUMN, whose message contains `fragment`.
void expect_one(const std::vector<Diagnostic>& d, const std::string& file, int line, int column,
                const std::string& fragment) {
  REQUIRE(d.size() == 1);
  INFO(d[0].str());
  CHECK(d[0].where.file == file);
  CHECK(d[0].where.line == line);
  CHECK(d[0].where.column == column);
  CHECK_THAT(d[0].message, Contains(fragment));
}

/// kTiny with lines first..last (1-based) replaced by `replacement`, to put an error at a known place.
std::string tiny_with_lines(int first, int last, const std::string& replacement) {
  std::string out;
  std::size_t start = 0;
  for (int n = 1; start < kTiny.size(); ++n) {
    const std::size_t end = kTiny.find('\n', start);
    if (n < first || n > last) out += kTiny.substr(start, end - start) + '\n';
    if (n == first) out += replacement + '\n';
    start = end + 1;
  }
  return out;
}

std::string tiny_with_line(int line, const std::string& replacement) {
  return tiny_with_lines(line, line, replacement);
}

/// A fresh directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("innochain-decode-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

std::string canonical_broken(const std::string& name) { return (fs::canonical(kBroken) / name).string(); }

}  // namespace

// ---------------------------------------------------------------- good input

TEST_CASE("a complete scenario decodes to the values written", "[decode]") {
  const Scenario s = tiny();
  CHECK(s.name == "tiny");
  CHECK(s.description == "two regions: north # and south");
  CHECK(s.seed == 7);
  CHECK(s.horizon_months == 24);
  CHECK(s.world.scale == 0.5);
  REQUIRE(s.world.regions.size() == 2);
  CHECK(s.world.regions[1].name == "south");
  CHECK(s.world.regions[1].financier_share == 0.3);
  REQUIRE(s.world.fields.size() == 2);
  CHECK(s.world.fields[1].name == "life_health");
  CHECK(s.world.fields[1].cost_multiplier == 0.1);
  CHECK(s.world.friction == Matrix{{1.0, 0.5}, {0.5, 1.0}});
  CHECK(s.world.input_output == Matrix{{0.1, 0.2}, {0.3, 0.1}});
  CHECK(s.agents.institutes.count == 40);
  CHECK(s.chain.basic_research.budget_elasticity == 0.45);
  // Keys not written keep the defaults of the Scenario struct.
  CHECK(s.agents.enterprises.count == Scenario{}.agents.enterprises.count);
  CHECK(s.chain.breakthrough.rd_staff_zeta == Scenario{}.chain.breakthrough.rd_staff_zeta);
}

TEST_CASE("the shipped scenarios decode; the built-in baseline is the file", "[decode]") {
  const Scenario baseline = load_scenario_file(kBaseline);
  const Scenario small = load_scenario_file(kSmall);
  CHECK(baseline.world.scale == 1.0);
  CHECK(small.world.scale == 0.01);
  CHECK(small.name == "guangdong_small");
  CHECK(to_yaml(load_builtin_baseline()) == to_yaml(baseline));
}

// ---------------------------------------------------------------- error classes

TEST_CASE("diagnostics print as FILE:LINE:COLUMN: error: MESSAGE and what() holds them all", "[decode][errors]") {
  Diagnostic d;
  d.where.file = "a.yaml";
  d.where.line = 3;
  d.where.column = 14;
  d.message = "something is wrong";
  CHECK(d.str() == "a.yaml:3:14: error: something is wrong");
  Diagnostic d2;
  d2.where.file = "b.yaml";
  d2.message = "and this";  // line and column default to 1
  const ScenarioError e({d, d2});
  CHECK(std::string(e.what()) == "a.yaml:3:14: error: something is wrong\nb.yaml:1:1: error: and this");
}

TEST_CASE("unknown keys are refused where they are written", "[decode][errors]") {
  SECTION("top level") {
    expect_one(text_errors(tiny_with_line(4, "flavour: spicy")), "t.yaml", 4, 1, "unknown key 'flavour'");
  }
  SECTION("nested, with its parent named") {
    expect_one(text_errors(tiny_with_line(27, "    serendipity: 0.5")), "t.yaml", 27, 5,
               "unknown key 'serendipity' in chain.basic_research");
  }
  SECTION("in a named-list entry") {
    expect_one(text_errors(tiny_with_line(11, "    - {name: chips, colour: red, enterprise_share: 0.6}")), "t.yaml", 11,
               21, "unknown key 'colour' in world.fields entry 'chips'");
  }
  SECTION("from a file") {
    expect_one(file_errors(kBroken + "/unknown_key_top_level.yaml"), kBroken + "/unknown_key_top_level.yaml", 3, 1,
               "unknown key 'flavour'");
    expect_one(file_errors(kBroken + "/unknown_key_nested.yaml"), kBroken + "/unknown_key_nested.yaml", 5, 5,
               "unknown key 'serendipity' in chain.basic_research");
  }
}

TEST_CASE("misspelt keys get a 'did you mean'", "[decode][errors]") {
  SECTION("nested") {
    expect_one(text_errors(tiny_with_line(27, "    researcher_elastcity: 0.5")), "t.yaml", 27, 5,
               "unknown key 'researcher_elastcity' in chain.basic_research (did you mean 'researcher_elasticity'?)");
  }
  SECTION("top level") {
    expect_one(text_errors(tiny_with_line(4, "horizon_month: 24")), "t.yaml", 4, 1, "(did you mean 'horizon_months'?)");
  }
  SECTION("a map on the way") {
    expect_one(text_errors(tiny_with_line(23, "  institutse:")), "t.yaml", 23, 3,
               "unknown key 'institutse' in agents (did you mean 'institutes'?)");
  }
  SECTION("in a list entry") {
    expect_one(text_errors(tiny_with_line(11, "    - {name: chips, cost_multiplir: 0.3, enterprise_share: 0.6}")),
               "t.yaml", 11, 21, "(did you mean 'cost_multiplier'?)");
  }
  SECTION("from a file") {
    expect_one(file_errors(kBroken + "/misspelt_key.yaml"), kBroken + "/misspelt_key.yaml", 5, 5,
               "did you mean 'budget_elasticity'");
  }
  SECTION("closest_match") {
    const std::vector<std::string> keys{"budget_elasticity", "researcher_elasticity", "spillover_strength"};
    CHECK(closest_match("budget_elastcity", keys) == "budget_elasticity");
    CHECK(closest_match("spilover_strength", keys) == "spillover_strength");
    CHECK(closest_match("colour", keys).empty());
  }
}

TEST_CASE("values of the wrong type are refused at the value", "[decode][errors]") {
  SECTION("a string for a number") {
    expect_one(text_errors(tiny_with_line(27, "    budget_elasticity: high")), "t.yaml", 27, 24,
               "chain.basic_research.budget_elasticity must be a number, got 'high'");
  }
  SECTION("a list for a number") {
    expect_one(text_errors(tiny_with_line(6, "  scale: [0.5]")), "t.yaml", 6, 10, "world.scale must be a number");
  }
  SECTION("a number for a map") {
    expect_one(text_errors(tiny_with_lines(26, 28, "  basic_research: 0.4")), "t.yaml", 26, 19,
               "chain.basic_research must be a map of keys, got '0.4'");
  }
  SECTION("a map for a string") {
    expect_one(text_errors(tiny_with_line(1, "name: {first: tiny}")), "t.yaml", 1, 7, "name must be text, got a map");
  }
  SECTION("a number for a matrix") {
    expect_one(text_errors(tiny_with_lines(13, 15, "  friction: 1.0")), "t.yaml", 13, 13,
               "world.friction must be a matrix written as a list of rows");
  }
  SECTION("a word in a matrix") {
    expect_one(text_errors(tiny_with_line(15, "    - [0.5, one]")), "t.yaml", 15, 13,
               "world.friction entries must be numbers, got 'one'");
  }
  SECTION("from a file") {
    expect_one(file_errors(kBroken + "/wrong_type_string_for_number.yaml"),
               kBroken + "/wrong_type_string_for_number.yaml", 5, 24, "must be a number, got 'high'");
  }
}

TEST_CASE("values out of range are refused at the value", "[decode][errors]") {
  SECTION("a probability above 1") {
    const std::string text =
        tiny_with_line(28, "    researcher_elasticity: 0.55\n  breakthrough:\n    contract_research_probability: 1.3");
    expect_one(text_errors(text), "t.yaml", 30, 36,
               "chain.breakthrough.contract_research_probability = 1.3 is out of range [0, 1] (probability)");
  }
  SECTION("a negative share in a list entry") {
    expect_one(
        text_errors(tiny_with_line(12, "    - {name: life_health, cost_multiplier: -0.1, enterprise_share: 0.4}")),
        "t.yaml", 12, 44, "world.fields.life_health.cost_multiplier = -0.1 is out of range [0.01, 100]");
  }
  SECTION("a matrix entry") {
    expect_one(text_errors(tiny_with_line(15, "    - [0.5, 1.5]")), "t.yaml", 15, 13,
               "world.friction entry = 1.5 is out of range [0, 1]");
  }
  SECTION("an integer") {
    expect_one(text_errors(tiny_with_line(4, "horizon_months: 0")), "t.yaml", 4, 17,
               "horizon_months = 0 is out of range [1, 1200] (months)");
  }
  SECTION("from a file") {
    expect_one(file_errors(kBroken + "/probability_out_of_range.yaml"), kBroken + "/probability_out_of_range.yaml", 5,
               36, "is out of range [0, 1]");
  }
}

TEST_CASE("counts must be whole numbers", "[decode][errors]") {
  expect_one(text_errors(tiny_with_line(24, "    count: 3.5")), "t.yaml", 24, 12,
             "agents.institutes.count must be a whole number, got '3.5'");
  expect_one(text_errors(tiny_with_line(3, "seed: seven")), "t.yaml", 3, 7, "seed must be a whole number, got 'seven'");
  expect_one(file_errors(kBroken + "/non_integer_count.yaml"), kBroken + "/non_integer_count.yaml", 5, 12,
             "must be a whole number, got '3.5'");
  // A whole number in exponent notation is a whole number.
  CHECK(load_scenario_text(tiny_with_line(24, "    count: 4e1"), "t.yaml", ".").agents.institutes.count == 40);
}

TEST_CASE("matrices of the wrong shape are refused", "[decode][errors]") {
  SECTION("a missing row points at the matrix") {
    expect_one(text_errors(tiny_with_line(15, "")), "t.yaml", 14, 5,
               "world.friction must be a 2x2 matrix (one row and one column per region in world.regions), got 1 rows");
  }
  SECTION("a short row points at the row") {
    expect_one(text_errors(tiny_with_line(18, "    - [0.3]")), "t.yaml", 18, 7,
               "world.proximity must be a 2x2 matrix (one row and one column per field in world.fields), but row 2 "
               "has 1 columns");
  }
  SECTION("a long row") {
    expect_one(text_errors(tiny_with_line(20, "    - [0.1, 0.2, 0.0]")), "t.yaml", 20, 7,
               "world.input_output must be a 2x2 matrix");
  }
  SECTION("files: a missing row, a short row") {
    expect_one(file_errors(kBroken + "/friction_missing_row.yaml"), kBroken + "/friction_missing_row.yaml", 5, 5,
               "must be a 7x7 matrix (one row and one column per region in world.regions), got 6 rows");
    expect_one(file_errors(kBroken + "/friction_short_row.yaml"), kBroken + "/friction_short_row.yaml", 7, 7,
               "but row 3 has 6 columns");
  }
  SECTION("the diagonal of friction is 1") {
    expect_one(text_errors(tiny_with_line(14, "    - [0.9, 0.5]")), "t.yaml", 14, 5,
               "world.friction must have 1 on the diagonal (entry [0][0] is 0.9)");
  }
}

TEST_CASE("malformed YAML is reported where the parser stops", "[decode][errors]") {
  SECTION("bad indentation") {
    expect_one(text_errors(tiny_with_line(7, "   regions:")), "t.yaml", 7, 11, "malformed YAML");
  }
  SECTION("an unclosed bracket") {
    // yaml-cpp reads on inside the flow list and stops at the first thing a flow list cannot hold:
    // here the block entry '-' of the next matrix's first row.
    expect_one(text_errors(tiny_with_line(15, "    - [0.5, 1.0")), "t.yaml", 17, 5,
               "malformed YAML: illegal block entry");
  }
  SECTION("files") {
    expect_one(file_errors(kBroken + "/malformed_indentation.yaml"), kBroken + "/malformed_indentation.yaml", 5, 12,
               "malformed YAML: illegal map value");
    expect_one(file_errors(kBroken + "/malformed_unclosed_bracket.yaml"), kBroken + "/malformed_unclosed_bracket.yaml",
               7, 5, "malformed YAML: end of sequence flow not found");
    expect_one(file_errors(kBroken + "/malformed_tab.yaml"), kBroken + "/malformed_tab.yaml", 4, 1,
               "malformed YAML: illegal tab");
  }
  SECTION("not a map") {
    expect_one(text_errors("- seed: 1\n"), "t.yaml", 1, 1, "a scenario must be a YAML map of keys");
  }
}

TEST_CASE("names and keys must be unique", "[decode][errors]") {
  SECTION("a duplicate region name") {
    expect_one(text_errors(tiny_with_line(9,
                                          "    - {name: north, institute_share: 0.4, enterprise_share: 0.5, "
                                          "financier_share: 0.3, talent_share: 0.6}")),
               "t.yaml", 9, 14, "duplicate name 'north' in world.regions");
  }
  SECTION("a duplicate field name, from a file") {
    expect_one(file_errors(kBroken + "/duplicate_field_name.yaml"), kBroken + "/duplicate_field_name.yaml", 11, 13,
               "duplicate name 'life_health' in world.fields");
    expect_one(file_errors(kBroken + "/duplicate_region_name.yaml"), kBroken + "/duplicate_region_name.yaml", 7, 14,
               "duplicate name 'shenzhen' in world.regions");
  }
  SECTION("a duplicate key in a map") {
    expect_one(text_errors(tiny_with_line(28, "    budget_elasticity: 0.5")), "t.yaml", 28, 5,
               "duplicate key 'budget_elasticity' (first given at line 27, column 5)");
  }
  SECTION("a duplicate key in a list entry") {
    expect_one(text_errors(tiny_with_line(11, "    - {name: chips, enterprise_share: 0.6, enterprise_share: 0.5}")),
               "t.yaml", 11, 44, "duplicate key 'enterprise_share'");
  }
  SECTION("a list entry without a name") {
    expect_one(text_errors(tiny_with_line(11, "    - {cost_multiplier: 0.3, enterprise_share: 0.6}")), "t.yaml", 11, 7,
               "each entry of world.fields must be a map with a 'name'");
  }
}

TEST_CASE("shares that do not sum to 1 point at the value that broke them", "[decode][errors]") {
  SECTION("kinds of institutes") {
    const std::string text = tiny_with_line(24, "    count: 40\n    share_national_lab: 0.3");
    expect_one(text_errors(text), "t.yaml", 25, 25,
               "agents.institutes.share_university + share_national_lab + share_new_rd_institute must sum to 1");
  }
  SECTION("regions point at the list") {
    expect_one(text_errors(tiny_with_line(9,
                                          "    - {name: south, institute_share: 0.5, enterprise_share: 0.5, "
                                          "financier_share: 0.3, talent_share: 0.6}")),
               "t.yaml", 8, 5, "the regions' institute_share values must sum to 1, but sum to 1.1");
  }
  SECTION("fields") {
    expect_one(
        text_errors(tiny_with_line(12, "    - {name: life_health, cost_multiplier: 0.1, enterprise_share: 0.5}")),
        "t.yaml", 11, 5, "the fields' enterprise_share values must sum to 1");
  }
  SECTION("talent roles above 1") {
    const std::string text = tiny_with_line(24, "    count: 40\n  talent:\n    share_engineer: 0.9");
    expect_one(text_errors(text), "t.yaml", 26, 21, "agents.talent role shares sum to");
  }
  SECTION("from files") {
    expect_one(file_errors(kBroken + "/shares_institutes_not_summing.yaml"),
               kBroken + "/shares_institutes_not_summing.yaml", 5, 25, "must sum to 1, but sum to 1.2");
    expect_one(file_errors(kBroken + "/shares_regions_not_summing.yaml"), kBroken + "/shares_regions_not_summing.yaml",
               5, 5, "the regions' enterprise_share values must sum to 1, but sum to 1.1");
  }
}

TEST_CASE("every error is reported in file order", "[decode][errors]") {
  std::string text = kTiny;
  text.replace(text.find("seed: 7"), 7, "seed: seven");
  text.replace(text.find("scale: 0.5"), 10, "scale: big");
  text.replace(text.find("budget_elasticity: 0.45"), 23, "budget_elastcity: 0.45");
  const auto d = text_errors(text);
  REQUIRE(d.size() == 3);
  CHECK(d[0].where.line == 3);
  CHECK_THAT(d[0].message, Contains("seed must be a whole number"));
  CHECK(d[1].where.line == 6);
  CHECK_THAT(d[1].message, Contains("world.scale must be a number"));
  CHECK(d[2].where.line == 27);
  CHECK_THAT(d[2].message, Contains("did you mean 'budget_elasticity'"));
}

TEST_CASE("an empty scenario lacks regions and fields and is reported at its start", "[decode][errors]") {
  const auto d = text_errors("name: empty\n");
  REQUIRE(d.size() == 2);
  CHECK(d[0].str() == "t.yaml:1:1: error: world.regions must list at least one region");
  CHECK(d[1].str() == "t.yaml:1:1: error: world.fields must list at least one field");
  // Without a display name, the built-in baseline is named.
  const auto b = diagnostics_of([] { load_scenario_text("seed: x\n", "", "."); });
  REQUIRE_FALSE(b.empty());
  CHECK(b[0].where.file == kBuiltinBaselineName);
}

TEST_CASE("missing files and extends targets", "[decode][errors][extends]") {
  SECTION("the scenario itself") {
    const std::string path = kBroken + "/no_such_file.yaml";
    expect_one(file_errors(path), path, 1, 1, "scenario file '" + path + "' does not exist");
  }
  SECTION("a directory is not a scenario") {
    expect_one(file_errors(kBroken), kBroken, 1, 1, "scenario file '" + kBroken + "' is a directory");
  }
  SECTION("the extends target, at the extends value") {
    expect_one(file_errors(kBroken + "/extends_missing.yaml"), kBroken + "/extends_missing.yaml", 2, 10,
               "scenario file '" + canonical_broken("no_such_scenario.yaml") + "' does not exist");
  }
  SECTION("extends must be a file name") {
    expect_one(text_errors("extends: [a, b]\n"), "t.yaml", 1, 10, "extends must be a file name");
  }
}

TEST_CASE("extends cycles are refused at the extends that closes them", "[decode][errors][extends]") {
  SECTION("a -> b -> a") {
    expect_one(file_errors(kBroken + "/extends_cycle_a.yaml"), canonical_broken("extends_cycle_b.yaml"), 2, 10,
               "extends cycle: extends_cycle_a.yaml -> extends_cycle_b.yaml -> extends_cycle_a.yaml");
  }
  SECTION("b -> a -> b") {
    expect_one(file_errors(kBroken + "/extends_cycle_b.yaml"), canonical_broken("extends_cycle_a.yaml"), 2, 10,
               "extends cycle: extends_cycle_b.yaml -> extends_cycle_a.yaml -> extends_cycle_b.yaml");
  }
  SECTION("a file extending itself") {
    expect_one(file_errors(kBroken + "/extends_self.yaml"), kBroken + "/extends_self.yaml", 2, 10,
               "extends cycle: extends_self.yaml -> extends_self.yaml");
  }
  SECTION("the same file twice, not in a cycle, is fine") {
    TempDir dir;
    dir.write("base.yaml", kTiny);
    dir.write("mid.yaml", "extends: base.yaml\nseed: 8\n");
    const std::string top = dir.write("top.yaml", "extends: mid.yaml\nseed: 9\n");
    CHECK(load_scenario_file(top).seed == 9);
  }
}

// ---------------------------------------------------------------- extends semantics

TEST_CASE("extends deep-merges maps and replaces lists", "[decode][extends]") {
  TempDir dir;
  dir.write("base.yaml", kTiny);
  SECTION("a child overrides one nested key and keeps its siblings") {
    const std::string child = dir.write("child.yaml",
                                        "extends: base.yaml\n"
                                        "name: child\n"
                                        "chain:\n"
                                        "  basic_research:\n"
                                        "    budget_elasticity: 0.3\n");
    const Scenario s = load_scenario_file(child);
    CHECK(s.name == "child");
    CHECK(s.chain.basic_research.budget_elasticity == 0.3);
    CHECK(s.chain.basic_research.researcher_elasticity == 0.55);  // sibling from base
    CHECK(s.seed == 7);                                           // top-level key from base
    CHECK(s.agents.institutes.count == 40);                       // other branch from base
    CHECK(s.world.regions.size() == 2);
    CHECK(s.world.friction == Matrix{{1.0, 0.5}, {0.5, 1.0}});
  }
  SECTION("a child's list replaces the base's list, entries and all") {
    const std::string child = dir.write("child.yaml",
                                        "extends: base.yaml\n"
                                        "world:\n"
                                        "  regions:\n"
                                        "    - {name: everywhere, institute_share: 1, enterprise_share: 1, "
                                        "financier_share: 1, talent_share: 1}\n"
                                        "  friction: [[1.0]]\n");
    const Scenario s = load_scenario_file(child);
    REQUIRE(s.world.regions.size() == 1);
    CHECK(s.world.regions[0].name == "everywhere");
    CHECK(s.world.regions[0].institute_share == 1.0);
    CHECK(s.world.friction == Matrix{{1.0}});
    CHECK(s.world.fields.size() == 2);  // the other list is untouched
    CHECK(s.world.fields[0].name == "chips");
  }
  SECTION("a replaced list does not keep the base entries' values") {
    const std::string child = dir.write("child.yaml",
                                        "extends: base.yaml\n"
                                        "world:\n"
                                        "  fields:\n"
                                        "    - {name: chips, enterprise_share: 0.6}\n"
                                        "    - {name: life_health, enterprise_share: 0.4}\n");
    const Scenario s = load_scenario_file(child);
    CHECK(s.world.fields[0].cost_multiplier == FieldSpec{}.cost_multiplier);  // not base's 0.3
  }
  SECTION("a matrix is replaced whole") {
    const std::string child = dir.write("child.yaml", "extends: base.yaml\nworld:\n  proximity: [[1, 0], [0, 1]]\n");
    CHECK(load_scenario_file(child).world.proximity == Matrix{{1.0, 0.0}, {0.0, 1.0}});
  }
  SECTION("extends is relative to the file, through several levels") {
    dir.write("sub/mid.yaml", "extends: ../base.yaml\nhorizon_months: 36\n");
    const std::string top = dir.write("sub/deeper/top.yaml", "extends: ../mid.yaml\nseed: 11\n");
    const Scenario s = load_scenario_file(top);
    CHECK(s.seed == 11);
    CHECK(s.horizon_months == 36);
    CHECK(s.name == "tiny");
  }
  SECTION("text extends relative to base_dir") {
    const Scenario s = load_scenario_text("extends: base.yaml\nseed: 12\n", "mem.yaml", dir.path.string());
    CHECK(s.seed == 12);
    CHECK(s.world.fields.size() == 2);
  }
  SECTION("errors in the extended file name that file") {
    dir.write("bad_base.yaml", tiny_with_line(3, "seed: seven"));
    const std::string child = dir.write("child.yaml", "extends: bad_base.yaml\nname: child\n");
    expect_one(file_errors(child), (dir.path / "bad_base.yaml").string(), 3, 7, "seed must be a whole number");
  }
  SECTION("the shipped small scenario keeps the baseline's lists and changes the scale") {
    const Scenario base = load_scenario_file(kBaseline);
    const Scenario small = load_scenario_file(kSmall);
    CHECK(small.world.scale == 0.01);
    REQUIRE(small.world.regions.size() == base.world.regions.size());
    for (std::size_t i = 0; i < base.world.regions.size(); ++i)
      CHECK(small.world.regions[i].name == base.world.regions[i].name);
    CHECK(small.world.friction == base.world.friction);
    CHECK(small.agents.enterprises.count == base.agents.enterprises.count);
  }
}

// ---------------------------------------------------------------- --set

TEST_CASE("overrides with --set reach plain keys and named-list entries and matrices", "[decode][set]") {
  SECTION("a real, an integer and a string") {
    const Scenario s = tiny({"chain.basic_research.budget_elasticity=0.3", "seed=42", "name=renamed"});
    CHECK(s.chain.basic_research.budget_elasticity == 0.3);
    CHECK(s.chain.basic_research.researcher_elasticity == 0.55);
    CHECK(s.seed == 42);
    CHECK(s.name == "renamed");
  }
  SECTION("a named-list entry, by name") {
    const Scenario s = tiny({"world.fields.life_health.cost_multiplier=0.3"});
    CHECK(s.world.fields[1].cost_multiplier == 0.3);
    CHECK(s.world.fields[0].cost_multiplier == 0.3);   // chips was 0.3 in the text already
    CHECK(s.world.fields[1].enterprise_share == 0.4);  // the entry's other keys are kept
    const Scenario t = tiny({"world.regions.south.talent_share=0.6"});
    CHECK(t.world.regions[1].talent_share == 0.6);
  }
  SECTION("on the shipped scenario") {
    const Scenario s = load_scenario_file(kSmall, {"world.fields.life_health.cost_multiplier=0.3"});
    bool found = false;
    for (const auto& f : s.world.fields)
      if (f.name == "life_health") {
        found = true;
        CHECK(f.cost_multiplier == 0.3);
      }
    CHECK(found);
  }
  SECTION("a matrix") {
    const Scenario s = tiny({"world.friction=[[1, 0.25], [0.75, 1]]"});
    CHECK(s.world.friction == Matrix{{1.0, 0.25}, {0.75, 1.0}});
  }
  SECTION("a whole list, with the matrices that depend on it") {
    const Scenario s =
        tiny({"world.regions=[{name: one, institute_share: 1, enterprise_share: 1, financier_share: 1, "
              "talent_share: 1}]",
              "world.friction=[[1]]"});
    REQUIRE(s.world.regions.size() == 1);
    CHECK(s.world.regions[0].name == "one");
  }
  SECTION("later overrides win, and all apply after extends") {
    TempDir dir;
    dir.write("base.yaml", kTiny);
    const std::string child = dir.write("child.yaml", "extends: base.yaml\nseed: 8\n");
    CHECK(load_scenario_file(child, {"seed=9", "seed=10"}).seed == 10);
  }
  SECTION("the built-in baseline takes overrides too") {
    CHECK(load_builtin_baseline({"horizon_months=6"}).horizon_months == 6);
  }
}

TEST_CASE("bad overrides name the --set assignment and the column", "[decode][set][errors]") {
  const auto set_file = [](const std::string& a) { return "<--set " + a + ">"; };
  SECTION("an unknown key, with a suggestion") {
    const std::string a = "chain.basic_research.budget_elastcity=0.3";
    expect_one(text_errors(kTiny, {a}), set_file(a), 1, 1,
               "unknown key 'chain.basic_research.budget_elastcity' (did you mean "
               "'chain.basic_research.budget_elasticity'?)");
  }
  SECTION("a bad value points at the value") {
    const std::string a = "chain.basic_research.budget_elasticity=high";
    expect_one(text_errors(kTiny, {a}), set_file(a), 1, 40,
               "chain.basic_research.budget_elasticity must be a number, got 'high'");
  }
  SECTION("a value out of range") {
    const std::string a = "chain.breakthrough.contract_research_probability=1.3";
    expect_one(text_errors(kTiny, {a}), set_file(a), 1, 50, "is out of range [0, 1]");
  }
  SECTION("an unknown list entry name") {
    const std::string a = "world.fields.life_healt.cost_multiplier=0.3";
    expect_one(text_errors(kTiny, {a}), set_file(a), 1, 1,
               "world.fields has no entry named 'life_healt' (did you mean 'life_health'?)");
    const std::string b = "world.regions.east.talent_share=0.3";
    expect_one(text_errors(kTiny, {b}), set_file(b), 1, 1, "world.regions has no entry named 'east'");
  }
  SECTION("an unknown key of a list entry") {
    const std::string a = "world.fields.chips.cost_multiplir=0.3";
    expect_one(text_errors(kTiny, {a}), set_file(a), 1, 1,
               "unknown key 'cost_multiplir' in world.fields entries (did you mean 'cost_multiplier'?)");
  }
  SECTION("a matrix entry out of range, at its column in KEY=VALUE") {
    const std::string a = "world.friction=[[1, 0.5], [1.5, 1]]";
    expect_one(text_errors(kTiny, {a}), set_file(a), 1, 28, "world.friction entry = 1.5 is out of range [0, 1]");
  }
  SECTION("a matrix of the wrong shape") {
    const std::string a = "world.friction=[[1]]";
    expect_one(text_errors(kTiny, {a}), set_file(a), 1, 16, "world.friction must be a 2x2 matrix");
  }
  SECTION("a short matrix row, at the row") {
    const std::string a = "world.friction=[[1, 0.5], [0.5]]";
    expect_one(text_errors(kTiny, {a}), set_file(a), 1, 27, "but row 2 has 1 columns");
  }
  SECTION("shares broken by --set point at it") {
    const std::string a = "world.regions.north.institute_share=0.7";
    expect_one(text_errors(kTiny, {a}), set_file(a), 1, 37, "the regions' institute_share values must sum to 1");
  }
  SECTION("malformed assignments") {
    expect_one(text_errors(kTiny, {"seed"}), set_file("seed"), 1, 1, "--set needs KEY=VALUE");
    expect_one(text_errors(kTiny, {"=3"}), set_file("=3"), 1, 1, "--set needs KEY=VALUE");
    expect_one(text_errors(kTiny, {"seed="}), set_file("seed="), 1, 6, "--set seed has no value");
    expect_one(text_errors(kTiny, {"seed=[1"}), set_file("seed=[1"), 1, 6, "malformed value '[1'");
    expect_one(text_errors(kTiny, {"seed=1.5"}), set_file("seed=1.5"), 1, 6, "seed must be a whole number");
  }
  SECTION("an unknown policy") {
    expect_one(text_errors(kTiny, {"policies.vouchers.coverage=0.8"}), set_file("policies.vouchers.coverage=0.8"), 1, 1,
               "no policy named 'vouchers'");
  }
  SECTION("every bad --set is reported") {
    const auto d = text_errors(kTiny, {"seed=x", "horizon_months=0"});
    REQUIRE(d.size() == 2);
    CHECK(d[0].where.file == set_file("seed=x"));
    CHECK(d[1].where.file == set_file("horizon_months=0"));
  }
}

// ---------------------------------------------------------------- round trip

TEST_CASE("to_yaml round-trips: decoding it gives the same text", "[decode][yaml]") {
  const auto round_trip = [](const Scenario& s) {
    const std::string once = to_yaml(s);
    const Scenario again = load_scenario_text(once, "resolved.yaml", ".");
    const std::string twice = to_yaml(again);
    CHECK(once == twice);
    return again;
  };
  SECTION("the tiny scenario, with awkward text") {
    const Scenario s = tiny();
    const Scenario again = round_trip(s);
    CHECK(again.description == "two regions: north # and south");
    CHECK(again.world.friction == s.world.friction);
    CHECK(again.chain.basic_research.budget_elasticity == s.chain.basic_research.budget_elasticity);
  }
  SECTION("after --set, with values that need every digit") {
    const Scenario s = tiny({"chain.basic_research.budget_elasticity=0.1234567890123456",
                             "world.fields.life_health.cost_multiplier=0.3333333333333333", "seed=9000000000000000",
                             "name='a name: with a colon'"});
    const Scenario again = round_trip(s);
    CHECK(again.chain.basic_research.budget_elasticity == s.chain.basic_research.budget_elasticity);
    CHECK(again.world.fields[1].cost_multiplier == s.world.fields[1].cost_multiplier);
    CHECK(again.seed == 9000000000000000);
  }
  SECTION("the shipped scenarios") {
    round_trip(load_scenario_file(kBaseline));
    round_trip(load_scenario_file(kSmall));
    round_trip(load_builtin_baseline());
  }
}
