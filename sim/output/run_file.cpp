#include "output/run_file.hpp"

#include "output/disk_space.hpp"
#include "output/output_path.hpp"

#include <fmt/format.h>
#include <hdf5_hl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <type_traits>

#ifndef INNOCHAIN_VERSION
#define INNOCHAIN_VERSION "0.0.0"
#endif
#include "git_sha.hpp"  // generated at build time: INNOCHAIN_GIT_SHA

namespace innochain {

namespace fs = std::filesystem;

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    hex += buf;
  }
  return hex;
}

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_NATIVE_DOUBLE;
  else
    return H5T_NATIVE_INT32;
}

template <class T>
hid_t file_type() {
  if constexpr (std::is_same_v<T, double>)
    return H5T_IEEE_F64LE;
  else
    return H5T_STD_I32LE;
}

/// Opens group PATH (creating it and its parents) below `root`.
h5::Handle group_at(hid_t root, const std::string& path) {
  h5::Handle g(h5::check(H5Gopen2(root, ".", H5P_DEFAULT), "open group"), H5Gclose);
  std::size_t start = 0;
  while (start < path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    start = slash == std::string::npos ? path.size() : slash + 1;
    if (part.empty()) continue;
    g = H5Lexists(g.id(), part.c_str(), H5P_DEFAULT) > 0 ? h5::open_group(g.id(), part)
                                                         : h5::create_group(g.id(), part);
  }
  return g;
}

