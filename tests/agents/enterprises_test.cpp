// The enterprise table's levers: the monthly reset.
#include "agents/enterprises.hpp"

#include <catch2/catch.hpp>

using namespace innochain;

TEST_CASE("resetting the levers restores every row's baseline, across blocks", "[agents]") {
  EnterpriseLevers levers;
  const std::size_t rows = 3 * kBlock + 17;  // several blocks and a partial one
  levers.resize(rows);
  for (std::size_t e = 0; e < rows; e += 7) {  // what instruments set during a month
    levers.compute_subsidy_rate[e] = 0.5;
    levers.compute_policy[e] = 2;
    levers.skill_multiplier[e] = 1.3;
    levers.certificate_log_quality[e] = -0.4;
  }
  levers.reset();
  REQUIRE(levers.size() == rows);
  for (std::size_t e = 0; e < rows; ++e) {
    INFO(e);
    CHECK(levers.compute_subsidy_rate[e] == 0.0);
    CHECK(levers.compute_policy[e] == -1);
    CHECK(levers.rd_policy[e] == -1);
    CHECK(levers.overhead_policy[e] == -1);
    CHECK(levers.skill_multiplier[e] == 1.0);
    CHECK(levers.certificate_log_quality[e] == 0.0);
  }
}
