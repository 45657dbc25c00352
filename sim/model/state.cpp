#include "model/state.hpp"

#include "core/parallel.hpp"

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
                   .inverse()) {}

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
}

}  // namespace innochain
