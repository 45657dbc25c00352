// Progress and failure in every stage (docs/model.md): each month a project advances by
// speed x f(team skill) x g(funding coverage) x h(compute coverage) and fails with
// a per-stage hazard that falls with quality. Holders pay stage costs from their
// project budgets; when demand exceeds budget every project of the holder is
// funded pro rata.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// Monthly progress of a project (share of its stage) given its holder's mean
/// skill, funding coverage and compute coverage (all in [0, 1] except skill).
double progress_rate(const Context& c, Stage stage, std::size_t field, double skill, double funding_coverage,
                     double compute_coverage);

/// Monthly failure probability of a project of the given quality in the stage.
double failure_hazard(const Context& c, Stage stage, double quality);

/// Monthly project budgets: an institute's public project budget plus a twelfth of its retained
/// transfer income; an established enterprise's R&D share of revenue, never more than its cash;
/// a start-up's whole cash (it spends what it raised).
double institute_project_budget(const Context& c, const Institutes& in, std::size_t i);
double enterprise_project_budget(const Context& c, const Enterprises& en, std::size_t e);

/// Reads: projects, holders' budgets and staff skill. Writes: projects' progress,
/// stage and status; holders' cash; enterprises' funding gap and pipeline quality; the
/// active list, the transfer queue and the month's launches.
void progress(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
