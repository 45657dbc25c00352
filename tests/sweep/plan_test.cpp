// Sweep files to plans to index: every design kind gives the points it promises,
// and the index lists each run with its point's parameters.
#include "sweep/plan.hpp"
#include "core/metrics.hpp"
#include "sweep/design.hpp"
#include "sweep/index.hpp"

#include <unistd.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace innochain;
using namespace innochain::sweep;
namespace fs = std::filesystem;

namespace {

const std::string kSweeps = std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/sweeps/";

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("innochain_sweep_plan_" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string f;
  while (std::getline(in, f, ',')) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

/// The index written for a plan (all runs pending), as rows of fields.
std::vector<std::vector<std::string>> index_rows(const SweepPlan& plan, const std::string& name) {
  const fs::path dir = fresh_dir(name);
  write_index(dir.string(), plan, std::vector<RunRecord>(plan.runs.size()));
  std::ifstream in(dir / "index.csv");
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) rows.push_back(split(line));
  return rows;
}

/// Every index row names its run, point and replication, and the point's values under the keys.
void check_index_lists_parameters(const SweepPlan& plan, const std::string& name) {
  const auto rows = index_rows(plan, name);
  REQUIRE(rows.size() == plan.runs.size() + 1);
  const auto& header = rows[0];
  REQUIRE(header.size() == 7 + plan.spec.keys.size() + kMetrics.size());
  CHECK(header[0] == "run_id");
  CHECK(header[6] == "error");
  for (std::size_t j = 0; j < plan.spec.keys.size(); ++j) CHECK(header[7 + j] == plan.spec.keys[j]);
  CHECK(header[7 + plan.spec.keys.size()] == std::string("summary.") + kMetrics[0].name);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const auto& row = rows[i + 1];
    REQUIRE(row.size() == header.size());
    const PlannedRun& run = plan.runs[i];
    CHECK(row[0] == run.id);
    CHECK(row[0].size() == 16);
    ids.insert(row[0]);
    CHECK(std::stoll(row[1]) == static_cast<long long>(i) / plan.spec.replications);
    CHECK(std::stoll(row[2]) == static_cast<long long>(i) % plan.spec.replications);
    CHECK(std::stoll(row[3]) == plan.scenarios[0].seed);  // common random numbers: one seed everywhere
    CHECK(row[4] == "pending");
    for (std::size_t j = 0; j < plan.spec.keys.size(); ++j) CHECK(row[7 + j] == point_value(plan, run.point, j));
  }
  CHECK(ids.size() == plan.runs.size());
}

std::string fmt_base(double v) { return format_number(v); }

double value(const SweepPlan& plan, std::size_t point, std::size_t key) {
  return std::stod(point_value(plan, static_cast<std::int64_t>(point), key));
}

}  // namespace

TEST_CASE("grid sweep: every combination, last key fastest, in the index", "[sweep][plan]") {
  const SweepPlan plan = make_plan(load_sweep_file(kSweeps + "grid_transfer_office.yaml"));
  REQUIRE(plan.spec.keys == std::vector<std::string>{"agents.institutes.transfer_office_skill",
                                                     "agents.institutes.sanction_probability"});
  REQUIRE(plan.spec.points.size() == 6);
  REQUIRE(plan.runs.size() == 12);
  const double skill[] = {0.2, 0.2, 0.5, 0.5, 0.8, 0.8}, sanction[] = {0.02, 0.2, 0.02, 0.2, 0.02, 0.2};
  for (std::size_t p = 0; p < 6; ++p) {
    CHECK(value(plan, p, 0) == skill[p]);
    CHECK(value(plan, p, 1) == sanction[p]);
    CHECK(plan.scenarios[p].agents.institutes.transfer_office_skill == skill[p]);
    CHECK(plan.scenarios[p].agents.institutes.sanction_probability == sanction[p]);
    CHECK(plan.scenarios[p].horizon_months == 60);  // the sweep's `set`
  }
  check_index_lists_parameters(plan, "grid");
}

