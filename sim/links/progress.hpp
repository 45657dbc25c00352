// Progress and failure in every stage (docs/model.md): each month a project advances by
// speed x f(team skill) x g(funding coverage) x h(compute coverage) and fails with
// a per-stage hazard that falls with quality. Holders pay stage costs from their
// project budgets; when demand exceeds budget every project of the holder is
// funded pro rata.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// Effective months of work a project does in a month given its holder's mean skill, funding
/// coverage and compute coverage (all in [0, 1] except skill): 1 at full speed.
double progress_effort(const Context& c, std::size_t field, double skill, double funding_coverage,
                       double compute_coverage);

/// Monthly progress of a project as a share of its stage: speed / duration x progress_effort.
double progress_rate(const Context& c, Stage stage, std::size_t field, double skill, double funding_coverage,
                     double compute_coverage);

/// Progress units a stage needs in a field: duration_months / speed_multiplier months at full
/// speed, in units of 1 / kProgressUnitsPerMonth month (at least 1).
std::int64_t stage_units(const Context& c, Stage stage, std::size_t field);

/// Progress units of a month's effort (progress_effort): a month at full speed is exactly
/// kProgressUnitsPerMonth.
std::int64_t progress_units(double effort);

/// Monthly failure probability of a project of the given quality in the stage.
double failure_hazard(const Context& c, Stage stage, double quality);

/// Monthly project budgets: an institute's public project budget plus a twelfth of its retained
/// transfer income; an established enterprise's R&D share of revenue, never more than its cash;
/// a start-up's cash spread over agents.enterprises.startup_runway_months.
double institute_project_budget(const Context& c, const Institutes& in, std::size_t i);
double enterprise_project_budget(const Context& c, const Enterprises& en, std::size_t e);

/// Reads: projects, holders' budgets and staff skill. Writes: projects' progress,
/// stage and status; holders' cash; enterprises' funding gap and pipeline quality; the
/// active list, the transfer queue and the month's launches.
void progress(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
