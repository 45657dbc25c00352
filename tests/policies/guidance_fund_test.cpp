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

TEST_CASE("a co-investing guidance fund takes a share of rounds sized by need: public money up, private per round down",
          "[policies]") {
  // A large direct fund that takes three yuan per lead yuan at a low threshold. Rounds are
  // sized by the start-ups' need, so its seat displaces private money within the rounds it joins.
  const auto r = test::run_pair(R"(  - type: guidance_fund
    name: big_fund
    capital_yuan: 4.0e11
    threshold_discount: 1.5
    coinvest_ratio: 3.0)",
                                72, 8, 0.05);
  const double reps = static_cast<double>(r.policy.size());
  double private_base = 0.0, deals_base = 0.0, deals_policy = 0.0, private_policy = 0.0;
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    const auto deals = [](const std::vector<double>& x) {
      return x[m_deals_seed] + x[m_deals_series_a] + x[m_deals_series_b];
    };
    deals_base += deals(r.baseline[k]) / reps;
    deals_policy += deals(r.policy[k]) / reps;
    private_base += r.baseline[k][m_invested_private] / reps;
    private_policy += r.policy[k][m_invested_private] / reps;
  }
  const double guidance = test::mean_difference(r, m_invested_guidance);
  const double public_money = test::mean_difference(r, m_invested_public);
  INFO("guidance investment difference " << guidance << "; private per round: baseline " << private_base / deals_base
                                         << ", policy " << private_policy / deals_policy);
  CHECK(guidance > 0.0);
  CHECK(public_money == Approx(guidance));  // the fund's own money is public
  CHECK(private_policy / deals_policy < private_base / deals_base);
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
  st.projects.resize(n);
  for (int e = 0; e < n; ++e) {
    st.enterprises.kind[e] = EnterpriseKind::startup;
    st.enterprises.alive[e] = 1;
    st.enterprises.field[e] = static_cast<std::uint16_t>(e % 2);
    st.enterprises.rd_own_cost_yuan[e] = 1e5;
    st.enterprises.pipeline_quality[e] = 1.0;
    st.projects.field[e] = st.enterprises.field[e];
    st.projects.stage[e] = Stage::breakthrough;
    st.projects.status[e] = ProjectStatus::active;
    st.projects.holder_kind[e] = HolderKind::enterprise;
    st.projects.holder[e] = e;
    st.projects.quality[e] = 1.0;
    st.projects.active.push_back(e);
  }
  index_enterprises_by_field(st, c.fields);
  MonthMetrics m(2, 1, 1);
  finance(c, st, m);
  // The round a start-up without cash seeks at the start of BREAKTHROUGH (12 months at full speed).
  const double amount = 1e5 * (12.0 + s.chain.finance.milestone_buffer_months);
  CHECK(m.total(m_deals_seed) == n);  // every start-up gets its venture round
  int co_field0 = 0;
  for (std::size_t k = 0; k < st.investments.size(); ++k) {
    if (st.investments.financier[k] != 1) continue;
    INFO("co-investment in firm " << st.investments.enterprise[k]);
    CHECK(st.enterprises.field[st.investments.enterprise[k]] == 0);
    CHECK(st.investments.amount_yuan[k] == Approx(amount * 0.8 / 1.8));
    ++co_field0;
  }
  CHECK(co_field0 == n / 2);  // friction 1, threshold never binds: every field-0 deal
  CHECK(m.at(m_invested_guidance, 1) == 0.0);
  CHECK(m.at(m_invested_guidance, 0) == Approx(amount * 0.8 / 1.8 * n / 2));
  CHECK(m.at(m_invested_public, 0) == Approx(amount * 0.8 / 1.8 * n / 2));
  CHECK(m.total(m_invested_public) + m.total(m_invested_private) == Approx(amount * n));
  CHECK(st.policy_units[0] == n / 2);
  CHECK(st.policy_spending[0] == 0.0);  // investments are not counted again
  CHECK(st.ledger.month[lf_policy_spending] == 0.0);
}