TEST_CASE("sampled sweeps map the unit designs onto each key's range", "[sweep][plan]") {
  struct Case {
    std::string file;
    UnitDesign unit;
  };
  const std::vector<Case> cases = {
      {"lhs_three_dont.yaml", lhs_unit(10, 3, 7)},
      {"sobol_three_dont.yaml", sobol_unit(16, 3)},
      {"morris_three_dont.yaml", morris_unit(4, 3, 4, 11)},
      {"saltelli_three_dont.yaml", saltelli_unit(4, 3, 4)},
  };
  for (const auto& c : cases) {
    SECTION(c.file) {
      const SweepPlan plan = make_plan(load_sweep_file(kSweeps + c.file));
      REQUIRE(plan.spec.points.size() == c.unit.size());
      const bool log_sanction = plan.spec.kind == "lhs" || plan.spec.kind == "sobol";
      for (std::size_t p = 0; p < c.unit.size(); ++p) {
        const double u0 = c.unit[p][0];
        const double sanction =
            log_sanction ? std::exp(std::log(0.01) + u0 * (std::log(0.3) - std::log(0.01))) : 0.01 + u0 * (0.3 - 0.01);
        CHECK(value(plan, p, 0) == Approx(sanction).epsilon(1e-12));
        CHECK(value(plan, p, 1) == Approx(0.1 + c.unit[p][1] * 0.8).epsilon(1e-12));
        CHECK(value(plan, p, 2) == Approx(0.1 + c.unit[p][2] * 0.8).epsilon(1e-12));
        // The scenario got exactly the value written in the index.
        CHECK(plan.scenarios[p].agents.institutes.inventor_share == value(plan, p, 1));
      }
      check_index_lists_parameters(plan, plan.spec.kind);
    }
  }
}

TEST_CASE("list sweeps: explicit points and scenario files", "[sweep][plan]") {
  SECTION("points name only the keys they change") {
    const SweepPlan plan = make_plan(load_sweep_file(kSweeps + "list_points.yaml"));
    REQUIRE(plan.spec.keys ==
            std::vector<std::string>{"agents.institutes.inventor_share", "agents.institutes.sanction_probability"});
    REQUIRE(plan.runs.size() == 12);
    CHECK(point_value(plan, 0, 0) == "0.3");
    CHECK(point_value(plan, 0, 1).empty());
    CHECK(point_value(plan, 2, 0).empty());
    CHECK(point_value(plan, 3, 1) == "0.01");
    const Scenario base = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml");
    CHECK(plan.scenarios[2].agents.institutes.inventor_share == base.agents.institutes.inventor_share);
    check_index_lists_parameters(plan, "list_points");
  }
  SECTION("scenario files, with the sweep's set applied to each") {
    const SweepPlan plan = make_plan(load_sweep_file(kSweeps + "list_scenarios.yaml"));
    REQUIRE(plan.spec.keys == std::vector<std::string>{"scenario"});
    REQUIRE(plan.spec.points.size() == 3);
    CHECK(point_value(plan, 1, 0) == "../policies/liability_exemption.yaml");
    CHECK(plan.scenarios[0].policies.empty());
    CHECK(plan.scenarios[1].policies.size() == 1);
    for (const auto& s : plan.scenarios) CHECK(s.world.scale == 0.01);
    check_index_lists_parameters(plan, "list_scenarios");
  }
}

TEST_CASE("csv sweep: the design matrix's rows, an empty cell keeps the base value", "[sweep][plan]") {
  const SweepPlan plan = make_plan(load_sweep_file(kSweeps + "csv_design.yaml"));
  REQUIRE(plan.spec.points.size() == 5);
  CHECK(point_value(plan, 2, 0) == "0.8");
  CHECK(point_value(plan, 3, 1).empty());
  CHECK(plan.scenarios[4].agents.institutes.transfer_office_skill == 0.8);
  check_index_lists_parameters(plan, "csv");
}

