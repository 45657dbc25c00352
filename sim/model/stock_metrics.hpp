// The last phase of the month: stocks read off the tables (head counts, cash, debt,
// alive firms) and the ledger's external flows, into the month's metrics.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// Stocks read off the tables at the end of the month, and the ledger's flows.
void stock_metrics(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
