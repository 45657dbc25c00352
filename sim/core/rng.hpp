// Counter-based random numbers: the one RNG facility of innochain.
//
// Every draw is a pure function of (run key, stream, entity id, month, draw
// index), so results do not depend on which thread handles which entity or in
// what order (SPEC section 6). The key is derived from the run seed and the
// replication; the counter carries (stream, entity, month, draw). This is the
// pattern of HOOMD-blue's RandomNumbers.h. Distributions are our own code, not
// std:: distributions, whose output differs between standard libraries.
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>

namespace innochain {

/// Named random streams: one per mechanism, so adding draws to one phase never
/// shifts the numbers another phase sees.
enum class Stream : std::uint32_t {
  init_institutes = 1,
  init_enterprises,
  init_financiers,
  init_talent,
  basic_research,
  discovery,
  breakthrough_contract,
  enterprise_rd,
  progress,
  talent_move,    ///< outflow and on-the-job search, per person
  talent_match,   ///< the person's draws in the matching pass
  talent_inflow,  ///< arrivals, per new person
  transfer,       ///< per project decided
  transfer_office,  ///< per institute: the month's capacity
  licensing,      ///< per project: candidate buyers
  finance,        ///< per enterprise: candidate funds and signals
  market,         ///< per enterprise: acquisitions, exit multiples
  entry,          ///< per creator: founders and new SMEs
  policy = 1000,  ///< policy instance k draws from stream policy + k (see policy_rng)
};

/// The run's key: (seed, replication) mixed into Philox's two key words.
struct RunKey {
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
};

/// A sequence of uniform draws for one (stream, entity, month). Cheap to
/// construct; make one per entity per phase.
class Rng {
 public:
  using Philox = r123::Philox4x32;

  Rng(RunKey key, Stream stream, std::uint32_t entity, std::uint32_t month)
      : key_(philox_key(key)), ctr_{{static_cast<std::uint32_t>(stream), entity, month, 0}} {}

  /// The same sequence as Rng(key, stream, entity, month), given its first block of four
  /// draws computed ahead by philox_first_blocks (see for_each_rng).
  Rng(RunKey key, Stream stream, std::uint32_t entity, std::uint32_t month, const Philox::ctr_type& first_block)
      : key_(philox_key(key)), ctr_{{static_cast<std::uint32_t>(stream), entity, month, 1}}, block_(first_block), used_(0) {}

  /// Philox's key for a run: splitmix-style mixing of the replication into the seed so
  /// that replications 0,1,2... give unrelated keys.
  static Philox::key_type philox_key(RunKey key) {
    std::uint64_t k = key.seed ^ (0x9E3779B97F4A7C15ULL * (std::uint64_t{key.replication} + 1));
    k ^= k >> 31;
    return {{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32)}};
  }

  /// Next 32 random bits.
  std::uint32_t bits() {
    if (used_ == 4) refill();
    return block_.v[used_++];
  }

  /// Uniform on the open interval (0, 1): never exactly 0 or 1, so log() is safe.
  double uniform() { return (static_cast<double>(bits()) + 0.5) * (1.0 / 4294967296.0); }

