#include "links/compute_market.hpp"

#include "links/progress.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace innochain;

namespace {

/// `firms` enterprises with ample money, each holding one project in BREAKTHROUGH.
State rich_firms(const Context& c, std::size_t firms) {
  State st = test::rich_firms_with_projects(c, firms);
  st.levers.reset(c.friction, c.fields, c.regions, 0);
  return st;
}

Scenario market_world(double capacity) {
  Scenario s = test::tiny_scenario();
  for (auto& st : s.chain.progress.stages) {
    st.hazard_per_month = 0.0;
    st.duration_months = 1000.0;  // nobody finishes a stage during the test
  }
  s.world.fields[0].compute_gpu_hours_per_month = 10000.0;
  s.world.regions[0].compute_capacity_gpu_hours_per_month = capacity;
  s.chain.compute.capacity_growth_per_year = 0.0;
  return s;
}

/// One month: the market sets capacity and price, then projects buy and advance.
void month(const Context& c, State& st, MonthMetrics& m) {
  m.clear();
  compute_market(c, st, m);
  progress(c, st, m);
  st.month += 1;
}

}  // namespace

TEST_CASE("the cost-minimising mix is on the unit isoquant and costs least", "[compute]") {
  for (const double sigma : {0.0, 0.3, 0.5, 1.0, 2.0}) {
    for (const double pi : {0.4, 1.0, 1.7}) {
      const double a = 0.7;  // other inputs' cost share at the base price
      const InputMix mix = cost_minimising_mix(a, pi, sigma);
      INFO("sigma " << sigma << ", relative price " << pi);
      CHECK(input_index(a, mix.other, mix.compute, sigma) == Approx(1.0).epsilon(1e-12));
      // The cost of the mix, relative to the base price's (other inputs a, compute (1 - a) pi per unit).
      const double cost = a * mix.other + (1.0 - a) * pi * mix.compute;
      CHECK(cost == Approx(mix.unit_cost).epsilon(1e-12));
      if (pi == 1.0) {
        CHECK(mix.other == 1.0);
        CHECK(mix.compute == 1.0);
      }
      if (sigma > 0.0 && pi < 1.0) CHECK(mix.compute > 1.0);  // cheaper compute: more of it
      if (sigma > 0.0 && pi > 1.0) CHECK(mix.compute < 1.0);
      // Any other point on the isoquant costs more: move compute by +-10 % and solve for the other input.
      if (sigma > 0.0)
        for (const double shift : {0.9, 1.1}) {
          const double xc = mix.compute * shift;
          double lo = 0.0, hi = 100.0;
          for (int k = 0; k < 200; ++k) {
            const double mid = 0.5 * (lo + hi);
            (input_index(a, mid, xc, sigma) < 1.0 ? lo : hi) = mid;
          }
          if (hi < 99.0) CHECK(a * hi + (1.0 - a) * pi * xc > cost);
        }
    }
  }
  // Cobb-Douglas and Leontief in closed form.
  CHECK(cost_minimising_mix(0.6, 0.5, 1.0).unit_cost == Approx(std::pow(0.5, 0.4)));
  CHECK(cost_minimising_mix(0.6, 0.5, 0.0).unit_cost == Approx(0.6 + 0.4 * 0.5));
  CHECK(input_index(0.6, 1.0, 0.5, 0.0) == 0.5);
  // Complements: no compute, no progress.
  CHECK(input_index(0.6, 1.0, 0.0, 0.5) == 0.0);
}

TEST_CASE("the target price is flat up to the target utilisation and rises above it", "[compute]") {
  const ComputeParams p;
  CHECK(target_compute_price(p, 0.0) == p.base_price_yuan_per_gpu_hour);
  CHECK(target_compute_price(p, p.target_utilisation) == p.base_price_yuan_per_gpu_hour);
  CHECK(target_compute_price(p, 1.0) ==
        Approx(p.base_price_yuan_per_gpu_hour * std::pow(1.0 / p.target_utilisation, p.price_elasticity)));
  CHECK(target_compute_price(p, 1.2) > target_compute_price(p, 1.0));
}

