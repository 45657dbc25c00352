// Text of the comparison tables (`innochain compare`, with or without --treated): one renderer
// for the aligned table, CSV and Markdown, so every table of the command looks the same.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace innochain {

struct TableText {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> cells;
  std::size_t text_columns = 0;           ///< leading columns aligned left (the rest right)
  std::vector<std::string> left_columns;  ///< further columns aligned left (e.g. cost_mark)
  std::string heading;                    ///< how values are expressed, or ""
  std::vector<std::string> notes;         ///< printed under the table (not in CSV)
};

/// A number as the tables print it: exact (shortest round-trip) for CSV, four significant digits
/// for people; a missing value as `missing`; a ratio as a signed percentage (exact in CSV).
inline std::string num(double v, bool exact) { return exact ? fmt::format("{}", v) : fmt::format("{:.4g}", v); }
inline std::string opt(const std::optional<double>& v, bool exact, const std::string& missing) {
  return v ? num(*v, exact) : missing;
}
inline std::string percent(const std::optional<double>& v, bool exact) {
  if (!v) return exact ? "" : "n/a";
  return exact ? fmt::format("{}", *v) : fmt::format("{:+.2f} %", *v * 100.0);
}

/// `format` = "table", "csv" or "markdown"; throws CompareInputError for another one.
std::string render_table(const TableText& t, const std::string& format, const std::string& baseline_source,
                         const std::string& policy_source);

}  // namespace innochain
