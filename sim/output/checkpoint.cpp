#include "output/checkpoint.hpp"

#include "output/disk_space.hpp"
#include "output/run_file.hpp"
#include "policies/policy.hpp"
#include "scenario/decode.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#ifndef INNOCHAIN_VERSION
#define INNOCHAIN_VERSION "0.0.0"
#endif
#include "git_sha.hpp"  // generated at build time: INNOCHAIN_GIT_SHA

namespace innochain {

namespace fs = std::filesystem;

namespace {

// Every agent table lists its columns once (core/columns.hpp): what is saved and loaded
// is that list. State mixes tables, vectors and scalars: its size on x86-64 with
// libstdc++, less its tables, when persist_state was last brought up to date catches a member added to State
// but not to persist_state below.
constexpr std::size_t kTables = sizeof(Institutes) + sizeof(Enterprises) + sizeof(Financiers) + sizeof(Talent) +
                                sizeof(Projects) + sizeof(Investments);
static_assert(sizeof(State) - kTables == 1104, "State changed: list the new member in persist_state (checkpoint.cpp)");

/// Every column of a table, in its list's order, in group `name`.
template <class Table>
void persist_table(StateIo& io, const std::string& name, Table& table) {
  io.push(name);
  table.for_each_column([&](auto& column, const ColumnInfo& info) { io.column(info.name, column); });
  io.pop();
}

/// A list of lists as offsets + values.
void persist_nested(StateIo& io, const std::string& name, std::vector<std::vector<std::int32_t>>& lists) {
  std::vector<std::int64_t> offsets{0};
  std::vector<std::int32_t> values;
  for (const auto& l : lists) {
    values.insert(values.end(), l.begin(), l.end());
    offsets.push_back(static_cast<std::int64_t>(values.size()));
  }
  io.push(name);
  io.column("offsets", offsets);
  io.column("values", values);
  io.pop();
  if (!io.loading()) return;
  if (offsets.empty() || offsets.back() != static_cast<std::int64_t>(values.size()))
    throw IoError("checkpoint: inconsistent " + name);
  lists.assign(offsets.size() - 1, {});
  for (std::size_t k = 0; k + 1 < offsets.size(); ++k)
    lists[k].assign(values.begin() + offsets[k], values.begin() + offsets[k + 1]);
}

void persist_matrix(StateIo& io, const std::string& name, Eigen::MatrixXd& m) {
  std::int64_t rows = m.rows(), cols = m.cols();
  std::vector<double> values(m.data(), m.data() + m.size());  // column-major
  io.push(name);
  io.scalar("rows", rows);
  io.scalar("cols", cols);
  io.column("values", values);
  io.pop();
  if (!io.loading()) return;
  if (rows < 0 || cols < 0 || static_cast<std::size_t>(rows * cols) != values.size())
    throw IoError("checkpoint: inconsistent " + name);
  m.resize(rows, cols);
  std::copy(values.begin(), values.end(), m.data());
}

template <class T>
hid_t mem_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else if constexpr (std::is_same_v<T, float>)
    return H5T_NATIVE_FLOAT;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_NATIVE_INT32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_NATIVE_INT64;
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_NATIVE_UINT8;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return H5T_NATIVE_UINT16;
  else
    return H5T_NATIVE_UINT64;
}

template <class T>
hid_t disk_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_IEEE_F64LE;
  else if constexpr (std::is_same_v<T, float>)
    return H5T_IEEE_F32LE;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return H5T_STD_I32LE;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return H5T_STD_I64LE;
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return H5T_STD_U8LE;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return H5T_STD_U16LE;
  else
    return H5T_STD_U64LE;
}

/// StateIo over an HDF5 group tree: one 1-D dataset per column.
class H5StateIo final : public StateIo {
 public:
  H5StateIo(hid_t root, bool loading) : loading_(loading) {
    groups_.emplace_back(h5::check(H5Gopen2(root, ".", H5P_DEFAULT), "open group"), H5Gclose);
  }
  bool loading() const override { return loading_; }
  void column(const std::string& n, std::vector<double>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<float>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::int32_t>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::int64_t>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::uint8_t>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::uint16_t>& v) override { io(n, v); }
  void column(const std::string& n, std::vector<std::uint64_t>& v) override { io(n, v); }
  void push(const std::string& g) override {
    path_.push_back(g);
    const hid_t parent = groups_.back().id();
    if (loading_) {
      if (H5Lexists(parent, g.c_str(), H5P_DEFAULT) <= 0) throw IoError("checkpoint lacks group " + where(""));
      groups_.push_back(h5::open_group(parent, g));
    } else {
      groups_.push_back(h5::create_group(parent, g));
    }
  }
  void pop() override {
    groups_.pop_back();
    path_.pop_back();
  }

