#include "core/ledger.hpp"
#include "links/finance.hpp"
#include "output/execute.hpp"
#include "output/inspect.hpp"
#include "policies/policy.hpp"
#include "support/policy_pair.hpp"
#include "support/tiny_world.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>

using namespace innochain;

namespace {

const std::string kSmall = std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml";

/// The row the policy instance `index` added to the financier table, -1 if none.
std::int32_t policy_fund(const Financiers& fi, int index) {
  for (std::size_t f = 0; f < fi.size(); ++f)
    if (fi.policy[f] == index) return static_cast<std::int32_t>(f);
  return -1;
}

}  // namespace

TEST_CASE("a guidance fund means more guidance co-investment and no more firms failing", "[policies]") {
  // A large fund that co-invests three yuan per venture yuan at a low threshold. Funded
  // start-ups raise bigger rounds: they survive longer, and with their gaps closed they need
  // fewer follow-on venture rounds (venture deals fall; reported, not checked).
  const auto r = test::run_pair(R"(  - type: guidance_fund
    name: big_fund
    capital_yuan: 4.0e11
    threshold_discount: 1.5
    coinvest_ratio: 3.0)",
                                72, 12, 0.05);
  const double reps = static_cast<double>(r.policy.size());
  double guidance_base = 0.0, deals_base = 0.0, exits_base = 0.0, paid = 0.0, units = 0.0;
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    guidance_base += r.baseline[k][m_invested_guidance] / reps;
    deals_base +=
        (r.baseline[k][m_deals_seed] + r.baseline[k][m_deals_series_a] + r.baseline[k][m_deals_series_b]) / reps;
    exits_base += r.baseline[k][m_exits_runway] / reps;
    paid += r.policy[k][m_policy_spending] / reps;
    units += r.policy[k][m_policy_units_served] / reps;
  }
  const double guidance = test::mean_difference(r, m_invested_guidance);
  const double deals = test::mean_difference(r, m_deals_seed) + test::mean_difference(r, m_deals_series_a) +
                       test::mean_difference(r, m_deals_series_b);
  // Start-ups that ran out of cash before a product (the exits these policies act on; firm_exits
  // also counts the SME turnover, whose noise is larger than the effect at this scale).
  const double exits = test::mean_difference(r, m_exits_runway);
  INFO("guidance co-investment: baseline "
       << guidance_base << ", difference " << guidance << "; venture deals: baseline " << deals_base << ", difference "
       << deals << "; runway exits: baseline " << exits_base << ", difference " << exits << "; fund co-investments "
       << units << ", capital committed " << paid);
  CHECK(guidance > 0.0);
  // Start-ups spread their cash over a planned runway (agents.enterprises.startup_runway_months):
  // bigger rounds hire bigger teams rather than lengthening the runway, so with product lines and
  // runway exits the fund's effect on exits is about zero at this size (reported above, not
  // checked; the finance mechanism is issue 20's). It must not raise them noticeably.
  CHECK(exits < 0.02 * exits_base);
  for (const auto& p : r.policy) {
    CHECK(p[m_policy_spending] == Approx(2.0e10));  // the capital at the run's 1/20 scale, committed once
    CHECK(p[m_policy_units_served] > 0.0);
  }
}

TEST_CASE("a guidance fund restricted to a field co-invests only there, at its own ratio", "[policies]") {
  Scenario s = test::tiny_scenario(2);
  s.chain.finance.deals_per_month = 100000;
  const Context c(s, RunKey{43, 0});
  const int n = 400;
  State st;
  st.institutes.resize(0, c.fields);
  st.financiers.resize(2);
  st.financiers.kind = {FinancierKind::venture_capital, FinancierKind::guidance_fund};
  st.financiers.capital_yuan = {1e13, 1e13};
  st.financiers.threshold = {-100.0, -100.0};  // both always accept
  st.financiers.coinvest_ratio[1] = 0.8;
  st.financiers.field_mask[1] = 0b01;  // field 0 only
  st.financiers.policy[1] = 0;
  st.policy_spending.assign(1, 0.0);
  st.policy_units.assign(1, 0.0);
  st.enterprises.resize(n);
  for (int e = 0; e < n; ++e) {
    st.enterprises.kind[e] = EnterpriseKind::startup;
    st.enterprises.alive[e] = 1;
    st.enterprises.field[e] = static_cast<std::uint16_t>(e % 2);
    st.enterprises.funding_gap_yuan[e] = 1e5;
    st.enterprises.pipeline_quality[e] = 1.0;
  }
  index_enterprises_by_field(st, c.fields);
  MonthMetrics m(2, 1, 1);
  finance(c, st, m);
  const double amount = 1e5 * s.chain.finance.round_runway_months;
  CHECK(m.total(m_deals_seed) == n);  // every start-up gets its venture round
  int co_field0 = 0;
  for (std::size_t k = 0; k < st.investments.size(); ++k) {
    if (st.investments.financier[k] != 1) continue;
    INFO("co-investment in firm " << st.investments.enterprise[k]);
    CHECK(st.enterprises.field[st.investments.enterprise[k]] == 0);
    CHECK(st.investments.amount_yuan[k] == Approx(0.8 * amount));
    ++co_field0;
  }
  CHECK(co_field0 == n / 2);  // friction 1, threshold never binds: every field-0 deal
  CHECK(m.at(m_invested_guidance, 1) == 0.0);
  CHECK(m.at(m_invested_guidance, 0) == Approx(0.8 * amount * n / 2));
  CHECK(st.policy_units[0] == n / 2);
  CHECK(st.policy_spending[0] == 0.0);  // investments are not counted again
  CHECK(st.ledger.month[lf_policy_spending] == 0.0);
}

