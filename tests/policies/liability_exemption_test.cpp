#include "model/population.hpp"
#include "support/policy_pair.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace innochain;

TEST_CASE("a liability exemption means more transfers and more bad transfers", "[policies]") {
  const auto r = test::run_pair(R"(  - type: liability_exemption
    name: exempt_all
    sanction_reduction: 0.9
    screening_care: 0.5)",
                                72, 4, 0.05);
  const double more = test::mean_difference(r, m_transfers_licence) + test::mean_difference(r, m_transfers_spinoff);
  CHECK(more > 0.0);
  CHECK(test::mean_difference(r, m_shelved_not_approved) < 0.0);
  CHECK(test::mean_difference(r, m_bad_transfers) > 0.0);
  for (const auto& p : r.policy) CHECK(p[m_policy_spending] == 0.0);  // no money changes hands
}

TEST_CASE("the exemption only reaches eligible institutes", "[policies]") {
  const auto r = test::run_pair(R"(  - type: liability_exemption
    name: labs_only
    eligible: {kinds: [national_lab]})",
                                36, 1, 0.05);
  // Units served are the treated institutes each month: exactly the national labs.
  Scenario s = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml");
  s.world.scale = 0.05;
  const State st = build_population(Context(s, RunKey{static_cast<std::uint64_t>(s.seed), 0}));
  const auto labs = std::count(st.institutes.kind.begin(), st.institutes.kind.end(), InstituteKind::national_lab);
  REQUIRE(labs > 0);
  REQUIRE(labs < static_cast<long>(st.institutes.size()));
  CHECK(r.policy[0][m_policy_units_served] == static_cast<double>(labs * 36));
}
