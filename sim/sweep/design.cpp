#include "sweep/design.hpp"

#include "core/rng.hpp"

#include <boost/random/sobol.hpp>

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace innochain::sweep {

namespace {

/// Draws for the design come from one stream; the entity is the dimension (or the
/// trajectory), the "month" slot separates the purposes of the draws.
Rng design_rng(std::uint64_t seed, std::uint32_t entity, std::uint32_t purpose) {
  return Rng(RunKey{seed, 0}, Stream::sweep_design, entity, purpose);
}

/// Fisher-Yates shuffle of 0..n-1.
std::vector<std::size_t> permutation(std::size_t n, Rng& rng) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) std::swap(p[i - 1], p[rng.below(static_cast<std::uint32_t>(i))]);
  return p;
}

}  // namespace

std::vector<std::vector<std::size_t>> grid_indices(const std::vector<std::size_t>& sizes) {
  std::size_t total = 1;
  for (std::size_t s : sizes) total *= s;
  std::vector<std::vector<std::size_t>> rows;
  if (sizes.empty() || total == 0) return rows;
  rows.reserve(total);
  std::vector<std::size_t> idx(sizes.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    rows.push_back(idx);
    for (std::size_t j = sizes.size(); j-- > 0;) {  // last key fastest
      if (++idx[j] < sizes[j]) break;
      idx[j] = 0;
    }
  }
  return rows;
}

UnitDesign lhs_unit(std::size_t n, std::size_t k, std::uint64_t seed) {
  UnitDesign d(n, std::vector<double>(k));
  for (std::size_t j = 0; j < k; ++j) {
    Rng perm_rng = design_rng(seed, static_cast<std::uint32_t>(j), 0);
    Rng jitter = design_rng(seed, static_cast<std::uint32_t>(j), 1);
    const auto p = permutation(n, perm_rng);
    for (std::size_t i = 0; i < n; ++i)
      d[i][j] = (static_cast<double>(p[i]) + jitter.uniform()) / static_cast<double>(n);
  }
  return d;
}

UnitDesign sobol_unit(std::size_t n, std::size_t k) {
  UnitDesign d(n, std::vector<double>(k));
  if (k == 0) return d;
  boost::random::sobol gen(k);
  // The engine yields 64-bit integers; the coordinate is the integer / 2^64 (exact dyadics).
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < k; ++j) d[i][j] = std::ldexp(static_cast<double>(gen()), -64);
  return d;
}

UnitDesign morris_unit(std::size_t r, std::size_t k, int levels, std::uint64_t seed) {
  if (levels < 2 || levels % 2 != 0) throw std::invalid_argument("morris levels must be even and at least 2");
  const int steps = levels / 2;  // delta = p / (2 (p - 1)) = (p / 2) grid steps
  const double step = 1.0 / (levels - 1);
  UnitDesign d;
  d.reserve(r * (k + 1));
  for (std::size_t t = 0; t < r; ++t) {
    Rng order_rng = design_rng(seed, static_cast<std::uint32_t>(t), 2);
    Rng rng = design_rng(seed, static_cast<std::uint32_t>(t), 3);
    std::vector<int> level(k);
    std::vector<int> direction(k);
    for (std::size_t j = 0; j < k; ++j) {
      direction[j] = rng.below(2) == 0 ? 1 : -1;
      // The base level leaves room for the move: up from [0, p-1-steps], down from [steps, p-1].
      const int base = static_cast<int>(rng.below(static_cast<std::uint32_t>(levels - steps)));
      level[j] = direction[j] > 0 ? base : base + steps;
    }
    const auto to_unit = [&] {
      std::vector<double> x(k);
      for (std::size_t j = 0; j < k; ++j) x[j] = level[j] == levels - 1 ? 1.0 : level[j] * step;
      return x;
    };
    d.push_back(to_unit());
    for (std::size_t j : permutation(k, order_rng)) {
      level[j] += direction[j] * steps;
      d.push_back(to_unit());
    }
  }
  return d;
}

std::size_t saltelli_default_skip(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p *= 2;
  return p;
}

UnitDesign saltelli_unit(std::size_t n, std::size_t k, std::size_t skip) {
  UnitDesign base = sobol_unit(skip + n, 2 * k);
  base.erase(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(skip));
  UnitDesign d;
  d.reserve(n * (k + 2));
  for (const auto& row : base) {
    const std::vector<double> a(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(k));
    const std::vector<double> b(row.begin() + static_cast<std::ptrdiff_t>(k), row.end());
    d.push_back(a);
    for (std::size_t i = 0; i < k; ++i) {
      std::vector<double> ab = a;
      ab[i] = b[i];
      d.push_back(std::move(ab));
    }
    d.push_back(b);
  }
  return d;
}

UnitDesign oat_unit(std::size_t k, std::size_t levels) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  UnitDesign out(1, std::vector<double>(k, nan));
  for (std::size_t j = 0; j < k; ++j)
    for (std::size_t l = 0; l < levels; ++l) {
      std::vector<double> row(k, nan);
      row[j] = static_cast<double>(l) / static_cast<double>(levels - 1);
      out.push_back(std::move(row));
    }
  return out;
}

}  // namespace innochain::sweep
