#include "links/breakthrough.hpp"

#include "links/progress.hpp"
#include "model/population.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>

using namespace innochain;

namespace {

/// One institute with `finished` basic projects done, and `firms` enterprises in the field.
State world_with_finished_basics(const Context& c, int finished, int firms, double absorptive) {
  State st;
  st.institutes.resize(1, c.fields);
  st.enterprises.resize(static_cast<std::size_t>(firms));
  for (int e = 0; e < firms; ++e) {
    st.enterprises.alive[e] = 1;
    st.enterprises.absorptive_capacity[e] = absorptive;
    st.enterprises.rd_staff[e] = 0;
    st.enterprises.cash_yuan[e] = 1e12;  // can pay for contract research
  }
  index_enterprises_by_field(st, c.fields);
  st.projects.resize(static_cast<std::size_t>(finished));
  for (int id = 0; id < finished; ++id) {
    st.projects.stage[id] = Stage::basic;
    st.projects.status[id] = ProjectStatus::stage_done;
    st.projects.holder_kind[id] = HolderKind::institute;
    st.projects.holder[id] = 0;
    st.projects.origin_institute[id] = 0;
    st.projects.quality[id] = 1.0;
    st.projects.active.push_back(id);
  }
  return st;
}

int enterprise_held(const State& st) {
  int n = 0;
  for (std::size_t id = 0; id < st.projects.size(); ++id) n += st.projects.holder_kind[id] == HolderKind::enterprise;
  return n;
}

}  // namespace

TEST_CASE("finished basic projects move to BREAKTHROUGH", "[breakthrough]") {
  Scenario s = test::tiny_scenario();
  s.chain.breakthrough.contract_research_probability = 0.0;
  const Context c(s, RunKey{1, 0});
  State st = world_with_finished_basics(c, 50, 5, 1.0);
  MonthMetrics m(1, 1);
  breakthrough(c, st, m);
  for (std::size_t id = 0; id < 50; ++id) {
    CHECK(st.projects.stage[id] == Stage::breakthrough);
    CHECK(st.projects.status[id] == ProjectStatus::active);
  }
  CHECK(enterprise_held(st) == 0);
  CHECK(m.total(m_contract_research_deals) == 0.0);
}

TEST_CASE("contract research signs with probability friction x absorptive capacity", "[breakthrough]") {
  Scenario s = test::tiny_scenario();
  s.chain.breakthrough.contract_research_probability = 1.0;
  const Context c(s, RunKey{2, 0});
  SECTION("fully absorptive firms in the same region always sign") {
    State st = world_with_finished_basics(c, 400, 5, 1.0);
    MonthMetrics m(1, 1);
    breakthrough(c, st, m);
    CHECK(enterprise_held(st) == 400);
    CHECK(m.total(m_contract_research_value) == Approx(400 * s.chain.breakthrough.contract_value_yuan_median));
  }
  SECTION("half-absorptive firms sign about half the time") {
    State st = world_with_finished_basics(c, 4000, 5, 0.5);
    MonthMetrics m(1, 1);
    breakthrough(c, st, m);
    CHECK(enterprise_held(st) == Approx(2000).margin(150));
  }
  SECTION("a firm without the cash to pay does not sign") {
    State st = world_with_finished_basics(c, 100, 5, 1.0);
    for (int e = 0; e < 5; ++e) st.enterprises.cash_yuan[e] = 0.0;
    MonthMetrics m(1, 1);
    breakthrough(c, st, m);
    CHECK(enterprise_held(st) == 0);
  }
  SECTION("with no enterprise in the field nothing is contracted") {
    State st = world_with_finished_basics(c, 100, 0, 1.0);
    MonthMetrics m(1, 1);
    breakthrough(c, st, m);
    CHECK(enterprise_held(st) == 0);
  }
}

TEST_CASE("enterprises start own projects with the K+S probability", "[breakthrough]") {
  CHECK(own_project_probability(0.01, 0) == 0.0);
  CHECK(own_project_probability(0.01, 100) == Approx(1.0 - std::exp(-1.0)));
  Scenario s = test::tiny_scenario();
  s.chain.breakthrough.rd_staff_zeta = 0.01;
  const Context c(s, RunKey{3, 0});
  State st = world_with_finished_basics(c, 0, 5000, 0.5);
  for (int e = 0; e < 5000; ++e) {
    st.enterprises.rd_staff[e] = e < 2500 ? 10 : 100;
    st.enterprises.revenue_yuan_per_month[e] = 1e9;  // a budget that covers a new project
    st.enterprises.rd_share[e] = 0.1;
  }
  MonthMetrics m(1, 1);
  breakthrough(c, st, m);
  int small = 0, large = 0;
  for (std::size_t id = 0; id < st.projects.size(); ++id) {
    REQUIRE(st.projects.stage[id] == Stage::breakthrough);
    REQUIRE(st.projects.origin_institute[id] == -1);
    (st.projects.holder[id] < 2500 ? small : large) += 1;
  }
  CHECK(small == Approx(2500 * own_project_probability(0.01, 10)).margin(60));
  CHECK(large == Approx(2500 * own_project_probability(0.01, 100)).margin(80));
  CHECK(m.total(m_enterprise_projects_started) == small + large);
}

TEST_CASE("a firm starts a project only when its budget covers its projects under way and the new one",
          "[breakthrough]") {
  Scenario s = test::tiny_scenario();
  s.chain.breakthrough.rd_staff_zeta = 1.0;  // a start every month if the budget allows
  const Context c(s, RunKey{4, 0});
  State st = world_with_finished_basics(c, 0, 3, 0.5);
  const double next = cost_at_base_price(c, Stage::breakthrough, 0);
  for (int e = 0; e < 3; ++e) {
    st.enterprises.kind[e] = EnterpriseKind::sme;
    st.enterprises.rd_staff[e] = 50;
    st.enterprises.rd_share[e] = 1.0;
    st.enterprises.revenue_yuan_per_month[e] = 10.0 * next;  // its project budget
  }
  st.enterprises.rd_own_cost_yuan[0] = 0.0;               // nothing under way: starts
  st.enterprises.rd_own_cost_yuan[1] = 9.0 * next;        // exactly room for one more: starts
  st.enterprises.rd_own_cost_yuan[2] = 9.0 * next + 1.0;  // no room: does not start
  for (int month = 0; month < 12; ++month) {
    st.month = month;
    MonthMetrics m(1, 1);
    breakthrough(c, st, m);
  }
  std::array<int, 3> started{};
  for (std::size_t id = 0; id < st.projects.size(); ++id) started[st.projects.holder[id]] += 1;
  CHECK(started[0] == 12);
  CHECK(started[1] == 12);
  CHECK(started[2] == 0);
}
