#include "compare/datasets.hpp"

#include "output/inspect.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>
#include <tuple>

namespace innochain {

namespace {

namespace fs = std::filesystem;

constexpr const char* kSpending = "policy_spending";

bool has_attr(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::int64_t int_attr(const RunFile& f, const std::vector<std::string>& names, const std::string& path,
                      const std::string& name) {
  if (!has_attr(names, name)) throw CompareInputError(fmt::format("{}: no root attribute '{}'", path, name));
  const std::string text = f.attr(name);
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    throw CompareInputError(fmt::format("{}: root attribute '{}' is '{}', not an integer", path, name, text));
  }
}

std::string point_label(const std::optional<std::int64_t>& p) { return p ? fmt::format("point {}", *p) : "run"; }

/// "0-4, 7, 9-10" for a sorted list of replications.
std::string ranges(const std::vector<std::int64_t>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += j == i ? fmt::format("{}", v[i]) : fmt::format("{}-{}", v[i], v[j]);
    i = j + 1;
  }
  return out;
}

std::set<std::optional<std::int64_t>> points_of(const Dataset& d) {
  std::set<std::optional<std::int64_t>> p;
  for (const auto& r : d.runs) p.insert(r.sweep_point);
  return p;
}

/// A side's runs at one point (every run when `point` is not used to select).
std::vector<const RunRecord*> runs_at(const Dataset& d, const std::optional<std::int64_t>& point, bool select) {
  std::vector<const RunRecord*> out;
  for (const auto& r : d.runs)
    if (!select || r.sweep_point == point) out.push_back(&r);
  return out;
}

double summary_value(const RunRecord& r, const std::string& metric) {
  if (const auto it = r.summary.find(metric); it != r.summary.end()) return it->second;
  if (const auto d = derived_compare_metrics().find(metric); d != derived_compare_metrics().end()) {
    double total = 0.0;
    for (const auto& part : d->second) total += summary_value(r, part);
    return total;
  }
  if (metric == kSpending) return 0.0;  // a run without policy instances spends nothing
  throw CompareInputError(fmt::format("{}: no summary value '{}'", r.path, metric));
}

std::string units_of(const RunRecord& r, const std::string& metric) {
  if (const auto it = r.units.find(metric); it != r.units.end()) return it->second;
  if (const auto d = derived_compare_metrics().find(metric); d != derived_compare_metrics().end())
    return units_of(r, d->second.front());
  return metric == kSpending ? "yuan" : "";
}

bool known_metric(const RunRecord& r, const std::string& metric) {
  if (r.summary.count(metric) || metric == kSpending) return true;
  const auto d = derived_compare_metrics().find(metric);
  return d != derived_compare_metrics().end() &&
         std::all_of(d->second.begin(), d->second.end(), [&](const std::string& p) { return r.summary.count(p) > 0; });
}

}  // namespace

RunRecord load_run_record(const std::string& path) {
  const RunFile f(path);
  const auto names = f.root_attrs();
  const std::string status = has_attr(names, "status") ? f.attr("status") : "(none)";
  if (status != "complete")
    throw CompareInputError(
        fmt::format("{}: status is '{}', not 'complete': the run did not finish ({} of {} months); "
                    "finish it or leave it out",
                    path, status, has_attr(names, "months_completed") ? f.attr("months_completed") : "?",
                    has_attr(names, "horizon_months") ? f.attr("horizon_months") : "?"));
  RunRecord r;
  r.path = path;
  r.replication = int_attr(f, names, path, "replication");
  r.seed = has_attr(names, "seed") ? f.attr("seed") : "";
  if (has_attr(names, "sweep_point")) r.sweep_point = int_attr(f, names, path, "sweep_point");
  r.horizon_months = int_attr(f, names, path, "months_completed");
  r.scenario_name = has_attr(names, "scenario_name") ? f.attr("scenario_name") : "";
  try {
    const YAML::Node scale = YAML::Load(f.scenario_yaml())["world"]["scale"];
    if (scale) r.world_scale = scale.as<double>();
  } catch (const YAML::Exception& e) {
    throw CompareInputError(fmt::format("{}: the stored scenario cannot be read ({})", path, e.what()));
  }
  for (const auto& name : f.summary_names()) {
    r.summary[name] = f.summary(name);
    r.units[name] = f.summary_units(name);
  }
  return r;
}

