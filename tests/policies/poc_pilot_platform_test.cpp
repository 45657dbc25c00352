#include "core/ledger.hpp"
#include "links/progress.hpp"
#include "policies/policy.hpp"
#include "support/policy_pair.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace innochain;

namespace {

/// A poc_pilot_platform instance with the type's defaults, changed by `values`.
PolicyConfig platform_config(const std::vector<std::pair<std::string, double>>& values) {
  PolicyConfig p;
  p.type = "poc_pilot_platform";
  p.name = "platform";
  for (const auto& param : find_instrument_type(p.type)->params) p.values.emplace_back(param.key, param.default_value);
  for (const auto& [key, v] : values)
    for (auto& [k, value] : p.values)
      if (k == key) value = v;
  return p;
}

/// A tiny world (one field, one region) with one firm holding `n` projects in PILOT, funded
/// in full, and the platform instance of `p` in the state.
State platform_world(const Context& c, std::size_t n, const PolicyConfig& p) {
  State st;
  st.institutes.resize(0, c.fields);
  st.enterprises.resize(1);
  st.enterprises.alive[0] = 1;
  st.enterprises.kind[0] = EnterpriseKind::sme;
  st.enterprises.revenue_yuan_per_month[0] = 1e12;
  st.enterprises.rd_share[0] = 1.0;
  st.enterprises.cash_yuan[0] = 1e15;
  st.enterprises.rd_staff[0] = 10;
  st.enterprises.rd_staff_skill_mean[0] = 1.0;
  st.projects.resize(n);
  for (std::size_t id = 0; id < n; ++id) {
    st.projects.stage[id] = Stage::pilot;
    st.projects.status[id] = ProjectStatus::active;
    st.projects.holder_kind[id] = HolderKind::enterprise;
    st.projects.holder[id] = 0;
    st.projects.origin_institute[id] = -1;
    st.projects.quality[id] = 1.0;
    st.projects.active.push_back(static_cast<std::int32_t>(id));
  }
  st.instruments.push_back(find_instrument_type(p.type)->make(p, c.scenario));
  st.eligibility.push_back(std::make_shared<const Eligibility>(resolve_eligibility(c.scenario, p)));
  return st;
}

}  // namespace

TEST_CASE("a pilot platform serves its capacity a month, in id order, and pays its share", "[policies]") {
  Scenario s = test::tiny_scenario();
  for (auto& st : s.chain.progress.stages) st.hazard_per_month = 0.0;
  const Context c(s, RunKey{41, 0});
  const PolicyConfig p =
      platform_config({{"capacity_projects_per_month", 3}, {"cost_share", 0.5}, {"speed_multiplier", 2.0}});
  State st = platform_world(c, 10, p);
  MonthMetrics m(1, 1, 1);
  const double before = money_stock(st);
  policies(c, st, m);
  progress(c, st, m);
  const double cost = cost_at_base_price(c, Stage::pilot, 0);
  CHECK(st.policy_units[0] == 3.0);  // exactly the capacity
  CHECK(st.policy_spending[0] == Approx(3 * 0.5 * cost));
  CHECK(st.ledger.month[lf_policy_spending] == Approx(3 * 0.5 * cost));
  // The first three projects by id are served: twice as fast; the others at the base rate.
  const double base = progress_rate(c, Stage::pilot, 0, 1.0, 1.0);
  for (std::size_t id = 0; id < 10; ++id) {
    INFO("project " << id);
    const double share =
        static_cast<double>(st.projects.progress[id]) / static_cast<double>(stage_units(c, Stage::pilot, 0));
    CHECK(share == Approx(id < 3 ? 2.0 * base : base));
  }
  // The firm pays everything but the platform's share; the ledger balances.
  CHECK(st.enterprises.rd_spent_yuan[0] == Approx(10 * cost));
  CHECK(money_stock(st) - before == Approx(st.ledger.sources() - st.ledger.sinks()).margin(1e-6));
  // Next month: settled, the same three again (capacity renews, the budget falls by what was paid).
  const double left = st.instruments[0]->budget_left();
  m.clear();
  st.month = 1;
  policies(c, st, m);
  CHECK(st.instruments[0]->budget_left() == Approx(left - 3 * 0.5 * cost));
  progress(c, st, m);
  CHECK(st.policy_units[0] == 3.0);
}

