// Financiers (venture capital, guidance funds, banks): one structure-of-arrays table.
// Their markets are link 4 (next issue); the table is built at start so that
// counts, capital and regions are in place.
#pragma once

#include <cstdint>
#include <vector>

namespace innochain {

enum class FinancierKind : std::uint8_t { venture_capital = 0, guidance_fund, bank };

struct Financiers {
  std::vector<FinancierKind> kind;
  std::vector<std::uint16_t> region;
  std::vector<double> capital_yuan;

  std::size_t size() const { return kind.size(); }
  void resize(std::size_t n) {
    kind.resize(n);
    region.resize(n);
    capital_yuan.resize(n);
  }
};

}  // namespace innochain
