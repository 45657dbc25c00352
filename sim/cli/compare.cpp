// `innochain compare BASELINE POLICY`: paired policy effects with confidence intervals
// (docs/analysis.md). BASELINE and POLICY are run files or directories of run files (a sweep
// directory: its runs/ subdirectory). Mismatched or unfinished inputs exit 2.
#include "cli/commands.hpp"
#include "compare/datasets.hpp"
#include "compare/treated.hpp"

#include <cstdio>
#include <memory>

namespace innochain::cli {

namespace {

struct Options {
  std::string baseline, policy, format = "table";
  std::vector<std::string> metrics;
  CompareOptions compare;
  double discount = 0.0;
  bool treated = false;
  std::string by;
  std::int64_t start_month = 0;
};

}  // namespace

Subcommand add_compare(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "compare",
      "Compare a policy with its baseline: paired differences with 95 % intervals, cost per extra unit with its "
      "Fieller interval");
  sub->add_option("baseline", o->baseline, "Baseline run file, or a directory of run files (a sweep directory)")
      ->required();
  sub->add_option("policy", o->policy, "Policy run file, or a directory of run files (a sweep directory)")->required();
  sub->add_option("--metric,-m", o->metrics,
                  "Outcome to compare (a /summary name, 'transfers', 'startups', 'policy_spending_pv' with "
                  "--discount, or 'all'); repeatable. Default: the headline outcomes of the chain");
  sub->add_option("--format,-f", o->format, "Output format")
      ->check(CLI::IsMember({"table", "csv", "markdown"}))
      ->capture_default_str();
  sub->add_flag("--province", o->compare.province,
                "Province-equivalent figures: counts and yuan divided by world.scale (ratios unchanged)");
  sub->add_flag("--per-year", o->compare.per_year, "Flows per simulated year instead of run totals");
  CLI::Option* discount = sub->add_option(
      "--discount", o->discount,
      "Annual rate (e.g. 0.03) for discounting public cost to month 0; costs per unit then use its present value");
  discount->check(CLI::Range(0.0, 1.0));
  sub->add_flag("--treated", o->treated,
                "Effects where they happen: per-firm paired differences for the policy's recipients, eligible "
                "non-recipients, the other firms (spill-overs) and the entrants' cohort (needs monthly snapshots)");
  sub->add_option("--by", o->by, "With --treated: rows per firm kind, field or region")
      ->check(CLI::IsMember({"kind", "field", "region"}));
  CLI::Option* start = sub->add_option(
      "--start-month", o->start_month,
      "With --treated: first month of the window (default: the earliest start_month of the policy's instances)");
  start->check(CLI::NonNegativeNumber);
  return {sub, [o, discount, start]() {
            try {
              if (discount->count() > 0) o->compare.discount = o->discount;
              if (!o->treated && (!o->by.empty() || start->count() > 0))
                throw CompareInputError("--by and --start-month go with --treated");
              const Dataset baseline = load_dataset(o->baseline);
              const Dataset policy = load_dataset(o->policy);
              const auto groups = pair_runs(baseline, policy);
              if (o->treated) {
                if (o->compare.discount) throw CompareInputError("--discount does not apply to --treated");
                TreatedOptions t;
                t.confidence = o->compare.confidence;
                t.province = o->compare.province;
                t.per_year = o->compare.per_year;
                t.by = o->by;
                if (start->count() > 0) t.start_month = o->start_month;
                const TreatedComparison c =
                    compare_treated(groups, o->metrics.empty() ? std::vector<std::string>{"all"} : o->metrics, t);
                std::fputs(format_treated(c, o->format, o->baseline, o->policy).c_str(), stdout);
                return kExitOk;
              }
              const auto metrics = o->metrics.empty() ? default_compare_metrics() : o->metrics;
              const Comparison c = compare_datasets(groups, metrics, o->compare);
              std::fputs(format_comparison(c, o->format, o->baseline, o->policy).c_str(), stdout);
              return kExitOk;
            } catch (const CompareInputError& e) {
              std::fprintf(stderr, "innochain compare: error: %s\n", e.what());
              return kExitBadInput;
            }
          }};
}

}  // namespace innochain::cli
