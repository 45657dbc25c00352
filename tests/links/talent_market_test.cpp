// Link 5, the talent market: staff targets, acceptance = friction x proximity,
// vacancies filled but never over-filled, region friction, researchers becoming
// tied industry scientists, outflow and inflow rates, and people conservation.
#include "links/talent_market.hpp"

#include "core/ledger.hpp"
#include "model/population.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace innochain;

namespace {

/// A scenario with no departures, arrivals or on-the-job search: only the unemployed move.
Scenario quiet(std::size_t fields = 1) {
  Scenario s = test::tiny_scenario(fields);
  s.chain.talent.outflow_per_year = 0.0;
  s.chain.talent.inflow_per_year = 0.0;
  s.chain.talent.search_rate_employed = 0.0;
  s.chain.talent.institute_recruitment_per_month = 0.0;
  return s;
}

/// Two regions with the given friction off the diagonal.
Scenario two_regions(double friction) {
  Scenario s = quiet();
  s.world.regions = {{"a", 0.5, 0.5, 0.5, 0.5}, {"b", 0.5, 0.5, 0.5, 0.5}};
  s.world.friction = {{1.0, friction}, {friction, 1.0}};
  return s;
}

/// An empty state for the context: no agents yet.
State empty_world(const Context& c) {
  State st;
  st.institutes.resize(0, c.fields);
  return st;
}

/// Appends an institute in `region` working only in `field`, with the given budget.
std::int32_t add_institute(const Context& c, State& st, std::size_t region, std::size_t field, double budget) {
  Institutes& in = st.institutes;
  const std::size_t i = in.size();
  in.resize(i + 1, c.fields);
  in.region[i] = static_cast<std::uint16_t>(region);
  in.budget_yuan_per_month[i] = budget;
  in.field_weight[i * c.fields + field] = 1.0;
  return static_cast<std::int32_t>(i);
}

/// Appends an SME that wants exactly `staff` R&D staff (its whole revenue is its R&D budget).
std::int32_t add_firm(const Context& c, State& st, std::size_t region, std::size_t field, std::int64_t staff,
                      double absorptive = 0.2) {
  const auto& t = c.scenario.chain.talent;
  const double revenue = static_cast<double>(staff) * t.engineer_wage_yuan_per_month / t.wage_share_of_rd;
  const std::int32_t e = add_enterprise(c, st, EnterpriseKind::sme, field, region, 1e15, absorptive);
  st.enterprises.revenue_yuan_per_month[e] = revenue;
  st.enterprises.rd_share[e] = 1.0;
  return e;
}

/// Appends `n` people with the given role, place and employer.
void add_people(State& st, std::size_t n, Role role, std::size_t region, std::size_t field, EmployerKind kind,
                std::int32_t employer, float propensity = 0.0f) {
  Talent& t = st.talent;
  const std::size_t first = t.size();
  t.resize(first + n);
  for (std::size_t i = first; i < first + n; ++i) {
    t.role[i] = role;
    t.region[i] = static_cast<std::uint16_t>(region);
    t.field[i] = static_cast<std::uint16_t>(field);
    t.skill[i] = 1.0f;
    t.employer_kind[i] = kind;
    t.employer[i] = employer;
    t.entrepreneurial_propensity[i] = propensity;
    t.months_in_job[i] = 7;
    t.tie_institute[i] = -1;
  }
}

int count_employed_by(const State& st, EmployerKind kind, std::int32_t employer) {
  int n = 0;
  for (std::size_t i = 0; i < st.talent.size(); ++i)
    n += st.talent.employer_kind[i] == kind && st.talent.employer[i] == employer;
  return n;
}

}  // namespace

