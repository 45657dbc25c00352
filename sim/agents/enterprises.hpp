// Enterprises (chain leaders, SMEs, start-ups): one structure-of-arrays table.
#pragma once

#include <cstdint>
#include <vector>

namespace innochain {

enum class EnterpriseKind : std::uint8_t { chain_leader = 0, sme, startup };

struct Enterprises {
  std::vector<EnterpriseKind> kind;
  std::vector<std::uint16_t> region;
  std::vector<std::uint16_t> field;
  std::vector<double> revenue_yuan_per_month;  ///< last month's revenue (market phase)
  std::vector<double> cash_yuan;
  std::vector<double> debt_yuan;               ///< bank loans outstanding
  std::vector<double> base_size;               ///< market weight of the existing business (initial revenue)
  std::vector<double> product_quality;         ///< quality stock of launched products, depreciating
  std::vector<std::int32_t> loss_months;       ///< consecutive months with negative cash
  std::vector<std::int32_t> origin_institute;  ///< spin-offs: the institute; else -1
  std::vector<std::int32_t> founded_month;     ///< entrants: month founded; initial firms: -1
  std::vector<double> equity_raised_yuan;      ///< cumulative outside equity
  std::vector<std::int32_t> rounds_raised;     ///< equity rounds closed so far
  std::vector<std::int32_t> lender;            ///< the bank holding its debt, or -1
  std::vector<std::int32_t> acquired_by;       ///< after an acquisition: the acquirer, else -1
  std::vector<double> absorptive_base;         ///< absorptive capacity before industry ties
  // Written by the progress phase for finance: the month's unfunded project cost and
  // the best latent quality among its active projects.
  std::vector<double> funding_gap_yuan;
  std::vector<double> pipeline_quality;
  std::vector<double> rd_spent_yuan;  ///< this month's R&D project spending
  // Policy levers read by the progress phase (reset every month by the policy phase):
  // a subsidy pays `rate` of the firm's compute (or whole R&D) cost, at most `allowance`
  // yuan this month, charged to policy instance `policy` (-1: none).
  std::vector<double> compute_subsidy_rate;
  std::vector<double> compute_allowance_yuan;
  std::vector<std::int32_t> compute_policy;
  std::vector<double> rd_subsidy_rate;
  std::vector<double> rd_allowance_yuan;
  std::vector<std::int32_t> rd_policy;
  std::vector<double> rd_share;             ///< share of revenue spent on R&D projects
  std::vector<double> absorptive_capacity;  ///< in [0, 1]
  std::vector<std::int32_t> age_months;
  std::vector<std::uint8_t> alive;
  // Derived each month from the talent table: engineers + industry scientists.
  std::vector<std::int32_t> rd_staff;
  std::vector<double> rd_staff_skill_mean;
  std::vector<std::int32_t> industry_ties;  ///< industry scientists with a tie to an institute

  std::size_t size() const { return kind.size(); }
  void resize(std::size_t n) {
    kind.resize(n);
    region.resize(n);
    field.resize(n);
    revenue_yuan_per_month.resize(n);
    cash_yuan.resize(n);
    debt_yuan.resize(n);
    base_size.resize(n);
    product_quality.resize(n);
    loss_months.resize(n);
    origin_institute.resize(n, -1);
    founded_month.resize(n, -1);
    equity_raised_yuan.resize(n);
    rounds_raised.resize(n);
    lender.resize(n, -1);
    acquired_by.resize(n, -1);
    absorptive_base.resize(n);
    funding_gap_yuan.resize(n);
    pipeline_quality.resize(n);
    rd_spent_yuan.resize(n);
    compute_subsidy_rate.resize(n);
    compute_allowance_yuan.resize(n);
    compute_policy.resize(n, -1);
    rd_subsidy_rate.resize(n);
    rd_allowance_yuan.resize(n);
    rd_policy.resize(n, -1);
    rd_share.resize(n);
    absorptive_capacity.resize(n);
    age_months.resize(n);
    alive.resize(n);
    rd_staff.resize(n);
    rd_staff_skill_mean.resize(n);
    industry_ties.resize(n);
  }
};

}  // namespace innochain
