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
  /// Guidance funds: yuan co-invested per venture yuan (the population builder sets
  /// chain.finance.guidance_coinvest_ratio; 0 for other kinds).
  std::vector<double> coinvest_ratio;
  /// Fields and regions of the firms it may invest in: bit k set = field (region) k admitted;
  /// all bits set (the default) = unrestricted. Fields and regions beyond the 64th are
  /// admitted only by an unrestricted mask.
  std::vector<std::uint64_t> field_mask;
  std::vector<std::uint64_t> region_mask;
  /// The policy instance that created it (guidance_fund), -1 for funds of the initial population.
  std::vector<std::int32_t> policy;

  /// Whether its restrictions admit a firm in `field` and `region`.
  bool admits(std::size_t f, std::size_t field, std::size_t region) const {
    const auto bit = [](std::uint64_t mask, std::size_t k) {
      return k < 64 ? ((mask >> k) & 1u) != 0 : mask == ~std::uint64_t{0};
    };
    return bit(field_mask[f], field) && bit(region_mask[f], region);
  }

  std::size_t size() const { return kind.size(); }
  void resize(std::size_t n) {
    kind.resize(n);
    region.resize(n);
    capital_yuan.resize(n);
    threshold.resize(n);
    deals_left.resize(n);
    coinvest_ratio.resize(n, 0.0);
    field_mask.resize(n, ~std::uint64_t{0});
    region_mask.resize(n, ~std::uint64_t{0});
    policy.resize(n, -1);
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