TEST_CASE("staff targets: budget x wage share / wage", "[talent]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{1, 0});
  const auto& t = s.chain.talent;
  State st = empty_world(c);

  SECTION("institutes: whole budget x wage share / researcher wage") {
    add_institute(c, st, 0, 0, 1.0e6);
    add_institute(c, st, 0, 0, 1.0e6 + 0.4 * t.researcher_wage_yuan_per_month / t.wage_share_of_rd);
    add_institute(c, st, 0, 0, 0.0);
    add_institute(c, st, 0, 0, 4.0e6);
    CHECK(institute_staff_target(c, st.institutes, 0) == 25);  // 1e6 x 0.5 / 2e4
    CHECK(institute_staff_target(c, st.institutes, 3) == 100);
    // A fractional target (25.4) is rounded to a whole neighbour.
    CHECK(std::abs(static_cast<double>(institute_staff_target(c, st.institutes, 1)) - 25.4) < 1.0);
    CHECK(institute_staff_target(c, st.institutes, 2) == 0);
  }

  SECTION("established firms: R&D budget = min(cash, revenue x R&D share)") {
    const std::int32_t e = add_enterprise(c, st, EnterpriseKind::sme, 0, 0, 1e9, 0.5);
    st.enterprises.revenue_yuan_per_month[e] = 1.5e7;
    st.enterprises.rd_share[e] = 0.04;
    // 1.5e7 x 0.04 = 6e5 of R&D; x 0.5 / 3e4 = 10.
    CHECK(enterprise_staff_target(c, st.enterprises, e) == 10);
    // Twice the R&D share, twice the staff.
    st.enterprises.rd_share[e] = 0.08;
    CHECK(enterprise_staff_target(c, st.enterprises, e) == 20);
    // The market wage: twice the wage, half the staff; a wage subsidy of a half undoes it.
    CHECK(enterprise_staff_target(c, st.enterprises, e, 0.0, 2.0) == 10);
    CHECK(enterprise_staff_target(c, st.enterprises, e, 0.5, 2.0) == 20);
    // Cash binds: 1.2e5 x 0.5 / 3e4 = 2.
    st.enterprises.cash_yuan[e] = 1.2e5;
    CHECK(enterprise_staff_target(c, st.enterprises, e) == 2);
    st.enterprises.cash_yuan[e] = -5.0;
    CHECK(enterprise_staff_target(c, st.enterprises, e) == 0);
    // A dead firm hires nobody.
    st.enterprises.cash_yuan[e] = 1e9;
    st.enterprises.alive[e] = 0;
    CHECK(enterprise_staff_target(c, st.enterprises, e) == 0);
  }

  SECTION("start-ups: cash spread over their planned runway") {
    const double runway = s.agents.enterprises.startup_runway_months;
    REQUIRE(runway == 18.0);
    const std::int32_t e = add_enterprise(c, st, EnterpriseKind::startup, 0, 0, 5.0 * runway * 3e4 / 0.5, 0.5);
    st.enterprises.revenue_yuan_per_month[e] = 0.0;  // revenue plays no part for a start-up
    CHECK(enterprise_staff_target(c, st.enterprises, e) == 5);
    st.enterprises.cash_yuan[e] = 2.0 * runway * 3e4 / 0.5;
    CHECK(enterprise_staff_target(c, st.enterprises, e) == 2);
    st.enterprises.cash_yuan[e] = 1.8e6;  // 1e5 a month x 0.5 / 3e4 = 1.67: a whole neighbour
    CHECK(std::abs(static_cast<double>(enterprise_staff_target(c, st.enterprises, e)) - 5.0 / 3.0) < 1.0);
    st.enterprises.cash_yuan[e] = -1e6;
    CHECK(enterprise_staff_target(c, st.enterprises, e) == 0);
  }
}

TEST_CASE("the market wage rises with tightness above its target and falls below it", "[talent]") {
  TalentMarketParams p;
  p.wage_adjustment_per_year = 1.2;  // 0.1 a month per log point of tightness
  p.target_tightness = 0.5;
  // At the target (up to the +1 in both counts) the wage stays.
  CHECK(next_wage_index(p, 1.3, 499.5, 1000.0) == Approx(1.3));
  // Four times the target tightness: ln 4 x 0.1 a month.
  CHECK(next_wage_index(p, 1.0, 2000.0 * 1001.0 / 1000.0 - 1.0, 1000.0) == Approx(std::exp(0.1 * std::log(4.0))));
  // A slack market: the wage falls, never below zero, and a market with no vacancies at all moves
  // at most 5 log points x the speed.
  CHECK(next_wage_index(p, 1.0, 100.0, 1000.0) < 1.0);
  CHECK(next_wage_index(p, 1.0, 0.0, 1e12) == Approx(std::exp(-0.5)));
  // No adjustment speed: a fixed wage.
  p.wage_adjustment_per_year = 0.0;
  CHECK(next_wage_index(p, 1.7, 1e6, 1.0) == 1.7);
}