  /// Uniform on [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  /// Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias < n / 2^32).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>((std::uint64_t{bits()} * n) >> 32);
  }

  bool bernoulli(double p) { return uniform() < p; }

  /// Standard normal by Box-Muller (one of the pair is used, for simplicity).
  double normal() {
    const double u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

  double normal(double mean, double sd) { return mean + sd * normal(); }

  /// Log-normal with the given log-mean and log-sd.
  double lognormal(double mu, double sigma) { return std::exp(normal(mu, sigma)); }

  double exponential(double rate) { return -std::log(uniform()) / rate; }

  /// Poisson(lambda): inversion for small lambda; for lambda > 30 a
  /// continuity-corrected normal approximation, rounded and floored at 0,
  /// which is accurate to well under a percent in the moments used here.
  std::uint32_t poisson(double lambda) {
    if (lambda <= 0.0) return 0;
    if (lambda > 30.0) {
      const double x = std::floor(lambda + std::sqrt(lambda) * normal() + 0.5);
      return x <= 0.0 ? 0u : static_cast<std::uint32_t>(x);
    }
    double p = std::exp(-lambda);
    double cdf = p;
    const double u = uniform();
    std::uint32_t k = 0;
    while (u > cdf && k < 200) {
      ++k;
      p *= lambda / k;
      cdf += p;
    }
    return k;
  }

  /// Index drawn with probability proportional to weights (non-negative, not all zero).
  std::size_t categorical(std::span<const double> weights) {
    double total = 0.0;
    for (double w : weights) total += w;
    double u = uniform() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (u < weights[i]) return i;
      u -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  void refill() {
    block_ = Philox()(ctr_, key_);
    ctr_.v[3] += 1;  // the draw index
    used_ = 0;
  }

  Philox::key_type key_{};
  Philox::ctr_type ctr_{};
  Philox::ctr_type block_{};
  int used_ = 4;
};

/// Entities whose first Philox blocks are computed together.
inline constexpr std::size_t kRngLanes = 16;

/// The first block of draws of Rng(key, stream, entity[l], month) for l < count <= kRngLanes:
/// Philox4x32-10 written lane by lane, so that the compiler vectorises the rounds and the
/// CPU overlaps them (one Philox block alone is a chain of dependent multiplies). The same
/// numbers as Random123's Philox4x32 (tests/core/rng_test.cpp checks it).
inline void philox_first_blocks(const Rng::Philox::key_type& key, Stream stream, std::uint32_t month,
                                const std::uint32_t* entity, std::size_t count, Rng::Philox::ctr_type* out) {
  alignas(64) std::uint32_t c0[kRngLanes], c1[kRngLanes], c2[kRngLanes], c3[kRngLanes];
  for (std::size_t l = 0; l < kRngLanes; ++l) {
    c0[l] = static_cast<std::uint32_t>(stream);
    c1[l] = l < count ? entity[l] : 0;
    c2[l] = month;
    c3[l] = 0;
  }
  std::uint32_t k0 = key.v[0], k1 = key.v[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += 0x9E3779B9u;  // Philox's Weyl key schedule (PHILOX_W32_0, _1)
      k1 += 0xBB67AE85u;
    }
    for (std::size_t l = 0; l < kRngLanes; ++l) {
      const std::uint64_t p0 = std::uint64_t{0xD2511F53u} * c0[l];  // PHILOX_M4x32_0
      const std::uint64_t p1 = std::uint64_t{0xCD9E8D57u} * c2[l];  // PHILOX_M4x32_1
      const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[l] ^ k0;
      const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[l] ^ k1;
      c1[l] = static_cast<std::uint32_t>(p1);
      c3[l] = static_cast<std::uint32_t>(p0);
      c0[l] = n0;
      c2[l] = n2;
    }
  }
  for (std::size_t l = 0; l < count; ++l) out[l] = {{c0[l], c1[l], c2[l], c3[l]}};
}

/// Calls body(i, rng) for each i in [begin, end) with wants(i), in index order, where rng
/// is Rng(key, stream, i, month): the per-entity loop of a phase, with the entities' first
/// blocks computed kRngLanes at a time. The draws are exactly those of the plain loop.
template <class Wants, class Body>
void for_each_rng(RunKey key, Stream stream, std::uint32_t month, std::size_t begin, std::size_t end, Wants&& wants,
                  Body&& body) {
  const Rng::Philox::key_type philox_key = Rng::philox_key(key);
  std::uint32_t entity[kRngLanes];
  Rng::Philox::ctr_type first[kRngLanes];
  std::size_t count = 0;
  const auto run = [&] {
    philox_first_blocks(philox_key, stream, month, entity, count, first);
    for (std::size_t l = 0; l < count; ++l) {
      Rng rng(key, stream, entity[l], month, first[l]);
      body(static_cast<std::size_t>(entity[l]), rng);
    }
    count = 0;
  };
  for (std::size_t i = begin; i < end; ++i) {
    if (!wants(i)) continue;
    entity[count++] = static_cast<std::uint32_t>(i);
    if (count == kRngLanes) run();
  }
  if (count > 0) run();
}

}  // namespace innochain
