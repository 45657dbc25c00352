#include "sweep/design.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

using namespace innochain::sweep;

TEST_CASE("grid: Cartesian product with the last key varying fastest", "[sweep][design]") {
  const auto rows = grid_indices({2, 3});
  REQUIRE(rows.size() == 6);
  CHECK(rows[0] == std::vector<std::size_t>{0, 0});
  CHECK(rows[1] == std::vector<std::size_t>{0, 1});
  CHECK(rows[2] == std::vector<std::size_t>{0, 2});
  CHECK(rows[3] == std::vector<std::size_t>{1, 0});
  CHECK(rows[5] == std::vector<std::size_t>{1, 2});
}

TEST_CASE("lhs: one point per stratum in every dimension, same seed same design", "[sweep][design]") {
  const std::size_t n = 17, k = 3;
  const auto d = lhs_unit(n, k, 5);
  REQUIRE(d.size() == n);
  for (std::size_t j = 0; j < k; ++j) {
    std::set<long> strata;
    for (const auto& row : d) {
      CHECK(row[j] >= 0.0);
      CHECK(row[j] < 1.0);
      strata.insert(static_cast<long>(std::floor(row[j] * n)));
    }
    CHECK(strata.size() == n);
  }
  CHECK(lhs_unit(n, k, 5) == d);
  CHECK(lhs_unit(n, k, 6) != d);
  // Dimensions are permuted independently (not all on the diagonal).
  const auto dims_equal = std::all_of(
      d.begin(), d.end(), [&](const auto& row) { return std::floor(row[0] * n) == std::floor(row[1] * n); });
  CHECK_FALSE(dims_equal);
}

TEST_CASE("sobol: Boost.Random's sequence, starting after the zero point", "[sweep][design]") {
  const auto d = sobol_unit(4, 2);
  REQUIRE(d.size() == 4);
  CHECK(d[0] == std::vector<double>{0.5, 0.5});
  CHECK(d[1] == std::vector<double>{0.75, 0.25});
  CHECK(d[2] == std::vector<double>{0.25, 0.75});
  CHECK(d[3][0] == 0.375);
  // The first 2^m points put one point in each interval [i/2^m, (i+1)/2^m) of every dimension.
  const auto e = sobol_unit(15, 3);
  for (std::size_t j = 0; j < 3; ++j) {
    std::set<long> cells;
    for (const auto& row : e) cells.insert(static_cast<long>(std::floor(row[j] * 16)));
    CHECK(cells.size() == 15);
  }
}

TEST_CASE("morris: trajectories of k+1 points, one key moving by delta at each step", "[sweep][design]") {
  const std::size_t r = 5, k = 4;
  const int p = 4;
  const double delta = p / (2.0 * (p - 1));
  const auto d = morris_unit(r, k, p, 3);
  REQUIRE(d.size() == r * (k + 1));
  for (std::size_t t = 0; t < r; ++t) {
    std::set<std::size_t> moved;
    for (std::size_t s = 1; s <= k; ++s) {
      const auto& a = d[t * (k + 1) + s - 1];
      const auto& b = d[t * (k + 1) + s];
      std::size_t changes = 0;
      for (std::size_t j = 0; j < k; ++j) {
        CHECK(b[j] >= 0.0);
        CHECK(b[j] <= 1.0);
        if (a[j] != b[j]) {
          ++changes;
          moved.insert(j);
          CHECK(std::abs(b[j] - a[j]) == Approx(delta));
        }
      }
      CHECK(changes == 1);
    }
    CHECK(moved.size() == k);  // every key moves once per trajectory
  }
  CHECK(morris_unit(r, k, p, 3) == d);
}

TEST_CASE("saltelli: A, AB^1..AB^k, B from a 2k-dimensional Sobol row", "[sweep][design]") {
  const std::size_t n = 3, k = 2, skip = saltelli_default_skip(n);
  CHECK(skip == 4);
  const auto d = saltelli_unit(n, k, skip);
  const auto base = sobol_unit(skip + n, 2 * k);
  REQUIRE(d.size() == n * (k + 2));
  for (std::size_t j = 0; j < n; ++j) {
    const std::vector<double> a{base[skip + j][0], base[skip + j][1]}, b{base[skip + j][2], base[skip + j][3]};
    CHECK(a != b);
    const auto* row = &d[j * (k + 2)];
    CHECK(row[0] == a);
    CHECK(row[1] == std::vector<double>{b[0], a[1]});
    CHECK(row[2] == std::vector<double>{a[0], b[1]});
    CHECK(row[3] == b);
  }
}

TEST_CASE("oat: the base row, then each key alone over its levels", "[sweep][design]") {
  const UnitDesign d = oat_unit(2, 3);
  REQUIRE(d.size() == 7);
  CHECK(std::isnan(d[0][0]));
  CHECK(std::isnan(d[0][1]));
  CHECK(d[1][0] == 0.0);
  CHECK(d[2][0] == 0.5);
  CHECK(d[3][0] == 1.0);
  for (std::size_t r = 1; r <= 3; ++r) CHECK(std::isnan(d[r][1]));
  CHECK(d[6][1] == 1.0);
  CHECK(std::isnan(d[6][0]));
}
