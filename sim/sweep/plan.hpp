// From a sweep file to the list of runs: every point resolved into a validated
// scenario (through the scenario decoder's --set machinery), every run given
// its stable id, point, replication and seed.
#pragma once

#include "scenario/scenario.hpp"
#include "sweep/sweep_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace innochain::sweep {

/// One run of the sweep: a (point, replication) pair.
struct PlannedRun {
  std::string id;  ///< 16 lower-case hex digits, stable hash of (point values, replication)
  std::int64_t point = 0;
  std::int64_t replication = 0;
  std::uint64_t seed = 0;  ///< the scenario's seed; replication k uses key (seed, k) at every point
};

struct SweepPlan {
  SweepSpec spec;
  std::vector<std::string> extra_sets;    ///< `--set` given on the sweep command line
  std::vector<Scenario> scenarios;        ///< per point, resolved and validated
  std::vector<std::string> scenario_sha;  ///< per point: SHA-256 of the resolved scenario YAML (run files carry it)
  std::vector<PlannedRun> runs;           ///< point-major, replication-minor
};

/// Resolves every point (base scenario, then the sweep's `set`, then `extra_sets`, then
/// the point's values) and validates it before anything runs. Throws ScenarioError
/// listing every bad key or value at its place in the sweep file (or CSV matrix).
SweepPlan make_plan(SweepSpec spec, std::vector<std::string> extra_sets = {});

/// The same validation without keeping anything per point or per run (`--dry-run`):
/// memory does not grow with the design. Throws ScenarioError.
void check_points(SweepSpec spec, const std::vector<std::string>& extra_sets = {});

/// Runs of the sweep: points x replications.
std::size_t run_count(const SweepSpec& spec);

/// The stable run id: first 16 hex digits of SHA-256 over "key=value" lines of the
/// point, "replication=k", and (for repeated identical points) the repeat number.
std::string run_id(const std::vector<std::string>& keys, const DesignPoint& point, std::int64_t replication,
                   std::int64_t repeat);

/// A point's value of key j as the run got it ("" when the point leaves the key at its base value).
std::string point_value(const SweepPlan& plan, std::int64_t point, std::size_t key);

}  // namespace innochain::sweep
