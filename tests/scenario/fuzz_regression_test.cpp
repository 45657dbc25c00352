// Inputs found by the scenario-decoder fuzzer (fuzz/, docs/reliability.md) that once
// crashed it: each must now decode to a scenario or to ScenarioError, nothing else.
#include "scenario/decode.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace innochain;
namespace fs = std::filesystem;

TEST_CASE("every input in tests/data/fuzz decodes to a scenario or a ScenarioError", "[decode][fuzz]") {
  const fs::path dir = fs::path(INNOCHAIN_TEST_DATA) / "fuzz";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    INFO(entry.path().filename().string());
    // As the fuzzer does: relative extends resolve against scenarios/.
    try {
      load_scenario_text(text.str(), entry.path().filename().string(),
                         std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios");
      SUCCEED("decoded");
    } catch (const ScenarioError& e) {
      CHECK_FALSE(e.diagnostics().empty());
    }
  }
  CHECK(files >= 1);
}

TEST_CASE("an extends name the file system refuses is a scenario error, not a crash", "[decode][fuzz]") {
  const std::string text = "extends: " + std::string(5000, 'x') + ".yaml\n";
  try {
    load_scenario_text(text, "long.yaml", ".");
    FAIL("decoded");
  } catch (const ScenarioError& e) {
    REQUIRE_FALSE(e.diagnostics().empty());
    CHECK_THAT(e.diagnostics().front().str(), Catch::Contains("long.yaml:1:") && Catch::Contains("cannot access"));
  }
}