TEST_CASE("the price rises with utilisation, and the market rations when full", "[compute]") {
  // Four firms want 4 x 10 000 GPU-hours a month at full speed.
  const double wanted = 4 * 10000.0;
  const auto run = [&](double capacity, int months, MonthMetrics& m) {
    const Scenario s = market_world(capacity);
    const Context c(s, RunKey{1, 0});
    State st = rich_firms(c, 4);
    std::vector<double> prices;
    for (int k = 0; k < months; ++k) {
      month(c, st, m);
      prices.push_back(st.compute.price_yuan_per_gpu_hour);
    }
    return std::pair{st.compute, prices};
  };
  const double base = ComputeParams{}.base_price_yuan_per_gpu_hour;
  MonthMetrics ample_m(1, 1), tight_m(1, 1), full_m(1, 1);
  const auto [ample, ample_prices] = run(10.0 * wanted, 12, ample_m);  // utilisation 0.1
  const auto [tight, tight_prices] = run(wanted / 0.95, 12, tight_m);  // about 0.95: above the target 0.8
  const auto [full, full_prices] = run(0.5 * wanted, 12, full_m);      // wants twice the capacity
  for (const double p : ample_prices) CHECK(p == base);
  CHECK(ample.served_share == 1.0);
  CHECK(ample_m.total(m_compute_rationed_gpu_hours) == 0.0);
  // Above the target the price climbs month by month and settles where utilisation meets it.
  CHECK(tight_prices[0] == base);  // month 0: nothing was wanted before
  CHECK(tight_prices[1] > base);
  CHECK(tight_prices[11] > tight_prices[1]);
  CHECK(full_prices[11] > tight_prices[11]);
  CHECK(ample_m.at(m_compute_utilisation) == Approx(0.1));
  // Full: every holder gets the same share of what it wants; the market sells its capacity.
  CHECK(full.served_share < 1.0);
  CHECK(full_m.total(m_compute_gpu_hours) == Approx(0.5 * wanted));
  CHECK(full_m.at(m_compute_utilisation) == Approx(1.0));
  CHECK(full_m.total(m_compute_rationed_gpu_hours) ==
        Approx(full_m.total(m_compute_wanted_gpu_hours) - full_m.total(m_compute_gpu_hours)));
  CHECK(full_m.at(m_compute_price) == Approx(full_prices[11]));
}

TEST_CASE("a compute-short project slows even with money to spare", "[compute]") {
  const double wanted = 2 * 10000.0;
  const Scenario ample_s = market_world(10.0 * wanted), short_s = market_world(0.5 * wanted);
  const Context ample_c(ample_s, RunKey{1, 0}), short_c(short_s, RunKey{1, 0});
  State ample = rich_firms(ample_c, 2), rationed = rich_firms(short_c, 2);
  MonthMetrics m(1, 1);
  month(ample_c, ample, m);
  const double ample_rd = ample.enterprises.rd_spent_yuan[0];
  month(short_c, rationed, m);
  CHECK(rationed.compute.served_share == Approx(0.5));
  // Money is no constraint (no funding gap), yet the rationed project advances more slowly: the
  // CES index with half its compute (complements, sigma 0.5) is below 1.
  CHECK(rationed.enterprises.funding_gap_yuan[0] == 0.0);
  const double a = short_c.other_weight[short_c.input_index(0, Stage::breakthrough)];
  const double index = input_index(a, 1.0, 0.5, short_s.chain.compute.substitution_elasticity);
  CHECK(index < 1.0);
  CHECK(rationed.projects.progress[0] == Approx(ample.projects.progress[0] * index));
  // It pays only for the compute it got.
  CHECK(rationed.enterprises.rd_spent_yuan[0] ==
        Approx(ample_rd - 0.5 * 10000.0 * short_s.chain.compute.base_price_yuan_per_gpu_hour));
}

TEST_CASE("capacity grows, a scenario's new centre opens on time, and policies add to it", "[compute]") {
  Scenario s = market_world(1000.0);
  s.chain.compute.capacity_growth_per_year = 0.2;
  s.world.regions[0].new_compute_centre_gpu_hours_per_month = 500.0;
  s.world.regions[0].new_compute_centre_month = 6;
  s.world.scale = 0.5;
  const Context c(s, RunKey{1, 0});
  State st = rich_firms(c, 1);
  st.month = 5;
  CHECK(compute_capacity(c, st, 0) == Approx(0.5 * 1000.0 * std::pow(1.2, 5.0 / 12.0)));
  st.month = 6;
  CHECK(compute_capacity(c, st, 0) == Approx(0.5 * (1000.0 * std::pow(1.2, 0.5) + 500.0)));
  st.levers.compute_capacity_gpu_hours[0] = 70.0;  // already at the world's scale
  CHECK(compute_capacity(c, st, 0) == Approx(0.5 * (1000.0 * std::pow(1.2, 0.5) + 500.0) + 70.0));
}
