// The spin-up (world.spin_up_months, docs/model.md 3.1): the months run from the constructed
// population before month 0.
#include "model/simulation.hpp"
#include "links/compute_market.hpp"
#include "model/population.hpp"
#include "scenario/decode.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

using namespace innochain;

namespace {

const std::string kSmall = std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml";

Scenario small(int spin_up, std::vector<std::string> sets = {}) {
  sets.push_back("world.spin_up_months=" + std::to_string(spin_up));
  return load_scenario_file(kSmall, sets);
}

RunKey key_of(const Scenario& s) { return RunKey{static_cast<std::uint64_t>(s.seed), 0}; }

}  // namespace

TEST_CASE("the spin-up runs the constructed economy to month 0", "[simulation][spin_up]") {
  const Scenario built = small(0), spun = small(24);
  const Simulation at_start(built, key_of(built));
  const Simulation after(spun, key_of(spun));
  CHECK(at_start.months_completed() == 0);
  CHECK(after.months_completed() == 0);  // the recorded months start at 0 either way
  const Enterprises& e0 = at_start.state().enterprises;
  const Enterprises& e1 = after.state().enterprises;
  REQUIRE(e1.size() > e0.size());  // two years of entry added firms
  std::int64_t entrants = 0, selling = 0;
  for (std::size_t e = 0; e < e1.size(); ++e) {
    // Every firm present at month 0 was founded before it: the constructed ones carry -1, the
    // spin-up's entrants their (negative) founding month.
    CHECK(e1.founded_month[e] < 0);
    CHECK(e1.founded_month[e] >= -24);
    if (e >= e0.size()) entrants += 1;
    // A firm selling at month 0 reads as selling from month 0, whenever its first line came.
    if (e1.alive[e] && e1.product_lines[e] > 0) {
      CHECK(e1.first_product_month[e] == 0);
      selling += 1;
    }
  }
  CHECK(entrants > 0);
  CHECK(selling > 0);
  // Firms constructed at the start have aged by the spin-up.
  for (std::size_t e = 0; e < e0.size(); ++e)
    if (e1.alive[e]) CHECK(e1.age_months[e] == e0.age_months[e] + 24);
}

TEST_CASE("no policy acts during the spin-up: a policy run reaches month 0 in the baseline's state",
          "[simulation][spin_up]") {
  const Scenario baseline = small(12);
  const std::string text = "extends: " + kSmall +
                           "\nname: spin_up_policy\nworld:\n  spin_up_months: 12\npolicies:\n"
                           "  - {type: rd_subsidy, name: grants, start_month: 0, rate: 0.15, budget_yuan: 6.0e11}\n"
                           "  - {type: compute_voucher, name: vouchers, start_month: 0, subsidy_rate: 0.5,\n"
                           "     per_firm_cap_yuan: 1.0e7, budget_yuan: 5.0e8}\n";
  const Scenario policy =
      load_scenario_text(text, "<spin-up test>", std::filesystem::path(kSmall).parent_path().string(), {});
  REQUIRE(policy.policies.size() == 2);
  Simulation a(baseline, key_of(baseline)), b(policy, key_of(policy));
  const State& sa = a.state();
  const State& sb = b.state();
  CHECK(sa.enterprises.size() == sb.enterprises.size());
  CHECK(sa.enterprises.cash_yuan == sb.enterprises.cash_yuan);
  CHECK(sa.enterprises.revenue_yuan_per_month == sb.enterprises.revenue_yuan_per_month);
  CHECK(sa.enterprises.alive == sb.enterprises.alive);
  CHECK(sa.projects.size() == sb.projects.size());
  CHECK(sa.talent.employer == sb.talent.employer);
  CHECK(sa.institutes.cash_yuan == sb.institutes.cash_yuan);
  CHECK(sa.market_wage_index == sb.market_wage_index);
  // From month 0 the policies act.
  a.step();
  b.step();
  CHECK(sa.enterprises.cash_yuan != sb.enterprises.cash_yuan);
}

TEST_CASE("exogenous trends hold at their month-0 values through the spin-up", "[simulation][spin_up]") {
  const std::vector<std::string> trends = {"agents.institutes.budget_growth_per_year=0.1",
                                           "chain.compute.capacity_growth_per_year=0.2"};
  const Scenario s = small(12, trends);
  const Context c(s, key_of(s));
  const State constructed = build_population(c);
  CHECK(constructed.month == -12);
  Simulation sim(s, key_of(s));
  CHECK(sim.state().institutes.budget_yuan_per_month == constructed.institutes.budget_yuan_per_month);
  for (std::size_t r = 0; r < sim.context().regions; ++r)
    CHECK(compute_capacity(sim.context(), sim.state(), r) == compute_capacity(c, constructed, r));
  // After month 0 they grow.
  sim.step();
  sim.step();
  CHECK(sim.state().institutes.budget_yuan_per_month[0] > constructed.institutes.budget_yuan_per_month[0]);
}
