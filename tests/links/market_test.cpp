// Market: product-line weights and Pareto exit multiples, Leontief sector output,
// revenue as the firm's lines' shares, launches that take over lines, start-ups
// without products living on their cash and contract work, exits (runway ended,
// sustained losses, no sales; projects abandoned, stakes written off, lines left
// vacant), acquisitions by chain leaders and listings, per-line shocks, with the
// money ledger balancing in every case.
#include "links/market.hpp"

#include "core/ledger.hpp"
#include "model/population.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <tbb/global_control.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace innochain;

namespace {

/// An empty world with the given outside final demand per field.
State empty_world(const Context& c, std::vector<double> demand) {
  State st;
  st.institutes.resize(0, c.fields);
  st.base_final_demand = std::move(demand);
  st.line_reference_appeal.assign(c.fields, 1.0);
  return st;
}

/// Appends a product line of firm e on the market since the start.
std::int32_t add_line(State& st, std::int32_t e, double appeal, std::int32_t project = -1) {
  const std::int32_t l = st.lines.add(e, st.enterprises.field[e], appeal, 1.0, -1, project);
  st.enterprises.product_lines[e] += 1;
  return l;
}

/// Appends a firm with cash and, if `appeal` > 0, one product line of that appeal (with theta = 1
/// its revenue share is its appeal over the field's sum); revenue and staff zero until the market
/// phase.
std::int32_t firm(const Context& c, State& st, EnterpriseKind kind, std::size_t field, double appeal, double cash) {
  const std::int32_t e = add_enterprise(c, st, kind, field, 0, cash, 0.5);
  if (appeal > 0.0) add_line(st, e, appeal);
  return e;
}

/// Marks firm e's lines as products it launched (acquirers look for those).
void launched(State& st, std::int32_t e) {
  for (std::size_t l = 0; l < st.lines.size(); ++l)
    if (st.lines.owner[l] == e) st.lines.project[l] = 0;
}

std::int32_t add_financier(State& st, FinancierKind kind, double capital) {
  Financiers& fi = st.financiers;
  const std::size_t k = fi.size();
  fi.resize(k + 1);
  fi.kind[k] = kind;
  fi.capital_yuan[k] = capital;
  return static_cast<std::int32_t>(k);
}

/// Appends an active project held by enterprise `holder`.
std::int32_t add_project(State& st, std::int32_t holder, std::size_t field) {
  Projects& pr = st.projects;
  const auto id = static_cast<std::int32_t>(pr.size());
  pr.resize(pr.size() + 1);
  pr.field[id] = static_cast<std::uint16_t>(field);
  pr.stage[id] = Stage::pilot;
  pr.status[id] = ProjectStatus::active;
  pr.holder_kind[id] = HolderKind::enterprise;
  pr.holder[id] = holder;
  pr.origin_institute[id] = -1;
  pr.quality[id] = 1.0;
  pr.active.push_back(id);
  return id;
}

/// Appends one engineer employed by enterprise `e`.
std::size_t add_employee(State& st, std::int32_t e) {
  Talent& t = st.talent;
  const std::size_t i = t.size();
  t.resize(i + 1);
  t.role[i] = Role::engineer;
  t.employer_kind[i] = EmployerKind::enterprise;
  t.employer[i] = e;
  t.skill[i] = 1.0f;
  return i;
}

/// Runs the market phase and checks the ledger: money stock change = sources - sinks.
void market_balanced(const Context& c, State& st, MonthMetrics& m) {
  st.ledger.clear();
  const double before = money_stock(st);
  market(c, st, m);
  const double after = money_stock(st);
  const double net = st.ledger.sources() - st.ledger.sinks();
  INFO("stock " << before << " -> " << after << ", sources - sinks " << net);
  CHECK(after - before ==
        Approx(net).margin(1e-9 * (std::abs(before) + std::abs(st.ledger.sources()) + std::abs(st.ledger.sinks()))));
}

}  // namespace

TEST_CASE("a line's market weight is appeal^theta", "[market]") {
  MarketParams p;
  p.quality_share_elasticity = 1.0;
  CHECK(line_weight(p, 200.0) == 200.0);
  p.quality_share_elasticity = 0.5;
  CHECK(line_weight(p, 200.0) == Approx(std::sqrt(200.0)));
  p.quality_share_elasticity = 2.0;
  CHECK(line_weight(p, 3.0) == Approx(9.0));
  CHECK(line_weight(p, 2.0) > line_weight(p, 1.0));
}

TEST_CASE("exit multiples are Pareto with scale exit_multiple_min", "[market]") {
  FinanceParams p;
  p.exit_multiple_min = 0.4;
  p.exit_multiple_tail = 1.3;
  // Median at u = 1/2: min x 2^(1/tail).
  CHECK(exit_multiple(p, 0.5) == Approx(0.4 * std::pow(2.0, 1.0 / 1.3)));
  CHECK(exit_multiple(p, 0.1) == Approx(0.4 * std::pow(10.0, 1.0 / 1.3)));
  // Bounded below by the scale; decreasing in u; fat upper tail.
  double previous = 1e300;
  for (double u = 0.001; u < 1.0; u += 0.001) {
    const double x = exit_multiple(p, u);
    CHECK(x >= p.exit_multiple_min);
    CHECK(x <= previous);
    previous = x;
  }
  CHECK(exit_multiple(p, 1.0 - 1e-12) == Approx(p.exit_multiple_min));
  CHECK(exit_multiple(p, 1e-4) > 1000.0 * p.exit_multiple_min * 0.1);
  // A thinner tail index gives a larger median.
  FinanceParams thin = p;
  thin.exit_multiple_tail = 0.8;
  CHECK(exit_multiple(thin, 0.5) > exit_multiple(p, 0.5));

  // The empirical median of draws from the run RNG.
  std::vector<double> draws;
  for (std::uint32_t k = 0; k < 20001; ++k) {
    Rng rng(RunKey{11, 0}, Stream::market, k, 0);
    draws.push_back(exit_multiple(p, rng.uniform()));
  }
  std::nth_element(draws.begin(), draws.begin() + 10000, draws.end());
  CHECK(draws[10000] == Approx(0.4 * std::pow(2.0, 1.0 / 1.3)).epsilon(0.03));
  CHECK(*std::min_element(draws.begin(), draws.end()) >= 0.4);
}

