#include "scenario/decode.hpp"

#include "scenario/input_file.hpp"
#include "scenario/instruments.hpp"
#include "scenario/schema.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

namespace innochain {

namespace fs = std::filesystem;

std::string Diagnostic::str() const {
  return fmt::format("{}:{}:{}: error: {}", where.file, where.line, where.column, message);
}

namespace {

std::string join_diagnostics(const std::vector<Diagnostic>& diags) {
  std::string s;
  for (const auto& d : diags) {
    if (!s.empty()) s += '\n';
    s += d.str();
  }
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string with_suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string best = closest_match(word, candidates);
  return best.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", best);
}

/// Decodes YAML layers into one Scenario, collecting every error.
class Decoder {
 public:
  Scenario scenario;

  void layer_file(const std::string& path, const Location& requested_at) {
    // Regular files (or standard input) of at most kMaxInputFileBytes: a device or an
    // endless stream named here, or by an `extends`, is refused before it is read.
    const InputText in = read_input_file(path, "scenario file");
    if (!in.ok()) {
      error(requested_at, in.error);
      return;
    }
    if (path == kStdinName) {  // `extends` in a scenario read from standard input: relative to the working directory
      layer_text(in.text, kStdinDisplayName, ".", kStdinDisplayName, requested_at);
      return;
    }
    // error_code overloads: a name the OS refuses (too long, bad bytes) is bad input, not a crash.
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
    layer_text(in.text, path, canonical.parent_path().string(), canonical.string(), requested_at);
  }

  void layer_text(const std::string& text, const std::string& display, const std::string& dir,
                  const std::string& identity, const Location& requested_at) {
    if (std::find(stack_.begin(), stack_.end(), identity) != stack_.end()) {
      std::string chain;
      for (const auto& s : stack_) chain += fs::path(s).filename().string() + " -> ";
      error(requested_at,
            fmt::format("extends cycle: {}{} (a scenario cannot extend itself, directly or through others)", chain,
                        fs::path(identity).filename().string()));
      return;
    }
    if (stack_.empty()) root_ = Location{display, 1, 1};
    // yaml-cpp would carry a NUL byte or stray bytes into the scenario's strings as other text.
    if (const auto problem = find_text_problem(text)) {
      error(Location{display, problem->line, problem->column}, problem->message);
      return;
    }
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      error(Location{display, e.mark.line + 1, e.mark.column + 1}, fmt::format("malformed YAML: {}", e.msg));
      return;
    }
    if (root.IsNull()) return;  // an empty file changes nothing
    if (!root.IsMap()) {
      error(at(root, display), "a scenario must be a YAML map of keys (name, seed, world, agents, chain, ...)");
      return;
    }
    stack_.push_back(identity);
    if (const YAML::Node ext = root["extends"]) {
      if (!ext.IsScalar() || ext.Scalar().empty()) {
        error(at(ext, display), "extends must be a file name, e.g. 'extends: guangdong_baseline.yaml'");
      } else {
        fs::path target = fs::path(ext.Scalar());
        if (target.is_relative()) target = fs::path(dir) / target;
        layer_file(target.lexically_normal().string(), at(ext, display));
      }
    }
    apply_map(root, "", display);
    stack_.pop_back();
  }

