// project_award: a competitive fixed-sum award for a start-up's current project, paid toward the
// project's cost whatever the firm's own cash; with an expert review, investors read the winners'
// assessment (sim/policies/project_award.cpp).
#include "links/finance.hpp"
#include "links/progress.hpp"
#include "model/population.hpp"
#include "policies/policy.hpp"
#include "support/policy_pair.hpp"
#include "support/rounds.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

using namespace innochain;

namespace {

/// An instance of project_award with the type's defaults and the given overrides.
std::unique_ptr<Instrument> make_award(const Scenario& s, const std::vector<std::pair<std::string, double>>& values,
                                       const std::string& review = "expert",
                                       const std::string& applicants = "before_product") {
  const InstrumentType* type = find_instrument_type("project_award");
  REQUIRE(type != nullptr);
  PolicyConfig p;
  p.type = "project_award";
  p.name = "award";
  for (const InstrumentParam& q : type->params) p.values.emplace_back(q.key, q.default_value);
  for (auto& [k, v] : p.values)
    for (const auto& [key, value] : values)
      if (k == key) v = value;
  p.choices = {{"review", review}, {"applicants", applicants}};
  return type->make(p, s);
}

/// `n` start-ups in the tiny world's field and region, each with one active BREAKTHROUGH project of
/// quality `quality` `done` of the way through, one engineer of skill 1, and `cash` yuan; and
/// one venture fund with `threshold`.
State startups(const Context& c, int n, double cash, double quality, double done = 0.0, double threshold = -100.0) {
  State st;
  st.institutes.resize(0, c.fields);
  st.financiers.resize(1);
  st.financiers.kind[0] = FinancierKind::venture_capital;
  st.financiers.capital_yuan[0] = 1e13;
  st.financiers.threshold[0] = threshold;
  st.enterprises.resize(static_cast<std::size_t>(n));
  st.projects.resize(static_cast<std::size_t>(n));
  for (int e = 0; e < n; ++e) {
    Enterprises& en = st.enterprises;
    en.kind[e] = EnterpriseKind::startup;
    en.alive[e] = 1;
    en.cash_yuan[e] = cash;
    en.rd_staff[e] = 1;
    en.rd_staff_skill_mean[e] = 1.0;
    en.shares_outstanding[e] = 1.0;
    en.pipeline_quality[e] = quality;  // as last month's progress phase left it
    Projects& pr = st.projects;
    pr.stage[e] = Stage::breakthrough;
    pr.status[e] = ProjectStatus::active;
    pr.holder_kind[e] = HolderKind::enterprise;
    pr.holder[e] = e;
    pr.origin_institute[e] = -1;
    pr.quality[e] = quality;
    pr.progress[e] = static_cast<std::int64_t>(static_cast<double>(stage_units(c, Stage::breakthrough, 0)) * done);
    pr.active.push_back(e);
  }
  st.policy_spending.assign(1, 0.0);
  st.policy_units.assign(1, 0.0);
  index_enterprises_by_field(st, c.fields);
  return st;
}

/// One month as the pipeline runs it, for the phases that matter here: the policy phase (the
/// instance settles, every lever is reset, the instance acts), progress, then (optionally) finance.
void month(const Context& c, State& st, Instrument* award, bool with_finance) {
  const Eligibility eligible = resolve_eligibility(c.scenario, award != nullptr ? award->config() : PolicyConfig{});
  if (award != nullptr) award->settle(c, st, 0);
  st.enterprises.levers.reset();
  st.levers.reset(Eigen::MatrixXd::Ones(c.regions, c.regions), c.fields, c.regions, 1);
  st.policy_spending.assign(1, 0.0);
  st.policy_units.assign(1, 0.0);
  if (award != nullptr) award->act(c, st, eligible, 0);
  MonthMetrics m(c.fields, c.regions, 1);
  progress(c, st, m);
  if (with_finance) finance(c, st, m);
  st.month += 1;
}

Scenario no_hazard() {
  Scenario s = test::tiny_scenario();
  for (auto& stage : s.chain.progress.stages) stage.hazard_per_month = 0.0;
  s.chain.finance.deals_per_month = 100000;
  return s;
}

}  // namespace

