// One run from a resolved scenario to a finished run file: the single code path
// used by `innochain run`, the tests, and every run of a sweep (sim/sweep/runner.cpp).
#pragma once

#include "scenario/scenario.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace innochain {

struct RunRequest {
  std::string path;  ///< final file name; written as PATH.partial first
  bool force = false;
  std::int64_t replication = 0;
  int threads = 0;  ///< 0: all cores
  /// Set by sweeps: written as the root attributes sweep_run_id and sweep_point.
  struct SweepTag {
    std::string run_id;
    std::int64_t point = 0;
  };
  std::optional<SweepTag> sweep = std::nullopt;
};

struct RunResult {
  std::vector<double> summary;  ///< per metric (kMetrics order)
  double wall_seconds = 0.0;
  int threads = 0;
  /// Where the wall time went, in order: "setup" (building the population), each phase of
  /// the month pipeline, "output" (writing the run file). Also in the run file's root
  /// attributes seconds_NAME (benchmarks/run.py reads them).
  std::vector<std::pair<std::string, double>> timings;
};

/// Called after every month with (months done, seconds elapsed).
using MonthCallback = std::function<void(std::int64_t, double)>;

/// Runs the scenario for its horizon and writes the run file. Throws IoError.
RunResult execute_run(const Scenario& scenario, const RunRequest& request, const MonthCallback& on_month = {});

}  // namespace innochain
