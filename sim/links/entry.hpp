// Entry: talent with entrepreneurial propensity found start-ups (the founder
// joins the new firm), and new SMEs enter at a base rate. Spin-offs are founded
// by the transfer phase. New firms bring their founders' money.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// Monthly founding probability of a person with the given entrepreneurial propensity.
double founding_probability(const EntryParams& p, double propensity);

/// Reads: talent (propensity, region, field). Writes: new enterprises, founders' employer,
/// the per-field index of alive enterprises.
void entry(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
