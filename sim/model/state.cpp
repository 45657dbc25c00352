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

}  // namespace innochain
