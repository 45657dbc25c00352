// Counter-based random numbers: the one RNG facility of innochain.
//
// Every draw is a pure function of (run key, stream, entity id, month, draw
// index), so results do not depend on which thread handles which entity or in
// what order (the determinism contract, docs/architecture.md). The key is derived from the run seed and the
// replication; the counter carries (stream, entity, month, draw). This is the
// pattern of HOOMD-blue's RandomNumbers.h. Distributions are our own code, not
// std:: distributions, whose output differs between standard libraries.
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

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
  talent_move,              ///< outflow and on-the-job search, per person
  talent_match,             ///< the person's draws in the matching pass
  talent_inflow,            ///< arrivals, per new person
  transfer,                 ///< per project decided
  transfer_office,          ///< per institute: the month's capacity
  licensing,                ///< per project: candidate buyers
  finance,                  ///< per enterprise: candidate funds and signals
  market,                   ///< per enterprise: acquisitions, exit multiples
  entry,                    ///< per creator: founders and new SMEs
  sme_exit,                 ///< per SME: the month's exogenous exit draw
  line_shock,               ///< per product line: the month's demand shock
  line_takeover,            ///< per launched project: the product line it takes over
  founding,                 ///< per new start-up or spin-off: its founders' money and founding idea
  milestone,                ///< per enterprise: what investors learn when it reaches a milestone
  talent_recruit,           ///< per institute: researchers recruited from outside the province
  init_pipeline,            ///< per initial enterprise: the projects it holds at the start
  init_institute_pipeline,  ///< per institute: the BASIC and BREAKTHROUGH projects it holds at the start
  sweep_design = 900,       ///< sweep designs (LHS permutations, Morris trajectories), keyed by the design seed
  policy = 1000,            ///< policy instance k draws from stream policy + k (see policy_rng)
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
  using Block = Philox::ctr_type;

  Rng(RunKey key, Stream stream, std::uint32_t entity, std::uint32_t month)
      : key_(philox_key(key)), ctr_{{static_cast<std::uint32_t>(stream), entity, month, 0}} {}

  /// The same sequence, given its first block (computed in bulk by first_blocks): the first
  /// four draws come from `first`, the rest as above.
  Rng(RunKey key, Stream stream, std::uint32_t entity, std::uint32_t month, const Block& first)
      : key_(philox_key(key)), ctr_{{static_cast<std::uint32_t>(stream), entity, month, 1}}, block_(first), used_(0) {}

  /// Philox's key for a run: splitmix-style mixing of the replication into the seed so that
  /// replications 0,1,2... give unrelated keys.
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
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>((std::uint64_t{bits()} * n) >> 32); }

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

/// Instruction sets first_blocks can use; `best` is the widest this processor has.
enum class PhiloxIsa { scalar, avx2, avx512, best };

/// The first Philox block of many entities' sequences at once: out[j] is the block that
/// Rng(key, stream, entity[j], month) starts with (out.size() >= entity.size()). Vectorised
/// with AVX-512 or AVX2 where the processor has them (chosen at run time): integer arithmetic
/// only, so every instruction set gives the same numbers (tests/core/rng_test.cpp).
void first_blocks(RunKey key, Stream stream, std::uint32_t month, std::span<const std::uint32_t> entity,
                  std::span<Rng::Block> out, PhiloxIsa isa = PhiloxIsa::best);

/// Whether this processor can run first_blocks with `isa`.
bool philox_isa_supported(PhiloxIsa isa);

/// The entities a loop over one block of rows draws for, and their first blocks: list the ids
/// (add_if, at most `capacity` calls), call draw(), then make the j-th id's Rng with rng(j).
struct DrawBatch {
  std::vector<std::uint32_t> ids;  ///< the listed ids, after draw()
  std::vector<Rng::Block> blocks;
  RunKey key;
  Stream stream;
  std::uint32_t month;
  std::size_t listed = 0;

  DrawBatch(RunKey k, Stream s, std::uint32_t m, std::size_t capacity) : ids(capacity), key(k), stream(s), month(m) {}
  /// Lists id if `draws` (written either way, counted only if listed: no branch to mispredict).
  void add_if(std::uint32_t id, bool draws) {
    ids[listed] = id;
    listed += draws ? 1 : 0;
  }
  void draw() {
    ids.resize(listed);
    blocks.resize(listed);
    first_blocks(key, stream, month, ids, blocks);
  }
  Rng rng(std::size_t j) const { return Rng(key, stream, ids[j], month, blocks[j]); }
};

}  // namespace innochain