TEST_CASE("a guidance fund is created once, restricted, and keeps the ledger balanced with pilot platforms too",
          "[policies]") {
  const int months = 48, start = 6;
  const double scale = 0.03;
  const double capital = 5.0e9 * scale;  // the province-wide capital at the run's scale
  const Scenario s =
      load_scenario_text("extends: " + kSmall + R"(
output: {events_deals: true}
policies:
  - type: guidance_fund
    name: lh_fund
    start_month: 6
    end_month: 12
    eligible: {fields: [electronic_information], regions: [shenzhen]}
    capital_yuan: 5.0e9
    coinvest_ratio: 2.0
  - type: poc_pilot_platform
    name: platforms
    budget_yuan: 1.0e8
)",
                         "<guidance fund>", ".", {"horizon_months=48", fmt::format("world.scale={}", scale)});
  const std::size_t electronic_information = 0, shenzhen = 1;
  Simulation sim(s, RunKey{static_cast<std::uint64_t>(s.seed), 0});
  const std::size_t initial = sim.state().financiers.size();
  int fund_deals = 0;
  double platform_paid = 0.0;
  for (int month = 0; month < months; ++month) {
    const double before = money_stock(sim.state());
    sim.step();
    const State& st = sim.state();
    const double net = st.ledger.sources() - st.ledger.sinks();
    INFO("month " << month);
    REQUIRE(std::abs((money_stock(st) - before) - net) <=
            1e-9 * (std::abs(before) + st.ledger.sources() + st.ledger.sinks()));
    CHECK(st.financiers.size() == (month < start ? initial : initial + 1));  // one fund, created once
    CHECK(sim.metrics().at(m_policy_spending, 0) == Approx(month == start ? capital : 0.0));
    platform_paid += sim.metrics().at(m_policy_spending, 1);
    if (month < start) continue;
    const std::int32_t fund = policy_fund(st.financiers, 0);
    REQUIRE(fund == static_cast<std::int32_t>(initial));
    CHECK(st.financiers.region[fund] == shenzhen);
    CHECK(st.financiers.coinvest_ratio[fund] == 2.0);
    const auto& ev = st.events.deals;
    double fund_units = 0.0;
    for (std::size_t k = 0; k < ev.month.size(); ++k) {
      if (ev.financier[k] != fund) continue;
      CHECK(ev.financier_kind[k] == static_cast<std::int32_t>(FinancierKind::guidance_fund));
      CHECK(st.enterprises.field[ev.enterprise[k]] == electronic_information);
      CHECK(st.enterprises.region[ev.enterprise[k]] == shenzhen);
      fund_units += 1.0;
      ++fund_deals;
    }
    CHECK(sim.metrics().at(m_policy_units_served, 0) == fund_units);
  }
  // The fund keeps investing after its window closed (month 12).
  CHECK(fund_deals > 0);
  CHECK(platform_paid > 0.0);
  CHECK(platform_paid <= 1.0e8 * scale * (1.0 + 1e-12));
}

TEST_CASE("a guidance fund split into sub-funds places them in the eligible regions in turn", "[policies]") {
  const Scenario s = load_scenario_text("extends: " + kSmall + R"(
policies:
  - {type: guidance_fund, name: fof, capital_yuan: 4.0e11, sub_funds: 500, eligible: {regions: [shenzhen, foshan]}}
)",
                                        "<sub-funds>", ".", {"horizon_months=2"});
  Simulation sim(s, RunKey{1, 0});
  const std::size_t initial = sim.state().financiers.size();
  sim.step();
  const Financiers& fi = sim.state().financiers;
  REQUIRE(fi.size() == initial + 5);
  const std::vector<std::uint16_t> regions = {1, 3, 1, 3, 1};  // shenzhen, foshan, ...
  for (std::size_t k = 0; k < 5; ++k) {
    const std::size_t f = initial + k;
    INFO("sub-fund " << k);
    CHECK(fi.kind[f] == FinancierKind::guidance_fund);
    CHECK(fi.policy[f] == 0);
    CHECK(fi.region[f] == regions[k]);
    CHECK(fi.region_mask[f] == ((1u << 1) | (1u << 3)));
    CHECK(fi.field_mask[f] == ~std::uint64_t{0});  // every field: unrestricted
    CHECK(fi.threshold[f] == s.chain.finance.venture_threshold - 0.5);
  }
  CHECK(sim.metrics().at(m_policy_spending, 0) == Approx(4.0e9));  // 1/100 of the province's 4.0e11
  sim.step();
  CHECK(sim.state().financiers.size() == initial + 5);  // created once
  CHECK(sim.metrics().at(m_policy_spending, 0) == 0.0);
}

TEST_CASE("runs with pilot platforms and a guidance fund are bit-identical at 1 and 4 threads", "[policies]") {
  const Scenario s = load_scenario_text("extends: " + kSmall + R"(
policies:
  - {type: guidance_fund, name: fund, start_month: 3, eligible: {fields: [electronic_information]}}
  - {type: poc_pilot_platform, name: platforms, eligible: {regions: [guangzhou, shenzhen]}}
)",
                                        "<both>", ".", {"horizon_months=36"});
  const auto dir = std::filesystem::temp_directory_path() / ("innochain_pp_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string a = (dir / "t1.h5").string(), b = (dir / "t4.h5").string();
  execute_run(s, RunRequest{a, true, 0, 1});
  execute_run(s, RunRequest{b, true, 0, 4});
  const RunFile x(a), y(b);
  REQUIRE(x.series_names() == y.series_names());
  for (const auto& name : x.series_names()) {
    INFO("series " << name);
    CHECK(test::same_bits(x.series(name).values, y.series(name).values));
  }
  std::filesystem::remove_all(dir);
}
