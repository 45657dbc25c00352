// Progress and failure in every stage (docs/model.md): each month a project advances by
// speed x f(team skill) x g(X), X the CES index of the inputs it gets (compute and the rest,
// relative to full speed), and fails with a per-stage hazard that falls with quality.
// Holders buy their projects' inputs at a cost-minimising mix for the compute market's
// price (links/compute_market.hpp); when the cost exceeds their project budget every project
// of the holder is scaled down alike, and compute the market rations slows projects further.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

#include <algorithm>
#include <array>
#include <span>

namespace innochain {

/// Effective months of work a project does in a month given its holder's mean skill and its input
/// index X in [0, 1] (1: everything its stage needs at full speed): 1 at full speed.
double progress_effort(const Context& c, double skill, double inputs);

/// Monthly progress of a project as a share of its stage: speed / duration x progress_effort.
double progress_rate(const Context& c, Stage stage, std::size_t field, double skill, double inputs);

/// A project's monthly cost at full speed with compute at the base price, yuan (inline: instruments
/// use it without linking the phase).
inline double cost_at_base_price(const Context& c, Stage stage, std::size_t field) {
  const std::size_t k = c.input_index(field, stage);
  return c.other_cost_yuan[k] + c.scenario.chain.compute.base_price_yuan_per_gpu_hour * c.compute_gpu_hours[k];
}

/// The scale z in [0, 1] of its full-speed plan (cost yuan, of which `bill` compute) a firm's
/// own budget buys when a compute subsidy pays min(compute_rate x bill, compute_grant) and an
/// R&D subsidy min(rd_rate x the rest, rd_grant), both on the bills at that scale: the largest
/// z whose own share fits the budget (1 when the whole plan fits).
double funded_scale(double cost, double bill, double budget, double compute_rate, double compute_grant, double rd_rate,
                    double rd_grant);

/// Progress units a stage needs in a field: duration_months / speed_multiplier months at full
/// speed, in units of 1 / kProgressUnitsPerMonth month (at least 1).
std::int64_t stage_units(const Context& c, Stage stage, std::size_t field);

/// Progress units of a month's effort (progress_effort): a month at full speed is exactly
/// kProgressUnitsPerMonth.
std::int64_t progress_units(double effort);

/// Monthly failure probability of a project of the given quality in the stage:
/// hazard_from_factor(stage, quality_hazard_factor(quality)).
double failure_hazard(const Context& c, Stage stage, double quality);

/// The quality term of the failure hazard, quality^(-quality_hazard_elasticity): fixed for a
/// project once its quality is drawn, so the progress phase keeps it from month to month.
double quality_hazard_factor(const Context& c, double quality);

/// The stage's hazard times the quality term, at most 1 (inline: the same arithmetic as
/// failure_hazard, which calls it).
inline double hazard_from_factor(const Context& c, Stage stage, double factor) {
  return std::min(1.0, c.scenario.chain.progress.stages[static_cast<int>(stage)].hazard_per_month * factor);
}

/// Monthly project budgets: an institute's public project budget plus a twelfth of its retained
/// transfer income; an established enterprise's R&D share of revenue, never more than its cash;
/// a start-up's cash spread over agents.enterprises.startup_runway_months.
double institute_project_budget(const Context& c, const Institutes& in, std::size_t i);
double enterprise_project_budget(const Context& c, const Enterprises& en, std::size_t e);

/// One field of a holder's steady-state pipeline: projects start at `starts` a month and pass
/// `stages` in order, failing with the monthly hazard `hazard` of each; a share `continuing` of
/// those finishing a stage stays with the holder for the next (initialisation, 3.1).
struct SteadyPipeline {
  std::size_t field = 0;
  double starts = 0.0;
  std::span<const Stage> stages;
  std::array<double, kCostlyStages> hazard{};
  std::array<double, kCostlyStages> continuing{1.0, 1.0, 1.0, 1.0};  ///< share of stage k's finishers going on
};

/// Months a stage takes at speed v (effort per month, 1 at full speed), as progress counts them
/// (whole months of progress_units(v) units).
std::int64_t stage_months_at(const Context& c, Stage stage, std::size_t field, double speed);
/// The same unrounded: the stage's work over the speed, in months (steady-state expectations,
/// which must be continuous in the speed).
double stage_months_unrounded(const Context& c, Stage stage, std::size_t field, double speed);

/// A steady-state pipeline's monthly cost at full speed and the base compute price when every
/// stage takes its months at speed v: sum over stages of starts x chance to reach the stage x
/// (1 - (1 - h)^T) / h (expected months in it, T its months at speed v) x its monthly cost; the
/// chance to reach stage k+1 is that of stage k x (1 - h)^T x continuing[k].
double steady_pipeline_cost(const Context& c, const SteadyPipeline& line, double speed);

/// The speed in (0, skill_term] at which a holder's steady-state pipeline costs what its budget
/// buys: v = skill_term x min(1, budget / cost(v))^funding_elasticity, cost(v) the sum of the
/// fields' steady_pipeline_cost at speed v. Found by
/// bisection on log v (the right side falls as v rises); 0 without skill.
double steady_state_speed(const Context& c, std::span<const SteadyPipeline> lines, double skill_term, double budget);

/// Reads: projects, holders' budgets and staff skill, the compute market's prices and capacity,
/// the subsidy levers. Writes: projects' progress, stage and status; holders' cash; enterprises'
/// funding gap, pipeline quality, R&D spending and compute bill; the market's wants and
/// rationing; the active list, the transfer queue and the month's launches; /policy_recipients.
void progress(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
