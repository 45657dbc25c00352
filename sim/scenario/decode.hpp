// Strict scenario decoding: YAML files with `extends`, `--set` overrides,
// typed values with ranges, and errors as FILE:LINE:COLUMN: error: MESSAGE.
#pragma once

#include "scenario/scenario.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace innochain {

/// Where a value came from. line/column are 1-based.
struct Location {
  std::string file;
  int line = 1;
  int column = 1;
};

struct Diagnostic {
  Location where;
  std::string message;
  /// "FILE:LINE:COLUMN: error: MESSAGE"
  std::string str() const;
};

/// Bad scenario input: every problem found, in file order. Exit code 2.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// Name under which the built-in baseline is reported in messages.
inline constexpr const char* kBuiltinBaselineName = "<built-in>/guangdong_baseline.yaml";

/// Text of scenarios/guangdong_baseline.yaml, compiled into the binary.
const std::string& builtin_baseline_yaml();

/// Decodes a scenario file, its `extends` chain and the `--set KEY=VALUE` overrides,
/// then checks cross-key constraints. Throws ScenarioError.
Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets = {});

/// The same for YAML text; `display_name` is used in messages and `base_dir`
/// resolves `extends`. An empty display_name means the built-in baseline.
Scenario load_scenario_text(const std::string& text, const std::string& display_name, const std::string& base_dir,
                            const std::vector<std::string>& sets = {});

/// The built-in Guangdong baseline with overrides.
Scenario load_builtin_baseline(const std::vector<std::string>& sets = {});

/// The resolved scenario as YAML (every key, in schema order). Decoding this text
/// gives back the same scenario.
std::string to_yaml(const Scenario& scenario);

/// Warnings about a valid scenario that may not do what its author expects, one message each:
/// a programme whose budget at world.scale is below one firm's per-firm cap (the budget is paid
/// as bills arrive, so several firms can still be served, but none can reach its cap).
std::vector<std::string> scenario_warnings(const Scenario& scenario);

/// Closest candidate within a small edit distance, or "" (for "did you mean").
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace innochain
