#include "support/policy_pair.hpp"

#include <catch2/catch.hpp>

using namespace innochain;

TEST_CASE("an ownership reform means more spin-offs", "[policies]") {
  // Inventors' share raised from the baseline 0.5 to 0.95 at every institute.
  const auto r = test::run_pair(R"(  - type: ownership_reform
    name: own_all
    inventor_share: 0.95)",
                                72, 8, 0.05);
  const double spinoffs = test::mean_difference(r, m_transfers_spinoff);
  double baseline = 0.0;
  int more = 0;
  for (std::size_t k = 0; k < r.policy.size(); ++k) {
    baseline += r.baseline[k][m_transfers_spinoff] / static_cast<double>(r.policy.size());
    if (r.policy[k][m_transfers_spinoff] > r.baseline[k][m_transfers_spinoff]) ++more;
  }
  INFO("spin-offs: baseline mean " << baseline << ", policy minus baseline " << spinoffs << " (" << more << " of "
                                   << r.policy.size() << " replications up); licences "
                                   << test::mean_difference(r, m_transfers_licence) << ", shelved not approved "
                                   << test::mean_difference(r, m_shelved_not_approved));
  CHECK(spinoffs > 0.0);
  CHECK(more > static_cast<int>(r.policy.size()) / 2);
  CHECK(test::mean_difference(r, m_shelved_not_approved) <= 0.0);  // more effort: fewer refusals
  for (const auto& p : r.policy) {
    CHECK(p[m_policy_spending] == 0.0);  // no money changes hands
    CHECK(p[m_policy_units_served] > 0.0);
  }
}

TEST_CASE("an ownership reform never lowers the inventor share", "[policies]") {
  // A reform share below the baseline's 0.5 leaves the lever, and so the run, unchanged.
  const auto r = test::run_pair(R"(  - type: ownership_reform
    name: below_baseline
    inventor_share: 0.2)",
                                36, 1, 0.05);
  for (const Metric m : {m_transfers_spinoff, m_transfers_licence, m_shelved_not_approved, m_licence_fees})
    CHECK(r.policy[0][m] == r.baseline[0][m]);
  CHECK(r.policy[0][m_policy_units_served] > 0.0);
}
