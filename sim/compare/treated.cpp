#include "compare/treated.hpp"

#include "compare/table.hpp"
#include "model/levers.hpp"
#include "output/inspect.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

namespace innochain {

namespace {

// Indices into firm_outcomes().
enum Outcome : std::size_t {
  o_rd_spending,
  o_own_rd_spending,
  o_public_support,
  o_compute_spending,
  o_revenue,
  o_equity_raised,
  o_first_product,
  o_alive,
  o_rd_staff,
  o_product_lines,
  o_firms,
  o_count
};

/// The enterprise kinds as scenarios name them (EnterpriseKind order).
constexpr std::array<const char*, 3> kKindNames = {"chain_leader", "sme", "startup"};

/// The levers that act on single firms (Enterprises::levers): an instance writing one of them
/// pays or certifies firms, so its eligible firms are a group of their own.
bool firm_lever(const std::string& name) {
  static const std::set<std::string> levers = [] {
    std::set<std::string> s;
    for (Lever l : {Lever::compute_subsidy_rate, Lever::compute_allowance, Lever::rd_subsidy_rate, Lever::rd_allowance,
                    Lever::skill_multiplier, Lever::overhead_subsidy_rate, Lever::overhead_allowance,
                    Lever::investor_signal_bonus, Lever::investor_certificate})
      s.insert(lever_name(l));
    return s;
  }();
  return levers.count(name) > 0;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t to = std::min(text.find(',', from), text.size());
    std::string item = text.substr(from, to - from);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    from = to + 1;
  }
  return out;
}

std::vector<std::string> names_of(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsSequence())
    for (const auto& x : n) out.push_back(x.as<std::string>());
  return out;
}

bool listed(const std::vector<std::string>& list, const std::string& name) {
  return list.empty() || std::find(list.begin(), list.end(), name) != list.end();
}

/// A [snapshot, firm] column, with its width.
struct Column {
  std::vector<double> v;
  std::size_t width = 0;
  double at(std::size_t s, std::size_t i) const { return v[s * width + i]; }
};

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

const std::vector<FirmOutcomeDef>& firm_outcomes() {
  static const std::vector<FirmOutcomeDef> d = {
      {"rd_spending", "yuan", true, "R&D project spending (rd_spent_yuan), window total", ""},
      {"own_rd_spending", "yuan", true,
       "R&D project spending less what subsidies and platforms paid: the firm's own money", ""},
      {"public_support", "yuan", true, "R&D cost paid by subsidies and platforms (rd_subsidised_yuan)", ""},
      {"compute_spending", "yuan", true, "Compute bills: GPU-hours bought x price (compute_bill_yuan)", ""},
      {"revenue", "yuan", true, "Revenue while alive", ""},
      {"equity_raised", "yuan", true, "Outside equity raised in the window", ""},
      {"first_product", "enterprises", false, "Firms whose first product line came on the market in the window",
       "share of firms"},
      {"alive", "enterprises", false, "Firms alive at the end of the run", "share of firms"},
      {"rd_staff", "people", false, "Engineers and industry scientists employed at the end", ""},
      {"product_lines", "lines", false, "Product lines on the market at the end", ""},
      {"firms", "enterprises", false, "Firms in the group (entrants: founded in the window)", ""},
  };
  return d;
}

