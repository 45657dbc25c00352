// The two sides of `innochain compare`: run files loaded from a file or a directory, paired
// by replication (common random numbers), and the per-outcome comparison table.
#pragma once

#include "compare/outcomes.hpp"
#include "compare/paired.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace innochain {

/// Bad input to a comparison (incomplete runs, mismatched datasets, unknown metrics): the
/// command exits 2. The message lists every problem found, one per line.
class CompareInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a comparison needs from one run file.
struct RunRecord {
  std::string path;
  std::int64_t replication = 0;
  std::string seed;                         ///< root attribute `seed`, as text
  std::optional<std::int64_t> sweep_point;  ///< root attribute `sweep_point` (runs written by a sweep)
  std::int64_t horizon_months = 0;
  double world_scale = 1.0;  ///< from the resolved scenario in /scenario
  std::string scenario_name;
  std::map<std::string, double> summary;  ///< /summary values
  std::map<std::string, std::string> units;
  std::vector<double> spending_by_month;  ///< /series/policy_spending summed over instances (empty without it)
};

/// The runs of one side: a run file, or a directory (DIR/runs/*.h5 when DIR/runs exists,
/// i.e. a sweep, else DIR/*.h5).
struct Dataset {
  std::string source;
  std::vector<RunRecord> runs;  ///< sorted by (sweep_point, replication)
};

/// Reads one run file. Throws IoError (unreadable, not a run file) or CompareInputError
/// (status not "complete").
RunRecord load_run_record(const std::string& path);

/// Reads a run file or a directory of them. Every file must be complete: the incomplete ones
/// are all named in one CompareInputError. An empty directory is a CompareInputError too.
Dataset load_dataset(const std::string& path);

/// Runs paired across the two sides for one design point (all pairs when neither side is a
/// multi-point sweep). baseline[k] and policy[k] share replication and seed.
struct PairGroup {
  std::optional<std::int64_t> point;
  std::vector<const RunRecord*> baseline;
  std::vector<const RunRecord*> policy;
};

/// Pairs runs by (sweep point, replication). When both sides hold several sweep points they are
/// paired point by point; when one side holds a single point (or plain run files), each point of
/// the other side is compared with it. Throws CompareInputError listing every mismatch:
/// different horizons or world scales, a replication present on one side only, a replication
/// that appears twice, paired runs with different seeds, different sets of sweep points.
std::vector<PairGroup> pair_runs(const Dataset& baseline, const Dataset& policy);
// The groups point into the datasets: they must outlive them.
std::vector<PairGroup> pair_runs(Dataset&&, const Dataset&) = delete;
std::vector<PairGroup> pair_runs(const Dataset&, Dataset&&) = delete;

/// How the values of a comparison are expressed (docs/analysis.md, "innochain compare").
struct CompareOptions {
  double confidence = 0.95;
  bool province = false;           ///< counts and yuan divided by world.scale (province-equivalent)
  bool per_year = false;           ///< flows per simulated year (x 12 / months) instead of run totals
  std::optional<double> discount;  ///< annual rate: public cost is the present value at month 0
};

/// One line of the comparison: an outcome at a design point.
struct OutcomeRow {
  std::optional<std::int64_t> point;
  std::string metric;
  std::string units;
  PairedEffect effect;
  std::optional<double> extra_public_cost;         ///< mean extra public cost, yuan (cost rows only)
  std::optional<double> cost_per_additional_unit;  ///< yuan per extra unit (transfers, start-ups, products)
  std::optional<double> cost_ci_low;               ///< Fieller interval of the cost per unit; absent when
  std::optional<double> cost_ci_high;              ///< unbounded (the extra units are not significant)
  std::string cost_mark;  ///< "n.s." when a cost is shown but the interval of the extra units includes 0
};

struct Comparison {
  std::vector<OutcomeRow> rows;
  std::string heading;             ///< how values are expressed (province-equivalent, per year, discounted), or ""
  std::vector<std::string> notes;  ///< printed under the table (e.g. why an interval is missing)
};

/// The comparison table for `metrics` ("all": every /summary value plus the derived ones).
/// Throws CompareInputError for a metric the files do not have (with the names they have).
Comparison compare_datasets(const std::vector<PairGroup>& groups, const std::vector<std::string>& metrics,
                            const CompareOptions& options = {});

/// The columns of the comparison in CSV (and of the Python table, innochain.datasets.compare);
/// `table` and `markdown` leave out sd_difference and extra_public_cost.
const std::vector<std::string>& comparison_columns();

/// The table as aligned text, CSV or Markdown (`format` = "table", "csv", "markdown").
std::string format_comparison(const Comparison& c, const std::string& format, const std::string& baseline_source,
                              const std::string& policy_source);

}  // namespace innochain
