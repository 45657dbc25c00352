// Deterministic parallel building blocks: the one reduction helper and the one
// prefix-sum helper. Work is cut into fixed blocks whose boundaries do not
// depend on the thread count; per-block partial results are merged serially in
// block order, so floating-point sums are bit-identical for any thread count.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

namespace innochain {

/// Fixed block size for entity loops. Large enough to amortise scheduling,
/// small enough to balance 1M-talent loops over 2+ cores.
inline constexpr std::size_t kBlock = 4096;

inline std::size_t block_count(std::size_t n, std::size_t block = kBlock) { return (n + block - 1) / block; }

/// Calls body(begin, end) for each fixed block of [0, n), in parallel.
template <class Body>
void for_blocks(std::size_t n, Body&& body, std::size_t block = kBlock) {
  const std::size_t nb = block_count(n, block);
  tbb::parallel_for(std::size_t{0}, nb, [&](std::size_t b) {
    const std::size_t begin = b * block;
    body(begin, std::min(n, begin + block));
  });
}

/// Calls body(i) for each i in [0, n), in parallel over fixed blocks.
template <class Body>
void for_each_index(std::size_t n, Body&& body, std::size_t block = kBlock) {
  for_blocks(
      n,
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) body(i);
      },
      block);
}

/// Deterministic reduction: each block folds its range into a fresh copy of
/// `identity` with fold(acc, i); the blocks' results are merged left to right
/// with merge(acc, partial). Result is independent of the thread count.
template <class T, class Fold, class Merge>
T block_reduce(std::size_t n, const T& identity, Fold&& fold, Merge&& merge, std::size_t block = kBlock) {
  const std::size_t nb = block_count(n, block);
  std::vector<T> partial(nb, identity);
  tbb::parallel_for(std::size_t{0}, nb, [&](std::size_t b) {
    const std::size_t begin = b * block;
    const std::size_t end = std::min(n, begin + block);
    // The block's accumulator moved to a local and back: its scalar members can then live in
    // registers, where stores through a member vector would otherwise force them to memory.
    T acc = std::move(partial[b]);
    for (std::size_t i = begin; i < end; ++i) fold(acc, i);
    partial[b] = std::move(acc);
  });
  T result = identity;
  for (const T& p : partial) merge(result, p);
  return result;
}

/// The indices i of [0, n) with keep(i), listed by group(i) (< groups), ascending within each
/// group (as a serial pass would list them). Each fixed block first lists its kept rows in a
/// local buffer without a branch (a row is written, then counted only if kept: keep() is often
/// a coin flip that a branch would mispredict), then the blocks copy their rows to their offsets
/// in each group's list; both passes in parallel. Blocks are at most kBlock rows (the buffer is
/// on the stack).
template <class Group, class Keep>
std::vector<std::vector<std::int32_t>> indices_by_group_where(std::size_t n, std::size_t groups, Group&& group,
                                                              Keep&& keep, std::size_t block = kBlock) {
  if (block > kBlock) throw std::invalid_argument("indices_by_group_where: block larger than kBlock");
  const std::size_t nb = block_count(n, block);
  std::vector<std::vector<std::int32_t>> kept(nb);
  std::vector<std::size_t> offset(nb * groups, 0);  // [block][group]: counts, then offsets
  tbb::parallel_for(std::size_t{0}, nb, [&](std::size_t b) {
    const std::size_t begin = b * block, end = std::min(n, begin + block);
    std::array<std::int32_t, kBlock> buffer;
    std::size_t k = 0;
    for (std::size_t i = begin; i < end; ++i) {
      buffer[k] = static_cast<std::int32_t>(i);
      k += keep(i) ? 1 : 0;
    }
    kept[b].assign(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(k));
    std::size_t* count = offset.data() + b * groups;
    if (groups == 1)
      count[0] = k;
    else
      for (std::size_t j = 0; j < k; ++j) count[group(static_cast<std::size_t>(buffer[j]))] += 1;
  });
  std::vector<std::vector<std::int32_t>> ids(groups);
  for (std::size_t g = 0; g < groups; ++g) {
    std::size_t running = 0;
    for (std::size_t b = 0; b < nb; ++b) {
      const std::size_t here = offset[b * groups + g];
      offset[b * groups + g] = running;
      running += here;
    }
    ids[g].resize(running);
  }
  tbb::parallel_for(std::size_t{0}, nb, [&](std::size_t b) {
    std::size_t* next = offset.data() + b * groups;
    if (groups == 1) {
      std::copy(kept[b].begin(), kept[b].end(), ids[0].begin() + static_cast<std::ptrdiff_t>(next[0]));
      return;
    }
    for (const std::int32_t i : kept[b]) {
      const std::size_t g = group(static_cast<std::size_t>(i));
      ids[g][next[g]++] = i;
    }
  });
  return ids;
}

