#include "model/population.hpp"
#include "scenario/decode.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <tbb/global_control.h>

#include <numeric>

using namespace innochain;

TEST_CASE("population counts follow scaled counts and exact sub-kind quotas", "[population]") {
  // 80 000 constructed enterprises (the baseline's count is calibrated): 800 at 1/100.
  const Scenario s = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml",
                                        {"agents.enterprises.count=80000"});
  const Context c(s, RunKey{1, 0});
  const State st = build_population(c);
  CHECK(st.institutes.size() == 4);
  CHECK(st.enterprises.size() == 800);
  CHECK(st.financiers.size() == 10);
  CHECK(st.talent.size() == 10000);
  CHECK(std::count(st.enterprises.kind.begin(), st.enterprises.kind.end(), EnterpriseKind::chain_leader) == 4);
  CHECK(std::count(st.enterprises.kind.begin(), st.enterprises.kind.end(), EnterpriseKind::startup) == 160);

  // Every researcher works at an institute, every engineer and industry scientist
  // at an enterprise, in the counts the role shares give.
  const auto& t = st.talent;
  std::int64_t researchers = 0, rd_staff = 0, unemployed = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t.employer_kind[i] == EmployerKind::institute) {
      REQUIRE(t.role[i] == Role::researcher);
      ++researchers;
    } else if (t.employer_kind[i] == EmployerKind::enterprise) {
      REQUIRE(t.role[i] != Role::researcher);
      REQUIRE(t.region[i] == st.enterprises.region[t.employer[i]]);
      REQUIRE(t.field[i] == st.enterprises.field[t.employer[i]]);
      ++rd_staff;
    } else {
      ++unemployed;
    }
  }
  CHECK(researchers == 1200);
  CHECK(rd_staff == 8500);
  CHECK(unemployed == 300);
  // The employer aggregates agree with the talent table.
  CHECK(std::accumulate(st.institutes.researchers.begin(), st.institutes.researchers.end(), 0) == 1200);
  CHECK(std::accumulate(st.enterprises.rd_staff.begin(), st.enterprises.rd_staff.end(), 0) == 8500);
  // Institutes' field weights are distributions.
  for (std::size_t i = 0; i < st.institutes.size(); ++i) {
    double w = 0.0;
    for (std::size_t f = 0; f < c.fields; ++f) w += st.institutes.field_weight[i * c.fields + f];
    CHECK(w == Approx(1.0));
  }
}

TEST_CASE("larger firms employ more R&D staff", "[population]") {
  Scenario s = test::tiny_scenario();
  s.agents.enterprises.count = 200;
  s.agents.talent.count = 20000;
  const Context c(s, RunKey{3, 0});
  const State st = build_population(c);
  const auto& en = st.enterprises;
  std::size_t big = 0, small = 0;
  for (std::size_t e = 1; e < en.size(); ++e) {
    if (en.revenue_yuan_per_month[e] > en.revenue_yuan_per_month[big]) big = e;
    if (en.revenue_yuan_per_month[e] < en.revenue_yuan_per_month[small]) small = e;
  }
  CHECK(en.rd_staff[big] > en.rd_staff[small]);
}

TEST_CASE("initial product lines are proportional to revenue, of bounded size", "[population]") {
  Scenario s = test::tiny_scenario();
  const double y = s.agents.enterprises.revenue_per_line_yuan_per_month;
  // The default elasticity 1: round(revenue / y) lines, at least one.
  CHECK(s.agents.enterprises.lines_size_elasticity == 1.0);
  CHECK(initial_line_count(s, 0.2 * y) == 1);
  CHECK(initial_line_count(s, 1.4 * y) == 1);
  CHECK(initial_line_count(s, 50.0 * y) == 50);
  CHECK(initial_line_count(s, 1000.0 * y) == 1000);
  s.agents.enterprises.lines_size_elasticity = 0.5;
  CHECK(initial_line_count(s, 49.0 * y) == 7);
  // In a built world every selling firm's lines sum to its revenue, and a line of a firm with at
  // least half a line's revenue earns between 1/2 and 3/2 lines' revenue: large firms are many-line firms.
  Scenario s2 = test::tiny_scenario();
  s2.agents.enterprises.count = 300;
  s2.agents.talent.count = 3000;
  const Context c(s2, RunKey{5, 0});
  const State st = build_population(c);
  const auto& en = st.enterprises;
  for (std::size_t e = 0; e < en.size(); ++e) {
    if (en.kind[e] == EnterpriseKind::startup) {
      CHECK(en.product_lines[e] == 0);
      continue;
    }
    const double r = en.revenue_yuan_per_month[e];
    REQUIRE(en.product_lines[e] == initial_line_count(s2, r));
    if (r >= 0.5 * y) {
      CHECK(r / en.product_lines[e] >= 0.5 * y * (1 - 1e-12));
      CHECK(r / en.product_lines[e] <= 1.5 * y * (1 + 1e-12));
    }
  }
}