  /// Applies one `--set KEY=VALUE` (index k, for the message location).
  void apply_set(const std::string& assignment) {
    const std::string file = "<--set " + assignment + ">";
    if (const auto problem = find_text_problem(assignment)) {  // sweeps pass design values as --set text
      error(Location{file, 1, problem->column}, problem->message);
      return;
    }
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      error(Location{file, 1, 1}, "--set needs KEY=VALUE, e.g. --set chain.basic_research.budget_elasticity=0.4");
      return;
    }
    const std::string key = assignment.substr(0, eq);
    const std::string text = assignment.substr(eq + 1);
    const Location value_at{file, 1, static_cast<int>(eq) + 2};
    // Marks of nodes inside the value count from the start of VALUE; report columns in KEY=VALUE.
    set_column_offset_ = static_cast<int>(eq) + 1;
    struct ResetOffset {
      int& offset;
      ~ResetOffset() { offset = 0; }
    } reset_offset{set_column_offset_};
    YAML::Node value;
    try {
      value = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      error(value_at, fmt::format("malformed value '{}': {}", text, e.msg));
      return;
    }
    if (!value.IsDefined() || value.IsNull()) {
      error(value_at, fmt::format("--set {} has no value", key));
      return;
    }
    const Location key_at{file, 1, 1};
    for (const Param& p : scenario_schema()) {
      if (p.path == key) {
        apply_param(p, value, file, 0, key, value_at);
        return;
      }
      if (const auto* l = std::get_if<NamedList>(&p.ref); l && key.starts_with(p.path + ".")) {
        const std::string rest = key.substr(p.path.size() + 1);
        const auto dot = rest.find('.');
        const std::string elem_name = rest.substr(0, dot);
        std::vector<std::string> names;
        for (std::size_t i = 0; i < l->size(scenario); ++i) names.push_back(l->name(scenario, i));
        const auto it = std::find(names.begin(), names.end(), elem_name);
        if (it == names.end()) {
          error(key_at,
                fmt::format("{} has no entry named '{}'{}", p.path, elem_name, with_suggestion(elem_name, names)));
          return;
        }
        const std::string elem_key = dot == std::string::npos ? "" : rest.substr(dot + 1);
        const std::size_t idx = static_cast<std::size_t>(it - names.begin());
        for (const Param& e : l->elements) {
          if (e.path == elem_key) {
            apply_param(e, value, file, idx, key, value_at);
            return;
          }
        }
        std::vector<std::string> keys;
        for (const Param& e : l->elements) keys.push_back(e.path);
        error(key_at,
              fmt::format("unknown key '{}' in {} entries{}", elem_key, p.path, with_suggestion(elem_key, keys)));
        return;
      }
    }
    if (key.starts_with("policies.")) {
      apply_policy_set(key.substr(9), value, key_at, value_at);
      return;
    }
    std::vector<std::string> all;
    for (const Param& p : scenario_schema()) all.push_back(p.path);
    error(key_at, fmt::format("unknown key '{}'{}", key, with_suggestion(key, all)));
  }