 private:
  std::string where(const std::string& name) const {
    std::string p;
    for (const auto& s : path_) p += "/" + s;
    return p + (name.empty() ? "" : "/" + name);
  }

  template <class T>
  void io(const std::string& name, std::vector<T>& v) {
    const hid_t g = groups_.back().id();
    if (!loading_) {
      const hsize_t n = v.size();
      h5::Handle space(h5::check(H5Screate_simple(1, &n, nullptr), "dataspace"), H5Sclose);
      h5::Handle ds(
          h5::check(H5Dcreate2(g, name.c_str(), disk_type<T>(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    "create " + where(name)),
          H5Dclose);
      if (n > 0)
        h5::check(H5Dwrite(ds.id(), mem_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + where(name));
      return;
    }
    if (H5Lexists(g, name.c_str(), H5P_DEFAULT) <= 0)
      throw IoError("checkpoint lacks " + where(name) + " (written by another version of innochain?)");
    h5::Handle ds = h5::open_dataset(g, name);
    h5::Handle space(h5::check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
    if (H5Sget_simple_extent_ndims(space.id()) != 1) throw IoError("checkpoint: " + where(name) + " is not a column");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.id(), &n, nullptr);
    h5::Handle type(h5::check(H5Dget_type(ds.id()), "type"), H5Tclose);
    if (H5Tequal(type.id(), disk_type<T>()) <= 0) throw IoError("checkpoint: " + where(name) + " has the wrong type");
    v.resize(n);
    if (n > 0)
      h5::check(H5Dread(ds.id(), mem_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read " + where(name));
  }

  bool loading_;
  std::vector<h5::Handle> groups_;
  std::vector<std::string> path_;
};

/// Counts the bytes persist_state would write (for the free-space check).
class SizeStateIo final : public StateIo {
 public:
  std::uintmax_t bytes = 0;
  bool loading() const override { return false; }
  void column(const std::string&, std::vector<double>& v) override { bytes += v.size() * 8 + 512; }
  void column(const std::string&, std::vector<float>& v) override { bytes += v.size() * 4 + 512; }
  void column(const std::string&, std::vector<std::int32_t>& v) override { bytes += v.size() * 4 + 512; }
  void column(const std::string&, std::vector<std::int64_t>& v) override { bytes += v.size() * 8 + 512; }
  void column(const std::string&, std::vector<std::uint8_t>& v) override { bytes += v.size() + 512; }
  void column(const std::string&, std::vector<std::uint16_t>& v) override { bytes += v.size() * 2 + 512; }
  void column(const std::string&, std::vector<std::uint64_t>& v) override { bytes += v.size() * 8 + 512; }
  void push(const std::string&) override { bytes += 1024; }
  void pop() override {}
};

/// First line where two YAML texts differ, for messages.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  int line = 0;
  while (true) {
    ++line;
    const bool ga = static_cast<bool>(std::getline(sa, la)), gb = static_cast<bool>(std::getline(sb, lb));
    if (!ga && !gb) return "";
    if (!ga) la = "(end)";
    if (!gb) lb = "(end)";
    if (la != lb)
      return fmt::format("line {} of the resolved scenario: checkpoint has '{}', this run has '{}'", line, la, lb);
  }
}

}  // namespace

void persist_state(StateIo& io, State& s) {
  persist_table(io, "institutes", s.institutes);
  persist_table(io, "institute_levers", s.institutes.levers);
  persist_table(io, "enterprises", s.enterprises);
  persist_table(io, "enterprise_levers", s.enterprises.levers);
  persist_table(io, "financiers", s.financiers);
  persist_table(io, "talent", s.talent);
  persist_table(io, "projects", s.projects);
  io.push("project_lists");
  io.column("active", s.projects.active);
  io.pop();
  persist_table(io, "investments", s.investments);
  io.push("state");
  io.scalar("month", s.month);
  io.column("transfer_queue", s.transfer_queue);
  persist_nested(io, "enterprises_by_field", s.enterprises_by_field);
  io.column("launched_this_month", s.launched_this_month);
  io.column("base_final_demand", s.base_final_demand);
  std::vector<double> ledger(s.ledger.month.begin(), s.ledger.month.end());
  io.column("ledger", ledger);
  if (io.loading()) {
    if (ledger.size() != s.ledger.month.size()) throw IoError("checkpoint: ledger has the wrong size");
    std::copy(ledger.begin(), ledger.end(), s.ledger.month.begin());
  }
  io.column("policy_spending", s.policy_spending);
  io.column("policy_units", s.policy_units);
  io.pop();
  WorldLevers& l = s.levers;
  io.push("world_levers");
  persist_matrix(io, "friction", l.friction);
  io.scalar("inflow_multiplier_researcher", l.inflow_multiplier_researcher);
  io.scalar("inflow_multiplier_engineer", l.inflow_multiplier_engineer);
  io.column("outflow_multiplier", l.outflow_multiplier);
  io.column("wage_subsidy_rate", l.wage_subsidy_rate);
  io.column("wage_subsidy_policy", l.wage_subsidy_policy);
  io.column("wage_subsidy_allowance_yuan", l.wage_subsidy_allowance_yuan);
  io.column("platform_cost_share", l.platform_cost_share);
  io.column("platform_hazard_multiplier", l.platform_hazard_multiplier);
  io.column("platform_speed_multiplier", l.platform_speed_multiplier);
  io.column("platform_capacity", l.platform_capacity);
  io.column("platform_allowance_yuan", l.platform_allowance_yuan);
  io.column("platform_policy", l.platform_policy);
  io.pop();
  // s.events and s.ledger are cleared at the start of every month; s.eligibility is
  // derived from the scenario. Policy instances: their own lists, in scenario order.
  io.push("policies");
  std::int64_t instances = static_cast<std::int64_t>(s.instruments.size());
  io.scalar("instances", instances);
  const std::size_t n =
      std::min<std::size_t>(s.instruments.size(), static_cast<std::size_t>(std::max<std::int64_t>(0, instances)));
  for (std::size_t k = 0; k < n; ++k) {
    io.push(std::to_string(k));
    s.instruments[k]->persist(io);
    io.pop();
  }
  io.pop();
}

void write_checkpoint(const std::string& path, const CheckpointIdentity& id, State& state, RunFileWriter& writer) {
  h5::quiet_errors();
  const std::string partial = path + ".partial";
  {
    // Room for the state and a copy of the output so far (at most the run file's size).
    SizeStateIo size;
    persist_state(size, state);
    std::error_code ec;
    const auto output = fs::file_size(writer.partial_path(), ec);
    ensure_room(partial, size.bytes + (ec ? 0 : output) + id.scenario_yaml.size());
  }
  h5::Handle file;
  try {
    file = h5::create_file(partial);
    const hid_t f = file.id();
    h5::write_attr(f, "format", std::string("innochain-checkpoint"));
    h5::write_attr(f, "format_version", kCheckpointFormatVersion);
    h5::write_attr(f, "innochain_version", std::string(INNOCHAIN_VERSION));
    h5::write_attr(f, "git_sha", std::string(INNOCHAIN_GIT_SHA));
    h5::write_attr(f, "scenario_sha256", sha256_hex(id.scenario_yaml));
    h5::write_attr(f, "replication", id.replication);
    h5::write_attr(f, "months_completed", static_cast<std::int64_t>(state.month));
    h5::write_attr(f, "output_path", id.output_path);
    h5::write_attr(f, "status", std::string("partial"));
    h5::write_string(f, "scenario", id.scenario_yaml);
    {
      h5::Handle g = h5::create_group(f, "checkpoint_state");
      H5StateIo io(g.id(), false);
      persist_state(io, state);
    }
    {
      h5::Handle g = h5::create_group(f, "output");
      writer.save_output(g.id());
    }
    h5::write_attr(f, "status", std::string("complete"));
    if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 || !file.reset())
      throw IoError("cannot write checkpoint '" + partial + "' (disk full?)");
  } catch (...) {
    file.release();  // see h5::Handle::release
    std::error_code ec;
    fs::remove(partial, ec);
    throw;
  }
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw IoError("cannot rename '" + partial + "' to '" + path + "': " + ec.message());
  }
}

Checkpoint::Checkpoint(const std::string& path) : path_(path) {
  h5::quiet_errors();
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    const bool partial = fs::exists(path + ".partial", ec);
    throw IoError(
        "checkpoint '" + path + "' does not exist" +
        (partial ? " (only an unfinished '" + path + ".partial' is there: the run died while writing it)" : ""));
  }
  file_ = h5::open_file_read(path);
  const hid_t f = file_.id();
  if (!h5::has_attr(f, "format") || h5::read_string_attr(f, "format") != "innochain-checkpoint")
    throw IoError("'" + path + "' is not an innochain checkpoint");
  if (static_cast<std::int64_t>(h5::read_double_attr(f, "format_version")) != kCheckpointFormatVersion)
    throw IncompatibleCheckpoint("checkpoint '" + path + "' has another format version");
  if (!h5::has_attr(f, "status") || h5::read_string_attr(f, "status") != "complete")
    throw IoError("checkpoint '" + path + "' is incomplete (status is not 'complete')");
  month_ = static_cast<std::int32_t>(h5::read_double_attr(f, "months_completed"));
  identity_.scenario_yaml = h5::read_string(f, "scenario");
  identity_.replication = static_cast<std::int64_t>(h5::read_double_attr(f, "replication"));
  identity_.output_path = h5::read_string_attr(f, "output_path");
  version_ = h5::read_string_attr(f, "innochain_version");
  git_sha_ = h5::read_string_attr(f, "git_sha");
}

