#include "output/checkpoint.hpp"

#include "model/simulation.hpp"
#include "output/execute.hpp"
#include "output/h5.hpp"
#include "policies/policy.hpp"
#include "scenario/decode.hpp"
#include "support/tiny_world.hpp"

#include <unistd.h>
#include <catch2/catch.hpp>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>

using namespace innochain;
namespace fs = std::filesystem;

namespace {

/// StateIo into memory: name -> bytes (the order of members is kept in `order`).
class MemoryStateIo final : public StateIo {
 public:
  explicit MemoryStateIo(bool loading) : loading_(loading) {}
  std::map<std::string, std::vector<unsigned char>> data;
  std::vector<std::string> order;
  bool loading_;

  bool loading() const override { return loading_; }
  void column(const std::string& n, std::vector<double>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<float>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::int32_t>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::int64_t>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::uint8_t>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::uint16_t>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::uint64_t>& v) override { io(n, v); }
  void push(const std::string& g) override { path_.push_back(g); }
  void pop() override { path_.pop_back(); }

 private:
  std::vector<std::string> path_;
  template <class T>
  void io(const std::string& name, std::vector<T>& v) {
    std::string key;
    for (const auto& p : path_) key += p + "/";
    key += name;
    if (!loading_) {
      auto& bytes = data[key];
      bytes.resize(v.size() * sizeof(T));
      if (!v.empty()) std::memcpy(bytes.data(), v.data(), bytes.size());
      order.push_back(key);
      return;
    }
    const auto& bytes = data.at(key);
    v.resize(bytes.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
  }
};

Scenario reliability_scenario(std::int64_t months) {
  return load_scenario_file(std::string(INNOCHAIN_TEST_DATA) + "/reliability/all_instruments.yaml",
                            {"world.scale=0.01", "horizon_months=" + std::to_string(months)});
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("innochain_checkpoint_" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("a saved and loaded state continues bit-identically, with every instrument active", "[checkpoint]") {
  const Scenario s = reliability_scenario(24);
  const RunKey key{static_cast<std::uint64_t>(s.seed), 0};
  Simulation original(s, key);
  for (int m = 0; m < 10; ++m) original.step();

  MemoryStateIo saved(false);
  persist_state(saved, original.state());
  CHECK(saved.order.size() > 100);  // every column of every table, the State members, the instances

  Simulation loaded(s, key, State{});
  MemoryStateIo reader(true);
  reader.data = saved.data;
  persist_state(reader, loaded.state());
  CHECK(loaded.months_completed() == 10);

  // Saving the loaded state gives the same bytes, member by member.
  MemoryStateIo again(false);
  persist_state(again, loaded.state());
  CHECK(again.order == saved.order);
  for (const auto& k : saved.order) {
    INFO(k);
    CHECK(again.data.at(k) == saved.data.at(k));
  }
  // And both continue with bit-identical months.
  for (int m = 10; m < 24; ++m) {
    original.step();
    loaded.step();
    for (int metric = 0; metric < kMetricCount; ++metric) {
      INFO("month " << m << " metric " << kMetrics[metric].name);
      CHECK(test::same_bits(original.metrics().values(static_cast<Metric>(metric)),
                            loaded.metrics().values(static_cast<Metric>(metric))));
    }
  }
  for (std::size_t k = 0; k < s.policies.size(); ++k)
    CHECK(original.state().instruments[k]->budget_left() == loaded.state().instruments[k]->budget_left());
}

TEST_CASE("a stopped run resumed from its checkpoint writes the same file as an uninterrupted run", "[checkpoint]") {
  const fs::path dir = fresh_dir("resume");
  const Scenario s = reliability_scenario(30);
  const std::string full = (dir / "full.h5").string(), part = (dir / "part.h5").string();
  execute_run(s, RunRequest{full, false, 0, 2});

  volatile std::sig_atomic_t stop = 0;
  RunRequest request{part, false, 0, 2};
  request.stop = &stop;
  const RunResult stopped = execute_run(s, request, [&](std::int64_t done, double) {
    if (done == 13) stop = 1;
  });
  CHECK(stopped.interrupted);
  CHECK(stopped.months_completed == 13);
  CHECK(fs::exists(part + ".partial"));
  CHECK(fs::exists(part + ".checkpoint"));
  CHECK_FALSE(fs::exists(part));

  RunRequest resume{part, false, 0, 1};
  resume.resume = true;
  const RunResult resumed = execute_run(s, resume);
  CHECK(resumed.start_month == 13);
  CHECK_FALSE(resumed.interrupted);
  REQUIRE(fs::exists(part));

  h5::Handle a = h5::open_file_read(full), b = h5::open_file_read(part);
  CHECK(h5::read_string_attr(b.id(), "status") == "complete");
  CHECK(test::same_bits(h5::read_doubles(a.id(), "month"), h5::read_doubles(b.id(), "month")));
  for (int m = 0; m < kMetricCount; ++m) {
    const std::string name = kMetrics[m].name;
    INFO(name);
    CHECK(test::same_bits(h5::read_doubles(a.id(), "series/" + name), h5::read_doubles(b.id(), "series/" + name)));
    CHECK(test::same_bits(h5::read_doubles(a.id(), "summary/" + name), h5::read_doubles(b.id(), "summary/" + name)));
  }
  for (const char* ev : {"events/transfers/value", "events/deals/amount", "snapshots/talent/employer",
                         "snapshots/enterprises/cash_yuan"}) {
    INFO(ev);
    CHECK(test::same_bits(h5::read_doubles(a.id(), ev), h5::read_doubles(b.id(), ev)));
  }
  fs::remove_all(dir);
}

TEST_CASE("resuming refuses a checkpoint of another scenario or replication", "[checkpoint]") {
  const fs::path dir = fresh_dir("refuse");
  const Scenario s = reliability_scenario(6);
  const std::string path = (dir / "run.h5").string();
  RunRequest request{path, false, 0, 1};
  request.checkpoint_every = 3;
  execute_run(s, request);
  REQUIRE(fs::exists(path + ".checkpoint"));
  const Checkpoint c(path + ".checkpoint");
  CHECK(c.month() == 6);
  CHECK_NOTHROW(c.check_resume(to_yaml(s), 0));
  CHECK_THROWS_AS(c.check_resume(to_yaml(s), 1), IncompatibleCheckpoint);
  Scenario other = s;
  other.seed += 1;
  CHECK_THROWS_WITH(c.check_resume(to_yaml(other), 0), Catch::Contains("seed"));
  CHECK_THROWS_AS(Checkpoint((dir / "none").string()), IoError);
  fs::remove_all(dir);
}

namespace {

/// Writes `value` into row `row` of dataset PATH of an HDF5 file (HDF5 converts the type).
/// False when the dataset has no such row.
bool damage(const std::string& file, const std::string& path, std::size_t row, double value) {
  h5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  std::vector<hsize_t> dims;
  std::vector<double> values = h5::read_doubles(f.id(), path, &dims);
  if (row >= values.size()) return false;
  values[row] = value;
  h5::Handle ds = h5::open_dataset(f.id(), path);
  return H5Dwrite(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0;
}

/// Every column of every agent table that refers to something, with its table's group name.
std::vector<std::string> id_columns() {
  std::vector<std::string> out;
  State s;
  const auto collect = [&](const std::string& group, auto& table) {
    table.for_each_column([&](auto&, const ColumnInfo& info) {
      if (column_ref(info.flags) != Ref::none) out.push_back(group + "/" + info.name);
    });
  };
  collect("institutes", s.institutes);
  collect("institute_levers", s.institutes.levers);
  collect("enterprises", s.enterprises);
  collect("enterprise_levers", s.enterprises.levers);
  collect("financiers", s.financiers);
  collect("talent", s.talent);
  collect("projects", s.projects);
  collect("investments", s.investments);
  return out;
}

}  // namespace

TEST_CASE("a damaged checkpoint is refused, naming the dataset, and the run's state is left as it was",
          "[checkpoint]") {
  const fs::path dir = fresh_dir("damaged");
  const Scenario s = reliability_scenario(8);
  const std::string path = (dir / "run.h5").string();
  RunRequest request{path, false, 0, 1};
  request.checkpoint_every = 8;
  execute_run(s, request);
  const std::string intact = path + ".checkpoint", copy = (dir / "damaged.ckpt").string();
  const RunKey key{static_cast<std::uint64_t>(s.seed), 0};

  SECTION("an id out of range") {
    fs::copy_file(intact, copy);
    // (A table every run has rows in: the firms, whose lender refers to the financiers.)
    REQUIRE(damage(copy, "checkpoint_state/enterprises/lender", 0, 1e6));
    Simulation sim(s, key, State{});
    CHECK_THROWS_WITH(Checkpoint(copy).load_state(sim.state(), s),
                      Catch::Contains("/checkpoint_state/enterprises/lender holds 1000000 at row 0"));
    CHECK(sim.state().talent.size() == 0);  // nothing loaded
    CHECK(sim.state().instruments.size() == s.policies.size());
  }
  SECTION("a value that must be finite") {
    fs::copy_file(intact, copy);
    REQUIRE(damage(copy, "checkpoint_state/institutes/cash_yuan", 1, std::numeric_limits<double>::quiet_NaN()));
    Simulation sim(s, key, State{});
    CHECK_THROWS_WITH(Checkpoint(copy).load_state(sim.state(), s),
                      Catch::Contains("institutes/cash_yuan holds nan at row 1: values must be finite"));
  }
  SECTION("every id column of every table, from the column lists") {
    const auto columns = id_columns();
    CHECK(columns.size() >= 15);
    for (const auto& column : columns) {
      INFO(column);
      fs::remove(copy);
      fs::copy_file(intact, copy);
      if (!damage(copy, "checkpoint_state/" + column, 0, 60000)) continue;  // an empty table
      Simulation sim(s, key, State{});
      CHECK_THROWS_WITH(Checkpoint(copy).load_state(sim.state(), s),
                        Catch::Contains("/checkpoint_state/" + column + " holds 60000 at row 0"));
    }
  }
  SECTION("the undamaged checkpoint loads") {
    Simulation sim(s, key, State{});
    CHECK_NOTHROW(Checkpoint(intact).load_state(sim.state(), s));
    CHECK(sim.months_completed() == 8);
  }
  fs::remove_all(dir);
}
