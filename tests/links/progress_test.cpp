#include "links/progress.hpp"

#include "links/compute_market.hpp"

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

TEST_CASE("progress rate is speed x f(skill) x g(input index)", "[progress]") {
  Scenario s = test::tiny_scenario();
  s.world.fields[0].speed_multiplier = 2.0;
  const Context c(s, RunKey{1, 0});
  const auto& p = s.chain.progress;
  const double base = 2.0 / p.stages[1].duration_months;
  CHECK(progress_rate(c, Stage::breakthrough, 0, 1.0, 1.0) == Approx(base));
  CHECK(progress_rate(c, Stage::breakthrough, 0, 2.0, 1.0) == Approx(base * std::pow(2.0, p.skill_elasticity)));
  CHECK(progress_rate(c, Stage::breakthrough, 0, 1.0, 0.5) == Approx(base * std::pow(0.5, p.funding_elasticity)));
  // No inputs, no progress.
  CHECK(progress_rate(c, Stage::pilot, 0, 1.0, 0.0) == 0.0);
}

TEST_CASE("a stage's inputs: other cost, GPU-hours and the CES weight at the base price", "[progress]") {
  Scenario s = test::tiny_scenario();
  s.world.fields[0].compute_gpu_hours_per_month = 2000.0;
  s.world.fields[0].cost_multiplier = 1.5;
  s.chain.compute.base_price_yuan_per_gpu_hour = 8.0;
  const Context c(s, RunKey{1, 0});
  const std::size_t k = c.input_index(0, Stage::pilot);
  const auto& pilot = s.chain.progress.stages[3];
  CHECK(c.other_cost_yuan[k] == Approx(pilot.cost_yuan_per_month * 1.5));
  CHECK(c.compute_gpu_hours[k] == Approx(2000.0 * pilot.compute_multiplier));
  CHECK(cost_at_base_price(c, Stage::pilot, 0) == Approx(pilot.cost_yuan_per_month * 1.5 + 8.0 * 2000.0 * 2.5));
  CHECK(c.other_weight[k] == Approx(c.other_cost_yuan[k] / cost_at_base_price(c, Stage::pilot, 0)));
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
  const double cost = cost_at_base_price(c, Stage::pilot, 0);
  State broke = one_firm(c, 3, Stage::pilot, 0.0);
  State half = one_firm(c, 2, Stage::pilot, cost);  // two projects share one project's cost
  MonthMetrics m(1, 1);
  progress(c, broke, m);
  for (std::size_t id = 0; id < 3; ++id) CHECK(broke.projects.progress[id] == 0);
  CHECK(m.total(m_rd_spending_enterprises) == 0.0);
  m.clear();
  progress(c, half, m);
  // Both inputs are cut alike: the input index is the funded scale, 0.5.
  const double full = progress_rate(c, Stage::pilot, 0, 1.0, 1.0);
  const double share =
      static_cast<double>(half.projects.progress[0]) / static_cast<double>(stage_units(c, Stage::pilot, 0));
  CHECK(share == Approx(full * std::pow(0.5, s.chain.progress.funding_elasticity)));
  CHECK(m.total(m_rd_spending_enterprises) == Approx(cost));
  CHECK(m.at(m_funding_coverage) == Approx(0.5));
  // Compute bought: half of two projects' GPU-hours, at the base price.
  const double gpu = c.compute_gpu_hours[c.input_index(0, Stage::pilot)];
  CHECK(m.total(m_compute_gpu_hours) == Approx(gpu));
  CHECK(m.total(m_compute_spending) == Approx(gpu * s.chain.compute.base_price_yuan_per_gpu_hour));
  CHECK(half.enterprises.compute_bill_yuan[0] == Approx(gpu * s.chain.compute.base_price_yuan_per_gpu_hour));
}

TEST_CASE("the funded scale: the largest share of its plan a firm's own budget buys after subsidies", "[progress]") {
  // No subsidies: budget / cost.
  CHECK(funded_scale(100.0, 40.0, 50.0, 0.0, 0.0, 0.0, 0.0) == Approx(0.5));
  CHECK(funded_scale(100.0, 40.0, 150.0, 0.0, 0.0, 0.0, 0.0) == 1.0);
  // At the scale found, the firm's own share exactly exhausts its budget, for every case of
  // which allowance binds.
  struct Case {
    double rate_c, grant_c, rate_r, grant_r;
  };
  for (const Case k : {Case{0.5, 1e9, 0.0, 0.0}, Case{0.5, 5.0, 0.0, 0.0}, Case{0.0, 0.0, 0.2, 1e9},
                       Case{0.0, 0.0, 0.2, 3.0}, Case{0.6, 8.0, 0.3, 4.0}, Case{1.0, 1e9, 0.0, 0.0}}) {
    const double cost = 100.0, bill = 40.0, budget = 30.0;
    const double z = funded_scale(cost, bill, budget, k.rate_c, k.grant_c, k.rate_r, k.grant_r);
    const double v = std::min(k.rate_c * z * bill, k.grant_c);
    const double own = z * cost - v - std::min(k.rate_r * (z * cost - v), k.grant_r);
    INFO("rates " << k.rate_c << ", " << k.rate_r << "; grants " << k.grant_c << ", " << k.grant_r << ": z = " << z);
    CHECK(z > 0.0);
    CHECK(z < 1.0);
    CHECK(own == Approx(budget));
  }
}

