#include "support/policy_pair.hpp"

#include "policies/policy.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace innochain;

namespace {

Scenario with_policies(const std::string& policies) {
  return load_scenario_text(
      std::string("extends: ") + INNOCHAIN_SOURCE_DIR + "/scenarios/guangdong_small.yaml\npolicies:\n" + policies,
      "<alliance>", ".", {"horizon_months=6"});
}

}  // namespace

TEST_CASE("a regional alliance raises friction only between its member regions, only in its window", "[policies]") {
  // Regions of the baseline: 0 guangzhou, 1 shenzhen, 2 dongguan, ..., 5 hong_kong.
  const Scenario s = with_policies(
      "  - {type: regional_alliance, name: sz_dg_hk, start_month: 2, end_month: 3, friction: 0.95,\n"
      "     eligible: {regions: [shenzhen, dongguan, hong_kong]}}\n");
  Simulation sim(s, RunKey{1, 0});
  const Eigen::MatrixXd& base = sim.context().friction;
  REQUIRE(base(1, 2) < 0.95);  // all three pairs start below the target
  REQUIRE(base(1, 5) < 0.95);
  REQUIRE(base(2, 5) < 0.95);
  const auto member = [](Eigen::Index r) { return r == 1 || r == 2 || r == 5; };
  for (int month = 0; month < 6; ++month) {
    sim.step();
    const State& st = sim.state();
    const bool open = month == 2 || month == 3;
    INFO("month " << month);
    REQUIRE(st.levers.friction.rows() == base.rows());
    for (Eigen::Index i = 0; i < base.rows(); ++i)
      for (Eigen::Index j = 0; j < base.cols(); ++j) {
        INFO("entry " << i << ", " << j);
        if (open && i != j && member(i) && member(j))
          CHECK(st.levers.friction(i, j) == std::max(base(i, j), 0.95));
        else
          CHECK(st.levers.friction(i, j) == base(i, j));  // untouched, and back to baseline after the window
      }
    CHECK(sim.metrics().at(m_policy_units_served, 0) == (open ? 3.0 : 0.0));  // three pairs raised
    CHECK(sim.metrics().at(m_policy_spending, 0) == 0.0);
  }
}

TEST_CASE("an alliance never lowers friction, and needs two members", "[policies]") {
  // Shenzhen-Dongguan is already at 0.9: a target of 0.5 changes nothing; a single member has no pair.
  const Scenario s = with_policies(
      "  - {type: regional_alliance, name: low, friction: 0.5, eligible: {regions: [shenzhen, dongguan]}}\n"
      "  - {type: regional_alliance, name: alone, friction: 1.0, eligible: {regions: [zhuhai]}}\n");
  Simulation sim(s, RunKey{1, 0});
  sim.step();
  CHECK(sim.state().levers.friction == sim.context().friction);
  CHECK(sim.metrics().at(m_policy_units_served, 0) == 0.0);
  CHECK(sim.metrics().at(m_policy_units_served, 1) == 0.0);
}

TEST_CASE("an alliance of every region means more contract research, licensing and hires", "[policies]") {
  // The contract value is set back to its prior (2 million yuan): at the calibrated baseline's
  // 25 million most candidate firms lack the cash for a contract, so the friction the alliance
  // lowers hardly matters for contract research there (a finding, docs/policies.md), and this
  // test is about the friction channel.
  const auto r = test::run_pair(R"(  - type: regional_alliance
    name: province_alliance
    friction: 1.0)",
                                72, 4, 0.05, {"chain.breakthrough.contract_value_yuan_median=2e6"});
  const double contract = test::mean_difference(r, m_contract_research_deals);
  const double licences = test::mean_difference(r, m_transfers_licence);
  const double hires = test::mean_difference(r, m_hires);
  double contract_base = 0.0, hires_base = 0.0;
  for (const auto& b : r.baseline) {
    contract_base += b[m_contract_research_deals] / static_cast<double>(r.baseline.size());
    hires_base += b[m_hires] / static_cast<double>(r.baseline.size());
  }
  INFO("contract research deals: baseline " << contract_base << ", difference " << contract << "; licences difference "
                                            << licences << "; hires: baseline " << hires_base << ", difference "
                                            << hires);
  CHECK(contract > 0.0);
  CHECK(licences > 0.0);
  CHECK(hires > 0.0);
  // Contract deals are counts of a few hundred at this scale: the alliance raises them in most
  // replications and on average (above), not necessarily in every one.
  int contract_up = 0;
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    INFO("replication " << k);
    contract_up += r.policy[k][m_contract_research_deals] > r.baseline[k][m_contract_research_deals];
    CHECK(r.policy[k][m_hires] > r.baseline[k][m_hires]);
    CHECK(r.policy[k][m_policy_spending] == 0.0);              // no money changes hands
    CHECK(r.policy[k][m_policy_units_served] == 21.0 * 72.0);  // 7 regions: 21 pairs raised every month
  }
  CHECK(contract_up >= 3);
}
