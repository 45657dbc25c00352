#include "links/compute_market.hpp"
#include "links/progress.hpp"
#include "policies/policy.hpp"
#include "support/policy_pair.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace innochain;

namespace {

/// A compute_voucher instance with the type's defaults and the given values.
PolicyConfig voucher_config(std::vector<std::pair<std::string, double>> values, std::string allocation = "first_come") {
  PolicyConfig p;
  p.type = "compute_voucher";
  p.name = "vouchers";
  for (const auto& param : find_instrument_type(p.type)->params) p.values.emplace_back(param.key, param.default_value);
  for (const auto& [key, v] : values)
    for (auto& [k, value] : p.values)
      if (k == key) value = v;
  p.choices.emplace_back("allocation", allocation);
  return p;
}

/// `firms` rich SMEs, each holding one BREAKTHROUGH project that never finishes or fails, and
/// the voucher instance of `p` in the state.
State voucher_world(const Context& c, std::size_t firms, const PolicyConfig& p) {
  State st = test::rich_firms_with_projects(c, firms);
  for (std::size_t e = 0; e < firms; ++e) st.enterprises.kind[e] = EnterpriseKind::sme;
  st.instruments.push_back(find_instrument_type(p.type)->make(p, c.scenario));
  st.eligibility.push_back(std::make_shared<const Eligibility>(resolve_eligibility(c.scenario, p)));
  return st;
}

Scenario still_world() {
  Scenario s = test::tiny_scenario();
  for (auto& st : s.chain.progress.stages) {
    st.hazard_per_month = 0.0;
    st.duration_months = 1000.0;
  }
  s.world.fields[0].compute_gpu_hours_per_month = 10000.0;
  return s;
}

struct Paid {
  double total = 0.0;
  std::set<std::int32_t> firms;
};

/// Runs `months` months (policies, then progress) and checks every payment against the
/// programme's rule, bookkept independently: each month a holder's claim is
/// min(rate x its bill, cap - paid so far); when the claims exceed the budget left every claim
/// is cut in the same proportion. Returns what was paid and to whom.
Paid run_and_check(const Context& c, State& st, int months, double rate, double cap, double budget) {
  Paid out;
  std::map<std::int32_t, double> paid_to;
  double left = budget;
  for (int month = 0; month < months; ++month) {
    MonthMetrics m(c.fields, c.regions, 1);
    st.events.clear();
    policies(c, st, m);
    progress(c, st, m);
    const auto& r = st.events.recipients;
    double claims = 0.0;
    for (std::size_t k = 0; k < r.amount.size(); ++k)
      claims += std::min(rate * r.bill[k], cap - paid_to[r.enterprise[k]]);
    const double cut = claims > left ? left / claims : 1.0;
    double this_month = 0.0;
    for (std::size_t k = 0; k < r.amount.size(); ++k) {
      const std::int32_t e = r.enterprise[k];
      INFO("month " << month << ", firm " << e << ": bill " << r.bill[k] << ", paid before " << paid_to[e]);
      CHECK(r.instance[k] == 0);
      CHECK(r.month[k] == month);
      CHECK(r.cash_constrained[k] == 0);  // rich firms
      CHECK(r.bill[k] == Approx(st.enterprises.compute_bill_yuan[e]));
      CHECK(r.amount[k] == Approx(std::min(rate * r.bill[k], cap - paid_to[e]) * cut).epsilon(1e-12));
      CHECK(r.allowance[k] == Approx(r.amount[k]).epsilon(1e-12));  // rich firms draw their whole allowance
      paid_to[e] += r.amount[k];
      this_month += r.amount[k];
      out.firms.insert(e);
    }
    CHECK(this_month == Approx(st.policy_spending[0]).epsilon(1e-12));
    CHECK(this_month <= left * (1.0 + 1e-12));
    left -= this_month;
    out.total += this_month;
    st.month += 1;
  }
  for (const auto& [e, paid] : paid_to) CHECK(paid <= cap * (1.0 + 1e-12));
  return out;
}

}  // namespace

