// first_blocks: Philox4x32-10 for many counters at once, lane by lane the same integers as
// Random123's r123::Philox4x32 (a round: the two 32 x 32 -> 64-bit products of words 0 and 2
// by the Philox multipliers; their high halves xored with words 1 and 3 and the key; the key
// bumped by the Weyl constants between rounds). The vector versions compute 16 (AVX-512) or
// 8 (AVX2) counters per step, the even and odd lanes' products with one widening multiply
// each; the processor's widest is chosen once, at run time.
#include "core/rng.hpp"

#include <algorithm>
#include <cstddef>

#if defined(__x86_64__) && defined(__GNUC__)
// GCC 12's AVX-512 intrinsics trip -Wmaybe-uninitialized inside their own headers (a known
// false positive: their "undefined" pass-through operand).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#define INNOCHAIN_PHILOX_X86 1
#endif

namespace innochain {

namespace {

constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // PHILOX_M4x32_0, _1
constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // PHILOX_W32_0, _1
constexpr int kRounds = 10;

using Key = Rng::Philox::key_type;
using Block = Rng::Block;

void blocks_scalar(Key key, std::uint32_t stream, std::uint32_t month, const std::uint32_t* entity, std::size_t n,
                   Block* out) {
  const Rng::Philox philox;
  for (std::size_t j = 0; j < n; ++j) out[j] = philox(Block{{stream, entity[j], month, 0}}, key);
}

#ifdef INNOCHAIN_PHILOX_X86

/// Lanes of a step: the entities (zero-padded at the end) in, the four words out.
template <std::size_t L>
struct Lanes {
  alignas(64) std::uint32_t in[L];
  alignas(64) std::uint32_t word[4][L];
  std::size_t load(const std::uint32_t* entity, std::size_t n, std::size_t j) {
    const std::size_t m = std::min(L, n - j);
    std::fill(in + m, in + L, 0u);
    std::copy(entity + j, entity + j + m, in);
    return m;
  }
  void store(Block* out, std::size_t j, std::size_t m) const {
    for (std::size_t l = 0; l < m; ++l) out[j + l] = Block{{word[0][l], word[1][l], word[2][l], word[3][l]}};
  }
};

__attribute__((target("avx512f"))) void blocks_avx512(Key key, std::uint32_t stream, std::uint32_t month,
                                                      const std::uint32_t* entity, std::size_t n, Block* out) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kM0)), m1 = _mm512_set1_epi32(static_cast<int>(kM1));
  constexpr __mmask16 odd = 0xAAAA;
  Lanes<16> lanes;
  for (std::size_t j = 0; j < n; j += 16) {
    const std::size_t m = lanes.load(entity, n, j);
    __m512i x0 = _mm512_set1_epi32(static_cast<int>(stream)), x1 = _mm512_load_si512(lanes.in);
    __m512i x2 = _mm512_set1_epi32(static_cast<int>(month)), x3 = _mm512_setzero_si512();
    std::uint32_t k0 = key.v[0], k1 = key.v[1];
    for (int r = 0; r < kRounds; ++r) {
      const __m512i even0 = _mm512_mul_epu32(x0, m0), odd0 = _mm512_mul_epu32(_mm512_srli_epi64(x0, 32), m0);
      const __m512i even1 = _mm512_mul_epu32(x2, m1), odd1 = _mm512_mul_epu32(_mm512_srli_epi64(x2, 32), m1);
      const __m512i lo0 = _mm512_mask_blend_epi32(odd, even0, _mm512_slli_epi64(odd0, 32));
      const __m512i hi0 = _mm512_mask_blend_epi32(odd, _mm512_srli_epi64(even0, 32), odd0);
      const __m512i lo1 = _mm512_mask_blend_epi32(odd, even1, _mm512_slli_epi64(odd1, 32));
      const __m512i hi1 = _mm512_mask_blend_epi32(odd, _mm512_srli_epi64(even1, 32), odd1);
      x0 = _mm512_xor_si512(_mm512_xor_si512(hi1, x1), _mm512_set1_epi32(static_cast<int>(k0)));
      x2 = _mm512_xor_si512(_mm512_xor_si512(hi0, x3), _mm512_set1_epi32(static_cast<int>(k1)));
      x1 = lo1;
      x3 = lo0;
      k0 += kW0;
      k1 += kW1;
    }
    _mm512_store_si512(lanes.word[0], x0);
    _mm512_store_si512(lanes.word[1], x1);
    _mm512_store_si512(lanes.word[2], x2);
    _mm512_store_si512(lanes.word[3], x3);
    lanes.store(out, j, m);
  }
}

