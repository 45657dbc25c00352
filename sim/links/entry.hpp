// Entry: talent with entrepreneurial propensity found start-ups (the founder
// joins the new firm), and new SMEs enter at a base rate. Spin-offs are founded
// by the transfer phase. New firms bring their founders' money.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

#include <vector>

namespace innochain {

/// Monthly founding probability of a person with the given entrepreneurial propensity.
double founding_probability(const EntryParams& p, double propensity);

/// The expected cost of developing a product in `field` (BREAKTHROUGH to PILOT, each stage its
/// duration x its monthly cost at the cost-minimising mix) at compute price `relative_compute_price`
/// x the base price, less what an R&D subsidy rate pays of it (the rate times the share of the cost
/// it covers, 1 - chain.entry.unsubsidised_cost_share), over the same at the base price without subsidy.
double development_cost_ratio(const Context& c, std::size_t field, double relative_compute_price, double rd_subsidy);

/// The founding rate of talent in (field, region) relative to the base rate: the expected return
/// per yuan of development cost relative to the base price without subsidies, to the power
/// chain.entry.profit_elasticity, i.e. development_cost_ratio^(-elasticity), at this month's
/// price in the region net of the compute and R&D subsidies open to new firms there
/// (levers entry.expected_*_subsidy_rate). Exactly 1 at the base price without subsidies.
double founding_multiplier(const Context& c, const State& s, std::size_t field, std::size_t region);

/// Bounds of the free-entry response of SME entry (a field where no firm sells any more gets the
/// upper bound).
inline constexpr double kLeastEntryResponse = 0.1;
inline constexpr double kMostEntryResponse = 10.0;

/// Free entry of SMEs, per field: (revenue per selling firm now / at the start)^profit_elasticity,
/// clamped to [kLeastEntryResponse, kMostEntryResponse]; 1 in a field where nothing sold at the
/// start. The base entry rate multiplies it (docs/model.md, Entry).
std::vector<double> sme_entry_response(const Context& c, const State& s);

/// Reads: talent (propensity, region, field), the compute price, the entry levers. Writes: new enterprises, founders'
/// employer, the per-field index of alive enterprises.
void entry(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
