// Link 3, transfer and commercialization: each institute's transfer office
// decides the finished breakthroughs queued at it, up to its capacity. The
// three obstacles of the real chain are three separate parameters:
//   don't know how - the office's skill (raised by industry ties) sets the chance
//                    that a viable route is found at all;
//   don't want     - the inventor's share of transfer income sets the inventor's
//                    effort, a saturating function of the share;
//   don't dare     - the official approves only if the expected gain exceeds
//                    risk aversion x perceived sanction probability x sanction size.
// Routes: licence to the enterprise that values the project most (licensing
// market), spin-off founded by the inventor, or shelve.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// Inventor effort e(s) = s^k / (s^k + h^k) in [0, 1): k the elasticity, h the half-effort share.
double inventor_effort(const TransferParams& p, double inventor_share);

/// Chance that the office finds a viable route: min(1, skill x (1 + gain x ln(1 + ties))).
double route_probability(const TransferParams& p, double office_skill, std::int32_t industry_ties);

/// The official's rule: approve when expected gain > risk aversion x sanction probability x sanction size.
bool official_approves(double expected_gain, double risk_aversion, double sanction_probability, double sanction_size);

/// Reads: the transfer queue, institutes' offices, enterprises (licensing market).
/// Writes: projects' holder, stage and status; institutes' and buyers' cash; new spin-offs.
void transfer(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
