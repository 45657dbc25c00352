// Entry: start-ups founded by entrepreneurial talent (the founder joins the new
// firm, which takes the founder's field and region, with the founder's money),
// SMEs entering at a base rate, and the per-field index rebuilt.
#include "links/entry.hpp"

#include "core/ledger.hpp"
#include "model/population.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace innochain;

namespace {

/// Two regions, two fields; no SME entry unless a test asks for it.
Scenario two_by_two() {
  Scenario s = test::tiny_scenario(2);
  s.world.regions = {{"a", 0.5, 0.5, 0.5, 0.5}, {"b", 0.5, 0.5, 0.5, 0.5}};
  s.world.friction = {{1.0, 0.5}, {0.5, 1.0}};
  s.chain.entry.sme_entry_per_year = 0.0;
  return s;
}

State empty_world(const Context& c) {
  State st;
  st.institutes.resize(0, c.fields);
  return st;
}

/// Appends `n` people with the given propensity, role, place and employer.
void add_people(State& st, std::size_t n, float propensity, Role role, std::size_t region, std::size_t field,
                EmployerKind kind = EmployerKind::none, std::int32_t employer = -1) {
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
    t.months_in_job[i] = 12;
    t.tie_institute[i] = -1;
  }
}

}  // namespace

TEST_CASE("founding probability: propensity x the monthly founding rate", "[entry]") {
  EntryParams p;
  p.talent_founding_per_year = 0.12;
  const double monthly = 1.0 - std::pow(1.0 - 0.12, 1.0 / 12.0);
  CHECK(founding_probability(p, 1.0) == Approx(monthly));
  CHECK(founding_probability(p, 0.5) == Approx(0.5 * monthly));
  CHECK(founding_probability(p, 0.0) == 0.0);
  // Monotone in propensity.
  double previous = -1.0;
  for (double prop = 0.0; prop <= 1.0; prop += 0.05) {
    const double q = founding_probability(p, prop);
    CHECK(q > previous);
    CHECK(q >= 0.0);
    CHECK(q <= 1.0);
    previous = q;
  }
  // Over twelve months, a person of propensity 1 founds with probability the annual rate.
  CHECK(1.0 - std::pow(1.0 - founding_probability(p, 1.0), 12.0) == Approx(0.12));
  // A rate of 1 a year with propensity 1 is certain; probabilities are capped at 1.
  p.talent_founding_per_year = 1.0;
  CHECK(founding_probability(p, 1.0) == 1.0);
  CHECK(founding_probability(p, 0.3) == Approx(0.3));
  CHECK(founding_probability(p, 5.0) == 1.0);
  p.talent_founding_per_year = 0.0;
  CHECK(founding_probability(p, 1.0) == 0.0);
}

TEST_CASE("with talent_founding_per_year = 0 nobody founds a start-up", "[entry]") {
  Scenario s = two_by_two();
  s.chain.entry.talent_founding_per_year = 0.0;
  const Context c(s, RunKey{1, 0});
  State st = empty_world(c);
  add_people(st, 5000, 1.0f, Role::engineer, 0, 0);
  MonthMetrics m(2, 2);
  entry(c, st, m);
  CHECK(st.enterprises.size() == 0);
  CHECK(m.total(m_startups_founded) == 0.0);
  CHECK(m.total(m_sme_entries) == 0.0);
  CHECK(st.ledger.month[lf_founder_money] == 0.0);
  for (std::size_t i = 0; i < st.talent.size(); ++i) CHECK(st.talent.employer_kind[i] == EmployerKind::none);
}

