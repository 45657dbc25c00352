#include "sweep/index.hpp"

#include "core/metrics.hpp"
#include "output/h5.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <unistd.h>

namespace innochain::sweep {

namespace fs = std::filesystem;

const char* status_name(RunStatus s) {
  switch (s) {
    case RunStatus::complete:
      return "complete";
    case RunStatus::failed:
      return "failed";
    case RunStatus::cancelled:
      return "cancelled";
    default:
      return "pending";
  }
}

std::string serialize(const RunRecord& r) {
  std::string out =
      fmt::format("{}\n{}\n{:a}\n{}\n", static_cast<int>(r.status), r.stop_signal, r.wall_seconds, r.summary.size());
  for (double v : r.summary) out += fmt::format("{:a}\n", v);
  out += r.error;
  return out;
}

RunRecord deserialize(const std::string& text) {
  RunRecord r;
  std::istringstream in(text);
  std::string line;
  const auto next = [&]() -> std::string {
    if (!std::getline(in, line)) throw std::runtime_error("truncated run report");
    return line;
  };
  const int status = std::stoi(next());
  if (status < 0 || status > static_cast<int>(RunStatus::cancelled)) throw std::runtime_error("unknown run status");
  r.status = static_cast<RunStatus>(status);
  r.stop_signal = std::stoi(next());
  r.wall_seconds = std::strtod(next().c_str(), nullptr);
  const std::size_t n = std::stoul(next());
  for (std::size_t i = 0; i < n; ++i) r.summary.push_back(std::strtod(next().c_str(), nullptr));
  std::ostringstream rest;
  rest << in.rdbuf();
  r.error = rest.str();
  return r;
}

std::string run_path(const std::string& dir, const PlannedRun& run) {
  return (fs::path(dir) / "runs" / (run.id + ".h5")).string();
}

std::string error_path(const std::string& dir, const PlannedRun& run) {
  return (fs::path(dir) / "runs" / (run.id + ".error")).string();
}

std::string cancelled_path(const std::string& dir, const PlannedRun& run) {
  return (fs::path(dir) / "runs" / (run.id + ".cancelled")).string();
}

RunRecord record_on_disk(const std::string& dir, const SweepPlan& plan, std::size_t i) {
  const PlannedRun& run = plan.runs[i];
  RunRecord r;
  const std::string path = run_path(dir, run);
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    try {
      h5::quiet_errors();
      h5::Handle f = h5::open_file_read(path);
      const hid_t id = f.id();
      if (h5::has_attr(id, "status") && h5::read_string_attr(id, "status") == "complete" &&
          h5::read_string_attr(id, "scenario_sha256") == plan.scenario_sha[static_cast<std::size_t>(run.point)] &&
          static_cast<std::int64_t>(h5::read_double_attr(id, "replication")) == run.replication) {
        h5::Handle summary = h5::open_group(id, "summary");
        for (const auto& m : kMetrics) r.summary.push_back(h5::read_doubles(summary.id(), m.name).at(0));
        r.wall_seconds = h5::read_double_attr(id, "wall_seconds");
        r.status = RunStatus::complete;
        return r;
      }
    } catch (const std::exception&) {
      // An unreadable or foreign file is not a finished run: it is run again.
    }
    r = RunRecord{};
  }
  for (const auto& [path, status] : {std::pair{error_path(dir, run), RunStatus::failed},
                                     std::pair{cancelled_path(dir, run), RunStatus::cancelled}}) {
    std::ifstream in(path);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    r.status = status;
    r.error = text.str();
    return r;
  }
  return r;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

namespace {

void replace_atomically(const std::string& partial, const std::string& final_path) {
  std::error_code ec;
  fs::rename(partial, final_path, ec);
  if (ec) throw IoError("cannot rename '" + partial + "' to '" + final_path + "': " + ec.message());
}

void write_text_atomically(const std::string& path, const std::string& text) {
  // Per-process partial name: Slurm array tasks may write the same design.csv at once.
  const std::string partial = fmt::format("{}.partial.{}", path, getpid());
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw IoError("cannot write '" + partial + "' (disk full?)");
  }
  replace_atomically(partial, path);
}

bool is_number(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

template <class T>
void write_column(hid_t group, const std::string& name, hid_t file_type, hid_t mem_type, const std::vector<T>& v) {
  const hsize_t n = v.size();
  h5::Handle space(h5::check(H5Screate_simple(1, &n, nullptr), "dataspace"), H5Sclose);
  h5::Handle ds(h5::check(H5Dcreate2(group, name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                          "create " + name),
                H5Dclose);
  if (n > 0) h5::check(H5Dwrite(ds.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + name);
}

void write_string_array_attr(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
  h5::Handle type = h5::string_type();
  const hsize_t n = values.size();
  h5::Handle space(h5::check(H5Screate_simple(1, &n, nullptr), "dataspace"), H5Sclose);
  h5::Handle attr(
      h5::check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), "attribute " + name),
      H5Aclose);
  std::vector<const char*> ptrs;
  for (const auto& s : values) ptrs.push_back(s.c_str());
  if (n > 0) h5::check(H5Awrite(attr.id(), type.id(), ptrs.data()), "write attribute " + name);
}

}  // namespace

void write_design(const std::string& dir, const SweepPlan& plan) {
  std::string text = "point";
  for (const auto& k : plan.spec.keys) text += "," + csv_field(k);
  text += "\n";
  for (std::size_t p = 0; p < plan.spec.points.size(); ++p) {
    text += std::to_string(p);
    for (std::size_t j = 0; j < plan.spec.keys.size(); ++j)
      text += "," + csv_field(point_value(plan, static_cast<std::int64_t>(p), j));
    text += "\n";
  }
  write_text_atomically((fs::path(dir) / "design.csv").string(), text);
}

void write_index(const std::string& dir, const SweepPlan& plan, const std::vector<RunRecord>& records) {
  const auto& keys = plan.spec.keys;
  const std::size_t n = plan.runs.size();

  // index.csv
  std::string csv = "run_id,point,replication,seed,status,wall_seconds,error";
  for (const auto& k : keys) csv += "," + csv_field(k);
  for (const auto& m : kMetrics) csv += fmt::format(",summary.{}", m.name);
  csv += "\n";
  for (std::size_t i = 0; i < n; ++i) {
    const PlannedRun& run = plan.runs[i];
    const RunRecord& r = records[i];
    csv += fmt::format("{},{},{},{},{},", run.id, run.point, run.replication, run.seed, status_name(r.status));
    if (r.status != RunStatus::pending) csv += fmt::format("{:.3f}", r.wall_seconds);
    csv += "," + csv_field(r.error);
    for (std::size_t j = 0; j < keys.size(); ++j) csv += "," + csv_field(point_value(plan, run.point, j));
    for (std::size_t m = 0; m < kMetrics.size(); ++m)
      csv += "," + (r.status == RunStatus::complete && m < r.summary.size() ? format_number(r.summary[m]) : "");
    csv += "\n";
  }
  write_text_atomically((fs::path(dir) / "index.csv").string(), csv);

  // index.h5
  const std::string path = (fs::path(dir) / "index.h5").string();
  const std::string partial = path + ".partial";
  {
    h5::quiet_errors();
    h5::Handle f = h5::create_file(partial);
    const hid_t root = f.id();
    h5::write_attr(root, "format", std::string("innochain-sweep-index"));
    h5::write_attr(root, "format_version", kSweepIndexFormatVersion);
    h5::write_attr(root, "design", plan.spec.kind);
    write_string_array_attr(root, "keys", keys);
    h5::write_attr(root, "replications", plan.spec.replications);
    h5::write_attr(root, "base_scenario", plan.spec.base_as_written);
    h5::write_attr(root, "sweep_name", plan.spec.name);
    h5::Handle g = h5::create_group(root, "index");
    std::vector<std::string> ids, status, errors;
    std::vector<std::int64_t> points, reps;
    std::vector<std::uint64_t> seeds;
    std::vector<double> wall;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < n; ++i) {
      ids.push_back(plan.runs[i].id);
      points.push_back(plan.runs[i].point);
      reps.push_back(plan.runs[i].replication);
      seeds.push_back(plan.runs[i].seed);
      status.push_back(status_name(records[i].status));
      wall.push_back(records[i].status == RunStatus::pending ? nan : records[i].wall_seconds);
      errors.push_back(records[i].error);
    }
    h5::write_strings(g.id(), "run_id", ids);
    write_column(g.id(), "point", H5T_STD_I64LE, H5T_NATIVE_INT64, points);
    write_column(g.id(), "replication", H5T_STD_I64LE, H5T_NATIVE_INT64, reps);
    write_column(g.id(), "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, seeds);
    h5::write_strings(g.id(), "status", status);
    write_column(g.id(), "wall_seconds", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, wall);
    h5::write_strings(g.id(), "error", errors);
    for (std::size_t j = 0; j < keys.size(); ++j) {
      // Numeric keys become numbers (NaN where a point keeps the base value), others strings.
      std::vector<std::string> texts;
      std::vector<double> numbers;
      bool numeric = true;
      for (std::size_t i = 0; i < n; ++i) {
        texts.push_back(point_value(plan, plan.runs[i].point, j));
        double v = nan;
        if (!texts.back().empty() && !is_number(texts.back(), v)) numeric = false;
        numbers.push_back(texts.back().empty() ? nan : v);
      }
      if (numeric)
        write_column(g.id(), keys[j], H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, numbers);
      else
        h5::write_strings(g.id(), keys[j], texts);
    }
    for (std::size_t m = 0; m < kMetrics.size(); ++m) {
      std::vector<double> v(n, nan);
      for (std::size_t i = 0; i < n; ++i)
        if (records[i].status == RunStatus::complete && m < records[i].summary.size()) v[i] = records[i].summary[m];
      write_column(g.id(), std::string("summary.") + kMetrics[m].name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v);
    }
    if (H5Fflush(root, H5F_SCOPE_GLOBAL) < 0 || !f.reset()) throw IoError("cannot write '" + partial + "'");
  }
  replace_atomically(partial, path);
}

namespace {

std::string index_file(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) ? (fs::path(path) / "index.h5").string() : path;
}

std::vector<std::string> read_string_array_attr(hid_t obj, const std::string& name) {
  h5::Handle attr(h5::check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "no attribute '" + name + "'"), H5Aclose);
  h5::Handle space(h5::check(H5Aget_space(attr.id()), "dataspace"), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.id());
  std::vector<char*> ptrs(static_cast<std::size_t>(std::max<hssize_t>(0, n)), nullptr);
  h5::Handle type = h5::string_type();
  if (n > 0) h5::check(H5Aread(attr.id(), type.id(), ptrs.data()), "read attribute " + name);
  std::vector<std::string> out;
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return out;
}

}  // namespace

