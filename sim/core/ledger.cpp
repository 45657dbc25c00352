#include "core/ledger.hpp"

#include "core/parallel.hpp"
#include "core/state.hpp"

namespace innochain {

double Ledger::sources() const {
  double s = 0.0;
  for (int f = 0; f < kFirstSink; ++f) s += month[f];
  return s;
}

double Ledger::sinks() const {
  double s = 0.0;
  for (int f = kFirstSink; f < kLedgerFlows; ++f) s += month[f];
  return s;
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

}  // namespace innochain