TEST_CASE("with a high founding rate many start-ups, each employing its founder", "[entry]") {
  Scenario s = two_by_two();
  s.chain.entry.talent_founding_per_year = 1.0;  // monthly probability = propensity
  s.chain.entry.founder_seed_yuan = 7.5e5;
  s.chain.entry.founder_seed_log_sd = 0.0;  // every founder brings the median
  const Context c(s, RunKey{2, 0});
  State st = empty_world(c);
  st.month = 5;
  // An incumbent in field 1, and one that has exited.
  const std::int32_t incumbent = add_enterprise(c, st, EnterpriseKind::sme, 1, 0, 1e6, 0.5);
  const std::int32_t dead = add_enterprise(c, st, EnterpriseKind::sme, 0, 0, 1e6, 0.5);
  st.enterprises.alive[dead] = 0;
  const std::size_t firms_before = st.enterprises.size();
  add_people(st, 1000, 0.5f, Role::engineer, 0, 0);                                         // 0..999
  add_people(st, 1000, 0.5f, Role::researcher, 1, 1, EmployerKind::enterprise, incumbent);  // 1000..1999
  add_people(st, 500, 1.0f, Role::engineer, 1, 0, EmployerKind::outside);                   // 2000..2499: gone
  add_people(st, 500, 0.0f, Role::engineer, 0, 1);                                          // 2500..2999: no drive
  const double money_before = money_stock(st);
  MonthMetrics m(2, 2);
  entry(c, st, m);

  const Talent& t = st.talent;
  const Enterprises& en = st.enterprises;
  const std::size_t founded = en.size() - firms_before;
  CHECK(m.total(m_startups_founded) == static_cast<double>(founded));
  // Binomial(2000, 1/2): sd ~ 22.
  CHECK(founded == Approx(1000).margin(90));

  int founders = 0, founders_a = 0, founders_b = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.employer_kind[i] != EmployerKind::enterprise || t.employer[i] == incumbent) continue;
    ++founders;
    (i < 1000 ? founders_a : founders_b) += 1;
    const std::int32_t e = t.employer[i];
    INFO("founder " << i << " of enterprise " << e);
    REQUIRE(e >= static_cast<std::int32_t>(firms_before));
    CHECK(en.kind[e] == EnterpriseKind::startup);
    CHECK(en.alive[e] == 1);
    CHECK(en.field[e] == t.field[i]);
    CHECK(en.region[e] == t.region[i]);
    CHECK(en.cash_yuan[e] == 7.5e5);
    CHECK(en.founded_month[e] == 5);
    // No product yet: no line, no revenue; one founding idea in BREAKTHROUGH.
    CHECK(en.product_lines[e] == 0);
    CHECK(en.first_product_month[e] == -1);
    CHECK(en.revenue_yuan_per_month[e] == 0.0);
    int ideas = 0;
    for (const std::int32_t id : st.projects.active)
      if (st.projects.holder_kind[id] == HolderKind::enterprise && st.projects.holder[id] == e) {
        ++ideas;
        CHECK(st.projects.stage[id] == Stage::breakthrough);
        CHECK(st.projects.field[id] == en.field[e]);
      }
    CHECK(ideas == 1);
    CHECK(en.absorptive_base[e] >= 0.0);
    CHECK(en.absorptive_base[e] <= 1.0);
    CHECK(t.months_in_job[i] == 0);
    CHECK(t.role[i] == Role::engineer);  // a researcher founder now works in industry
  }
  // One founder per new firm, each firm with exactly one founder.
  CHECK(founders == static_cast<int>(founded));
  std::vector<int> per_firm(en.size(), 0);
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t.employer_kind[i] == EmployerKind::enterprise) per_firm[t.employer[i]] += 1;
  for (std::size_t e = firms_before; e < en.size(); ++e) CHECK(per_firm[e] == 1);
  CHECK(founders_a == Approx(500).margin(64));
  CHECK(founders_b == Approx(500).margin(64));
  // By field: group a founds in field 0, group b in field 1.
  CHECK(m.at(m_startups_founded, 0) == founders_a);
  CHECK(m.at(m_startups_founded, 1) == founders_b);
  // Nobody outside the province and nobody without propensity founds.
  for (std::size_t i = 2000; i < 2500; ++i) CHECK(t.employer_kind[i] == EmployerKind::outside);
  for (std::size_t i = 2500; i < 3000; ++i) CHECK(t.employer_kind[i] == EmployerKind::none);

  // Founders' money enters the ledger and the money stock.
  CHECK(st.ledger.month[lf_founder_money] == Approx(7.5e5 * static_cast<double>(founded)));
  CHECK(money_stock(st) - money_before == Approx(st.ledger.sources() - st.ledger.sinks()));

  // The per-field index is rebuilt: alive firms only, ascending, entrants included.
  REQUIRE(st.enterprises_by_field.size() == 2);
  std::size_t listed = 0;
  for (std::size_t f = 0; f < 2; ++f) {
    const auto& ids = st.enterprises_by_field[f];
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    for (const std::int32_t e : ids) {
      CHECK(en.alive[e] == 1);
      CHECK(en.field[e] == f);
    }
    listed += ids.size();
  }
  CHECK(listed == founded + 1);  // the entrants and the incumbent, not the dead firm
  CHECK(std::find(st.enterprises_by_field[1].begin(), st.enterprises_by_field[1].end(), incumbent) !=
        st.enterprises_by_field[1].end());
  CHECK(std::find(st.enterprises_by_field[0].begin(), st.enterprises_by_field[0].end(), dead) ==
        st.enterprises_by_field[0].end());
}