  void validate() {
    Scenario& s = scenario;
    const auto where = [&](const std::string& path) {
      const auto it = origin_.find(path);
      return it != origin_.end() ? it->second : root_;
    };
    // Where the most recently assigned of `paths` was given; "world.regions.*.institute_share"
    // matches that key of any region (set with --set), "world.regions" the whole list.
    const auto latest = [&](std::initializer_list<std::string> paths) {
      Location best = root_;
      std::size_t best_time = 0;
      for (const auto& [key, loc] : origin_) {
        for (const std::string& pattern : paths) {
          const auto star = pattern.find('*');
          const bool match = star == std::string::npos
                                 ? key == pattern
                                 : key.size() >= pattern.size() && key.starts_with(pattern.substr(0, star)) &&
                                       key.ends_with(pattern.substr(star + 1)) &&
                                       key.substr(star, key.size() - pattern.size() + 1).find('.') == std::string::npos;
          if (match && when_[key] > best_time) {
            best = loc;
            best_time = when_[key];
          }
        }
      }
      return best;
    };
    if (s.world.regions.empty()) error(where("world.regions"), "world.regions must list at least one region");
    if (s.world.fields.empty()) error(where("world.fields"), "world.fields must list at least one field");
    const auto check_sum = [&](const Location& loc, double sum, const std::string& what) {
      if (std::abs(sum - 1.0) > 1e-6) error(loc, fmt::format("{} must sum to 1, but sum to {:.6g}", what, sum));
    };
    if (!s.world.regions.empty()) {
      double inst = 0, ent = 0, fin = 0, tal = 0;
      for (const auto& r : s.world.regions) {
        inst += r.institute_share;
        ent += r.enterprise_share;
        fin += r.financier_share;
        tal += r.talent_share;
      }
      check_sum(latest({"world.regions", "world.regions.*.institute_share"}), inst,
                "the regions' institute_share values");
      check_sum(latest({"world.regions", "world.regions.*.enterprise_share"}), ent,
                "the regions' enterprise_share values");
      check_sum(latest({"world.regions", "world.regions.*.financier_share"}), fin,
                "the regions' financier_share values");
      check_sum(latest({"world.regions", "world.regions.*.talent_share"}), tal, "the regions' talent_share values");
    }
    if (!s.world.fields.empty()) {
      double ent = 0, inst = 0;
      for (const auto& f : s.world.fields) {
        ent += f.enterprise_share;
        inst += f.institute_weight;
      }
      check_sum(latest({"world.fields", "world.fields.*.enterprise_share"}), ent,
                "the fields' enterprise_share values");
      if (inst <= 0.0)
        error(latest({"world.fields", "world.fields.*.institute_weight"}),
              "at least one field needs a positive institute_weight");
    }
    const auto& a = s.agents;
    check_sum(latest({"agents.institutes.share_university", "agents.institutes.share_national_lab",
                      "agents.institutes.share_new_rd_institute"}),
              a.institutes.share_university + a.institutes.share_national_lab + a.institutes.share_new_rd_institute,
              "agents.institutes.share_university + share_national_lab + share_new_rd_institute");
    check_sum(latest({"agents.enterprises.share_chain_leader", "agents.enterprises.share_sme",
                      "agents.enterprises.share_startup"}),
              a.enterprises.share_chain_leader + a.enterprises.share_sme + a.enterprises.share_startup,
              "agents.enterprises.share_chain_leader + share_sme + share_startup");
    check_sum(latest({"agents.financiers.share_venture_capital", "agents.financiers.share_guidance_fund",
                      "agents.financiers.share_bank"}),
              a.financiers.share_venture_capital + a.financiers.share_guidance_fund + a.financiers.share_bank,
              "agents.financiers.share_venture_capital + share_guidance_fund + share_bank");
    const double roles = a.talent.share_researcher + a.talent.share_engineer + a.talent.share_industry_scientist;
    if (roles > 1.0 + 1e-9) {
      error(
          latest({"agents.talent.share_researcher", "agents.talent.share_engineer",
                  "agents.talent.share_industry_scientist"}),
          fmt::format("agents.talent role shares sum to {:.6g}, more than 1 (the remainder starts unemployed)", roles));
    }
    for (const Param& p : scenario_schema()) {
      if (!p.is_matrix()) continue;
      const Matrix& m = std::get<MatrixRef>(p.ref)(s, 0);
      const auto [rows, cols] = p.shape.dims(s);
      if (m.size() != rows) {
        error(where(p.path), fmt::format("{} must be a {}x{} matrix ({}), got {} rows", p.path, rows, cols,
                                         p.shape.explanation, m.size()));
        continue;
      }
      const auto bad_row = std::find_if(m.begin(), m.end(),
                                        [cols = cols](const std::vector<double>& row) { return row.size() != cols; });
      if (bad_row != m.end()) {
        const auto r = static_cast<std::size_t>(bad_row - m.begin());
        const auto rows_at = row_origin_.find(p.path);
        error(rows_at != row_origin_.end() && r < rows_at->second.size() ? rows_at->second[r] : where(p.path),
              fmt::format("{} must be a {}x{} matrix ({}), but row {} has {} columns", p.path, rows, cols,
                          p.shape.explanation, r + 1, bad_row->size()));
        continue;
      }
      if (p.path != "world.input_output") {
        for (std::size_t i = 0; i < rows; ++i) {
          if (m[i][i] != 1.0) {
            error(where(p.path),
                  fmt::format("{} must have 1 on the diagonal (entry [{}][{}] is {})", p.path, i, i, m[i][i]));
            break;
          }
        }
      } else {
        for (std::size_t j = 0; j < cols; ++j) {
          double col = 0.0;
          for (std::size_t i = 0; i < rows; ++i) col += m[i][j];
          if (col >= 1.0) {
            error(where(p.path), fmt::format("column {} of world.input_output sums to {}; column sums must be below "
                                             "1 for the Leontief inverse to exist",
                                             j, col));
          }
        }
      }
    }
    for (const auto& p : s.policies) {
      std::vector<std::string> fields, regions;
      for (const auto& f : s.world.fields) fields.push_back(f.name);
      for (const auto& r : s.world.regions) regions.push_back(r.name);
      for (const auto& [list, known, what] :
           {std::tuple{&p.fields, &fields, "fields"}, std::tuple{&p.regions, &regions, "regions"}}) {
        for (const auto& n : *list)
          if (std::find(known->begin(), known->end(), n) == known->end())
            error(where("policies." + p.name + ".eligible." + what),
                  fmt::format("policy {}: no {} named '{}' in world.{}{}", p.name,
                              std::string(what).substr(0, std::string(what).size() - 1), n, what,
                              with_suggestion(n, *known)));
      }
      if (p.end_month >= 0 && p.end_month < p.start_month)
        error(where("policies." + p.name + ".end_month"),
              fmt::format("policy {}: end_month {} is before start_month {}", p.name, p.end_month, p.start_month));
    }
    if (!diags_.empty()) throw ScenarioError(diags_);
  }