FirmPanel load_firm_panel(const std::string& path, std::optional<std::int64_t> start_month) {
  const RunFile f(path);
  FirmPanel p;
  p.path = path;
  const auto attrs = f.root_attrs();
  const auto has_attr = [&](const char* n) { return std::find(attrs.begin(), attrs.end(), n) != attrs.end(); };
  p.replication = has_attr("replication") ? std::stoll(f.attr("replication")) : 0;
  p.seed = has_attr("seed") ? f.attr("seed") : "";
  p.months = has_attr("months_completed") ? std::stoll(f.attr("months_completed")) : 0;
  p.field_names = f.strings("field");
  p.region_names = f.strings("region");

  // The policies: their start, the levers they act on, their eligibility selectors.
  YAML::Node scenario;
  try {
    scenario = YAML::Load(f.scenario_yaml());
  } catch (const YAML::Exception& e) {
    throw CompareInputError(fmt::format("{}: the stored scenario cannot be read ({})", path, e.what()));
  }
  if (scenario["world"] && scenario["world"]["scale"]) p.world_scale = scenario["world"]["scale"].as<double>();
  const YAML::Node policies = scenario["policies"];
  std::vector<std::string> levers;
  if (f.has("policy_levers")) levers = f.strings("policy_levers");
  std::optional<std::int64_t> earliest;
  struct Selector {
    std::vector<std::string> kinds, fields, regions;
  };
  std::vector<Selector> selectors;
  if (policies && policies.IsSequence()) {
    std::size_t index = 0;
    for (const auto& pol : policies) {
      const std::int64_t start = pol["start_month"] ? pol["start_month"].as<std::int64_t>() : 0;
      earliest = earliest ? std::min(*earliest, start) : start;
      bool on_firms = false;
      if (index < levers.size())
        for (const auto& l : split_commas(levers[index])) on_firms = on_firms || firm_lever(l);
      if (on_firms) {
        const YAML::Node el = pol["eligible"];
        Selector s;
        if (el) {
          s.kinds = names_of(el["kinds"]);
          s.fields = names_of(el["fields"]);
          s.regions = names_of(el["regions"]);
        }
        selectors.push_back(std::move(s));
      }
      ++index;
    }
  }
  p.targets_firms = !selectors.empty();
  if (start_month)
    p.window_start = *start_month;
  else if (earliest)
    p.window_start = *earliest;
  else
    p.window_start = 0;
  if (p.window_start < 0 || p.window_start >= p.months)
    throw CompareInputError(
        fmt::format("{}: the window starts at month {}, outside the run's {} months", path, p.window_start, p.months));

  // Monthly snapshots of the enterprise table, with the spending columns.
  const std::string need =
      "output.snapshot_interval_months: 1 (monthly snapshots of the agent tables, e.g. --set "
      "output.snapshot_interval_months=1)";
  if (!f.has("snapshots/month") || !f.has("snapshots/enterprises"))
    throw CompareInputError(fmt::format("{}: no /snapshots of the firms; --treated needs {}", path, need));
  const std::vector<double> snap_months = f.values("snapshots/month");
  bool monthly = snap_months.size() == static_cast<std::size_t>(p.months);
  for (std::size_t s = 0; monthly && s < snap_months.size(); ++s) monthly = snap_months[s] == static_cast<double>(s);
  if (!monthly)
    throw CompareInputError(
        fmt::format("{}: snapshots are not monthly ({} snapshots for {} months); --treated needs {}", path,
                    snap_months.size(), p.months, need));
  const auto column = [&](const std::string& name) {
    const std::string at = "snapshots/enterprises/" + name;
    if (!f.has(at))
      throw CompareInputError(fmt::format(
          "{}: the firm snapshots have no column '{}' (written by innochain since compare --treated)", path, name));
    Column c;
    std::vector<hsize_t> dims;
    c.v = f.values(at, &dims);
    c.width = dims.size() == 2 ? static_cast<std::size_t>(dims[1]) : 0;
    return c;
  };
  const std::size_t T = snap_months.size(), start = static_cast<std::size_t>(p.window_start), last = T - 1;
  const Column kind = column("kind"), alive = column("alive"), founded = column("founded_month");
  const std::size_t n = kind.width;
  const auto firms_at = [&](std::size_t s) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (kind.at(s, i) >= 0.0) count = i + 1;
    return count;
  };
  {
    const Column field = column("field"), region = column("region");
    p.kind.resize(n);
    p.field.resize(n);
    p.region.resize(n);
    p.present.assign(n, 0);
    p.entrant.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      p.kind[i] = static_cast<std::int32_t>(kind.at(last, i));
      p.field[i] = static_cast<std::int32_t>(field.at(last, i));
      p.region[i] = static_cast<std::int32_t>(region.at(last, i));
      const double fm = founded.at(last, i);
      p.present[i] = fm < static_cast<double>(p.window_start) && (start == 0 || alive.at(start - 1, i) == 1.0);
      p.entrant[i] = p.kind[i] >= 0 && fm >= static_cast<double>(p.window_start);
    }
  }
  p.values.assign(o_count, std::vector<double>(n, 0.0));
  const auto window_sum = [&](const Column& c, std::size_t i, const Column* mask) {
    double total = 0.0;
    for (std::size_t s = start; s < T; ++s) {
      const double v = c.at(s, i);
      if (std::isnan(v) || (mask && mask->at(s, i) != 1.0)) continue;
      total += v;
    }
    return total;
  };
  {
    const Column rd = column("rd_spent_yuan"), sub = column("rd_subsidised_yuan"),
                 compute = column("compute_bill_yuan");
    const Column revenue = column("revenue_yuan_per_month"), equity = column("equity_raised_yuan");
    const Column first = column("first_product_month"), staff = column("rd_staff"), lines = column("product_lines");
    for (std::size_t i = 0; i < n; ++i) {
      p.values[o_rd_spending][i] = window_sum(rd, i, nullptr);
      p.values[o_public_support][i] = window_sum(sub, i, nullptr);
      p.values[o_own_rd_spending][i] = p.values[o_rd_spending][i] - p.values[o_public_support][i];
      p.values[o_compute_spending][i] = window_sum(compute, i, nullptr);
      p.values[o_revenue][i] = window_sum(revenue, i, &alive);
      const double before = start > 0 && !std::isnan(equity.at(start - 1, i)) ? equity.at(start - 1, i) : 0.0;
      p.values[o_equity_raised][i] = (std::isnan(equity.at(last, i)) ? 0.0 : equity.at(last, i)) - before;
      const double fp = first.at(last, i);
      p.values[o_first_product][i] = fp >= static_cast<double>(p.window_start) ? 1.0 : 0.0;
      const bool alive_end = alive.at(last, i) == 1.0;
      p.values[o_alive][i] = alive_end ? 1.0 : 0.0;
      p.values[o_rd_staff][i] = alive_end ? staff.at(last, i) : 0.0;
      p.values[o_product_lines][i] = alive_end ? lines.at(last, i) : 0.0;
      p.values[o_firms][i] = 1.0;
    }
  }
  // The state before the window: every snapshot column of the firms then (the pairing check).
  if (start > 0) {
    p.firms_before = firms_at(start - 1);
    for (const auto& name : f.members("snapshots/enterprises")) {
      const Column c = column(name);
      for (std::size_t i = 0; i < p.firms_before; ++i) p.state_before.push_back(c.at(start - 1, i));
    }
  }

  // Who the policy paid, and who its selectors name.
  p.recipient.assign(n, 0);
  // Recorded unless the scenario turned it off (a run that paid nobody has no rows).
  p.has_recipients_record = !(scenario["output"] && scenario["output"]["policy_recipients"] &&
                              !scenario["output"]["policy_recipients"].as<bool>());
  if (f.has("policy_recipients/enterprise")) {
    const auto ids = f.values("policy_recipients/enterprise");
    const auto months = f.values("policy_recipients/month");
    for (std::size_t r = 0; r < ids.size(); ++r) {
      const auto id = static_cast<std::size_t>(ids[r]);
      if (id < n && months[r] >= static_cast<double>(p.window_start)) p.recipient[id] = 1;
    }
  }
  p.eligible.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (p.kind[i] < 0 || p.kind[i] >= static_cast<std::int32_t>(kKindNames.size())) continue;
    const std::string k = kKindNames[static_cast<std::size_t>(p.kind[i])];
    const std::string fld = p.field[i] >= 0 && static_cast<std::size_t>(p.field[i]) < p.field_names.size()
                                ? p.field_names[static_cast<std::size_t>(p.field[i])]
                                : "";
    const std::string reg = p.region[i] >= 0 && static_cast<std::size_t>(p.region[i]) < p.region_names.size()
                                ? p.region_names[static_cast<std::size_t>(p.region[i])]
                                : "";
    for (const auto& s : selectors)
      if (listed(s.kinds, k) && listed(s.fields, fld) && listed(s.regions, reg)) p.eligible[i] = 1;
  }
  return p;
}

