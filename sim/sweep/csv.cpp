#include "sweep/csv.hpp"

#include <regex>

namespace innochain::sweep {

std::string strip_utf8_bom(std::string text) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  return text;
}

char detect_separator(const std::string& header) {
  bool quoted = false, comma = false, semicolon = false;
  for (char c : header) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    comma = comma || c == ',';
    semicolon = semicolon || c == ';';
  }
  return semicolon && !comma ? ';' : ',';
}

std::vector<std::pair<std::string, int>> split_csv_line(const std::string& line, char separator) {
  std::vector<std::pair<std::string, int>> out;
  std::size_t i = 0;
  while (true) {
    const int column = static_cast<int>(i) + 1;
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (i < line.size()) {
        if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          i += 2;
        } else if (line[i] == '"') {
          ++i;
          break;
        } else {
          field += line[i++];
        }
      }
      while (i < line.size() && line[i] != separator) ++i;
    } else {
      const std::size_t end = line.find(separator, i);
      field = line.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? line.size() : end;
      while (!field.empty() && field.back() == ' ') field.pop_back();
      while (!field.empty() && field.front() == ' ') field.erase(field.begin());
    }
    out.emplace_back(field, column);
    if (i >= line.size()) break;
    ++i;  // the separator
  }
  return out;
}

std::string decimal_point(const std::string& field) {
  static const std::regex comma_number(R"([+-]?[0-9]*,[0-9]+([eE][+-]?[0-9]+)?)");
  if (!std::regex_match(field, comma_number)) return field;
  std::string out = field;
  out[out.find(',')] = '.';
  return out;
}

}  // namespace innochain::sweep