Dataset load_dataset(const std::string& path) {
  Dataset d;
  d.source = path;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    d.runs.push_back(load_run_record(path));
    return d;
  }
  const fs::path dir = fs::is_directory(fs::path(path) / "runs", ec) ? fs::path(path) / "runs" : fs::path(path);
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".h5") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw CompareInputError(fmt::format("{}: no run files (*.h5) in {}", path, dir.string()));
  std::vector<std::string> incomplete;
  for (const auto& file : files) {
    try {
      d.runs.push_back(load_run_record(file));
    } catch (const CompareInputError& e) {
      incomplete.emplace_back(e.what());
    }
  }
  if (!incomplete.empty()) {
    std::string msg = fmt::format("{}: {} of {} run files cannot be compared:", path, incomplete.size(), files.size());
    for (const auto& m : incomplete) msg += "\n  " + m;
    throw CompareInputError(msg);
  }
  std::sort(d.runs.begin(), d.runs.end(), [](const RunRecord& a, const RunRecord& b) {
    return std::tie(a.sweep_point, a.replication, a.path) < std::tie(b.sweep_point, b.replication, b.path);
  });
  return d;
}

std::vector<PairGroup> pair_runs(const Dataset& baseline, const Dataset& policy) {
  std::vector<std::string> problems;
  // Horizons and scales: one value over both sides, or the comparison means nothing.
  std::map<std::int64_t, std::vector<std::string>> horizons;
  std::map<double, std::vector<std::string>> scales;
  for (const Dataset* d : {&baseline, &policy})
    for (const auto& r : d->runs) {
      horizons[r.horizon_months].push_back(r.path);
      scales[r.world_scale].push_back(r.path);
    }
  if (horizons.size() > 1) {
    std::string m = "different horizons:";
    for (const auto& [h, paths] : horizons)
      m += fmt::format(" {} months ({} runs, e.g. {});", h, paths.size(), paths[0]);
    problems.push_back(m);
  }
  if (scales.size() > 1) {
    std::string m = "different world.scale:";
    for (const auto& [s, paths] : scales) m += fmt::format(" {} ({} runs, e.g. {});", s, paths.size(), paths[0]);
    problems.push_back(m + " run both sides at the same scale");
  }
  const auto pb = points_of(baseline), pp = points_of(policy);
  std::vector<std::optional<std::int64_t>> points;
  bool select_baseline = false, select_policy = false;
  if (pb.size() > 1 && pp.size() > 1) {
    if (pb != pp) problems.push_back("the two sweeps hold different design points");
    points.assign(pb.begin(), pb.end());
    select_baseline = select_policy = true;
  } else if (pp.size() > 1) {  // one baseline against every point of a policy sweep
    points.assign(pp.begin(), pp.end());
    select_policy = true;
  } else if (pb.size() > 1) {
    points.assign(pb.begin(), pb.end());
    select_baseline = true;
  } else {
    points.push_back(*pp.begin());
  }
  std::vector<PairGroup> groups;
  for (const auto& point : points) {
    const auto b = runs_at(baseline, point, select_baseline), p = runs_at(policy, point, select_policy);
    const std::string where = points.size() > 1 ? point_label(point) + ": " : "";
    std::map<std::int64_t, const RunRecord*> by_rep_b, by_rep_p;
    for (const auto& [side, runs, map] : {std::tuple{"baseline", &b, &by_rep_b}, std::tuple{"policy", &p, &by_rep_p}})
      for (const RunRecord* r : *runs)
        if (!map->emplace(r->replication, r).second)
          problems.push_back(fmt::format("{}{} replication {} appears twice ({} and {})", where, side, r->replication,
                                         map->at(r->replication)->path, r->path));
    std::vector<std::int64_t> only_b, only_p;
    for (const auto& [rep, r] : by_rep_b)
      if (!by_rep_p.count(rep)) only_b.push_back(rep);
    for (const auto& [rep, r] : by_rep_p)
      if (!by_rep_b.count(rep)) only_p.push_back(rep);
    if (!only_b.empty())
      problems.push_back(fmt::format("{}replications {} are in the baseline ({}) but not in the policy ({})", where,
                                     ranges(only_b), baseline.source, policy.source));
    if (!only_p.empty())
      problems.push_back(fmt::format("{}replications {} are in the policy ({}) but not in the baseline ({})", where,
                                     ranges(only_p), policy.source, baseline.source));
    PairGroup g;
    g.point = points.size() > 1 ? point : std::nullopt;
    for (const auto& [rep, rb] : by_rep_b) {
      const auto it = by_rep_p.find(rep);
      if (it == by_rep_p.end()) continue;
      if (rb->seed != it->second->seed)
        problems.push_back(
            fmt::format("{}replication {} has seed {} in {} but seed {} in {}: not common random numbers", where, rep,
                        rb->seed, rb->path, it->second->seed, it->second->path));
      g.baseline.push_back(rb);
      g.policy.push_back(it->second);
    }
    groups.push_back(std::move(g));
  }
  if (!problems.empty()) {
    std::string msg = fmt::format("cannot pair {} with {}:", baseline.source, policy.source);
    for (const auto& m : problems) msg += "\n  " + m;
    throw CompareInputError(msg);
  }
  return groups;
}