namespace {

std::string subgroup_of(const FirmPanel& p, std::size_t i, const std::string& by) {
  if (by == "kind")
    return p.kind[i] >= 0 && static_cast<std::size_t>(p.kind[i]) < kKindNames.size()
               ? kKindNames[static_cast<std::size_t>(p.kind[i])]
               : "?";
  if (by == "field")
    return static_cast<std::size_t>(p.field[i]) < p.field_names.size()
               ? p.field_names[static_cast<std::size_t>(p.field[i])]
               : "?";
  if (by == "region")
    return static_cast<std::size_t>(p.region[i]) < p.region_names.size()
               ? p.region_names[static_cast<std::size_t>(p.region[i])]
               : "?";
  return "";
}

const char* group_of(const FirmPanel& policy, std::size_t i) {
  if (policy.recipient[i]) return kRecipients;
  if (policy.eligible[i]) return kEligible;
  return kOthers;
}

/// Per replication, per (group, subgroup): sums over the group's firms and their number.
struct Cell {
  std::vector<double> baseline, policy;  // per replication: the group's value (mean or cohort total)
  std::vector<double> agents;
};

void check_same_world(const FirmPanel& b, const FirmPanel& p) {
  std::string why;
  if (b.window_start != p.window_start)
    why = fmt::format("the windows start at months {} and {}", b.window_start, p.window_start);
  else if (b.firms_before != p.firms_before || b.state_before.size() != p.state_before.size())
    why = fmt::format("they have {} and {} firms in month {}", b.firms_before, p.firms_before, b.window_start - 1);
  else
    for (std::size_t j = 0; j < b.state_before.size() && why.empty(); ++j)
      if (!same_bits(b.state_before[j], p.state_before[j]))
        why = fmt::format("their firms differ in month {} (before the policy starts)", b.window_start - 1);
  if (why.empty() && b.window_start == 0) {
    const std::size_t n = std::min(b.present.size(), p.present.size());
    for (std::size_t i = 0; i < std::max(b.present.size(), p.present.size()) && why.empty(); ++i) {
      const bool in_b = i < b.present.size() && b.present[i], in_p = i < p.present.size() && p.present[i];
      if (in_b != in_p ||
          (i < n && in_b && (b.kind[i] != p.kind[i] || b.field[i] != p.field[i] || b.region[i] != p.region[i])))
        why = "their initial firms differ";
    }
  }
  if (!why.empty())
    throw CompareInputError(fmt::format(
        "{} and {} are not the same world before the policy: {}; per-firm pairing needs common random numbers "
        "(the same scenario, seed and replication up to the policy)",
        b.path, p.path, why));
}

}  // namespace

