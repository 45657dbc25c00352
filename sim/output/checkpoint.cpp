#include "output/checkpoint.hpp"

#include "output/disk_space.hpp"
#include "output/output_path.hpp"
#include "output/run_file.hpp"
#include "policies/policy.hpp"
#include "scenario/decode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
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
                                sizeof(Projects) + sizeof(Investments) + sizeof(ProductLines);
// State::hazard_cache is not saved: it is derived and checked against the tables before use.
// Nor is State::workforce_sums: it lives within a month (the talent market computes it and
// stock_metrics uses it up), and checkpoints are written between months.
static_assert(sizeof(State) - kTables - sizeof(State::HazardCache) - sizeof(State::WorkforceSums) == 1568,
              "State changed: list the new member in persist_state (checkpoint.cpp)");

/// Every column of a table, in its list's order, in group `name`, with the table's row count
/// ("rows"): loading checks each column against it as it is read (per-field columns, whose
/// length also depends on the world, are checked by CheckStateIo).
template <class Table>
void persist_table(StateIo& io, const std::string& name, Table& table) {
  io.push(name);
  std::int64_t rows = 0;
  table.for_each_column([&](const auto& column, const ColumnInfo& info) {
    if (rows == 0 && !(info.flags & kPerField)) rows = static_cast<std::int64_t>(column.size());
  });
  io.scalar("rows", rows);
  table.for_each_column([&](auto& column, const ColumnInfo& info) {
    io.column(info.name, column, info.flags);
    io.expect((info.flags & kPerField) || static_cast<std::int64_t>(column.size()) == rows,
              fmt::format("{} has {} values, the table {} rows", info.name, column.size(), rows));
  });
  io.pop();
}

/// A list of lists as offsets + values; `values_flags` says what the values are.
void persist_nested(StateIo& io, const std::string& name, std::vector<std::vector<std::int32_t>>& lists,
                    unsigned values_flags) {
  std::vector<std::int64_t> offsets{0};
  std::vector<std::int32_t> values;
  for (const auto& l : lists) {
    values.insert(values.end(), l.begin(), l.end());
    offsets.push_back(static_cast<std::int64_t>(values.size()));
  }
  io.push(name);
  io.column("offsets", offsets);
  io.column("values", values, values_flags);
  io.pop();
  if (!io.loading()) return;
  io.expect(!offsets.empty() && offsets.front() == 0 && offsets.back() == static_cast<std::int64_t>(values.size()) &&
                std::is_sorted(offsets.begin(), offsets.end()),
            name + "/offsets must rise from 0 to the number of values");
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
  const auto n = static_cast<std::int64_t>(values.size());
  io.expect(rows >= 0 && cols >= 0 && rows <= n && cols <= n && (rows == 0 || cols == n / rows) && rows * cols == n,
            name + ": rows x cols must be the number of values");
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
  /// The dataset read last (or the group entered last): where a problem found while loading is.
  const std::string& last() const { return last_; }

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
    last_ = "/checkpoint_state" + where(name);
    if (H5Lexists(g, name.c_str(), H5P_DEFAULT) <= 0)
      throw IoError("checkpoint lacks " + where(name) + " (written by another version of innochain?)");
    h5::Handle ds = h5::open_dataset(g, name);
    h5::Handle space(h5::check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
    if (H5Sget_simple_extent_ndims(space.id()) != 1) throw IoError("checkpoint: " + where(name) + " is not a column");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.id(), &n, nullptr);
    h5::Handle type(h5::check(H5Dget_type(ds.id()), "type"), H5Tclose);
    if (H5Tequal(type.id(), disk_type<T>()) <= 0) throw IoError("checkpoint: " + where(name) + " has the wrong type");
    // Memory stays bounded by the file: a column cannot hold more than the file does.
    hsize_t file_bytes = 0;
    {
      h5::Handle file(h5::check(H5Iget_file_id(g), "file of " + where(name)), H5Fclose);
      h5::check(H5Fget_filesize(file.id(), &file_bytes), "size of the checkpoint");
    }
    if (n > file_bytes / sizeof(T) + 1)
      throw IoError(fmt::format("checkpoint: {} claims {} values, more than the file holds", where(name), n));
    v.resize(n);
    if (n > 0)
      h5::check(H5Dread(ds.id(), mem_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "read " + where(name));
  }

  bool loading_;
  std::vector<h5::Handle> groups_;
  std::vector<std::string> path_;
  std::string last_;
};