TEST_CASE("people already working at a start-up do not found another one", "[entry]") {
  Scenario s = two_by_two();
  s.chain.entry.talent_founding_per_year = 1.0;  // monthly probability = propensity
  const Context c(s, RunKey{6, 0});
  State st = empty_world(c);
  const std::int32_t startup = add_enterprise(c, st, EnterpriseKind::startup, 0, 0, 1e6, 0.5);
  const std::int32_t sme = add_enterprise(c, st, EnterpriseKind::sme, 0, 0, 1e6, 0.5);
  add_people(st, 200, 1.0f, Role::engineer, 0, 0, EmployerKind::enterprise, startup);  // 0..199
  add_people(st, 200, 1.0f, Role::engineer, 0, 0, EmployerKind::enterprise, sme);      // 200..399
  MonthMetrics m(2, 2);
  entry(c, st, m);
  for (std::size_t i = 0; i < 200; ++i) CHECK(st.talent.employer[i] == startup);
  // Propensity 1 at a founding rate of 1 a year: every SME employee founds this month.
  for (std::size_t i = 200; i < 400; ++i) CHECK(st.talent.employer[i] > sme);
  CHECK(m.total(m_startups_founded) == 200.0);
}

TEST_CASE("more entrepreneurial propensity, more founders", "[entry]") {
  Scenario s = two_by_two();
  s.chain.entry.talent_founding_per_year = 0.5;
  const Context c(s, RunKey{3, 0});
  State st = empty_world(c);
  add_people(st, 20000, 0.2f, Role::engineer, 0, 0);  // 0..19999
  add_people(st, 20000, 0.8f, Role::engineer, 0, 1);  // 20000..39999
  MonthMetrics m(2, 2);
  entry(c, st, m);
  const double monthly = 1.0 - std::pow(0.5, 1.0 / 12.0);
  const double low = 20000 * 0.2 * monthly, high = 20000 * 0.8 * monthly;  // ~225 and ~902
  CHECK(m.at(m_startups_founded, 0) == Approx(low).margin(4 * std::sqrt(low)));
  CHECK(m.at(m_startups_founded, 1) == Approx(high).margin(4 * std::sqrt(high)));
  CHECK(m.at(m_startups_founded, 1) > 2 * m.at(m_startups_founded, 0));
}

