// Factors of the base scenario's values and composite axes (docs/sweeps.md, "Ranges relative
// to the base scenario"): the sweep file gives factors; the runs get values.
#include "sweep/sweep_file.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <optional>
#include <sstream>

namespace innochain::sweep {

namespace {

/// The value of a `--set` key in a resolved scenario's YAML (innochain show): map keys by name,
/// list entries (regions, fields, policies) by their `name`. Absent when it is not a number.
std::optional<double> number_at(const YAML::Node& root, const std::string& key) {
  // YAML::Node's operator= copies into the node it refers to: walk with reset() instead.
  YAML::Node node;
  node.reset(root);
  std::stringstream parts(key);
  std::string part;
  while (std::getline(parts, part, '.')) {
    YAML::Node next;
    if (node.IsMap() && node[part]) {
      next.reset(node[part]);
    } else if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i)
        if (node[i].IsMap() && node[i]["name"] && node[i]["name"].Scalar() == part) next.reset(node[i]);
    }
    if (!next.IsDefined() || next.IsNull()) return std::nullopt;
    node.reset(next);
  }
  double v = 0.0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, v) || !std::isfinite(v)) return std::nullopt;
  return v;
}

double parse(const std::string& text) { return std::stod(text); }

}  // namespace

void resolve_relative_values(SweepSpec& spec, const std::vector<std::string>& extra_sets) {
  bool needed = spec.kind == "oat";
  for (const auto& m : spec.meanings) needed = needed || m.relative;
  if (!needed || spec.base_scenario.empty()) return;
  std::vector<std::string> sets;
  for (const auto& [k, v] : spec.fixed) sets.push_back(k + "=" + v.text);
  for (const auto& a : extra_sets) sets.push_back(a);
  YAML::Node base;
  try {
    base = YAML::Load(to_yaml(load_scenario_file(spec.base_scenario, sets)));
  } catch (const ScenarioError& e) {
    std::vector<Diagnostic> diags = e.diagnostics();
    for (auto& d : diags)  // a missing base file is reported where the sweep file names it
      if (d.where.file == spec.base_scenario && d.message.find("does not exist") != std::string::npos)
        d.where = spec.base_at;
    throw ScenarioError(diags);
  }
  std::vector<Diagnostic> diags;
  const auto base_of = [&](const std::string& key, const Location& where,
                           const std::string& why) -> std::optional<double> {
    const auto v = number_at(base, key);
    if (!v)
      diags.push_back(
          {where, fmt::format("{}: {} has no numeric value in the base scenario {}", why, key, spec.base_as_written)});
    return v;
  };
  // Per key: the base value (plain keys) or the members' base values (composite axes).
  std::vector<double> base_value(spec.keys.size(), 0.0);
  std::vector<std::vector<double>> member_base(spec.keys.size());
  for (std::size_t j = 0; j < spec.meanings.size(); ++j) {
    const KeyMeaning& m = spec.meanings[j];
    if (!m.composite.empty()) {
      for (const auto& member : m.composite) {
        const auto v = base_of(member, m.where, "composite axis " + spec.keys[j]);
        if (v && *v == 0.0)
          diags.push_back({m.where, fmt::format("composite axis {}: {} is 0 in the base scenario, so no factor "
                                                "can move it",
                                                spec.keys[j], member)});
        member_base[j].push_back(v.value_or(0.0));
      }
    } else if (m.relative || spec.kind == "oat") {
      base_value[j] = base_of(spec.keys[j], m.where, m.relative ? "factor range" : "oat design").value_or(0.0);
    }
  }
  if (!diags.empty()) throw ScenarioError(diags);
  // A product such as 0.3 x 1.5 is 0.44999999999999996 in binary: the runs get (and the index
  // shows) the value rounded to 15 significant digits, 0.45.
  const auto text_of = [](double v, bool integer) {
    return integer ? fmt::format("{}", std::llround(v)) : format_number(std::stod(fmt::format("{:.15g}", v)));
  };
  for (auto& p : spec.points) {
    p.composite_sets.clear();
    for (std::size_t j = 0; j < spec.meanings.size(); ++j) {
      const KeyMeaning& m = spec.meanings[j];
      auto& value = p.values[j];
      if (!value && spec.kind == "oat")  // the base point of an oat design, written out
        value = SetValue{m.relative || !m.composite.empty() ? "1" : text_of(base_value[j], m.integer), m.where};
      if (!value) continue;
      if (!m.composite.empty()) {
        const double f = parse(value->text);
        const double share = 1.0 / static_cast<double>(m.composite.size());
        for (std::size_t i = 0; i < m.composite.size(); ++i)
          p.composite_sets.emplace_back(m.composite[i], SetValue{text_of(member_base[j][i] * std::pow(f, share), false),
                                                                 value->where, value->key_where});
      } else if (m.relative) {
        value->text = text_of(base_value[j] * parse(value->text), m.integer);
      }
    }
  }
}

}  // namespace innochain::sweep