TEST_CASE("acceptance probability is friction x proximity", "[talent]") {
  Scenario s = test::tiny_scenario(2);
  s.world.regions = {{"a", 0.5, 0.5, 0.5, 0.5}, {"b", 0.5, 0.5, 0.5, 0.5}};
  s.world.friction = {{1.0, 0.3}, {0.3, 1.0}};
  s.world.proximity = {{1.0, 0.6}, {0.6, 1.0}};
  const Context c(s, RunKey{1, 0});
  const State st;  // hand-built: no friction lever, the scenario's friction applies
  CHECK(acceptance_probability(c, st, 0, 0, 0, 0) == 1.0);
  CHECK(acceptance_probability(c, st, 0, 0, 1, 0) == Approx(0.3));
  CHECK(acceptance_probability(c, st, 0, 0, 0, 1) == Approx(0.6));
  CHECK(acceptance_probability(c, st, 0, 0, 1, 1) == Approx(0.18));
  CHECK(acceptance_probability(c, st, 1, 1, 0, 0) == Approx(0.18));
  // The policy phase's friction lever, when set, replaces the scenario's.
  State raised;
  raised.levers.friction = c.friction;
  raised.levers.friction(0, 1) = raised.levers.friction(1, 0) = 0.9;
  CHECK(acceptance_probability(c, raised, 0, 0, 1, 0) == Approx(0.9));
  CHECK(acceptance_probability(c, raised, 1, 1, 0, 0) == Approx(0.54));
}

TEST_CASE("unemployed searchers fill open vacancies, never more than are open", "[talent]") {
  const Scenario s = quiet();
  const Context c(s, RunKey{2, 0});

  SECTION("more searchers than vacancies: the vacancies fill exactly") {
    State st = empty_world(c);
    const std::int32_t e = add_firm(c, st, 0, 0, 10);
    add_people(st, 100, Role::engineer, 0, 0, EmployerKind::none, -1);
    MonthMetrics m(1, 1);
    talent_market(c, st, m);
    CHECK(st.enterprises.rd_staff[e] == 10);
    CHECK(count_employed_by(st, EmployerKind::enterprise, e) == 10);
    CHECK(m.at(m_hires) == 10.0);
    CHECK(m.at(m_vacancies) == 0.0);
    for (std::size_t i = 0; i < st.talent.size(); ++i)
      if (st.talent.employer_kind[i] == EmployerKind::enterprise) CHECK(st.talent.months_in_job[i] == 0);
  }

  SECTION("fewer searchers than vacancies: everyone is hired, the rest stays open") {
    State st = empty_world(c);
    const std::int32_t e = add_firm(c, st, 0, 0, 10);
    add_people(st, 4, Role::engineer, 0, 0, EmployerKind::none, -1);
    MonthMetrics m(1, 1);
    talent_market(c, st, m);
    CHECK(st.enterprises.rd_staff[e] == 4);
    CHECK(m.at(m_hires) == 4.0);
    CHECK(m.at(m_vacancies) == 6.0);
  }

  SECTION("current staff count against the target: a full firm posts nothing") {
    State st = empty_world(c);
    const std::int32_t e = add_firm(c, st, 0, 0, 10);
    add_people(st, 8, Role::engineer, 0, 0, EmployerKind::enterprise, e);
    add_people(st, 50, Role::engineer, 0, 0, EmployerKind::none, -1);
    MonthMetrics m(1, 1);
    talent_market(c, st, m);
    CHECK(st.enterprises.rd_staff[e] == 10);  // 2 open, 2 hired
    CHECK(m.at(m_hires) == 2.0);
  }

  SECTION("unemployed researchers fill institute vacancies; engineers never do") {
    Scenario s2 = quiet();
    s2.chain.talent.researcher_to_industry_share = 0.0;
    const Context c2(s2, RunKey{3, 0});
    State st = empty_world(c2);
    const std::int32_t i = add_institute(c2, st, 0, 0, 1.0e6);  // 25 positions
    add_people(st, 40, Role::researcher, 0, 0, EmployerKind::none, -1);
    add_people(st, 40, Role::engineer, 0, 0, EmployerKind::none, -1);
    MonthMetrics m(1, 1);
    talent_market(c2, st, m);
    CHECK(st.institutes.researchers[i] == 25);
    for (std::size_t k = 0; k < st.talent.size(); ++k) {
      if (st.talent.employer_kind[k] != EmployerKind::institute) continue;
      CHECK(st.talent.role[k] == Role::researcher);
    }
    CHECK(m.at(m_hires) == 25.0);
    CHECK(m.at(m_vacancies) == 0.0);
  }

  SECTION("many employers, many searchers: no employer ends above its target") {
    State st = empty_world(c);
    for (int k = 0; k < 20; ++k) add_firm(c, st, 0, 0, k % 7);
    for (int k = 0; k < 5; ++k) add_institute(c, st, 0, 0, 2.0e5 * k);
    add_people(st, 300, Role::engineer, 0, 0, EmployerKind::none, -1);
    add_people(st, 300, Role::researcher, 0, 0, EmployerKind::none, -1);
    MonthMetrics m(1, 1);
    talent_market(c, st, m);
    std::int64_t open_before = 0;
    for (std::size_t e = 0; e < st.enterprises.size(); ++e) {
      CHECK(st.enterprises.rd_staff[e] <= enterprise_staff_target(c, st.enterprises, e));
      open_before += enterprise_staff_target(c, st.enterprises, e);
    }
    for (std::size_t i = 0; i < st.institutes.size(); ++i) {
      CHECK(st.institutes.researchers[i] <= institute_staff_target(c, st.institutes, i));
      open_before += institute_staff_target(c, st.institutes, i);
    }
    CHECK(m.at(m_hires) + m.at(m_vacancies) == static_cast<double>(open_before));
    CHECK(m.at(m_hires) > 0.0);
  }
}

