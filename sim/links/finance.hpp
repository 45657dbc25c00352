// Link 4, science-and-technology finance. Start-ups with a funding gap form the
// month's deal flow; venture funds see a noisy signal of the best project's
// quality and invest when it clears their threshold for the round; guidance
// funds co-invest beside them at a set ratio with a lower threshold; banks lend
// to enterprises short of cash up to Lambda x max(net worth, annual revenue).
// Deals are handled in enterprise id order, so matching is deterministic.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// Signal a fund needs for a round: its threshold plus a step per later round.
double round_threshold(const FinanceParams& p, double fund_threshold, FundingRound round);

/// A bank's credit limit for an enterprise: Lambda x max(cash - debt, 12 x monthly revenue).
double credit_limit(const FinanceParams& p, double cash, double debt, double revenue_per_month);

/// Reads: enterprises' funding gaps, pipeline quality, cash, debt and revenue; funds.
/// Writes: funds' capital, enterprises' cash, equity and debt; the investments table.
void finance(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