TEST_CASE("SMEs enter at initial_count x sme_entry_per_year / 12 a month", "[entry]") {
  Scenario s = two_by_two();
  s.chain.entry.talent_founding_per_year = 0.0;
  s.chain.entry.sme_entry_per_year = 0.12;
  s.agents.enterprises.count = 12000;  // 120 SMEs a month expected
  s.world.fields[0].enterprise_share = 0.25;
  s.world.fields[1].enterprise_share = 0.75;
  s.world.regions[0].enterprise_share = 0.9;
  s.world.regions[1].enterprise_share = 0.1;
  const Context c(s, RunKey{4, 0});
  const auto& ep = s.agents.enterprises;
  State st = empty_world(c);
  double total = 0.0, by_field0 = 0.0, by_field1 = 0.0;
  std::size_t lines_after_first_month = 0;
  const int months = 24;
  for (int month = 0; month < months; ++month) {
    const std::size_t before = st.enterprises.size();
    const double money_before = money_stock(st);
    st.ledger.clear();
    MonthMetrics m(2, 2);
    entry(c, st, m);
    const std::size_t entered = st.enterprises.size() - before;
    INFO("month " << month);
    // One month: Poisson(120), sd ~ 11.
    CHECK(entered == Approx(120).margin(50));
    CHECK(m.total(m_sme_entries) == static_cast<double>(entered));
    double cash = 0.0;
    for (std::size_t e = before; e < st.enterprises.size(); ++e) {
      CHECK(st.enterprises.kind[e] == EnterpriseKind::sme);
      CHECK(st.enterprises.alive[e] == 1);
      CHECK(st.enterprises.founded_month[e] == month);
      // It sells from the start (a later entrant of the month may take its lines over again):
      // lines summing (theta = 1) to the revenue its cash is months of.
      CHECK(st.enterprises.first_product_month[e] == month);
      double appeal = 0.0;
      for (std::size_t l = 0; l < st.lines.size(); ++l)
        if (st.lines.owner[l] == static_cast<std::int32_t>(e) && st.lines.status[l] == LineStatus::active)
          appeal += st.lines.appeal[l];
      if (month == 0 && e == before)  // the first entrant of an empty world gets new lines for its revenue
        CHECK(st.enterprises.cash_yuan[e] == Approx(ep.initial_cash_months * appeal));
      cash += st.enterprises.cash_yuan[e];
    }
    CHECK(st.ledger.month[lf_founder_money] == Approx(cash));
    // Entrants take over the field's goods: once a field has lines no new line is made, and every
    // line is on the market with exactly one owner.
    std::int64_t owned = 0;
    for (std::size_t e = 0; e < st.enterprises.size(); ++e) owned += st.enterprises.product_lines[e];
    CHECK(owned == static_cast<std::int64_t>(st.lines.size()));
    if (month > 0) CHECK(st.lines.size() == lines_after_first_month);
    if (month == 0) lines_after_first_month = st.lines.size();
    CHECK(money_stock(st) - money_before == Approx(st.ledger.sources() - st.ledger.sinks()));
    total += static_cast<double>(entered);
    by_field0 += m.at(m_sme_entries, 0);
    by_field1 += m.at(m_sme_entries, 1);
    st.month += 1;
  }
  // 24 months: 2880 expected, sd ~ 54.
  CHECK(total == Approx(120.0 * months).margin(4 * std::sqrt(120.0 * months)));
  CHECK(by_field0 == Approx(0.25 * total).margin(4 * std::sqrt(total * 0.25 * 0.75)));
  CHECK(by_field1 == Approx(0.75 * total).margin(4 * std::sqrt(total * 0.25 * 0.75)));
  int region1 = 0;
  for (std::size_t e = 0; e < st.enterprises.size(); ++e) region1 += st.enterprises.region[e] == 1;
  CHECK(region1 == Approx(0.1 * total).margin(4 * std::sqrt(total * 0.1 * 0.9)));
  // The per-field index lists them all.
  CHECK(st.enterprises_by_field[0].size() + st.enterprises_by_field[1].size() == st.enterprises.size());

  SECTION("the rate follows world.scale through the initial count") {
    Scenario half = s;
    half.world.scale = 0.5;
    const Context ch(half, RunKey{4, 0});
    State sh = empty_world(ch);
    double entered = 0.0;
    for (int month = 0; month < months; ++month) {
      MonthMetrics m(2, 2);
      entry(ch, sh, m);
      entered += m.total(m_sme_entries);
      sh.month += 1;
    }
    CHECK(entered == Approx(60.0 * months).margin(4 * std::sqrt(60.0 * months)));
  }
}

TEST_CASE("an SME that takes up a vacant good carries over the good's demand shock", "[entry]") {
  // 2000 vacant goods, the good k of appeal 1 + k with shock 0.01 k and variance 0.001 k: each new
  // line an entrant makes for a vacant good has the good's appeal, shock and variance (the good's
  // demand, docs/model.md 3.3.7), and the good is closed.
  Scenario s = two_by_two();
  s.chain.entry.talent_founding_per_year = 0.0;
  s.chain.entry.sme_entry_per_year = 0.12;
  s.agents.enterprises.count = 12000;  // 120 SMEs a month expected
  const Context c(s, RunKey{5, 0});
  State st = empty_world(c);
  const int goods = 2000;
  for (int k = 0; k < goods; ++k) {
    const std::int32_t l = st.lines.add(-1, static_cast<std::size_t>(k % 2), 1.0 + k, 1.0, -1, -1);
    st.lines.status[l] = LineStatus::vacant;
    st.lines.demand_shock[l] = 0.01 * k;
    st.lines.shock_variance[l] = 0.001 * k;
  }
  MonthMetrics m(2, 2);
  entry(c, st, m);
  std::size_t taken = 0;
  for (std::size_t l = goods; l < st.lines.size(); ++l) {
    const auto k = static_cast<std::size_t>(std::lround(st.lines.appeal[l] - 1.0));
    REQUIRE(k < static_cast<std::size_t>(goods));
    CHECK(st.lines.status[k] == LineStatus::closed);
    CHECK(st.lines.demand_shock[l] == st.lines.demand_shock[k]);
    CHECK(st.lines.shock_variance[l] == st.lines.shock_variance[k]);
    taken += 1;
  }
  CHECK(taken > 50);
}

