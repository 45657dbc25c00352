// Builds the initial population from the scenario (all draws from the init_* streams).
#pragma once

#include "links/basic_research.hpp"
#include "model/state.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <cstdint>
#include <span>
#include <vector>

namespace innochain {

/// Splits `total` into integer counts proportional to `weights`, by cumulative
/// rounding: counts sum exactly to `total` and depend only on the weights' order.
std::vector<std::int64_t> apportion(std::span<const double> weights, std::int64_t total);

/// Weights for an enterprise's field given its region (the raked joint distribution of
/// world.field_region_affinity), or `field_shares` when fields and regions are independent;
/// enterprise_region_weights: the same for the region given the field. Unemployed talent's fields follow
/// the firms of their region.
std::span<const double> enterprise_field_weights(const Context& c, std::span<const double> field_shares,
                                                 std::size_t region);
std::span<const double> enterprise_region_weights(const Context& c, std::span<const double> region_shares,
                                                  std::size_t field);

/// The whole initial state.
State build_population(const Context& context);

/// Recomputes employer aggregates (researchers per institute, R&D staff per
/// enterprise, their mean skill) from the talent table.
/// Runs in parallel; bit-identical to update_workforce_serial for any thread count.
void update_workforce(State& state);

/// Records that `person` is about to change employer (State::WorkforceSums): call before
/// changing their employer between the talent market's workforce pass and stock_metrics.
void record_employer_change(State& state, std::size_t person);

/// The aggregates of update_workforce, updated for the moves recorded since the month's
/// workforce pass: each mover's skill leaves the old employer's sums and joins the new one's.
/// The sums are exact (the pass's test, repeated for every employer a move touched), so the
/// result is bit-identical to a full update_workforce; where that cannot be shown (no valid
/// sums, or a sum past the test's bound) it is the full pass.
void update_workforce_after_moves(State& state);

/// The same aggregates summed serially in talent id order: the definition of the result
/// (and what update_workforce falls back to where it cannot prove the order irrelevant).
void update_workforce_serial(State& state);

/// Recomputes only the head counts (researchers per institute, R&D staff per enterprise)
/// from the talent table, leaving the other aggregates as they are. Integer counts: the same
/// for any thread count. (The talent market gathers the same counts during its departures
/// pass with StaffCounts, to size vacancies before it recomputes everything with
/// update_workforce.)
void update_staff_counts(State& state);

/// Head counts of employers gathered during a parallel pass over the talent table that
/// does other work too: per block, counts = local(), then add(counts, t, i) for each person
/// once the pass has settled their employer; after the pass, store() writes researchers and
/// R&D staff. Per-thread integer counts, so the result is the same for any thread count.
class StaffCounts {
 public:
  StaffCounts(std::size_t institutes, std::size_t enterprises)
      : institutes_(institutes),
        partials_([n = institutes + enterprises] { return std::vector<std::int32_t>(n, 0); }) {}
  /// This thread's counts (institutes first, then enterprises).
  std::vector<std::int32_t>& local() { return partials_.local(); }
  void add(std::vector<std::int32_t>& counts, const Talent& t, std::size_t i) const {
    const auto kind = t.employer_kind[i];
    if (kind != EmployerKind::institute && kind != EmployerKind::enterprise) return;
    const auto e = static_cast<std::size_t>(t.employer[i]);
    counts[kind == EmployerKind::institute ? e : institutes_ + e] += 1;
  }
  void store(State& state);

 private:
  std::size_t institutes_;
  tbb::enumerable_thread_specific<std::vector<std::int32_t>> partials_;
};

/// Appends one enterprise (an entrant: start-up, spin-off or SME) with the given cash and no
/// product line; returns its id. The caller records where the cash came from, and gives an
/// entering SME its lines (add_lines_for_revenue).
std::int32_t add_enterprise(const Context& c, State& state, EnterpriseKind kind, std::size_t field, std::size_t region,
                            double cash, double absorptive_base);

/// Founders' money of new firm e founded in `month`: chain.entry.founder_seed_yuan x LN(0,
/// founder_seed_log_sd), the first draw of stream founding (entity e, that month).
double founders_money(const Context& c, std::size_t e, std::int32_t month);

/// The projects the established firms present at the start hold, at the steady state of the
/// firm's own project starts: for each of the months a project needs to reach the market at
/// full speed, a project started that many months ago (own_project_probability) that has not
/// failed (failure_hazard) sits at its stage, with its months and work done there; created_month
/// is minus its age (docs/model.md 3.1).
void add_initial_pipeline(const Context& c, State& state);

/// The BASIC and BREAKTHROUGH projects each institute holds at the start, at the steady state of
/// its own discoveries (`steady`, from set_institutes_steady_state): for each month a discovery
/// needs to pass both stages at the institute's steady-state speed, Poisson(discovery_rate)
/// discoveries made that many months ago that have not failed sit at their stage (docs/model.md
/// 3.1). Those past both stages (at the transfer office) or signed as contract research are left out.
void add_institute_pipeline(const Context& c, State& state, std::span<const InstituteSteadyState> steady);

/// Per field, the mean revenue of the alive enterprises with a product line, yuan/month (0 where
/// none sells).
std::vector<double> revenue_per_selling_firm(const State& state, std::size_t fields);

std::int32_t add_founding_idea(const Context& c, State& state, std::size_t e);

/// Founds a start-up or spin-off: a new firm (add_enterprise) of kind start-up, with no product
/// line and its founders' money (founders_money) as cash, recorded as founders' money in the
/// ledger. Returns its id.
std::int32_t found_startup(const Context& c, State& state, std::size_t field, std::size_t region,
                           double absorptive_base);

/// Product lines a firm of this revenue (yuan/month) starts with: max(1, round((revenue /
/// agents.enterprises.revenue_per_line_yuan_per_month)^lines_size_elasticity)).
std::int64_t initial_line_count(const Scenario& s, double revenue_per_month);

/// The appeal whose share reproduces a revenue: revenue^(1/theta), theta =
/// chain.market.quality_share_elasticity.
double line_appeal_for_revenue(double revenue_per_month, double theta);

/// Gives firm e product lines consistent with a revenue (initial_line_count lines of equal
/// appeal), on the market from this month; appended in call order.
void add_lines_for_revenue(const Context& c, State& state, std::int32_t e, double revenue_per_month);

/// Recounts Enterprises::product_lines from the product-line table.
void count_product_lines(State& state);

/// Employees of enterprises that were acquired follow the acquirer; those of
/// enterprises that exited become unemployed.
void resolve_employers(State& state);

/// Ids of the alive enterprises, ascending. Rows of departed firms stay in the table (ids are
/// never reused), so the monthly passes that concern only alive firms loop over this list.
std::vector<std::int32_t> alive_enterprise_ids(const Enterprises& en);

/// Ids of the product lines on the market (status active), ascending: ended lines stay in the
/// table too.
std::vector<std::int32_t> active_line_ids(const ProductLines& ln);

/// Rebuilds the per-field lists of alive enterprises.
void index_enterprises_by_field(State& state, std::size_t fields);

}  // namespace innochain