namespace {

/// A fund-of-funds instance of guidance_fund (every parameter at its default unless given).
PolicyConfig fund_of_funds(double capital, double return_cap, double sub_funds = 1.0) {
  const InstrumentType* type = find_instrument_type("guidance_fund");
  REQUIRE(type != nullptr);
  PolicyConfig p;
  p.type = "guidance_fund";
  p.name = "fof";
  for (const InstrumentParam& q : type->params) p.values.emplace_back(q.key, q.default_value);
  for (const InstrumentChoice& q : type->choices) p.choices.emplace_back(q.key, q.default_value);
  for (auto& [k, v] : p.values) {
    if (k == "capital_yuan") v = capital;
    if (k == "return_cap_per_year") v = return_cap;
    if (k == "sub_funds") v = sub_funds;
  }
  for (auto& [k, v] : p.choices)
    if (k == "form") v = "fund_of_funds";
  return p;
}

/// One private venture fund (the manager) whose single past stake of 1e7 returned `multiple`.
State manager_world(const Context& c, double multiple) {
  State st;
  st.institutes.resize(0, c.fields);
  st.enterprises.resize(1);
  st.financiers.resize(1);
  st.financiers.kind[0] = FinancierKind::venture_capital;
  st.financiers.capital_yuan[0] = 1e9;
  st.financiers.threshold[0] = 0.3;
  st.investments.push(0, 0, 1e7, FundingRound::seed, 0, 1.0);
  st.investments.status[0] = InvestmentStatus::exited;
  st.investments.proceeds_yuan[0] = 1e7 * multiple;
  st.policy_spending.assign(1, 0.0);
  st.policy_units.assign(1, 0.0);
  return st;
}

}  // namespace

TEST_CASE("a guidance LP commitment creates a fund only when private matching is found", "[policies]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{44, 0});
  const double capital = 1e9;
  // Private limited partners need 8 % a year over half the fund's life (10 years): 1.08^5 = 1.469
  // times their money. The public partner (25 %) caps its return at 3.5 % a year (1.188) and
  // cedes the rest: with a track record of 1.45 the private partners expect
  // (1.45 - 0.25 x 1.188) / 0.75 = 1.537; without the cap only 1.45.
  REQUIRE(s.chain.finance.lp_hurdle_per_year == 0.08);
  const auto run = [&](double track_record, double return_cap) {
    const PolicyConfig p = fund_of_funds(capital, return_cap);
    auto instance = find_instrument_type("guidance_fund")->make(p, s);
    const Eligibility eligible = resolve_eligibility(s, p);
    State st = manager_world(c, track_record);
    instance->act(c, st, eligible, 0);
    MonthMetrics m(1, 1, 1);
    instance->record(c, st, m, 0);
    CHECK(m.at(m_private_lp_matched) == Approx(3.0 * m.at(m_guidance_lp_committed)));  // public share 25 %
    return std::pair{std::move(st), m.at(m_guidance_lp_committed)};
  };
  SECTION("matched: a sub-fund of the public capital / the public share, managed by the private fund") {
    auto [st, committed] = run(1.45, 0.035);
    REQUIRE(st.financiers.size() == 2);
    const Financiers& fi = st.financiers;
    CHECK(fi.kind[1] == FinancierKind::venture_capital);
    CHECK(fi.capital_yuan[1] == Approx(capital / 0.25));
    CHECK(fi.committed_yuan[1] == Approx(capital / 0.25));
    CHECK(fi.public_share[1] == Approx(0.25));
    CHECK(fi.manager[1] == 0);
    CHECK(fi.threshold[1] == fi.threshold[0]);  // the manager screens for it
    CHECK(fi.policy[1] == 0);
    CHECK(fi.local_share[1] == Approx(0.5));
    CHECK(fi.invest_until_month[1] == 59);  // a five-year investment period from month 0
    CHECK(fi.end_month[1] == 120);
    CHECK(committed == Approx(capital));
    CHECK(st.ledger.month[lf_policy_spending] == Approx(capital));         // public money committed
    CHECK(st.ledger.month[lf_new_fund_capital] == Approx(3.0 * capital));  // the private match
    CHECK(st.policy_spending[0] == Approx(capital));
  }
  SECTION("no return cap, no match: the public money stays uncommitted") {
    auto [st, committed] = run(1.45, 0.5);
    CHECK(st.financiers.size() == 1);
    CHECK(committed == 0.0);
    CHECK(st.ledger.month[lf_policy_spending] == 0.0);
    CHECK(st.ledger.month[lf_new_fund_capital] == 0.0);
    CHECK(st.policy_spending[0] == 0.0);
  }
  SECTION("a poor track record finds no private partners even with the cap; a good one later does") {
    const PolicyConfig p = fund_of_funds(capital, 0.035);
    auto instance = find_instrument_type("guidance_fund")->make(p, s);
    const Eligibility eligible = resolve_eligibility(s, p);
    State st = manager_world(c, 0.8);
    for (int month = 0; month < 6; ++month) {
      st.month = month;
      instance->act(c, st, eligible, 0);
      CHECK(st.financiers.size() == 1);
    }
    st.investments.proceeds_yuan[0] = 1e7 * 2.0;  // an exit improves the record
    st.month = 6;
    instance->act(c, st, eligible, 0);
    CHECK(st.financiers.size() == 2);
    CHECK(st.financiers.invest_until_month[1] == 65);
    st.month = 7;
    instance->act(c, st, eligible, 0);
    CHECK(st.financiers.size() == 2);  // one commitment, placed once
  }
}

