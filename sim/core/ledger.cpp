#include "core/ledger.hpp"

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
  long long n = 0;
  for (const auto k : st.talent.employer_kind) n += k != EmployerKind::outside;
  return n;
}

}  // namespace innochain
