#include "policies/policy.hpp"
#include "support/policy_pair.hpp"

#include <catch2/catch.hpp>

using namespace innochain;

TEST_CASE("compute vouchers raise compute use and breakthroughs in the eligible field, within budget", "[policies]") {
  // electronic_information (field 0) is the most compute-intensive cluster.
  const double budget = 5.0e8;  // yuan at the run's 1/20 scale: 1.0e10 province-wide
  const auto r = test::run_pair(R"(  - type: compute_voucher
    name: ei_vouchers
    eligible: {fields: [electronic_information]}
    coverage: 1.0
    subsidy_rate: 1.0
    per_firm_cap_yuan: 1.0e7
    budget_yuan: 1.0e10)",
                                60, 8, 0.05);
  CHECK(test::mean_difference(r, m_compute_spending, 0, 5) > 0.0);
  CHECK(test::mean_difference(r, m_breakthroughs, 0, 5) > 0.0);
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    INFO("replication " << k);
    CHECK(r.policy[k][m_policy_spending] > 0.0);
    CHECK(r.policy[k][m_policy_spending] <= budget * (1.0 + 1e-12));
  }
  CHECK(r.budget_left >= -1e-6);
}

TEST_CASE("a small voucher budget runs out and is never exceeded", "[policies]") {
  const double budget = 2.0e6;  // yuan at the run's 1/100 scale: 2.0e8 province-wide
  const auto r = test::run_pair(R"(  - type: compute_voucher
    name: tiny
    coverage: 1.0
    subsidy_rate: 1.0
    budget_yuan: 2.0e8)",
                                24, 2);
  for (const auto& p : r.policy) CHECK(p[m_policy_spending] == Approx(budget).epsilon(1e-9));
  CHECK(r.budget_left == Approx(0.0).margin(1e-6));
}

TEST_CASE("two voucher instances with different names and windows work side by side", "[policies]") {
  const Scenario s =
      load_scenario_text(std::string("extends: ") + INNOCHAIN_SOURCE_DIR + R"(/scenarios/guangdong_small.yaml
policies:
  - {type: compute_voucher, name: early, start_month: 0, end_month: 11, coverage: 1.0}
  - {type: compute_voucher, name: late, start_month: 24, coverage: 1.0, allocation: lottery}
)",
                         "<two instances>", ".", {"horizon_months=36"});
  Simulation sim(s, RunKey{1, 0});
  std::vector<double> early(36), late(36);
  for (int month = 0; month < 36; ++month) {
    sim.step();
    early[month] = sim.metrics().at(m_policy_spending, 0);
    late[month] = sim.metrics().at(m_policy_spending, 1);
  }
  double early_in = 0, early_after = 0, late_before = 0, late_in = 0;
  for (int month = 0; month < 36; ++month) {
    (month <= 11 ? early_in : early_after) += early[month];
    (month < 24 ? late_before : late_in) += late[month];
  }
  CHECK(early_in > 0.0);
  CHECK(early_after == 0.0);
  CHECK(late_before == 0.0);
  CHECK(late_in > 0.0);
}

TEST_CASE("two overlapping voucher instances each charge their own budget only their own payments", "[policies]") {
  // Both cover every firm at once: where both grant a firm, the later instance (b) replaces
  // a's allowance for the month, and only b pays. Each budget must fall by exactly what that
  // instance paid (its policy_spending), never by the other's payments.
  const Scenario s =
      load_scenario_text(std::string("extends: ") + INNOCHAIN_SOURCE_DIR + R"(/scenarios/guangdong_small.yaml
policies:
  - {type: compute_voucher, name: a, coverage: 1.0, subsidy_rate: 0.5, per_firm_cap_yuan: 2.0e5, budget_yuan: 3.0e8}
  - {type: compute_voucher, name: b, coverage: 0.5, subsidy_rate: 0.8, per_firm_cap_yuan: 1.0e5, budget_yuan: 2.0e8}
)",
                         "<overlapping instances>", ".", {"horizon_months=24"});
  Simulation sim(s, RunKey{3, 0});
  double paid_a = 0.0, paid_b = 0.0;
  for (int month = 0; month < 24; ++month) {
    sim.step();
    paid_a += sim.metrics().at(m_policy_spending, 0);
    paid_b += sim.metrics().at(m_policy_spending, 1);
  }
  sim.step();  // its policy phase settles month 23's allowances (what month 24 pays is not yet charged)
  REQUIRE(paid_a > 0.0);
  REQUIRE(paid_b > 0.0);
  const auto& instruments = sim.state().instruments;
  const double scale = s.world.scale;
  CHECK(instruments[0]->budget_left() == Approx(3.0e8 * scale - paid_a).epsilon(1e-12));
  CHECK(instruments[1]->budget_left() == Approx(2.0e8 * scale - paid_b).epsilon(1e-12));
}