TEST_CASE("lower friction between two regions means fewer cross-region hires", "[talent]") {
  // Searchers live in region 0; two firms, one per region, each with 1000 vacancies.
  // A searcher sees a random open slot (half are across the border) and takes it with
  // probability = friction: expected cross-region hires = 1000 x 1/2 x friction.
  auto cross_hires = [](double friction, double& hires) {
    const Scenario s = two_regions(friction);
    const Context c(s, RunKey{4, 0});
    State st = empty_world(c);
    const std::int32_t home = add_firm(c, st, 0, 0, 1000);
    const std::int32_t away = add_firm(c, st, 1, 0, 1000);
    add_people(st, 1000, Role::engineer, 0, 0, EmployerKind::none, -1);
    MonthMetrics m(1, 2);
    talent_market(c, st, m);
    hires = m.at(m_hires);
    int cross = 0;
    for (std::size_t i = 0; i < st.talent.size(); ++i) {
      if (st.talent.employer_kind[i] != EmployerKind::enterprise) continue;
      // A hire moves to the employer's region.
      CHECK(st.talent.region[i] == st.enterprises.region[st.talent.employer[i]]);
      cross += st.talent.employer[i] == away;
    }
    CHECK(st.enterprises.rd_staff[home] + st.enterprises.rd_staff[away] == static_cast<int>(hires));
    return cross;
  };
  double hires_high = 0.0, hires_low = 0.0;
  const int high = cross_hires(0.8, hires_high);
  const int low = cross_hires(0.2, hires_low);
  // Binomial(1000, p): sd <= 16; 4 sd margins.
  CHECK(high == Approx(400).margin(64));
  CHECK(low == Approx(100).margin(40));
  CHECK(low < high);
  // Same-region slots are always accepted: ~500 home hires either way.
  CHECK(hires_high - high == Approx(500).margin(64));
  CHECK(hires_low - low == Approx(500).margin(64));
  CHECK(hires_low < hires_high);
}

TEST_CASE("field proximity scales acceptance of a vacancy in another field", "[talent]") {
  Scenario s = quiet(2);
  s.world.proximity = {{1.0, 0.25}, {0.25, 1.0}};
  const Context c(s, RunKey{5, 0});
  State st = empty_world(c);
  const std::int32_t other = add_firm(c, st, 0, 1, 5000);
  add_people(st, 4000, Role::engineer, 0, 0, EmployerKind::none, -1);
  MonthMetrics m(2, 1);
  talent_market(c, st, m);
  CHECK(st.enterprises.rd_staff[other] == Approx(1000).margin(4 * std::sqrt(4000 * 0.25 * 0.75)));
  // Hires take the employer's field.
  for (std::size_t i = 0; i < st.talent.size(); ++i)
    if (st.talent.employer_kind[i] == EmployerKind::enterprise) CHECK(st.talent.field[i] == 1);
}