const std::vector<std::string>& default_compare_metrics() {
  static const std::vector<std::string> m = {"discoveries",
                                             "breakthroughs",
                                             "contract_research_deals",
                                             "transfers",
                                             "transfers_licence",
                                             "transfers_spinoff",
                                             "bad_transfers",
                                             "startups",
                                             "products_launched",
                                             "compute_spending",
                                             "rd_spending_enterprises",
                                             "revenue",
                                             "output",
                                             "enterprises_alive",
                                             "enterprise_rd_staff",
                                             "policy_spending"};
  return m;
}

const std::map<std::string, std::vector<std::string>>& derived_compare_metrics() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"transfers", {"transfers_licence", "transfers_spinoff"}},
      {"startups", {"startups_founded", "spinoffs_founded"}},
  };
  return m;
}

bool is_cost_outcome(const std::string& metric) {
  static const std::set<std::string> m = {"transfers",        "transfers_licence", "transfers_spinoff", "startups",
                                          "startups_founded", "spinoffs_founded",  "products_launched"};
  return m.count(metric) > 0;
}

Comparison compare_datasets(const std::vector<PairGroup>& groups, const std::vector<std::string>& metrics,
                            double confidence) {
  Comparison c;
  if (groups.empty() || groups.front().baseline.empty()) throw CompareInputError("no paired runs to compare");
  const RunRecord& first = *groups.front().baseline.front();
  std::vector<std::string> wanted;
  for (const auto& m : metrics) {
    if (m == "all") {
      for (const auto& [name, v] : first.summary) wanted.push_back(name);
      for (const auto& [name, parts] : derived_compare_metrics())
        if (known_metric(first, name)) wanted.push_back(name);
    } else {
      wanted.push_back(m);
    }
  }
  std::vector<std::string> unknown;
  for (const auto& m : wanted)
    for (const auto& g : groups)
      for (const auto* side : {&g.baseline, &g.policy})
        for (const RunRecord* r : *side)
          if (!known_metric(*r, m) && std::find(unknown.begin(), unknown.end(), m) == unknown.end())
            unknown.push_back(m);
  if (!unknown.empty()) {
    std::string have;
    for (const auto& [name, v] : first.summary) have += (have.empty() ? "" : ", ") + name;
    for (const auto& [name, parts] : derived_compare_metrics()) have += ", " + name;
    throw CompareInputError(fmt::format("unknown outcome{} '{}'; the run files have: {}", unknown.size() > 1 ? "s" : "",
                                        fmt::join(unknown, "', '"), have));
  }
  bool single = false;
  for (const auto& g : groups) {
    const std::size_t n = g.baseline.size();
    single = single || n < 2;
    std::vector<double> spend_b(n), spend_p(n);
    for (std::size_t k = 0; k < n; ++k) {
      spend_b[k] = summary_value(*g.baseline[k], kSpending);
      spend_p[k] = summary_value(*g.policy[k], kSpending);
    }
    const PairedEffect spending = paired_effect(spend_b, spend_p, confidence);
    for (const auto& m : wanted) {
      std::vector<double> b(n), p(n);
      for (std::size_t k = 0; k < n; ++k) {
        b[k] = summary_value(*g.baseline[k], m);
        p[k] = summary_value(*g.policy[k], m);
      }
      OutcomeRow row{g.point, m, units_of(*g.baseline.front(), m), paired_effect(b, p, confidence), {}, {}};
      if (is_cost_outcome(m)) {
        row.extra_spending_yuan = spending.mean_difference;
        row.cost_per_additional_unit = cost_per_additional_unit(spending.mean_difference, row.effect.mean_difference);
      }
      c.rows.push_back(std::move(row));
    }
  }
  if (single)
    c.notes.push_back(
        "one pair of runs: the difference is shown without a confidence interval (an interval needs at least two "
        "replications of each side; run more with --replication K)");
  c.notes.push_back(
      fmt::format("difference = policy - baseline, averaged over replications paired by replication and "
                  "seed (common random numbers); interval: {:g} % Student t on the paired differences",
                  confidence * 100.0));
  c.notes.push_back(
      "cost per unit = mean extra public spending (policy_spending, yuan) / mean extra units, shown for transfers, "
      "start-ups and products when both are positive; where the interval of the extra units includes 0 the cost "
      "per unit is not distinguishable from an unbounded one");
  return c;
}

