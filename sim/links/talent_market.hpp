// Link 5, talent support: departures from the province, on-the-job search,
// vacancies from employers' budgets, matching scaled by region friction and
// field proximity, researchers becoming industry scientists with a tie to their
// institute, and arrivals from outside.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

#include <vector>

namespace innochain {

/// R&D staff an institute wants: total budget x wage share / researcher wage.
std::int64_t institute_staff_target(const Context& c, const Institutes& in, std::size_t i);
/// R&D staff an enterprise wants: R&D budget x wage share / engineer wage (a start-up's budget
/// for hiring is its cash spread over chain.finance.round_runway_months). A wage subsidy at
/// `wage_subsidy_rate` lowers the wage the firm pays to wage x (1 - rate).
std::int64_t enterprise_staff_target(const Context& c, const Enterprises& en, std::size_t e,
                                     double wage_subsidy_rate = 0.0);

/// Probability that a searcher takes a vacancy it is shown: friction(regions) x proximity(fields),
/// with this month's friction (the lever markets.friction).
double acceptance_probability(const Context& c, const State& s, std::size_t region, std::size_t field,
                              std::size_t employer_region, std::size_t employer_field);

/// Reads: talent, employers' budgets, regions and fields, the talent levers (inflow and
/// outflow multipliers, wage subsidies). Writes: talent employment, role and ties; new
/// talent; employers' workforce aggregates and absorptive capacity; wage subsidies paid.
void talent_market(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