TEST_CASE("sector output is the Leontief inverse times final demand", "[market]") {
  Scenario s = test::tiny_scenario(2);
  // a_ij: input from sector i per unit of output of sector j. Field 1 supplies field 0.
  s.world.input_output = {{0.1, 0.0}, {0.4, 0.2}};
  const Context c(s, RunKey{1, 0});
  // (I - A) = [[0.9, 0], [-0.4, 0.8]]; inverse = [[1/0.9, 0], [0.4/0.72, 1/0.8]].
  Eigen::VectorXd d(2);
  d << 100.0, 50.0;
  const Eigen::VectorXd x = sector_output(c, d);
  CHECK(x[0] == Approx(100.0 / 0.9));
  CHECK(x[1] == Approx(100.0 * 0.4 / 0.72 + 50.0 / 0.8));
  // X - A X = D.
  CHECK(x[0] - (0.1 * x[0] + 0.0 * x[1]) == Approx(100.0));
  CHECK(x[1] - (0.4 * x[0] + 0.2 * x[1]) == Approx(50.0));

  // More final demand for field 0 raises the output of its supplier, field 1.
  Eigen::VectorXd d2 = d;
  d2[0] += 10.0;
  const Eigen::VectorXd x2 = sector_output(c, d2);
  CHECK(x2[0] - x[0] == Approx(10.0 / 0.9));
  CHECK(x2[1] - x[1] == Approx(10.0 * 0.4 / 0.72));
  CHECK(x2[1] > x[1]);
  // Field 0 does not supply field 1: more demand for field 1 leaves field 0's output unchanged.
  Eigen::VectorXd d3 = d;
  d3[1] += 10.0;
  const Eigen::VectorXd x3 = sector_output(c, d3);
  CHECK(x3[0] == Approx(x[0]));
  CHECK(x3[1] - x[1] == Approx(10.0 / 0.8));
}

TEST_CASE("the market phase propagates demand to the supplying field's revenue", "[market]") {
  Scenario s = test::tiny_scenario(2);
  s.world.input_output = {{0.1, 0.0}, {0.4, 0.2}};
  const Context c(s, RunKey{2, 0});
  auto revenues = [&](double demand0, std::vector<double>& output) {
    State st = empty_world(c, {demand0, 5.0e6});
    firm(c, st, EnterpriseKind::sme, 0, 1e6, 0.0);
    firm(c, st, EnterpriseKind::sme, 1, 1e6, 0.0);
    MonthMetrics m(2, 1);
    market_balanced(c, st, m);
    output = {m.at(m_output, 0), m.at(m_output, 1)};
    // Revenue by field equals the field's output (one firm per field).
    CHECK(m.at(m_revenue, 0) == Approx(output[0]));
    CHECK(m.at(m_revenue, 1) == Approx(output[1]));
    return std::vector<double>{st.enterprises.revenue_yuan_per_month[0], st.enterprises.revenue_yuan_per_month[1]};
  };
  std::vector<double> out_lo, out_hi;
  const auto lo = revenues(1.0e7, out_lo);
  const auto hi = revenues(2.0e7, out_hi);
  Eigen::VectorXd d(2);
  d << 1.0e7, 5.0e6;
  const Eigen::VectorXd expected = c.leontief * d;
  CHECK(out_lo[0] == Approx(expected[0]));
  CHECK(out_lo[1] == Approx(expected[1]));
  CHECK(hi[0] > lo[0]);
  CHECK(hi[1] > lo[1]);  // the supplier gains from its customer's demand
  CHECK(hi[1] - lo[1] == Approx(1.0e7 * 0.4 / 0.72));
}

TEST_CASE("revenue is output split by line weights; a launch takes over a line of its field", "[market]") {
  Scenario s = test::tiny_scenario(1);
  const Context c(s, RunKey{3, 0});
  const auto& ep = s.agents.enterprises;
  State st = empty_world(c, {1.0e8});
  const std::int32_t one = firm(c, st, EnterpriseKind::sme, 0, 1e6, 0.0);
  const std::int32_t two = firm(c, st, EnterpriseKind::sme, 0, 1e6, 0.0);
  add_line(st, two, 2e6);
  const std::int32_t launcher = firm(c, st, EnterpriseKind::startup, 0, 0.0, 1e9);  // no product yet
  // A product of quality 1.5 launched this month by `launcher`.
  const std::int32_t id = add_project(st, launcher, 0);
  st.projects.quality[id] = 1.5;
  st.projects.status[id] = ProjectStatus::launched;
  st.launched_this_month.push_back(id);

  MonthMetrics m(1, 1);
  market_balanced(c, st, m);
  const Enterprises& en = st.enterprises;
  const ProductLines& ln = st.lines;
  CHECK(st.launched_this_month.empty());
  // It took over one of the three lines: the old line is displaced, the launcher's new line has
  // the field's typical appeal (mean of 1e6, 1e6, 2e6) x the quality, and the field still has
  // three lines.
  REQUIRE(ln.size() == 4);
  CHECK(ln.owner[3] == launcher);
  CHECK(ln.project[3] == id);
  CHECK(ln.launched_month[3] == st.month);
  CHECK(en.product_lines[launcher] == 1);
  CHECK(en.first_product_month[launcher] == st.month);
  int displaced = -1;
  for (int l = 0; l < 3; ++l)
    if (ln.status[l] == LineStatus::displaced) displaced = l;
  REQUIRE(displaced >= 0);
  CHECK(ln.ended_month[displaced] == st.month);
  CHECK(ln.appeal[3] == Approx(1.5 * 4e6 / 3.0));
  CHECK(en.product_lines[one] + en.product_lines[two] == 2);
  CHECK(m.at(m_line_takeovers) == 1.0);
  // Output is split by the active lines' appeal (theta = 1).
  double total = 0.0;
  for (std::size_t l = 0; l < ln.size(); ++l)
    if (ln.status[l] == LineStatus::active) total += ln.appeal[l];
  for (std::int32_t e : {one, two, launcher}) {
    double own = 0.0;
    for (std::size_t l = 0; l < ln.size(); ++l)
      if (ln.status[l] == LineStatus::active && ln.owner[l] == e) own += ln.appeal[l];
    CHECK(en.revenue_yuan_per_month[e] == Approx(1.0e8 * own / total));
  }
  CHECK(m.at(m_revenue) == Approx(1.0e8));
  // Revenue becomes cash at the operating margin (no staff: no overhead; the cap does not bind).
  for (std::int32_t e : {one, two})
    CHECK(en.cash_yuan[e] == Approx(ep.operating_margin * en.revenue_yuan_per_month[e]));
  CHECK(st.ledger.month[lf_outside_demand] == Approx(1.0e8));

  SECTION("a higher elasticity concentrates the market on the line with more appeal") {
    Scenario s2 = s;
    s2.chain.market.quality_share_elasticity = 2.0;
    const Context c2(s2, RunKey{3, 0});
    State st2 = empty_world(c2, {1.0e8});
    firm(c2, st2, EnterpriseKind::sme, 0, 1e6, 0.0);
    firm(c2, st2, EnterpriseKind::sme, 0, 2e6, 0.0);
    MonthMetrics m2(1, 1);
    market_balanced(c2, st2, m2);
    CHECK(st2.enterprises.revenue_yuan_per_month[1] / m2.at(m_output) == Approx(4.0 / 5.0));
  }
}

