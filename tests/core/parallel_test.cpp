#include "core/parallel.hpp"
#include "model/population.hpp"

#include <tbb/global_control.h>
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <numeric>
#include <span>

using namespace innochain;

namespace {
double ragged_sum(std::size_t threads, const std::vector<double>& x) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  return block_reduce(
      x.size(), 0.0, [&](double& acc, std::size_t i) { acc += x[i]; }, [](double& acc, double p) { acc += p; }, 1000);
}
}  // namespace

TEST_CASE("block_reduce is bit-identical for any thread count", "[parallel]") {
  // Values of very different magnitude make floating-point sums order-sensitive.
  std::vector<double> x(100003);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::pow(-1.0, i) * std::exp(static_cast<double>(i % 97) * 0.3);
  const double one = ragged_sum(1, x);
  for (std::size_t t : {2u, 3u, 4u})
    CHECK(std::bit_cast<std::uint64_t>(ragged_sum(t, x)) == std::bit_cast<std::uint64_t>(one));
  // And it is the serial sum of the serial block sums.
  double expected = 0.0;
  for (std::size_t b = 0; b < x.size(); b += 1000) {
    double part = 0.0;
    for (std::size_t i = b; i < std::min(x.size(), b + 1000); ++i) part += x[i];
    expected += part;
  }
  CHECK(std::bit_cast<std::uint64_t>(one) == std::bit_cast<std::uint64_t>(expected));
}

TEST_CASE("for_blocks covers every index exactly once", "[parallel]") {
  std::vector<int> hits(10007, 0);
  for_blocks(
      hits.size(),
      [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) hits[i] += 1;
      },
      128);
  CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
}

TEST_CASE("block_reduce_ids over a subset equals block_reduce that skips the other rows", "[parallel]") {
  // The subset (every third row and a run of rows, like alive firms among departed ones) keeps
  // the blocks of the whole range, so the order-sensitive sum is the same bit for bit.
  std::vector<double> x(100003);
  std::vector<std::uint8_t> kept(x.size(), 0);
  std::vector<std::int32_t> ids;
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = std::pow(-1.0, i) * std::exp(static_cast<double>(i % 97) * 0.3);
    kept[i] = i % 3 == 0 || (i > 50000 && i < 52000);
    if (kept[i]) ids.push_back(static_cast<std::int32_t>(i));
  }
  for (std::size_t t : {1u, 2u, 4u}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, t);
    CHECK(indices_where(
              x.size(), [&](std::size_t i) { return kept[i] != 0; }, 1000) == ids);
    const double all = block_reduce(
        x.size(), 0.0, [&](double& acc, std::size_t i) { acc += kept[i] ? x[i] : 0.0; },
        [](double& acc, double p) { acc += p; }, 1000);
    const double subset = block_reduce_ids(
        x.size(), ids, 0.0, [&](double& acc, std::size_t i) { acc += x[i]; }, [](double& acc, double p) { acc += p; },
        1000);
    CHECK(std::bit_cast<std::uint64_t>(subset) == std::bit_cast<std::uint64_t>(all));
  }
  // for_id_blocks hands each block exactly its listed rows (checked after the parallel loop).
  std::vector<int> hits(x.size(), 0), in_block(x.size(), 1);
  for_id_blocks(
      x.size(), ids,
      [&](std::size_t begin, std::span<const std::int32_t> here) {
        for (const std::int32_t i : here) {
          hits[static_cast<std::size_t>(i)] += 1;
          in_block[static_cast<std::size_t>(i)] = static_cast<std::size_t>(i) / 1000 == begin / 1000;
        }
      },
      1000);
  bool exact = true;
  for (std::size_t i = 0; i < x.size(); ++i) exact = exact && hits[i] == (kept[i] ? 1 : 0) && in_block[i];
  CHECK(exact);
}

TEST_CASE("indices_by_group_where lists each group's kept rows in id order", "[parallel]") {
  const std::size_t n = 10007, groups = 5;  // the last block is partial
  std::vector<std::vector<std::int32_t>> serial(groups);
  const auto group = [](std::size_t i) { return (i * 7919) % groups; };
  const auto keep = [](std::size_t i) { return i % 3 != 1 && i % 11 != 4; };
  for (std::size_t i = 0; i < n; ++i)
    if (keep(i)) serial[group(i)].push_back(static_cast<std::int32_t>(i));
  for (std::size_t t : {1u, 2u, 4u}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, t);
    CHECK(indices_by_group_where(n, groups, group, keep, 1000) == serial);
    CHECK(indices_by_group_where(n, groups, group, keep) == serial);
  }
  CHECK_THROWS_AS(indices_by_group_where(n, groups, group, keep, kBlock + 1), std::invalid_argument);
}

TEST_CASE("exclusive scan gives creator-order offsets", "[parallel]") {
  std::vector<std::int64_t> counts = {2, 0, 3, 1};
  CHECK(exclusive_scan_in_place(counts) == 6);
  CHECK(counts == std::vector<std::int64_t>{0, 2, 2, 5});
}

TEST_CASE("apportion splits a total exactly in proportion", "[parallel]") {
  const std::vector<double> w = {0.55, 0.10, 0.35};
  const auto c = apportion(w, 400);
  CHECK(c == std::vector<std::int64_t>{220, 40, 140});
  const auto small = apportion(w, 4);
  CHECK(std::accumulate(small.begin(), small.end(), std::int64_t{0}) == 4);
  const std::vector<double> zero = {0.0, 0.0};
  CHECK(apportion(zero, 10) == std::vector<std::int64_t>{0, 0});
}