TreatedComparison treated_effects(const std::vector<FirmPanel>& baseline, const std::vector<FirmPanel>& policy,
                                  const std::vector<std::string>& metrics, const TreatedOptions& o,
                                  std::optional<std::int64_t> point) {
  if (baseline.size() != policy.size() || baseline.empty()) throw CompareInputError("no paired runs to compare");
  if (!o.by.empty() && o.by != "kind" && o.by != "field" && o.by != "region")
    throw CompareInputError(fmt::format("--by {}: use kind, field or region", o.by));
  const auto& defs = firm_outcomes();
  std::vector<std::size_t> wanted;
  std::vector<std::string> unknown;
  for (const auto& m : metrics) {
    if (m == "all") {
      for (std::size_t j = 0; j < defs.size(); ++j) wanted.push_back(j);
      continue;
    }
    const auto it = std::find_if(defs.begin(), defs.end(), [&](const FirmOutcomeDef& d) { return d.name == m; });
    if (it == defs.end())
      unknown.push_back(m);
    else
      wanted.push_back(static_cast<std::size_t>(it - defs.begin()));
  }
  if (!unknown.empty()) {
    std::vector<std::string> have;
    for (const auto& d : defs) have.push_back(d.name);
    throw CompareInputError(fmt::format("unknown per-firm outcome{} '{}'; --treated has: {}",
                                        unknown.size() > 1 ? "s" : "", fmt::join(unknown, "', '"),
                                        fmt::join(have, ", ")));
  }
  // (group, subgroup) -> per outcome -> per replication values.
  std::map<std::pair<std::string, std::string>, std::map<std::size_t, Cell>> cells;
  const std::size_t K = baseline.size();
  for (std::size_t k = 0; k < K; ++k) {
    const FirmPanel& b = baseline[k];
    const FirmPanel& p = policy[k];
    check_same_world(b, p);
    const double window = static_cast<double>(p.months - p.window_start);
    const auto scaled = [&](std::size_t j, double v, bool cohort, double world_scale) {
      if (o.per_year && defs[j].flow && j != o_firms) v *= 12.0 / window;
      if (o.province && cohort) v /= world_scale;
      return v;
    };
    // Firms present at the start: per-firm differences, averaged over the group.
    std::map<std::pair<std::string, std::string>, std::pair<std::vector<double>, std::vector<double>>> sums;
    std::map<std::pair<std::string, std::string>, double> counts;
    const std::size_t n = std::min(b.present.size(), p.present.size());
    for (std::size_t i = 0; i < n; ++i) {
      if (!p.present[i]) continue;
      const std::pair<std::string, std::string> key{group_of(p, i), subgroup_of(p, i, o.by)};
      auto& [sb, sp] = sums[key];
      sb.resize(defs.size(), 0.0);
      sp.resize(defs.size(), 0.0);
      for (std::size_t j : wanted) {
        sb[j] += b.values[j][i];
        sp[j] += p.values[j][i];
      }
      counts[key] += 1.0;
    }
    for (const auto& [key, s] : sums) {
      const double c = counts[key];
      for (std::size_t j : wanted) {
        if (j == o_firms) continue;  // a constant for firms present in both runs
        Cell& cell = cells[key][j];
        cell.baseline.push_back(scaled(j, s.first[j] / c, false, p.world_scale));
        cell.policy.push_back(scaled(j, s.second[j] / c, false, p.world_scale));
        cell.agents.push_back(c);
      }
    }
    // Entrants: each run's own cohort, as totals (no firm-by-firm counterpart).
    std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> cohort;
    std::map<std::string, double> entrants;
    for (int side = 0; side < 2; ++side) {
      const FirmPanel& r = side == 0 ? b : p;
      for (std::size_t i = 0; i < r.present.size(); ++i) {
        if (!r.entrant[i]) continue;
        const std::string sub = subgroup_of(r, i, o.by);
        auto& pair = cohort[sub];
        auto& v = side == 0 ? pair.first : pair.second;
        v.resize(defs.size(), 0.0);
        for (std::size_t j : wanted) v[j] += r.values[j][i];
        if (side == 1) entrants[sub] += 1.0;
      }
    }
    for (auto& [sub, pair] : cohort) {
      pair.first.resize(defs.size(), 0.0);
      pair.second.resize(defs.size(), 0.0);
      for (std::size_t j : wanted) {
        Cell& cell = cells[{kEntrants, sub}][j];
        cell.baseline.push_back(scaled(j, pair.first[j], true, b.world_scale));
        cell.policy.push_back(scaled(j, pair.second[j], true, p.world_scale));
        cell.agents.push_back(entrants[sub]);
      }
    }
  }
  TreatedComparison c;
  const auto group_rank = [](const std::string& g) {
    return g == kRecipients ? 0 : g == kEligible ? 1 : g == kOthers ? 2 : 3;
  };
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& [key, v] : cells) keys.push_back(key);
  std::stable_sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    return std::pair{group_rank(a.first), a.second} < std::pair{group_rank(b.first), b.second};
  });
  bool partial = false;
  for (const auto& key : keys) {
    for (std::size_t j : wanted) {
      const auto it = cells[key].find(j);
      if (it == cells[key].end()) continue;
      const Cell& cell = it->second;
      partial = partial || cell.baseline.size() < K;
      TreatedRow row;
      row.point = point;
      row.group = key.first;
      row.subgroup = key.second;
      row.metric = defs[j].name;
      const bool cohort = key.first == kEntrants;
      row.units = defs[j].units;
      if (o.per_year && defs[j].flow && j != o_firms) row.units += "/year";
      if (!cohort) row.units = defs[j].per_firm_units.empty() ? row.units + " per firm" : defs[j].per_firm_units;
      double agents = 0.0;
      for (double a : cell.agents) agents += a;
      row.agents = agents / static_cast<double>(cell.agents.size());
      row.effect = paired_effect(cell.baseline, cell.policy, o.confidence);
      c.rows.push_back(std::move(row));
    }
  }
  const FirmPanel& p0 = policy.front();
  if (!p0.has_recipients_record && p0.targets_firms)
    c.notes.push_back(
        "the policy runs have no /policy_recipients (output.policy_recipients: false): no recipients group");
  if (!p0.targets_firms)
    c.notes.push_back(
        "no policy instance acts on single firms (subsidies, certificates, mentoring): every firm present at the start "
        "is "
        "in 'others', whose effect is a spill-over");
  c.notes.push_back(fmt::format(
      "window: months {} to {} (the policy start to the end); groups from the policy run: recipients (paid in the "
      "window, /policy_recipients), eligible_non_recipients (kind, field and region match an instance that acts on "
      "firms; other conditions such as age limits are not applied), others (spill-overs); firms alive at month {} "
      "have the same id in both runs (checked: the runs are identical before the window)",
      p0.window_start, p0.months - 1, p0.window_start));
  c.notes.push_back(fmt::format(
      "per firm: each replication's mean over the group's firms of policy - baseline for the same firm; entrants "
      "(founded in the window) have no counterpart and are compared as cohort totals per run; interval: {:g} % Student "
      "t "
      "over replications; agents = mean firms per replication (entrants: in the policy run)",
      o.confidence * 100.0));
  if (partial)
    c.notes.push_back("pairs < replications: a group with no firm in a replication leaves that replication out");
  std::vector<std::string> heading;
  if (o.province) heading.push_back(fmt::format("entrants province-equivalent (x {:g})", 1.0 / p0.world_scale));
  if (o.per_year) heading.push_back("flows per year of the window");
  if (!o.by.empty()) heading.push_back("by " + o.by);
  c.heading = fmt::format("{}", fmt::join(heading, ", "));
  if (o.province)
    c.notes.push_back(
        fmt::format("--province: entrants' cohort totals divided by world.scale ({:g}); per-firm means are not scaled",
                    p0.world_scale));
  return c;
}