TEST_CASE("with sme_entry_per_year = 0 no SME enters", "[entry]") {
  Scenario s = two_by_two();
  s.chain.entry.talent_founding_per_year = 0.0;
  s.agents.enterprises.count = 100000;
  const Context c(s, RunKey{5, 0});
  State st = empty_world(c);
  for (int month = 0; month < 12; ++month) {
    MonthMetrics m(2, 2);
    entry(c, st, m);
    st.month += 1;
  }
  CHECK(st.enterprises.size() == 0);
}

TEST_CASE("entry answers to expected profit: cheaper compute or subsidies raise founding, dearer compute lowers it",
          "[entry]") {
  Scenario s = two_by_two();
  s.chain.entry.talent_founding_per_year = 0.2;
  s.chain.entry.profit_elasticity = 1.5;
  s.chain.entry.unsubsidised_cost_share = 0.25;
  s.world.fields[0].compute_gpu_hours_per_month = 20000.0;  // compute-intensive
  s.world.fields[1].compute_gpu_hours_per_month = 0.0;      // no compute at all
  const Context c(s, RunKey{3, 0});
  const double base = s.chain.compute.base_price_yuan_per_gpu_hour;

  SECTION("the development cost ratio and the multiplier") {
    CHECK(development_cost_ratio(c, 0, 1.0, 0.0) == Approx(1.0));
    CHECK(development_cost_ratio(c, 0, 2.0, 0.0) > 1.0);
    CHECK(development_cost_ratio(c, 0, 0.5, 0.0) < 1.0);
    CHECK(development_cost_ratio(c, 1, 2.0, 0.0) == Approx(1.0));  // a field without compute does not care
    // An R&D subsidy pays its rate of the share of the founders' cost it covers (1 - 0.25).
    CHECK(development_cost_ratio(c, 1, 1.0, 0.2) == Approx(1.0 - 0.75 * 0.2));
    State st = empty_world(c);
    st.levers.reset(c.friction, c.fields, c.regions, 0);
    CHECK(founding_multiplier(c, st, 0, 0) == 1.0);  // the base price without subsidies: exactly the base rate
    st.levers.entry_compute_subsidy_rate[0 * c.regions + 0] = 0.5;
    const double voucher = founding_multiplier(c, st, 0, 0);
    CHECK(voucher == Approx(std::pow(development_cost_ratio(c, 0, 0.5, 0.0), -1.5)));
    CHECK(voucher > 1.0);
    CHECK(founding_multiplier(c, st, 0, 1) == 1.0);  // the other region's cell has no programme
    CHECK(founding_multiplier(c, st, 1, 0) == 1.0);  // nor the other field's
    st.levers.entry_rd_subsidy_rate[1 * c.regions + 1] = 0.2;
    CHECK(founding_multiplier(c, st, 1, 1) == Approx(std::pow(1.0 - 0.75 * 0.2, -1.5)));
    // A scarce market: the price twice the base lowers entry in the compute-intensive field only.
    State dear = empty_world(c);
    dear.levers.reset(c.friction, c.fields, c.regions, 0);
    dear.compute.capacity_gpu_hours.assign(c.regions, 1.0);
    dear.compute.price_yuan_per_gpu_hour = 2.0 * base;
    CHECK(founding_multiplier(c, dear, 0, 0) < 1.0);
    CHECK(founding_multiplier(c, dear, 1, 0) == Approx(1.0));
  }

  SECTION("more founders where a voucher open to start-ups is expected, with the same draws") {
    const auto founders = [&](double expected_rate) {
      State st = empty_world(c);
      st.levers.reset(c.friction, c.fields, c.regions, 0);
      for (std::size_t f = 0; f < c.fields; ++f)
        for (std::size_t r = 0; r < c.regions; ++r)
          st.levers.entry_compute_subsidy_rate[f * c.regions + r] = expected_rate;
      add_people(st, 20000, 1.0f, Role::engineer, 0, 0);
      add_people(st, 20000, 1.0f, Role::engineer, 0, 1);
      MonthMetrics m(2, 2);
      entry(c, st, m);
      std::vector<double> by_field(2, 0.0);
      for (std::size_t e = 0; e < st.enterprises.size(); ++e) by_field[st.enterprises.field[e]] += 1.0;
      return by_field;
    };
    const std::vector<double> without = founders(0.0), with = founders(0.5);
    INFO("compute-intensive field: " << without[0] << " -> " << with[0] << "; field without compute: " << without[1]
                                     << " -> " << with[1]);
    // Expected founders: 20 000 x the monthly rate (about 370 a month) x the multiplier.
    const double monthly = founding_probability(s.chain.entry, 1.0);
    CHECK(without[0] == Approx(20000.0 * monthly).epsilon(0.15));
    CHECK(with[0] > without[0] * 1.1);
    CHECK(with[0] == Approx(20000.0 * monthly * std::pow(development_cost_ratio(c, 0, 0.5, 0.0), -1.5)).epsilon(0.15));
    CHECK(with[1] == without[1]);  // same draws, same rate
  }
}

