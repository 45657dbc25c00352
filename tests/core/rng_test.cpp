#include "core/rng.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace innochain;

namespace {
constexpr RunKey kKey{12345, 0};
}

TEST_CASE("draws are a pure function of key, stream, entity and month", "[rng]") {
  Rng a(kKey, Stream::progress, 7, 3), b(kKey, Stream::progress, 7, 3);
  for (int i = 0; i < 100; ++i) REQUIRE(a.bits() == b.bits());
  // Changing any coordinate changes the sequence.
  const auto first = [](Rng r) { return r.bits(); };
  const std::uint32_t base = first(Rng(kKey, Stream::progress, 7, 3));
  CHECK(first(Rng(kKey, Stream::discovery, 7, 3)) != base);
  CHECK(first(Rng(kKey, Stream::progress, 8, 3)) != base);
  CHECK(first(Rng(kKey, Stream::progress, 7, 4)) != base);
  CHECK(first(Rng(RunKey{12346, 0}, Stream::progress, 7, 3)) != base);
  CHECK(first(Rng(RunKey{12345, 1}, Stream::progress, 7, 3)) != base);
}

TEST_CASE("uniform draws have the right moments and stay inside (0, 1)", "[rng]") {
  Rng r(kKey, Stream::progress, 1, 0);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n;
  CHECK(mean == Approx(0.5).margin(0.005));
  CHECK(sum2 / n - mean * mean == Approx(1.0 / 12).margin(0.002));
}

TEST_CASE("normal, log-normal and exponential moments", "[rng]") {
  Rng r(kKey, Stream::progress, 2, 0);
  const int n = 200000;
  double s = 0, s2 = 0, ln = 0, ex = 0;
  for (int i = 0; i < n; ++i) {
    const double z = r.normal();
    s += z;
    s2 += z * z;
    ln += r.lognormal(-0.5 * 0.36, 0.6);
    ex += r.exponential(2.0);
  }
  CHECK(s / n == Approx(0.0).margin(0.01));
  CHECK(s2 / n == Approx(1.0).margin(0.02));
  CHECK(ln / n == Approx(1.0).margin(0.01));  // mean-one log-normal
  CHECK(ex / n == Approx(0.5).margin(0.005));
}

TEST_CASE("Poisson mean and variance for small and large rates", "[rng]") {
  for (double lambda : {0.3, 4.0, 25.0, 80.0}) {
    Rng r(kKey, Stream::basic_research, static_cast<std::uint32_t>(lambda * 10), 0);
    const int n = 100000;
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
      const double k = r.poisson(lambda);
      s += k;
      s2 += k * k;
    }
    const double mean = s / n;
    CHECK(mean == Approx(lambda).epsilon(0.02));
    CHECK(s2 / n - mean * mean == Approx(lambda).epsilon(0.05));
  }
  Rng r(kKey, Stream::basic_research, 0, 0);
  CHECK(r.poisson(0.0) == 0u);
}

TEST_CASE("categorical and bounded integers", "[rng]") {
  Rng r(kKey, Stream::discovery, 3, 0);
  const std::vector<double> w = {1.0, 0.0, 3.0};
  std::vector<int> counts(3, 0);
  for (int i = 0; i < 40000; ++i) counts[r.categorical(w)] += 1;
  CHECK(counts[1] == 0);
  CHECK(counts[2] / 40000.0 == Approx(0.75).margin(0.01));
  for (int i = 0; i < 10000; ++i) REQUIRE(r.below(7) < 7u);
}

TEST_CASE("first_blocks gives each entity's first block, the same on every instruction set", "[rng]") {
  // Entities in no particular order, and lengths that end inside a vector of 8 or 16 lanes.
  std::vector<std::uint32_t> ids;
  for (std::uint32_t k = 0; k < 1000; ++k) ids.push_back(k * 2654435761u);
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{17}, std::size_t{1000}}) {
    const std::span<const std::uint32_t> some(ids.data(), n);
    for (const PhiloxIsa isa : {PhiloxIsa::scalar, PhiloxIsa::avx2, PhiloxIsa::avx512, PhiloxIsa::best}) {
      if (!philox_isa_supported(isa)) continue;
      std::vector<Rng::Block> out(n);
      first_blocks(RunKey{77, 3}, Stream::entry, 41, some, out, isa);
      for (std::size_t j = 0; j < n; ++j) {
        Rng whole(RunKey{77, 3}, Stream::entry, some[j], 41);
        Rng from_block(RunKey{77, 3}, Stream::entry, some[j], 41, out[j]);
        // The block's words are the sequence's first four draws; the sequences go on alike.
        for (int d = 0; d < 4; ++d) REQUIRE(out[j].v[d] == whole.bits());
        Rng again(RunKey{77, 3}, Stream::entry, some[j], 41);
        for (int d = 0; d < 12; ++d) REQUIRE(from_block.bits() == again.bits());
      }
    }
  }
}