/// The indices i of [0, n) with keep(i), ascending (indices_by_group_where with one group).
template <class Keep>
std::vector<std::int32_t> indices_where(std::size_t n, Keep&& keep, std::size_t block = kBlock) {
  return std::move(indices_by_group_where(
      n, 1, [](std::size_t) { return std::size_t{0}; }, keep, block)[0]);
}

/// The ids of `ids` (ascending) that fall in fixed block b of the index range: the rows a loop
/// over a subset (alive firms, active lines) visits in that block.
inline std::span<const std::int32_t> ids_in_block(std::span<const std::int32_t> ids, std::size_t b,
                                                  std::size_t block = kBlock) {
  const auto lo = std::lower_bound(ids.begin(), ids.end(), static_cast<std::int64_t>(b * block));
  const auto hi = std::lower_bound(lo, ids.end(), static_cast<std::int64_t>((b + 1) * block));
  return ids.subspan(static_cast<std::size_t>(lo - ids.begin()), static_cast<std::size_t>(hi - lo));
}

/// Calls body(begin, ids) for each fixed block of [0, n), in parallel, with the ids of `ids`
/// (ascending, each < n) in that block: for_blocks that skips the rows not listed.
template <class Body>
void for_id_blocks(std::size_t n, std::span<const std::int32_t> ids, Body&& body, std::size_t block = kBlock) {
  tbb::parallel_for(std::size_t{0}, block_count(n, block),
                    [&](std::size_t b) { body(b * block, ids_in_block(ids, b, block)); });
}

/// block_reduce over [0, n) that folds only the rows listed in `ids` (ascending, each < n).
/// The blocks and the merge are those of block_reduce(n, ...), so when fold does nothing on
/// the rows left out (departed firms, ended lines) the result is the same bit for bit; only
/// the skipped rows are no longer read.
template <class T, class Fold, class Merge>
T block_reduce_ids(std::size_t n, std::span<const std::int32_t> ids, const T& identity, Fold&& fold, Merge&& merge,
                   std::size_t block = kBlock) {
  const std::size_t nb = block_count(n, block);
  std::vector<T> partial(nb, identity);
  tbb::parallel_for(std::size_t{0}, nb, [&](std::size_t b) {
    T acc = std::move(partial[b]);  // a local, as in block_reduce
    for (const std::int32_t i : ids_in_block(ids, b, block)) fold(acc, static_cast<std::size_t>(i));
    partial[b] = std::move(acc);
  });
  T result = identity;
  for (const T& p : partial) merge(result, p);
  return result;
}

/// Scratch array of n elements, not initialised: for arrays a parallel loop writes in full,
/// so that fresh pages are first touched (faulted in) by all threads, not by the main thread.
template <class T>
std::unique_ptr<T[]> scratch_array(std::size_t n) {
  return std::unique_ptr<T[]>(new T[n]);
}

/// Scratch array of n copies of value, filled in parallel fixed blocks.
template <class T>
std::unique_ptr<T[]> filled_array(std::size_t n, T value) {
  std::unique_ptr<T[]> a(new T[n]);
  for_blocks(n, [&](std::size_t begin, std::size_t end) { std::fill(a.get() + begin, a.get() + end, value); });
  return a;
}

/// Exclusive prefix sum of counts (in creator order); returns the total. New
/// ids are assigned as first_new_id + offsets[creator] + k, so ids depend only
/// on creator order, never on scheduling.
template <class Int>
Int exclusive_scan_in_place(std::vector<Int>& counts) {
  Int running = 0;
  for (Int& c : counts) {
    const Int here = c;
    c = running;
    running += here;
  }
  return running;
}

}  // namespace innochain