TEST_CASE("a pilot platform lowers the hazard and spares the holder's money", "[policies]") {
  Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{42, 0});
  const double hazard = s.chain.progress.stages[3].hazard_per_month;
  const int n = 20000;
  // Every project served: failures fall to hazard x multiplier.
  State st = platform_world(
      c, n, platform_config({{"capacity_projects_per_month", n}, {"hazard_multiplier", 0.5}, {"budget_yuan", 1e13}}));
  MonthMetrics m(1, 1, 1);
  policies(c, st, m);
  progress(c, st, m);
  const double expected = n * hazard * 0.5;
  CHECK(m.total(m_failures_pilot) == Approx(expected).margin(4 * std::sqrt(expected)));
  CHECK(st.policy_units[0] == n);
  // A firm with no money of its own still advances its served projects on the platform's share.
  State broke = platform_world(c, 4, platform_config({{"cost_share", 0.5}, {"speed_multiplier", 1.0}}));
  broke.enterprises.revenue_yuan_per_month[0] = 0.0;
  broke.enterprises.cash_yuan[0] = 0.0;
  for (auto& q : broke.projects.quality) q = 1e6;  // no failures
  m.clear();
  policies(c, broke, m);
  progress(c, broke, m);
  for (std::size_t id = 0; id < 4; ++id)
    CHECK(static_cast<double>(broke.projects.progress[id]) / static_cast<double>(stage_units(c, Stage::pilot, 0)) ==
          Approx(progress_rate(c, Stage::pilot, 0, 1.0, 0.5)).epsilon(1e-6));
  CHECK(broke.enterprises.cash_yuan[0] == Approx(0.0).margin(1e-6));  // the platform paid all that was paid
}

TEST_CASE("a small platform budget runs out and is never exceeded", "[policies]") {
  const double budget = 3.0e6;  // yuan at the run's 1/100 scale: 3.0e8 province-wide
  const auto r = test::run_pair(R"(  - type: poc_pilot_platform
    name: tiny
    budget_yuan: 3.0e8)",
                                24, 2);
  for (const auto& p : r.policy) {
    CHECK(p[m_policy_spending] <= budget * (1.0 + 1e-12));
    CHECK(p[m_policy_spending] > 0.5 * budget);
  }
  CHECK(r.budget_left >= -1e-6);
  // What is left cannot pay the platform's share of one more project-month (at most 0.5 x the
  // pilot cost at the base compute price of the costliest field, artificial intelligence:
  // 5e5 x 1.75 other cost + 15 000 GPU-hours x 2.5 x 10 yuan).
  CHECK(r.budget_left < 0.5 * (5.0e5 * 1.75 + 15000.0 * 2.5 * 10.0));
}

TEST_CASE("pilot platforms in one field mean more launches and fewer late-stage failures there, within budget",
          "[policies]") {
  // life_health (field 2): the costliest, slowest field.
  const double budget = 5.0e8;  // yuan at the run's 1/20 scale: 1.0e10 province-wide
  const std::size_t F = 6, field = 2;
  const auto r = test::run_pair(R"(  - type: poc_pilot_platform
    name: lh_platforms
    eligible: {fields: [life_health]}
    budget_yuan: 1.0e10)",
                                72, 8, 0.05);
  const double launched = test::mean_difference(r, m_products_launched, field, F);
  const double failures = test::mean_difference(r, m_failures_proof_of_concept, field, F) +
                          test::mean_difference(r, m_failures_pilot, field, F);
  double launched_base = 0.0, failures_base = 0.0, paid = 0.0, served = 0.0;
  const double reps = static_cast<double>(r.policy.size());
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    launched_base += r.baseline_by_field[k][m_products_launched * F + field] / reps;
    failures_base += (r.baseline_by_field[k][m_failures_proof_of_concept * F + field] +
                      r.baseline_by_field[k][m_failures_pilot * F + field]) /
                     reps;
    paid += r.policy[k][m_policy_spending] / reps;
    served += r.policy[k][m_policy_units_served] / reps;
  }
  INFO("life_health launches: baseline " << launched_base << ", difference " << launched
                                         << "; PoC + pilot failures: baseline " << failures_base << ", difference "
                                         << failures << "; platform paid " << paid << " yuan for " << served
                                         << " project-months");
  CHECK(launched > 0.0);
  CHECK(failures < 0.0);
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    INFO("replication " << k);
    CHECK(r.policy[k][m_policy_spending] > 0.0);
    CHECK(r.policy[k][m_policy_spending] <= budget * (1.0 + 1e-12));
  }
  CHECK(r.budget_left >= -1e-6);
}