  void finish_layers() {
    if (!diags_.empty()) throw ScenarioError(diags_);
  }

 private:
  std::vector<Diagnostic> diags_;
  std::vector<std::string> stack_;
  std::map<std::string, Location> origin_;
  std::map<std::string, std::size_t> when_;  ///< order in which origin_ entries were assigned
  std::size_t clock_ = 0;
  std::map<std::string, std::vector<Location>> row_origin_;  ///< where each row of a matrix was given
  int set_column_offset_ = 0;  ///< while decoding a --set value: columns before VALUE in KEY=VALUE
  Location root_;

  void error(const Location& where, std::string message) { diags_.push_back({where, std::move(message)}); }

  void record_origin(const std::string& path, const Location& loc) {
    origin_[path] = loc;
    when_[path] = ++clock_;
  }

  Location at(const YAML::Node& node, const std::string& file) const {
    const YAML::Mark m = node.Mark();
    if (m.is_null()) return Location{file, 1, 1};
    return Location{file, m.line + 1, m.column + 1 + (m.line == 0 ? set_column_offset_ : 0)};
  }

  static std::string describe(const YAML::Node& node) {
    if (node.IsMap()) return "a map";
    if (node.IsSequence()) return "a list";
    if (node.IsNull()) return "nothing";
    return fmt::format("'{}'", node.Scalar());
  }

  /// YAML requires the keys of a map to be unique; yaml-cpp keeps both silently.
  bool check_duplicate(std::map<std::string, Location>& seen, const YAML::Node& key_node, const std::string& file) {
    const Location loc = at(key_node, file);
    const auto [it, inserted] = seen.emplace(key_node.Scalar(), loc);
    if (!inserted)
      error(loc, fmt::format("duplicate key '{}' (first given at line {}, column {})", key_node.Scalar(),
                             it->second.line, it->second.column));
    return inserted;
  }

  void apply_map(const YAML::Node& map, const std::string& prefix, const std::string& file) {
    std::map<std::string, Location> seen;
    for (const auto& kv : map) {
      const YAML::Node& key_node = kv.first;
      if (!key_node.IsScalar()) {
        error(at(key_node, file), "keys must be plain names");
        continue;
      }
      if (!check_duplicate(seen, key_node, file)) continue;
      const std::string key = key_node.Scalar();
      const std::string full = prefix.empty() ? key : prefix + "." + key;
      if (prefix.empty() && key == "extends") continue;
      if (prefix.empty() && key == "policies") {
        apply_policies(kv.second, file);
        continue;
      }
      const Param* exact = nullptr;
      bool is_prefix = false;
      for (const Param& p : scenario_schema()) {
        if (p.path == full) exact = &p;
        if (p.path.starts_with(full + ".")) is_prefix = true;
      }
      if (exact) {
        apply_param(*exact, kv.second, file, 0, full, at(kv.second, file));
      } else if (is_prefix) {
        if (!kv.second.IsMap()) {
          error(at(kv.second, file), fmt::format("{} must be a map of keys, got {}", full, describe(kv.second)));
        } else {
          apply_map(kv.second, full, file);
        }
      } else {
        error(at(key_node, file), fmt::format("unknown key '{}'{}{}", key, prefix.empty() ? "" : " in " + prefix,
                                              with_suggestion(key, children_of(prefix))));
      }
    }
  }

  static std::vector<std::string> children_of(const std::string& prefix) {
    std::set<std::string> names;
    if (prefix.empty()) {
      names.insert("extends");
      names.insert("policies");
    }
    const std::string lead = prefix.empty() ? "" : prefix + ".";
    for (const Param& p : scenario_schema()) {
      if (!p.path.starts_with(lead)) continue;
      const std::string rest = p.path.substr(lead.size());
      names.insert(rest.substr(0, rest.find('.')));
    }
    return {names.begin(), names.end()};
  }

