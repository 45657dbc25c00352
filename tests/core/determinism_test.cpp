// The determinism contract (docs/architecture.md): same scenario, seed and replication
// give bit-identical /series and /summary whatever the thread count. One test
// body, run at 1, 2 and 4 threads against a single-thread reference.
#include "output/execute.hpp"
#include "output/inspect.hpp"
#include "scenario/decode.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

using namespace innochain;
namespace fs = std::filesystem;

namespace {

fs::path scratch_dir() {
  const fs::path dir = fs::temp_directory_path() / ("innochain_determinism_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

Scenario small_scenario() {
  return load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml",
                            {"horizon_months=36"});
}

std::string run_with_threads(const Scenario& s, int threads, std::int64_t replication = 0) {
  const fs::path path =
      scratch_dir() / ("run_t" + std::to_string(threads) + "_r" + std::to_string(replication) + ".h5");
  execute_run(s, RunRequest{path.string(), true, replication, threads});
  return path.string();
}

void require_identical(const std::string& a_path, const std::string& b_path) {
  const RunFile a(a_path), b(b_path);
  REQUIRE(a.series_names() == b.series_names());
  for (const auto& name : a.series_names()) {
    INFO("series " << name);
    const SeriesData x = a.series(name), y = b.series(name);
    REQUIRE(x.dims == y.dims);
    REQUIRE(test::same_bits(x.values, y.values));
  }
  REQUIRE(a.summary_names() == b.summary_names());
  for (const auto& name : a.summary_names()) {
    INFO("summary " << name);
    REQUIRE(test::same_bits({a.summary(name)}, {b.summary(name)}));
  }
  CHECK(a.scenario_yaml() == b.scenario_yaml());
}

}  // namespace

TEST_CASE("series and summary are bit-identical at 1, 2 and 4 threads", "[determinism]") {
  const Scenario s = small_scenario();
  static const std::string reference = run_with_threads(s, 1);
  const int threads = GENERATE(2, 4);
  INFO("threads = " << threads);
  require_identical(reference, run_with_threads(s, threads));
}

TEST_CASE("the full-size agent tables are deterministic across thread counts too", "[determinism]") {
  // Fewer months but 10x the small world, so that every parallel loop spans many blocks.
  Scenario s = small_scenario();
  s.world.scale = 0.1;
  s.horizon_months = 6;
  const std::string one = run_with_threads(s, 1, 7);
  require_identical(one, run_with_threads(s, 2, 7));
}

TEST_CASE("replications differ, and the same replication repeats", "[determinism]") {
  const Scenario s = small_scenario();
  const std::string r0 = run_with_threads(s, 2, 0);
  const RunFile a(r0);
  const auto first = a.series("discoveries").values;
  const std::string r1 = run_with_threads(s, 2, 1);
  CHECK_FALSE(test::same_bits(first, RunFile(r1).series("discoveries").values));
  CHECK(test::same_bits(first, RunFile(run_with_threads(s, 2, 0)).series("discoveries").values));
}
