#include "links/progress.hpp"

#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <tuple>

using namespace innochain;

namespace {

/// One enterprise holding `n` projects in `stage`, with the given monthly R&D budget.
State one_firm(const Context& c, std::size_t n, Stage stage, double rd_budget, double quality = 1.0) {
  State st;
  st.institutes.resize(0, c.fields);
  st.enterprises.resize(1);
  st.enterprises.alive[0] = 1;
  st.enterprises.revenue_yuan_per_month[0] = rd_budget;
  st.enterprises.rd_share[0] = 1.0;
  st.enterprises.cash_yuan[0] = 1e15;  // cash never binds: the R&D share of revenue does
  st.enterprises.rd_staff[0] = 10;
  st.enterprises.rd_staff_skill_mean[0] = 1.0;
  st.projects.resize(n);
  for (std::size_t id = 0; id < n; ++id) {
    st.projects.stage[id] = stage;
    st.projects.status[id] = ProjectStatus::active;
    st.projects.holder_kind[id] = HolderKind::enterprise;
    st.projects.holder[id] = 0;
    st.projects.origin_institute[id] = -1;
    st.projects.quality[id] = quality;
    st.projects.active.push_back(static_cast<std::int32_t>(id));
  }
  return st;
}

Scenario no_hazard() {
  Scenario s = test::tiny_scenario();
  for (auto& st : s.chain.progress.stages) st.hazard_per_month = 0.0;
  return s;
}

}  // namespace

TEST_CASE("progress rate is speed x f(skill) x g(funding) x h(compute)", "[progress]") {
  Scenario s = test::tiny_scenario();
  s.world.fields[0].compute_intensity = 0.5;
  s.world.fields[0].speed_multiplier = 2.0;
  const Context c(s, RunKey{1, 0});
  const auto& p = s.chain.progress;
  const double base = 2.0 / p.stages[1].duration_months;
  CHECK(progress_rate(c, Stage::breakthrough, 0, 1.0, 1.0, 1.0) == Approx(base));
  CHECK(progress_rate(c, Stage::breakthrough, 0, 2.0, 1.0, 1.0) == Approx(base * std::pow(2.0, p.skill_elasticity)));
  CHECK(progress_rate(c, Stage::breakthrough, 0, 1.0, 0.5, 1.0) == Approx(base * std::pow(0.5, p.funding_elasticity)));
  CHECK(progress_rate(c, Stage::breakthrough, 0, 1.0, 1.0, 0.5) ==
        Approx(base * std::pow(0.5, p.compute_elasticity * 0.5)));
  // No money, no progress.
  CHECK(progress_rate(c, Stage::pilot, 0, 1.0, 0.0, 0.0) == 0.0);
}

TEST_CASE("the failure hazard falls with quality", "[progress]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{1, 0});
  CHECK(failure_hazard(c, Stage::pilot, 1.0) == Approx(s.chain.progress.stages[3].hazard_per_month));
  CHECK(failure_hazard(c, Stage::pilot, 2.0) < failure_hazard(c, Stage::pilot, 1.0));
  CHECK(failure_hazard(c, Stage::pilot, 1e-9) == 1.0);
}

TEST_CASE("a fully funded project finishes its stage in its duration", "[progress]") {
  Scenario s = no_hazard();
  s.chain.progress.stages[2].duration_months = 4.0;
  const Context c(s, RunKey{1, 0});
  State st = one_firm(c, 1, Stage::proof_of_concept, 1e9);
  MonthMetrics m(1, 1);
  for (int month = 0; month < 3; ++month) {
    m.clear();
    progress(c, st, m);
    st.month += 1;
    REQUIRE(st.projects.stage[0] == Stage::proof_of_concept);
  }
  progress(c, st, m);
  CHECK(st.projects.stage[0] == Stage::pilot);  // enterprise-held: proof of concept -> pilot
  CHECK(st.projects.progress[0] == 0);
}

TEST_CASE("stage durations are whole months: duration / speed months at full speed, no rounding drift", "[progress]") {
  // Durations whose ratio to the field's speed is a whole number but not exact in binary floating
  // point (18 / 1.2 = 15, 30 / 0.6 = 50, 15 / 1.0): each stage takes exactly that many months.
  for (const auto& [duration, speed, months] :
       {std::tuple{18.0, 1.2, 15}, std::tuple{30.0, 0.6, 50}, std::tuple{15.0, 1.0, 15}, std::tuple{13.0, 0.9, 15}}) {
    Scenario s = no_hazard();
    s.chain.progress.stages[2].duration_months = duration;
    s.world.fields[0].speed_multiplier = speed;
    const Context c(s, RunKey{1, 0});
    INFO("duration " << duration << " at speed " << speed);
    CHECK(stage_units(c, Stage::proof_of_concept, 0) ==
          std::llround(duration / speed * static_cast<double>(kProgressUnitsPerMonth)));
    State st = one_firm(c, 1, Stage::proof_of_concept, 1e12);
    MonthMetrics m(1, 1);
    int taken = 0;
    while (st.projects.stage[0] == Stage::proof_of_concept && taken < 200) {
      m.clear();
      progress(c, st, m);
      st.month += 1;
      ++taken;
    }
    CHECK(taken == months);  // 13 / 0.9 = 14.4: the stage ends in the 15th month, the one that passes it
  }
  // A month at full speed is exactly one month of units.
  CHECK(progress_units(1.0) == kProgressUnitsPerMonth);
  CHECK(progress_units(0.0) == 0);
}