  void apply_policies(const YAML::Node& node, const std::string& file) {
    if (!node.IsSequence() && !node.IsNull()) {
      error(at(node, file), fmt::format("policies must be a list, got {}", describe(node)));
      return;
    }
    scenario.policies.clear();  // lists are replaced, not merged
    std::set<std::string> names;
    for (const auto& entry : node) {
      if (!entry.IsMap()) {
        error(at(entry, file), "each policy must be a map with 'type' and 'name'");
        continue;
      }
      const YAML::Node type = entry["type"];
      const YAML::Node name = entry["name"];
      if (!type || !type.IsScalar()) {
        error(at(entry, file), "each policy needs a 'type'");
        continue;
      }
      const InstrumentSpec* t = find_instrument_spec(type.Scalar());
      if (!t) {
        std::vector<std::string> known;
        for (const auto& k : instrument_specs()) known.push_back(k.type);
        error(at(type, file),
              fmt::format("unknown policy type '{}'{}", type.Scalar(), with_suggestion(type.Scalar(), known)));
        continue;
      }
      if (!name || !name.IsScalar() || name.Scalar().empty()) {
        error(at(entry, file), "each policy needs a 'name' (unique in the scenario)");
        continue;
      }
      if (!names.insert(name.Scalar()).second) {
        error(at(name, file), fmt::format("duplicate policy name '{}'", name.Scalar()));
        continue;
      }
      PolicyConfig p = policy_defaults(*t);
      p.name = name.Scalar();
      std::map<std::string, Location> seen;
      for (const auto& kv : entry) {
        if (!check_duplicate(seen, kv.first, file)) continue;
        const std::string key = kv.first.Scalar();
        if (key == "type" || key == "name") continue;
        apply_policy_key(p, *t, key, kv.second, file, at(kv.first, file), at(kv.second, file));
      }
      record_origin("policies." + p.name, at(entry, file));
      scenario.policies.push_back(std::move(p));
    }
  }

  static PolicyConfig policy_defaults(const InstrumentSpec& t) {
    PolicyConfig p;
    p.type = t.type;
    for (const auto& param : t.params) p.values.emplace_back(param.key, param.default_value);
    for (const auto& ch : t.choices) p.choices.emplace_back(ch.key, ch.default_value);
    return p;
  }