TEST_CASE("a launch starts at the field's typical line, whatever the good it takes over", "[market]") {
  CHECK(launch_base_appeal(30.0, 3, 1.0) == Approx(10.0));
  CHECK(launch_base_appeal(30.0, 3, 2.0) == Approx(std::sqrt(10.0)));  // weight a^2 = the mean weight
  Scenario s = test::tiny_scenario(1);
  const Context c(s, RunKey{21, 0});
  // One dominant good (appeal 1e9) and 99 small ones (appeal 1): the mean weight is about 1e7.
  State st = empty_world(c, {1.0e8});
  firm(c, st, EnterpriseKind::chain_leader, 0, 1e9, 1e12);
  for (int k = 1; k < 100; ++k) firm(c, st, EnterpriseKind::sme, 0, 1.0, 1e12);
  const double typical = (1e9 + 99.0) / 100.0;
  // Twenty launches of quality 1 to 2 by twenty firms without lines: whichever good each takes over
  // (the dominant one or a small one), its new line has appeal q x the typical line's.
  std::vector<std::int32_t> launchers;
  for (int k = 0; k < 20; ++k) {
    const std::int32_t e = firm(c, st, EnterpriseKind::sme, 0, 0.0, 1e12);
    const std::int32_t id = add_project(st, e, 0);
    st.projects.quality[id] = 1.0 + k / 19.0;
    st.projects.status[id] = ProjectStatus::launched;
    st.launched_this_month.push_back(id);
    launchers.push_back(e);
  }
  MonthMetrics m(1, 1);
  market_balanced(c, st, m);
  const ProductLines& ln = st.lines;
  REQUIRE(ln.size() == 120);
  for (std::size_t l = 100; l < 120; ++l) {
    CHECK(ln.owner[l] == launchers[l - 100]);
    CHECK(ln.appeal[l] == Approx(st.projects.quality[ln.project[l]] * typical));
  }
  CHECK(m.at(m_line_takeovers) == 20.0);
}

TEST_CASE("volatility falls with the number of lines: each line has its own shock", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.chain.market.line_shock_sd_per_year = 0.6;
  const Context c(s, RunKey{12, 0});
  // 400 one-line firms and 400 sixteen-line firms of the same size, a year of shocks.
  State st = empty_world(c, {1.0e9});
  const int n = 400;
  for (int k = 0; k < n; ++k) firm(c, st, EnterpriseKind::sme, 0, 16.0, 1e8);
  for (int k = 0; k < n; ++k) {
    const std::int32_t e = firm(c, st, EnterpriseKind::sme, 0, 1.0, 1e8);
    for (int j = 1; j < 16; ++j) add_line(st, e, 1.0);
  }
  for (int month = 0; month < 12; ++month) {
    line_shocks(c, st);
    st.month += 1;
  }
  std::vector<double> size(2 * n, 0.0);
  for (std::size_t l = 0; l < st.lines.size(); ++l) size[st.lines.owner[l]] += st.lines.appeal[l];
  const auto sd_log_growth = [&](int from) {
    double mean = 0.0, var = 0.0;
    for (int k = from; k < from + n; ++k) mean += std::log(size[k] / 16.0) / n;
    for (int k = from; k < from + n; ++k) var += std::pow(std::log(size[k] / 16.0) - mean, 2) / (n - 1);
    return std::sqrt(var);
  };
  // One line: sd 0.6; sixteen independent lines: about 0.6 / 4.
  CHECK(sd_log_growth(0) == Approx(0.6).epsilon(0.12));
  CHECK(sd_log_growth(n) == Approx(0.163).epsilon(0.15));  // log of a sum of 16 log-normals
  CHECK(sd_log_growth(n) < 0.5 * sd_log_growth(0));
}

