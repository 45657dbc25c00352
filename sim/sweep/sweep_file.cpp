#include "sweep/sweep_file.hpp"

#include "output/h5.hpp"
#include "scenario/input_file.hpp"
#include "sweep/csv.hpp"
#include "sweep/design.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace innochain::sweep {

namespace fs = std::filesystem;

std::string format_number(double value) { return fmt::format("{}", value); }

namespace {

/// A key's range for the sampled designs (lhs, sobol, morris, saltelli).
struct KeyRange {
  double low = 0.0, high = 1.0;
  bool log = false, integer = false;
  bool relative = false;               ///< `factor: [A, B]`: factors of the base scenario's value
  std::vector<std::string> composite;  ///< `composite: [KEY, ...]`: the keys a composite axis moves
  Location where;
};

class SweepDecoder {
 public:
  explicit SweepDecoder(SweepSpec& spec) : s_(spec) {}

  void decode() {
    YAML::Node root;
    try {
      root = YAML::Load(s_.text);
    } catch (const YAML::ParserException& e) {
      error(Location{s_.path, e.mark.line + 1, e.mark.column + 1}, fmt::format("malformed YAML: {}", e.msg));
      return;
    }
    if (!root.IsMap()) {
      error(Location{s_.path, 1, 1}, "a sweep file must be a YAML map with base, replications and design");
      return;
    }
    check_keys(root, {"name", "description", "base", "replications", "set", "design"}, "sweep file");
    kinds_list_ = "grid, lhs, sobol, morris, saltelli, list, csv or oat";
    s_.name = fs::path(s_.path).stem().string();
    if (const auto n = root["name"]) s_.name = scalar(n, "name");
    if (const auto r = root["replications"]) {
      s_.replications = integer(r, "replications", 1, 100000);
    }
    if (const auto b = root["base"]) {
      s_.base_as_written = scalar(b, "base");
      s_.base_at = at(b);
      s_.base_scenario = relative(s_.base_as_written);
    }
    if (const auto set = root["set"]) {
      if (!set.IsMap()) {
        error(at(set), "set must be a map of KEY: VALUE overrides applied to every run");
      } else {
        for (const auto& kv : set) s_.fixed.emplace_back(kv.first.Scalar(), value_of(kv.second, kv.first));
      }
    }
    const YAML::Node design = root["design"];
    if (!design) {
      error(Location{s_.path, 1, 1}, "missing 'design' (a map with kind: " + kinds_list_ + ")");
      return;
    }
    if (!design.IsMap() || !design["kind"]) {
      error(at(design), "design must be a map with a 'kind' (" + kinds_list_ + ")");
      return;
    }
    s_.kind = scalar(design["kind"], "design.kind");
    const auto it = std::find(kDesignKinds.begin(), kDesignKinds.end(), s_.kind);
    if (it == kDesignKinds.end()) {
      const std::string best = closest_match(s_.kind, kDesignKinds);
      error(at(design["kind"]),
            fmt::format("unknown design kind '{}'{}; kinds: {}", s_.kind,
                        best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best), kinds_list_));
      return;
    }
    if (s_.kind == "grid")
      grid(design);
    else if (s_.kind == "lhs" || s_.kind == "sobol" || s_.kind == "saltelli" || s_.kind == "morris" || s_.kind == "oat")
      sampled(design);
    else if (s_.kind == "list")
      list(design);
    else
      csv(design);
    if (s_.base_scenario.empty() && !(s_.kind == "list" && design["scenarios"]))
      error(Location{s_.path, 1, 1}, "missing 'base' (the base scenario file, e.g. base: ../guangdong_small.yaml)");
  }

  std::vector<Diagnostic> diags;

 private:
  SweepSpec& s_;
  std::string kinds_list_;

  void error(const Location& where, std::string message) { diags.push_back({where, std::move(message)}); }

  /// Whether `points` design points (a double: a grid's product can overflow any integer)
  /// times the replications stay within kMaxSweepRuns; reported at `where` otherwise.
  /// Called before the points are generated, so a huge design is refused at once.
  bool within_run_limit(double points, const Location& where) {
    const double runs = points * static_cast<double>(s_.replications);
    if (runs <= static_cast<double>(kMaxSweepRuns)) return true;
    error(where, fmt::format("the design has {:.4g} points x {} replications = {:.4g} runs, more than the limit of {} "
                             "runs per sweep (docs/sweeps.md); split it into several sweeps",
                             points, s_.replications, runs, kMaxSweepRuns));
    return false;
  }

