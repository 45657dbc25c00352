#include "output/memory_estimate.hpp"

#include "model/population.hpp"
#include "output/h5.hpp"
#include "scenario/decode.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace innochain;
using Catch::Matchers::Contains;

namespace {

double part(const MemoryEstimate& e, const std::string& name) {
  for (const auto& p : e.parts)
    if (p.name == name) return p.bytes;
  return 0;
}

std::size_t bytes_of(const Talent& t) {
  return t.size() * (sizeof(Role) + 2 * sizeof(std::uint16_t) + 2 * sizeof(float) + sizeof(EmployerKind) +
                     3 * sizeof(std::int32_t));
}

}  // namespace

TEST_CASE("the estimate covers the tables as built, and grows with the horizon and the scale", "[estimate]") {
  Scenario s = load_builtin_baseline({"world.scale=0.01", "horizon_months=1", "world.spin_up_months=0"});
  const MemoryEstimate one_month = estimate_memory(s);
  const State built = build_population(Context(s, RunKey{1, 0}));
  // Rows are at least what the population builder makes, at the checkpoint's bytes per row.
  CHECK(part(one_month, "talent table") >= static_cast<double>(bytes_of(built.talent)));
  CHECK(one_month.total_bytes > part(one_month, "talent table") + part(one_month, "enterprises table"));
  s.horizon_months = 120;
  const MemoryEstimate ten_years = estimate_memory(s);
  CHECK(part(ten_years, "talent table") > 1.5 * part(one_month, "talent table"));  // 7 %/yr arrivals, compounding
  CHECK(part(ten_years, "projects table") > 10 * part(one_month, "projects table"));
  s.world.scale = 0.1;
  const MemoryEstimate larger = estimate_memory(s);
  CHECK(part(larger, "talent table") == Approx(10 * part(ten_years, "talent table")).epsilon(0.01));
  CHECK(larger.total_bytes > ten_years.total_bytes + 8 * part(ten_years, "talent table"));
  // The spin-up's months add rows like recorded ones (nothing is recorded before month 0).
  s.world.scale = 0.01;
  s.world.spin_up_months = 72;
  const MemoryEstimate spun = estimate_memory(s);
  CHECK(part(spun, "projects table") > 1.4 * part(ten_years, "projects table"));
  s.world.spin_up_months = 0;
  s.horizon_months = 192;
  CHECK(part(spun, "projects table") == Approx(part(estimate_memory(s), "projects table")));
}

TEST_CASE("snapshots and event logs add what a checkpoint copies", "[estimate]") {
  Scenario s = load_builtin_baseline({"world.scale=0.01"});
  const double plain = estimate_memory(s).total_bytes;
  s.output.snapshot_interval_months = 12;
  const double snapshots = estimate_memory(s).total_bytes;
  CHECK(snapshots > plain);
  s.output.events_deals = true;
  s.output.events_launches = true;
  CHECK(estimate_memory(s).total_bytes > snapshots);
}

TEST_CASE("a run that does not fit is refused with the estimate", "[estimate]") {
  const Scenario s = load_builtin_baseline({"world.scale=10", "agents.talent.count=1000000000"});
  try {
    check_memory(s, std::uint64_t{64} << 30);
    FAIL("not refused");
  } catch (const RequestError& e) {
    CHECK_THAT(e.what(), Contains("the run needs about"));
    CHECK_THAT(e.what(), Contains("talent table"));
  }
  CHECK_NOTHROW(check_memory(load_builtin_baseline({"world.scale=0.01"}), std::uint64_t{1} << 30));
}

TEST_CASE("memory sizes", "[estimate]") {
  CHECK(parse_memory_size("512M") == 512ull << 20);
  CHECK(parse_memory_size("8G") == 8ull << 30);
  CHECK(parse_memory_size("1.5GiB") == 3ull << 29);
  CHECK(parse_memory_size("2000000000") == 2000000000ull);
  CHECK_THROWS_AS(parse_memory_size("lots"), std::invalid_argument);
  CHECK_THROWS_AS(parse_memory_size("8X"), std::invalid_argument);
  CHECK_THROWS_AS(parse_memory_size("-1G"), std::invalid_argument);
}