__attribute__((target("avx2"))) void blocks_avx2(Key key, std::uint32_t stream, std::uint32_t month,
                                                 const std::uint32_t* entity, std::size_t n, Block* out) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kM0)), m1 = _mm256_set1_epi32(static_cast<int>(kM1));
  Lanes<8> lanes;
  const auto at = [](std::uint32_t* p) { return reinterpret_cast<__m256i*>(p); };
  for (std::size_t j = 0; j < n; j += 8) {
    const std::size_t m = lanes.load(entity, n, j);
    __m256i x0 = _mm256_set1_epi32(static_cast<int>(stream)), x1 = _mm256_load_si256(at(lanes.in));
    __m256i x2 = _mm256_set1_epi32(static_cast<int>(month)), x3 = _mm256_setzero_si256();
    std::uint32_t k0 = key.v[0], k1 = key.v[1];
    for (int r = 0; r < kRounds; ++r) {
      const __m256i even0 = _mm256_mul_epu32(x0, m0), odd0 = _mm256_mul_epu32(_mm256_srli_epi64(x0, 32), m0);
      const __m256i even1 = _mm256_mul_epu32(x2, m1), odd1 = _mm256_mul_epu32(_mm256_srli_epi64(x2, 32), m1);
      const __m256i lo0 = _mm256_blend_epi32(even0, _mm256_slli_epi64(odd0, 32), 0xAA);
      const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(even0, 32), odd0, 0xAA);
      const __m256i lo1 = _mm256_blend_epi32(even1, _mm256_slli_epi64(odd1, 32), 0xAA);
      const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(even1, 32), odd1, 0xAA);
      x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32(static_cast<int>(k0)));
      x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32(static_cast<int>(k1)));
      x1 = lo1;
      x3 = lo0;
      k0 += kW0;
      k1 += kW1;
    }
    _mm256_store_si256(at(lanes.word[0]), x0);
    _mm256_store_si256(at(lanes.word[1]), x1);
    _mm256_store_si256(at(lanes.word[2]), x2);
    _mm256_store_si256(at(lanes.word[3]), x3);
    lanes.store(out, j, m);
  }
}

#endif

PhiloxIsa widest_isa() {
  static const PhiloxIsa isa = philox_isa_supported(PhiloxIsa::avx512) ? PhiloxIsa::avx512
                               : philox_isa_supported(PhiloxIsa::avx2) ? PhiloxIsa::avx2
                                                                       : PhiloxIsa::scalar;
  return isa;
}

}  // namespace

bool philox_isa_supported(PhiloxIsa isa) {
  switch (isa) {
    case PhiloxIsa::scalar:
    case PhiloxIsa::best:
      return true;
#ifdef INNOCHAIN_PHILOX_X86
    case PhiloxIsa::avx2:
      return __builtin_cpu_supports("avx2");
    case PhiloxIsa::avx512:
      return __builtin_cpu_supports("avx512f");
#else
    default:
      return false;
#endif
  }
  return false;
}

void first_blocks(RunKey key, Stream stream, std::uint32_t month, std::span<const std::uint32_t> entity,
                  std::span<Rng::Block> out, PhiloxIsa isa) {
  const Key k = Rng::philox_key(key);
  const auto s = static_cast<std::uint32_t>(stream);
  if (isa == PhiloxIsa::best) isa = widest_isa();
  switch (isa) {
#ifdef INNOCHAIN_PHILOX_X86
    case PhiloxIsa::avx512:
      blocks_avx512(k, s, month, entity.data(), entity.size(), out.data());
      return;
    case PhiloxIsa::avx2:
      blocks_avx2(k, s, month, entity.data(), entity.size(), out.data());
      return;
#endif
    default:
      blocks_scalar(k, s, month, entity.data(), entity.size(), out.data());
  }
}

}  // namespace innochain
