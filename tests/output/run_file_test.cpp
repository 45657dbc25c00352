#include "output/execute.hpp"
#include "output/inspect.hpp"
#include "output/run_file.hpp"
#include "support/tiny_world.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

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
