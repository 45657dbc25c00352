#include "output/inspect.hpp"

#include "output/run_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace innochain {

RunFile::RunFile(const std::string& path) : path_(path) {
  h5::quiet_errors();
  file_ = h5::open_file_read(path);
  if (!h5::has_attr(file_.id(), "format") || h5::read_string_attr(file_.id(), "format") != "innochain-run")
    throw IoError("'" + path + "' is an HDF5 file but not an innochain run file (no format=\"innochain-run\")");
  h5::check_format_version(file_.id(), path, "run file", kRunFormatVersion);
}

std::vector<std::string> RunFile::root_attrs() const {
  std::vector<std::string> names;
  H5Aiterate2(
      file_.id(), H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

std::string RunFile::attr(const std::string& name) const {
  h5::Handle a(h5::check(H5Aopen(file_.id(), name.c_str(), H5P_DEFAULT), "no attribute '" + name + "'"), H5Aclose);
  h5::Handle type(H5Aget_type(a.id()), H5Tclose);
  switch (H5Tget_class(type.id())) {
    case H5T_STRING:
      return h5::read_string_attr(file_.id(), name);
    case H5T_FLOAT:
      return fmt::format("{}", h5::read_double_attr(file_.id(), name));
    case H5T_INTEGER: {
      if (H5Tget_sign(type.id()) == H5T_SGN_NONE) {
        std::uint64_t v = 0;
        h5::check(H5Aread(a.id(), H5T_NATIVE_UINT64, &v), "read " + name);
        return fmt::format("{}", v);
      }
      std::int64_t v = 0;
      h5::check(H5Aread(a.id(), H5T_NATIVE_INT64, &v), "read " + name);
      return fmt::format("{}", v);
    }
    default:
      return "?";
  }
}

std::string RunFile::scenario_yaml() const { return h5::read_string(file_.id(), "scenario"); }

std::vector<std::string> RunFile::series_names() const {
  h5::Handle g = h5::open_group(file_.id(), "series");
  return h5::list_group(g.id());
}

SeriesData RunFile::series(const std::string& name) const {
  h5::Handle g = h5::open_group(file_.id(), "series");
  SeriesData d;
  d.values = h5::read_doubles(g.id(), name, &d.dims);
  h5::Handle ds = h5::open_dataset(g.id(), name);
  d.units = h5::read_string_attr(ds.id(), "units");
  return d;
}

std::vector<std::string> RunFile::summary_names() const {
  if (H5Lexists(file_.id(), "summary", H5P_DEFAULT) <= 0) return {};
  h5::Handle g = h5::open_group(file_.id(), "summary");
  return h5::list_group(g.id());
}

double RunFile::summary(const std::string& name) const {
  h5::Handle g = h5::open_group(file_.id(), "summary");
  return h5::read_doubles(g.id(), name).at(0);
}

std::string RunFile::summary_units(const std::string& name) const {
  h5::Handle g = h5::open_group(file_.id(), "summary");
  h5::Handle ds = h5::open_dataset(g.id(), name);
  return h5::read_string_attr(ds.id(), "units");
}

bool RunFile::has(const std::string& path) const {
  // H5Lexists needs every link on the way to exist: test them one by one.
  std::string prefix;
  for (std::size_t from = 0; from <= path.size();) {
    const std::size_t to = std::min(path.find('/', from), path.size());
    prefix = path.substr(0, to);
    if (H5Lexists(file_.id(), prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    from = to + 1;
  }
  return true;
}

std::vector<double> RunFile::values(const std::string& path, std::vector<hsize_t>* dims) const {
  return h5::read_doubles(file_.id(), path, dims);
}

std::vector<std::string> RunFile::strings(const std::string& path) const { return h5::read_strings(file_.id(), path); }

std::vector<std::string> RunFile::members(const std::string& path) const {
  h5::Handle g = h5::open_group(file_.id(), path);
  return h5::list_group(g.id());
}

std::string describe_run_file(const std::string& path) {
  RunFile f(path);
  std::string out = fmt::format("{}\n", path);
  if (f.status() != "complete")
    out += fmt::format(
        "WARNING: status is '{}', not 'complete': this run did not finish; its series stop at month "
        "{}\n",
        f.status(), f.attr("months_completed"));
  out += "attributes:\n";
  for (const auto& a : f.root_attrs()) out += fmt::format("  {:<20} {}\n", a, f.attr(a));
  out += "series (month x field|region|policy):\n";
  for (const auto& name : f.series_names()) {
    const SeriesData d = f.series(name);
    std::string shape;
    for (std::size_t i = 0; i < d.dims.size(); ++i) {
      if (i) shape += 'x';
      shape += std::to_string(d.dims[i]);
    }
    out += fmt::format("  {:<28} [{}] {}\n", name, shape, d.units);
  }
  const auto names = f.summary_names();
  if (!names.empty()) {
    out += "summary:\n";
    for (const auto& name : names)
      out += fmt::format("  {:<28} {:>16.6g} {}\n", name, f.summary(name), f.summary_units(name));
  }
  return out;
}

std::string digest_run_file(const std::string& path) {
  static_assert(std::endian::native == std::endian::little, "digests hash the little-endian bytes of doubles");
  RunFile f(path);
  const auto digest = [](const std::vector<hsize_t>& dims, const std::vector<double>& values) {
    std::string bytes(values.size() * sizeof(double), '\0');
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    std::string shape;
    for (std::size_t i = 0; i < dims.size(); ++i) shape += fmt::format("{}{}", i ? "x" : "", dims[i]);
    return fmt::format("{} {}", shape.empty() ? "1" : shape, sha256_hex(bytes).substr(0, 16));
  };
  std::string out;
  for (const auto& name : f.series_names()) {
    const SeriesData d = f.series(name);
    out += fmt::format("/series/{} {}\n", name, digest(d.dims, d.values));
  }
  for (const auto& name : f.summary_names())
    out += fmt::format("/summary/{} {}\n", name, digest({}, {f.summary(name)}));
  return out;
}

}  // namespace innochain
