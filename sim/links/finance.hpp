// Link 4, science-and-technology finance (docs/model.md 3.3.6).
//
// Start-ups raise equity to reach their next milestone: a round carries the lead project
// through its current stage plus a buffer, and a start-up seeks one when its runway is short
// or when it has just passed a milestone. Investors hold a normal belief about a start-up's
// log quality: a prior, the public record (awards' certificates, milestone results) and
// each fund's own due diligence, weighted by their precisions. A fund leads a round when its
// belief plus the log chance that the lead project reaches the market clears its threshold for
// the round; guidance funds may join as co-investors and, when a policy lets them, lead in
// their fields. Rounds are priced at the risk-adjusted value of the road to market (the market
// value at the believed quality, the remaining stages' survival chances, discount and costs) plus
// cash, or traction; investors buy shares, and
// exits pay them by ownership. Closed-end sub-funds with public limited partners invest in
// their fields, keep to a local-investment share and distribute their capital at the end of
// their life. Banks lend to enterprises short of cash up to Lambda x max(net worth, annual
// revenue). Deals are handled in enterprise id order, so matching is deterministic.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

#include <span>

namespace innochain {

/// Score a fund needs for a round: its threshold plus a step per later round.
double round_threshold(const FinanceParams& p, double fund_threshold, FundingRound round);

/// A bank's credit limit for an enterprise: Lambda x max(cash - debt, 12 x monthly revenue).
double credit_limit(const FinanceParams& p, double cash, double debt, double revenue_per_month);

/// A fund's posterior mean of a firm's log quality (normal-normal): the prior, the public
/// record (its precision and precision-weighted sum) and the fund's own signal, each
/// weighted by its precision.
double believed_log_quality(const FinanceParams& p, double public_precision, double public_evidence, double own_signal);

/// Chance that a project of quality q in venture stage `stage` (0 breakthrough, 1 proof of
/// concept, 2 pilot), `progress` through it, survives every remaining stage's monthly failure
/// hazard over the stages' durations at full speed; 1 for stage 3 (a product on the market).
double chance_to_market(const Context& c, int stage, double progress, std::size_t field, double quality);

/// Value of a start-up with a product on the market believed to have log quality `log_quality`:
/// pre_money_market_yuan x exp(elasticity x (belief - prior mean)), at least the revenue multiple
/// x annual revenue.
double market_value(const FinanceParams& p, double log_quality, double revenue_per_month);

/// Risk-adjusted value of a start-up's road to market (its value without cash) at venture stage
/// `stage` (0-2), `progress` through it, in `field`, believed to have log quality `log_quality`
/// and burning `burn` a month at full speed: from the market value backwards, the value at the
/// start of each remaining stage is the value at its end x the chance of surviving the stage's
/// failure hazard at the believed quality x the discount over its months, less the stage's cost
/// (the burn scaled by the stage's cost relative to the current stage's, over its months). The
/// market value for stage 3. May be negative.
double road_value(const Context& c, int stage, double progress, std::size_t field, double log_quality, double burn,
                  double revenue_per_month);

/// Pre-money valuation of a start-up raising `amount`: the value of its road to market plus its
/// cash, at least the revenue multiple x annual revenue, and never so low that the round sells
/// more than max_round_share of the firm.
double pre_money_valuation(const Context& c, int stage, double progress, std::size_t field, double log_quality,
                           double burn, double cash, double revenue_per_month, double amount);

/// Pays every stake in `stakes` (all in firm e) its ownership share, shares / the firm's shares
/// outstanding, of `equity_value`, and closes them. Returns the total paid to investors.
double pay_by_ownership(State& s, std::span<const std::int32_t> stakes, std::size_t e, double equity_value);

/// Reads: enterprises' project costs, pipeline quality, cash, debt, revenue and levers (grants,
/// certificates, signal bonuses); projects (each start-up's lead project); funds.
/// Writes: funds' capital; enterprises' cash, equity, shares, valuation, stage record, public
/// record and debt; the investments table.
void finance(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
