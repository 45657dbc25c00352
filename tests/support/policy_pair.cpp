#include "support/policy_pair.hpp"

#include "policies/policy.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace innochain::test {

namespace {

std::vector<double> totals(const Simulation& sim, std::vector<double>& acc, std::vector<double>& by_field) {
  const std::size_t F = sim.context().fields;
  for (int k = 0; k < kMetricCount; ++k) {
    const auto& v = sim.metrics().values(static_cast<Metric>(k));
    double t = 0.0;
    for (double x : v) t += x;
    acc[k] = kMetrics[k].accumulation == Accumulation::stock ? t : acc[k] + t;
    if (kMetrics[k].dim == Dim::field)
      for (std::size_t f = 0; f < F; ++f) by_field[k * F + f] += v[f];
  }
  return acc;
}

}  // namespace

PairResult run_pair(const std::string& policies_yaml, int months, int reps, double scale,
                    const std::vector<std::string>& extra) {
  const std::string base = std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml";
  // Instruments are tested on the constructed population: the spin-up (which is the same in both
  // runs, since no policy acts before month 0; tests/model/simulation_test.cpp) is skipped unless
  // `extra` sets it.
  std::vector<std::string> sets = {fmt::format("horizon_months={}", months), fmt::format("world.scale={}", scale),
                                   "world.spin_up_months=0"};
  sets.insert(sets.end(), extra.begin(), extra.end());
  const Scenario baseline = load_scenario_file(base, sets);
  const std::string text = fmt::format("extends: {}\nname: policy_test\npolicies:\n{}\n", base, policies_yaml);
  const Scenario policy =
      load_scenario_text(text, "<policy test>", std::filesystem::path(base).parent_path().string(), sets);
  PairResult r;
  for (int rep = 0; rep < reps; ++rep) {
    for (const Scenario* s : {&baseline, &policy}) {
      Simulation sim(*s, RunKey{static_cast<std::uint64_t>(s->seed), static_cast<std::uint32_t>(rep)});
      std::vector<double> acc(kMetricCount, 0.0), by_field(kMetricCount * sim.context().fields, 0.0);
      for (int m = 0; m < months; ++m) {
        sim.step();
        totals(sim, acc, by_field);
      }
      (s == &baseline ? r.baseline : r.policy).push_back(acc);
      (s == &baseline ? r.baseline_by_field : r.policy_by_field).push_back(by_field);
      if (s == &policy && !sim.state().instruments.empty()) r.budget_left = sim.state().instruments[0]->budget_left();
    }
  }
  return r;
}

double mean_difference(const PairResult& r, Metric m) {
  double d = 0.0;
  for (std::size_t k = 0; k < r.policy.size(); ++k) d += r.policy[k][m] - r.baseline[k][m];
  return d / static_cast<double>(r.policy.size());
}

double mean_difference(const PairResult& r, Metric m, std::size_t field, std::size_t fields) {
  double d = 0.0;
  for (std::size_t k = 0; k < r.policy.size(); ++k)
    d += r.policy_by_field[k][m * fields + field] - r.baseline_by_field[k][m * fields + field];
  return d / static_cast<double>(r.policy.size());
}

}  // namespace innochain::test