/// Appends `values` to the extensible 1-D dataset NAME of `group`, creating it on first use.
template <class T>
void append_column(hid_t group, const std::string& name, const std::vector<T>& values, int level) {
  const hsize_t n = values.size();
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) {
    const hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = 4096;
    h5::Handle space(h5::check(H5Screate_simple(1, &zero, &unlimited), "dataspace"), H5Sclose);
    h5::Handle dcpl(h5::check(H5Pcreate(H5P_DATASET_CREATE), "dcpl"), H5Pclose);
    H5Pset_chunk(dcpl.id(), 1, &chunk);
    if (level > 0) {
      H5Pset_shuffle(dcpl.id());
      H5Pset_deflate(dcpl.id(), static_cast<unsigned>(level));
    }
    h5::Handle(
        h5::check(H5Dcreate2(group, name.c_str(), file_type<T>(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                  "create " + name),
        H5Dclose);
  }
  if (n == 0) return;
  h5::Handle ds = h5::open_dataset(group, name);
  h5::Handle old_space(h5::check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
  hsize_t old = 0;
  H5Sget_simple_extent_dims(old_space.id(), &old, nullptr);
  const hsize_t total = old + n;
  h5::check(H5Dset_extent(ds.id(), &total), "extend " + name);
  h5::Handle space(h5::check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
  H5Sselect_hyperslab(space.id(), H5S_SELECT_SET, &old, nullptr, &n, nullptr);
  h5::Handle mem(h5::check(H5Screate_simple(1, &n, nullptr), "dataspace"), H5Sclose);
  h5::check(H5Dwrite(ds.id(), native_type<T>(), mem.id(), space.id(), H5P_DEFAULT, values.data()), "write " + name);
}

/// Writes `values` as row `row` of the 2-D dataset NAME [snapshot, agent], widening it as
/// tables grow; cells past an agent table's size at that snapshot hold the fill value.
template <class T>
void append_row(hid_t group, const std::string& name, hsize_t row, const std::vector<T>& values, int level) {
  const hsize_t n = values.size();
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) {
    const hsize_t dims[2] = {0, 0}, maxdims[2] = {H5S_UNLIMITED, H5S_UNLIMITED};
    const hsize_t chunk[2] = {1, std::clamp<hsize_t>(n, 1, 65536)};
    h5::Handle space(h5::check(H5Screate_simple(2, dims, maxdims), "dataspace"), H5Sclose);
    h5::Handle dcpl(h5::check(H5Pcreate(H5P_DATASET_CREATE), "dcpl"), H5Pclose);
    H5Pset_chunk(dcpl.id(), 2, chunk);
    const T fill = std::is_same_v<T, double> ? static_cast<T>(std::numeric_limits<double>::quiet_NaN()) : T(-1);
    H5Pset_fill_value(dcpl.id(), native_type<T>(), &fill);
    if (level > 0) {
      H5Pset_shuffle(dcpl.id());
      H5Pset_deflate(dcpl.id(), static_cast<unsigned>(level));
    }
    h5::Handle(
        h5::check(H5Dcreate2(group, name.c_str(), file_type<T>(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                  "create " + name),
        H5Dclose);
  }
  h5::Handle ds = h5::open_dataset(group, name);
  h5::Handle old_space(h5::check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
  hsize_t old[2] = {0, 0};
  H5Sget_simple_extent_dims(old_space.id(), old, nullptr);
  const hsize_t dims[2] = {row + 1, std::max(old[1], n)};
  h5::check(H5Dset_extent(ds.id(), dims), "extend " + name);
  if (n == 0) return;
  h5::Handle space(h5::check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
  const hsize_t start[2] = {row, 0}, count[2] = {1, n};
  H5Sselect_hyperslab(space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  h5::Handle mem(h5::check(H5Screate_simple(2, count, nullptr), "dataspace"), H5Sclose);
  h5::check(H5Dwrite(ds.id(), native_type<T>(), mem.id(), space.id(), H5P_DEFAULT, values.data()), "write " + name);
}

template <class From>
std::vector<std::int32_t> as_int(const std::vector<From>& v) {
  return std::vector<std::int32_t>(v.begin(), v.end());
}

template <class From>
std::vector<double> as_double(const std::vector<From>& v) {
  return std::vector<double>(v.begin(), v.end());
}

/// The event logs' columns, in file order: f(group, name, column) for each (one list
/// for writing them and for restoring them from a checkpoint).
template <class Log, class F>
void event_columns(Log& ev, F&& f) {
  auto& t = ev.transfers;
  f("events/transfers", "month", t.month);
  f("events/transfers", "project", t.project);
  f("events/transfers", "institute", t.institute);
  f("events/transfers", "route", t.route);
  f("events/transfers", "counterpart", t.counterpart);
  f("events/transfers", "value", t.value);
  f("events/transfers", "quality", t.quality);
  auto& d = ev.deals;
  f("events/deals", "month", d.month);
  f("events/deals", "enterprise", d.enterprise);
  f("events/deals", "financier", d.financier);
  f("events/deals", "financier_kind", d.financier_kind);
  f("events/deals", "round", d.round);
  f("events/deals", "amount", d.amount);
  f("events/deals", "pre_money", d.pre_money);
  f("events/deals", "venture_stage", d.venture_stage);
  auto& l = ev.launches;
  f("events/launches", "month", l.month);
  f("events/launches", "project", l.project);
  f("events/launches", "field", l.field);
  f("events/launches", "holder", l.holder);
  f("events/launches", "origin_institute", l.origin_institute);
  f("events/launches", "created_month", l.created_month);
  f("events/launches", "quality", l.quality);
  auto& r = ev.recipients;
  f("policy_recipients", "month", r.month);
  f("policy_recipients", "instance", r.instance);
  f("policy_recipients", "enterprise", r.enterprise);
  f("policy_recipients", "kind", r.kind);
  f("policy_recipients", "field", r.field);
  f("policy_recipients", "region", r.region);
  f("policy_recipients", "amount", r.amount);
  f("policy_recipients", "bill", r.bill);
  f("policy_recipients", "allowance", r.allowance);
  f("policy_recipients", "cash_constrained", r.cash_constrained);
}

/// Copies the data (not the attributes) of every dataset below src/NAME to dst/NAME.
void copy_data(hid_t src, const std::string& name, hid_t dst) {
  H5I_type_t kind;
  {
    h5::Handle obj(h5::check(H5Oopen(src, name.c_str(), H5P_DEFAULT), "open " + name), H5Oclose);
    kind = H5Iget_type(obj.id());
  }
  if (kind == H5I_GROUP) {
    h5::Handle from = h5::open_group(src, name);
    h5::Handle to = h5::create_group(dst, name);
    for (const auto& member : h5::list_group(from.id())) copy_data(from.id(), member, to.id());
    return;
  }
  if (kind != H5I_DATASET) return;
  h5::Handle ds = h5::open_dataset(src, name);
  h5::Handle type(h5::check(H5Dget_type(ds.id()), "type"), H5Tclose);
  h5::Handle space(h5::check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  std::vector<unsigned char> bytes(static_cast<std::size_t>(n) * H5Tget_size(type.id()));
  if (n > 0) h5::check(H5Dread(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), "read " + name);
  h5::Handle out_space(h5::check(H5Screate_simple(rank, dims.data(), nullptr), "dataspace"), H5Sclose);
  h5::Handle out(
      h5::check(H5Dcreate2(dst, name.c_str(), type.id(), out_space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                "create " + name),
      H5Dclose);
  if (n > 0) h5::check(H5Dwrite(out.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), "write " + name);
}

bool is_integer(hid_t ds) {
  h5::Handle type(h5::check(H5Dget_type(ds), "type"), H5Tclose);
  return H5Tget_class(type.id()) == H5T_INTEGER;
}

}  // namespace

void RunFileWriter::append_events(const EventLog& ev) {
  const int level = info_.compression_level;
  std::uintmax_t bytes = 0;
  event_columns(ev, [&](const char*, const char*, const auto& column) { bytes += column.size() * 8; });
  if (bytes > 0) ensure_room(partial_, bytes);
  event_columns(ev, [&](const char* group, const char* name, const auto& column) {
    if (column.empty()) return;  // logs of a kind with no event yet are not created
    h5::Handle g = group_at(file_.id(), group);
    append_column(g.id(), name, column, level);
  });
}

void RunFileWriter::save_output(hid_t group) {
  flush();
  const hid_t f = file_.id();
  for (const char* name : {"month", "series", "events", "policy_recipients", "snapshots"})
    if (H5Lexists(f, name, H5P_DEFAULT) > 0) copy_data(f, name, group);
  h5::write_attr(group, "snapshots", static_cast<std::int64_t>(snapshots_));
}

namespace {

/// A saved integer column's values, read as doubles, must be whole numbers an int32 holds:
/// restore_output converts them back.
void check_whole(const std::vector<double>& values, const std::string& path) {
  for (std::size_t k = 0; k < values.size(); ++k)
    if (!(values[k] == std::floor(values[k]) && std::abs(values[k]) <= 2147483647.0))
      throw IoError(fmt::format("/output/{} holds {} at {}, not a whole number", path, values[k], k));
}

}  // namespace

void RunFileWriter::check_saved_output(hid_t group, const RunInfo& info, std::int64_t months) {
  const auto present = [](hid_t g, const std::string& path) { return H5Lexists(g, path.c_str(), H5P_DEFAULT) > 0; };
  if (!present(group, "month")) throw IoError("/output/month is missing");
  std::vector<hsize_t> dims;
  const std::vector<double> saved_months = h5::read_doubles(group, "month", &dims);
  if (dims.size() != 1 || saved_months.size() != static_cast<std::size_t>(months))
    throw IoError(
        fmt::format("/output/month has {} values, the checkpoint is at month {}", saved_months.size(), months));
  for (std::size_t t = 0; t < saved_months.size(); ++t)
    if (saved_months[t] != static_cast<double>(t))
      throw IoError(fmt::format("/output/month holds {} at {}", saved_months[t], t));
  const std::size_t fields = info.fields.size(), regions = info.regions.size(), policies = info.policies.size();
  for (int m = 0; m < kMetricCount; ++m) {
    const MetricDef& def = kMetrics[m];
    const std::string path = std::string("series/") + def.name;
    if (!present(group, "series") || !present(group, path)) throw IoError("/output/" + path + " is missing");
    h5::Handle ds = h5::open_dataset(group, path);
    h5::Handle space(h5::check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.id());
    hsize_t d[2] = {0, 1};
    if (rank == 1 || rank == 2) H5Sget_simple_extent_dims(space.id(), d, nullptr);
    const std::size_t width = metric_width(def, fields, regions, policies);
    if ((rank != 1 && rank != 2) || d[0] != saved_months.size() || d[1] > width ||
        (d[1] != width && def.dim != Dim::policy))
      throw IoError("/output/" + path + " does not fit this run");
  }
  if (present(group, "events")) {
    EventLog ev;
    std::map<std::string, std::size_t> lengths;  // per event group: one length for every column
    event_columns(ev, [&](const char* g, const char* name, auto& column) {
      const std::string log = g;  // "events/deals", ...
      const std::string path = log + "/" + name;
      if (!present(group, log)) return;
      if (!present(group, path)) throw IoError("/output/" + path + " is missing");
      std::vector<hsize_t> d;
      const std::vector<double> values = h5::read_doubles(group, path, &d);
      if (d.size() != 1) throw IoError("/output/" + path + " is not a column");
      const auto [it, first] = lengths.emplace(log, values.size());
      if (!first && it->second != values.size())
        throw IoError(
            fmt::format("/output/{} has {} values, the other columns of {} {}", path, values.size(), log, it->second));
      if constexpr (std::is_integral_v<typename std::decay_t<decltype(column)>::value_type>) check_whole(values, path);
    });
  }
  if (present(group, "snapshots")) {
    h5::Handle snaps = h5::open_group(group, "snapshots");
    if (!present(snaps.id(), "month")) throw IoError("/output/snapshots/month is missing");
    const std::vector<double> snap_months = h5::read_doubles(snaps.id(), "month");
    check_whole(snap_months, "snapshots/month");
    for (const auto& kind : h5::list_group(snaps.id())) {
      if (kind == "month") continue;
      h5::Handle kg = h5::open_group(snaps.id(), kind);
      for (const auto& name : h5::list_group(kg.id())) {
        const std::string path = "snapshots/" + kind + "/" + name;
        std::vector<hsize_t> d;
        const std::vector<double> values = h5::read_doubles(kg.id(), name, &d);
        if (d.size() != 2 || d[0] != snap_months.size())
          throw IoError(fmt::format("/output/{} is not [{} snapshots x agents]", path, snap_months.size()));
        if (is_integer(h5::open_dataset(kg.id(), name).id())) check_whole(values, path);
      }
    }
  }
}

void RunFileWriter::restore_output(hid_t group) {
  const int level = info_.compression_level;
  const std::vector<double> months = h5::read_doubles(group, "month");
  const std::size_t fields = info_.fields.size(), regions = info_.regions.size(), policies = info_.policies.size();
  // Series: replayed month by month through append(), so /summary adds up exactly as in
  // the uninterrupted run.
  std::vector<std::vector<double>> saved(kMetricCount);
  std::vector<std::size_t> saved_width(kMetricCount);
  for (int m = 0; m < kMetricCount; ++m) {
    const MetricDef& def = kMetrics[m];
    std::vector<hsize_t> dims;
    saved[m] = h5::read_doubles(group, std::string("series/") + def.name, &dims);
    saved_width[m] = dims.size() > 1 ? dims[1] : 1;
    const std::size_t width = metric_width(def, fields, regions, policies);
    if (dims.empty() || dims[0] != months.size() || saved_width[m] > width ||
        (saved_width[m] != width && def.dim != Dim::policy))
      throw IoError(std::string("checkpoint: series ") + def.name + " does not fit this run");
  }
  MonthMetrics metrics(fields, regions, policies);
  for (std::size_t t = 0; t < months.size(); ++t) {
    metrics.clear();
    for (int m = 0; m < kMetricCount; ++m)
      for (std::size_t k = 0; k < saved_width[m]; ++k)
        metrics.at(static_cast<Metric>(m), k) = saved[m][t * saved_width[m] + k];
    append(static_cast<std::int32_t>(months[t]), metrics);
  }
  // Events: one append of everything logged so far.
  if (H5Lexists(group, "events", H5P_DEFAULT) > 0 || H5Lexists(group, "policy_recipients", H5P_DEFAULT) > 0) {
    EventLog ev;
    event_columns(ev, [&](const char* g, const char* name, auto& column) {
      const std::string path = std::string(g) + "/" + name;
      if (H5Lexists(group, g, H5P_DEFAULT) <= 0 || H5Lexists(group, path.c_str(), H5P_DEFAULT) <= 0) return;
      const std::vector<double> values = h5::read_doubles(group, path);
      using T = typename std::decay_t<decltype(column)>::value_type;
      column.assign(values.size(), T{});
      for (std::size_t k = 0; k < values.size(); ++k) column[k] = static_cast<T>(values[k]);
    });
    append_events(ev);
  }
  // Snapshots: row by row, every column of every kind.
  if (H5Lexists(group, "snapshots", H5P_DEFAULT) > 0) {
    h5::Handle from = h5::open_group(group, "snapshots");
    h5::Handle to = group_at(file_.id(), "snapshots");
    const std::vector<double> snap_months = h5::read_doubles(from.id(), "month");
    append_column(to.id(), "month", as_int(snap_months), level);
    for (const auto& kind : h5::list_group(from.id())) {
      if (kind == "month") continue;
      h5::Handle kg = h5::open_group(from.id(), kind);
      h5::Handle out = group_at(to.id(), kind);
      for (const auto& name : h5::list_group(kg.id())) {
        std::vector<hsize_t> dims;
        const std::vector<double> values = h5::read_doubles(kg.id(), name, &dims);
        if (dims.size() != 2) throw IoError("checkpoint: snapshot " + kind + "/" + name + " is not 2-D");
        const bool integer = is_integer(h5::open_dataset(kg.id(), name).id());
        for (hsize_t r = 0; r < dims[0]; ++r) {
          const auto first = values.begin() + static_cast<std::ptrdiff_t>(r * dims[1]);
          const auto last = first + static_cast<std::ptrdiff_t>(dims[1]);
          if (integer)
            append_row(out.id(), name, r, as_int(std::vector<double>(first, last)), level);
          else
            append_row(out.id(), name, r, std::vector<double>(first, last), level);
        }
      }
    }
    snapshots_ = snap_months.size();
  }
}

namespace {

/// A column as a snapshot stores it: integers and enumerations as int32, reals as double.
template <class T>
auto snapshot_values(const std::vector<T>& column) {
  if constexpr (std::is_floating_point_v<T>) {
    return as_double(column);
  } else {
    std::vector<std::int32_t> out(column.size());
    for (std::size_t i = 0; i < column.size(); ++i) out[i] = static_cast<std::int32_t>(column[i]);
    return out;
  }
}

/// The snapshot columns of a table (flag kSnapshot in its column list).
template <class Table>
void snapshot_table(hid_t root, const char* kind, const Table& table, hsize_t row, int level) {
  h5::Handle g = group_at(root, kind);
  table.for_each_column([&](const auto& column, const ColumnInfo& info) {
    if (info.flags & kSnapshot) append_row(g.id(), info.name, row, snapshot_values(column), level);
  });
}

/// Bytes one snapshot of a table writes at most (before compression).
template <class Table>
std::uintmax_t snapshot_bytes(const Table& table) {
  std::uintmax_t bytes = 0;
  table.for_each_column([&](const auto& column, const ColumnInfo& info) {
    if (info.flags & kSnapshot) bytes += 8 * column.size();
  });
  return bytes;
}

}  // namespace

void RunFileWriter::append_snapshot(std::int32_t month, const State& s) {
  ensure_room(partial_, snapshot_bytes(s.institutes) + snapshot_bytes(s.enterprises) + snapshot_bytes(s.talent) +
                            snapshot_bytes(s.lines));
  const int level = info_.compression_level;
  h5::Handle root = group_at(file_.id(), "snapshots");
  append_column(root.id(), "month", std::vector<std::int32_t>{month}, level);
  const hsize_t row = snapshots_++;
  snapshot_table(root.id(), "institutes", s.institutes, row, level);
  snapshot_table(root.id(), "enterprises", s.enterprises, row, level);
  snapshot_table(root.id(), "talent", s.talent, row, level);
  snapshot_table(root.id(), "product_lines", s.lines, row, level);
}

RunFileWriter::RunFileWriter(std::string path, bool force, RunInfo info)
    : path_(std::move(path)),
      partial_(path_ + ".partial"),
      info_(std::move(info)),
      summary_(kMetricCount, 0.0),
      exceptions_at_start_(std::uncaught_exceptions()) {
  h5::quiet_errors();
  check_output_path(path_, force, "output file");
  std::error_code ec;
  const fs::path parent = fs::absolute(path_, ec).parent_path();
  if (!fs::is_directory(parent, ec)) throw IoError("output directory '" + parent.string() + "' does not exist");
  if (access(parent.c_str(), W_OK) != 0) throw IoError("output directory '" + parent.string() + "' is not writable");

  ensure_room(partial_);
  claim_ = PartialFileClaim(partial_);
  try {
    create();
  } catch (...) {
    abandon();
    throw;
  }
}

void RunFileWriter::create() {
  file_ = h5::create_file(partial_, true);
  const hid_t f = file_.id();
  h5::write_attr(f, "format", std::string("innochain-run"));
  h5::write_attr(f, "format_version", kRunFormatVersion);
  h5::write_attr(f, "innochain_version", std::string(INNOCHAIN_VERSION));
  h5::write_attr(f, "git_sha", std::string(INNOCHAIN_GIT_SHA));
  h5::write_attr(f, "scenario_name", info_.scenario_name);
  h5::write_attr(f, "scenario_sha256", sha256_hex(info_.scenario_yaml));
  h5::write_attr(f, "seed", info_.seed);
  h5::write_attr(f, "replication", info_.replication);
  h5::write_attr(f, "threads", info_.threads);
  h5::write_attr(f, "horizon_months", info_.horizon_months);
  h5::write_attr(f, "created_utc", utc_now());
  h5::write_attr(f, "host", host_name());
  h5::write_attr(f, "status", std::string("partial"));
  h5::write_attr(f, "months_completed", std::int64_t{0});
  if (!info_.sweep_run_id.empty()) {
    h5::write_attr(f, "sweep_run_id", info_.sweep_run_id);
    h5::write_attr(f, "sweep_point", info_.sweep_point);
  }
  for (const char* var : {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID"}) {
    if (const char* v = std::getenv(var)) {
      std::string name = var;
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      h5::write_attr(f, name, std::string(v));
    }
  }
  h5::write_string(f, "scenario", info_.scenario_yaml);

  // Dimension scales.
  // Chunks of up to 120 months, each written once when full (or when the run ends, stops or
  // checkpoints): every chunk is compressed when it leaves HDF5's chunk cache, and with chunks
  // of 12 months, written every 12 months, finishing a 120-month run compressed 1000 chunks of
  // a few hundred bytes (docs/performance.md, "Fixed cost of a small run").
  const std::int64_t horizon = std::max<std::int64_t>(1, info_.horizon_months);
  chunk_months_ = static_cast<hsize_t>(std::min<std::int64_t>(120, horizon));
  flush_months_ = chunk_months_;
  const hsize_t zero = 0, unlimited = H5S_UNLIMITED;
  {
    h5::Handle space(h5::check(H5Screate_simple(1, &zero, &unlimited), "dataspace"), H5Sclose);
    h5::Handle dcpl(h5::check(H5Pcreate(H5P_DATASET_CREATE), "dcpl"), H5Pclose);
    H5Pset_chunk(dcpl.id(), 1, &chunk_months_);
    month_ds_ =
        h5::Handle(h5::check(H5Dcreate2(f, "month", H5T_STD_I32LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                             "create month"),
                   H5Dclose);
    H5DSset_scale(month_ds_.id(), "month");
    // Not "months since start": xarray would try (and fail) to decode "X since Y" as CF datetimes.
    h5::write_attr(month_ds_.id(), "units", std::string("months"));
    h5::write_attr(month_ds_.id(), "long_name", std::string("Simulation month (0 = first month)"));
  }
  h5::Handle field_ds = h5::write_strings(f, "field", info_.fields);
  H5DSset_scale(field_ds.id(), "field");
  h5::Handle region_ds = h5::write_strings(f, "region", info_.regions);
  H5DSset_scale(region_ds.id(), "region");
  h5::Handle policy_ds = h5::write_strings(f, "policy", info_.policies);
  H5DSset_scale(policy_ds.id(), "policy");
  for (const auto& [name, values] :
       {std::pair{"policy_type", &info_.policy_types}, std::pair{"policy_levers", &info_.policy_levers}}) {
    h5::Handle ds = h5::write_strings(f, name, *values);
    H5DSattach_scale(ds.id(), policy_ds.id(), 0);
  }

  h5::Handle series = h5::create_group(f, "series");
  buffer_.resize(kMetricCount);
  for (int m = 0; m < kMetricCount; ++m) {
    const MetricDef& def = kMetrics[m];
    const hsize_t width = metric_width(def, info_.fields.size(), info_.regions.size(), info_.policies.size());
    const int rank = def.dim == Dim::none ? 1 : 2;
    const hsize_t dims[2] = {0, width};
    const hsize_t maxdims[2] = {H5S_UNLIMITED, width};
    const hsize_t chunk[2] = {chunk_months_, std::max<hsize_t>(width, 1)};
    h5::Handle space(h5::check(H5Screate_simple(rank, dims, maxdims), "dataspace"), H5Sclose);
    h5::Handle dcpl(h5::check(H5Pcreate(H5P_DATASET_CREATE), "dcpl"), H5Pclose);
    H5Pset_chunk(dcpl.id(), rank, chunk);
    if (info_.compression_level > 0) {
      H5Pset_shuffle(dcpl.id());
      H5Pset_deflate(dcpl.id(), static_cast<unsigned>(info_.compression_level));
    }
    h5::Handle ds(
        h5::check(H5Dcreate2(series.id(), def.name, H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                  std::string("create series ") + def.name),
        H5Dclose);
    h5::write_attr(ds.id(), "units", std::string(def.units));
    h5::write_attr(ds.id(), "long_name", std::string(def.long_name));
    h5::write_attr(ds.id(), "link", std::string(def.link));
    h5::write_attr(ds.id(), "accumulation", std::string(accumulation_name(def.accumulation)));
    H5DSattach_scale(ds.id(), month_ds_.id(), 0);
    if (def.dim == Dim::field) H5DSattach_scale(ds.id(), field_ds.id(), 1);
    if (def.dim == Dim::region) H5DSattach_scale(ds.id(), region_ds.id(), 1);
    if (def.dim == Dim::policy) H5DSattach_scale(ds.id(), policy_ds.id(), 1);
    series_.push_back(std::move(ds));
  }
}

void RunFileWriter::abandon() {
  for (auto& ds : series_) ds.release();
  month_ds_.release();
  file_.release();
  std::error_code ec;
  fs::remove(partial_, ec);  // ours: claim_ still holds its lock
}

RunFileWriter::~RunFileWriter() {
  if (finished_) return;
  if (std::uncaught_exceptions() > exceptions_at_start_) {
    abandon();
    return;
  }
  if (!file_) return;
  try {
    flush();
    h5::write_attr(file_.id(), "months_completed", static_cast<std::int64_t>(written_));
  } catch (const std::exception&) {
    // A destructor must not throw; the file stays partial either way.
  }
}

void RunFileWriter::append(std::int32_t month, const MonthMetrics& metrics) {
  for (int m = 0; m < kMetricCount; ++m) {
    const auto& v = metrics.values(static_cast<Metric>(m));
    buffer_[m].insert(buffer_[m].end(), v.begin(), v.end());
    double total = 0.0;
    for (double x : v) total += x;
    summary_[m] = kMetrics[m].accumulation == Accumulation::stock ? total : summary_[m] + total;
  }
  month_buffer_.push_back(month);
  if (month_buffer_.size() >= flush_months_) flush();
}

void RunFileWriter::flush() {
  const hsize_t rows = month_buffer_.size();
  if (rows == 0) return;
  std::uintmax_t bytes = rows * 4;
  for (const auto& b : buffer_) bytes += b.size() * 8;
  ensure_room(partial_, bytes);
  const auto extend_and_write = [&](hid_t ds, int rank, hsize_t width, hid_t memtype, const void* data,
                                    const std::string& name) {
    const hsize_t new_dims[2] = {written_ + rows, width};
    h5::check(H5Dset_extent(ds, new_dims), "extend " + name);
    if (width == 0) return;  // a policy series of a scenario without policies
    h5::Handle file_space(h5::check(H5Dget_space(ds), "dataspace"), H5Sclose);
    const hsize_t start[2] = {written_, 0};
    const hsize_t count[2] = {rows, width};
    H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start, nullptr, count, nullptr);
    h5::Handle mem_space(h5::check(H5Screate_simple(rank, count, nullptr), "dataspace"), H5Sclose);
    h5::check(H5Dwrite(ds, memtype, mem_space.id(), file_space.id(), H5P_DEFAULT, data), "write " + name);
  };
  extend_and_write(month_ds_.id(), 1, 1, H5T_NATIVE_INT32, month_buffer_.data(), "month");
  for (int m = 0; m < kMetricCount; ++m) {
    const MetricDef& def = kMetrics[m];
    const hsize_t width = metric_width(def, info_.fields.size(), info_.regions.size(), info_.policies.size());
    extend_and_write(series_[m].id(), def.dim == Dim::none ? 1 : 2, width, H5T_NATIVE_DOUBLE, buffer_[m].data(),
                     def.name);
    buffer_[m].clear();
  }
  written_ += rows;
  month_buffer_.clear();
}

void RunFileWriter::finish(double wall_seconds) {
  flush();
  ensure_room(partial_, kMetricCount * 1024);  // /summary
  const hid_t f = file_.id();
  {
    h5::Handle summary = h5::create_group(f, "summary");
    for (int m = 0; m < kMetricCount; ++m) {
      const MetricDef& def = kMetrics[m];
      const bool flow = def.accumulation == Accumulation::flow;
      if (def.accumulation == Accumulation::mean && written_ > 0) summary_[m] /= static_cast<double>(written_);
      h5::Handle ds = h5::write_scalar(summary.id(), def.name, summary_[m]);
      std::string units = def.units;
      if (flow && units.ends_with("/month")) units.resize(units.size() - 6);  // a run total
      h5::write_attr(ds.id(), "units", units);
      h5::write_attr(ds.id(), "long_name", std::string(def.long_name));
      const char* reduction = flow ? "total over the run and all fields/regions"
                              : def.accumulation == Accumulation::stock
                                  ? "final month, summed over fields/regions"
                                  : "mean over months of the sum over fields/regions";
      h5::write_attr(ds.id(), "reduction", std::string(reduction));
    }
  }
  h5::write_attr(f, "months_completed", static_cast<std::int64_t>(written_));
  h5::write_attr(f, "wall_seconds", wall_seconds);
  for (const auto& [name, seconds] : timings_) h5::write_attr(f, "seconds_" + name, seconds);
  h5::write_attr(f, "status", std::string("complete"));
  series_.clear();
  month_ds_.reset();
  if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0 || !file_.reset())
    throw IoError("cannot write '" + partial_ + "' (disk full?)");
  // Checked again: something other than a regular file may have appeared there during the run.
  check_output_path(path_, true, "output file");
  std::error_code ec;
  fs::rename(partial_, path_, ec);
  if (ec) throw IoError("cannot rename '" + partial_ + "' to '" + path_ + "': " + ec.message());
  finished_ = true;
  // The lock goes with the file to its final name, where it would keep readers out.
  claim_ = PartialFileClaim();
}

}  // namespace innochain
