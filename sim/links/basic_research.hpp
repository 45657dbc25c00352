// Link 1, basic research: institutes turn budget, researchers and knowledge into discoveries.
#pragma once

#include "core/metrics.hpp"
#include "links/breakthrough.hpp"
#include "model/state.hpp"

#include <span>
#include <vector>

namespace innochain {

/// Reference inputs of the discovery function (chain.basic_research.discoveries_per_month is the
/// rate of an institute with these inputs and no spill-over).
inline constexpr double kReferenceBasicBudget = 1.0e7;  // yuan/month
inline constexpr double kReferenceResearchers = 100.0;
inline constexpr double kReferenceKnowledge = 10.0;  // knowledge units per field

/// Discovery rate lambda of institute i this month, given the proximity-weighted
/// province knowledge per field (spill).
double discovery_rate(const Context& c, const Institutes& in, std::size_t i, const Eigen::VectorXd& spill);

/// The proximity-weighted province mean knowledge per field that every institute draws on.
Eigen::VectorXd knowledge_spillover(const Context& c, const Institutes& in);

/// Institute i at the steady state of its own flows (initialisation, 3.1), given its knowledge and
/// cash and, per field, the share of its finished BASIC projects signed as contract research:
/// the speed of its projects (progress.hpp steady_state_speed), and per field the share signed and
/// the quality of the BASIC projects it finishes a month; its contract income a month.
struct InstituteSteadyState {
  double speed = 0.0;
  double income = 0.0;
  std::vector<double> signed_share;
  std::vector<double> completed_quality;
};
InstituteSteadyState institute_steady_state(const Context& c, const State& st, const ContractMarket& contracts,
                                            std::size_t i, const Eigen::VectorXd& spill,
                                            std::span<const double> signed_share);

/// Sets every institute's knowledge and cash to the steady state of its own flows (docs/model.md
/// 3.1): K_if = (quality of the BASIC projects i finishes in f a month) / (monthly depreciation),
/// cash = twelve months of contract income, solved together as a fixed point (discoveries and their
/// quality rise with knowledge, speed with income). Deterministic, no draws. Returns each
/// institute's steady state of the last sweep.
std::vector<InstituteSteadyState> set_institutes_steady_state(const Context& c, State& st);

/// Reads: institutes (budget, researchers, field weights, knowledge), projects
/// finished in BASIC. Writes: institute knowledge, new BASIC projects.
void basic_research(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
