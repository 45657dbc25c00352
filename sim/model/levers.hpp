// Policy levers: the only state policy instruments write. Each lever has an identifier
// (Lever) that instruments declare when they register, and a home:
//   - per institute: Institutes::levers (agents/institutes.hpp), reset to the institute's base values;
//   - per enterprise: Enterprises::levers (agents/enterprises.hpp), reset to "no policy";
//   - per region, per (field x region) cell, per instance and world-wide: WorldLevers below.
// The policy phase (policies/policy.cpp) resets every lever at the start of the month, then
// lets each active instance act on the levers of its eligible agents; the phases named in the
// lever's name read it. Two levers are actions rather than columns: a guidance fund adds
// financiers, an innovation voucher creates contract-research projects.
#pragma once

#include "agents/enterprises.hpp"
#include "agents/institutes.hpp"

#include <Eigen/Dense>

#include <cstdint>
#include <string>
#include <vector>

namespace innochain {

// clang-format off
/// X(identifier, "phase.lever", meaning)
#define INNOCHAIN_LEVERS(X) \
  X(compute_subsidy_rate, "progress.compute_subsidy_rate", "share of a firm's compute bill a compute subsidy pays (Enterprises::levers)") \
  X(compute_allowance, "progress.compute_allowance", "most a compute subsidy pays a firm this month (Enterprises::levers)") \
  X(rd_subsidy_rate, "progress.rd_subsidy_rate", "share of a firm's R&D cost an R&D subsidy pays (Enterprises::levers)") \
  X(rd_allowance, "progress.rd_allowance", "most an R&D subsidy pays a firm this month (Enterprises::levers)") \
  X(subsidy_pool, "progress.subsidy_pool", "most an instance pays all its firms in compute or R&D subsidies this month (per instance)") \
  X(entry_compute_subsidy_rate, "entry.expected_compute_subsidy_rate", "compute subsidy a new firm of a field x region cell can expect (rate x chance of admission)") \
  X(entry_rd_subsidy_rate, "entry.expected_rd_subsidy_rate", "R&D subsidy rate a new firm of a field x region cell can expect") \
  X(compute_capacity, "compute.capacity", "GPU-hours a month a policy's compute centre adds to a region's capacity") \
  X(skill_multiplier, "progress.skill_multiplier", "multiplier on a firm's R&D team skill (Enterprises::levers)") \
  X(overhead_subsidy_rate, "market.overhead_subsidy_rate", "share of a firm's fixed costs a policy pays (Enterprises::levers)") \
  X(overhead_allowance, "market.overhead_allowance", "most an overhead subsidy pays a firm this month (Enterprises::levers)") \
  X(investor_signal_bonus, "finance.investor_signal_bonus", "added to the quality signal investors see of a firm (Enterprises::levers)") \
  X(investor_certificate, "finance.investor_certificate", "an award's assessment of a firm's quality, with its precision, that investors read (Enterprises::levers)") \
  X(platform_cost_share, "progress.platform_cost_share", "share of a served project's stage cost a platform pays, per field x region cell") \
  X(platform_hazard_multiplier, "progress.platform_hazard_multiplier", "multiplier on a served project's failure hazard, per cell") \
  X(platform_speed_multiplier, "progress.platform_speed_multiplier", "multiplier on a served project's progress rate, per cell") \
  X(platform_capacity, "progress.platform_capacity", "projects a cell's platform can serve a month") \
  X(platform_allowance, "progress.platform_allowance", "most a cell's platform pays this month") \
  X(sanction_probability, "transfer.sanction_probability", "officials' perceived sanction probability (Institutes::levers)") \
  X(screening_care, "transfer.screening_care", "transfer offices' screening care (Institutes::levers)") \
  X(inventor_share, "transfer.inventor_share", "inventors' share of transfer income (Institutes::levers)") \
  X(friction, "markets.friction", "region x region matching friction of every market") \
  X(inflow_multiplier_researcher, "talent.inflow_multiplier_researcher", "multiplier on arrivals of researchers") \
  X(inflow_multiplier_engineer, "talent.inflow_multiplier_engineer", "multiplier on arrivals of engineers") \
  X(outflow_multiplier, "talent.outflow_multiplier", "multiplier on the chance of leaving the province, per region") \
  X(wage_subsidy_rate, "talent.wage_subsidy_rate", "share of engineers' wage a policy pays, per region") \
  X(wage_subsidy_allowance, "talent.wage_subsidy_allowance", "most an instance pays in wage subsidies this month") \
  X(guidance_fund, "finance.guidance_fund", "adds guidance funds, or sub-funds it is a limited partner of, to the financiers (an action, not a column)") \
  X(voucher_contract_research, "breakthrough.voucher_contract_research", "creates contract-research projects bought with vouchers (an action)")
// clang-format on

/// A lever's identifier: instruments declare the levers they write with these.
enum class Lever : std::uint8_t {
#define INNOCHAIN_LEVER_ENUM(id, name, doc) id,
  INNOCHAIN_LEVERS(INNOCHAIN_LEVER_ENUM)
#undef INNOCHAIN_LEVER_ENUM
};

/// "phase.lever", as written in the run file and docs/policies.md.
const char* lever_name(Lever lever);

/// Levers that are not per institute or per enterprise. Empty vectors (a state built by hand
/// in a test, before any policy phase) mean "no policy": read them with the accessors.
struct WorldLevers {
  /// markets.friction: this month's region x region matching friction (empty: the scenario's).
  Eigen::MatrixXd friction;
  /// talent.inflow_multiplier_*: multipliers on arrivals of each role (1: baseline).
  double inflow_multiplier_researcher = 1.0, inflow_multiplier_engineer = 1.0;
  /// Per region: talent.outflow_multiplier, talent.wage_subsidy_rate and the paying instance (-1: none).
  std::vector<double> outflow_multiplier;
  std::vector<double> wage_subsidy_rate;
  std::vector<std::int32_t> wage_subsidy_policy;
  /// Per policy instance: talent.wage_subsidy_allowance, what it may still pay this month, yuan.
  std::vector<double> wage_subsidy_allowance_yuan;
  /// Per (field x region) cell, index field x regions + region: progress.platform_*, and the
  /// paying instance (-1: no platform).
  std::vector<double> platform_cost_share;
  std::vector<double> platform_hazard_multiplier;
  std::vector<double> platform_speed_multiplier;
  std::vector<double> platform_capacity;
  std::vector<double> platform_allowance_yuan;
  std::vector<std::int32_t> platform_policy;
  /// Per policy instance: progress.subsidy_pool, the most it pays all its firms in compute and R&D
  /// subsidies this month, yuan (0: it pays nothing; bills beyond it are paid pro rata).
  std::vector<double> subsidy_pool_yuan;
  /// Per (field x region) cell: entry.expected_*_subsidy_rate, what a start-up founded there can
  /// expect from programmes open to new firms (0: none).
  std::vector<double> entry_compute_subsidy_rate, entry_rd_subsidy_rate;
  /// Per region: compute.capacity, GPU-hours a month added by policies (at the world's scale).
  std::vector<double> compute_capacity_gpu_hours;

  /// Every lever back to its baseline, sized for the world and the scenario's instances.
  void reset(const Eigen::MatrixXd& scenario_friction, std::size_t fields, std::size_t regions, std::size_t instances);
};

}  // namespace innochain
