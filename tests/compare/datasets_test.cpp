// Pairing and the comparison table of `innochain compare`, on run records built in the test
// (files and directories are exercised through the binary by tests/cli/compare.sh).
#include "compare/datasets.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace innochain;

namespace {

RunRecord record(std::int64_t rep, double transfers_licence, double spending = 0.0,
                 std::optional<std::int64_t> point = std::nullopt) {
  RunRecord r;
  r.path = "r" + std::to_string(rep) + (point ? "p" + std::to_string(*point) : "") + ".h5";
  r.replication = rep;
  r.seed = "20240101";
  r.sweep_point = point;
  r.horizon_months = 120;
  r.summary = {{"transfers_licence", transfers_licence},
               {"transfers_spinoff", 1.0},
               {"products_launched", 10.0 + spending / 1e6},
               {"policy_spending", spending}};
  r.units = {{"transfers_licence", "transfers"}, {"products_launched", "products"}, {"policy_spending", "yuan"}};
  return r;
}

Dataset dataset(std::vector<RunRecord> runs, const std::string& name) { return Dataset{name, std::move(runs)}; }

std::string message_of(const Dataset& b, const Dataset& p) {
  try {
    pair_runs(b, p);
  } catch (const CompareInputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("runs pair by replication, whatever their order", "[compare]") {
  const Dataset b = dataset({record(0, 5), record(1, 6), record(2, 7)}, "base");
  const Dataset p = dataset({record(2, 9), record(0, 8), record(1, 8)}, "policy");
  const auto groups = pair_runs(b, p);
  REQUIRE(groups.size() == 1);
  REQUIRE(groups[0].baseline.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) CHECK(groups[0].baseline[k]->replication == groups[0].policy[k]->replication);
  const Comparison c = compare_datasets(groups, {"transfers_licence", "transfers"});
  REQUIRE(c.rows.size() == 2);
  CHECK(c.rows[0].effect.mean_difference == Approx((3.0 + 2.0 + 2.0) / 3.0));
  // The derived outcome adds licence and spin-off transfers.
  CHECK(c.rows[1].metric == "transfers");
  CHECK(c.rows[1].effect.baseline_mean == Approx(7.0));
  CHECK(c.rows[1].units == "transfers");
}

TEST_CASE("mismatched datasets are refused with every problem named", "[compare]") {
  SECTION("missing replications") {
    const std::string m = message_of(dataset({record(0, 1), record(1, 1), record(2, 1), record(3, 1)}, "base"),
                                     dataset({record(0, 1), record(3, 1), record(7, 1)}, "policy"));
    CHECK_THAT(m, Catch::Contains("replications 1-2 are in the baseline (base) but not in the policy"));
    CHECK_THAT(m, Catch::Contains("replications 7 are in the policy"));
  }
  SECTION("different horizons") {
    RunRecord shorter = record(1, 1);
    shorter.horizon_months = 60;
    const std::string m =
        message_of(dataset({record(0, 1), record(1, 1)}, "base"), dataset({record(0, 1), shorter}, "p"));
    CHECK_THAT(m, Catch::Contains("different horizons"));
    CHECK_THAT(m, Catch::Contains("60 months"));
  }
  SECTION("unpaired seeds") {
    RunRecord other = record(1, 1);
    other.seed = "7";
    const std::string m =
        message_of(dataset({record(0, 1), record(1, 1)}, "base"), dataset({record(0, 1), other}, "p"));
    CHECK_THAT(m, Catch::Contains("replication 1 has seed 20240101"));
    CHECK_THAT(m, Catch::Contains("not common random numbers"));
  }
  SECTION("different scales") {
    RunRecord full = record(0, 1);
    full.world_scale = 0.01;
    const std::string m = message_of(dataset({record(0, 1)}, "base"), dataset({full}, "p"));
    CHECK_THAT(m, Catch::Contains("different world.scale"));
  }
  SECTION("a replication twice") {
    const std::string m = message_of(dataset({record(0, 1), record(0, 2)}, "base"), dataset({record(0, 1)}, "p"));
    CHECK_THAT(m, Catch::Contains("baseline replication 0 appears twice"));
  }
}

TEST_CASE("a policy sweep is compared point by point with one baseline", "[compare]") {
  const Dataset b = dataset({record(0, 5), record(1, 5)}, "base");
  const Dataset p =
      dataset({record(0, 6, 1e6, 0), record(1, 6, 1e6, 0), record(0, 9, 2e6, 1), record(1, 9, 2e6, 1)}, "sweep");
  const auto groups = pair_runs(b, p);
  REQUIRE(groups.size() == 2);
  CHECK(*groups[0].point == 0);
  CHECK(*groups[1].point == 1);
  const Comparison c = compare_datasets(groups, {"transfers_licence", "products_launched"});
  REQUIRE(c.rows.size() == 4);
  CHECK(c.rows[0].effect.mean_difference == Approx(1.0));
  CHECK(c.rows[2].effect.mean_difference == Approx(4.0));
  // 2 million yuan for 4 extra licences at point 1: 500 000 yuan each; products: 2 extra for 2e6.
  CHECK(*c.rows[2].cost_per_additional_unit == Approx(5.0e5));
  CHECK(*c.rows[3].cost_per_additional_unit == Approx(1.0e6));
  // Two sweeps with different points cannot be paired.
  const Dataset other = dataset({record(0, 1, 0, 0), record(0, 1, 0, 5)}, "other");
  CHECK_THAT(message_of(other, p), Catch::Contains("different design points"));
}

TEST_CASE("one pair: a difference without an interval, and a note saying why", "[compare]") {
  const Dataset a = dataset({record(0, 5)}, "a.h5"), b = dataset({record(0, 8, 3e6)}, "b.h5");
  const auto groups = pair_runs(a, b);
  const Comparison c = compare_datasets(groups, {"transfers_licence"});
  REQUIRE(c.rows.size() == 1);
  CHECK(c.rows[0].effect.mean_difference == 3.0);
  CHECK_FALSE(c.rows[0].effect.ci_low);
  CHECK(*c.rows[0].cost_per_additional_unit == Approx(1e6));
  CHECK_THAT(c.notes.at(0), Catch::Contains("without a confidence interval"));
  const std::string table = format_comparison(c, "table", "a.h5", "b.h5");
  CHECK_THAT(table, Catch::Contains("transfers_licence"));
  CHECK_THAT(table, Catch::Contains("without a confidence interval"));
  // One naming everywhere (the Python table has the same columns); one pair: no interval, so n.s.
  CHECK(format_comparison(c, "csv", "a.h5", "b.h5") ==
        "metric,units,pairs,baseline_mean,policy_mean,mean_difference,sd_difference,ci_low,ci_high,relative_change,"
        "extra_public_cost,cost_per_additional_unit,cost_ci_low,cost_ci_high,cost_mark\n"
        "transfers_licence,transfers,1,5,8,3,,,,0.6,3000000,1000000,,,n.s.\n");
  CHECK_THAT(table, Catch::Contains("n.s."));
  CHECK_THAT(format_comparison(c, "markdown", "a.h5", "b.h5"),
             Catch::Contains("| transfers_licence | transfers | 1 |"));
}

TEST_CASE("an unknown outcome is refused with the names the files have", "[compare]") {
  const Dataset a = dataset({record(0, 5)}, "a"), b = dataset({record(0, 8)}, "b");
  const auto groups = pair_runs(a, b);
  try {
    compare_datasets(groups, {"transfer"});
    FAIL("no error");
  } catch (const CompareInputError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("unknown outcome 'transfer'"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("transfers_licence"));
  }
  const Comparison all = compare_datasets(groups, {"all"});
  CHECK(all.rows.size() == 5);  // the four summary values and transfers (the files lack start-up counts)
}

TEST_CASE("costs carry a Fieller interval and the n.s. mark in every format", "[compare]") {
  // Spending 2e6 in every policy run; licences +4 +- noise (significant) and spin-offs unchanged.
  std::vector<RunRecord> base, policy;
  const double extra[] = {3.0, 5.0, 4.0, 4.5, 3.5};
  for (int k = 0; k < 5; ++k) {
    base.push_back(record(k, 10.0 + k));
    policy.push_back(record(k, 10.0 + k + extra[k], 2e6));
    policy.back().summary["transfers_spinoff"] = 1.0 + (k % 2 ? 0.5 : -0.5);
  }
  const Dataset b = dataset(base, "base"), p = dataset(policy, "policy");
  const auto groups = pair_runs(b, p);
  const Comparison c = compare_datasets(groups, {"transfers_licence", "transfers"});
  const OutcomeRow& licence = c.rows[0];
  REQUIRE(licence.cost_per_additional_unit);
  CHECK(*licence.cost_per_additional_unit == Approx(2e6 / 4.0));
  // Spending does not vary: Fieller reduces to 2e6 divided by the ends of the licences' interval.
  REQUIRE(licence.cost_ci_low);
  CHECK(*licence.cost_ci_low == Approx(2e6 / *licence.effect.ci_high));
  CHECK(*licence.cost_ci_high == Approx(2e6 / *licence.effect.ci_low));
  CHECK(licence.cost_mark.empty());
  for (const char* format : {"table", "csv", "markdown"})
    CHECK_THAT(format_comparison(c, format, "base", "policy"), Catch::Contains("cost_ci_low"));
  for (const char* format : {"table", "markdown"})  // CSV has no notes
    CHECK_THAT(format_comparison(c, format, "base", "policy"), Catch::Contains("Fieller"));
  // Spin-offs vary around 0: transfers = licences + spin-offs gains about 4 but the cost is n.s.
  // only when the extra units' interval covers 0; here it does not.
  CHECK(c.rows[1].cost_mark.empty());
  // A policy whose extra units are not significant: the mark is in every format.
  std::vector<RunRecord> noisy;
  const double noise[] = {-3.0, 5.0, -2.0, 4.0, 0.5};
  for (int k = 0; k < 5; ++k) noisy.push_back(record(k, 10.0 + k + noise[k], 2e6));
  const Dataset q = dataset(noisy, "noisy");
  const auto g2 = pair_runs(b, q);
  const Comparison ns = compare_datasets(g2, {"transfers_licence"});
  REQUIRE(ns.rows[0].cost_per_additional_unit);
  CHECK(ns.rows[0].cost_mark == "n.s.");
  CHECK_FALSE(ns.rows[0].cost_ci_low);
  for (const char* format : {"table", "csv", "markdown"})
    CHECK_THAT(format_comparison(ns, format, "base", "noisy"), Catch::Contains("n.s."));
}

TEST_CASE("province-equivalent, per-year and discounted figures", "[compare]") {
  std::vector<RunRecord> base, policy;
  for (int k = 0; k < 3; ++k) {
    base.push_back(record(k, 10.0 + k));
    policy.push_back(record(k, 12.0 + k + 0.1 * k, 24.0));
    for (auto* r : {&base.back(), &policy.back()}) {
      r->world_scale = 0.01;
      r->horizon_months = 24;
      r->summary["funding_coverage"] = 0.5;
    }
    policy.back().spending_by_month.assign(24, 1.0);  // 1 yuan a month for two years
  }
  const Dataset b = dataset(base, "base"), p = dataset(policy, "policy");
  const auto groups = pair_runs(b, p);
  const std::vector<std::string> m = {"transfers_licence", "funding_coverage", "policy_spending"};
  const Comparison plain = compare_datasets(groups, m);
  CompareOptions o;
  o.province = true;
  o.per_year = true;
  const Comparison scaled = compare_datasets(groups, m, o);
  // Flows x 100 (province) / 2 years; the ratio (a mean) neither.
  CHECK(scaled.rows[0].effect.mean_difference == Approx(plain.rows[0].effect.mean_difference * 100.0 / 2.0));
  CHECK(scaled.rows[0].units == "transfers/year");
  CHECK(scaled.rows[1].effect.baseline_mean == Approx(0.5));
  CHECK(scaled.rows[2].effect.policy_mean == Approx(24.0 * 100.0 / 2.0));
  // The cost per unit does not depend on the scaling.
  CHECK(*scaled.rows[0].cost_per_additional_unit == Approx(*plain.rows[0].cost_per_additional_unit));
  CHECK_THAT(format_comparison(scaled, "table", "base", "policy"), Catch::Contains("province-equivalent (x 100)"));
  o = {};
  o.discount = 0.1;
  const Comparison pv = compare_datasets(groups, {"transfers_licence", "policy_spending"}, o);
  REQUIRE(pv.rows.size() == 3);
  CHECK(pv.rows[2].metric == "policy_spending_pv");
  double expected = 0.0;
  for (int t = 0; t < 24; ++t) expected += std::pow(1.1, -t / 12.0);
  CHECK(pv.rows[2].effect.policy_mean == Approx(expected));
  CHECK(*pv.rows[0].extra_public_cost == Approx(expected));
  CHECK(*pv.rows[0].cost_per_additional_unit == Approx(expected / pv.rows[0].effect.mean_difference));
}