TEST_CASE("a start-up without products lives on its cash and contract work; it exits when the runway ends",
          "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.agents.enterprises.contract_work_share_of_revenue = 1e-4;
  s.world.fields[0].market_growth_per_year = 0.0;  // the same output every month
  const Context c(s, RunKey{13, 0});
  const auto& ep = s.agents.enterprises;
  State st = empty_world(c, {1.0e8});
  const std::int32_t seller = firm(c, st, EnterpriseKind::sme, 0, 1e6, 1e8);
  const std::int32_t young = firm(c, st, EnterpriseKind::startup, 0, 0.0, 5.0e4);
  st.enterprises.rd_staff[young] = 2;  // 3e4 of overhead a month
  const std::int32_t project = add_project(st, young, 0);
  st.projects.stage[project] = Stage::breakthrough;
  add_employee(st, young);
  add_employee(st, young);
  // The seller sells the field's whole output; it buys 1e-4 of it as contract work, at most a
  // wage per employee of the young firm.
  const double contract = std::min(1e-4 * sector_output(c, Eigen::VectorXd::Constant(1, 1.0e8))[0],
                                   2 * s.chain.talent.engineer_wage_yuan_per_month);
  REQUIRE(contract < 2 * ep.overhead_yuan_per_staff_month);  // it loses money every month
  double cash = 5.0e4;
  int month = 0;
  for (; month < 24 && st.enterprises.alive[young]; ++month) {
    MonthMetrics m(1, 1);
    market_balanced(c, st, m);
    st.month += 1;
    INFO("month " << month);
    // No revenue before a product; contract work paid out of the seller's operating costs.
    CHECK(st.enterprises.revenue_yuan_per_month[young] == 0.0);
    CHECK(m.at(m_contract_work_income) == Approx(contract));
    cash += contract - 2 * ep.overhead_yuan_per_staff_month;
    if (cash >= 0.0) {
      CHECK(st.enterprises.alive[young] == 1);
      CHECK(st.enterprises.cash_yuan[young] == Approx(cash));
    } else {
      // The month its cash runs out it exits: a runway exit; its project is abandoned.
      CHECK(st.enterprises.alive[young] == 0);
      CHECK(m.at(m_firm_exits) == 1.0);
      CHECK(m.at(m_exits_runway) == 1.0);
      CHECK(st.projects.status[project] == ProjectStatus::abandoned);
      CHECK(m.at(m_abandoned_breakthrough) == 1.0);
    }
  }
  CHECK(st.enterprises.alive[young] == 0);
  CHECK(month == static_cast<int>(std::ceil(5.0e4 / (2 * ep.overhead_yuan_per_staff_month - contract))));
  CHECK(st.enterprises.alive[seller] == 1);
}

TEST_CASE("a start-up without products and without a team past its first months is closed", "[market]") {
  Scenario s = test::tiny_scenario(1);
  const Context c(s, RunKey{14, 0});
  State st = empty_world(c, {1.0e8});
  firm(c, st, EnterpriseKind::sme, 0, 1e6, 1e8);
  const std::int32_t shell = firm(c, st, EnterpriseKind::startup, 0, 0.0, 1.0e6);
  const std::int32_t team = firm(c, st, EnterpriseKind::startup, 0, 0.0, 1.0e6);
  const std::int32_t project = add_project(st, shell, 0);
  const std::int32_t newborn = firm(c, st, EnterpriseKind::startup, 0, 0.0, 1.0e6);
  st.enterprises.rd_staff[shell] = 0;  // founders and staff have left
  st.enterprises.age_months[shell] = static_cast<std::int32_t>(s.agents.enterprises.exit_after_loss_months);
  st.enterprises.rd_staff[newborn] = 0;  // a spin-off founded this month: it hires from next month
  st.enterprises.rd_staff[team] = 1;
  add_employee(st, team);
  MonthMetrics m(1, 1);
  market_balanced(c, st, m);
  CHECK(st.enterprises.alive[newborn] == 1);
  CHECK(st.enterprises.alive[shell] == 0);
  CHECK(st.enterprises.alive[team] == 1);
  CHECK(m.at(m_firm_exits) == 1.0);
  CHECK(m.at(m_exits_no_team) == 1.0);
  CHECK(m.at(m_exits_runway) == 0.0);  // it still had cash
  CHECK(st.projects.status[project] == ProjectStatus::abandoned);
}

TEST_CASE("an established firm whose lines have all gone exits after exit_after_loss_months", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.agents.enterprises.exit_after_loss_months = 3;
  const Context c(s, RunKey{14, 0});
  State st = empty_world(c, {1.0e8});
  const std::int32_t seller = firm(c, st, EnterpriseKind::sme, 0, 1e6, 1e8);
  const std::int32_t empty = firm(c, st, EnterpriseKind::sme, 0, 0.0, 1e12);  // rich, but sells nothing
  for (int month = 1; month <= 3; ++month) {
    MonthMetrics m(1, 1);
    market_balanced(c, st, m);
    st.month += 1;
    CHECK(st.enterprises.alive[empty] == (month < 3 ? 1 : 0));
    CHECK(m.at(m_exits_runway) == 0.0);
  }
  CHECK(st.enterprises.alive[seller] == 1);
}

TEST_CASE("an exiting firm leaves its goods vacant; a launch takes a vacant good up again", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.agents.enterprises.exit_after_loss_months = 1;
  const Context c(s, RunKey{15, 0});
  State st = empty_world(c, {1.0e8});
  const std::int32_t doomed = firm(c, st, EnterpriseKind::sme, 0, 5e6, -1e9);  // negative cash: exits
  const std::int32_t launcher = firm(c, st, EnterpriseKind::sme, 0, 0.0, 1e9);
  st.enterprises.loss_months[launcher] = -1000;  // it must not exit for want of sales here
  MonthMetrics m(1, 1);
  market_balanced(c, st, m);
  st.month += 1;
  REQUIRE(st.enterprises.alive[doomed] == 0);
  CHECK(st.lines.status[0] == LineStatus::vacant);
  CHECK(st.lines.ended_month[0] == 0);
  CHECK(st.enterprises.product_lines[doomed] == 0);
  CHECK(m.at(m_lines_closed) == 1.0);
  // The only good of the field is vacant: the launch takes it up; with no line on the market its
  // appeal is the field's reference appeal (1 here) x the quality.
  const std::int32_t id = add_project(st, launcher, 0);
  st.projects.quality[id] = 2.0;
  st.projects.status[id] = ProjectStatus::launched;
  st.launched_this_month.push_back(id);
  m.clear();
  market_balanced(c, st, m);
  CHECK(st.lines.status[0] == LineStatus::closed);
  REQUIRE(st.lines.size() == 2);
  CHECK(st.lines.appeal[1] == Approx(2.0));
  CHECK(st.enterprises.revenue_yuan_per_month[launcher] == Approx(m.at(m_output)));
  CHECK(m.at(m_line_takeovers) == 0.0);  // nobody was displaced
}

