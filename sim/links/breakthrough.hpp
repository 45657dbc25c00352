// Link 2, key-technology breakthrough: finished basic projects move to BREAKTHROUGH,
// at their institute or jointly with an enterprise through the contract-research
// market; enterprises start their own BREAKTHROUGH projects from R&D staff (K+S).
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// K+S start probability of an enterprise's own project this month: 1 - exp(-zeta * staff).
double own_project_probability(double zeta, std::int32_t rd_staff);

/// Reads: projects finished in BASIC, enterprises (field, region, absorptive capacity,
/// R&D staff), friction. Writes: those projects' stage and holder, new enterprise projects.
void breakthrough(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
