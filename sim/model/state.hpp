// The simulation state (all agent tables) and the read-only run context.
#pragma once

#include "agents/enterprises.hpp"
#include "agents/financiers.hpp"
#include "agents/institutes.hpp"
#include "agents/projects.hpp"
#include "agents/talent.hpp"
#include "core/ledger.hpp"
#include "core/rng.hpp"
#include "model/levers.hpp"
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
  /// Equity deals: one row per investor in a round, with the round's pre-money valuation and
  /// the start-up's venture stage (0 breakthrough, 1 proof of concept, 2 pilot, 3 product).
  struct Deals {
    std::vector<std::int32_t> month, enterprise, financier, financier_kind, round, venture_stage;
    std::vector<double> amount, pre_money;
  } deals;
  /// Products launched (PILOT finished): the holder enterprise and when the project was created.
  struct Launches {
    std::vector<std::int32_t> month, project, field, holder, origin_institute, created_month;
    std::vector<double> quality;
  } launches;
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
  /// Levers that are not per agent (per region, per cell, per instance, world-wide).
  WorldLevers levers;
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

/// This month's matching friction between two regions: the lever s.levers.friction when the
/// policy phase has set it, else the scenario's (hand-built states).
inline double friction(const Context& c, const State& s, std::size_t r1, std::size_t r2) {
  const auto i = static_cast<Eigen::Index>(r1), j = static_cast<Eigen::Index>(r2);
  return s.levers.friction.size() ? s.levers.friction(i, j) : c.friction(i, j);
}

/// Money held inside the modelled economy: institutes' cash, alive enterprises' cash,
/// financiers' capital.
double money_stock(const State& state);

/// People in the province (talent not marked as outside).
long long people_in_province(const State& state);

}  // namespace innochain