  bool string_list(const YAML::Node& node, const std::string& path, const std::string& file, const Location& loc,
                   std::vector<std::string>& out) {
    if (!node.IsSequence()) {
      error(loc, fmt::format("{} must be a list of names, e.g. [guangzhou, shenzhen], got {}", path, describe(node)));
      return false;
    }
    out.clear();
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        error(at(item, file), fmt::format("{} entries must be names, got {}", path, describe(item)));
        return false;
      }
      out.push_back(item.Scalar());
    }
    return true;
  }

  /// One key of a policy entry: window, eligibility, or an instrument parameter.
  void apply_policy_key(PolicyConfig& p, const InstrumentSpec& t, const std::string& key, const YAML::Node& value,
                        const std::string& file, const Location& key_at, const Location& value_at) {
    const std::string path = "policies." + p.name + "." + key;
    const auto month = [&](std::int64_t& out, double lo) {
      double v = 0;
      if (!parse_real(value, v) || v != std::floor(v) || v < lo || v > 1200) {
        error(value_at, fmt::format("{} must be a whole month in [{}, 1200], got {}", path, lo, describe(value)));
        return;
      }
      out = static_cast<std::int64_t>(v);
      record_origin(path, value_at);
    };
    if (key == "start_month") return month(p.start_month, 0);
    if (key == "end_month") return month(p.end_month, -1);
    if (key == "eligible") {
      if (!value.IsMap()) {
        error(value_at, fmt::format("{} must be a map with kinds, fields and/or regions", path));
        return;
      }
      for (const auto& kv : value) {
        const std::string sub = kv.first.Scalar();
        const std::string sub_path = path + "." + sub;
        const Location loc = at(kv.second, file);
        std::vector<std::string>* target = sub == "kinds"     ? &p.kinds
                                           : sub == "fields"  ? &p.fields
                                           : sub == "regions" ? &p.regions
                                                              : nullptr;
        if (!target) {
          error(at(kv.first, file), fmt::format("unknown key '{}' in {}{}", sub, path,
                                                with_suggestion(sub, {"kinds", "fields", "regions"})));
          continue;
        }
        if (string_list(kv.second, sub_path, file, loc, *target)) record_origin(sub_path, loc);
        if (sub == "kinds") {
          for (const auto& k : *target)
            if (std::find(t.kinds.begin(), t.kinds.end(), k) == t.kinds.end())
              error(loc, fmt::format("{} cannot target kind '{}' (it targets {}){}", t.type, k, join(t.kinds),
                                     with_suggestion(k, t.kinds)));
        }
      }
      return;
    }
    for (auto& [k, v] : p.values) {
      if (k != key) continue;
      const auto& spec = *std::find_if(t.params.begin(), t.params.end(), [&](const auto& q) { return q.key == key; });
      double x = 0;
      if (!parse_real(value, x)) {
        error(value_at, fmt::format("{} must be a number ({}), got {}", path, spec.unit, describe(value)));
      } else if (x < spec.lo || x > spec.hi) {
        error(value_at, fmt::format("{} = {} is out of range [{}, {}] ({})", path, x, spec.lo, spec.hi, spec.unit));
      } else {
        v = x;
        record_origin(path, value_at);
      }
      return;
    }
    for (auto& [k, v] : p.choices) {
      if (k != key) continue;
      const auto& spec = *std::find_if(t.choices.begin(), t.choices.end(), [&](const auto& q) { return q.key == key; });
      if (!value.IsScalar() ||
          std::find(spec.options.begin(), spec.options.end(), value.Scalar()) == spec.options.end()) {
        error(value_at, fmt::format("{} must be one of {}, got {}{}", path, join(spec.options), describe(value),
                                    value.IsScalar() ? with_suggestion(value.Scalar(), spec.options) : std::string()));
      } else {
        v = value.Scalar();
        record_origin(path, value_at);
      }
      return;
    }
    std::vector<std::string> keys = {"start_month", "end_month", "eligible"};
    for (const auto& q : t.params) keys.push_back(q.key);
    for (const auto& q : t.choices) keys.push_back(q.key);
    error(key_at, fmt::format("unknown key '{}' for policy type {} (keys: {}){}", key, t.type, join(keys),
                              with_suggestion(key, keys)));
  }

  static std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
  }

  /// `--set policies.NAME.KEY=VALUE` (KEY may be eligible.fields etc.).
  void apply_policy_set(const std::string& rest, const YAML::Node& value, const Location& key_at,
                        const Location& value_at) {
    const auto dot = rest.find('.');
    const std::string name = rest.substr(0, dot);
    auto it =
        std::find_if(scenario.policies.begin(), scenario.policies.end(), [&](const auto& p) { return p.name == name; });
    if (it == scenario.policies.end()) {
      std::vector<std::string> names;
      for (const auto& p : scenario.policies) names.push_back(p.name);
      error(key_at, fmt::format("no policy named '{}' in this scenario{}", name, with_suggestion(name, names)));
      return;
    }
    if (dot == std::string::npos) {
      error(key_at, fmt::format("--set policies.{} needs a key, e.g. policies.{}.start_month=12", name, name));
      return;
    }
    const std::string key = rest.substr(dot + 1);
    const InstrumentSpec& t = *find_instrument_spec(it->type);
    if (key.starts_with("eligible.")) {
      YAML::Node wrapped(YAML::NodeType::Map);
      wrapped[key.substr(9)] = value;
      apply_policy_key(*it, t, "eligible", wrapped, value_at.file, key_at, value_at);
      return;
    }
    apply_policy_key(*it, t, key, value, value_at.file, key_at, value_at);
  }

  bool parse_real(const YAML::Node& node, double& out) {
    if (!node.IsScalar()) return false;
    try {
      out = node.as<double>();
    } catch (const YAML::Exception&) {
      return false;
    }
    return std::isfinite(out);
  }

  bool check_range(const Param& p, double v, const std::string& path, const Location& loc) {
    if (v >= p.lo && v <= p.hi) return true;
    error(loc, fmt::format("{} = {} is out of range [{}, {}]{}", path, v, p.lo, p.hi,
                           p.unit.empty() || p.unit == "1" ? "" : " (" + p.unit + ")"));
    return false;
  }

  void apply_param(const Param& p, const YAML::Node& node, const std::string& file, std::size_t idx,
                   const std::string& path, const Location& loc) {
    if (const auto* r = std::get_if<RealRef>(&p.ref)) {
      double v = 0;
      if (!parse_real(node, v)) {
        error(loc, fmt::format("{} must be a number{}, got {}", path,
                               p.unit.empty() || p.unit == "1" ? "" : " (" + p.unit + ")", describe(node)));
        return;
      }
      if (check_range(p, v, path, loc)) (*r)(scenario, idx) = v;
    } else if (const auto* r = std::get_if<IntRef>(&p.ref)) {
      double v = 0;
      if (!parse_real(node, v) || v != std::floor(v) || std::abs(v) > 9.007199254740992e15) {
        error(loc, fmt::format("{} must be a whole number, got {}", path, describe(node)));
        return;
      }
      if (check_range(p, v, path, loc)) (*r)(scenario, idx) = static_cast<std::int64_t>(v);
    } else if (const auto* r = std::get_if<BoolRef>(&p.ref)) {
      bool v = false;
      if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v)) {
        error(loc, fmt::format("{} must be true or false, got {}", path, describe(node)));
        return;
      }
      (*r)(scenario, idx) = v;
    } else if (const auto* r = std::get_if<StringRef>(&p.ref)) {
      if (!node.IsScalar()) {
        error(loc, fmt::format("{} must be text, got {}", path, describe(node)));
        return;
      }
      (*r)(scenario, idx) = node.Scalar();
    } else if (const auto* r = std::get_if<MatrixRef>(&p.ref)) {
      Matrix m;
      if (!node.IsSequence()) {
        error(loc, fmt::format("{} must be a matrix written as a list of rows, got {}", path, describe(node)));
        return;
      }
      bool ok = true;
      std::vector<Location> row_locations;
      for (const auto& row : node) {
        row_locations.push_back(at(row, file));
        if (!row.IsSequence()) {
          error(at(row, file), fmt::format("each row of {} must be a list of numbers, got {}", path, describe(row)));
          ok = false;
          continue;
        }
        std::vector<double> values;
        for (const auto& cell : row) {
          double v = 0;
          if (!parse_real(cell, v)) {
            error(at(cell, file), fmt::format("{} entries must be numbers, got {}", path, describe(cell)));
            ok = false;
          } else if (!check_range(p, v, path + " entry", at(cell, file))) {
            ok = false;
          }
          values.push_back(v);
        }
        m.push_back(std::move(values));
      }
      if (ok) {
        (*r)(scenario, idx) = std::move(m);
        row_origin_[path] = std::move(row_locations);
      }
    } else {
      apply_list(p, std::get<NamedList>(p.ref), node, file, loc);
      return;
    }
    record_origin(path, loc);
  }

  void apply_list(const Param& p, const NamedList& l, const YAML::Node& node, const std::string& file,
                  const Location& loc) {
    if (!node.IsSequence()) {
      error(loc, fmt::format("{} must be a list of maps with a 'name', got {}", p.path, describe(node)));
      return;
    }
    l.resize(scenario, 0);  // lists are replaced, not merged
    l.resize(scenario, node.size());
    std::set<std::string> seen;
    std::vector<std::string> keys;
    for (const Param& e : l.elements) keys.push_back(e.path);
    std::size_t i = 0;
    for (const auto& entry : node) {
      const YAML::Node name = entry.IsMap() ? entry["name"] : YAML::Node();
      if (!name || !name.IsScalar() || name.Scalar().empty()) {
        error(at(entry, file), fmt::format("each entry of {} must be a map with a 'name'", p.path));
        ++i;
        continue;
      }
      if (!seen.insert(name.Scalar()).second) {
        error(at(name, file), fmt::format("duplicate name '{}' in {}", name.Scalar(), p.path));
      }
      l.name(scenario, i) = name.Scalar();
      std::map<std::string, Location> seen_keys;
      for (const auto& kv : entry) {
        if (!kv.first.IsScalar()) {
          error(at(kv.first, file), "keys must be plain names");
          continue;
        }
        if (!check_duplicate(seen_keys, kv.first, file)) continue;
        const std::string key = kv.first.Scalar();
        if (key == "name") continue;
        const auto it =
            std::find_if(l.elements.begin(), l.elements.end(), [&](const Param& e) { return e.path == key; });
        if (it == l.elements.end()) {
          error(at(kv.first, file), fmt::format("unknown key '{}' in {} entry '{}'{}", key, p.path, name.Scalar(),
                                                with_suggestion(key, keys)));
          continue;
        }
        apply_param(*it, kv.second, file, i, p.path + "." + name.Scalar() + "." + key, at(kv.second, file));
      }
      ++i;
    }
    record_origin(p.path, loc);  // after its entries: the list, not its last entry, is the latest assignment
  }
};

