// Link 2, key-technology breakthrough: finished basic projects move to BREAKTHROUGH,
// at their institute or jointly with an enterprise through the contract-research
// market; enterprises start their own BREAKTHROUGH projects from R&D staff (K+S).
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// K+S start probability of an enterprise's own project this month: 1 - exp(-zeta * staff).
double own_project_probability(double zeta, std::int32_t rd_staff);

/// The contract-research market as the institutes' steady state sees it (initialisation, 3.1): per
/// field and firm region, the alive firms' cash in ascending order with the sums of their absorptive
/// capacity from each position on.
class ContractMarket {
 public:
  ContractMarket(const Context& c, const State& s);
  /// Chance that a finished BASIC project of field f, of an institute in region r, worth `value`
  /// yuan is signed (3.3.3): contract_research_probability x the mean over the field's alive firms
  /// of friction(r, firm's region) x absorptive capacity x [cash >= value]; 0 without firms.
  double signing_probability(std::size_t region, std::size_t field, double value) const;

 private:
  const Context& c_;
  const State& s_;
  std::vector<std::vector<double>> cash_;      // [field * R + region], ascending
  std::vector<std::vector<double>> capacity_;  // [field * R + region], sum of a_e from position k on
  std::vector<double> firms_;                  // alive firms per field
};

/// Reads: projects finished in BASIC, enterprises (field, region, absorptive capacity,
/// R&D staff), friction. Writes: those projects' stage and holder, new enterprise projects.
void breakthrough(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