TEST_CASE("the index of enterprises by field lists alive firms of that field", "[population]") {
  Scenario s = test::tiny_scenario(2);
  s.agents.enterprises.count = 50;
  const Context c(s, RunKey{5, 0});
  State st = build_population(c);
  st.enterprises.alive[0] = 0;
  index_enterprises_by_field(st, 2);
  std::size_t listed = 0;
  for (std::size_t f = 0; f < 2; ++f) {
    for (auto e : st.enterprises_by_field[f]) {
      CHECK(st.enterprises.field[e] == f);
      CHECK(e != 0);
      ++listed;
    }
  }
  CHECK(listed == 49);
}

TEST_CASE("parallel workforce aggregates are bit-identical to the serial id-order sums", "[population]") {
  const Scenario s = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml");
  const Context c(s, RunKey{5, 0});
  for (const bool tiny_skills : {false, true}) {
    State st = build_population(c);
    // Propensities with very low bits (and a few tiny skills) push some sums beyond the
    // exactness test, so the serial fallback is exercised as well.
    auto& t = st.talent;
    for (std::size_t i = 0; i < t.size(); i += 7) t.entrepreneurial_propensity[i] = 1e-30f * static_cast<float>(i % 13);
    if (tiny_skills)
      for (std::size_t i = 3; i < t.size(); i += 101) t.skill[i] = 3.0e-38f;
    for (std::size_t i = 0; i < t.size(); i += 5)
      t.tie_institute[i] = static_cast<std::int32_t>(i % st.institutes.size());
    State serial = st;
    update_workforce_serial(serial);
    for (int threads : {1, 2, 4}) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
      State parallel = st;
      update_workforce(parallel);
      CHECK(parallel.institutes.researchers == serial.institutes.researchers);
      CHECK(parallel.institutes.industry_ties == serial.institutes.industry_ties);
      CHECK(parallel.enterprises.rd_staff == serial.enterprises.rd_staff);
      CHECK(parallel.enterprises.industry_ties == serial.enterprises.industry_ties);
      CHECK(test::same_bits(parallel.institutes.researcher_skill_mean, serial.institutes.researcher_skill_mean));
      CHECK(test::same_bits(parallel.institutes.researcher_propensity_mean,
                            serial.institutes.researcher_propensity_mean));
      CHECK(test::same_bits(parallel.enterprises.rd_staff_skill_mean, serial.enterprises.rd_staff_skill_mean));
    }
    CHECK(std::accumulate(serial.enterprises.rd_staff.begin(), serial.enterprises.rd_staff.end(), 0) > 0);
  }
}

