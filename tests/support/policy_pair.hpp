// Baseline-versus-policy runs with common random numbers, for instrument tests:
// the same scenario, seed and replication, with and without the policy entries.
#pragma once

#include "model/simulation.hpp"
#include "scenario/decode.hpp"

#include <string>
#include <vector>

namespace innochain::test {

/// Totals over the run of every metric (summed over fields/regions/policies), per replication.
struct PairResult {
  std::vector<std::vector<double>> baseline;  ///< [replication][metric]
  std::vector<std::vector<double>> policy;
  std::vector<std::vector<double>> policy_by_field;  ///< [replication][metric * F + field] of the policy run
  std::vector<std::vector<double>> baseline_by_field;
  double budget_left = 0.0;  ///< of the first policy instance, after the run (policy run, last replication)
};

/// Runs guangdong_small without its spin-up (`months`, `scale`, and `--set` overrides `extra` in both runs) with
/// `policies_yaml` (a YAML list of policy entries) against the same scenario without it, for
/// replications 0..reps-1.
PairResult run_pair(const std::string& policies_yaml, int months, int reps, double scale = 0.01,
                    const std::vector<std::string>& extra = {});

/// Mean over replications of policy minus baseline for one metric total.
double mean_difference(const PairResult& r, Metric m);
/// The same for one field of a by-field metric.
double mean_difference(const PairResult& r, Metric m, std::size_t field, std::size_t fields);

}  // namespace innochain::test