TEST_CASE("entry stays bounded when the expected R&D subsidy rate reaches 1: the founders' unsubsidised cost",
          "[entry]") {
  // Before the floor, a rate of 1 made the development cost ratio 0 and the founding multiplier
  // infinite (every person with propensity 1 founded a start-up). Now the multiplier is at most
  // share^(-elasticity): 0.25^(-1) = 4 at unit elasticity.
  Scenario s = two_by_two();
  s.chain.entry.talent_founding_per_year = 0.2;
  s.chain.entry.profit_elasticity = 1.0;
  s.chain.entry.unsubsidised_cost_share = 0.25;
  s.world.fields[0].compute_gpu_hours_per_month = 0.0;  // at the base price the ratio is the subsidy's alone
  s.world.fields[1].compute_gpu_hours_per_month = 0.0;
  const Context c(s, RunKey{9, 0});
  CHECK(development_cost_ratio(c, 0, 1.0, 1.0) == Approx(0.25));
  CHECK(std::isfinite(development_cost_ratio(c, 0, 1.0, 1.0)));
  const auto founders = [&](double expected_rate) {
    State st = empty_world(c);
    st.levers.reset(c.friction, c.fields, c.regions, 0);
    st.levers.entry_rd_subsidy_rate[0 * c.regions + 0] = expected_rate;  // field 0, region a
    CHECK(std::isfinite(founding_multiplier(c, st, 0, 0)));
    add_people(st, 20000, 1.0f, Role::engineer, 0, 0);
    MonthMetrics m(2, 2);
    entry(c, st, m);
    return static_cast<double>(st.enterprises.size());
  };
  const double monthly = founding_probability(s.chain.entry, 1.0);
  const double without = founders(0.0), full = founders(1.0);
  INFO("founders a month out of 20 000: without " << without << ", at rate 1 " << full << " (bound "
                                                  << 20000.0 * monthly * 4.0 << ")");
  CHECK(without == Approx(20000.0 * monthly).epsilon(0.15));
  CHECK(full == Approx(20000.0 * monthly * 4.0).epsilon(0.1));  // close to the bound, far below 20 000
  CHECK(full < 0.2 * 20000.0);
  // Any rate in between gives a multiplier between 1 and the bound.
  for (const double rate : {0.2, 0.5, 0.9, 0.999}) {
    State st = empty_world(c);
    st.levers.reset(c.friction, c.fields, c.regions, 0);
    st.levers.entry_rd_subsidy_rate[0] = rate;
    const double mult = founding_multiplier(c, st, 0, 0);
    CHECK(mult > 1.0);
    CHECK(mult <= 4.0 + 1e-12);
    CHECK(mult == Approx(1.0 / (1.0 - 0.75 * rate)));
  }
}
