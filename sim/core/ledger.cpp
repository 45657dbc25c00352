#include "core/ledger.hpp"

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

}  // namespace innochain
