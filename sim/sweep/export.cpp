#include "sweep/export.hpp"

#include "output/h5.hpp"
#include "sweep/csv.hpp"
#include "sweep/index.hpp"
#include "sweep/sweep_file.hpp"

#include <hdf5_hl.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace innochain::sweep {

namespace {

namespace fs = std::filesystem;

/// DIR/design.csv: the keys and, per point, the values as written.
struct Design {
  std::vector<std::string> keys;
  std::map<std::int64_t, std::vector<std::string>> values;
};

Design read_design_csv(const std::string& dir) {
  Design d;
  std::ifstream in(fs::path(dir) / "design.csv", std::ios::binary);
  if (!in) return d;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::istringstream lines(strip_utf8_bom(buffer.str()));
  std::string line;
  bool header = true;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const auto fields = split_csv_line(line);
    if (header) {
      for (std::size_t j = 1; j < fields.size(); ++j) d.keys.push_back(fields[j].first);
      header = false;
      continue;
    }
    std::vector<std::string> v;
    for (std::size_t j = 1; j < fields.size(); ++j) v.push_back(fields[j].first);
    v.resize(d.keys.size());
    d.values[std::stoll(fields[0].first)] = std::move(v);
  }
  return d;
}

std::vector<fs::path> run_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (!fs::exists(dir, ec)) throw IoError(fmt::format("{}: no such file or directory", dir));
    return {fs::path(dir)};
  }
  const fs::path runs = fs::is_directory(fs::path(dir) / "runs", ec) ? fs::path(dir) / "runs" : fs::path(dir);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(runs))
    if (e.is_regular_file() && e.path().extension() == ".h5") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw std::invalid_argument(fmt::format("{}: no run files (*.h5) in {}", dir, runs.string()));
  return files;
}

/// The name of the dimension scale attached to axis `axis` of a dataset ("field", "region",
/// "policy"), or "" without one.
std::string scale_name(hid_t dataset, unsigned axis) {
  std::string name;
  H5DSiterate_scales(
      dataset, axis, nullptr,
      [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
        char buf[256] = {0};
        if (H5Iget_name(scale, buf, sizeof buf) > 0) *static_cast<std::string*>(out) = buf;
        return 1;
      },
      &name);
  if (const auto slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
  return name;
}

struct Run {
  fs::path path;
  std::string id;
  std::optional<std::int64_t> point;
  std::int64_t replication = 0;
};

std::string int_text(double v) { return fmt::format("{}", static_cast<std::int64_t>(v)); }

}  // namespace

std::vector<std::string> export_columns(const std::string& dir) {
  std::vector<std::string> c = {"run_id", "point"};
  std::error_code ec;
  if (fs::is_directory(dir, ec))
    for (const auto& k : read_design_csv(dir).keys) c.push_back(k);
  for (const char* name : {"replication", "outcome", "field", "region", "policy", "month", "value"}) c.push_back(name);
  return c;
}

