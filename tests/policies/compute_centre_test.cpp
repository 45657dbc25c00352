// compute_centre: a public compute centre adds GPU-hours to the compute market of its regions
// once built, costs the public its accelerators' running cost, and lowers the price and relieves
// rationing where compute is scarce.
#include "support/policy_pair.hpp"

#include "links/compute_market.hpp"
#include "model/simulation.hpp"
#include "policies/policy.hpp"
#include "scenario/decode.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace innochain;

namespace {

Scenario small_with(const std::string& policies, const std::vector<std::string>& sets = {}) {
  return load_scenario_text(std::string("extends: ") + INNOCHAIN_SOURCE_DIR +
                                "/scenarios/guangdong_small.yaml\npolicies:\n" + policies + "\n",
                            "<centre>", ".", sets);
}

}  // namespace

TEST_CASE("a compute centre adds its GPU-hours to its regions from the month it opens, at its cost", "[policies]") {
  const Scenario s = small_with(
      "  - {type: compute_centre, name: centre, start_month: 2, build_months: 3, gpus: 20000, availability: 0.9,\n"
      "     cost_yuan_per_gpu_month: 3000, eligible: {regions: [shenzhen, guangzhou]}}",
      {"horizon_months=8"});
  const Scenario plain = small_with("  []", {"horizon_months=8"});
  Simulation with(s, RunKey{1, 0});
  Simulation without(plain, RunKey{1, 0});
  const double scale = s.world.scale;
  const double hours = 20000.0 * scale * 730.0 * 0.9;
  std::size_t shenzhen = 0, guangzhou = 0, dongguan = 0;
  for (std::size_t r = 0; r < s.world.regions.size(); ++r) {
    if (s.world.regions[r].name == "shenzhen") shenzhen = r;
    if (s.world.regions[r].name == "guangzhou") guangzhou = r;
    if (s.world.regions[r].name == "dongguan") dongguan = r;
  }
  for (int month = 0; month < 8; ++month) {
    with.step();
    without.step();
    INFO("month " << month);
    const auto& cw = with.state().compute.capacity_gpu_hours;
    const auto& cb = without.state().compute.capacity_gpu_hours;
    const bool open = month >= 5;  // start_month 2 + build_months 3
    CHECK(cw[shenzhen] - cb[shenzhen] == Approx(open ? hours / 2.0 : 0.0).margin(1e-6));
    CHECK(cw[guangzhou] - cb[guangzhou] == Approx(open ? hours / 2.0 : 0.0).margin(1e-6));
    CHECK(cw[dongguan] == Approx(cb[dongguan]));  // not eligible
    CHECK(with.metrics().at(m_policy_spending, 0) == Approx(open ? 20000.0 * scale * 3000.0 : 0.0));
    CHECK(with.metrics().at(m_policy_units_served, 0) == Approx(open ? hours : 0.0));
  }
}

TEST_CASE("where compute is scarce a compute centre lowers the price and raises compute use", "[policies]") {
  // Capacity cut to a sliver of the baseline's so that utilisation is far above the target.
  std::vector<std::string> scarce;
  for (const char* region : {"guangzhou", "shenzhen", "dongguan", "foshan", "zhuhai", "hong_kong", "other_gd"})
    scarce.push_back(std::string("world.regions.") + region + ".compute_capacity_gpu_hours_per_month=2.0e5");
  const auto r = test::run_pair(R"(  - type: compute_centre
    name: big_centre
    gpus: 5000
    eligible: {regions: [shenzhen]})",
                                36, 3, 0.01, scarce);
  const double gpu_hours = test::mean_difference(r, m_compute_gpu_hours);
  const double price = test::mean_difference(r, m_compute_price);
  // The share of what holders wanted that the market could not serve (the wants themselves rise
  // as the price falls).
  double rationed_base = 0.0, rationed_policy = 0.0;
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    rationed_base += r.baseline[k][m_compute_rationed_gpu_hours] / r.baseline[k][m_compute_wanted_gpu_hours];
    rationed_policy += r.policy[k][m_compute_rationed_gpu_hours] / r.policy[k][m_compute_wanted_gpu_hours];
  }
  INFO("GPU-hours difference " << gpu_hours << ", price difference (sum of monthly prices) " << price
                               << ", rationed GPU-hours baseline " << rationed_base << ", with the centre "
                               << rationed_policy);
  CHECK(gpu_hours > 0.0);
  CHECK(price < 0.0);
  CHECK(rationed_policy < rationed_base);
}
