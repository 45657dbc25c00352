#include "output/run_file.hpp"
#include "output/execute.hpp"
#include "output/inspect.hpp"
#include "scenario/decode.hpp"
#include "support/tiny_world.hpp"

#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace innochain;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("innochain_run_file_" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

RunInfo tiny_info() {
  RunInfo info;
  info.scenario_name = "tiny";
  info.scenario_yaml = "name: tiny\n";
  info.seed = 42;
  info.horizon_months = 30;
  info.fields = {"a", "b"};
  info.regions = {"here"};
  return info;
}

}  // namespace

TEST_CASE("the writer appends months, writes the summary and renames on success", "[output]") {
  const fs::path dir = fresh_dir("append");
  const std::string path = (dir / "run.h5").string();
  MonthMetrics m(2, 1);
  {
    RunFileWriter w(path, false, tiny_info());
    CHECK(fs::exists(path + ".partial"));
    CHECK_FALSE(fs::exists(path));
    for (int month = 0; month < 30; ++month) {
      m.clear();
      m.at(m_discoveries, 0) = month;
      m.at(m_discoveries, 1) = 1.0;
      m.at(m_projects_basic, 0) = 100.0 + month;  // a stock
      w.append(month, m);
    }
    w.finish(1.5);
  }
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(path + ".partial"));
  const RunFile f(path);
  CHECK(f.status() == "complete");
  CHECK(f.attr("months_completed") == "30");
  CHECK(f.attr("seed") == "42");
  CHECK(f.attr("format_version") == "1");
  CHECK(f.attr("scenario_sha256") == sha256_hex("name: tiny\n"));
  CHECK(f.scenario_yaml() == "name: tiny\n");
  const SeriesData d = f.series("discoveries");
  CHECK(d.dims == std::vector<hsize_t>{30, 2});
  CHECK(d.values[2 * 29] == 29.0);
  CHECK(d.values[2 * 29 + 1] == 1.0);
  // Flows sum over months and fields; stocks keep the final month.
  CHECK(f.summary("discoveries") == Approx(29.0 * 30.0 / 2.0 + 30.0));
  CHECK(f.summary("projects_basic") == Approx(129.0));
  CHECK(f.summary_units("discoveries") == "projects");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("an existing file is refused unless forced", "[output]") {
  const fs::path dir = fresh_dir("exists");
  const std::string path = (dir / "run.h5").string();
  std::ofstream(path) << "precious";
  CHECK_THROWS_AS(RunFileWriter(path, false, tiny_info()), IoError);
  CHECK_FALSE(fs::exists(path + ".partial"));
  std::ifstream in(path);
  std::string content;
  in >> content;
  CHECK(content == "precious");
  RunFileWriter forced(path, true, tiny_info());
  forced.finish(0.0);
  CHECK(RunFile(path).status() == "complete");
}

TEST_CASE("an unfinished run leaves only a partial file marked partial", "[output]") {
  const fs::path dir = fresh_dir("partial");
  const std::string path = (dir / "run.h5").string();
  {
    RunFileWriter w(path, false, tiny_info());
    MonthMetrics m(2, 1);
    for (int month = 0; month < 5; ++month) w.append(month, m);
  }
  CHECK_FALSE(fs::exists(path));
  REQUIRE(fs::exists(path + ".partial"));
  const RunFile f(path + ".partial");
  CHECK(f.status() == "partial");
  CHECK(f.attr("months_completed") == "5");
}

TEST_CASE("unwritable or missing output directories are I/O errors", "[output]") {
  CHECK_THROWS_AS(RunFileWriter("/nonexistent-dir/run.h5", false, tiny_info()), IoError);
  if (::geteuid() != 0) {  // root can write anywhere
    const fs::path dir = fresh_dir("readonly");
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_AS(RunFileWriter((dir / "run.h5").string(), false, tiny_info()), IoError);
  }
}

TEST_CASE("a file that is not a run file is refused by the reader", "[output]") {
  const fs::path dir = fresh_dir("foreign");
  const std::string text = (dir / "notes.h5").string();
  std::ofstream(text) << "not hdf5";
  CHECK_THROWS_AS(RunFile(text), IoError);
  CHECK_THROWS_AS(RunFile((dir / "missing.h5").string()), IoError);
}

TEST_CASE("execute_run writes a complete file whose summary matches the series", "[output]") {
  const fs::path dir = fresh_dir("execute");
  Scenario s = test::tiny_scenario(2);
  s.horizon_months = 24;
  const std::string path = (dir / "tiny.h5").string();
  const RunResult r = execute_run(s, RunRequest{path, false, 0, 2});
  const RunFile f(path);
  CHECK(f.attr("months_completed") == "24");
  CHECK(f.attr("threads") == "2");
  const SeriesData d = f.series("discoveries");
  double total = 0.0;
  for (double v : d.values) total += v;
  CHECK(f.summary("discoveries") == total);
  CHECK(r.summary[m_discoveries] == total);
}

TEST_CASE("optional events and snapshots match the series", "[output]") {
  const fs::path dir = fresh_dir("events");
  Scenario s = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml",
                                  {"horizon_months=60", "output.events_transfers=true", "output.events_deals=true",
                                   "output.snapshot_interval_months=12"});
  const std::string path = (dir / "events.h5").string();
  execute_run(s, RunRequest{path, false, 0, 2});
  const RunFile f(path);
  h5::Handle file = h5::open_file_read(path);
  const auto total = [&](const char* name) {
    double sum = 0.0;
    for (double v : f.series(name).values) sum += v;
    return sum;
  };
  const auto route = h5::read_doubles(file.id(), "events/transfers/route");
  REQUIRE_FALSE(route.empty());
  CHECK(static_cast<double>(std::count(route.begin(), route.end(), 0.0)) == total("transfers_licence"));
  CHECK(static_cast<double>(std::count(route.begin(), route.end(), 1.0)) == total("transfers_spinoff"));
  const auto kind = h5::read_doubles(file.id(), "events/deals/financier_kind");
  const auto venture = static_cast<double>(std::count(kind.begin(), kind.end(), 0.0));
  CHECK(venture == total("deals_seed") + total("deals_series_a") + total("deals_series_b"));
  double invested = 0.0;
  const auto amount = h5::read_doubles(file.id(), "events/deals/amount");
  for (double a : amount) invested += a;
  CHECK(invested == Approx(total("invested_venture") + total("invested_guidance")));
  // Snapshots at months 11, 23, ..., 59, one row each, as wide as the largest table.
  CHECK(h5::read_doubles(file.id(), "snapshots/month") == std::vector<double>{11, 23, 35, 47, 59});
  std::vector<hsize_t> dims;
  const auto cash = h5::read_doubles(file.id(), "snapshots/enterprises/cash_yuan", &dims);
  CHECK(dims[0] == 5);
  CHECK(dims[1] >= 800);
  std::vector<hsize_t> talent_dims;
  h5::read_doubles(file.id(), "snapshots/talent/skill", &talent_dims);
  CHECK(talent_dims[1] >= 10000);
}

TEST_CASE("events and snapshots are off by default", "[output]") {
  const fs::path dir = fresh_dir("no_events");
  Scenario s = test::tiny_scenario(1);
  const std::string path = (dir / "plain.h5").string();
  execute_run(s, RunRequest{path, false, 0, 1});
  h5::Handle file = h5::open_file_read(path);
  CHECK(H5Lexists(file.id(), "events", H5P_DEFAULT) == 0);
  CHECK(H5Lexists(file.id(), "snapshots", H5P_DEFAULT) == 0);
}
