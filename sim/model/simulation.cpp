#include "model/simulation.hpp"

#include "model/population.hpp"
#include "policies/policy.hpp"

#include <algorithm>
#include <chrono>

namespace innochain {

Simulation::Simulation(const Scenario& scenario, RunKey key) : Simulation(scenario, key, State{}) {
  State built = build_population(context_);
  built.instruments = std::move(state_.instruments);
  built.eligibility = std::move(state_.eligibility);
  built.policy_spending = std::move(state_.policy_spending);
  built.policy_units = std::move(state_.policy_units);
  state_ = std::move(built);
  // The spin-up (docs/model.md 3.1): months -spin_up_months .. -1, with no policy active (every
  // instance starts at month 0 or later) and nothing recorded; the run's month 0 follows.
  const auto t0 = std::chrono::steady_clock::now();
  while (state_.month < 0) step();
  spin_up_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fill(phase_seconds_.begin(), phase_seconds_.end(), 0.0);
}

Simulation::Simulation(const Scenario& scenario, RunKey key, State initial)
    : context_(scenario, key),
      state_(std::move(initial)),
      metrics_(context_.fields, context_.regions, scenario.policies.size()),
      phase_seconds_(pipeline().size(), 0.0) {
  for (const PolicyConfig& p : scenario.policies) {
    state_.instruments.push_back(find_instrument_type(p.type)->make(p, scenario));
    state_.eligibility.push_back(std::make_shared<const Eligibility>(resolve_eligibility(scenario, p)));
  }
  state_.policy_spending.assign(scenario.policies.size(), 0.0);
  state_.policy_units.assign(scenario.policies.size(), 0.0);
}

void Simulation::step() {
  metrics_.clear();
  state_.ledger.clear();
  state_.events.clear();
  const auto& phases = pipeline();
  for (std::size_t k = 0; k < phases.size(); ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    phases[k].run(context_, state_, metrics_);
    phase_seconds_[k] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  state_.month += 1;
}

}  // namespace innochain
