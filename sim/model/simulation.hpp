// A run in memory: the state, stepped month by month through the pipeline.
#pragma once

#include "core/metrics.hpp"
#include "model/pipeline.hpp"
#include "model/state.hpp"

#include <array>
#include <chrono>
#include <string_view>

namespace innochain {

class Simulation {
 public:
  Simulation(const Scenario& scenario, RunKey key);
  /// Starts from a given state instead of building the population (a checkpoint fills
  /// an empty state after construction, once the policy instances exist).
  Simulation(const Scenario& scenario, RunKey key, State initial);

  /// Runs one month: every phase, then the stock metrics.
  void step();

  std::int32_t months_completed() const { return state_.month; }
  const MonthMetrics& metrics() const { return metrics_; }
  const State& state() const { return state_; }
  State& state() { return state_; }
  const Context& context() const { return context_; }
  /// Wall seconds spent in each phase so far (for benchmarks), in pipeline order; the spin-up's
  /// months are not included.
  const std::vector<double>& phase_seconds() const { return phase_seconds_; }
  /// Wall seconds of the spin-up (world.spin_up_months), part of the construction.
  double spin_up_seconds() const { return spin_up_seconds_; }

 private:
  Context context_;
  State state_;
  MonthMetrics metrics_;
  std::vector<double> phase_seconds_;
  double spin_up_seconds_ = 0.0;
};

}  // namespace innochain
