// The sweep file (docs/sweeps.md): a base scenario, replications, fixed
// overrides and a design over `--set`-style keys. Decoding is strict like the
// scenario decoder: every problem is a FILE:LINE:COLUMN diagnostic (exit 2).
#pragma once

#include "scenario/decode.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace innochain::sweep {

/// Most runs (points x replications) one sweep may have: a design above it is refused
/// while the sweep file is decoded, before any point is generated (docs/sweeps.md). A
/// million runs are a week of a 1000-core cluster at full scale; split larger studies.
inline constexpr std::int64_t kMaxSweepRuns = 1000000;

/// The design kinds, by their name in the sweep file.
inline const std::vector<std::string> kDesignKinds = {"grid",     "lhs",  "sobol", "morris",
                                                      "saltelli", "list", "csv",   "oat"};

/// A value as given to `--set KEY=VALUE`, with where it came from in the sweep
/// file (or the CSV design matrix) for diagnostics.
struct SetValue {
  std::string text;
  Location where;
  Location key_where = {"", 1, 1};  ///< where the key was named (file empty: same as `where`)
};

/// How a design key's values are meant (docs/sweeps.md, "Ranges relative to the base
/// scenario"): as the values themselves, or as factors of the base scenario's value; a
/// composite axis is a factor that moves several scenario keys together.
struct KeyMeaning {
  bool relative = false;               ///< values are factors of the base value (`factor:`)
  bool integer = false;                ///< the key's values are rounded to whole numbers
  std::vector<std::string> composite;  ///< a composite axis: the scenario keys it moves (else empty)
  Location where;                      ///< the key's range or values in the sweep file
};

/// One design point: per key (SweepSpec::keys order) its value, if the point sets it.
struct DesignPoint {
  std::vector<std::optional<SetValue>> values;
  /// Per composite axis set by the point: the `--set` assignments of its member keys (filled by
  /// resolve_relative_values).
  std::vector<std::pair<std::string, SetValue>> composite_sets;
  std::string scenario_file;  ///< list of scenario files: this point's scenario (resolved path)
  Location scenario_at;
};

/// A decoded sweep file with its points generated.
struct SweepSpec {
  std::string path;  ///< the sweep file as given
  std::string text;  ///< its bytes (copied verbatim to DIR/sweep.yaml)
  std::string name;
  std::string base_scenario;  ///< resolved path; empty for a list of scenario files
  std::string base_as_written;
  Location base_at;
  std::int64_t replications = 1;
  std::vector<std::pair<std::string, SetValue>> fixed;  ///< `set:` overrides for every run
  std::string kind;
  std::uint64_t design_seed = 1;
  std::int64_t saltelli_skip = -1;   ///< saltelli: Sobol rows left out (-1: SALib's default)
  std::vector<std::string> keys;     ///< the design's keys (for a list of scenario files: "scenario")
  std::vector<KeyMeaning> meanings;  ///< per key (grid, sampled and oat designs; empty otherwise)
  std::vector<DesignPoint> points;
};

/// Reads and decodes a sweep file and generates its design points. Throws
/// ScenarioError (every problem) or IoError (unreadable file).
SweepSpec load_sweep_file(const std::string& path);

/// Formats a design number for `--set`: shortest text that reads back as the same double.
std::string format_number(double value);

/// Turns factors into values once the base scenario is known (called by make_plan): a relative
/// key's value becomes factor x its value in the base scenario (with the sweep's `set` and
/// `extra_sets` applied); a composite axis keeps its factor f as its value and sets each of its
/// M member keys to base x f^(1/M), so their product moves by f; an oat design's cells left at
/// the base get the base value written out (1 for relative keys and composite axes). Throws
/// ScenarioError where a key has no numeric base value (or it is 0 under a composite axis).
void resolve_relative_values(SweepSpec& spec, const std::vector<std::string>& extra_sets);

}  // namespace innochain::sweep
