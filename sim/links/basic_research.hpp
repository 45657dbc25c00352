// Link 1, basic research: institutes turn budget, researchers and knowledge into discoveries.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// Reference inputs of the discovery function (chain.basic_research.discoveries_per_month is the
/// rate of an institute with these inputs and no spill-over).
inline constexpr double kReferenceBasicBudget = 1.0e7;  // yuan/month
inline constexpr double kReferenceResearchers = 100.0;
inline constexpr double kReferenceKnowledge = 10.0;  // knowledge units per field

/// Discovery rate lambda of institute i this month, given the proximity-weighted
/// province knowledge per field (spill).
double discovery_rate(const Context& c, const Institutes& in, std::size_t i, const Eigen::VectorXd& spill);

/// Reads: institutes (budget, researchers, field weights, knowledge), projects
/// finished in BASIC. Writes: institute knowledge, new BASIC projects.
void basic_research(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
