// Per-firm paired effects (`innochain compare --treated`) on firm panels built in the test: a
// policy that changes nothing gives exactly zero in every group, and an effect injected into the
// recipients (and a different one into the others) is recovered exactly. The same through run
// files: tests/cli/compare.sh and analysis/tests/test_treated.py.
#include "compare/treated.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace innochain;

namespace {

std::size_t outcome_index(const std::string& name) {
  const auto& d = firm_outcomes();
  return static_cast<std::size_t>(
      std::find_if(d.begin(), d.end(), [&](const FirmOutcomeDef& o) { return o.name == name; }) - d.begin());
}

/// A world of `n` firms present at the start (month 12 of 24), firm i with R&D spending
/// 1000 (i + 1) + 7 k in replication k; firms 0 and 1 paid by the policy run, firms 0-3 eligible.
FirmPanel panel(std::int64_t k, std::size_t n, bool policy) {
  FirmPanel p;
  p.path = (policy ? "policy" : "base") + std::to_string(k) + ".h5";
  p.replication = k;
  p.months = 24;
  p.window_start = 12;
  p.field_names = {"ai", "bio"};
  p.region_names = {"gz"};
  p.targets_firms = policy;
  p.has_recipients_record = true;
  p.kind.assign(n, 1);
  p.field.resize(n);
  p.region.assign(n, 0);
  p.present.assign(n, 1);
  p.entrant.assign(n, 0);
  p.recipient.assign(n, 0);
  p.eligible.assign(n, 0);
  p.values.assign(firm_outcomes().size(), std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i) {
    p.field[i] = static_cast<std::int32_t>(i % 2);
    p.values[outcome_index("rd_spending")][i] = 1000.0 * static_cast<double>(i + 1) + 7.0 * static_cast<double>(k);
    p.values[outcome_index("alive")][i] = 1.0;
    p.values[outcome_index("firms")][i] = 1.0;
    if (policy) {
      p.recipient[i] = i < 2;
      p.eligible[i] = i < 4;
    }
  }
  p.firms_before = n;
  p.state_before.assign(n, 1.5);
  return p;
}

const TreatedRow* find_row(const TreatedComparison& c, const std::string& group, const std::string& metric,
                           const std::string& subgroup = "") {
  for (const auto& r : c.rows)
    if (r.group == group && r.metric == metric && r.subgroup == subgroup) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("a policy that changes nothing has exactly zero effect on every group", "[compare][treated]") {
  std::vector<FirmPanel> b, p;
  for (std::int64_t k = 0; k < 4; ++k) {
    b.push_back(panel(k, 8, false));
    p.push_back(panel(k, 8, true));
  }
  const TreatedComparison c = treated_effects(b, p, {"all"}, {});
  REQUIRE(!c.rows.empty());
  for (const auto& r : c.rows) {
    CHECK(r.effect.mean_difference == 0.0);
    CHECK(r.effect.sd_difference == 0.0);
    CHECK(*r.effect.ci_low == 0.0);
    CHECK(*r.effect.ci_high == 0.0);
  }
  const TreatedRow* rec = find_row(c, kRecipients, "rd_spending");
  REQUIRE(rec);
  CHECK(rec->agents == 2.0);
  CHECK(rec->effect.pairs == 4);
  CHECK(rec->units == "yuan per firm");
  CHECK(find_row(c, kEligible, "rd_spending")->agents == 2.0);
  CHECK(find_row(c, kOthers, "rd_spending")->agents == 4.0);
}

TEST_CASE("an effect injected into the recipients is recovered, with the spill-over on the others",
          "[compare][treated]") {
  std::vector<FirmPanel> b, p;
  const std::size_t rd = outcome_index("rd_spending");
  for (std::int64_t k = 0; k < 5; ++k) {
    b.push_back(panel(k, 8, false));
    p.push_back(panel(k, 8, true));
    // Recipients gain 500 + 10 k yuan each; the four others lose 40 each; eligible non-recipients nothing.
    for (std::size_t i = 0; i < 2; ++i) p.back().values[rd][i] += 500.0 + 10.0 * static_cast<double>(k);
    for (std::size_t i = 4; i < 8; ++i) p.back().values[rd][i] -= 40.0;
  }
  const TreatedComparison c = treated_effects(b, p, {"rd_spending"}, {});
  const TreatedRow* rec = find_row(c, kRecipients, "rd_spending");
  REQUIRE(rec);
  CHECK(rec->effect.mean_difference == Approx(520.0));  // mean of 500, 510, ..., 540
  CHECK(rec->effect.baseline_mean == Approx((1000.0 + 2000.0) / 2.0 + 14.0));
  CHECK(*rec->effect.ci_low < 520.0);
  CHECK(*rec->effect.ci_high > 520.0);
  CHECK(find_row(c, kEligible, "rd_spending")->effect.mean_difference == 0.0);
  const TreatedRow* others = find_row(c, kOthers, "rd_spending");
  CHECK(others->effect.mean_difference == Approx(-40.0));
  CHECK(others->effect.sd_difference == Approx(0.0).margin(1e-9));

  SECTION("per year of the window and by field") {
    TreatedOptions o;
    o.per_year = true;
    o.by = "field";
    const TreatedComparison y = treated_effects(b, p, {"rd_spending"}, o);
    // Recipients are firms 0 (ai) and 1 (bio); a 12-month window: per year = window total.
    CHECK(find_row(y, kRecipients, "rd_spending", "ai")->effect.mean_difference == Approx(520.0));
    CHECK(find_row(y, kRecipients, "rd_spending", "bio")->agents == 1.0);
    CHECK(find_row(y, kRecipients, "rd_spending", "ai")->units == "yuan/year per firm");
  }
}

TEST_CASE("entrants are compared as cohort totals", "[compare][treated]") {
  std::vector<FirmPanel> b, p;
  const std::size_t rd = outcome_index("rd_spending");
  for (std::int64_t k = 0; k < 3; ++k) {
    b.push_back(panel(k, 4, false));
    p.push_back(panel(k, 6, true));  // two more firms founded in the window under the policy
    for (std::size_t i = 4; i < 6; ++i) {
      p.back().present[i] = 0;
      p.back().entrant[i] = 1;
    }
    // Firm 3 is founded in the window in both runs (ids of entrants need not match).
    for (FirmPanel* x : {&b.back(), &p.back()}) {
      x->present[3] = 0;
      x->entrant[3] = 1;
      x->firms_before = 3;
      x->state_before.assign(3, 1.5);
    }
  }
  TreatedOptions o;
  o.province = true;
  for (auto& x : b) x.world_scale = 0.5;
  for (auto& x : p) x.world_scale = 0.5;
  const TreatedComparison c = treated_effects(b, p, {"rd_spending", "firms"}, o);
  const TreatedRow* firms = find_row(c, kEntrants, "firms");
  REQUIRE(firms);
  CHECK(firms->effect.baseline_mean == Approx(2.0));  // one entrant, province-equivalent x 2
  CHECK(firms->effect.policy_mean == Approx(6.0));
  CHECK(firms->agents == 3.0);
  CHECK(find_row(c, kEntrants, "rd_spending")->units == "yuan");
  (void)rd;
}

TEST_CASE("runs that differ before the policy starts are refused", "[compare][treated]") {
  std::vector<FirmPanel> b{panel(0, 4, false), panel(1, 4, false)}, p{panel(0, 4, true), panel(1, 4, true)};
  p[1].state_before[2] = 1.25;
  REQUIRE_THROWS_AS(treated_effects(b, p, {"all"}, {}), CompareInputError);
  p[1].state_before[2] = 1.5;
  p[1].firms_before = 5;
  REQUIRE_THROWS_AS(treated_effects(b, p, {"all"}, {}), CompareInputError);
  p[1].firms_before = 4;
  REQUIRE_THROWS_WITH(treated_effects(b, p, {"no_such"}, {}), Catch::Contains("unknown per-firm outcome"));
}