/// Checks a loaded state against the metadata of its columns (core/columns.hpp) before
/// anything uses it, as a visitor over persist_state: every column of an agent table has the
/// table's rows (times the fields for per-field columns); ids and indexes are within what
/// they refer to (-1 only where a column allows "none"; an employer or a holder in the table
/// its kind names); codes are below their count; floating-point values are finite; the
/// world-level lists have the lengths the world gives them. The first problem found is
/// thrown as IoError naming the dataset.
class CheckStateIo final : public StateIo {
 public:
  CheckStateIo(const State& s, std::string file, std::size_t fields, std::size_t regions, std::size_t saved_instances)
      : s_(s),
        file_(std::move(file)),
        fields_(fields),
        regions_(regions),
        instances_(saved_instances),
        table_rows_{{"institutes", s.institutes.size()},   {"institute_levers", s.institutes.size()},
                    {"enterprises", s.enterprises.size()}, {"enterprise_levers", s.enterprises.size()},
                    {"financiers", s.financiers.size()},   {"talent", s.talent.size()},
                    {"projects", s.projects.size()},       {"investments", s.investments.size()}} {
    // Lists of the world and of the policy instances: (dataset, its length). A checkpoint is
    // written after a month, so the policy phase has sized every lever for the world.
    const std::size_t cells = fields * regions;
    lengths_ = {{"state/base_final_demand", fields},
                {"state/enterprises_by_field/offsets", fields + 1},
                {"state/policy_spending", saved_instances},
                {"state/policy_units", saved_instances},
                {"world_levers/friction/values", regions * regions},
                {"world_levers/outflow_multiplier", regions},
                {"world_levers/wage_subsidy_rate", regions},
                {"world_levers/wage_subsidy_policy", regions},
                {"world_levers/wage_subsidy_allowance_yuan", saved_instances},
                {"world_levers/platform_cost_share", cells},
                {"world_levers/platform_hazard_multiplier", cells},
                {"world_levers/platform_speed_multiplier", cells},
                {"world_levers/platform_capacity", cells},
                {"world_levers/platform_allowance_yuan", cells},
                {"world_levers/platform_policy", cells},
                {"world_levers/subsidy_pool_yuan", saved_instances},
                {"world_levers/entry_compute_subsidy_rate", cells},
                {"world_levers/entry_rd_subsidy_rate", cells},
                {"world_levers/compute_capacity_gpu_hours", regions},
                {"compute_market/capacity_gpu_hours", regions},
                {"compute_market/wanted_gpu_hours", regions}};
    // Scalars that are sizes of the world.
    sizes_ = {{"world_levers/friction/rows", regions}, {"world_levers/friction/cols", regions}};
  }
  bool loading() const override { return false; }
  void next_flags(unsigned flags) override { flags_ = flags; }
  void column(const std::string& n, std::vector<double>& v) override { check(n, v); }
  void column(const std::string& n, std::vector<float>& v) override { check(n, v); }
  void column(const std::string& n, std::vector<std::int32_t>& v) override { check(n, v); }
  void column(const std::string& n, std::vector<std::int64_t>& v) override { check(n, v); }
  void column(const std::string& n, std::vector<std::uint8_t>& v) override { check(n, v); }
  void column(const std::string& n, std::vector<std::uint16_t>& v) override { check(n, v); }
  void column(const std::string& n, std::vector<std::uint64_t>& v) override { check(n, v); }
  void push(const std::string& group) override { path_.push_back(group); }
  void pop() override { path_.pop_back(); }

 private:
  std::string path(const std::string& name) const {
    std::string p;
    for (const auto& g : path_) p += g + "/";
    return p + name;
  }