TEST_CASE("a compute voucher lowers the holder's price: it buys more compute, and more when short of money",
          "[progress]") {
  Scenario s = no_hazard();
  s.world.fields[0].compute_gpu_hours_per_month = 10000.0;  // compute is 1/3 of a breakthrough at the base price
  const Context c(s, RunKey{1, 0});
  const double price = s.chain.compute.base_price_yuan_per_gpu_hour;
  const double cost = cost_at_base_price(c, Stage::breakthrough, 0);
  const double gpu = c.compute_gpu_hours[c.input_index(0, Stage::breakthrough)];
  for (const double budget : {1e9, 0.5 * cost}) {  // a firm with money to spare, one short of it
    State plain = one_firm(c, 1, Stage::breakthrough, budget);
    State voucher = one_firm(c, 1, Stage::breakthrough, budget);
    voucher.enterprises.levers.compute_subsidy_rate[0] = 0.5;
    voucher.enterprises.levers.compute_allowance_yuan[0] = 1e12;
    MonthMetrics mp(1, 1), mv(1, 1);
    const double cash = voucher.enterprises.cash_yuan[0];
    progress(c, plain, mp);
    progress(c, voucher, mv);
    INFO("budget " << budget);
    // Its effective price is half the market price: the firm's own compute payment per GPU-hour.
    const double bought = mv.total(m_compute_gpu_hours);
    const double bill = voucher.enterprises.compute_bill_yuan[0];
    CHECK(bill == Approx(price * bought));
    const double own_paid = cash - voucher.enterprises.cash_yuan[0];
    const double other_paid = voucher.enterprises.rd_spent_yuan[0] - bill;
    CHECK((own_paid - other_paid) / bought == Approx(0.5 * price));
    // Substitution towards compute (CES, elasticity 0.5): x_c = (phi / pi)^sigma at pi = 1/2.
    const InputMix mix = cost_minimising_mix(c.other_weight[c.input_index(0, Stage::breakthrough)], 0.5,
                                             s.chain.compute.substitution_elasticity);
    CHECK(mix.compute > 1.0);
    CHECK(mix.other < 1.0);
    CHECK(mp.total(m_compute_gpu_hours) < bought);
    if (budget > cost) {
      CHECK(mp.total(m_compute_gpu_hours) == Approx(gpu));
      CHECK(bought == Approx(gpu * mix.compute));  // full speed at the cheaper mix
      CHECK(voucher.projects.progress[0] == Approx(plain.projects.progress[0]));
    } else {
      // Short of money, the voucher also buys scale: more compute than the substitution alone,
      // and faster progress.
      CHECK(bought / mp.total(m_compute_gpu_hours) > mix.compute);
      CHECK(voucher.projects.progress[0] > plain.projects.progress[0]);
    }
  }
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

TEST_CASE("the hazard cache changes nothing: kept, cleared or stale, the same months", "[progress]") {
  Scenario s = test::tiny_scenario();
  for (auto& st : s.chain.progress.stages) st.hazard_per_month = 0.05;
  const Context c(s, RunKey{7, 0});
  State kept = one_firm(c, 3000, Stage::breakthrough, 2e8);
  for (std::size_t id = 0; id < kept.projects.size(); ++id)
    kept.projects.quality[id] = 0.3 + 0.001 * static_cast<double>(id);
  State cleared = kept;
  for (int month = 0; month < 6; ++month) {
    if (month == 3)  // a policy changes some qualities: their cached terms are stale
      for (State* st : {&kept, &cleared})
        for (std::size_t id = 0; id < st->projects.size(); id += 7) st->projects.quality[id] *= 1.5;
    cleared.hazard_cache = State::HazardCache{};
    MonthMetrics mk(1, 1), mc(1, 1);
    progress(c, kept, mk);
    progress(c, cleared, mc);
    CHECK(kept.hazard_cache.quality.size() == kept.projects.size());
    CHECK(mk.total(m_failures_breakthrough) == mc.total(m_failures_breakthrough));
    CHECK(kept.projects.status == cleared.projects.status);
    CHECK(kept.projects.progress == cleared.projects.progress);
    CHECK(kept.projects.active == cleared.projects.active);
    kept.month += 1;
    cleared.month += 1;
  }
  // Failure draws actually happened (the hazard was used).
  CHECK(kept.projects.active.size() < kept.projects.size());
  // Each cached term is the one failure_hazard computes.
  for (const std::int32_t id : kept.projects.active)
    CHECK(hazard_from_factor(c, Stage::breakthrough, kept.hazard_cache.factor[id]) ==
          failure_hazard(c, Stage::breakthrough, kept.projects.quality[id]));
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
