#include "compare/datasets.hpp"

#include "compare/table.hpp"

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
  if (const auto* parts = derived_parts(metric)) {
    double total = 0.0;
    for (const auto& part : *parts) total += summary_value(r, part);
    return total;
  }
  if (metric == kPolicySpending) return 0.0;  // a run without policy instances spends nothing
  throw CompareInputError(fmt::format("{}: no summary value '{}'", r.path, metric));
}

/// Present value at month 0 of the run's public spending: spending in month t (0 = the first
/// simulated month) is discounted by (1 + rate)^(-t/12).
double present_value(const RunRecord& r, double rate) {
  double pv = 0.0;
  for (std::size_t t = 0; t < r.spending_by_month.size(); ++t)
    pv += r.spending_by_month[t] * std::pow(1.0 + rate, -static_cast<double>(t) / 12.0);
  return pv;
}

/// A run's value of an outcome as the options express it: the /summary (or derived) value, or
/// the present value of spending; divided by world.scale for province-equivalent figures; flows
/// per simulated year.
double outcome_value(const RunRecord& r, const std::string& metric, const CompareOptions& o) {
  double v = metric == kPolicySpendingPv ? present_value(r, o.discount.value_or(0.0)) : summary_value(r, metric);
  if (o.province && scales_with_world(metric)) v = v / r.world_scale;
  if (o.per_year && outcome_accumulation(metric) == Accumulation::flow)
    v = v * (12.0 / static_cast<double>(r.horizon_months));
  return v;
}

std::string units_of(const RunRecord& r, const std::string& metric, const CompareOptions& o) {
  std::string units;
  if (const auto it = r.units.find(metric); it != r.units.end())
    units = it->second;
  else if (const auto* parts = derived_parts(metric))
    units = units_of(r, parts->front(), {});
  else if (metric == kPolicySpending || metric == kPolicySpendingPv)
    units = "yuan";
  if (o.per_year && outcome_accumulation(metric) == Accumulation::flow && !units.empty()) units += "/year";
  return units;
}

