// Enterprises (chain leaders, SMEs, start-ups): one structure-of-arrays table.
#pragma once

#include "core/columns.hpp"
#include "core/parallel.hpp"

#include <cstdint>
#include <vector>

namespace innochain {

enum class EnterpriseKind : std::uint8_t { chain_leader = 0, sme, startup };
inline constexpr int kEnterpriseKinds = 3;
INNOCHAIN_ENUM_COUNT(EnterpriseKind, kEnterpriseKinds)

// clang-format off
/// X(type, name, fill for new rows, flags, meaning): see core/columns.hpp.
#define INNOCHAIN_ENTERPRISE_COLUMNS(X) \
  X(EnterpriseKind, kind, EnterpriseKind::chain_leader, kSnapshot, "sub-kind: chain leader, SME or start-up") \
  X(std::uint16_t, region, 0, kSnapshot | ref(Ref::region), "region") \
  X(std::uint16_t, field, 0, kSnapshot | ref(Ref::field), "field (sector)") \
  X(double, revenue_yuan_per_month, 0.0, kSnapshot, "last month's revenue, yuan/month (market phase)") \
  X(double, cash_yuan, 0.0, kSnapshot, "cash, yuan") \
  X(double, debt_yuan, 0.0, 0, "bank loans outstanding, yuan") \
  X(std::int32_t, product_lines, 0, kSnapshot, "product lines on the market (from the product-line table)") \
  X(std::int32_t, first_product_month, -1, kSnapshot, "month its first product line came on the market (firms selling at month 0, constructed or from the spin-up: 0; new SMEs: the month they appear); -1: none yet") \
  X(std::int32_t, loss_months, 0, 0, "consecutive months of losses") \
  X(std::int32_t, origin_institute, -1, kSnapshot | ref(Ref::institute) | kNoneAllowed, "spin-offs: the institute; else -1") \
  X(std::int32_t, founded_month, -1, kSnapshot, "entrants: month founded (negative: during the spin-up); firms constructed at the start: -1") \
  X(double, equity_raised_yuan, 0.0, kSnapshot, "cumulative outside equity, yuan") \
  X(std::int32_t, rounds_raised, 0, kSnapshot, "equity rounds closed so far") \
  X(std::int32_t, lender, -1, ref(Ref::financier) | kNoneAllowed, "the bank holding its debt, or -1") \
  X(std::int32_t, acquired_by, -1, kSnapshot | ref(Ref::enterprise) | kNoneAllowed, "after an acquisition: the acquirer, else -1") \
  X(double, absorptive_base, 0.0, 0, "absorptive capacity before industry ties") \
  X(double, funding_gap_yuan, 0.0, 0, "this month's unfunded project cost, yuan (progress -> finance)") \
  X(double, rd_own_cost_yuan, 0.0, 0, "this month's project cost the firm pays itself at full speed, after subsidies and platforms, yuan (progress -> finance)") \
  X(double, rd_grant_full_yuan, 0.0, 0, "this month's R&D grant (rd_subsidy) at full speed, yuan: part of the cost it would pay once the grant ends (progress -> finance)") \
  X(double, pipeline_quality, 0.0, 0, "best latent quality among its active projects (progress -> finance)") \
  X(double, rd_spent_yuan, 0.0, kSnapshot, "this month's R&D project spending, yuan") \
  X(double, compute_bill_yuan, 0.0, kSnapshot, "this month's compute bill: GPU-hours bought x price, yuan (progress)") \
  X(double, rd_subsidised_yuan, 0.0, kSnapshot, "the part of it paid by subsidies and platforms, yuan (progress -> market)") \
  X(double, rd_share, 0.0, 0, "share of revenue spent on R&D projects") \
  X(double, absorptive_capacity, 0.0, 0, "absorptive capacity, in [0, 1]") \
  X(std::int32_t, age_months, 0, kSnapshot, "age, months") \
  X(std::uint8_t, alive, 0, kSnapshot | values_below(2), "1 while in business") \
  X(std::int32_t, rd_staff, 0, kSnapshot, "engineers and industry scientists employed (from the talent table)") \
  X(double, rd_staff_skill_mean, 0.0, 0, "their mean skill") \
  X(std::int32_t, industry_ties, 0, 0, "industry scientists with a tie to an institute") \
  X(std::int32_t, venture_stage, -1, kSnapshot, "start-ups: stage investors see (finance): -1 no project, 0 breakthrough, 1 proof of concept, 2 pilot, 3 a product on the market") \
  X(std::int32_t, milestone_stage, -1, 0, "highest venture stage investors have seen the firm reach (a milestone is a rise above it)") \
  X(std::int32_t, round_stage, -1, 0, "venture stage at its last equity round, -1 before the first") \
  X(double, shares_outstanding, 1.0, 0, "shares in issue; the founders hold 1 at founding, each round issues new ones") \
  X(double, post_money_yuan, 0.0, kSnapshot, "post-money valuation of its last equity round, yuan (0 before the first)") \
  X(double, public_precision, 0.0, 0, "precision of what investors have learnt publicly about its log quality (certificates, milestone results), 1/log points^2") \
  X(double, public_evidence, 0.0, 0, "precision-weighted sum of those public observations of its log quality") \
  X(std::int32_t, first_grant_month, -1, kSnapshot, "first month it held an R&D grant (lever rd_policy), -1 never")

/// Policy levers on enterprises. Progress: a compute subsidy pays `rate` of the firm's compute
/// bill, an R&D subsidy `rate` of the rest of its R&D cost, each at most `allowance` yuan this
/// month (the firm's cap left) and within the paying instance's pool (WorldLevers), charged to
/// policy instance `policy` (-1: none); a skill multiplier scales its R&D
/// team's effective skill (mentoring). Market: an overhead subsidy pays a share of its fixed
/// costs (subsidised space). Finance: a bonus on the quality signal investors see (an
/// incubator's admission), and a certificate: an awarding agency's own assessment of the firm's
/// log quality with the precision of its review, set in the month of the award and read once by
/// finance. Reset every month by the policy phase (reset()), then set by the active instruments.
#define INNOCHAIN_ENTERPRISE_LEVER_COLUMNS(X) \
  X(double, compute_subsidy_rate, 0.0, 0, "share of the compute bill a compute subsidy pays") \
  X(double, compute_allowance_yuan, 0.0, 0, "most the compute subsidy pays this month, yuan (drawn down as it pays)") \
  X(std::int32_t, compute_policy, -1, ref(Ref::policy) | kNoneAllowed, "the paying policy instance, -1: none") \
  X(double, rd_subsidy_rate, 0.0, 0, "share of the R&D cost beyond compute subsidies an R&D subsidy pays") \
  X(double, rd_allowance_yuan, 0.0, 0, "most the R&D subsidy pays this month, yuan (drawn down as it pays)") \
  X(std::int32_t, rd_policy, -1, ref(Ref::policy) | kNoneAllowed, "the paying policy instance, -1: none") \
  X(double, overhead_subsidy_rate, 0.0, 0, "share of the firm's fixed costs (overhead) a policy pays") \
  X(double, overhead_allowance_yuan, 0.0, 0, "most the overhead subsidy pays this month, yuan (drawn down as it pays)") \
  X(std::int32_t, overhead_policy, -1, ref(Ref::policy) | kNoneAllowed, "the paying policy instance, -1: none") \
  X(double, skill_multiplier, 1.0, 0, "multiplier on the R&D team's effective skill in the progress rate") \
  X(double, investor_signal_bonus, 0.0, 0, "added to the log-quality signal investors see, log points") \
  X(double, certificate_precision, 0.0, 0, "precision of an award's assessment investors read this month, 1/log points^2 (0: none)") \
  X(double, certificate_log_quality, 0.0, 0, "the awarding agency's assessment of the firm's log quality")
// clang-format on

struct EnterpriseLevers {
  INNOCHAIN_ENTERPRISE_LEVER_COLUMNS(INNOCHAIN_DECLARE_COLUMN)
  INNOCHAIN_TABLE(EnterpriseLevers, INNOCHAIN_ENTERPRISE_LEVER_COLUMNS)
  void resize(std::size_t rows) { resize_columns(rows); }
  std::size_t size() const { return compute_subsidy_rate.size(); }
  /// Every lever back to its baseline (no policy): each column's `fill`, in parallel blocks
  /// (the policy phase does this every month; a serial pass was 1 % of a 1-thread run).
  void reset() {
    for_blocks(size(),
               [&](std::size_t begin, std::size_t end) { INNOCHAIN_ENTERPRISE_LEVER_COLUMNS(INNOCHAIN_FILL_ROWS) });
  }
};

struct Enterprises {
  INNOCHAIN_ENTERPRISE_COLUMNS(INNOCHAIN_DECLARE_COLUMN)
  EnterpriseLevers levers;
  std::size_t size() const { return kind.size(); }
  INNOCHAIN_TABLE(Enterprises, INNOCHAIN_ENTERPRISE_COLUMNS)
  /// Rows and their levers together.
  void resize(std::size_t rows) {
    resize_columns(rows);
    levers.resize(rows);
  }
};

}  // namespace innochain