  Location at(const YAML::Node& n) const {
    const auto m = n.Mark();
    if (m.is_null()) return Location{s_.path, 1, 1};
    return Location{s_.path, m.line + 1, m.column + 1};
  }

  std::string relative(const std::string& file) const {
    fs::path p(file);
    if (p.is_relative()) p = fs::path(s_.path).parent_path() / p;
    return p.lexically_normal().string();
  }

  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& what) {
    for (const auto& kv : map) {
      const std::string k = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      const std::string best = closest_match(k, allowed);
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      error(at(kv.first), fmt::format("unknown key '{}' in {}{} (allowed: {})", k, what,
                                      best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best), list));
    }
  }

  std::string scalar(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      error(at(n), fmt::format("{} must be a single value", what));
      return "";
    }
    return n.Scalar();
  }

  std::int64_t integer(const YAML::Node& n, const std::string& what, std::int64_t lo, std::int64_t hi) {
    std::int64_t v = 0;
    if (!n.IsScalar() || !YAML::convert<std::int64_t>::decode(n, v) || v < lo || v > hi) {
      error(at(n), fmt::format("{} must be a whole number in [{}, {}], got '{}'", what, lo, hi,
                               n.IsScalar() ? n.Scalar() : "a non-scalar"));
      return lo;
    }
    return v;
  }

  double number(const YAML::Node& n, const std::string& what) {
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v)) {
      error(at(n), fmt::format("{} must be a number, got '{}'", what, n.IsScalar() ? n.Scalar() : "a non-scalar"));
      return 0.0;
    }
    return v;
  }

  bool boolean(const YAML::Node& n, const std::string& what) {
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
      error(at(n), fmt::format("{} must be true or false, got '{}'", what, n.IsScalar() ? n.Scalar() : "a non-scalar"));
      return false;
    }
    return v;
  }

  /// The text `--set` gets for a YAML value: scalars as written, lists and maps in flow style.
  SetValue value_of(const YAML::Node& n, const YAML::Node& key) const {
    if (n.IsScalar()) return SetValue{n.Scalar(), at(n), at(key)};
    YAML::Emitter out;
    out << YAML::Flow << n;
    return SetValue{out.c_str(), at(n), at(key)};
  }

  const YAML::Node keys_map(const YAML::Node& design) {
    const YAML::Node keys = design["keys"];
    if (!keys || !keys.IsMap() || keys.size() == 0) {
      error(at(keys ? keys : design), fmt::format("design.keys must be a map of --set keys for a {} design", s_.kind));
      return YAML::Node();
    }
    for (const auto& kv : keys) {
      const std::string k = kv.first.Scalar();
      if (std::find(s_.keys.begin(), s_.keys.end(), k) != s_.keys.end()) error(at(kv.first), "duplicate key " + k);
      s_.keys.push_back(k);
    }
    return keys;
  }

  /// The member keys of a composite axis: a non-empty list of distinct `--set` keys.
  std::vector<std::string> composite_keys(const YAML::Node& n, const std::string& axis) {
    std::vector<std::string> members;
    if (!n.IsSequence() || n.size() == 0) {
      error(at(n), fmt::format("composite of {} must be a non-empty list of keys it moves together", axis));
      return members;
    }
    for (const auto& item : n) {
      const std::string m = scalar(item, "a composite member");
      if (std::find(members.begin(), members.end(), m) != members.end()) error(at(item), "duplicate key " + m);
      members.push_back(m);
    }
    return members;
  }

  void grid(const YAML::Node& design) {
    check_keys(design, {"kind", "keys"}, "a grid design");
    const YAML::Node keys = keys_map(design);
    if (!keys) return;
    std::vector<std::vector<SetValue>> values;
    for (const auto& kv : keys) {
      KeyMeaning meaning{false, false, {}, at(kv.second)};
      if (kv.second.IsMap()) {  // {factor: [0.5, 1, 2]} (optional composite: [KEY, ...])
        check_keys(kv.second, {"factor", "composite"}, "grid values given as factors");
        std::vector<SetValue> v;
        const YAML::Node f = kv.second["factor"];
        if (!f || !f.IsSequence() || f.size() == 0)
          error(at(kv.second),
                fmt::format("factors of {} must be a non-empty list, e.g. factor: [0.5, 1, 2]", kv.first.Scalar()));
        else
          for (const auto& item : f) {
            if (!(number(item, kv.first.Scalar() + " factor") > 0.0))
              error(at(item), fmt::format("factors of {} must be positive", kv.first.Scalar()));
            v.push_back(value_of(item, kv.first));
          }
        meaning.relative = true;
        if (kv.second["composite"]) meaning.composite = composite_keys(kv.second["composite"], kv.first.Scalar());
        s_.meanings.push_back(std::move(meaning));
        if (v.empty()) v.push_back(SetValue{"", at(kv.second)});
        values.push_back(std::move(v));
        continue;
      }
      s_.meanings.push_back(std::move(meaning));
      if (!kv.second.IsSequence() || kv.second.size() == 0) {
        error(at(kv.second),
              fmt::format("grid values of {} must be a non-empty list, e.g. [0.1, 0.2, 0.4]", kv.first.Scalar()));
        values.push_back({SetValue{"", at(kv.second)}});
        continue;
      }
      std::vector<SetValue> v;
      for (const auto& item : kv.second) v.push_back(value_of(item, kv.first));
      values.push_back(std::move(v));
    }
    std::vector<std::size_t> sizes;
    double points = 1.0;
    for (const auto& v : values) {
      sizes.push_back(v.size());
      points *= static_cast<double>(v.size());
    }
    if (!within_run_limit(points, at(keys))) return;
    for (const auto& idx : grid_indices(sizes)) {
      DesignPoint p;
      for (std::size_t j = 0; j < idx.size(); ++j) p.values.emplace_back(values[j][idx[j]]);
      s_.points.push_back(std::move(p));
    }
  }

  KeyRange range(const YAML::Node& key, const YAML::Node& spec) {
    KeyRange r;
    r.where = at(spec);
    const std::string k = key.Scalar();
    if (spec.IsSequence() && spec.size() == 2) {
      r.low = number(spec[0], k + " low");
      r.high = number(spec[1], k + " high");
    } else if (spec.IsMap()) {
      check_keys(spec, {"low", "high", "log", "integer", "factor", "composite"}, "a key range");
      if (spec["factor"]) {
        const YAML::Node f = spec["factor"];
        if (spec["low"] || spec["high"]) error(at(spec), fmt::format("range of {} has both factor and low/high", k));
        if (!f.IsSequence() || f.size() != 2) {
          error(at(f), fmt::format("factor of {} must be [A, B]: factors of the base scenario's value", k));
          return r;
        }
        r.low = number(f[0], k + " factor low");
        r.high = number(f[1], k + " factor high");
        r.relative = true;
        if (!(r.low > 0.0)) error(at(f), fmt::format("factors of {} must be positive, got {}", k, r.low));
      } else if (!spec["low"] || !spec["high"]) {
        error(at(spec), fmt::format("range of {} needs low and high (or factor: [A, B])", k));
        return r;
      } else {
        r.low = number(spec["low"], k + " low");
        r.high = number(spec["high"], k + " high");
      }
      if (spec["composite"]) {
        r.composite = composite_keys(spec["composite"], k);
        if (!r.relative) error(at(spec), fmt::format("composite axis {} needs factor: [A, B]", k));
      }
      if (spec["log"]) r.log = boolean(spec["log"], k + " log");
      if (spec["integer"]) r.integer = boolean(spec["integer"], k + " integer");
    } else {
      error(at(spec), fmt::format("range of {} must be {{low: A, high: B}} (optional log: true, integer: true), "
                                  "{{factor: [A, B]}} or [A, B]",
                                  k));
      return r;
    }
    if (!(r.low < r.high)) error(at(spec), fmt::format("range of {} needs low < high, got [{}, {}]", k, r.low, r.high));
    if (r.log && r.low <= 0) error(at(spec), fmt::format("log range of {} needs low > 0, got {}", k, r.low));
    return r;
  }

  void sampled(const YAML::Node& design) {
    std::size_t n = 0, r = 0;
    int levels = 4;
    if (s_.kind == "oat") {
      check_keys(design, {"kind", "keys", "levels"}, "an oat design");
      levels = design["levels"] ? static_cast<int>(integer(design["levels"], "levels", 2, 1000)) : 2;
    } else if (s_.kind == "morris") {
      check_keys(design, {"kind", "keys", "trajectories", "levels", "seed"}, "a morris design");
      r = design["trajectories"] ? static_cast<std::size_t>(integer(design["trajectories"], "trajectories", 1, 100000))
                                 : 0;
      if (!design["trajectories"]) error(at(design), "a morris design needs 'trajectories' (e.g. 10)");
      if (design["levels"]) {
        levels = static_cast<int>(integer(design["levels"], "levels", 2, 1000));
        if (levels % 2 != 0) error(at(design["levels"]), fmt::format("levels must be even, got {}", levels));
      }
    } else {
      std::vector<std::string> allowed{"kind", "keys", "samples"};
      if (s_.kind == "lhs") allowed.push_back("seed");
      if (s_.kind == "saltelli") allowed.push_back("skip");
      check_keys(design, allowed, "a " + s_.kind + " design");
      if (!design["samples"])
        error(at(design), fmt::format("a {} design needs 'samples' (e.g. 64)", s_.kind));
      else
        n = static_cast<std::size_t>(integer(design["samples"], "samples", 1, 10000000));
    }
    if (s_.kind == "saltelli" && design["skip"])
      s_.saltelli_skip = integer(design["skip"], "skip", 0, std::numeric_limits<std::int32_t>::max());
    if (design["seed"])
      s_.design_seed =
          static_cast<std::uint64_t>(integer(design["seed"], "seed", 0, std::numeric_limits<std::int64_t>::max()));
    const YAML::Node keys = keys_map(design);
    if (!keys) return;
    std::vector<KeyRange> ranges;
    std::vector<Location> key_at;
    for (const auto& kv : keys) {
      ranges.push_back(range(kv.first, kv.second));
      key_at.push_back(at(kv.first));
      const KeyRange& kr = ranges.back();
      s_.meanings.push_back(KeyMeaning{kr.relative, kr.integer, kr.composite, kr.where});
    }
    if (!diags.empty()) return;
    const std::size_t k = ranges.size();
    const double points = s_.kind == "morris"     ? static_cast<double>(r) * static_cast<double>(k + 1)
                          : s_.kind == "saltelli" ? static_cast<double>(n) * static_cast<double>(k + 2)
                          : s_.kind == "oat"      ? 1.0 + static_cast<double>(k) * levels  // the base point first
                                                  : static_cast<double>(n);
    if (!within_run_limit(points, at(design))) return;
    UnitDesign unit;
    if (s_.kind == "lhs")
      unit = lhs_unit(n, k, s_.design_seed);
    else if (s_.kind == "sobol")
      unit = sobol_unit(n, k);
    else if (s_.kind == "saltelli")
      unit = saltelli_unit(
          n, k, s_.saltelli_skip >= 0 ? static_cast<std::size_t>(s_.saltelli_skip) : saltelli_default_skip(n));
    else if (s_.kind == "oat")
      unit = oat_unit(k, static_cast<std::size_t>(levels));
    else
      unit = morris_unit(r, k, levels, s_.design_seed);
    for (const auto& row : unit) {
      DesignPoint p;
      for (std::size_t j = 0; j < k; ++j) {
        const KeyRange& kr = ranges[j];
        if (std::isnan(row[j])) {  // oat: the key stays at its base value (written out by make_plan)
          p.values.emplace_back();
          continue;
        }
        double v = kr.log ? std::exp(std::log(kr.low) + row[j] * (std::log(kr.high) - std::log(kr.low)))
                          : kr.low + row[j] * (kr.high - kr.low);
        if (row[j] == 1.0) v = kr.high;  // exact end points (Morris levels)
        if (row[j] == 0.0) v = kr.low;
        // Factors of relative keys are rounded (integer keys) once the base value is known.
        const std::string text = kr.integer && !kr.relative ? fmt::format("{}", std::llround(v)) : format_number(v);
        p.values.emplace_back(SetValue{text, kr.where, key_at[j]});
      }
      s_.points.push_back(std::move(p));
    }
  }

  void list(const YAML::Node& design) {
    check_keys(design, {"kind", "points", "scenarios"}, "a list design");
    const YAML::Node points = design["points"], scenarios = design["scenarios"];
    if ((points && scenarios) || (!points && !scenarios)) {
      error(at(design), "a list design needs either 'points' (maps of key: value) or 'scenarios' (scenario files)");
      return;
    }
    if (scenarios) {
      if (!scenarios.IsSequence() || scenarios.size() == 0) {
        error(at(scenarios), "scenarios must be a non-empty list of scenario files");
        return;
      }
      s_.keys = {"scenario"};
      if (!within_run_limit(static_cast<double>(scenarios.size()), at(scenarios))) return;
      for (const auto& f : scenarios) {
        DesignPoint p;
        p.values.emplace_back(SetValue{scalar(f, "a scenario file"), at(f)});
        p.scenario_file = relative(f.Scalar());
        p.scenario_at = at(f);
        s_.points.push_back(std::move(p));
      }
      return;
    }
    if (!points.IsSequence() || points.size() == 0) {
      error(at(points), "points must be a non-empty list of maps, e.g. - {world.scale: 0.01}");
      return;
    }
    if (!within_run_limit(static_cast<double>(points.size()), at(points))) return;
    for (const auto& pt : points) {
      if (!pt.IsMap()) {
        error(at(pt), "each point must be a map of key: value");
        continue;
      }
      for (const auto& kv : pt)
        if (std::find(s_.keys.begin(), s_.keys.end(), kv.first.Scalar()) == s_.keys.end())
          s_.keys.push_back(kv.first.Scalar());
    }
    for (const auto& pt : points) {
      if (!pt.IsMap()) continue;
      DesignPoint p;
      p.values.resize(s_.keys.size());
      for (const auto& kv : pt) {
        const auto j =
            static_cast<std::size_t>(std::find(s_.keys.begin(), s_.keys.end(), kv.first.Scalar()) - s_.keys.begin());
        p.values[j] = value_of(kv.second, kv.first);
      }
      s_.points.push_back(std::move(p));
    }
  }

  void csv(const YAML::Node& design) {
    check_keys(design, {"kind", "file"}, "a csv design");
    if (!design["file"]) {
      error(at(design), "a csv design needs 'file' (a CSV design matrix whose header names the keys)");
      return;
    }
    const std::string file = relative(scalar(design["file"], "file"));
    const InputText matrix = read_input_file(file, "design matrix");
    if (!matrix.ok()) {
      error(at(design["file"]), matrix.error);
      return;
    }
    if (const auto problem = find_text_problem(matrix.text)) {
      error(Location{file, problem->line, problem->column}, problem->message);
      return;
    }
    // Spreadsheets save "CSV UTF-8" with a byte-order mark, and in locales with a decimal comma
    // separate fields with ';' (and may write 0,5): both are read as the user meant them.
    std::istringstream in(strip_utf8_bom(matrix.text));
    std::string line;
    int line_no = 0;
    bool skip_first = false;  // a leading "point" column (as in DIR/design.csv) is ignored
    char separator = ',';
    std::vector<Location> key_at;
    while (std::getline(in, line)) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      if (s_.keys.empty() && !skip_first) separator = detect_separator(line);
      const auto fields = split_csv_line(line, separator);
      if (s_.keys.empty()) {
        for (std::size_t j = 0; j < fields.size(); ++j) {
          if (j == 0 && fields[j].first == "point") {
            skip_first = true;
            continue;
          }
          s_.keys.push_back(fields[j].first);
          key_at.push_back(Location{file, line_no, fields[j].second});
        }
        if (s_.keys.empty()) error(Location{file, line_no, 1}, "the design matrix header names no keys");
        continue;
      }
      const std::size_t offset = skip_first ? 1 : 0;
      if (fields.size() != s_.keys.size() + offset) {
        error(Location{file, line_no, 1},
              fmt::format("row has {} values, the header names {} columns", fields.size(), s_.keys.size() + offset));
        continue;
      }
      if (!within_run_limit(static_cast<double>(s_.points.size() + 1), Location{file, line_no, 1})) return;
      DesignPoint p;
      for (std::size_t j = 0; j < s_.keys.size(); ++j) {
        const auto& [cell, column] = fields[j + offset];
        const std::string text = separator == ';' ? decimal_point(cell) : cell;
        if (text.empty())
          p.values.emplace_back();  // empty cell: the base scenario's value
        else
          p.values.emplace_back(SetValue{text, Location{file, line_no, column}, key_at[j]});
      }
      s_.points.push_back(std::move(p));
    }
    if (s_.points.empty() && diags.empty()) error(at(design["file"]), fmt::format("'{}' has no design rows", file));
  }
};

}  // namespace

SweepSpec load_sweep_file(const std::string& path) {
  SweepSpec spec;
  spec.path = path == kStdinName ? kStdinDisplayName : path;
  InputText in = read_input_file(path, "sweep file");
  if (!in.ok()) throw ScenarioError({Diagnostic{Location{spec.path, 1, 1}, in.error}});
  if (const auto problem = find_text_problem(in.text))
    throw ScenarioError({Diagnostic{Location{spec.path, problem->line, problem->column}, problem->message}});
  spec.text = std::move(in.text);
  SweepDecoder d(spec);
  d.decode();
  if (!d.diags.empty()) throw ScenarioError(d.diags);
  return spec;
}

}  // namespace innochain::sweep