bool is_sweep_index(const std::string& path) {
  const std::string file = index_file(path);
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return false;
  try {
    h5::quiet_errors();
    h5::Handle f = h5::open_file_read(file);
    return h5::has_attr(f.id(), "format") && h5::read_string_attr(f.id(), "format") == "innochain-sweep-index";
  } catch (const IoError&) {
    return false;
  }
}

std::string describe_sweep_index(const std::string& path) {
  const std::string file = index_file(path);
  if (!is_sweep_index(file)) throw IoError("'" + file + "' is not an innochain sweep index");
  h5::Handle f = h5::open_file_read(file);
  const hid_t root = f.id();
  h5::check_format_version(root, file, "sweep index", kSweepIndexFormatVersion);
  h5::Handle g = h5::open_group(root, "index");
  const auto ids = h5::read_strings(g.id(), "run_id");
  const auto status = h5::read_strings(g.id(), "status");
  const auto errors = h5::read_strings(g.id(), "error");
  const auto keys = read_string_array_attr(root, "keys");
  std::size_t complete = 0, failed = 0, cancelled = 0;
  for (const auto& s : status) {
    complete += s == "complete";
    failed += s == "failed";
    cancelled += s == "cancelled";
  }
  std::string out = fmt::format("{}: sweep index of '{}'\n", file, h5::read_string_attr(root, "sweep_name"));
  out += fmt::format("  design         {}\n", h5::read_string_attr(root, "design"));
  out += fmt::format("  base_scenario  {}\n", h5::read_string_attr(root, "base_scenario"));
  out += fmt::format("  replications   {}\n", static_cast<long long>(h5::read_double_attr(root, "replications")));
  out += fmt::format("  keys           {}\n", keys.size());
  for (const auto& k : keys) out += fmt::format("    {}\n", k);
  out += fmt::format("  runs           {} ({} complete, {} failed, {} cancelled, {} pending)\n", ids.size(), complete,
                     failed, cancelled, ids.size() - complete - failed - cancelled);
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (status[i] == "failed" || status[i] == "cancelled")
      out += fmt::format("  {} {}: {}\n", status[i], ids[i], errors[i]);
  return out;
}

}  // namespace innochain::sweep
