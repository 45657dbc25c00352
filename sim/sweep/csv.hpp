// CSV as spreadsheets write it (docs/sweeps.md, "Design matrices from a spreadsheet"): an
// optional UTF-8 byte-order mark, "," or ";" as the separator (";" files from locales with a
// decimal comma may write 0,5 for 0.5), "..." quoting with "" escapes, CRLF line ends.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace innochain::sweep {

/// TEXT without a leading UTF-8 byte-order mark (EF BB BF).
std::string strip_utf8_bom(std::string text);

/// The separator of a CSV file from its header line: ';' when the line has semicolons outside
/// quotes and no commas there, ',' otherwise.
char detect_separator(const std::string& header);

/// Fields of one CSV line with their 1-based columns ("..." quoting with "" escapes; spaces
/// around unquoted fields are dropped).
std::vector<std::pair<std::string, int>> split_csv_line(const std::string& line, char separator = ',');

/// A number written with a decimal comma ("0,5", "-1,25e-3") with a decimal point instead;
/// any other text unchanged.
std::string decimal_point(const std::string& field);

}  // namespace innochain::sweep