TEST_CASE("a researcher hired by a firm becomes a tied industry scientist and raises absorptive capacity", "[talent]") {
  Scenario s = quiet();
  s.chain.talent.search_rate_employed = 1.0;          // everyone employed searches
  s.chain.talent.researcher_to_industry_share = 1.0;  // researchers look at industry only
  const Context c(s, RunKey{6, 0});
  State st = empty_world(c);
  const std::int32_t inst = add_institute(c, st, 0, 0, 0.0);  // no institute vacancies
  const std::int32_t firm = add_firm(c, st, 0, 0, 1000, 0.2);
  const std::int32_t untied = add_firm(c, st, 0, 0, 0, 0.3);                   // no vacancies: no ties
  add_people(st, 50, Role::researcher, 0, 0, EmployerKind::institute, inst);   // ids 0..49
  add_people(st, 10, Role::researcher, 0, 0, EmployerKind::none, -1);          // ids 50..59
  add_people(st, 10, Role::engineer, 0, 0, EmployerKind::enterprise, untied);  // ids 60..69
  update_workforce(st);
  REQUIRE(st.institutes.researchers[inst] == 50);
  MonthMetrics m(1, 1);
  talent_market(c, st, m);

  const Talent& t = st.talent;
  for (std::size_t i = 0; i < 50; ++i) {
    INFO("person " << i);
    CHECK(t.employer_kind[i] == EmployerKind::enterprise);
    CHECK(t.employer[i] == firm);
    CHECK(t.role[i] == Role::industry_scientist);
    CHECK(t.tie_institute[i] == inst);
    CHECK(t.months_in_job[i] == 0);
  }
  // Unemployed researchers hired by a firm become industry scientists without a tie.
  for (std::size_t i = 50; i < 60; ++i) {
    CHECK(t.role[i] == Role::industry_scientist);
    CHECK(t.tie_institute[i] == -1);
  }
  // Engineers moving between firms stay engineers.
  for (std::size_t i = 60; i < 70; ++i) {
    CHECK(t.role[i] == Role::engineer);
    CHECK(t.employer[i] == firm);
  }
  CHECK(m.at(m_researchers_to_industry) == 60.0);
  CHECK(m.at(m_hires) == 70.0);
  CHECK(st.institutes.researchers[inst] == 0);
  CHECK(st.institutes.industry_ties[inst] == 50);
  CHECK(st.enterprises.industry_ties[firm] == 50);
  CHECK(st.enterprises.rd_staff[firm] == 70);
  const double gain = s.chain.talent.tie_absorptive_gain;
  CHECK(st.enterprises.absorptive_capacity[firm] == Approx(0.2 + gain * std::log1p(50.0)));
  CHECK(st.enterprises.absorptive_capacity[firm] > st.enterprises.absorptive_base[firm]);
  CHECK(st.enterprises.absorptive_capacity[untied] == Approx(0.3));

  SECTION("absorptive capacity is capped at 1") {
    st.enterprises.absorptive_base[firm] = 0.99;
    MonthMetrics m2(1, 1);
    talent_market(c, st, m2);
    CHECK(st.enterprises.absorptive_capacity[firm] == 1.0);
  }
}