TEST_CASE("run ids: stable, distinct per replication, independent of other points", "[sweep][plan]") {
  const SweepPlan a = make_plan(load_sweep_file(kSweeps + "grid_transfer_office.yaml"));
  const SweepPlan b = make_plan(load_sweep_file(kSweeps + "grid_transfer_office.yaml"), {"horizon_months=3"});
  for (std::size_t i = 0; i < a.runs.size(); ++i) CHECK(a.runs[i].id == b.runs[i].id);
  CHECK(a.runs[0].id != a.runs[1].id);
  // The id of (point values, replication) does not depend on where the point sits in the design.
  DesignPoint p;
  p.values = {SetValue{"0.2", {}}, SetValue{"0.02", {}}};
  CHECK(run_id(a.spec.keys, p, 1, 0) == a.runs[1].id);
  CHECK(run_id(a.spec.keys, p, 1, 1) != a.runs[1].id);  // a repeated identical point
}

TEST_CASE("bad keys and values are reported where the sweep file wrote them", "[sweep][plan]") {
  const fs::path dir = fresh_dir("bad");
  std::ofstream(dir / "bad.yaml") << "base: " << INNOCHAIN_SOURCE_DIR << "/scenarios/guangdong_small.yaml\n"
                                  << "replications: 2\n"
                                  << "set:\n"
                                  << "  horizon_month: 12\n"
                                  << "design:\n"
                                  << "  kind: grid\n"
                                  << "  keys:\n"
                                  << "    agents.institutes.transfer_office_skill: [0.2, 1.5]\n";
  try {
    make_plan(load_sweep_file((dir / "bad.yaml").string()));
    FAIL("a bad sweep file was accepted");
  } catch (const ScenarioError& e) {
    const std::string text = e.what();
    CHECK_THAT(text, Catch::Contains("bad.yaml:4:3: error: unknown key 'horizon_month' (did you mean "
                                     "'horizon_months'?)"));
    CHECK_THAT(text, Catch::Contains("bad.yaml:8:52: error: agents.institutes.transfer_office_skill = 1.5 is out of "
                                     "range [0, 1]"));
  }
  std::ofstream(dir / "kind.yaml") << "base: x.yaml\ndesign: {kind: gird}\n";
  CHECK_THROWS_WITH(load_sweep_file((dir / "kind.yaml").string()), Catch::Contains("did you mean 'grid'?"));
}

TEST_CASE("design errors name the place: ranges, levels, CSV rows", "[sweep][plan]") {
  const fs::path dir = fresh_dir("design_errors");
  const std::string base = std::string("base: ") + INNOCHAIN_SOURCE_DIR + "/scenarios/guangdong_small.yaml\n";
  std::ofstream(dir / "morris.yaml") << base << "design:\n  kind: morris\n  trajectories: 2\n  levels: 5\n"
                                     << "  keys:\n    world.scale: {low: 0, high: 0.01, log: true}\n";
  try {
    load_sweep_file((dir / "morris.yaml").string());
    FAIL("accepted");
  } catch (const ScenarioError& e) {
    const std::string text = e.what();
    CHECK_THAT(text, Catch::Contains("morris.yaml:5:11: error: levels must be even, got 5"));
    CHECK_THAT(text, Catch::Contains("morris.yaml:7:18: error: log range of world.scale needs low > 0"));
  }
  std::ofstream(dir / "m.csv") << "point,world.scale\n0,0.01\n1,0.02,9\n";
  std::ofstream(dir / "csv.yaml") << base << "design: {kind: csv, file: m.csv}\n";
  CHECK_THROWS_WITH(load_sweep_file((dir / "csv.yaml").string()),
                    Catch::Contains("m.csv:3:1: error: row has 3 values, the header names 2 columns"));
  std::ofstream(dir / "m2.csv") << "world.scale\n0.01\n70\n";
  std::ofstream(dir / "csv2.yaml") << base << "design: {kind: csv, file: m2.csv}\n";
  CHECK_THROWS_WITH(make_plan(load_sweep_file((dir / "csv2.yaml").string())),
                    Catch::Contains("m2.csv:3:1: error: world.scale = 70 is out of range"));
}

