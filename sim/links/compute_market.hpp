// The compute market (docs/model.md, compute market): accelerator time, in A100-equivalent
// GPU-hours, rented to R&D from capacity located in the regions (public compute centres and
// commercial clouds). The province is one market: the national computing network links its
// data centres within milliseconds (Shaoguan's cluster serves Guangzhou and Shenzhen), so
// capacity anywhere serves holders anywhere at one price. At the start of the month this phase
// sets the capacity and the price; the progress phase then lets holders choose their mix of
// compute and other inputs at that price (a CES technology, cost-minimising), adds up what they
// want, and rations proportionally when it exceeds the capacity. The price follows last
// month's utilisation: flat at the base price up to a target utilisation, rising above it,
// adjusting part of the way each month.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

namespace innochain {

/// The lowest compute price, relative to the base price, holders (and founders) plan with: a
/// subsidy of (nearly) the whole bill would make compute (nearly) free and the cost-minimising
/// demand unbounded (a modelling bound; real vouchers pay at most 50-80 %).
inline constexpr double kLowestRelativeComputePrice = 0.1;

/// A project's cost-minimising inputs for full speed, relative to what it needs at the base
/// price: other inputs x_o and compute x_c, with the unit-cost factor phi (cost at the
/// relative compute price over cost at the base price). With CES weight a of the other
/// inputs (their cost share at the base price), elasticity sigma and relative price pi:
///   phi = [a + (1 - a) pi^(1 - sigma)]^(1 / (1 - sigma)),  x_o = phi^sigma,  x_c = x_o pi^(-sigma)
/// (Cobb-Douglas at sigma = 1: phi = pi^(1 - a), x_o = pi^(1 - a), x_c = pi^(-a); Leontief at
/// sigma = 0: both 1). At pi = 1 both are exactly 1.
struct InputMix {
  double other = 1.0;
  double compute = 1.0;
  double unit_cost = 1.0;
};
InputMix cost_minimising_mix(double other_weight, double relative_price, double sigma);

/// The CES input index X(x_o, x_c) = [a x_o^r + (1 - a) x_c^r]^(1/r), r = (sigma - 1) / sigma:
/// 1 at the full-speed inputs at the base price, and on every cost-minimising mix (by
/// construction); it falls when compute is rationed (x_c below the mix's).
double input_index(double other_weight, double other, double compute, double sigma);

/// This month's price a holder in `region` pays (the base price for a hand-built state without
/// a market; one price for the province in this version).
inline double compute_price(const Context& c, const State& s, std::size_t /*region*/) {
  return s.compute.capacity_gpu_hours.empty() ? c.scenario.chain.compute.base_price_yuan_per_gpu_hour
                                              : s.compute.price_yuan_per_gpu_hour;
}

/// The share of what a holder in `region` wanted that it got this month (1 without a market).
inline double compute_served_share(const State& s, std::size_t /*region*/) { return s.compute.served_share; }

/// The price a region's market moves towards from utilisation u (wanted / available):
/// base x max(1, u / u*)^eta.
double target_compute_price(const ComputeParams& p, double utilisation);

/// Capacity of a region this month at the world's scale, GPU-hours: the scenario's (growing)
/// capacity, its new compute centre once open, and what policies add (lever compute.capacity).
double compute_capacity(const Context& c, const State& s, std::size_t region);

/// The phase, before progress. Reads: last month's wanted GPU-hours, the capacity levers.
/// Writes: each region's capacity and the province's price for the month (s.compute); the
/// capacity metric.
void compute_market(const Context& c, State& s, MonthMetrics& m);

/// Rationing, called by progress once holders' wants are known (per holders' region): the share
/// served, min(1, capacity / wanted); records what was wanted (next month's price reads it).
void clear_compute_market(const Context& c, State& s, const std::vector<double>& wanted_by_region);

}  // namespace innochain
