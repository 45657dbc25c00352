// The stock-flow-consistent money ledger (docs/model.md). Money is held by
// institutes (retained transfer income), enterprises (cash) and financiers
// (capital). It moves between them through internal transfers, and enters or
// leaves the modelled economy only through the external flows below. Each
// month, the change in the money stock equals sources minus sinks; a test
// checks it every month of a baseline run.
#pragma once

#include <array>

namespace innochain {

enum LedgerFlow : int {
  // Sources: money entering the modelled economy.
  lf_public_budget,     ///< government funds spent by institutes (basic research and projects)
  lf_outside_demand,    ///< revenue from buyers (final and intermediate demand)
  lf_new_fund_capital,  ///< capital raised by venture and guidance funds
  lf_founder_money,     ///< founders' own money in new start-ups and SMEs
  lf_listing_proceeds,  ///< public-market buyers paying investors at a listing
  lf_policy_spending,   ///< public money paid out by policy instruments
  // Sinks: money leaving it.
  lf_research_spending,   ///< institutes' research spending (wages, compute, inputs)
  lf_operating_costs,     ///< enterprises' non-R&D operating costs
  lf_enterprise_rd,       ///< enterprises' R&D project spending
  lf_inventor_income,     ///< inventors' share of licence fees
  lf_owners_payout,       ///< exiting firms' remaining cash, founders' share of acquisition prices
  lf_fund_distributions,  ///< funds' capital paid out to their limited partners (closed-end funds at the end of their
                          ///< life, evergreen funds above their target size)
  kLedgerFlows
};

inline constexpr int kFirstSink = lf_research_spending;

struct Ledger {
  std::array<double, kLedgerFlows> month{};  ///< this month's external flows, yuan
  void clear() { month.fill(0.0); }
  double sources() const;
  double sinks() const;
};

}  // namespace innochain