ExportStats export_long_table(const std::string& dir, std::ostream& out, const ExportOptions& options) {
  ExportStats stats;
  h5::quiet_errors();
  std::error_code ec;
  const Design design = fs::is_directory(dir, ec) ? read_design_csv(dir) : Design{};
  // Which files are complete runs, and in which order they are written.
  std::vector<Run> runs;
  for (const auto& file : run_files(dir)) {
    h5::Handle f = h5::open_file_read(file.string());
    const hid_t root = f.id();
    if (!h5::has_attr(root, "format") || h5::read_string_attr(root, "format") != "innochain-run")
      throw IoError(fmt::format("{}: not an innochain run file", file.string()));
    if (!h5::has_attr(root, "status") || h5::read_string_attr(root, "status") != "complete") {
      ++stats.skipped;
      continue;
    }
    Run r{file, file.stem().string(), std::nullopt, 0};
    if (h5::has_attr(root, "sweep_run_id")) r.id = h5::read_string_attr(root, "sweep_run_id");
    if (h5::has_attr(root, "sweep_point"))
      r.point = static_cast<std::int64_t>(h5::read_double_attr(root, "sweep_point"));
    r.replication = static_cast<std::int64_t>(h5::read_double_attr(root, "replication"));
    runs.push_back(std::move(r));
  }
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
    return std::tie(a.point, a.replication, a.path) < std::tie(b.point, b.replication, b.path);
  });
  const auto header = export_columns(dir);
  for (std::size_t i = 0; i < header.size(); ++i) out << (i ? "," : "") << csv_field(header[i]);
  out << "\n";
  bool checked = false;
  for (const Run& run : runs) {
    h5::Handle f = h5::open_file_read(run.path.string());
    const hid_t root = f.id();
    const std::string group_name = options.summary ? "summary" : "series";
    h5::Handle group = h5::open_group(root, group_name);
    const auto names = h5::list_group(group.id());
    if (!checked) {  // unknown outcomes are refused before a row is written
      for (const auto& o : options.outcomes)
        if (std::find(names.begin(), names.end(), o) == names.end())
          throw std::invalid_argument(fmt::format("{}: no {} '{}' (it has: {})", run.path.string(),
                                                  options.summary ? "summary value" : "series", o,
                                                  fmt::join(names, ", ")));
      checked = true;
    }
    // The identity cells shared by every row of the run.
    std::string prefix = csv_field(run.id) + "," + (run.point ? fmt::format("{}", *run.point) : "");
    for (std::size_t j = 0; j < design.keys.size(); ++j) {
      std::string v;
      if (run.point)
        if (const auto it = design.values.find(*run.point); it != design.values.end()) v = it->second[j];
      prefix += "," + csv_field(v);
    }
    prefix += fmt::format(",{},", run.replication);
    std::map<std::string, std::vector<std::string>> labels;
    for (const char* dim : {"field", "region", "policy"})
      if (H5Lexists(root, dim, H5P_DEFAULT) > 0) labels[dim] = h5::read_strings(root, dim);
    const std::vector<double> months = options.summary ? std::vector<double>{} : h5::read_doubles(root, "month");
    std::string text;
    for (const auto& name : names) {
      if (!options.outcomes.empty() &&
          std::find(options.outcomes.begin(), options.outcomes.end(), name) == options.outcomes.end())
        continue;
      if (options.summary) {
        text += prefix + csv_field(name) + ",,,,," + format_number(h5::read_doubles(group.id(), name).at(0)) + "\n";
        ++stats.rows;
        continue;
      }
      std::vector<hsize_t> dims;
      const std::vector<double> values = h5::read_doubles(group.id(), name, &dims);
      std::string dim;
      if (dims.size() == 2) {
        h5::Handle ds = h5::open_dataset(group.id(), name);
        dim = scale_name(ds.id(), 1);
      }
      const std::size_t width = dims.size() == 2 ? dims[1] : 1;
      const auto& names_of_dim = labels[dim];
      for (std::size_t t = 0; t < (dims.empty() ? 0 : dims[0]); ++t) {
        const std::string month = t < months.size() ? int_text(months[t]) : fmt::format("{}", t);
        for (std::size_t k = 0; k < width; ++k) {
          std::string label =
              dims.size() == 2 ? (k < names_of_dim.size() ? names_of_dim[k] : fmt::format("{}", k)) : "";
          label = csv_field(label);
          text += prefix + csv_field(name) + "," + (dim == "field" ? label : "") + "," +
                  (dim == "region" ? label : "") + "," + (dim == "policy" ? label : "") + "," + month + "," +
                  format_number(values[t * width + k]) + "\n";
          ++stats.rows;
        }
      }
    }
    out << text;
    if (!out) throw IoError("cannot write the exported table (disk full?)");
    ++stats.runs;
  }
  return stats;
}

}  // namespace innochain::sweep
