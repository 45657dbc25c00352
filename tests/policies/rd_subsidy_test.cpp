#include "support/policy_pair.hpp"

#include "policies/policy.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace innochain;

TEST_CASE("an R&D subsidy raises enterprise R&D spending and launches, within budget", "[policies]") {
  // A budget large enough to reach most eligible firms (about 4 000 at this scale): a
  // budget far below cap x firms reaches only the first firms in id order, and its effect
  // is lost in the noise.
  const double budget = 1.0e10;  // yuan at the run's 1/20 scale: 2.0e11 province-wide
  const auto r = test::run_pair(R"(  - type: rd_subsidy
    name: rd_all
    rate: 0.2
    per_firm_cap_yuan_per_year: 2.0e6
    budget_yuan: 2.0e11)",
                                72, 8, 0.05);
  const double rd = test::mean_difference(r, m_rd_spending_enterprises);
  const double launched = test::mean_difference(r, m_products_launched);
  const double breakthroughs = test::mean_difference(r, m_breakthroughs);
  double rd_base = 0.0, launched_base = 0.0, paid = 0.0;
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    rd_base += r.baseline[k][m_rd_spending_enterprises] / static_cast<double>(r.policy.size());
    launched_base += r.baseline[k][m_products_launched] / static_cast<double>(r.policy.size());
    paid += r.policy[k][m_policy_spending] / static_cast<double>(r.policy.size());
  }
  INFO("enterprise R&D: baseline " << rd_base << ", difference " << rd << "; launched: baseline " << launched_base
                                   << ", difference " << launched << "; breakthroughs difference " << breakthroughs
                                   << "; subsidy paid " << paid);
  CHECK(rd > 0.0);
  CHECK(launched > 0.0);
  CHECK(breakthroughs > 0.0);
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    INFO("replication " << k);
    CHECK(r.policy[k][m_policy_spending] > 0.0);
    CHECK(r.policy[k][m_policy_spending] <= budget * (1.0 + 1e-12));
  }
  CHECK(r.budget_left >= -1e-6);
}

TEST_CASE("a small R&D subsidy budget runs out and is never exceeded", "[policies]") {
  const double budget = 2.0e6;  // yuan at the run's 1/100 scale: 2.0e8 province-wide
  const auto r = test::run_pair(R"(  - type: rd_subsidy
    name: tiny
    rate: 0.5
    budget_yuan: 2.0e8)",
                                24, 2);
  // Spent to the last yuan: a remainder below one yuan (what rounding leaves) counts as spent.
  for (const auto& p : r.policy) CHECK(p[m_policy_spending] == Approx(budget).margin(1.0));
  CHECK(r.budget_left == Approx(0.0).margin(1.0));
}

TEST_CASE("the R&D subsidy's per-firm cap binds in every programme year and renews each year", "[policies]") {
  // A tiny cap and a budget that never binds; programme years start at months 6, 18 and 30.
  const double cap = 1.0e4;
  const int start = 6, months = 42, years = 3;
  struct Run {
    std::vector<double> monthly, by_year;
    std::vector<double> firms;  // firm ids issued by the end of each programme year
  };
  const auto run = [&](double per_firm_cap) {
    const Scenario s = load_scenario_text(std::string("extends: ") + INNOCHAIN_SOURCE_DIR +
                                              "/scenarios/guangdong_small.yaml\npolicies:\n  - {type: rd_subsidy, "
                                              "name: capped, start_month: 6, rate: 0.5, "
                                              "budget_yuan: 1.0e13, per_firm_cap_yuan_per_year: " +
                                              std::to_string(per_firm_cap) + "}\n",
                                          "<capped>", ".", {"horizon_months=42"});
    Simulation sim(s, RunKey{1, 0});
    Run out{std::vector<double>(months, 0.0), std::vector<double>(years, 0.0), std::vector<double>(years, 0.0)};
    for (int month = 0; month < months; ++month) {
      sim.step();
      const double paid = sim.metrics().at(m_policy_spending, 0);
      const double units = sim.metrics().at(m_policy_units_served, 0);
      out.monthly[month] = paid;
      if (per_firm_cap == cap) CHECK(paid <= cap * units * (1.0 + 1e-12));  // no firm gets more than the cap a month
      if (month < start) continue;
      out.by_year[(month - start) / 12] += paid;
      out.firms[(month - start) / 12] = static_cast<double>(sim.state().enterprises.size());
    }
    return out;
  };
  const Run capped = run(cap), uncapped = run(1.0e10);
  for (int month = 0; month < start; ++month) CHECK(capped.monthly[month] == 0.0);  // before the window opens
  double total = 0.0, bound = 0.0;
  for (int y = 0; y < years; ++y) {
    INFO("programme year " << y << ": paid " << capped.by_year[y] << ", cap x firms " << cap * capped.firms[y]
                           << ", uncapped " << uncapped.by_year[y]);
    CHECK(capped.by_year[y] <= cap * capped.firms[y] * (1.0 + 1e-12));
    CHECK(uncapped.by_year[y] > 5.0 * capped.by_year[y]);  // the cap is what binds
    // The cap renews with each programme year (not with the calendar year): most firms
    // spend it in the year's first month, so that month stands out from the one before.
    CHECK(capped.by_year[y] > 0.5 * capped.by_year[0]);
    if (y > 0) CHECK(capped.monthly[start + 12 * y] > 5.0 * capped.monthly[start + 12 * y - 1]);
    total += capped.by_year[y];
    bound += cap * capped.firms[y];
  }
  CHECK(total <= bound * (1.0 + 1e-12));
}

