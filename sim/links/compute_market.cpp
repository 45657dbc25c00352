#include "links/compute_market.hpp"

#include <algorithm>
#include <cmath>

namespace innochain {

namespace {

bool cobb_douglas(double sigma) { return std::abs(sigma - 1.0) < 1e-9; }

}  // namespace

InputMix cost_minimising_mix(double a, double pi, double sigma) {
  InputMix mix;
  if (pi == 1.0 || a >= 1.0) return mix;  // the base mix; a project without compute
  if (sigma <= 0.0) {                     // Leontief: no substitution, the cost moves with the price
    mix.unit_cost = a + (1.0 - a) * pi;
    return mix;
  }
  if (cobb_douglas(sigma)) {
    mix.unit_cost = std::pow(pi, 1.0 - a);
    mix.other = mix.unit_cost;
    mix.compute = mix.unit_cost / pi;
    return mix;
  }
  mix.unit_cost = std::pow(a + (1.0 - a) * std::pow(pi, 1.0 - sigma), 1.0 / (1.0 - sigma));
  mix.other = std::pow(mix.unit_cost, sigma);
  mix.compute = mix.other * std::pow(pi, -sigma);
  return mix;
}

double input_index(double a, double other, double compute, double sigma) {
  if (a >= 1.0) return other;
  if (sigma <= 0.0) return std::min(other, compute);
  if (cobb_douglas(sigma)) return std::pow(other, a) * std::pow(compute, 1.0 - a);
  const double r = (sigma - 1.0) / sigma;
  if (r < 0.0 && (other <= 0.0 || compute <= 0.0)) return 0.0;  // complements: no input, no progress
  return std::pow(a * std::pow(other, r) + (1.0 - a) * std::pow(compute, r), 1.0 / r);
}

double target_compute_price(const ComputeParams& p, double utilisation) {
  const double excess = utilisation / p.target_utilisation;
  return p.base_price_yuan_per_gpu_hour * (excess > 1.0 ? std::pow(excess, p.price_elasticity) : 1.0);
}

double compute_capacity(const Context& c, const State& s, std::size_t r) {
  const RegionSpec& region = c.scenario.world.regions[r];
  const double t = static_cast<double>(s.recorded_month());
  double province = region.compute_capacity_gpu_hours_per_month *
                    std::pow(1.0 + c.scenario.chain.compute.capacity_growth_per_year, t / 12.0);
  if (t >= region.new_compute_centre_month) province += region.new_compute_centre_gpu_hours_per_month;
  const double added = s.levers.compute_capacity_gpu_hours.empty() ? 0.0 : s.levers.compute_capacity_gpu_hours[r];
  return province * c.scenario.world.scale + added;  // policies add capacity already at the world's scale
}

void compute_market(const Context& c, State& s, MonthMetrics& m) {
  const ComputeParams& p = c.scenario.chain.compute;
  ComputeMarket& cm = s.compute;
  const std::size_t R = c.regions;
  if (cm.capacity_gpu_hours.size() != R) {  // the first month: the base price, nothing wanted yet
    cm.price_yuan_per_gpu_hour = p.base_price_yuan_per_gpu_hour;
    cm.wanted_gpu_hours.assign(R, 0.0);
    cm.served_share = 1.0;
  }
  cm.capacity_gpu_hours.resize(R);
  double capacity = 0.0, wanted = 0.0;
  for (std::size_t r = 0; r < R; ++r) {
    cm.capacity_gpu_hours[r] = compute_capacity(c, s, r);
    capacity += cm.capacity_gpu_hours[r];
    wanted += cm.wanted_gpu_hours[r];
    m.at(m_compute_capacity_gpu_hours, r) += cm.capacity_gpu_hours[r];
  }
  // Last month's wants against this month's capacity: a centre that opens lowers the price at once.
  const double utilisation = capacity > 0.0 ? wanted / capacity : (wanted > 0.0 ? 1e6 : 0.0);
  cm.price_yuan_per_gpu_hour +=
      p.price_adjustment_per_month * (target_compute_price(p, utilisation) - cm.price_yuan_per_gpu_hour);
}

void clear_compute_market(const Context& c, State& s, const std::vector<double>& wanted_by_region) {
  ComputeMarket& cm = s.compute;
  if (cm.capacity_gpu_hours.size() != c.regions) return;  // a hand-built state without a market: never rationed
  cm.wanted_gpu_hours = wanted_by_region;
  double capacity = 0.0, wanted = 0.0;
  for (std::size_t r = 0; r < c.regions; ++r) {
    capacity += cm.capacity_gpu_hours[r];
    wanted += wanted_by_region[r];
  }
  cm.served_share = wanted > capacity ? capacity / wanted : 1.0;
}

}  // namespace innochain