  [[noreturn]] void fail(const std::string& dataset, const std::string& what) const {
    throw IoError(fmt::format("checkpoint '{}' is damaged: /checkpoint_state/{} {}", file_, dataset, what));
  }

  /// Rows of the table a row of ids refers to (employers and holders: the table of their kind).
  std::size_t rows_of(Ref r, std::size_t row) const {
    switch (r) {
      case Ref::institute:
        return s_.institutes.size();
      case Ref::enterprise:
        return s_.enterprises.size();
      case Ref::financier:
        return s_.financiers.size();
      case Ref::talent:
        return s_.talent.size();
      case Ref::project:
        return s_.projects.size();
      case Ref::region:
        return regions_;
      case Ref::field:
        return fields_;
      case Ref::policy:
        return instances_;
      case Ref::cell:
        return fields_ * regions_;
      case Ref::employer: {
        const EmployerKind k = s_.talent.employer_kind[row];
        return k == EmployerKind::institute    ? s_.institutes.size()
               : k == EmployerKind::enterprise ? s_.enterprises.size()
                                               : 0;
      }
      case Ref::holder:
        return s_.projects.holder_kind[row] == HolderKind::institute ? s_.institutes.size() : s_.enterprises.size();
      default:
        return 0;
    }
  }

  template <class T>
  void check(const std::string& name, const std::vector<T>& v) {
    const unsigned flags = std::exchange(flags_, 0u);
    const std::string dataset = path(name);
    if (path_.size() == 1 && name != "rows") {  // "rows": the table's count, checked while loading
      if (const auto t = table_rows_.find(path_[0]); t != table_rows_.end()) {
        const std::size_t rows = t->second * ((flags & kPerField) ? fields_ : 1);
        if (v.size() != rows)
          fail(dataset, fmt::format("has {} values, the {} table {} rows{}", v.size(), path_[0], t->second,
                                    (flags & kPerField) ? fmt::format(" x {} fields", fields_) : ""));
      }
    }
    if (const auto l = lengths_.find(dataset); l != lengths_.end() && v.size() != l->second)
      fail(dataset, fmt::format("has {} values, not {}", v.size(), l->second));
    if (const auto z = sizes_.find(dataset);
        z != sizes_.end() && (v.size() != 1 || static_cast<long double>(v[0]) != static_cast<long double>(z->second)))
      fail(dataset, fmt::format("is {}, not {}", v.empty() ? 0.0L : static_cast<long double>(v[0]), z->second));
    for (std::size_t k = 0; k < v.size(); ++k) {
      if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(v[k])) fail(dataset, fmt::format("holds {} at row {}: values must be finite", v[k], k));
      } else {
        const auto x = static_cast<long double>(v[k]);
        if (const unsigned below = column_values_below(flags); below > 0 && !(x >= 0 && x < below))
          fail(dataset, fmt::format("holds {} at row {}, not a code from 0 to {}", v[k], k, below - 1));
        const Ref r = column_ref(flags);
        if (r == Ref::none) continue;
        const bool none = x == -1 && ((flags & kNoneAllowed) || (r == Ref::employer && rows_of(r, k) == 0));
        if (!none && !(x >= 0 && x < static_cast<long double>(rows_of(r, k))))
          fail(dataset, fmt::format("holds {} at row {}, outside the {} rows it refers to{}", v[k], k, rows_of(r, k),
                                    (flags & kNoneAllowed) ? " (or -1)" : ""));
      }
    }
  }

  const State& s_;
  std::string file_;
  std::size_t fields_, regions_, instances_;
  std::map<std::string, std::size_t> table_rows_;
  std::map<std::string, std::size_t> lengths_, sizes_;
  std::vector<std::string> path_;
  unsigned flags_ = 0;
};