TEST_CASE("project awards go to the best-assessed applicants, once each, a fixed number a round", "[policies]") {
  // 400 start-ups with a project of log quality +1 (even ids) or -1 (odd ids); 100 more with a
  // product, 50 without a project. Four rounds a year of 100 awards each (world.scale 1).
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{81, 0});
  const int n = 400, products = 100, idle = 50;
  State st = startups(c, n + products + idle, 1e6, 1.0);
  for (int e = 0; e < n; ++e) st.enterprises.pipeline_quality[e] = std::exp(e % 2 == 0 ? 1.0 : -1.0);
  for (int e = n; e < n + products; ++e) st.enterprises.venture_stage[e] = 3;
  for (int e = n + products; e < n + products + idle; ++e) st.enterprises.pipeline_quality[e] = 0.0;
  auto award = make_award(s, {{"awards_per_year", 400.0}, {"rounds_per_year", 4.0}});
  const Eligibility eligible = resolve_eligibility(s, award->config());
  st.levers.reset(Eigen::MatrixXd::Ones(c.regions, c.regions), c.fields, c.regions, 1);
  award->act(c, st, eligible, 0);
  const EnterpriseLevers& l = st.enterprises.levers;
  int good = 0, poor = 0, others = 0;
  for (int e = 0; e < n + products + idle; ++e) {
    const bool won = l.rd_policy[e] == 0;
    if (e >= n)
      others += won ? 1 : 0;
    else
      (e % 2 == 0 ? good : poor) += won ? 1 : 0;
    if (won) {
      CHECK(l.rd_subsidy_rate[e] == 1.0);                       // the whole cost of its project
      CHECK(l.rd_allowance_yuan[e] == 1.0e6);                   // up to the award's sum
      CHECK(l.certificate_precision[e] == Approx(1.0 / 0.25));  // investors read the assessment
    } else {
      CHECK(l.certificate_precision[e] == 0.0);
    }
  }
  CHECK(good + poor == 100);
  CHECK(good > 95);    // a review with noise 0.5 separates log quality +1 from -1 nearly always
  CHECK(others == 0);  // no product, a project: the only applicants
  CHECK(st.levers.entry_rd_subsidy_rate[0] == 0.0);  // entry does not expect a competitive award
  // Between rounds no new award is made; the winners keep drawing (their certificate is not
  // read again). The next round (month 3) picks 100 other firms.
  std::vector<int> won_first(static_cast<std::size_t>(n), 0);
  for (int e = 0; e < n; ++e) won_first[e] = l.rd_policy[e] == 0;
  for (int m = 1; m <= 3; ++m) {
    st.month = m;
    award->settle(c, st, 0);
    st.enterprises.levers.reset();
    st.levers.reset(Eigen::MatrixXd::Ones(c.regions, c.regions), c.fields, c.regions, 1);
    award->act(c, st, eligible, 0);
    int holders = 0, certified = 0, repeat = 0;
    for (int e = 0; e < n; ++e) {
      holders += l.rd_policy[e] == 0;
      certified += l.certificate_precision[e] > 0.0;
      repeat += won_first[e] && l.certificate_precision[e] > 0.0;
    }
    CHECK(holders == (m < 3 ? 100 : 200));
    CHECK(certified == (m < 3 ? 0 : 100));
    CHECK(repeat == 0);
  }
  SECTION("a lottery draws the winners at random and certifies nothing") {
    State lot = startups(c, n, 1e6, 1.0);
    for (int e = 0; e < n; ++e) lot.enterprises.pipeline_quality[e] = std::exp(e % 2 == 0 ? 1.0 : -1.0);
    auto lottery = make_award(s, {{"awards_per_year", 800.0}, {"rounds_per_year", 4.0}}, "lottery");
    lot.levers.reset(Eigen::MatrixXd::Ones(c.regions, c.regions), c.fields, c.regions, 1);
    lottery->act(c, lot, eligible, 0);
    int g = 0, p = 0;
    for (int e = 0; e < n; ++e) {
      if (lot.enterprises.levers.rd_policy[e] == 0) (e % 2 == 0 ? g : p) += 1;
      CHECK(lot.enterprises.levers.certificate_precision[e] == 0.0);
    }
    CHECK(g + p == 200);
    CHECK(g > 70);  // about 100 each (binomial s.d. about 7)
    CHECK(p > 70);
  }
}

TEST_CASE("the award reaches a firm whose cash is near zero and moves its project, up to its sum", "[policies]") {
  // Start-ups with 1 yuan: their budget (cash over the runway) buys nothing of a BREAKTHROUGH
  // project. The award pays the project's whole cost, so it runs at full speed until the sum is
  // spent; the firm's own cash is not touched by its R&D.
  const Scenario s = no_hazard();
  const Context c(s, RunKey{82, 0});
  const int n = 20;
  const int duration = static_cast<int>(s.chain.progress.stages[static_cast<int>(Stage::breakthrough)].duration_months);
  const double monthly = cost_at_base_price(c, Stage::breakthrough, 0);
  REQUIRE(monthly > 0.0);
  REQUIRE(duration >= 4);
  const auto run = [&](bool awarded, double sum, int months) {
    State st = startups(c, n, 1.0, 1.0);
    auto award = make_award(s, {{"awards_per_year", 4.0 * n}, {"rounds_per_year", 4.0}, {"award_yuan", sum}});
    double paid = 0.0;
    for (int m = 0; m < months; ++m) {
      month(c, st, awarded ? award.get() : nullptr, false);
      paid += st.policy_spending[0];
    }
    return std::pair{std::move(st), paid};
  };
  SECTION("an award larger than the stage's cost: full speed, and the firm's cash untouched") {
    const auto [with, paid] = run(true, 1e12, 3);
    const auto [without, none] = run(false, 1e12, 3);
    for (int e = 0; e < n; ++e) {
      CHECK(with.projects.progress[e] == 3 * kProgressUnitsPerMonth);  // three months at full speed
      CHECK(without.projects.progress[e] == 0);
      CHECK(with.enterprises.cash_yuan[e] == Approx(1.0));
      CHECK(with.enterprises.first_grant_month[e] == -1);  // finance (not run here) records it
    }
    CHECK(paid == Approx(3.0 * n * monthly));
    CHECK(none == 0.0);
  }
  SECTION("an award of a month and a half of the stage's cost buys that and no more") {
    const auto [with, paid] = run(true, 1.5 * monthly, 4);
    for (int e = 0; e < n; ++e)
      CHECK(static_cast<double>(with.projects.progress[e]) ==
            Approx(1.5 * static_cast<double>(kProgressUnitsPerMonth)).epsilon(0.02));
    CHECK(paid == Approx(1.5 * n * monthly));
  }
  SECTION("what is not spent within award_months lapses") {
    State st = startups(c, n, 1.0, 1.0);
    auto award = make_award(s, {{"awards_per_year", 4.0 * n}, {"rounds_per_year", 1.0}, {"award_months", 2.0}});
    for (int m = 0; m < 4; ++m) month(c, st, award.get(), false);
    for (int e = 0; e < n; ++e) CHECK(st.projects.progress[e] == 2 * kProgressUnitsPerMonth);
  }
}

