// Market: firms sell through product lines (docs/model.md, Market). Each line's appeal takes
// its own demand shocks; a launched product takes over a product line of its field (creative
// destruction, Klette and Kortum 2004); sector output is final demand propagated through the
// Leontief inverse and shared among a field's lines by appeal^theta; a firm's revenue is the
// sum of its lines' shares. Revenue becomes cash after operating costs; debt pays interest;
// start-ups without products exit when their cash runs out, firms that sell exit after
// sustained losses, firms whose products have gone close; chain leaders acquire start-ups with
// products; funded start-ups list. Investors exit with fat-tailed multiples, or write their
// stakes off.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

#include <span>

namespace innochain {

/// A product line's market weight: appeal^theta (theta = chain.market.quality_share_elasticity).
double line_weight(const MarketParams& p, double appeal);

/// The appeal of a launched product of quality 1: that of the field's typical line, whose weight is
/// the mean weight of the field's `lines` active lines (weight_sum / lines)^(1/theta). A launch of
/// quality q gets q times it, whatever the size of the good it takes over (docs/model.md, Market).
double launch_base_appeal(double weight_sum, std::int64_t lines, double theta);

/// Sector output X = (I - A)^-1 D for final demand D (yuan/month per field).
Eigen::VectorXd sector_output(const Context& c, const Eigen::VectorXd& final_demand);

/// Pareto exit multiple with scale x_min and tail index alpha, from a uniform draw u in (0, 1).
double exit_multiple(const FinanceParams& p, double u);

/// Active product lines by owner, in line id order: those of firm e are ids[first[e]] ..
/// ids[first[e + 1] - 1].
struct LinesByOwner {
  std::vector<std::size_t> first;
  std::vector<std::int32_t> ids;
  std::span<const std::int32_t> of(std::size_t e) const {
    return std::span<const std::int32_t>(ids).subspan(first[e], first[e + 1] - first[e]);
  }
};
LinesByOwner active_lines_by_owner(const State& s);

/// Idiosyncratic demand shocks to every active product line, sd = chain.market.line_shock_sd_per_year
/// / sqrt(12), Z ~ N(0, 1) from stream line_shock (entity = line id, this month): with
/// line_shock_reversion_per_year = 0 a driftless geometric random walk, appeal *= exp(sd Z - sd^2/2);
/// with kappa > 0 the log shock x is an Ornstein-Uhlenbeck process around the appeal the line entered
/// with (x' = rho x + sd Z, rho = exp(-kappa/12), appeal = entry appeal x exp(x - v/2), v the
/// variance of x). Called first by market(); no-op when sd = 0.
void line_shocks(const Context& c, State& s);

/// Reads: products launched this month, demand, enterprises, product lines, investments.
/// Writes: product lines (takeovers, closures, acquisitions); enterprises' revenue, cash, debt,
/// alive and kind; funds' capital; investments' status; projects of exited and acquired firms.
void market(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain
