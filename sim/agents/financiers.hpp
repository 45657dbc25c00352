// Financiers (venture capital, guidance funds, banks) and their equity stakes: one
// structure-of-arrays table each.
#pragma once

#include "core/columns.hpp"

#include <cstdint>
#include <vector>

namespace innochain {

enum class FinancierKind : std::uint8_t { venture_capital = 0, guidance_fund, bank };
inline constexpr int kFinancierKinds = 3;
INNOCHAIN_ENUM_COUNT(FinancierKind, kFinancierKinds)

// clang-format off
/// X(type, name, fill for new rows, flags, meaning): see core/columns.hpp.
#define INNOCHAIN_FINANCIER_COLUMNS(X) \
  X(FinancierKind, kind, FinancierKind::venture_capital, 0, "sub-kind: venture capital, guidance fund or bank") \
  X(std::uint16_t, region, 0, ref(Ref::region), "region") \
  X(double, capital_yuan, 0.0, 0, "money available to invest or lend, yuan") \
  X(double, target_capital_yuan, 0.0, 0, "evergreen funds: the size its capital adjusts toward (raising below it, distributing above it), yuan; 0: no adjustment") \
  X(double, threshold, 0.0, 0, "screening threshold on the log-quality signal") \
  X(std::int32_t, deals_left, 0, 0, "deals it can still do this month") \
  X(double, coinvest_ratio, 0.0, 0, "guidance funds: yuan co-invested per venture yuan (0 for other kinds)") \
  X(std::uint64_t, field_mask, ~std::uint64_t{0}, 0, "fields of the firms it may invest in (bit k: field k; all bits: unrestricted)") \
  X(std::uint64_t, region_mask, ~std::uint64_t{0}, 0, "regions of the firms it may invest in (as field_mask)") \
  X(std::int32_t, policy, -1, ref(Ref::policy) | kNoneAllowed, "the policy instance that created it (guidance_fund), -1 for the initial population") \
  X(std::uint8_t, may_lead, 0, 0, "guidance funds: 1 if it may lead a round no private fund leads (direct investor in its fields)") \
  X(double, public_share, 0.0, 0, "venture funds: share of its capital from a public limited partner (a guidance fund of funds), 0 for private funds") \
  X(double, committed_yuan, 0.0, 0, "closed-end funds: capital committed at the close, yuan (0: an evergreen fund that keeps raising)") \
  X(std::int32_t, invest_until_month, -1, 0, "closed-end funds: last month of the investment period, -1 none") \
  X(std::int32_t, end_month, -1, 0, "closed-end funds: month its life ends and capital is distributed, -1 none") \
  X(std::uint64_t, local_region_mask, ~std::uint64_t{0}, 0, "regions that count as local for a local-investment requirement (all bits: none)") \
  X(double, local_share, 0.0, 0, "share of its committed capital it must invest in local firms") \
  X(double, nonlocal_invested_yuan, 0.0, 0, "invested outside its local regions so far, yuan") \
  X(double, public_cap_yuan, 0.0, 0, "most the public limited partner receives in distributions (its return cap), yuan") \
  X(double, public_returned_yuan, 0.0, 0, "distributed to the public limited partner so far, yuan") \
  X(std::int32_t, manager, -1, ref(Ref::financier) | kNoneAllowed, "sub-funds: the venture fund that manages it (general partner), -1 none")
// clang-format on

struct Financiers {
  INNOCHAIN_FINANCIER_COLUMNS(INNOCHAIN_DECLARE_COLUMN)
  std::size_t size() const { return kind.size(); }
  INNOCHAIN_TABLE(Financiers, INNOCHAIN_FINANCIER_COLUMNS)
  void resize(std::size_t rows) { resize_columns(rows); }

  /// Whether its restrictions admit a firm in `field` and `region`. Fields and regions beyond
  /// the 64th are admitted only by an unrestricted mask.
  bool admits(std::size_t f, std::size_t field, std::size_t region) const {
    const auto bit = [](std::uint64_t mask, std::size_t k) {
      return k < 64 ? ((mask >> k) & 1u) != 0 : mask == ~std::uint64_t{0};
    };
    return bit(field_mask[f], field) && bit(region_mask[f], region);
  }
};

enum class FundingRound : std::uint8_t { seed = 0, series_a, series_b };
inline constexpr int kFundingRounds = 3;
INNOCHAIN_ENUM_COUNT(FundingRound, kFundingRounds)
enum class InvestmentStatus : std::uint8_t { active = 0, exited, written_off };
inline constexpr int kInvestmentStatuses = 3;
INNOCHAIN_ENUM_COUNT(InvestmentStatus, kInvestmentStatuses)

// clang-format off
#define INNOCHAIN_INVESTMENT_COLUMNS(X) \
  X(std::int32_t, financier, 0, ref(Ref::financier), "the investing fund") \
  X(std::int32_t, enterprise, 0, ref(Ref::enterprise), "the firm invested in") \
  X(double, amount_yuan, 0.0, 0, "amount invested, yuan") \
  X(FundingRound, round, FundingRound::seed, 0, "round: seed, series A, series B or later") \
  X(std::int32_t, month, 0, 0, "month of the deal") \
  X(InvestmentStatus, status, InvestmentStatus::active, 0, "active, exited or written off") \
  X(double, shares, 0.0, 0, "shares bought: its ownership is shares / the firm's shares outstanding") \
  X(double, proceeds_yuan, 0.0, 0, "paid to the fund when the stake exited, yuan")
// clang-format on

/// Equity stakes of venture funds and guidance funds in enterprises.
struct Investments {
  INNOCHAIN_INVESTMENT_COLUMNS(INNOCHAIN_DECLARE_COLUMN)
  std::size_t size() const { return financier.size(); }
  INNOCHAIN_TABLE(Investments, INNOCHAIN_INVESTMENT_COLUMNS)
  void resize(std::size_t rows) { resize_columns(rows); }
  void push(std::int32_t f, std::int32_t e, double amount, FundingRound r, std::int32_t m, double bought = 0.0) {
    financier.push_back(f);
    enterprise.push_back(e);
    amount_yuan.push_back(amount);
    round.push_back(r);
    month.push_back(m);
    status.push_back(InvestmentStatus::active);
    shares.push_back(bought);
    proceeds_yuan.push_back(0.0);
  }
};

}  // namespace innochain