Scenario finish(Decoder& d, const std::vector<std::string>& sets) {
  d.finish_layers();
  for (const auto& s : sets) d.apply_set(s);
  d.validate();
  return std::move(d.scenario);
}

YAML::Node scalar_node(const std::string& text) { return YAML::Node(text); }

}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& sets) {
  Decoder d;
  d.layer_file(path, Location{path, 1, 1});
  return finish(d, sets);
}

Scenario load_scenario_text(const std::string& text, const std::string& display_name, const std::string& base_dir,
                            const std::vector<std::string>& sets) {
  Decoder d;
  const std::string name = display_name.empty() ? kBuiltinBaselineName : display_name;
  d.layer_text(text, name, base_dir, name, Location{name, 1, 1});
  return finish(d, sets);
}

Scenario load_builtin_baseline(const std::vector<std::string>& sets) {
  return load_scenario_text(builtin_baseline_yaml(), kBuiltinBaselineName, ".", sets);
}

std::string to_yaml(const Scenario& scenario_in) {
  Scenario& s = const_cast<Scenario&>(scenario_in);  // accessors are non-const; nothing is modified
  YAML::Node root(YAML::NodeType::Map);
  const auto set_path = [&](const std::string& path, const YAML::Node& value) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1)
      parts.push_back(path.substr(start, dot - start));
    parts.push_back(path.substr(start));
    std::vector<YAML::Node> chain{root};
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      YAML::Node next = chain.back()[parts[i]];
      if (!next.IsMap()) next = YAML::Node(YAML::NodeType::Map);
      chain.back()[parts[i]] = next;
      chain.push_back(next);
    }
    chain.back()[parts.back()] = value;
  };
  const auto value_of = [&](const Param& p, std::size_t idx) -> YAML::Node {
    if (const auto* r = std::get_if<RealRef>(&p.ref)) return scalar_node(fmt::format("{}", (*r)(s, idx)));
    if (const auto* r = std::get_if<IntRef>(&p.ref)) return scalar_node(fmt::format("{}", (*r)(s, idx)));
    if (const auto* r = std::get_if<StringRef>(&p.ref)) return YAML::Node((*r)(s, idx));
    if (const auto* r = std::get_if<BoolRef>(&p.ref)) return scalar_node((*r)(s, idx) ? "true" : "false");
    if (const auto* r = std::get_if<MatrixRef>(&p.ref)) {
      YAML::Node m(YAML::NodeType::Sequence);
      for (const auto& row : (*r)(s, idx)) {
        YAML::Node rn(YAML::NodeType::Sequence);
        rn.SetStyle(YAML::EmitterStyle::Flow);
        for (double v : row) rn.push_back(scalar_node(fmt::format("{}", v)));
        m.push_back(rn);
      }
      return m;
    }
    const auto& l = std::get<NamedList>(p.ref);
    YAML::Node list(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < l.size(s); ++i) {
      YAML::Node e(YAML::NodeType::Map);
      e["name"] = l.name(s, i);
      for (const Param& ep : l.elements) e[ep.path] = YAML::Node(fmt::format("{}", std::get<RealRef>(ep.ref)(s, i)));
      list.push_back(e);
    }
    return list;
  };
  for (const Param& p : scenario_schema()) set_path(p.path, value_of(p, 0));
  YAML::Node policies(YAML::NodeType::Sequence);
  for (const auto& p : s.policies) {
    YAML::Node e(YAML::NodeType::Map);
    e["type"] = p.type;
    e["name"] = p.name;
    e["start_month"] = scalar_node(fmt::format("{}", p.start_month));
    e["end_month"] = scalar_node(fmt::format("{}", p.end_month));
    YAML::Node eligible(YAML::NodeType::Map);
    for (const auto& [key, list] :
         {std::pair{"kinds", &p.kinds}, std::pair{"fields", &p.fields}, std::pair{"regions", &p.regions}}) {
      YAML::Node names(YAML::NodeType::Sequence);
      names.SetStyle(YAML::EmitterStyle::Flow);
      for (const auto& n : *list) names.push_back(n);
      eligible[key] = names;
    }
    e["eligible"] = eligible;
    for (const auto& [k, v] : p.values) e[k] = scalar_node(fmt::format("{}", v));
    for (const auto& [k, v] : p.choices) e[k] = v;
    policies.push_back(e);
  }
  root["policies"] = policies;
  YAML::Emitter out;
  out.SetIndent(2);
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace innochain
