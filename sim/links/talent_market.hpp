// Link 5, talent support: departures from the province, on-the-job search,
// vacancies from employers' budgets, matching scaled by region friction and
// field proximity, researchers becoming industry scientists with a tie to their
// institute, and arrivals from outside.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

#include <vector>

namespace innochain {

/// R&D staff an institute wants: total budget x wage share / researcher wage (institutes pay
/// public scale wages).
std::int64_t institute_staff_target(const Context& c, const Institutes& in, std::size_t i);
/// R&D staff an enterprise wants: R&D budget x wage share / (engineer wage x the market wage
/// index); a start-up's budget is its cash spread over agents.enterprises.startup_runway_months
/// (enterprise_project_budget). A wage subsidy at `wage_subsidy_rate` lowers the wage the firm
/// pays to wage x (1 - rate).
std::int64_t enterprise_staff_target(const Context& c, const Enterprises& en, std::size_t e,
                                     double wage_subsidy_rate = 0.0, double wage_index = 1.0);

/// People in the province without an employer (an integer count, the same for any thread count).
std::int64_t count_unemployed(const Talent& t);

/// The wage index at which enterprises' vacancies are chain.talent.target_tightness x the
/// unemployed, in [0.05, 20] (the population builder starts the labour market there).
double starting_wage_index(const Context& c, const State& s);

/// The market wage index after a month with `vacancies` open positions and `unemployed`
/// people: ln w' = ln w + (chain.talent.wage_adjustment_per_year / 12) x ln(tightness / target),
/// tightness = (vacancies + 1) / (unemployed + 1), target = chain.talent.target_tightness.
double next_wage_index(const TalentMarketParams& p, double wage_index, double vacancies, double unemployed);

/// Probability that a searcher takes a vacancy it is shown: friction(regions) x proximity(fields),
/// with this month's friction (the lever markets.friction).
double acceptance_probability(const Context& c, const State& s, std::size_t region, std::size_t field,
                              std::size_t employer_region, std::size_t employer_field);

/// Reads: talent, employers' budgets, regions and fields, the talent levers (inflow and
/// outflow multipliers, wage subsidies). Writes: talent employment, role and ties; new
/// talent; employers' workforce aggregates and absorptive capacity; wage subsidies paid.
void talent_market(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
