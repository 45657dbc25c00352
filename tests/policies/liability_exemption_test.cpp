#include "support/policy_pair.hpp"

#include <catch2/catch.hpp>

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
  // No institute is a national lab in a world with shares (1, 0, 0): nothing changes.
  const auto r = test::run_pair(R"(  - type: liability_exemption
    name: labs_only
    eligible: {kinds: [national_lab]})",
                                36, 1, 0.05);
  CHECK(r.policy[0][m_transfers_licence] > 0.0);
  // With the baseline's 10 % national labs some institutes are treated: units served > 0.
  CHECK(r.policy[0][m_policy_units_served] > 0.0);
}