TEST_CASE("vouchers pay rate x bills as they arrive, within each firm's cap and the budget, pro rata when it is short",
          "[policies]") {
  const Scenario s = still_world();
  const Context c(s, RunKey{1, 0});
  const double rate = 0.5;
  // The first month's bill of a holder at the subsidised mix (its planned price is half the base).
  const InputMix mix = cost_minimising_mix(c.other_weight[c.input_index(0, Stage::breakthrough)], 0.5,
                                           s.chain.compute.substitution_elasticity);
  const double bill = s.chain.compute.base_price_yuan_per_gpu_hour * 10000.0 * mix.compute;
  const double claim = rate * bill;
  SECTION("the caps bind, then the budget: five firms served, the whole budget paid") {
    const double cap = 1.5 * claim, budget = 6.0 * claim;
    State st = voucher_world(
        c, 5, voucher_config({{"subsidy_rate", rate}, {"per_firm_cap_yuan", cap}, {"budget_yuan", budget}}));
    const Paid paid = run_and_check(c, st, 4, rate, cap, budget);
    // Month 0: five full claims (5 units of rate x bill); month 1: the caps left (0.5 each) exceed
    // the one unit left, cut pro rata; nothing after.
    CHECK(paid.firms.size() == 5);
    CHECK(paid.total == Approx(budget).epsilon(1e-12));
    CHECK(st.instruments[0]->budget_left() == Approx(0.0).margin(1e-6 * budget));
  }
  SECTION("a budget below one firm's cap still serves every firm whose bills arrive") {
    const double cap = 10.0 * claim, budget = 0.8 * cap;  // as at the 1/100 scale: budget < cap
    State st = voucher_world(
        c, 5, voucher_config({{"subsidy_rate", rate}, {"per_firm_cap_yuan", cap}, {"budget_yuan", budget}}));
    const Paid paid = run_and_check(c, st, 6, rate, cap, budget);
    CHECK(paid.firms.size() == 5);  // reserving caps would have served one
    CHECK(paid.total == Approx(budget).epsilon(1e-12));
  }
  SECTION("ample budget and caps: every month rate x the bill") {
    State st = voucher_world(
        c, 3, voucher_config({{"subsidy_rate", rate}, {"per_firm_cap_yuan", 1e12}, {"budget_yuan", 1e13}}));
    const Paid paid = run_and_check(c, st, 3, rate, 1e12, 1e13);
    CHECK(paid.total == Approx(3 * 3 * claim).epsilon(1e-12));
  }
}

TEST_CASE("applications stay open: a firm founded during the programme applies and is paid", "[policies]") {
  const Scenario s = still_world();
  const Context c(s, RunKey{1, 0});
  State st = voucher_world(c, 2, voucher_config({{"per_firm_cap_yuan", 1e12}, {"budget_yuan", 1e13}}));
  MonthMetrics m(c.fields, c.regions, 1);
  policies(c, st, m);
  progress(c, st, m);
  CHECK(st.events.recipients.enterprise == std::vector<std::int32_t>{0, 1});
  // A start-up is founded (appended like an entrant) with a project of its own.
  st.month = 1;
  st.enterprises.resize(3);
  st.enterprises.alive[2] = 1;
  st.enterprises.kind[2] = EnterpriseKind::startup;
  st.enterprises.cash_yuan[2] = 1e15;
  st.enterprises.rd_staff[2] = 1;
  st.enterprises.rd_staff_skill_mean[2] = 1.0;
  st.enterprises.founded_month[2] = 1;
  st.projects.resize(3);
  st.projects.stage[2] = Stage::breakthrough;
  st.projects.status[2] = ProjectStatus::active;
  st.projects.holder_kind[2] = HolderKind::enterprise;
  st.projects.holder[2] = 2;
  st.projects.quality[2] = 1.0;
  st.projects.active.push_back(2);
  st.events.clear();
  m.clear();
  policies(c, st, m);
  progress(c, st, m);
  CHECK(st.events.recipients.enterprise == std::vector<std::int32_t>{0, 1, 2});
  CHECK(st.events.recipients.kind.back() == static_cast<std::int32_t>(EnterpriseKind::startup));
}

TEST_CASE("lottery and scoring admit the coverage share of each month's applicants, once each", "[policies]") {
  const Scenario s = still_world();
  const Context c(s, RunKey{5, 0});
  for (const std::string rule : {"lottery", "scoring"}) {
    State st = voucher_world(c, 400, voucher_config({{"coverage", 0.25}, {"budget_yuan", 1e13}}, rule));
    // Vary the scoring inputs: project quality rises with the id.
    for (std::size_t e = 0; e < 400; ++e) st.projects.quality[e] = 1.0 + static_cast<double>(e);
    MonthMetrics m(c.fields, c.regions, 1);
    std::set<std::int32_t> served;
    for (int month = 0; month < 3; ++month) {
      st.events.clear();
      m.clear();
      policies(c, st, m);
      progress(c, st, m);
      for (const std::int32_t e : st.events.recipients.enterprise) served.insert(e);
      st.month += 1;
    }
    INFO(rule);
    if (rule == "scoring") {
      CHECK(served.size() == 100);  // exactly the share, and nobody reapplies
    } else {
      CHECK(served.size() == Approx(100).margin(4 * std::sqrt(400 * 0.25 * 0.75)));
    }
  }
}