TEST_CASE("institutes fill the positions local searchers leave open by recruiting from outside", "[talent]") {
  Scenario s = quiet();
  s.chain.talent.institute_recruitment_per_month = 0.25;
  s.chain.talent.researcher_to_industry_share = 0.0;
  const Context c(s, RunKey{8, 0});
  State st = empty_world(c);
  std::vector<std::int32_t> institutes;
  for (int k = 0; k < 40; ++k) institutes.push_back(add_institute(c, st, 0, 0, 4.0e6));  // 100 positions each
  add_people(st, 500, Role::researcher, 0, 0, EmployerKind::none, -1);  // local searchers fill some first
  const long long before = people_in_province(st);
  std::int64_t open = 0;
  for (const std::int32_t i : institutes) open += institute_staff_target(c, st.institutes, i);
  MonthMetrics m(1, 1);
  talent_market(c, st, m);
  const double local = m.at(m_hires), recruited = m.at(m_researchers_recruited);
  CHECK(local == 500.0);
  // Each position still open is filled with probability 0.25.
  const double expected = 0.25 * (static_cast<double>(open) - local);
  CHECK(recruited == Approx(expected).margin(4 * std::sqrt(expected * 0.75)));
  CHECK(m.at(m_talent_inflow) == recruited);  // recruits are arrivals (no other arrivals here)
  CHECK(m.at(m_vacancies) == static_cast<double>(open) - local - recruited);
  CHECK(people_in_province(st) == before + static_cast<long long>(recruited));
  // Recruits are new people, researchers employed at once by an institute in its region.
  std::int64_t staff = 0;
  for (const std::int32_t i : institutes) staff += st.institutes.researchers[i];
  CHECK(staff == static_cast<std::int64_t>(local + recruited));
  for (std::size_t k = 500; k < st.talent.size(); ++k) {
    CHECK(st.talent.role[k] == Role::researcher);
    CHECK(st.talent.employer_kind[k] == EmployerKind::institute);
    CHECK(st.talent.months_in_job[k] == 0);
    CHECK(st.talent.tie_institute[k] == -1);
  }
  // Full institutes recruit nobody.
  MonthMetrics m2(1, 1);
  s.chain.talent.institute_recruitment_per_month = 1.0;
  const Context c2(s, RunKey{8, 0});
  st.month = 1;
  talent_market(c2, st, m2);
  CHECK(m2.at(m_vacancies) == 0.0);
  MonthMetrics m3(1, 1);
  st.month = 2;
  talent_market(c2, st, m3);
  CHECK(m3.at(m_researchers_recruited) == 0.0);
}

TEST_CASE("outflow and inflow rates give the expected counts; people are conserved", "[talent]") {
  Scenario s = test::tiny_scenario();
  s.chain.talent.outflow_per_year = 0.12;
  s.chain.talent.inflow_per_year = 0.06;
  s.chain.talent.search_rate_employed = 0.0;
  s.chain.talent.unemployed_outflow_multiplier = 4.0;
  const Context c(s, RunKey{7, 0});
  State st = empty_world(c);
  const std::int32_t firm = add_firm(c, st, 0, 0, 0);                            // no vacancies: nobody is hired
  add_people(st, 100000, Role::engineer, 0, 0, EmployerKind::enterprise, firm);  // ids 0..99999
  add_people(st, 20000, Role::engineer, 0, 0, EmployerKind::none, -1);           // ids 100000..119999
  add_people(st, 5000, Role::engineer, 0, 0, EmployerKind::outside, -1);         // gone already
  const std::size_t n_before = st.talent.size();
  const long long before = people_in_province(st);
  REQUIRE(before == 120000);

  MonthMetrics m(1, 1);
  talent_market(c, st, m);

  const double out_rate = 1.0 - std::pow(1.0 - 0.12, 1.0 / 12.0);
  int employed_left = 0, unemployed_left = 0, outside_back = 0;
  for (std::size_t i = 0; i < 100000; ++i) employed_left += st.talent.employer_kind[i] == EmployerKind::outside;
  for (std::size_t i = 100000; i < 120000; ++i) unemployed_left += st.talent.employer_kind[i] == EmployerKind::outside;
  for (std::size_t i = 120000; i < 125000; ++i) outside_back += st.talent.employer_kind[i] != EmployerKind::outside;
  const double exp_employed = 100000 * out_rate;       // ~1060
  const double exp_unemployed = 20000 * 4 * out_rate;  // ~848
  CHECK(employed_left == Approx(exp_employed).margin(4 * std::sqrt(exp_employed)));
  CHECK(unemployed_left == Approx(exp_unemployed).margin(4 * std::sqrt(exp_unemployed)));
  CHECK(outside_back == 0);  // those outside stay outside
  CHECK(m.at(m_talent_outflow) == employed_left + unemployed_left);

  const double in_rate = 1.0 - std::pow(1.0 - 0.06, 1.0 / 12.0);
  const double exp_inflow = in_rate * static_cast<double>(before - employed_left - unemployed_left);  // ~608
  CHECK(m.at(m_talent_inflow) == Approx(exp_inflow).margin(4 * std::sqrt(exp_inflow)));
  REQUIRE(st.talent.size() == n_before + static_cast<std::size_t>(m.at(m_talent_inflow)));
  // Arrivals are unemployed, untied, in the province, with valid attributes.
  int arrived_researchers = 0;
  for (std::size_t i = n_before; i < st.talent.size(); ++i) {
    CHECK(st.talent.employer_kind[i] == EmployerKind::none);
    CHECK(st.talent.employer[i] == -1);
    CHECK(st.talent.tie_institute[i] == -1);
    CHECK(st.talent.region[i] == 0);
    CHECK(st.talent.field[i] == 0);
    CHECK(st.talent.skill[i] > 0.0f);
    CHECK(st.talent.entrepreneurial_propensity[i] >= 0.0f);
    CHECK(st.talent.entrepreneurial_propensity[i] <= 1.0f);
    CHECK(st.talent.role[i] != Role::industry_scientist);
    arrived_researchers += st.talent.role[i] == Role::researcher;
  }
  const auto& tp = s.agents.talent;
  const double researcher_share = tp.share_researcher / (tp.share_researcher + tp.share_engineer);
  const double arrivals = m.at(m_talent_inflow);
  CHECK(arrived_researchers ==
        Approx(arrivals * researcher_share).margin(4 * std::sqrt(arrivals * researcher_share) + 1));

  // People are conserved: after = before + inflow - outflow.
  CHECK(people_in_province(st) ==
        before + static_cast<long long>(m.at(m_talent_inflow)) - static_cast<long long>(m.at(m_talent_outflow)));
  // Nobody left the firm except by leaving the province.
  CHECK(st.enterprises.rd_staff[firm] == 100000 - employed_left);
}