TreatedComparison compare_treated(const std::vector<PairGroup>& groups, const std::vector<std::string>& metrics,
                                  const TreatedOptions& o) {
  TreatedComparison all;
  for (const auto& g : groups) {
    std::vector<FirmPanel> b, p;
    for (std::size_t k = 0; k < g.baseline.size(); ++k) {
      // The window comes from the policy run; the baseline has no policies of its own.
      p.push_back(load_firm_panel(g.policy[k]->path, o.start_month));
      b.push_back(load_firm_panel(g.baseline[k]->path, p.back().window_start));
    }
    TreatedComparison c = treated_effects(b, p, metrics, o, g.point);
    all.rows.insert(all.rows.end(), c.rows.begin(), c.rows.end());
    all.heading = c.heading;
    for (const auto& n : c.notes)
      if (std::find(all.notes.begin(), all.notes.end(), n) == all.notes.end()) all.notes.push_back(n);
  }
  return all;
}

const std::vector<std::string>& treated_columns() {
  static const std::vector<std::string> c = {
      "group",       "subgroup",        "metric",        "units",  "pairs",   "agents",         "baseline_mean",
      "policy_mean", "mean_difference", "sd_difference", "ci_low", "ci_high", "relative_change"};
  return c;
}

std::string format_treated(const TreatedComparison& c, const std::string& format, const std::string& baseline_source,
                           const std::string& policy_source) {
  const bool points =
      std::any_of(c.rows.begin(), c.rows.end(), [](const TreatedRow& r) { return r.point.has_value(); });
  const bool subgroups =
      std::any_of(c.rows.begin(), c.rows.end(), [](const TreatedRow& r) { return !r.subgroup.empty(); });
  const bool exact = format == "csv";
  std::vector<std::string> header;
  if (points) header.push_back("point");
  for (const auto& name : treated_columns())
    if (exact || ((name != "subgroup" || subgroups) && name != "sd_difference")) header.push_back(name);
  const std::string none = exact ? "" : "-";
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : c.rows) {
    std::vector<std::string> row;
    if (points) row.push_back(r.point ? fmt::format("{}", *r.point) : "");
    row.push_back(r.group);
    if (exact || subgroups) row.push_back(r.subgroup);
    row.insert(row.end(), {r.metric, r.units, fmt::format("{}", r.effect.pairs), num(r.agents, exact),
                           num(r.effect.baseline_mean, exact), num(r.effect.policy_mean, exact),
                           num(r.effect.mean_difference, exact)});
    if (exact) row.push_back(r.effect.pairs >= 2 ? num(r.effect.sd_difference, exact) : "");
    row.insert(row.end(), {opt(r.effect.ci_low, exact, none), opt(r.effect.ci_high, exact, none),
                           percent(r.effect.relative_change, exact)});
    cells.push_back(std::move(row));
  }
  TableText t;
  t.header = std::move(header);
  t.cells = std::move(cells);
  t.text_columns = (points ? 1 : 0) + (exact || subgroups ? 2 : 1) + 2;
  t.heading =
      c.heading.empty() ? "effects on the treated (per firm)" : "effects on the treated (per firm), " + c.heading;
  t.notes = c.notes;
  return render_table(t, format, baseline_source, policy_source);
}

}  // namespace innochain
