// The simulation state (all agent tables) and the read-only run context.
#pragma once

#include "agents/enterprises.hpp"
#include "agents/financiers.hpp"
#include "agents/institutes.hpp"
#include "agents/product_lines.hpp"
#include "agents/projects.hpp"
#include "agents/talent.hpp"
#include "core/ledger.hpp"
#include "core/rng.hpp"
#include "model/levers.hpp"
#include "scenario/scenario.hpp"

#include <Eigen/Dense>

#include <cstdint>
#include <limits>
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
  /// /policy_recipients: one row per firm a policy instance paid in a month (docs/output.md):
  /// the amount, the bill it applied to, and whether the firm's own budget fell short of its
  /// planned cost before any subsidy (cash-constrained: the money adds spending rather than
  /// replacing the firm's own).
  struct Recipients {
    std::vector<std::int32_t> month, instance, enterprise, kind, field, region, cash_constrained;
    std::vector<double> amount, bill, allowance;
  } recipients;
  void clear() { *this = EventLog{}; }
};

class Instrument;
struct Eligibility;

/// The compute market's state (links/compute_market.hpp): one market for the province, whose
/// capacity sits in regions. Empty vectors: a hand-built state without a market (base price,
/// never rationed).
struct ComputeMarket {
  double price_yuan_per_gpu_hour = 0.0;    ///< this month's price
  double served_share = 1.0;               ///< share of what holders wanted that they got (rationing), in [0, 1]
  std::vector<double> capacity_gpu_hours;  ///< per region, available this month (at the world's scale)
  std::vector<double> wanted_gpu_hours;    ///< per holders' region, wanted at the price (last month's until progress)
};

/// Everything that changes during a run.
struct State {
  Institutes institutes;
  Enterprises enterprises;
  Financiers financiers;
  Talent talent;
  Projects projects;
  Investments investments;
  /// What firms sell: their product lines (docs/model.md, Market).
  ProductLines lines;
  /// Institute projects with a finished breakthrough, in the order they finished (link 3 consumes it).
  std::vector<std::int32_t> transfer_queue;
  /// Alive enterprise ids per field, ascending: the candidate lists of field-specific markets.
  std::vector<std::vector<std::int32_t>> enterprises_by_field;
  /// Projects that launched a product this month (progress -> market).
  std::vector<std::int32_t> launched_this_month;
  /// Outside final demand per field at month 0, yuan/month (grows at each field's rate).
  std::vector<double> base_final_demand;
  /// Mean appeal of a field's product lines at the start: the appeal of a product launched into a
  /// field that has no line left to take over.
  std::vector<double> line_reference_appeal;
  /// Revenue per selling enterprise of a field at the start, yuan/month (0: none sold): SME entry
  /// answers to the field's revenue per selling firm relative to it (docs/model.md, Entry).
  std::vector<double> reference_revenue_per_firm;
  /// Enterprises' R&D wage relative to the scenario's engineer wage: firms' staff targets divide
  /// budgets by it, arrivals rise with it relative to its starting value (docs/model.md, Talent
  /// market).
  double market_wage_index = 1.0;
  /// Its value at the start (set by the population builder so that vacancies per unemployed
  /// person start at their target).
  double starting_wage_index = 1.0;
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
  /// Months completed since month 0; negative during the spin-up (world.spin_up_months), which
  /// starts at -spin_up_months.
  std::int32_t month = 0;
  /// The month as the recorded run sees it: months of the spin-up count as month 0. Exogenous
  /// trends are read at it (they hold at their month-0 values through the spin-up) and so is the
  /// month a firm's first product is stamped with (selling before month 0 reads as selling at 0).
  std::int32_t recorded_month() const { return month < 0 ? 0 : month; }
  /// Levers that are not per agent (per region, per cell, per instance, world-wide).
  WorldLevers levers;
  /// Regional compute capacity, price and rationing.
  ComputeMarket compute;
  /// Derived per-project values the progress phase keeps from month to month instead of
  /// recomputing them (docs/performance.md): each project's quality term of the failure hazard
  /// (quality_hazard_factor) and the quality and elasticity it was computed from. Not part of
  /// the run's state: checkpoints leave it out, and an entry that does not match its project's
  /// quality bit for bit (a new, restored or changed project) is recomputed, so results never
  /// depend on it.
  struct HazardCache {
    double elasticity = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> quality, factor;
  } hazard_cache;
  /// The employers' skill sums of the month's workforce pass (update_workforce) and the people
  /// who changed employer since (founders, staff of firms that exited or were acquired), so that
  /// stock_metrics updates the aggregates for those moves instead of a second pass over the
  /// talent table (update_workforce_after_moves). Valid only within the month that computed
  /// them, and only when the pass proved its sums exact; not part of the run's state
  /// (checkpoints leave it out; without it stock_metrics makes the full pass).
  struct WorkforceSums {
    bool valid = false;
    int staff_q = 0;                 ///< a lower bound on the lowest set bit's exponent of any firm staff's skill
    std::vector<double> firm_skill;  ///< per enterprise
    std::vector<double> inst_skill, inst_propensity;   ///< per institute
    std::vector<int> inst_skill_q, inst_propensity_q;  ///< per institute, as staff_q
    /// A person's employer before their first move since the pass.
    struct Move {
      std::int32_t person;
      EmployerKind kind;
      std::int32_t employer;
    };
    std::vector<Move> moves;
  } workforce_sums;
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
  /// Enterprises' joint field x region distribution (world.field_region_affinity raked to the
  /// fields' and regions' enterprise_share), as conditionals: [region * fields + field] =
  /// P(field | region) and [field * regions + region] = P(region | field). Both empty when the
  /// scenario has no affinity: field and region are then drawn independently.
  std::vector<double> field_given_region, region_given_field;
  /// What a project of (field f, stage s) needs a month at full speed, index f * kCostlyStages + s:
  /// its cost other than compute (yuan), its compute (GPU-hours), and the CES weight of the
  /// other inputs, their cost share at the base compute price.
  std::vector<double> other_cost_yuan, compute_gpu_hours, other_weight;
  std::size_t input_index(std::size_t field, Stage stage) const {
    return field * kCostlyStages + static_cast<std::size_t>(stage);
  }
};

/// This month's matching friction between two regions: the lever s.levers.friction when the
/// policy phase has set it, else the scenario's (hand-built states).
inline double friction(const Context& c, const State& s, std::size_t r1, std::size_t r2) {
  const auto i = static_cast<Eigen::Index>(r1), j = static_cast<Eigen::Index>(r2);
  return s.levers.friction.size() ? s.levers.friction(i, j) : c.friction(i, j);
}

/// Appends a payment to /policy_recipients when the scenario writes it (output.policy_recipients):
/// firm `enterprise` received `amount` yuan from instance `instance` against a bill of `bill` yuan,
/// when the instance would have paid it at most `allowance` yuan this month.
void record_recipient(const Context& c, State& s, int instance, std::size_t enterprise, double amount, double bill,
                      double allowance, bool cash_constrained);

/// Money held inside the modelled economy: institutes' cash, alive enterprises' cash,
/// financiers' capital.
double money_stock(const State& state);

/// People in the province (talent not marked as outside).
long long people_in_province(const State& state);

}  // namespace innochain
