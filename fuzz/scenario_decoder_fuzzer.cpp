// libFuzzer harness for the scenario decoder (docs/reliability.md): any byte string is
// decoded as a scenario file; the decoder must either return a Scenario or throw
// ScenarioError (exit code 2 in the CLI), never crash, hang or throw anything else.
// Input after a line "#--set" is read as one `--set KEY=VALUE` override per line.
// A decoded scenario must survive the round trip through to_yaml unchanged.
#include "scenario/decode.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifndef INNOCHAIN_FUZZ_BASE_DIR
#define INNOCHAIN_FUZZ_BASE_DIR "."
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets;
  if (const auto cut = text.find("\n#--set\n"); cut != std::string::npos) {
    std::string rest = text.substr(cut + 8);
    text.resize(cut + 1);
    std::size_t start = 0;
    while (start <= rest.size()) {
      const auto nl = rest.find('\n', start);
      const std::string line = rest.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      if (!line.empty()) sets.push_back(line);
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  try {
    const innochain::Scenario s = innochain::load_scenario_text(text, "fuzz.yaml", INNOCHAIN_FUZZ_BASE_DIR, sets);
    const std::string yaml = innochain::to_yaml(s);
    const innochain::Scenario again = innochain::load_scenario_text(yaml, "roundtrip.yaml", INNOCHAIN_FUZZ_BASE_DIR);
    if (innochain::to_yaml(again) != yaml) {
      std::fprintf(stderr, "round trip through to_yaml changed the scenario\n");
      std::abort();
    }
  } catch (const innochain::ScenarioError&) {
    // Bad input, reported with FILE:LINE:COLUMN: the expected outcome for most inputs.
  }
  return 0;
}
