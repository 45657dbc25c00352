// Reading run files back: for `innochain inspect`, comparisons and tests.
#pragma once

#include "output/h5.hpp"

#include <map>
#include <string>
#include <vector>

namespace innochain {

struct SeriesData {
  std::vector<hsize_t> dims;
  std::vector<double> values;  ///< row-major
  std::string units;
};

/// An opened run file. Throws IoError if it cannot be read or is not an innochain run file.
class RunFile {
 public:
  explicit RunFile(const std::string& path);
  std::string attr(const std::string& name) const;  ///< any root attribute, formatted as text
  std::vector<std::string> root_attrs() const;
  std::string status() const { return attr("status"); }
  std::string scenario_yaml() const;
  std::vector<std::string> series_names() const;
  SeriesData series(const std::string& name) const;
  std::vector<std::string> summary_names() const;
  double summary(const std::string& name) const;
  std::string summary_units(const std::string& name) const;
  /// Whether an object (group or dataset) exists at `path` ("snapshots/enterprises/alive").
  bool has(const std::string& path) const;
  /// Any numeric dataset, converted to double (row-major; dims set when given).
  std::vector<double> values(const std::string& path, std::vector<hsize_t>* dims = nullptr) const;
  /// A dataset of strings (the /field and /region scales).
  std::vector<std::string> strings(const std::string& path) const;
  /// The members of a group.
  std::vector<std::string> members(const std::string& path) const;

 private:
  std::string path_;
  h5::Handle file_;
};

/// The text `innochain inspect` prints.
std::string describe_run_file(const std::string& path);

/// Bit-exact digests of a run's results, one line per dataset of /series and /summary,
/// sorted by path: "PATH SHAPE SHA256" with SHA256 the first 16 hex digits of the SHA-256
/// of the values as little-endian IEEE doubles in row-major order. Two runs have the same
/// lines exactly when their results are bit-identical (`innochain inspect --digest`; the
/// golden-digest test compares them with tests/golden/digests.txt).
std::string digest_run_file(const std::string& path);

}  // namespace innochain