namespace {

/// Start-ups with a project of log quality -1 (odd ids) or +1 (even ids) below n, and one without
/// a project (id n).
State review_world(const Context& c, int n) {
  State st;
  st.institutes.resize(0, c.fields);
  st.enterprises.resize(n + 1);
  for (int e = 0; e <= n; ++e) {
    st.enterprises.kind[e] = EnterpriseKind::startup;
    st.enterprises.alive[e] = 1;
    st.enterprises.pipeline_quality[e] = e == n ? 0.0 : std::exp(e % 2 == 0 ? 1.0 : -1.0);
  }
  st.policy_spending.assign(1, 0.0);
  st.policy_units.assign(1, 0.0);
  st.levers.reset(Eigen::MatrixXd::Ones(c.regions, c.regions), c.fields, c.regions, 1);  // the world's levers
  return st;
}

/// The grant at its defaults with the given review and an ample budget.
PolicyConfig reviewed_grant(const std::string& review) {
  const InstrumentType* type = find_instrument_type("rd_subsidy");
  REQUIRE(type != nullptr);
  PolicyConfig p;
  p.type = "rd_subsidy";
  p.name = "grant";
  for (const InstrumentParam& q : type->params) p.values.emplace_back(q.key, q.default_value);
  p.choices = {{"review", review}};
  for (auto& [k, v] : p.values)
    if (k == "budget_yuan") v = 1e12;
  return p;
}

}  // namespace

TEST_CASE("with an expert review only proposals that pass are funded, and investors read the assessment once",
          "[policies]") {
  // The agency assesses log quality with noise 0.5 against a threshold of 0: nearly every good
  // proposal passes and nearly every poor one fails; the firm without a project is not reviewed yet.
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{71, 0});
  const int n = 400;
  State st = review_world(c, n);
  const PolicyConfig p = reviewed_grant("expert");
  auto grant = find_instrument_type("rd_subsidy")->make(p, s);
  const Eligibility eligible = resolve_eligibility(s, p);
  grant->act(c, st, eligible, 0);
  const EnterpriseLevers& l = st.enterprises.levers;
  int good_funded = 0, poor_funded = 0;
  for (int e = 0; e < n; ++e) {
    const bool funded = l.rd_policy[e] == 0;
    (e % 2 == 0 ? good_funded : poor_funded) += funded ? 1 : 0;
    // A funded firm carries the agency's assessment, with the review's precision; others nothing.
    CHECK(l.certificate_precision[e] == (funded ? Approx(1.0 / (0.5 * 0.5)) : Approx(0.0)));
    if (funded) CHECK(l.certificate_log_quality[e] > 0.0);
  }
  CHECK(good_funded > 0.95 * n / 2);
  CHECK(poor_funded < 0.05 * n / 2);
  CHECK(l.rd_policy[n] == -1);  // no project, no proposal: not reviewed
  // Next month the same firms are funded, and the certificate is not read again.
  std::vector<std::int32_t> funded_before(l.rd_policy.begin(), l.rd_policy.end());
  st.enterprises.levers.reset();
  st.month = 1;
  grant->act(c, st, eligible, 0);
  for (int e = 0; e < n; ++e) {
    CHECK(l.rd_policy[e] == funded_before[e]);
    CHECK(l.certificate_precision[e] == 0.0);
  }
  // The firm that now has a project is reviewed.
  st.enterprises.pipeline_quality[n] = std::exp(3.0);
  st.enterprises.levers.reset();
  st.month = 2;
  grant->act(c, st, eligible, 0);
  CHECK(l.rd_policy[n] == 0);
  CHECK(l.certificate_precision[n] > 0.0);
}

TEST_CASE("a confidential review funds the same firms as a published one, and investors learn nothing", "[policies]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{71, 0});
  const int n = 400;
  State published = review_world(c, n), confidential = review_world(c, n);
  const PolicyConfig pp = reviewed_grant("expert"), pc = reviewed_grant("confidential");
  const InstrumentType* type = find_instrument_type("rd_subsidy");
  type->make(pp, s)->act(c, published, resolve_eligibility(s, pp), 0);
  type->make(pc, s)->act(c, confidential, resolve_eligibility(s, pc), 0);
  int funded = 0;
  for (int e = 0; e < n; ++e) {
    CHECK(confidential.enterprises.levers.rd_policy[e] == published.enterprises.levers.rd_policy[e]);
    CHECK(confidential.enterprises.levers.rd_allowance_yuan[e] == published.enterprises.levers.rd_allowance_yuan[e]);
    CHECK(confidential.enterprises.levers.certificate_precision[e] == 0.0);
    funded += published.enterprises.levers.rd_policy[e] == 0 ? 1 : 0;
  }
  CHECK(funded > 0.45 * n);
}
