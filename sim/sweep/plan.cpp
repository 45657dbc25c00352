#include "sweep/plan.hpp"

#include "output/run_file.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>
#include <set>

namespace innochain::sweep {

namespace {

/// The decoder reports a bad --set at "<--set KEY=VALUE>:1:COLUMN"; a sweep reports it
/// where the key or value was written (the sweep file or the CSV matrix).
void remap(std::vector<Diagnostic>& diags, const std::string& key, const SetValue& value, const std::string& context) {
  const std::string assignment = key + "=" + value.text;
  const std::string pseudo = "<--set " + assignment + ">";
  const int value_column = static_cast<int>(key.size()) + 2;
  for (auto& d : diags) {
    if (d.where.file != pseudo) continue;
    Location loc = value.where;
    if (d.where.column < value_column && !value.key_where.file.empty()) loc = value.key_where;
    // Inside a one-line scalar value, keep the offset of the problem within it.
    else if (d.where.column > value_column && value.text.find('\n') == std::string::npos)
      loc.column += d.where.column - value_column;
    d.where = loc;
    if (!context.empty()) d.message = context + ": " + d.message;
  }
}

}  // namespace

std::string run_id(const std::vector<std::string>& keys, const DesignPoint& point, std::int64_t replication,
                   std::int64_t repeat) {
  std::string text;
  for (std::size_t j = 0; j < keys.size(); ++j)
    if (point.values[j]) text += keys[j] + "=" + point.values[j]->text + "\n";
  text += fmt::format("replication={}\n", replication);
  if (repeat > 0) text += fmt::format("repeat={}\n", repeat);
  return sha256_hex(text).substr(0, 16);
}

std::string point_value(const SweepPlan& plan, std::int64_t point, std::size_t key) {
  const auto& v = plan.spec.points[static_cast<std::size_t>(point)].values[key];
  return v ? v->text : std::string();
}

namespace {

/// Resolves and validates every point in turn, handing each scenario to `use` (nothing
/// is kept here); throws ScenarioError with every problem once all points are decoded.
/// Relative values must already be resolved (resolve_relative_values).
void resolve_points(const SweepSpec& s, const std::vector<std::string>& extra_sets,
                    const std::function<void(Scenario)>& use) {
  std::vector<Diagnostic> all;
  std::set<std::string> seen;  // the same bad value repeats over many points: report it once
  const bool generated =
      s.kind == "lhs" || s.kind == "sobol" || s.kind == "morris" || s.kind == "saltelli" || s.kind == "oat";
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const DesignPoint& p = s.points[i];
    std::vector<std::string> sets;
    for (const auto& [k, v] : s.fixed) sets.push_back(k + "=" + v.text);
    for (const auto& a : extra_sets) sets.push_back(a);
    const bool file_list = !p.scenario_file.empty();
    const auto composite = [&](std::size_t j) { return j < s.meanings.size() && !s.meanings[j].composite.empty(); };
    if (!file_list) {
      for (std::size_t j = 0; j < s.keys.size(); ++j)
        if (p.values[j] && !composite(j)) sets.push_back(s.keys[j] + "=" + p.values[j]->text);
      for (const auto& [k, v] : p.composite_sets) sets.push_back(k + "=" + v.text);
    }
    try {
      use(file_list ? load_scenario_file(p.scenario_file, sets) : load_scenario_file(s.base_scenario, sets));
    } catch (const ScenarioError& e) {
      std::vector<Diagnostic> diags = e.diagnostics();
      for (const auto& [k, v] : s.fixed) remap(diags, k, v, "");
      if (!file_list) {
        for (std::size_t j = 0; j < s.keys.size(); ++j)
          if (p.values[j] && !composite(j))
            remap(diags, s.keys[j], *p.values[j],
                  generated ? fmt::format("point {} ({} = {})", i, s.keys[j], p.values[j]->text) : "");
        for (const auto& [k, v] : p.composite_sets) remap(diags, k, v, fmt::format("point {} ({} = {})", i, k, v.text));
      }
      // A missing base/scenario file is reported where the sweep file names it.
      for (auto& d : diags) {
        if (d.where.file == s.base_scenario && d.where.line == 1 && d.where.column == 1 &&
            d.message.find("does not exist") != std::string::npos)
          d.where = s.base_at;
        if (file_list && d.where.file == p.scenario_file && d.message.find("does not exist") != std::string::npos)
          d.where = p.scenario_at;
      }
      // Generated values differ from point to point: one report per place in the file is enough.
      for (auto& d : diags) {
        const std::string where = fmt::format("{}:{}:{}", d.where.file, d.where.line, d.where.column);
        if (seen.insert(generated ? where : d.str()).second) all.push_back(d);
      }
      use(Scenario{});  // keeps the points in step; the plan is thrown away with the error
    }
  }
  if (!all.empty()) throw ScenarioError(all);
}

}  // namespace

std::size_t run_count(const SweepSpec& spec) {
  return spec.points.size() * static_cast<std::size_t>(spec.replications);
}

void check_points(SweepSpec spec, const std::vector<std::string>& extra_sets) {
  resolve_relative_values(spec, extra_sets);
  resolve_points(spec, extra_sets, [](Scenario) {});
}

SweepPlan make_plan(SweepSpec spec, std::vector<std::string> extra_sets) {
  SweepPlan plan;
  plan.spec = std::move(spec);
  plan.extra_sets = std::move(extra_sets);
  resolve_relative_values(plan.spec, plan.extra_sets);  // factors -> values, composite axes -> their keys
  const SweepSpec& s = plan.spec;
  resolve_points(s, plan.extra_sets, [&](Scenario scenario) {
    plan.scenario_sha.push_back(sha256_hex(to_yaml(scenario)));
    plan.scenarios.push_back(std::move(scenario));
  });
  std::map<std::string, std::int64_t> repeats;  // identical points keep distinct ids
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    std::string signature;
    for (std::size_t j = 0; j < s.keys.size(); ++j)
      signature += s.points[i].values[j] ? s.points[i].values[j]->text + "\x1f" : std::string("\x1e");
    const std::int64_t repeat = repeats[signature]++;
    for (std::int64_t k = 0; k < s.replications; ++k)
      plan.runs.push_back(PlannedRun{run_id(s.keys, s.points[i], k, repeat), static_cast<std::int64_t>(i), k,
                                     static_cast<std::uint64_t>(plan.scenarios[i].seed)});
  }
  return plan;
}

}  // namespace innochain::sweep