TEST_CASE("an award-funded milestone raises the firm's valuation and its chance of a round", "[policies]") {
  // Start-ups 95 % through BREAKTHROUGH with almost no cash. With the award (a lottery, so no
  // certificate: only the milestone differs) the stage is finished this month and investors see
  // a firm at PROOF_OF_CONCEPT; without it nothing moves.
  Scenario s = no_hazard();
  const int n = 2000;
  SECTION("valuation: every firm funded, the awarded ones at the next stage's price") {
    const Context c(s, RunKey{83, 0});
    State with = startups(c, n, 1.0, 1.0, 0.95), without = startups(c, n, 1.0, 1.0, 0.95);
    auto award = make_award(s, {{"awards_per_year", 4.0 * n}, {"rounds_per_year", 4.0}}, "lottery");
    month(c, with, award.get(), true);
    month(c, without, nullptr, true);
    REQUIRE(with.investments.size() == static_cast<std::size_t>(n));
    REQUIRE(without.investments.size() == static_cast<std::size_t>(n));
    double pre_with = 0.0, pre_without = 0.0;
    for (int e = 0; e < n; ++e) {
      CHECK(with.enterprises.venture_stage[e] == 1);
      CHECK(without.enterprises.venture_stage[e] == 0);
      CHECK(with.enterprises.first_grant_month[e] == 0);
      pre_with += (with.enterprises.post_money_yuan[e] - with.investments.amount_yuan[e]) / n;
      pre_without += (without.enterprises.post_money_yuan[e] - without.investments.amount_yuan[e]) / n;
    }
    INFO("mean pre-money with the award " << pre_with << ", without " << pre_without);
    // The milestone's price: the road to market from PROOF_OF_CONCEPT against BREAKTHROUGH.
    CHECK(pre_with / pre_without ==
          Approx(test::mean_pre_money_at_prior(c, with) / test::mean_pre_money_at_prior(c, without)).epsilon(0.05));
  }
  SECTION("the chance of a round: a selective fund funds more firms past the milestone") {
    // Firms better than investors' prior (log quality 0.5): the milestone's test result shows it.
    s.chain.finance.candidates_per_deal = 1;
    const Context c(s, RunKey{84, 0});
    const double q = std::exp(0.5);
    State with = startups(c, n, 1.0, q, 0.95, 0.4), without = startups(c, n, 1.0, q, 0.95, 0.4);
    auto award = make_award(s, {{"awards_per_year", 4.0 * n}, {"rounds_per_year", 4.0}}, "lottery");
    month(c, with, award.get(), true);
    month(c, without, nullptr, true);
    const double funded_with = static_cast<double>(with.investments.size()) / n,
                 funded_without = static_cast<double>(without.investments.size()) / n;
    INFO("funded with the award " << funded_with << ", without " << funded_without);
    CHECK(funded_without > 0.1);
    CHECK(funded_with > funded_without + 4.0 * std::sqrt(funded_without * (1.0 - funded_without) / n));
  }
}

TEST_CASE("a project award in the small world: recipients are recorded and spending stays within the awards",
          "[policies]") {
  const auto r = test::run_pair(R"(  - type: project_award
    name: award
    start_month: 6
    eligible: {kinds: [startup]}
    award_yuan: 1.0e6
    awards_per_year: 2000)",
                                24, 1, 0.01);
  // 2000 a year at 1/100 scale: 20 awards a year, 1.5 years of rounds (months 6, 9, ..., 21: six
  // rounds of 5): at most 30 awards of 1 M yuan.
  const double paid = r.policy[0][m_policy_spending];
  INFO("paid " << paid);
  CHECK(paid > 0.0);
  CHECK(paid <= 30 * 1.0e6 * (1.0 + 1e-12));
  CHECK(r.policy[0][m_policy_units_served] > 0.0);
}