namespace {

/// Exact (shortest round-trip) for CSV, four significant digits for people.
std::string num(double v, bool exact) { return exact ? fmt::format("{}", v) : fmt::format("{:.4g}", v); }

std::string opt(const std::optional<double>& v, bool exact, const std::string& missing) {
  return v ? num(*v, exact) : missing;
}

std::string percent(const std::optional<double>& v, bool exact) {
  if (!v) return exact ? "" : "n/a";
  return exact ? fmt::format("{}", *v) : fmt::format("{:+.2f} %", *v * 100.0);
}

}  // namespace

std::string format_comparison(const Comparison& c, const std::string& format, const std::string& baseline_source,
                              const std::string& policy_source) {
  const bool points =
      std::any_of(c.rows.begin(), c.rows.end(), [](const OutcomeRow& r) { return r.point.has_value(); });
  std::vector<std::string> header = {
      "metric",          "units",    "pairs",     "baseline_mean",   "policy_mean",
      "mean_difference", "ci95_low", "ci95_high", "relative_change", "cost_per_additional_unit_yuan"};
  if (points) header.insert(header.begin(), "point");
  const bool exact = format == "csv";
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : c.rows) {
    std::vector<std::string> row = {
        r.metric,
        r.units,
        fmt::format("{}", r.effect.pairs),
        num(r.effect.baseline_mean, exact),
        num(r.effect.policy_mean, exact),
        num(r.effect.mean_difference, exact),
        opt(r.effect.ci_low, exact, exact ? "" : "-"),
        opt(r.effect.ci_high, exact, exact ? "" : "-"),
        percent(r.effect.relative_change, exact),
        opt(r.cost_per_additional_unit, exact, exact ? "" : (r.extra_spending_yuan ? "n/a" : ""))};
    if (points) row.insert(row.begin(), r.point ? fmt::format("{}", *r.point) : "");
    cells.push_back(std::move(row));
  }
  std::string out;
  if (format == "csv") {
    const auto quote = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      return q + "\"";
    };
    for (std::size_t i = 0; i < header.size(); ++i) out += (i ? "," : "") + header[i];
    out += "\n";
    for (const auto& row : cells) {
      for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + quote(row[i]);
      out += "\n";
    }
    return out;
  }
  if (format == "markdown") {
    out += fmt::format("Baseline `{}` against policy `{}`.\n\n", baseline_source, policy_source);
    out += "|";
    for (const auto& h : header) out += " " + h + " |";
    out += "\n|";
    for (std::size_t i = 0; i < header.size(); ++i) out += (i < (points ? 3u : 2u) ? " --- |" : " ---: |");
    out += "\n";
    for (const auto& row : cells) {
      out += "|";
      for (const auto& v : row) out += " " + v + " |";
      out += "\n";
    }
    out += "\n";
    for (const auto& n : c.notes) out += "- " + n + "\n";
    return out;
  }
  if (format != "table") throw CompareInputError(fmt::format("unknown format '{}' (table, csv or markdown)", format));
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : cells)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  out += fmt::format("baseline: {}\npolicy:   {}\n\n", baseline_source, policy_source);
  const std::size_t text_cols = points ? 3 : 2;
  const auto line = [&](const std::vector<std::string>& row) {
    std::string l;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) l += "  ";
      l += i < text_cols ? fmt::format("{:<{}}", row[i], width[i]) : fmt::format("{:>{}}", row[i], width[i]);
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  out += line(header);
  for (const auto& row : cells) out += line(row);
  out += "\n";
  for (const auto& n : c.notes) out += "note: " + n + "\n";
  return out;
}

}  // namespace innochain
