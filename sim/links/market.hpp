// Market: launched products add quality to their firm and final demand to their
// sector; sector output is final demand propagated through the Leontief
// inverse; within a sector, firms share output in proportion to their market
// weight raised to a quality elasticity. Revenue becomes cash after operating
// costs; debt pays interest; firms exit after sustained losses; chain leaders
// acquire start-ups with products; funded start-ups list. Investors exit with
// fat-tailed multiples, or write their stakes off.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// A firm's market weight: (base size + product demand x product quality)^theta.
double market_weight(const MarketParams& p, double base_size, double product_quality, double product_demand);

/// Sector output X = (I - A)^-1 D for final demand D (yuan/month per field).
Eigen::VectorXd sector_output(const Context& c, const Eigen::VectorXd& final_demand);

/// Pareto exit multiple with scale x_min and tail index alpha, from a uniform draw u in (0, 1).
double exit_multiple(const FinanceParams& p, double u);

/// Idiosyncratic shocks to the existing business of every alive firm: base size b_e *=
/// exp(sd Z - sd^2/2), sd = chain.market.size_shock_sd_per_year / sqrt(12), Z ~ N(0, 1) from
/// stream size_shock (entity e, this month). Called first by market(); no-op when sd = 0.
void size_shocks(const Context& c, State& s);

/// Reads: products launched this month, demand, enterprises, investments.
/// Writes: enterprises' revenue, cash, debt, products, alive and kind; funds' capital;
/// investments' status; projects of exited and acquired firms.
void market(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