/// Counts the bytes persist_state would write (for the free-space check): the data plus an
/// allowance for each dataset's and group's HDF5 metadata (object header, chunk index), which
/// is about 2 KiB for the small columns that make up most of the state.
class SizeStateIo final : public StateIo {
 public:
  static constexpr std::uintmax_t kPerColumn = 2048, kPerGroup = 4096;
  std::uintmax_t bytes = 0;
  bool loading() const override { return false; }
  void column(const std::string&, std::vector<double>& v) override { bytes += v.size() * 8 + kPerColumn; }
  void column(const std::string&, std::vector<float>& v) override { bytes += v.size() * 4 + kPerColumn; }
  void column(const std::string&, std::vector<std::int32_t>& v) override { bytes += v.size() * 4 + kPerColumn; }
  void column(const std::string&, std::vector<std::int64_t>& v) override { bytes += v.size() * 8 + kPerColumn; }
  void column(const std::string&, std::vector<std::uint8_t>& v) override { bytes += v.size() + kPerColumn; }
  void column(const std::string&, std::vector<std::uint16_t>& v) override { bytes += v.size() * 2 + kPerColumn; }
  void column(const std::string&, std::vector<std::uint64_t>& v) override { bytes += v.size() * 8 + kPerColumn; }
  void push(const std::string&) override { bytes += kPerGroup; }
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
  io.column("active", s.projects.active, ref(Ref::project));
  io.pop();
  persist_table(io, "investments", s.investments);
  persist_table(io, "product_lines", s.lines);
  io.push("state");
  io.scalar("month", s.month);
  io.column("transfer_queue", s.transfer_queue, ref(Ref::project));
  persist_nested(io, "enterprises_by_field", s.enterprises_by_field, ref(Ref::enterprise));
  io.column("launched_this_month", s.launched_this_month, ref(Ref::project));
  io.column("base_final_demand", s.base_final_demand);
  io.column("line_reference_appeal", s.line_reference_appeal);
  io.column("reference_revenue_per_firm", s.reference_revenue_per_firm);
  io.scalar("market_wage_index", s.market_wage_index);
  io.scalar("starting_wage_index", s.starting_wage_index);
  std::vector<double> ledger(s.ledger.month.begin(), s.ledger.month.end());
  io.column("ledger", ledger);
  if (io.loading()) {
    io.expect(ledger.size() == s.ledger.month.size(), "ledger has the wrong size");
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
  io.column("wage_subsidy_policy", l.wage_subsidy_policy, ref(Ref::policy) | kNoneAllowed);
  io.column("wage_subsidy_allowance_yuan", l.wage_subsidy_allowance_yuan);
  io.column("platform_cost_share", l.platform_cost_share);
  io.column("platform_hazard_multiplier", l.platform_hazard_multiplier);
  io.column("platform_speed_multiplier", l.platform_speed_multiplier);
  io.column("platform_capacity", l.platform_capacity);
  io.column("platform_allowance_yuan", l.platform_allowance_yuan);
  io.column("platform_policy", l.platform_policy, ref(Ref::policy) | kNoneAllowed);
  io.column("subsidy_pool_yuan", l.subsidy_pool_yuan);
  io.column("entry_compute_subsidy_rate", l.entry_compute_subsidy_rate);
  io.column("entry_rd_subsidy_rate", l.entry_rd_subsidy_rate);
  io.column("compute_capacity_gpu_hours", l.compute_capacity_gpu_hours);
  io.pop();
  io.push("compute_market");
  io.scalar("price_yuan_per_gpu_hour", s.compute.price_yuan_per_gpu_hour);
  io.scalar("served_share", s.compute.served_share);
  io.column("capacity_gpu_hours", s.compute.capacity_gpu_hours);
  io.column("wanted_gpu_hours", s.compute.wanted_gpu_hours);
  io.pop();
  // s.events and s.ledger are cleared at the start of every month; s.eligibility is
  // derived from the scenario. Policy instances: their own lists, in scenario order.
  io.push("policies");
  std::int64_t instances = static_cast<std::int64_t>(s.instruments.size());
  io.scalar("instances", instances);
  // A branch may add instances after the checkpoint's, never have fewer.
  io.expect(instances >= 0 && static_cast<std::size_t>(instances) <= s.instruments.size(),
            "the checkpoint has " + std::to_string(instances) + " policy instances, the run " +
                std::to_string(s.instruments.size()));
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
  const PartialFileClaim claim(partial);
  h5::Handle file;
  try {
    file = h5::create_file(partial, true);
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
  } catch (const std::exception& e) {
    file.release();  // see h5::Handle::release
    // The estimate above leaves out HDF5's own overhead: a write that failed with the disk
    // below the reserve failed for lack of room, and is reported as such.
    bool full = false;
    try {
      ensure_room(partial, 0);
    } catch (const IoError&) {
      full = true;
    }
    std::error_code ec;
    fs::remove(partial, ec);
    if (full) throw IoError(fmt::format("disk full while writing checkpoint '{}': {}", partial, e.what()));
    throw;
  } catch (...) {
    file.release();
    std::error_code ec;
    fs::remove(partial, ec);
    throw;
  }
  std::error_code ec;
  try {
    check_output_path(path, true, "checkpoint");  // a device or directory may have appeared there meanwhile
  } catch (...) {
    fs::remove(partial, ec);
    throw;
  }
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
  // Everything that says what the file is, checked before any of it is used (exit 3: a
  // checkpoint this program cannot continue is a file it cannot read).
  if (!h5::has_attr(f, "format") || h5::read_string_attr(f, "format") != "innochain-checkpoint")
    throw IoError("'" + path + "' is not an innochain checkpoint");
  for (const char* attr : {"format_version", "status", "innochain_version", "git_sha", "scenario_sha256", "replication",
                           "months_completed", "output_path"})
    if (!h5::has_attr(f, attr)) throw IoError("checkpoint '" + path + "' is damaged: it has no attribute " + attr);
  const double version = h5::read_double_attr(f, "format_version");
  if (version != static_cast<double>(kCheckpointFormatVersion))
    throw IoError(fmt::format("checkpoint '{}' has format_version {}; this innochain reads version {}", path, version,
                              kCheckpointFormatVersion));
  if (h5::read_string_attr(f, "status") != "complete")
    throw IoError("checkpoint '" + path + "' is incomplete (status is not 'complete')");
  version_ = h5::read_string_attr(f, "innochain_version");
  git_sha_ = h5::read_string_attr(f, "git_sha");
  if (version_ != INNOCHAIN_VERSION || git_sha_ != INNOCHAIN_GIT_SHA)
    throw IoError(fmt::format(
        "checkpoint '{}' was written by innochain {} ({}), this is {} ({}): a checkpoint continues only with the "
        "program that wrote it",
        path, version_, git_sha_, INNOCHAIN_VERSION, INNOCHAIN_GIT_SHA));
  if (H5Lexists(f, "scenario", H5P_DEFAULT) <= 0 || H5Lexists(f, "checkpoint_state", H5P_DEFAULT) <= 0 ||
      H5Lexists(f, "output", H5P_DEFAULT) <= 0)
    throw IoError("checkpoint '" + path + "' is damaged: it lacks /scenario, /checkpoint_state or /output");
  identity_.scenario_yaml = h5::read_string(f, "scenario");
  // The scenario is the run's identity: an edited /scenario would continue another run.
  if (sha256_hex(identity_.scenario_yaml) != h5::read_string_attr(f, "scenario_sha256"))
    throw IoError("checkpoint '" + path +
                  "' is damaged: /scenario does not match its scenario_sha256 (the scenario text was changed)");
  const double month = h5::read_double_attr(f, "months_completed");
  const double replication = h5::read_double_attr(f, "replication");
  if (!(month >= 0 && month <= 12000 && month == std::floor(month)))
    throw IoError(fmt::format("checkpoint '{}' is damaged: months_completed is {}", path, month));
  if (!(replication >= 0 && replication <= 1e9 && replication == std::floor(replication)))
    throw IoError(fmt::format("checkpoint '{}' is damaged: replication is {}", path, replication));
  month_ = static_cast<std::int32_t>(month);
  identity_.replication = static_cast<std::int64_t>(replication);
  identity_.output_path = h5::read_string_attr(f, "output_path");
}

namespace {

void check_common(const std::string& path, std::int64_t replication_ckpt, std::int64_t replication) {
  if (replication_ckpt != replication)
    throw IncompatibleCheckpoint(fmt::format("checkpoint '{}' is of replication {}, this run is replication {}", path,
                                             replication_ckpt, replication));
}

}  // namespace

void Checkpoint::check_resume(const std::string& scenario_yaml, std::int64_t replication) const {
  check_common(path_, identity_.replication, replication);
  if (scenario_yaml != identity_.scenario_yaml)
    throw IncompatibleCheckpoint(fmt::format("checkpoint '{}' is of another scenario: {}", path_,
                                             first_difference(identity_.scenario_yaml, scenario_yaml)));
}

std::string spin_up_checkpoint_path(const std::string& dir, const Scenario& s, std::int64_t replication) {
  Scenario key = s;
  key.policies.clear();
  key.name = "spin_up";
  key.description.clear();
  key.horizon_months = 1;
  const std::string digest = sha256_hex(fmt::format("{}\nreplication: {}\nversion: {} {}\n", to_yaml(key), replication,
                                                    INNOCHAIN_VERSION, INNOCHAIN_GIT_SHA));
  return (fs::path(dir) / fmt::format("spin_up-{}.checkpoint", digest.substr(0, 32))).string();
}

void Checkpoint::check_branch(const Scenario& s, std::int64_t replication) const {
  check_common(path_, identity_.replication, replication);
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

void Checkpoint::load_state(State& state, const Scenario& scenario) const {
  // Read into a state of its own, with fresh policy instances of the run's scenario: nothing
  // of the run's state is touched until everything read has been checked.
  State loaded;
  for (const PolicyConfig& p : scenario.policies)
    loaded.instruments.push_back(find_instrument_type(p.type)->make(p, scenario));
  h5::Handle g = h5::open_group(file_.id(), "checkpoint_state");
  H5StateIo io(g.id(), true);
  try {
    persist_state(io, loaded);
  } catch (const IoError& e) {
    throw IoError(fmt::format("checkpoint '{}' is damaged: {}", path_, e.what()));
  } catch (const std::exception& e) {  // InconsistentState, or an allocation a damaged size asked for
    throw IoError(fmt::format("checkpoint '{}' is damaged: {}: {}", path_, io.last(), e.what()));
  }
  const auto saved_instances = static_cast<std::size_t>(h5::read_doubles(g.id(), "policies/instances").at(0));
  CheckStateIo check(loaded, path_, scenario.world.fields.size(), scenario.world.regions.size(), saved_instances);
  persist_state(check, loaded);
  if (loaded.month != month_)
    throw IoError(fmt::format("checkpoint '{}' is damaged: /checkpoint_state/state/month is {}, months_completed {}",
                              path_, loaded.month, month_));
  if (month_ > scenario.horizon_months)
    throw IoError(fmt::format("checkpoint '{}' is at month {}, past the horizon ({} months)", path_, month_,
                              scenario.horizon_months));
  loaded.eligibility = std::move(state.eligibility);
  state = std::move(loaded);
  // A branch adds instances: they have not acted yet (zero spending, no allowance).
  const std::size_t instances = state.instruments.size();
  state.policy_spending.resize(instances, 0.0);
  state.policy_units.resize(instances, 0.0);
  if (!state.levers.wage_subsidy_allowance_yuan.empty())
    state.levers.wage_subsidy_allowance_yuan.resize(instances, 0.0);
}

void Checkpoint::check_output(const RunInfo& info) const {
  h5::Handle g = h5::open_group(file_.id(), "output");
  try {
    RunFileWriter::check_saved_output(g.id(), info, month_);
  } catch (const IoError& e) {
    throw IoError(fmt::format("checkpoint '{}' is damaged: {}", path_, e.what()));
  }
}

void Checkpoint::restore_output(RunFileWriter& writer) const {
  h5::Handle g = h5::open_group(file_.id(), "output");
  writer.restore_output(g.id());
}

}  // namespace innochain
