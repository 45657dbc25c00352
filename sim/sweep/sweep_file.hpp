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
inline const std::vector<std::string> kDesignKinds = {"grid", "lhs", "sobol", "morris", "saltelli", "list", "csv"};

/// A value as given to `--set KEY=VALUE`, with where it came from in the sweep
/// file (or the CSV design matrix) for diagnostics.
struct SetValue {
  std::string text;
  Location where;
  Location key_where = {"", 1, 1};  ///< where the key was named (file empty: same as `where`)
};

/// One design point: per key (SweepSpec::keys order) its value, if the point sets it.
struct DesignPoint {
  std::vector<std::optional<SetValue>> values;
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
  std::int64_t saltelli_skip = -1;  ///< saltelli: Sobol rows left out (-1: SALib's default)
  std::vector<std::string> keys;    ///< the design's keys (for a list of scenario files: "scenario")
  std::vector<DesignPoint> points;
};

/// Reads and decodes a sweep file and generates its design points. Throws
/// ScenarioError (every problem) or IoError (unreadable file).
SweepSpec load_sweep_file(const std::string& path);

/// Formats a design number for `--set`: shortest text that reads back as the same double.
std::string format_number(double value);

}  // namespace innochain::sweep