TEST_CASE("a fund of funds: sub-funds keep the ledger balanced and report their public and private money",
          "[policies]") {
  const Scenario s = load_scenario_text("extends: " + kSmall + R"(
policies:
  - type: guidance_fund
    name: fof
    start_month: 12
    form: fund_of_funds
    capital_yuan: 4.0e10
    sub_funds: 400
    eligible: {fields: [electronic_information, life_health]}
)",
                                        "<fund of funds>", ".", {"horizon_months=60", "world.scale=0.02"});
  Simulation sim(s, RunKey{static_cast<std::uint64_t>(s.seed), 0});
  double committed = 0.0, matched = 0.0, spent = 0.0, sub_public = 0.0, sub_total = 0.0;
  for (int month = 0; month < 60; ++month) {
    const double before = money_stock(sim.state());
    const std::size_t investments_before = sim.state().investments.size();
    sim.step();
    const State& st = sim.state();
    const double net = st.ledger.sources() - st.ledger.sinks();
    INFO("month " << month);
    REQUIRE(std::abs((money_stock(st) - before) - net) <=
            1e-9 * (std::abs(before) + st.ledger.sources() + st.ledger.sinks()));
    committed += sim.metrics().at(m_guidance_lp_committed);
    matched += sim.metrics().at(m_private_lp_matched);
    spent += sim.metrics().at(m_policy_spending, 0);
    for (std::size_t k = investments_before; k < st.investments.size(); ++k) {
      const auto f = static_cast<std::size_t>(st.investments.financier[k]);
      if (st.financiers.policy[f] != 0) continue;
      const auto e = static_cast<std::size_t>(st.investments.enterprise[k]);
      CHECK((st.enterprises.field[e] == 0 || st.enterprises.field[e] == 2));  // its fields only
      sub_total += st.investments.amount_yuan[k];
      sub_public += st.investments.amount_yuan[k] * st.financiers.public_share[f];
    }
  }
  INFO("committed " << committed << ", matched " << matched);
  CHECK(spent == Approx(committed));
  CHECK(committed <= 4.0e10 * 0.02 * (1.0 + 1e-12));
  if (committed > 0.0) {
    CHECK(matched == Approx(3.0 * committed));  // public share 25 %
    CHECK(sub_public == Approx(0.25 * sub_total));
  }
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
