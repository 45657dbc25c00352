// The simulation state (all agent tables) and the read-only run context.
#pragma once

#include "agents/enterprises.hpp"
#include "agents/financiers.hpp"
#include "agents/institutes.hpp"
#include "agents/projects.hpp"
#include "agents/talent.hpp"
#include "core/ledger.hpp"
#include "core/rng.hpp"
#include "scenario/scenario.hpp"

#include <Eigen/Dense>

#include <cstdint>
#include <memory>
#include <vector>

namespace innochain {

/// Optional per-event logs (output.events_*), emptied into the run file every month.
struct EventLog {
  struct Transfers {
    std::vector<std::int32_t> month, project, institute, route, counterpart;  ///< route: 0 licence, 1 spin-off
    std::vector<double> value, quality;
  } transfers;
  struct Deals {
    std::vector<std::int32_t> month, enterprise, financier, financier_kind, round;
    std::vector<double> amount;
  } deals;
  void clear() { *this = EventLog{}; }
};

class Instrument;
struct Eligibility;

/// Everything that changes during a run.
struct State {
  Institutes institutes;
  Enterprises enterprises;
  Financiers financiers;
  Talent talent;
  Projects projects;
  Investments investments;
  /// Institute projects with a finished breakthrough, in the order they finished (link 3 consumes it).
  std::vector<std::int32_t> transfer_queue;
  /// Alive enterprise ids per field, ascending: the candidate lists of field-specific markets.
  std::vector<std::vector<std::int32_t>> enterprises_by_field;
  /// Projects that launched a product this month (progress -> market).
  std::vector<std::int32_t> launched_this_month;
  /// Outside final demand per field at month 0, yuan/month (grows at each field's rate).
  std::vector<double> base_final_demand;
  /// External money flows of the current month.
  Ledger ledger;
  /// This month's events, when the scenario asks for them.
  EventLog events;
  /// Policy instances of the scenario, in scenario order, with their resolved eligibility
  /// (shared_ptr: the type is complete only in sim/policies/).
  std::vector<std::shared_ptr<Instrument>> instruments;
  std::vector<std::shared_ptr<const Eligibility>> eligibility;
  /// This month's spending (yuan) and units served per instance, written by the phases
  /// that pay out policy money.
  std::vector<double> policy_spending;
  std::vector<double> policy_units;
  std::int32_t month = 0;  ///< months completed
};

/// Read-only for the whole run: the scenario and what is derived from it once.
struct Context {
  Context(const Scenario& scenario, RunKey key);

  const Scenario& scenario;
  RunKey key;
  std::size_t fields;
  std::size_t regions;
  Eigen::MatrixXd friction;   ///< [region][region]
  Eigen::MatrixXd proximity;  ///< [field][field]
  Eigen::MatrixXd leontief;   ///< (I - A)^-1, [field][field]
};

}  // namespace innochain