TEST_CASE("compute vouchers raise the AI field's compute use and firms' compute bills, within budget", "[policies]") {
  const std::size_t F = 6, ai = 5;
  const double budget = 5.0e8;  // yuan at the run's 1/20 scale: 1.0e10 province-wide
  const auto r = test::run_pair(R"(  - type: compute_voucher
    name: ai_vouchers
    eligible: {fields: [artificial_intelligence]}
    subsidy_rate: 0.5
    per_firm_cap_yuan: 1.0e7
    budget_yuan: 1.0e10)",
                                60, 6, 0.05);
  CHECK(test::mean_difference(r, m_compute_gpu_hours, ai, F) > 0.0);
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    INFO("replication " << k);
    CHECK(r.policy[k][m_policy_spending] > 0.0);
    CHECK(r.policy[k][m_policy_spending] <= budget * (1.0 + 1e-12));
  }
  CHECK(r.budget_left >= -1e-6);
}

TEST_CASE("the seeds' programme at the 1/100 scale: many firms served, payments as budget, rate and bills imply",
          "[policies]") {
  // scenarios/policies/compute_voucher.yaml: 500 million yuan (5 million at this scale, below one
  // firm's 10 million cap), 50 % of AI firms' compute bills, from month 12.
  const Scenario s = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/policies/compute_voucher.yaml",
                                        {"world.scale=0.01", "horizon_months=60"});
  const double budget = 5.0e8 * 0.01, rate = 0.5, cap = 1.0e7;
  Simulation sim(s, RunKey{static_cast<std::uint64_t>(s.seed), 0});
  std::map<std::int32_t, double> paid_to;
  double total = 0.0, left = budget;
  for (int month = 0; month < 60; ++month) {
    sim.step();
    const auto& r = sim.state().events.recipients;
    double this_month = 0.0, allowances = 0.0;
    for (std::size_t k = 0; k < r.amount.size(); ++k) {
      const std::int32_t e = r.enterprise[k];
      INFO("month " << month << ", firm " << e);
      CHECK(r.field[k] == 5);  // artificial_intelligence
      CHECK(r.month[k] == month);
      // Each payment is rate x the bill the firm ran up, within its allowance for the month;
      // the allowance is its cap left, or less when the month's claims exceeded the budget left.
      CHECK(r.amount[k] == Approx(std::min(rate * r.bill[k], r.allowance[k])).epsilon(1e-12));
      CHECK(r.allowance[k] <= (cap - paid_to[e]) * (1.0 + 1e-12));
      paid_to[e] += r.amount[k];
      this_month += r.amount[k];
      allowances += r.allowance[k];
    }
    CHECK(allowances <= left * (1.0 + 1e-9) + 1e-6);  // left is a running difference: rounding near 0
    CHECK(this_month == Approx(sim.metrics().at(m_policy_spending, 0)).margin(1e-9));
    left -= this_month;
    total += this_month;
  }
  INFO("paid " << total << " of " << budget << " to " << paid_to.size() << " firms");
  CHECK(paid_to.size() > 1);
  CHECK(total <= budget * (1.0 + 1e-12));
  CHECK(total > 0.99 * budget);  // the AI firms' bills use the budget up within four years
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
  - {type: compute_voucher, name: a, coverage: 1.0, subsidy_rate: 0.5, per_firm_cap_yuan: 2.0e5, budget_yuan: 3.0e10}
  - {type: compute_voucher, name: b, coverage: 0.5, subsidy_rate: 0.8, per_firm_cap_yuan: 1.0e5, budget_yuan: 2.0e10, allocation: lottery}
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
  // Budgets above caps x firms: neither runs out, so each must have fallen by exactly its own payments.
  CHECK(instruments[0]->budget_left() == Approx(3.0e10 * scale - paid_a).epsilon(1e-12));
  CHECK(instruments[1]->budget_left() == Approx(2.0e10 * scale - paid_b).epsilon(1e-12));
}
