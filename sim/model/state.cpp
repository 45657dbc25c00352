#include "model/state.hpp"

#include "core/parallel.hpp"

#include <algorithm>
#include <cmath>

namespace innochain {

namespace {

Eigen::MatrixXd to_eigen(const Matrix& m) {
  const auto rows = static_cast<Eigen::Index>(m.size());
  const auto cols = rows ? static_cast<Eigen::Index>(m.front().size()) : 0;
  Eigen::MatrixXd out(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j) out(i, j) = m[i][j];
  return out;
}

/// The joint distribution with the seed's associations and the given marginals: the seed
/// raked alternately to the row and column targets (iterative proportional fitting, Deming and
/// Stephan 1940) until both hold to 1e-13; [row][col], summing to 1.
std::vector<std::vector<double>> rake(const Matrix& seed, const std::vector<double>& rows,
                                      const std::vector<double>& cols) {
  const std::size_t R = rows.size(), C = cols.size();
  double rt = 0.0, ct = 0.0;
  for (double v : rows) rt += v;
  for (double v : cols) ct += v;
  std::vector<std::vector<double>> j(R, std::vector<double>(C, 0.0));
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) j[r][c] = seed[r][c] * (rows[r] / rt) * (cols[c] / ct);
  for (int pass = 0; pass < 1000; ++pass) {
    double worst = 0.0;
    for (std::size_t r = 0; r < R; ++r) {
      double sum = 0.0;
      for (double v : j[r]) sum += v;
      if (sum > 0.0)
        for (double& v : j[r]) v *= (rows[r] / rt) / sum;
    }
    for (std::size_t c = 0; c < C; ++c) {
      double sum = 0.0;
      for (std::size_t r = 0; r < R; ++r) sum += j[r][c];
      if (sum > 0.0)
        for (std::size_t r = 0; r < R; ++r) j[r][c] *= (cols[c] / ct) / sum;
    }
    for (std::size_t r = 0; r < R; ++r) {
      double sum = 0.0;
      for (double v : j[r]) sum += v;
      worst = std::max(worst, std::abs(sum - rows[r] / rt));
    }
    if (worst < 1e-13) break;
  }
  return j;
}

}  // namespace

Context::Context(const Scenario& s, RunKey k)
    : scenario(s),
      key(k),
      fields(s.world.fields.size()),
      regions(s.world.regions.size()),
      friction(to_eigen(s.world.friction)),
      proximity(to_eigen(s.world.proximity)),
      leontief((Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(fields), static_cast<Eigen::Index>(fields)) -
                to_eigen(s.world.input_output))
                   .inverse()) {
  if (!s.world.field_region_affinity.empty()) {
    std::vector<double> fs, rs;
    for (const auto& f : s.world.fields) fs.push_back(f.enterprise_share);
    for (const auto& r : s.world.regions) rs.push_back(r.enterprise_share);
    const auto joint = rake(s.world.field_region_affinity, fs, rs);
    field_given_region.assign(fields * regions, 0.0);
    region_given_field.assign(fields * regions, 0.0);
    for (std::size_t f = 0; f < fields; ++f)
      for (std::size_t r = 0; r < regions; ++r) {
        field_given_region[r * fields + f] = joint[f][r];  // categorical draws normalise the weights
        region_given_field[f * regions + r] = joint[f][r];
      }
  }
  const double price = s.chain.compute.base_price_yuan_per_gpu_hour;
  other_cost_yuan.resize(fields * kCostlyStages);
  compute_gpu_hours.resize(fields * kCostlyStages);
  other_weight.resize(fields * kCostlyStages);
  for (std::size_t f = 0; f < fields; ++f)
    for (int st = 0; st < kCostlyStages; ++st) {
      const auto& stage = s.chain.progress.stages[st];
      const std::size_t k = input_index(f, static_cast<Stage>(st));
      other_cost_yuan[k] = stage.cost_yuan_per_month * s.world.fields[f].cost_multiplier;
      compute_gpu_hours[k] = s.world.fields[f].compute_gpu_hours_per_month * stage.compute_multiplier;
      const double total = other_cost_yuan[k] + price * compute_gpu_hours[k];
      other_weight[k] = total > 0.0 ? other_cost_yuan[k] / total : 1.0;
    }
}

void record_recipient(const Context& c, State& s, int instance, std::size_t e, double amount, double bill,
                      double allowance, bool cash_constrained) {
  if (!c.scenario.output.policy_recipients) return;
  auto& r = s.events.recipients;
  const Enterprises& en = s.enterprises;
  r.month.push_back(s.month);
  r.instance.push_back(instance);
  r.enterprise.push_back(static_cast<std::int32_t>(e));
  r.kind.push_back(static_cast<std::int32_t>(en.kind[e]));
  r.field.push_back(en.field[e]);
  r.region.push_back(en.region[e]);
  r.cash_constrained.push_back(cash_constrained ? 1 : 0);
  r.amount.push_back(amount);
  r.bill.push_back(bill);
  r.allowance.push_back(allowance);
}

double money_stock(const State& st) {
  double m = 0.0;
  for (double c : st.institutes.cash_yuan) m += c;
  for (std::size_t e = 0; e < st.enterprises.size(); ++e)
    if (st.enterprises.alive[e]) m += st.enterprises.cash_yuan[e];
  for (double c : st.financiers.capital_yuan) m += c;
  return m;
}

long long people_in_province(const State& st) {
  // An integer count: blocks in parallel give the same number.
  const auto& kind = st.talent.employer_kind;
  return block_reduce(
      kind.size(), 0LL, [&](long long& n, std::size_t i) { n += kind[i] != EmployerKind::outside; },
      [](long long& a, long long b) { a += b; }, 1 << 16);
}

const char* lever_name(Lever lever) {
  switch (lever) {
#define INNOCHAIN_LEVER_NAME(id, name, doc) \
  case Lever::id:                           \
    return name;
    INNOCHAIN_LEVERS(INNOCHAIN_LEVER_NAME)
#undef INNOCHAIN_LEVER_NAME
  }
  return "?";
}

void WorldLevers::reset(const Eigen::MatrixXd& scenario_friction, std::size_t fields, std::size_t regions,
                        std::size_t instances) {
  friction = scenario_friction;
  inflow_multiplier_researcher = inflow_multiplier_engineer = 1.0;
  outflow_multiplier.assign(regions, 1.0);
  wage_subsidy_rate.assign(regions, 0.0);
  wage_subsidy_policy.assign(regions, -1);
  wage_subsidy_allowance_yuan.assign(instances, 0.0);
  const std::size_t cells = fields * regions;
  platform_cost_share.assign(cells, 0.0);
  platform_hazard_multiplier.assign(cells, 1.0);
  platform_speed_multiplier.assign(cells, 1.0);
  platform_capacity.assign(cells, 0.0);
  platform_allowance_yuan.assign(cells, 0.0);
  platform_policy.assign(cells, -1);
  subsidy_pool_yuan.assign(instances, 0.0);
  entry_compute_subsidy_rate.assign(cells, 0.0);
  entry_rd_subsidy_rate.assign(cells, 0.0);
  compute_capacity_gpu_hours.assign(regions, 0.0);
}

}  // namespace innochain
