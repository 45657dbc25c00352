// Research institutes (universities, national labs, new-type R&D institutes):
// one structure-of-arrays table. Per-field columns are row-major [institute * F + field].
#pragma once

#include <cstdint>
#include <vector>

namespace innochain {

enum class InstituteKind : std::uint8_t { university = 0, national_lab, new_rd_institute };

struct Institutes {
  std::vector<InstituteKind> kind;
  std::vector<std::uint16_t> region;
  std::vector<double> budget_yuan_per_month;
  std::vector<double> field_weight;  ///< [i * F + f], sums to 1 over f
  std::vector<double> knowledge;     ///< [i * F + f], knowledge units
  // Transfer office and officials (link 3).
  std::vector<double> transfer_office_capacity;  ///< cases/month
  std::vector<double> transfer_office_skill;
  std::vector<double> risk_aversion;
  std::vector<double> sanction_probability;
  std::vector<double> inventor_share;
  std::vector<double> screening_care;  ///< 1 = full care; a liability exemption lowers it
  // Baselines of the three policy levers above: the policy phase resets the levers to these.
  std::vector<double> base_sanction_probability;
  std::vector<double> base_inventor_share;
  std::vector<double> base_screening_care;
  std::vector<double> cash_yuan;  ///< transfer income retained; funds projects on top of the budget
  // Derived each month from the talent table.
  std::vector<std::int32_t> researchers;
  std::vector<double> researcher_skill_mean;
  std::vector<double> researcher_propensity_mean;  ///< mean entrepreneurial propensity of its researchers
  std::vector<std::int32_t> industry_ties;         ///< former researchers now industry scientists at firms

  std::size_t size() const { return kind.size(); }
  void resize(std::size_t n, std::size_t fields) {
    kind.resize(n);
    region.resize(n);
    budget_yuan_per_month.resize(n);
    field_weight.resize(n * fields);
    knowledge.resize(n * fields);
    transfer_office_capacity.resize(n);
    transfer_office_skill.resize(n);
    risk_aversion.resize(n);
    sanction_probability.resize(n);
    inventor_share.resize(n);
    screening_care.resize(n, 1.0);
    base_sanction_probability.resize(n);
    base_inventor_share.resize(n);
    base_screening_care.resize(n, 1.0);
    cash_yuan.resize(n);
    researchers.resize(n);
    researcher_skill_mean.resize(n);
    researcher_propensity_mean.resize(n);
    industry_ties.resize(n);
  }
};

}  // namespace innochain