TEST_CASE("established firms pay out cash above their cap; overhead is a cost per staff", "[market]") {
  Scenario s = test::tiny_scenario(1);
  const Context c(s, RunKey{4, 0});
  const auto& ep = s.agents.enterprises;
  State st = empty_world(c, {1.0e7});
  const std::int32_t rich = firm(c, st, EnterpriseKind::sme, 0, 1e6, 1e9);
  const std::int32_t startup = firm(c, st, EnterpriseKind::startup, 0, 1e6, 1e9);
  st.enterprises.rd_staff[rich] = 10;
  MonthMetrics m(1, 1);
  market_balanced(c, st, m);
  const double revenue = 5.0e6;  // equal weights
  CHECK(st.enterprises.revenue_yuan_per_month[rich] == Approx(revenue));
  CHECK(st.enterprises.cash_yuan[rich] == Approx(ep.cash_cap_months * revenue));
  // Start-ups keep their cash for R&D.
  CHECK(st.enterprises.cash_yuan[startup] == Approx(1e9 + ep.operating_margin * revenue));
  const double rich_before_cap = 1e9 + ep.operating_margin * revenue - 10 * ep.overhead_yuan_per_staff_month;
  CHECK(st.ledger.month[lf_owners_payout] == Approx(rich_before_cap - ep.cash_cap_months * revenue));
  CHECK(st.ledger.month[lf_operating_costs] ==
        Approx((1.0 - ep.operating_margin) * 2 * revenue + 10 * ep.overhead_yuan_per_staff_month));
}

TEST_CASE("a firm losing money with cash running out exits after exit_after_loss_months", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.agents.enterprises.exit_after_loss_months = 4;
  const Context c(s, RunKey{5, 0});
  const auto& ep = s.agents.enterprises;
  State st = empty_world(c, {1.0e7});
  const std::int32_t healthy = firm(c, st, EnterpriseKind::sme, 0, 1e7, 1e6);
  const std::int32_t doomed = firm(c, st, EnterpriseKind::startup, 0, 1.0, 2.0e5);  // one line, ~no revenue
  st.enterprises.rd_staff[doomed] = 5;                                              // 7.5e4 a month of overhead
  const std::int32_t project = add_project(st, doomed, 0);
  const std::int32_t other_project = add_project(st, healthy, 0);
  const std::size_t worker = add_employee(st, doomed);
  const std::int32_t vc = add_financier(st, FinancierKind::venture_capital, 1e9);
  const std::int32_t bank = add_financier(st, FinancierKind::bank, 1e9);
  st.investments.push(vc, doomed, 3.0e6, FundingRound::seed, 0);
  st.investments.push(vc, healthy, 1.0e6, FundingRound::seed, 0);
  st.enterprises.debt_yuan[doomed] = 1.0e6;
  st.enterprises.lender[doomed] = bank;

  const double rate = s.chain.finance.bank_interest_per_year / 12.0;
  for (int month = 1; month <= 4; ++month) {
    INFO("month " << month);
    const double bank_before = st.financiers.capital_yuan[bank];
    const double debt_before = st.enterprises.debt_yuan[doomed];
    MonthMetrics m(1, 1);
    market_balanced(c, st, m);
    st.month += 1;
    CHECK(st.enterprises.alive[healthy] == 1);
    CHECK(st.enterprises.loss_months[healthy] == 0);
    // Interest (and any repayment out of cash beyond three months of revenue) goes to the bank.
    CHECK(m.at(m_interest_paid) == Approx(debt_before * rate));
    if (month < 4) {
      CHECK(st.financiers.capital_yuan[bank] - bank_before ==
            Approx(debt_before * rate + (debt_before - st.enterprises.debt_yuan[doomed])));
      CHECK(st.enterprises.alive[doomed] == 1);
      CHECK(st.enterprises.loss_months[doomed] == month);
      CHECK(m.total(m_firm_exits) == 0.0);
      CHECK(st.projects.status[project] == ProjectStatus::active);
      CHECK(st.ledger.month[lf_owners_payout] == 0.0);
    } else {
      const double bad_loan = debt_before - (st.financiers.capital_yuan[bank] - bank_before - debt_before * rate);
      CHECK(st.enterprises.alive[doomed] == 0);
      CHECK(m.total(m_firm_exits) == 1.0);
      // Its projects are abandoned (counted by stage), its stakes are written off, its debt is a
      // bad loan, its staff unemployed, its line's good vacant.
      CHECK(st.projects.status[project] == ProjectStatus::abandoned);
      CHECK(m.at(m_abandoned_pilot) == 1.0);
      CHECK(st.lines.status[1] == LineStatus::vacant);
      CHECK(st.projects.status[other_project] == ProjectStatus::active);
      CHECK(st.investments.status[0] == InvestmentStatus::written_off);
      CHECK(st.investments.status[1] == InvestmentStatus::active);
      CHECK(m.at(m_write_offs) == Approx(3.0e6));
      CHECK(m.at(m_bad_loans) == Approx(bad_loan));
      CHECK(st.enterprises.debt_yuan[doomed] == 0.0);
      CHECK(st.talent.employer_kind[worker] == EmployerKind::none);
      CHECK(st.talent.employer[worker] == -1);
      // The owners take the remaining cash or cover the deficit: the firm leaves the money stock.
      CHECK(st.enterprises.cash_yuan[doomed] < 0.0);
      CHECK(st.ledger.month[lf_owners_payout] == Approx(st.enterprises.cash_yuan[doomed]));
    }
  }
  (void)ep;

  SECTION("the next month nothing more happens to an exited firm") {
    MonthMetrics m(1, 1);
    market_balanced(c, st, m);
    CHECK(m.total(m_firm_exits) == 0.0);
    CHECK(m.at(m_write_offs) == 0.0);
  }
}

TEST_CASE("a profitable firm and a firm with a long runway do not exit", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.agents.enterprises.exit_after_loss_months = 2;
  const Context c(s, RunKey{6, 0});
  State st = empty_world(c, {1.0e7});
  const std::int32_t profitable = firm(c, st, EnterpriseKind::sme, 0, 1e6, 1e6);
  st.enterprises.rd_staff[profitable] = 1;
  // Losing 1.5e4 a month but with cash for far more than three months of burn.
  const std::int32_t runway = firm(c, st, EnterpriseKind::startup, 0, 1e-3, 1e8);
  st.enterprises.rd_staff[runway] = 1;
  for (int month = 0; month < 12; ++month) {
    MonthMetrics m(1, 1);
    market_balanced(c, st, m);
    st.month += 1;
  }
  CHECK(st.enterprises.alive[profitable] == 1);
  CHECK(st.enterprises.alive[runway] == 1);
  CHECK(st.enterprises.loss_months[runway] == 0);
  CHECK(st.enterprises.age_months[runway] == 12);
}