TEST_CASE("talent programmes: a higher inflow rate brings more arrivals, a higher outflow rate more departures",
          "[talent]") {
  auto run = [](double inflow, double outflow, double& in, double& out) {
    Scenario s = test::tiny_scenario();
    s.chain.talent.inflow_per_year = inflow;
    s.chain.talent.outflow_per_year = outflow;
    const Context c(s, RunKey{8, 0});
    State st = empty_world(c);
    const std::int32_t firm = add_firm(c, st, 0, 0, 0);
    add_people(st, 50000, Role::engineer, 0, 0, EmployerKind::enterprise, firm);
    const long long before = people_in_province(st);
    MonthMetrics m(1, 1);
    talent_market(c, st, m);
    in = m.at(m_talent_inflow);
    out = m.at(m_talent_outflow);
    CHECK(people_in_province(st) == before + static_cast<long long>(in) - static_cast<long long>(out));
  };
  double in_lo, out_lo, in_hi, out_hi, in_zero, out_zero;
  run(0.02, 0.02, in_lo, out_lo);
  run(0.10, 0.10, in_hi, out_hi);
  run(0.0, 0.0, in_zero, out_zero);
  CHECK(in_hi > 3 * in_lo);
  CHECK(out_hi > 3 * out_lo);
  CHECK(in_zero == 0.0);
  CHECK(out_zero == 0.0);
}

TEST_CASE("the talent market over several months: people conserved every month", "[talent]") {
  Scenario s = test::tiny_scenario(2);
  s.world.proximity = {{1.0, 0.5}, {0.5, 1.0}};
  s.chain.talent.search_rate_employed = 0.05;
  const Context c(s, RunKey{9, 0});
  State st = build_population(c);
  for (int month = 0; month < 24; ++month) {
    const long long before = people_in_province(st);
    MonthMetrics m(2, 1);
    talent_market(c, st, m);
    INFO("month " << month);
    REQUIRE(people_in_province(st) ==
            before + static_cast<long long>(m.at(m_talent_inflow)) - static_cast<long long>(m.at(m_talent_outflow)));
    // Everyone in the province has one employer or none; the aggregates match the table.
    long long employed = 0;
    for (auto r : st.institutes.researchers) employed += r;
    for (auto r : st.enterprises.rd_staff) employed += r;
    long long unemployed = 0;
    for (auto k : st.talent.employer_kind) unemployed += k == EmployerKind::none;
    REQUIRE(employed + unemployed == people_in_province(st));
    st.month += 1;
  }
}
