// Statistics of `innochain compare` against known answers.
#include "compare/paired.hpp"
#include "core/rng.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

using namespace innochain;

TEST_CASE("t critical values match the published table", "[compare]") {
  // Two-sided 95 % (upper 2.5 %) points of Student's t.
  CHECK(t_critical(0.95, 1) == Approx(12.7062047362).epsilon(1e-9));
  CHECK(t_critical(0.95, 4) == Approx(2.7764451052).epsilon(1e-9));
  CHECK(t_critical(0.95, 29) == Approx(2.0452296421).epsilon(1e-9));
  CHECK(t_critical(0.99, 10) == Approx(3.1692726726).epsilon(1e-9));
  CHECK(t_critical(0.95, 100000) == Approx(1.9599877).epsilon(1e-6));  // the normal's 1.959964 plus O(1/dof)
  CHECK_THROWS_AS(t_critical(0.95, 0), std::invalid_argument);
}

TEST_CASE("a paired effect computed by hand", "[compare]") {
  // Differences 1, 2, 2, 3: mean 2, sd sqrt(2/3), se sqrt(2/3)/2, t(3) = 3.182446305.
  const std::vector<double> baseline = {1, 2, 3, 4}, policy = {2, 4, 5, 7};
  const PairedEffect e = paired_effect(baseline, policy);
  CHECK(e.pairs == 4);
  CHECK(e.baseline_mean == Approx(2.5));
  CHECK(e.policy_mean == Approx(4.5));
  CHECK(e.mean_difference == Approx(2.0));
  CHECK(e.sd_difference == Approx(0.8164965809));
  const double half = 3.1824463053 * 0.8164965809 / 2.0;
  REQUIRE(e.ci_low);
  REQUIRE(e.ci_high);
  CHECK(*e.ci_low == Approx(2.0 - half));
  CHECK(*e.ci_high == Approx(2.0 + half));
  REQUIRE(e.relative_change);
  CHECK(*e.relative_change == Approx(0.8));
}

TEST_CASE("one pair gives a difference but no interval; a zero baseline no relative change", "[compare]") {
  const std::vector<double> b = {0.0}, p = {3.0};
  const PairedEffect e = paired_effect(b, p);
  CHECK(e.mean_difference == 3.0);
  CHECK_FALSE(e.ci_low);
  CHECK_FALSE(e.ci_high);
  CHECK_FALSE(e.relative_change);
  const std::vector<double> none;
  CHECK_THROWS_AS(paired_effect(none, none), std::invalid_argument);
  CHECK_THROWS_AS(paired_effect(b, std::vector<double>{1.0, 2.0}), std::invalid_argument);
}

TEST_CASE("identical runs give a zero effect with a zero-width interval", "[compare]") {
  const std::vector<double> v = {5, 7, 9};
  const PairedEffect e = paired_effect(v, v);
  CHECK(e.mean_difference == 0.0);
  CHECK(*e.ci_low == 0.0);
  CHECK(*e.ci_high == 0.0);
}

TEST_CASE("intervals of synthetic paired datasets cover a known effect 95 % of the time", "[compare]") {
  // Baseline k = world noise (shared by both arms, common random numbers, large); policy k =
  // the same world noise + effect + its own small noise. The paired interval removes the world
  // noise: it must cover the effect in about 95 % of 2 000 synthetic comparisons of 20
  // replications each (binomial sd 0.5 %, so [0.93, 0.97] is a 4-sd band).
  const double effect = 3.0;
  const int trials = 2000, n = 20;
  int covered = 0;
  double width = 0.0;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> b(n), p(n);
    for (int k = 0; k < n; ++k) {
      Rng rng(RunKey{2024, static_cast<std::uint32_t>(t)}, Stream::init_institutes, static_cast<std::uint32_t>(k), 0);
      const double world = rng.normal(100.0, 50.0);
      b[k] = world;
      p[k] = world + effect + rng.normal(0.0, 2.0);
    }
    const PairedEffect e = paired_effect(b, p);
    if (*e.ci_low <= effect && effect <= *e.ci_high) ++covered;
    width += (*e.ci_high - *e.ci_low) / trials;
  }
  const double coverage = static_cast<double>(covered) / trials;
  INFO("coverage " << coverage << ", mean width " << width);
  CHECK(coverage > 0.93);
  CHECK(coverage < 0.97);
  // Expected width 2 t(19) sd / sqrt(n) = 2 x 2.093 x 2 / sqrt(20) = 1.87 (x E[s]/sigma ~ 0.987):
  // the world noise (sd 50) does not enter.
  CHECK(width == Approx(1.85).epsilon(0.05));
}

TEST_CASE("public cost per additional unit", "[compare]") {
  CHECK(*cost_per_additional_unit(1.0e9, 40.0) == Approx(2.5e7));
  CHECK_FALSE(cost_per_additional_unit(1.0e9, 0.0));   // nothing extra: no cost per unit
  CHECK_FALSE(cost_per_additional_unit(1.0e9, -3.0));  // fewer units: not a cost per extra unit
  CHECK_FALSE(cost_per_additional_unit(0.0, 5.0));     // no spending
}

TEST_CASE("Fieller's interval for a ratio of paired means", "[compare]") {
  // A constant numerator: the set is numerator / (the t interval of the denominator).
  const std::vector<double> num = {6.0, 6.0, 6.0, 6.0}, den = {1.0, 2.0, 2.0, 3.0};
  const RatioInterval r = fieller_interval(num, den);
  REQUIRE(r.bounded);
  const double half = 3.1824463053 * 0.8164965809 / 2.0;
  CHECK(r.low == Approx(6.0 / (2.0 + half)));
  CHECK(r.high == Approx(6.0 / (2.0 - half)));
  // Proportional data (numerator = 3 x denominator) give exactly the ratio 3, with no width.
  const std::vector<double> three = {3.0, 6.0, 6.0, 9.0};
  const RatioInterval exact = fieller_interval(three, den);
  REQUIRE(exact.bounded);
  CHECK(exact.low == Approx(3.0));
  CHECK(exact.high == Approx(3.0));
  // A denominator whose interval covers 0: unbounded.
  const std::vector<double> around_zero = {-1.0, 1.0, -0.5, 0.7};
  CHECK_FALSE(fieller_interval(num, around_zero).bounded);
  // One pair: no interval.
  CHECK_FALSE(fieller_interval(std::vector<double>{1.0}, std::vector<double>{2.0}).bounded);
  CHECK_THROWS_AS(fieller_interval(num, std::vector<double>{1.0}), std::invalid_argument);
}

TEST_CASE("Fieller's interval covers the true ratio 95 % of the time", "[compare]") {
  // Spending about 5 (sd 1), extra units about 2 (sd 0.5), correlated through a shared shock.
  int covered = 0;
  const int trials = 2000;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> num(20), den(20);
    for (std::size_t k = 0; k < num.size(); ++k) {
      Rng rng(RunKey{7, static_cast<std::uint32_t>(t)}, Stream::init_institutes, static_cast<std::uint32_t>(k), 1);
      const double shock = rng.normal(0.0, 1.0);
      num[k] = 5.0 + 0.8 * shock + rng.normal(0.0, 0.6);
      den[k] = 2.0 + 0.3 * shock + rng.normal(0.0, 0.4);
    }
    const RatioInterval r = fieller_interval(num, den);
    covered += r.bounded && r.low <= 2.5 && 2.5 <= r.high;
  }
  CHECK(covered > 0.93 * trials);
  CHECK(covered < 0.97 * trials);
}