TEST_CASE("a start-up with a product is acquired by a chain leader of its field", "[market]") {
  Scenario s = test::tiny_scenario(2);
  s.chain.market.acquisition_probability = 1.0;
  const Context c(s, RunKey{7, 0});
  const auto& ep = s.agents.enterprises;
  const auto& mp = s.chain.market;
  State st = empty_world(c, {1.0e8, 1.0e8});
  const std::int32_t leader = firm(c, st, EnterpriseKind::chain_leader, 0, 1e8, 1e8);
  const std::int32_t other_leader = firm(c, st, EnterpriseKind::chain_leader, 1, 1e8, 1e8);
  // A line it launched with appeal 2.1e6: its revenue (~2e6) leaves no spare cash to repay its bank itself.
  const std::int32_t target = firm(c, st, EnterpriseKind::startup, 0, 2.1e6, 5e5);
  const std::int32_t no_product = firm(c, st, EnterpriseKind::startup, 0, 1e5, 5e5);
  const std::int32_t no_leader = firm(c, st, EnterpriseKind::startup, 1, 1e5, 5e5);
  st.enterprises.kind[other_leader] = EnterpriseKind::sme;  // field 1 has no chain leader
  launched(st, target);
  launched(st, no_leader);
  const std::int32_t project = add_project(st, target, 0);
  const std::size_t worker = add_employee(st, target);
  const std::int32_t vc = add_financier(st, FinancierKind::venture_capital, 1e9);
  const std::int32_t gf = add_financier(st, FinancierKind::guidance_fund, 1e9);
  const std::int32_t bank = add_financier(st, FinancierKind::bank, 1e9);
  // A seed round at 6 M pre-money: the two investors hold 1/6 and 1/12 of the shares, 20 % of
  // the firm after the round, worth 7.5 M post-money.
  st.investments.push(vc, target, 1.0e6, FundingRound::seed, 0, 1.0 / 6.0);
  st.investments.push(gf, target, 5.0e5, FundingRound::seed, 0, 1.0 / 12.0);
  st.enterprises.shares_outstanding[target] = 1.25;
  st.enterprises.post_money_yuan[target] = 7.5e6;
  st.enterprises.equity_raised_yuan[target] = 1.5e6;
  st.enterprises.debt_yuan[target] = 2.0e5;
  st.enterprises.lender[target] = bank;
  const double capital_before = st.financiers.capital_yuan[vc] + st.financiers.capital_yuan[gf];

  MonthMetrics m(2, 1);
  market_balanced(c, st, m);
  const Enterprises& en = st.enterprises;

  CHECK(en.alive[target] == 0);
  CHECK(en.acquired_by[target] == leader);
  CHECK(m.at(m_acquisitions, 0) == 1.0);
  CHECK(m.total(m_acquisitions) == 1.0);
  // Without a product, or without a chain leader in the field, no acquisition.
  CHECK(en.alive[no_product] == 1);
  CHECK(en.alive[no_leader] == 1);
  CHECK(en.acquired_by[no_leader] == -1);

  // The buyer takes over the product lines, projects and staff, and repays the start-up's bank.
  CHECK(en.product_lines[leader] == 2);
  CHECK(en.product_lines[target] == 0);
  CHECK(st.lines.owner[2] == leader);
  CHECK(st.lines.status[2] == LineStatus::active);
  CHECK(en.debt_yuan[target] == 0.0);
  CHECK(en.debt_yuan[leader] == 0.0);
  const double interest = 2.0e5 * s.chain.finance.bank_interest_per_year / 12.0;  // paid by the target first
  CHECK(st.financiers.capital_yuan[bank] == Approx(1e9 + interest + 2.0e5));
  CHECK(st.projects.holder[project] == leader);
  CHECK(st.projects.status[project] == ProjectStatus::active);
  CHECK(st.talent.employer[worker] == leader);
  CHECK(st.talent.employer_kind[worker] == EmployerKind::enterprise);

  // Investors are paid their ownership share of the price, at least a Pareto multiple of the
  // post-money valuation: each at least its stake x the multiple's minimum.
  const double proceeds = st.financiers.capital_yuan[vc] + st.financiers.capital_yuan[gf] - capital_before;
  CHECK(st.investments.status[0] == InvestmentStatus::exited);
  CHECK(st.investments.status[1] == InvestmentStatus::exited);
  CHECK(st.financiers.capital_yuan[vc] - 1e9 >= 1.0e6 * s.chain.finance.exit_multiple_min);
  CHECK(st.financiers.capital_yuan[gf] - 1e9 >= 5.0e5 * s.chain.finance.exit_multiple_min);
  CHECK(m.at(m_exit_proceeds) == Approx(proceeds));
  CHECK(m.at(m_exits_acquisition, 0) == 1.0);

  // The buyer pays the price and the debt; the investors' 20 % of the price is their proceeds,
  // and the price is at least the revenue months x revenue.
  const double price = proceeds / 0.2;
  CHECK(st.financiers.capital_yuan[vc] - 1e9 == Approx(2.0 * (st.financiers.capital_yuan[gf] - 1e9)));
  CHECK(price >= mp.acquisition_revenue_months * en.revenue_yuan_per_month[target] * (1.0 - 1e-9));
  const double leader_cash = 1e8 + ep.operating_margin * en.revenue_yuan_per_month[leader];
  REQUIRE(leader_cash < ep.cash_cap_months * en.revenue_yuan_per_month[leader]);  // no payout of its own
  CHECK(en.cash_yuan[leader] == Approx(leader_cash - price - 2.0e5));
  // Founders receive the rest of the price and the start-up's cash (after interest on its debt).
  const double target_cash = 5e5 + ep.operating_margin * en.revenue_yuan_per_month[target] - interest;
  CHECK(st.ledger.month[lf_owners_payout] == Approx(price - proceeds + target_cash));
}