bool known_metric(const RunRecord& r, const std::string& metric, const CompareOptions& o) {
  if (r.summary.count(metric) || metric == kPolicySpending) return true;
  if (metric == kPolicySpendingPv) return o.discount.has_value();
  const auto* parts = derived_parts(metric);
  return parts &&
         std::all_of(parts->begin(), parts->end(), [&](const std::string& p) { return r.summary.count(p) > 0; });
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
  const auto series = f.series_names();
  if (std::find(series.begin(), series.end(), kPolicySpending) != series.end()) {
    const SeriesData s = f.series(kPolicySpending);
    const std::size_t months = s.dims.empty() ? 0 : s.dims[0];
    const std::size_t width = months == 0 ? 0 : s.values.size() / months;
    r.spending_by_month.assign(months, 0.0);
    for (std::size_t t = 0; t < months; ++t)
      for (std::size_t j = 0; j < width; ++j) r.spending_by_month[t] += s.values[t * width + j];
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

Comparison compare_datasets(const std::vector<PairGroup>& groups, const std::vector<std::string>& metrics,
                            const CompareOptions& o) {
  Comparison c;
  if (groups.empty() || groups.front().baseline.empty()) throw CompareInputError("no paired runs to compare");
  if (o.discount && !(*o.discount > -1.0))
    throw CompareInputError(fmt::format("--discount {} is not an annual rate above -1", *o.discount));
  const RunRecord& first = *groups.front().baseline.front();
  std::vector<std::string> wanted;
  for (const auto& m : metrics) {
    if (m == "all") {
      for (const auto& [name, v] : first.summary) wanted.push_back(name);
      for (const auto& d : derived_outcomes())
        if (known_metric(first, d.name, o)) wanted.push_back(d.name);
      if (o.discount) wanted.push_back(kPolicySpendingPv);
    } else {
      wanted.push_back(m);
      // The present value of spending is what the costs use: show it beside the spending.
      if (m == kPolicySpending && o.discount &&
          std::find(metrics.begin(), metrics.end(), kPolicySpendingPv) == metrics.end())
        wanted.push_back(kPolicySpendingPv);
    }
  }
  std::vector<std::string> unknown;
  for (const auto& m : wanted)
    for (const auto& g : groups)
      for (const auto* side : {&g.baseline, &g.policy})
        for (const RunRecord* r : *side)
          if (!known_metric(*r, m, o) && std::find(unknown.begin(), unknown.end(), m) == unknown.end())
            unknown.push_back(m);
  if (!unknown.empty()) {
    std::string have;
    for (const auto& [name, v] : first.summary) have += (have.empty() ? "" : ", ") + name;
    for (const auto& d : derived_outcomes()) have += ", " + d.name;
    have += fmt::format(", {} (with --discount)", kPolicySpendingPv);
    throw CompareInputError(fmt::format("unknown outcome{} '{}'; the run files have: {}", unknown.size() > 1 ? "s" : "",
                                        fmt::join(unknown, "', '"), have));
  }
  const std::string cost_metric = o.discount ? kPolicySpendingPv : kPolicySpending;
  bool single = false;
  for (const auto& g : groups) {
    const std::size_t n = g.baseline.size();
    single = single || n < 2;
    std::vector<double> extra_cost(n);
    for (std::size_t k = 0; k < n; ++k)
      extra_cost[k] = outcome_value(*g.policy[k], cost_metric, o) - outcome_value(*g.baseline[k], cost_metric, o);
    double mean_extra_cost = 0.0;
    for (double v : extra_cost) mean_extra_cost += v;
    mean_extra_cost /= static_cast<double>(n);
    for (const auto& m : wanted) {
      std::vector<double> b(n), p(n), extra(n);
      for (std::size_t k = 0; k < n; ++k) {
        b[k] = outcome_value(*g.baseline[k], m, o);
        p[k] = outcome_value(*g.policy[k], m, o);
        extra[k] = p[k] - b[k];
      }
      OutcomeRow row{g.point, m, units_of(*g.baseline.front(), m, o), paired_effect(b, p, o.confidence), {}, {}, {},
                     {},      {}};
      if (is_cost_outcome(m)) {
        row.extra_public_cost = mean_extra_cost;
        row.cost_per_additional_unit = cost_per_additional_unit(mean_extra_cost, row.effect.mean_difference);
        if (row.cost_per_additional_unit) {
          const RatioInterval ci = fieller_interval(extra_cost, extra, o.confidence);
          if (ci.bounded) {
            row.cost_ci_low = ci.low;
            row.cost_ci_high = ci.high;
          } else {
            row.cost_mark = "n.s.";
          }
        }
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
                  o.confidence * 100.0));
  std::vector<std::string> heading;
  if (o.province) heading.push_back(fmt::format("province-equivalent (x {:g})", 1.0 / first.world_scale));
  if (o.per_year) heading.push_back("flows per year");
  if (o.discount) heading.push_back(fmt::format("public cost discounted at {:g} %/year", *o.discount * 100.0));
  c.heading = fmt::format("{}", fmt::join(heading, ", "));
  if (o.province)
    c.notes.push_back(
        fmt::format("province-equivalent: counts and yuan divided by world.scale ({:g}, i.e. x {:g}); "
                    "ratios (means) are not scaled",
                    first.world_scale, 1.0 / first.world_scale));
  if (o.per_year)
    c.notes.push_back(fmt::format("flows per simulated year: run totals x 12 / {} months; stocks are end-of-run values",
                                  first.horizon_months));
  if (o.discount)
    c.notes.push_back(
        fmt::format("public cost discounted to month 0 at {:g} % a year ({}: spending in month t "
                    "weighted by (1 + rate)^(-t/12)); outcomes are not discounted",
                    *o.discount * 100.0, kPolicySpendingPv));
  c.notes.push_back(fmt::format(
      "cost per unit = mean extra public cost ({}, yuan) / mean extra units, shown for transfers, start-ups and "
      "products when both are positive; cost_ci_low/high: {:g} % Fieller interval of that ratio over the paired "
      "replications; n.s.: the interval of the extra units includes 0, so the cost per unit is not distinguishable "
      "from an unbounded one (its Fieller interval is unbounded)",
      cost_metric, o.confidence * 100.0));
  return c;
}

const std::vector<std::string>& comparison_columns() {
  static const std::vector<std::string> c = {
      "metric",        "units",        "pairs",    "baseline_mean",   "policy_mean",       "mean_difference",
      "sd_difference", "ci_low",       "ci_high",  "relative_change", "extra_public_cost", "cost_per_additional_unit",
      "cost_ci_low",   "cost_ci_high", "cost_mark"};
  return c;
}

std::string format_comparison(const Comparison& c, const std::string& format, const std::string& baseline_source,
                              const std::string& policy_source) {
  const bool points =
      std::any_of(c.rows.begin(), c.rows.end(), [](const OutcomeRow& r) { return r.point.has_value(); });
  const bool exact = format == "csv";
  std::vector<std::string> header;
  if (points) header.push_back("point");
  for (const auto& name : comparison_columns())
    if (exact || (name != "sd_difference" && name != "extra_public_cost")) header.push_back(name);
  const std::string none = exact ? "" : "-";
  std::vector<std::vector<std::string>> cells;
  for (const auto& r : c.rows) {
    std::vector<std::string> row;
    if (points) row.push_back(r.point ? fmt::format("{}", *r.point) : "");
    row.insert(row.end(), {r.metric, r.units, fmt::format("{}", r.effect.pairs), num(r.effect.baseline_mean, exact),
                           num(r.effect.policy_mean, exact), num(r.effect.mean_difference, exact)});
    if (exact) row.push_back(r.effect.pairs >= 2 ? num(r.effect.sd_difference, exact) : "");
    row.insert(row.end(), {opt(r.effect.ci_low, exact, none), opt(r.effect.ci_high, exact, none),
                           percent(r.effect.relative_change, exact)});
    const bool cost_row = r.extra_public_cost.has_value();
    if (exact) row.push_back(opt(r.extra_public_cost, exact, ""));
    row.push_back(opt(r.cost_per_additional_unit, exact, exact || !cost_row ? "" : "n/a"));
    const std::string ci_missing = exact || !r.cost_per_additional_unit ? "" : "-";
    row.insert(row.end(), {opt(r.cost_ci_low, exact, ci_missing), opt(r.cost_ci_high, exact, ci_missing), r.cost_mark});
    cells.push_back(std::move(row));
  }
  TableText t;
  t.header = std::move(header);
  t.cells = std::move(cells);
  t.text_columns = points ? 3 : 2;
  t.left_columns = {"cost_mark"};
  t.heading = c.heading;
  t.notes = c.notes;
  return render_table(t, format, baseline_source, policy_source);
}

std::string render_table(const TableText& t, const std::string& format, const std::string& baseline_source,
                         const std::string& policy_source) {
  const auto& header = t.header;
  const auto& cells = t.cells;
  const auto left = [&](std::size_t i) {
    return i < t.text_columns ||
           std::find(t.left_columns.begin(), t.left_columns.end(), header[i]) != t.left_columns.end();
  };
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
    out += fmt::format("Baseline `{}` against policy `{}`", baseline_source, policy_source);
    out += t.heading.empty() ? ".\n\n" : "; " + t.heading + ".\n\n";
    out += "|";
    for (const auto& h : header) out += " " + h + " |";
    out += "\n|";
    for (std::size_t i = 0; i < header.size(); ++i) out += left(i) ? " --- |" : " ---: |";
    out += "\n";
    for (const auto& row : cells) {
      out += "|";
      for (const auto& v : row) out += " " + v + " |";
      out += "\n";
    }
    out += "\n";
    for (const auto& n : t.notes) out += "- " + n + "\n";
    return out;
  }
  if (format != "table") throw CompareInputError(fmt::format("unknown format '{}' (table, csv or markdown)", format));
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : cells)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  out += fmt::format("baseline: {}\npolicy:   {}\n", baseline_source, policy_source);
  if (!t.heading.empty()) out += "values:   " + t.heading + "\n";
  out += "\n";
  const auto line = [&](const std::vector<std::string>& row) {
    std::string l;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) l += "  ";
      l += left(i) ? fmt::format("{:<{}}", row[i], width[i]) : fmt::format("{:>{}}", row[i], width[i]);
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  out += line(header);
  for (const auto& row : cells) out += line(row);
  out += "\n";
  for (const auto& n : t.notes) out += "note: " + n + "\n";
  return out;
}

}  // namespace innochain