TEST_CASE("factor ranges are relative to the base scenario's value", "[sweep][plan]") {
  const fs::path dir = fresh_dir("relative");
  const std::string base = std::string("base: ") + INNOCHAIN_SOURCE_DIR + "/scenarios/guangdong_small.yaml\n";
  // The base scenario's sanction probability is 0.3 (its sanction size is calibrated: read below).
  std::ofstream(dir / "grid.yaml") << base << "set: {agents.institutes.risk_aversion: 4}\n"
                                   << "design:\n  kind: grid\n  keys:\n"
                                   << "    agents.institutes.sanction_probability: {factor: [0.5, 1, 2]}\n"
                                   << "    agents.institutes.risk_aversion: {factor: [0.5]}\n";
  const SweepPlan grid = make_plan(load_sweep_file((dir / "grid.yaml").string()));
  REQUIRE(grid.spec.points.size() == 3);
  CHECK(point_value(grid, 0, 0) == "0.15");
  CHECK(point_value(grid, 1, 0) == "0.3");
  CHECK(point_value(grid, 2, 0) == "0.6");
  CHECK(point_value(grid, 0, 1) == "2");  // relative to the sweep's `set` (4), not the file's 2
  CHECK(grid.scenarios[2].agents.institutes.sanction_probability == Approx(0.6));
  // Sampled designs: the factor range maps onto [0.5, 2] x base.
  std::ofstream(dir / "lhs.yaml") << base << "design:\n  kind: lhs\n  samples: 8\n  keys:\n"
                                  << "    chain.transfer.sanction_size_yuan: {factor: [0.5, 2], log: true}\n";
  const SweepPlan lhs = make_plan(load_sweep_file((dir / "lhs.yaml").string()));
  const double size = grid.scenarios[1].chain.transfer.sanction_size_yuan;  // the base's value
  for (std::size_t p = 0; p < lhs.spec.points.size(); ++p) {
    CHECK(value(lhs, p, 0) >= 0.5 * size);
    CHECK(value(lhs, p, 0) <= 2.0 * size);
  }
  // A key the base scenario has no number for is refused where the range is written.
  std::ofstream(dir / "bad.yaml") << base << "design:\n  kind: lhs\n  samples: 2\n  keys:\n"
                                  << "    policies.none.coverage: {factor: [0.5, 2]}\n";
  CHECK_THROWS_WITH(make_plan(load_sweep_file((dir / "bad.yaml").string())),
                    Catch::Contains("bad.yaml:6:29: error: factor range: policies.none.coverage has no numeric value"));
}

TEST_CASE("a composite axis moves its keys together: their product by the factor", "[sweep][plan]") {
  const fs::path dir = fresh_dir("composite");
  std::ofstream(dir / "dont_dare.yaml")
      << "base: " << INNOCHAIN_SOURCE_DIR << "/scenarios/guangdong_small.yaml\n"
      << "design:\n  kind: grid\n  keys:\n"
      << "    dont_dare: {factor: [0.5, 1, 8], composite: [agents.institutes.risk_aversion, "
         "agents.institutes.sanction_probability, chain.transfer.sanction_size_yuan]}\n";
  const SweepPlan plan = make_plan(load_sweep_file((dir / "dont_dare.yaml").string()));
  REQUIRE(plan.spec.keys == std::vector<std::string>{"dont_dare"});
  const auto& s0 = plan.scenarios[1].agents.institutes;  // factor 1: the base scenario
  const double obstacle =
      s0.risk_aversion * s0.sanction_probability * plan.scenarios[1].chain.transfer.sanction_size_yuan;
  for (std::size_t p = 0; p < 3; ++p) {
    const auto& sc = plan.scenarios[p];
    const double f = value(plan, p, 0);
    CHECK(sc.agents.institutes.risk_aversion * sc.agents.institutes.sanction_probability *
              sc.chain.transfer.sanction_size_yuan ==
          Approx(f * obstacle));
  }
  CHECK(plan.scenarios[2].agents.institutes.risk_aversion == Approx(2.0 * s0.risk_aversion));  // 8^(1/3) = 2
  check_index_lists_parameters(plan, "composite");
}