namespace {

void check_common(const std::string& path, const std::string& version, const std::string& git_sha,
                  std::int64_t replication_ckpt, std::int64_t replication) {
  if (version != INNOCHAIN_VERSION || git_sha != INNOCHAIN_GIT_SHA)
    throw IncompatibleCheckpoint(fmt::format(
        "checkpoint '{}' was written by innochain {} ({}), this is {} ({}): a checkpoint continues only with the "
        "program that wrote it",
        path, version, git_sha, INNOCHAIN_VERSION, INNOCHAIN_GIT_SHA));
  if (replication_ckpt != replication)
    throw IncompatibleCheckpoint(fmt::format("checkpoint '{}' is of replication {}, this run is replication {}", path,
                                             replication_ckpt, replication));
}

}  // namespace

void Checkpoint::check_resume(const std::string& scenario_yaml, std::int64_t replication) const {
  check_common(path_, version_, git_sha_, identity_.replication, replication);
  if (scenario_yaml != identity_.scenario_yaml)
    throw IncompatibleCheckpoint(fmt::format("checkpoint '{}' is of another scenario: {}", path_,
                                             first_difference(identity_.scenario_yaml, scenario_yaml)));
}

void Checkpoint::check_branch(const Scenario& s, std::int64_t replication) const {
  check_common(path_, version_, git_sha_, identity_.replication, replication);
  const Scenario base = load_scenario_text(identity_.scenario_yaml, path_ + ":/scenario", ".");
  if (s.horizon_months <= month_)
    throw IncompatibleCheckpoint(fmt::format("checkpoint '{}' is at month {}; horizon_months ({}) must be longer",
                                             path_, month_, s.horizon_months));
  if (s.policies.size() < base.policies.size())
    throw IncompatibleCheckpoint(
        fmt::format("checkpoint '{}' has {} policy instance(s); a branch must keep them as its first policies", path_,
                    base.policies.size()));
  for (std::size_t k = base.policies.size(); k < s.policies.size(); ++k)
    if (s.policies[k].start_month < month_)
      throw IncompatibleCheckpoint(fmt::format(
          "policy '{}' starts at month {}, before the checkpoint's month {}: a branch cannot change the past (set "
          "start_month: {} or later)",
          s.policies[k].name, s.policies[k].start_month, month_, month_));
  // Everything but the name, description, horizon and the added policies must be the same.
  Scenario candidate = s;
  candidate.name = base.name;
  candidate.description = base.description;
  candidate.horizon_months = base.horizon_months;
  candidate.policies.resize(base.policies.size());
  const std::string a = to_yaml(base), b = to_yaml(candidate);
  if (a != b)
    throw IncompatibleCheckpoint(fmt::format("checkpoint '{}' is of another world, population, seed or policy set: {}",
                                             path_, first_difference(a, b)));
}

void Checkpoint::load_state(State& state) const {
  const std::size_t instances = state.instruments.size();
  h5::Handle g = h5::open_group(file_.id(), "checkpoint_state");
  H5StateIo io(g.id(), true);
  persist_state(io, state);
  // A branch adds instances: they have not acted yet (zero spending, no allowance).
  state.policy_spending.resize(instances, 0.0);
  state.policy_units.resize(instances, 0.0);
  state.levers.wage_subsidy_allowance_yuan.resize(instances, 0.0);
}

void Checkpoint::restore_output(RunFileWriter& writer) const {
  h5::Handle g = h5::open_group(file_.id(), "output");
  writer.restore_output(g.id());
}

}  // namespace innochain