TEST_CASE("a chain leader that cannot pay does not acquire", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.chain.market.acquisition_probability = 1.0;
  const Context c(s, RunKey{7, 0});
  State st = empty_world(c, {1.0e8});
  const std::int32_t leader = firm(c, st, EnterpriseKind::chain_leader, 0, 1e8, -1e9);
  const std::int32_t target = firm(c, st, EnterpriseKind::startup, 0, 1e5, 5e5);
  launched(st, target);
  MonthMetrics m(1, 1);
  market_balanced(c, st, m);
  CHECK(st.enterprises.alive[target] == 1);
  CHECK(st.enterprises.acquired_by[target] == -1);
  CHECK(m.total(m_acquisitions) == 0.0);
  CHECK(st.enterprises.product_lines[leader] == 1);
}

TEST_CASE("with acquisition_probability 0 no start-up is acquired", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.chain.market.acquisition_probability = 0.0;
  const Context c(s, RunKey{8, 0});
  State st = empty_world(c, {1.0e8});
  firm(c, st, EnterpriseKind::chain_leader, 0, 1e8, 1e8);
  for (int k = 0; k < 50; ++k) {
    const std::int32_t e = firm(c, st, EnterpriseKind::startup, 0, 1e5, 5e5);
    launched(st, e);
  }
  MonthMetrics m(1, 1);
  market_balanced(c, st, m);
  CHECK(m.total(m_acquisitions) == 0.0);
  for (std::size_t e = 0; e < st.enterprises.size(); ++e) CHECK(st.enterprises.alive[e] == 1);
}

TEST_CASE("acquisitions happen at about acquisition_probability a month", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.chain.market.acquisition_probability = 0.2;
  s.agents.enterprises.cash_cap_months = 1e6;  // the buyer keeps its cash: affordability never binds
  const Context c(s, RunKey{9, 0});
  State st = empty_world(c, {1.0e9});
  firm(c, st, EnterpriseKind::chain_leader, 0, 1e9, 1e12);
  for (int k = 0; k < 2000; ++k) {
    const std::int32_t e = firm(c, st, EnterpriseKind::startup, 0, 1e5, 5e5);
    launched(st, e);
  }
  MonthMetrics m(1, 1);
  market_balanced(c, st, m);
  CHECK(m.total(m_acquisitions) == Approx(400).margin(4 * std::sqrt(2000 * 0.2 * 0.8)));
}

TEST_CASE("a funded start-up with enough revenue lists; investors are paid by public buyers", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.chain.market.acquisition_probability = 0.0;
  s.chain.finance.ipo_revenue_yuan_per_month = 1.0e6;
  const Context c(s, RunKey{10, 0});
  State st = empty_world(c, {1.0e8});
  const std::int32_t big = firm(c, st, EnterpriseKind::startup, 0, 1e8, 1e6);
  const std::int32_t vc = add_financier(st, FinancierKind::venture_capital, 1e9);
  // A series A at 8 M pre-money: the fund holds 0.25 shares, 20 % of the firm, worth 10 M post-money.
  st.investments.push(vc, big, 2.0e6, FundingRound::series_a, 0, 0.25);
  st.enterprises.shares_outstanding[big] = 1.25;
  st.enterprises.post_money_yuan[big] = 1.0e7;
  st.enterprises.equity_raised_yuan[big] = 2.0e6;
  MonthMetrics m(1, 1);
  market_balanced(c, st, m);
  CHECK(st.enterprises.kind[big] == EnterpriseKind::sme);
  CHECK(st.enterprises.alive[big] == 1);
  CHECK(st.investments.status[0] == InvestmentStatus::exited);
  // Public buyers value the equity at least at the revenue multiple and at the post-money x the
  // multiple's minimum; the fund gets its 20 %.
  const double proceeds = st.financiers.capital_yuan[vc] - 1e9;
  CHECK(proceeds >= 0.2 * 1.0e7 * s.chain.finance.exit_multiple_min);
  CHECK(proceeds >=
        0.2 * s.chain.market.acquisition_revenue_months * st.enterprises.revenue_yuan_per_month[big] * (1.0 - 1e-9));
  CHECK(st.ledger.month[lf_listing_proceeds] == Approx(proceeds));
  CHECK(m.at(m_exits_listing) == 1.0);
}

TEST_CASE("SMEs exit at sme_exit_per_year for reasons outside the model; other kinds do not", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.agents.enterprises.sme_exit_per_year = 0.3;
  const Context c(s, RunKey{8, 0});
  State st = empty_world(c, {1.0e9});
  // Profitable firms with cash: the loss rule never fires, so every exit is an exogenous one.
  const int n = 2000;
  for (int k = 0; k < n; ++k) firm(c, st, EnterpriseKind::sme, 0, 1e6, 1e8);
  const std::int32_t leader = firm(c, st, EnterpriseKind::chain_leader, 0, 1e6, 1e8);
  const std::int32_t startup = firm(c, st, EnterpriseKind::startup, 0, 1e6, 1e8);
  int exits = 0;
  for (int month = 0; month < 12; ++month) {
    MonthMetrics m(1, 1);
    market_balanced(c, st, m);
    exits += static_cast<int>(m.total(m_firm_exits));
    st.month += 1;
  }
  CHECK(st.enterprises.alive[leader] == 1);
  CHECK(st.enterprises.alive[startup] == 1);
  int alive = 0;
  for (int k = 0; k < n; ++k) alive += st.enterprises.alive[k];
  CHECK(exits == n - alive);
  // The monthly hazard compounds to the yearly rate: about 600 of 2 000 leave within a year
  // (binomial s.d. about 20).
  CHECK(std::abs(exits - 0.3 * n) < 5.0 * std::sqrt(n * 0.3 * 0.7));

  SECTION("at 0 (the default) no SME leaves") {
    s.agents.enterprises.sme_exit_per_year = 0.0;
    const Context c0(s, RunKey{8, 0});
    State st0 = empty_world(c0, {1.0e9});
    for (int k = 0; k < 100; ++k) firm(c0, st0, EnterpriseKind::sme, 0, 1e6, 1e8);
    for (int month = 0; month < 12; ++month) {
      MonthMetrics m(1, 1);
      market(c0, st0, m);
      CHECK(m.total(m_firm_exits) == 0.0);
      st0.month += 1;
    }
  }
}

