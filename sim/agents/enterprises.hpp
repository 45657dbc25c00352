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
  std::vector<double> revenue_yuan_per_month;
  std::vector<double> rd_share;             ///< share of revenue spent on R&D projects
  std::vector<double> absorptive_capacity;  ///< in [0, 1]
  std::vector<std::int32_t> age_months;
  std::vector<std::uint8_t> alive;
  // Derived each month from the talent table: engineers + industry scientists.
  std::vector<std::int32_t> rd_staff;
  std::vector<double> rd_staff_skill_mean;

  std::size_t size() const { return kind.size(); }
  void resize(std::size_t n) {
    kind.resize(n);
    region.resize(n);
    field.resize(n);
    revenue_yuan_per_month.resize(n);
    rd_share.resize(n);
    absorptive_capacity.resize(n);
    age_months.resize(n);
    alive.resize(n);
    rd_staff.resize(n);
    rd_staff_skill_mean.resize(n);
  }
};

}  // namespace innochain
