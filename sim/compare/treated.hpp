// Effects where they happen: `innochain compare --treated` (docs/analysis.md, "Effects on the
// treated"). Under common random numbers a policy run and its baseline are the same world until
// the policy starts, so every firm present at the start has the same id in both runs and its
// outcome can be paired: y_i(policy) - y_i(baseline) is that firm's effect. The differences are
// averaged over the firms of a group (the recipients a policy paid, the eligible firms it did not
// pay, the other firms: spill-overs) in each replication, and the per-replication means get a
// Student t interval over replications. Firms founded after the start have no counterpart; they
// are compared as a cohort (totals per run).
#pragma once

#include "compare/datasets.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace innochain {

/// A per-firm outcome over the window from the policy start to the end of the run.
struct FirmOutcomeDef {
  std::string name;
  std::string units;  ///< of one firm's value (a flow's window total; a stock's end value)
  bool flow = true;   ///< flows are window totals (per year with --per-year); stocks end values
  std::string long_name;
  std::string per_firm_units;  ///< units of a group's mean when not UNITS per firm (a share of firms)
};

/// The per-firm outcomes, in the order of FirmPanel::values.
const std::vector<FirmOutcomeDef>& firm_outcomes();

/// The groups of a treated comparison, in table order.
inline constexpr const char* kRecipients = "recipients";
inline constexpr const char* kEligible = "eligible_non_recipients";
inline constexpr const char* kOthers = "others";
inline constexpr const char* kEntrants = "entrants";

/// One run's firms, reduced to what a treated comparison needs. Firm i is row i of the
/// enterprise table at the end of the run; `window_start` is the first month of the window.
struct FirmPanel {
  std::string path;
  std::int64_t replication = 0;
  std::string seed;
  std::int64_t months = 0;        ///< months of the run
  std::int64_t window_start = 0;  ///< first month of the window (the policy start)
  double world_scale = 1.0;
  std::vector<std::string> field_names, region_names;
  std::vector<std::int32_t> kind, field, region;
  std::vector<std::uint8_t> present;        ///< alive at the start of the window (founded before it)
  std::vector<std::uint8_t> entrant;        ///< founded in the window
  std::vector<std::uint8_t> recipient;      ///< paid by a policy instance in the window (/policy_recipients)
  std::vector<std::uint8_t> eligible;       ///< matches the selectors of an instance acting on firms
  std::vector<std::vector<double>> values;  ///< [outcome of firm_outcomes()][firm]
  bool has_recipients_record = false;       ///< the file has /policy_recipients
  bool targets_firms = false;               ///< some instance acts on enterprise levers
  /// Every snapshot column of every firm in the month before the window (empty when it starts at
  /// month 0): two runs that are common random numbers have the same values, bit for bit.
  std::vector<double> state_before;
  std::size_t firms_before = 0;
};

/// Reads a run's firm panel: /snapshots (monthly: output.snapshot_interval_months = 1, with the
/// spending columns), /policy_recipients and the policies of /scenario. The window starts at
/// `start_month`, or at the earliest start_month of the run's policy instances. Throws
/// CompareInputError when the file lacks what is needed (naming the scenario key to set).
FirmPanel load_firm_panel(const std::string& path, std::optional<std::int64_t> start_month = std::nullopt);

struct TreatedOptions {
  double confidence = 0.95;
  bool province = false;  ///< entrants' cohort totals divided by world.scale (per-firm means are not scaled)
  bool per_year = false;  ///< flows per year of the window instead of window totals
  std::string by;         ///< "", "kind", "field" or "region": rows per subgroup
  std::optional<std::int64_t> start_month;
};

/// One line: an outcome of a group (and subgroup) at a design point.
struct TreatedRow {
  std::optional<std::int64_t> point;
  std::string group, subgroup, metric, units;
  double agents = 0.0;  ///< mean number of firms per replication (policy side for entrants)
  PairedEffect effect;  ///< baseline_mean, policy_mean: means over replications of the group means
};

struct TreatedComparison {
  std::vector<TreatedRow> rows;
  std::string heading;
  std::vector<std::string> notes;
};

/// The treated comparison of paired panels (baseline[k] with policy[k], one design point).
/// Groups come from the policy run (who was paid, who was eligible); the baseline gives the same
/// firms' outcomes without the policy. Throws CompareInputError when a pair is not the same world
/// before the window (different firms or state: not common random numbers).
TreatedComparison treated_effects(const std::vector<FirmPanel>& baseline, const std::vector<FirmPanel>& policy,
                                  const std::vector<std::string>& metrics, const TreatedOptions& options,
                                  std::optional<std::int64_t> point = std::nullopt);

/// Loads the panels of every pair and compares them, point by point.
TreatedComparison compare_treated(const std::vector<PairGroup>& groups, const std::vector<std::string>& metrics,
                                  const TreatedOptions& options);

/// The CSV columns (after `point` when there are points).
const std::vector<std::string>& treated_columns();

/// The table as aligned text, CSV or Markdown.
std::string format_treated(const TreatedComparison& c, const std::string& format, const std::string& baseline_source,
                           const std::string& policy_source);

}  // namespace innochain