TEST_CASE("oat sweep: the base point, then one key at a time over its range", "[sweep][plan]") {
  const fs::path dir = fresh_dir("oat");
  std::ofstream(dir / "oat.yaml") << "base: " << INNOCHAIN_SOURCE_DIR << "/scenarios/guangdong_small.yaml\n"
                                  << "design:\n  kind: oat\n  levels: 3\n  keys:\n"
                                  << "    agents.institutes.sanction_probability: {factor: [0.5, 1.5]}\n"
                                  << "    agents.institutes.transfer_office_skill: [0.2, 0.8]\n";
  const SweepPlan plan = make_plan(load_sweep_file((dir / "oat.yaml").string()));
  REQUIRE(plan.spec.points.size() == 1 + 2 * 3);
  // Point 0 has every key at its base value, written out.
  CHECK(point_value(plan, 0, 0) == "0.3");
  CHECK(point_value(plan, 0, 1) == fmt_base(plan.scenarios[0].agents.institutes.transfer_office_skill));
  CHECK(point_value(plan, 1, 0) == "0.15");
  CHECK(point_value(plan, 2, 0) == "0.3");
  CHECK(point_value(plan, 3, 0) == "0.45");
  CHECK(point_value(plan, 3, 1) == point_value(plan, 0, 1));
  CHECK(point_value(plan, 4, 1) == "0.2");
  CHECK(point_value(plan, 6, 1) == "0.8");
  CHECK(point_value(plan, 6, 0) == "0.3");
  check_index_lists_parameters(plan, "oat");
}

TEST_CASE("design matrices saved by a spreadsheet: byte-order mark, semicolons, decimal commas", "[sweep][plan]") {
  const fs::path dir = fresh_dir("spreadsheet");
  const std::string base = std::string("base: ") + INNOCHAIN_SOURCE_DIR + "/scenarios/guangdong_small.yaml\n";
  std::ofstream(dir / "bom.csv", std::ios::binary)
      << "\xEF\xBB\xBF"
      << "agents.institutes.transfer_office_skill,agents.institutes.inventor_share\r\n"
      << "0.2,0.5\r\n0.8,\r\n";
  std::ofstream(dir / "bom.yaml") << base << "design: {kind: csv, file: bom.csv}\n";
  const SweepPlan bom = make_plan(load_sweep_file((dir / "bom.yaml").string()));
  REQUIRE(bom.spec.keys.size() == 2);
  CHECK(bom.spec.keys[0] == "agents.institutes.transfer_office_skill");  // no BOM glued to the key
  CHECK(point_value(bom, 1, 0) == "0.8");
  CHECK(point_value(bom, 1, 1).empty());
  std::ofstream(dir / "semi.csv", std::ios::binary)
      << "\xEF\xBB\xBF"
      << "point;agents.institutes.transfer_office_skill;agents.institutes.inventor_share\n"
      << "0;0,2;0.5\n1;0,8;\n";
  std::ofstream(dir / "semi.yaml") << base << "design: {kind: csv, file: semi.csv}\n";
  const SweepPlan semi = make_plan(load_sweep_file((dir / "semi.yaml").string()));
  REQUIRE(semi.spec.keys.size() == 2);
  CHECK(point_value(semi, 0, 0) == "0.2");
  CHECK(point_value(semi, 0, 1) == "0.5");
  CHECK(point_value(semi, 1, 0) == "0.8");
  CHECK(semi.scenarios[1].agents.institutes.transfer_office_skill == 0.8);
}