TEST_CASE("workforce aggregates updated for recorded moves equal a full pass", "[population]") {
  const Scenario s = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml");
  const Context c(s, RunKey{6, 0});
  // Moves as the month makes them after the talent market: people whose firm is gone become
  // unemployed or follow it to another firm, founders join a new firm (some of them after an exit,
  // so twice), researchers leave an institute to found one; industry scientists carry their tie.
  // A founder with a tiny skill (unemployed at the pass, so outside its sums) takes the new firm's
  // sum past its exactness bound: the full pass then.
  for (const bool tiny_skill : {false, true}) {
    for (int threads : {1, 2, 4}) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
      State st = build_population(c);
      auto& t = st.talent;
      for (std::size_t i = 0; i < t.size(); i += 5)
        t.tie_institute[i] = static_cast<std::int32_t>(i % st.institutes.size());
      std::size_t idle = 0;
      while (t.employer_kind[idle] != EmployerKind::none) ++idle;
      if (tiny_skill) t.skill[idle] = 3.0e-38f;
      update_workforce(st);
      CHECK(st.workforce_sums.valid);
      const std::int32_t new_firm = add_enterprise(c, st, EnterpriseKind::startup, 0, 0, 1e6, 0.5);
      const auto move = [&](std::size_t i, EmployerKind kind, std::int32_t employer) {
        record_employer_change(st, i);
        t.employer_kind[i] = kind;
        t.employer[i] = employer;
      };
      for (std::size_t i = 1; i < t.size(); i += 37) {
        if (t.employer_kind[i] == EmployerKind::enterprise)
          move(i, i % 2 ? EmployerKind::none : EmployerKind::enterprise, i % 2 ? -1 : (t.employer[i] + 1) % 50);
        if (i % 3 == 0) move(i, EmployerKind::enterprise, new_firm);  // a founder (maybe after a move)
      }
      move(idle, EmployerKind::enterprise, new_firm);
      State full = st;
      update_workforce_serial(full);
      update_workforce_after_moves(st);
      CHECK(st.workforce_sums.moves.empty());
      // The path taken: the moves applied to the sums (which stay valid), or the full pass, which
      // finds the tiny skill among the firms' staff and keeps no sums.
      CHECK(st.workforce_sums.valid == !tiny_skill);
      CHECK(st.institutes.researchers == full.institutes.researchers);
      CHECK(st.institutes.industry_ties == full.institutes.industry_ties);
      CHECK(st.enterprises.rd_staff == full.enterprises.rd_staff);
      CHECK(st.enterprises.industry_ties == full.enterprises.industry_ties);
      CHECK(test::same_bits(st.institutes.researcher_skill_mean, full.institutes.researcher_skill_mean));
      CHECK(test::same_bits(st.institutes.researcher_propensity_mean, full.institutes.researcher_propensity_mean));
      CHECK(test::same_bits(st.enterprises.rd_staff_skill_mean, full.enterprises.rd_staff_skill_mean));
      CHECK(full.enterprises.rd_staff[static_cast<std::size_t>(new_firm)] > 0);
    }
  }
}

TEST_CASE("a region's rd_share_multiplier scales its enterprises' R&D share of revenue", "[population]") {
  Scenario s = test::tiny_scenario();
  s.agents.enterprises.count = 400;
  s.world.regions = {{"plain", 0.5, 0.5, 0.5, 0.5}, {"intensive", 0.5, 0.5, 0.5, 0.5, 2.5}};
  s.world.friction = {{1.0, 1.0}, {1.0, 1.0}};
  const Context c(s, RunKey{3, 0});
  State st = build_population(c);
  const auto& en = st.enterprises;
  const std::size_t last = s.world.regions.size() - 1;
  const double rho = s.agents.enterprises.rd_share_of_revenue;
  std::size_t in_last = 0;
  for (std::size_t e = 0; e < en.size(); ++e) {
    CHECK(en.rd_share[e] == (en.region[e] == last ? rho * 2.5 : rho));
    in_last += en.region[e] == last;
  }
  CHECK(in_last > 100);
  CHECK(in_last < 300);
  // Firms founded later in the region get it too.
  const std::int32_t e = add_enterprise(c, st, EnterpriseKind::startup, 0, last, 1e5, 0.5);
  CHECK(st.enterprises.rd_share[e] == rho * 2.5);
}

TEST_CASE("staff counts alone equal the counts of the full workforce aggregates", "[population]") {
  const Scenario s = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml");
  const Context c(s, RunKey{5, 0});
  State st = build_population(c);
  // Some people leave or lose their job, so the counts built with the population are stale.
  auto& t = st.talent;
  for (std::size_t i = 0; i < t.size(); i += 9) {
    t.employer_kind[i] = i % 2 ? EmployerKind::outside : EmployerKind::none;
    t.employer[i] = -1;
  }
  State full = st;
  update_workforce_serial(full);
  for (int threads : {1, 2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    State counted = st;
    update_staff_counts(counted);
    CHECK(counted.institutes.researchers == full.institutes.researchers);
    CHECK(counted.enterprises.rd_staff == full.enterprises.rd_staff);
    // The other aggregates are left as they were.
    CHECK(test::same_bits(counted.enterprises.rd_staff_skill_mean, st.enterprises.rd_staff_skill_mean));
  }
  CHECK(full.enterprises.rd_staff != st.enterprises.rd_staff);
}
