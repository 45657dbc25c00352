// Deterministic parallel building blocks: the one reduction helper and the one
// prefix-sum helper. Work is cut into fixed blocks whose boundaries do not
// depend on the thread count; per-block partial results are merged serially in
// block order, so floating-point sums are bit-identical for any thread count.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstddef>
#include <memory>
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
    T& acc = partial[b];
    for (std::size_t i = begin; i < end; ++i) fold(acc, i);
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
