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
  /// Lever markets.friction: this month's region x region matching friction, reset to
  /// Context::friction by the policy phase (empty in hand-built states: read it with friction()).
  Eigen::MatrixXd friction;
  /// Levers talent.inflow_multiplier_*: multipliers on arrivals of each role (1: baseline).
  double inflow_multiplier_researcher = 1.0, inflow_multiplier_engineer = 1.0;
  /// Lever talent.outflow_multiplier, per region: multiplier on the chance of leaving the
  /// province (reset to 1 by the policy phase; empty in hand-built states means 1).
  std::vector<double> outflow_multiplier;
  /// Levers talent.wage_subsidy_rate and talent.wage_subsidy_policy, per region: share of
  /// engineers' wage a policy pays (firms there plan R&D staff at wage x (1 - rate)) and the
  /// paying instance (-1: none). Empty in hand-built states means none.
  std::vector<double> wage_subsidy_rate;
  std::vector<std::int32_t> wage_subsidy_policy;
  /// Lever talent.wage_subsidy_allowance, per policy instance: what it may still pay in wage
  /// subsidies this month, yuan (the talent market draws it down).
  std::vector<double> wage_subsidy_allowance_yuan;
  /// Levers progress.platform_* (poc_pilot_platform), per (field x region) cell, index
  /// field x regions + region: the share of a served project's stage cost the platform pays,
  /// the multipliers on a served project's failure hazard and progress rate, the projects a
  /// month the cell's platform can serve, what the platform may still pay in the cell this
  /// month (yuan; the progress phase draws it down) and the paying instance (-1: no platform).
  /// Reset by the policy phase; empty in hand-built states means no platform.
  std::vector<double> platform_cost_share;
  std::vector<double> platform_hazard_multiplier;
  std::vector<double> platform_speed_multiplier;
  std::vector<double> platform_capacity;
  std::vector<double> platform_allowance_yuan;
  std::vector<std::int32_t> platform_policy;
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

/// This month's matching friction between two regions: the lever s.friction when the
/// policy phase has set it, else the scenario's (hand-built states).
inline double friction(const Context& c, const State& s, std::size_t r1, std::size_t r2) {
  const auto i = static_cast<Eigen::Index>(r1), j = static_cast<Eigen::Index>(r2);
  return s.friction.size() ? s.friction(i, j) : c.friction(i, j);
}

/// Money held inside the modelled economy: institutes' cash, alive enterprises' cash,
/// financiers' capital.
double money_stock(const State& state);

/// People in the province (talent not marked as outside).
long long people_in_province(const State& state);

}  // namespace innochain
