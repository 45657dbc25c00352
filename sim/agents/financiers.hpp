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
  std::vector<double> capital_yuan;      ///< money available to invest or lend
  std::vector<double> threshold;         ///< screening threshold on the log-quality signal
  std::vector<std::int32_t> deals_left;  ///< deals it can still do this month

  std::size_t size() const { return kind.size(); }
  void resize(std::size_t n) {
    kind.resize(n);
    region.resize(n);
    capital_yuan.resize(n);
    threshold.resize(n);
    deals_left.resize(n);
  }
};

enum class FundingRound : std::uint8_t { seed = 0, series_a, series_b };
enum class InvestmentStatus : std::uint8_t { active = 0, exited, written_off };

/// Equity stakes of venture funds and guidance funds in enterprises.
struct Investments {
  std::vector<std::int32_t> financier;
  std::vector<std::int32_t> enterprise;
  std::vector<double> amount_yuan;
  std::vector<FundingRound> round;
  std::vector<std::int32_t> month;
  std::vector<InvestmentStatus> status;

  std::size_t size() const { return financier.size(); }
  void push(std::int32_t f, std::int32_t e, double amount, FundingRound r, std::int32_t m) {
    financier.push_back(f);
    enterprise.push_back(e);
    amount_yuan.push_back(amount);
    round.push_back(r);
    month.push_back(m);
    status.push_back(InvestmentStatus::active);
  }
};

}  // namespace innochain