TEST_CASE("line shocks are a driftless geometric random walk of each line's appeal", "[market]") {
  Scenario s = test::tiny_scenario(1);
  s.chain.market.line_shock_sd_per_year = 0.6;
  const Context c(s, RunKey{9, 0});
  const int n = 4000;
  const auto a_year_of_shocks = [&] {  // n lines of appeal 1e6, the first displaced, after 12 months
    State w = empty_world(c, {1.0e9});
    for (int k = 0; k < n; ++k) firm(c, w, EnterpriseKind::sme, 0, 1e6, 1e8);
    w.lines.status[0] = LineStatus::displaced;  // a line off the market keeps its appeal
    for (int month = 0; month < 12; ++month) {
      line_shocks(c, w);
      w.month += 1;
    }
    return w;
  };
  const State st = a_year_of_shocks();
  CHECK(st.lines.appeal[0] == 1e6);
  double mean = 0.0, mean_log = 0.0, var_log = 0.0;
  for (int k = 1; k < n; ++k) {
    mean += st.lines.appeal[k] / (n - 1);
    mean_log += std::log(st.lines.appeal[k] / 1e6) / (n - 1);
  }
  for (int k = 1; k < n; ++k) var_log += std::pow(std::log(st.lines.appeal[k] / 1e6) - mean_log, 2) / (n - 2);
  // After a year: log appeal ~ N(-sd^2/2, sd^2) with sd = 0.6, so the mean appeal is unchanged.
  CHECK(std::sqrt(var_log) == Approx(0.6).epsilon(0.05));
  CHECK(mean_log == Approx(-0.18).margin(0.04));
  CHECK(mean == Approx(1e6).epsilon(0.04));

  SECTION("one thread gives the same sizes; sd 0 changes nothing") {
    State again;
    {
      const tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
      again = a_year_of_shocks();
    }
    CHECK(test::same_bits(again.lines.appeal, st.lines.appeal));
    Scenario off = s;
    off.chain.market.line_shock_sd_per_year = 0.0;
    const Context c0(off, RunKey{9, 0});
    line_shocks(c0, again);
    CHECK(test::same_bits(again.lines.appeal, st.lines.appeal));
  }
}

TEST_CASE("with reversion, line shocks are an Ornstein-Uhlenbeck process around the entry appeal", "[market]") {
  // kappa = 1 a year, sd 0.6: after ten years the log shock's variance is close to its stationary
  // value sd^2 (1 - rho^240) / (1 - rho^2) per month, rho = exp(-1/12), and the mean appeal is still
  // the entry appeal (the -v/2 correction); a line's shock carries over only rho^12 a year.
  Scenario s = test::tiny_scenario(1);
  s.chain.market.line_shock_sd_per_year = 0.6;
  s.chain.market.line_shock_reversion_per_year = 1.0;
  const Context c(s, RunKey{10, 0});
  const int n = 4000;
  State w = empty_world(c, {1.0e9});
  for (int k = 0; k < n; ++k) firm(c, w, EnterpriseKind::sme, 0, 1e6, 1e8);
  std::vector<double> year9(n);
  for (int month = 0; month < 120; ++month) {
    line_shocks(c, w);
    w.month += 1;
    if (month == 107)
      for (int k = 0; k < n; ++k) year9[k] = w.lines.demand_shock[k];
  }
  const double sd = 0.6 / std::sqrt(12.0), rho = std::exp(-1.0 / 12.0);
  const double v = sd * sd * (1.0 - std::pow(rho, 240)) / (1.0 - rho * rho);
  double mean = 0.0, var_x = 0.0, cov = 0.0, var9 = 0.0;
  for (int k = 0; k < n; ++k) {
    mean += w.lines.appeal[k] / n;
    var_x += w.lines.demand_shock[k] * w.lines.demand_shock[k] / n;
    cov += w.lines.demand_shock[k] * year9[k] / n;
    var9 += year9[k] * year9[k] / n;
    // The appeal is the entry appeal times exp(x - v/2).
    CHECK(std::log(w.lines.appeal[k] / 1e6) ==
          Approx(w.lines.demand_shock[k] - 0.5 * w.lines.shock_variance[k]).margin(1e-9));
  }
  CHECK(w.lines.shock_variance[0] == Approx(v));
  CHECK(var_x == Approx(v).epsilon(0.06));
  CHECK(mean == Approx(1e6).epsilon(0.04));
  CHECK(cov / var9 == Approx(std::pow(rho, 12)).margin(0.04));  // the year-on-year carry-over
  CHECK(v < 0.25);  // bounded (0.195; about sd^2 / (2 kappa) = 0.18): a random walk's would be 3.6
}

TEST_CASE("the active lines by owner are each firm's active lines in id order", "[market]") {
  const Scenario s = test::tiny_scenario(1);
  const Context c(s, RunKey{5, 0});
  State st = empty_world(c, {1.0e9});
  const int firms = 300;
  for (int k = 0; k < firms; ++k) firm(c, st, EnterpriseKind::sme, 0, 0.0, 1e6);
  // Lines of random owners, some of them ended: owners' lines interleave in id order and the
  // halves of the counting sort share owners.
  Rng rng(c.key, Stream::market, 0, 0);
  for (int l = 0; l < 5001; ++l) {
    const auto e = static_cast<std::int32_t>(rng.below(firms));
    const std::int32_t id = add_line(st, e, 1.0);
    if (rng.bernoulli(0.3)) st.lines.status[id] = LineStatus::displaced;
  }
  for (const int threads : {1, 2}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    const LinesByOwner by_owner = active_lines_by_owner(st);
    REQUIRE(by_owner.first.size() == static_cast<std::size_t>(firms) + 1);
    std::size_t listed = 0;
    for (int e = 0; e < firms; ++e) {
      std::vector<std::int32_t> serial;
      for (std::size_t l = 0; l < st.lines.size(); ++l)
        if (st.lines.owner[l] == e && st.lines.status[l] == LineStatus::active)
          serial.push_back(static_cast<std::int32_t>(l));
      const std::span<const std::int32_t> got = by_owner.of(static_cast<std::size_t>(e));
      CHECK(std::vector<std::int32_t>(got.begin(), got.end()) == serial);
      listed += serial.size();
    }
    CHECK(by_owner.ids.size() == listed);
  }
}