TEST_CASE("no money means no progress in costly stages; half the money half the speed", "[progress]") {
  const Scenario s = no_hazard();
  const Context c(s, RunKey{1, 0});
  const double cost = s.chain.progress.stages[3].cost_yuan_per_month;
  State broke = one_firm(c, 3, Stage::pilot, 0.0);
  State half = one_firm(c, 2, Stage::pilot, cost);  // two projects share one project's cost
  MonthMetrics m(1, 1);
  progress(c, broke, m);
  for (std::size_t id = 0; id < 3; ++id) CHECK(broke.projects.progress[id] == 0);
  CHECK(m.total(m_rd_spending_enterprises) == 0.0);
  m.clear();
  progress(c, half, m);
  const double full = progress_rate(c, Stage::pilot, 0, 1.0, 1.0, 1.0);
  const double share =
      static_cast<double>(half.projects.progress[0]) / static_cast<double>(stage_units(c, Stage::pilot, 0));
  CHECK(share == Approx(full * std::pow(0.5, s.chain.progress.funding_elasticity) *
                        std::pow(0.5, s.chain.progress.compute_elasticity * s.world.fields[0].compute_intensity)));
  CHECK(m.total(m_rd_spending_enterprises) == Approx(cost));
  CHECK(m.at(m_funding_coverage) == Approx(0.5));
}

TEST_CASE("higher quality projects fail less often", "[progress]") {
  const Scenario s = test::tiny_scenario();
  const Context c(s, RunKey{4, 0});
  State low = one_firm(c, 20000, Stage::breakthrough, 1e12, 0.5);
  State high = one_firm(c, 20000, Stage::breakthrough, 1e12, 2.0);
  MonthMetrics ml(1, 1), mh(1, 1);
  progress(c, low, ml);
  progress(c, high, mh);
  const double expected_low = 20000 * failure_hazard(c, Stage::breakthrough, 0.5);
  CHECK(ml.total(m_failures_breakthrough) == Approx(expected_low).margin(4 * std::sqrt(expected_low)));
  CHECK(mh.total(m_failures_breakthrough) < ml.total(m_failures_breakthrough));
  // Failed projects leave the active list.
  CHECK(low.projects.active.size() == 20000 - static_cast<std::size_t>(ml.total(m_failures_breakthrough)));
}

TEST_CASE("institute breakthroughs queue for transfer; pilots launch products", "[progress]") {
  Scenario s = no_hazard();
  s.chain.progress.stages[1].duration_months = 1.0;
  s.chain.progress.stages[3].duration_months = 1.0;
  const Context c(s, RunKey{1, 0});
  State st = one_firm(c, 2, Stage::pilot, 1e9);
  st.institutes.resize(1, 1);
  st.institutes.budget_yuan_per_month[0] = 1e9;
  st.institutes.researcher_skill_mean[0] = 1.0;
  st.projects.stage[1] = Stage::breakthrough;
  st.projects.holder_kind[1] = HolderKind::institute;
  MonthMetrics m(1, 1);
  progress(c, st, m);
  CHECK(st.projects.status[0] == ProjectStatus::launched);
  CHECK(m.total(m_products_launched) == 1.0);
  CHECK(st.projects.status[1] == ProjectStatus::awaiting_transfer);
  CHECK(st.transfer_queue == std::vector<std::int32_t>{1});
  CHECK(st.projects.active.empty());
}

TEST_CASE("finished proofs of concept are counted; launches are logged with their creation month", "[progress]") {
  Scenario s = no_hazard();
  s.chain.progress.stages[2].duration_months = 1.0;
  s.chain.progress.stages[3].duration_months = 1.0;
  s.output.events_launches = true;
  const Context c(s, RunKey{1, 0});
  State st = one_firm(c, 2, Stage::pilot, 1e9);
  st.projects.stage[1] = Stage::proof_of_concept;
  st.projects.created_month[0] = 3;
  st.projects.origin_institute[0] = 7;
  st.month = 40;
  MonthMetrics m(1, 1);
  progress(c, st, m);
  CHECK(m.total(m_proof_of_concept_completed) == 1.0);
  CHECK(st.projects.stage[1] == Stage::pilot);
  CHECK(m.total(m_products_launched) == 1.0);
  const auto& ev = st.events.launches;
  REQUIRE(ev.month.size() == 1);
  CHECK(ev.month[0] == 40);
  CHECK(ev.project[0] == 0);
  CHECK(ev.holder[0] == 0);
  CHECK(ev.created_month[0] == 3);
  CHECK(ev.origin_institute[0] == 7);
  CHECK(ev.quality[0] == 1.0);
}

TEST_CASE("launches are not logged unless asked for", "[progress]") {
  Scenario s = no_hazard();
  s.chain.progress.stages[3].duration_months = 1.0;
  const Context c(s, RunKey{1, 0});
  State st = one_firm(c, 1, Stage::pilot, 1e9);
  MonthMetrics m(1, 1);
  progress(c, st, m);
  CHECK(m.total(m_products_launched) == 1.0);
  CHECK(st.events.launches.month.empty());
}
