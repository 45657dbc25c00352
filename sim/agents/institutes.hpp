// Research institutes (universities, national labs, new-type R&D institutes):
// one structure-of-arrays table. Per-field columns are row-major [institute * F + field].
#pragma once

#include "core/columns.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace innochain {

enum class InstituteKind : std::uint8_t { university = 0, national_lab, new_rd_institute };
inline constexpr int kInstituteKinds = 3;
INNOCHAIN_ENUM_COUNT(InstituteKind, kInstituteKinds)

// clang-format off
/// X(type, name, fill for new rows, flags, meaning): see core/columns.hpp.
#define INNOCHAIN_INSTITUTE_COLUMNS(X) \
  X(InstituteKind, kind, InstituteKind::university, kSnapshot, "sub-kind: university, national lab or new-type R&D institute") \
  X(std::uint16_t, region, 0, kSnapshot | ref(Ref::region), "region") \
  X(double, budget_yuan_per_month, 0.0, kSnapshot, "public research budget, yuan/month") \
  X(double, field_weight, 0.0, kPerField, "research portfolio weight of each field (sums to 1)") \
  X(double, knowledge, 0.0, kPerField, "knowledge stock per field, knowledge units") \
  X(double, transfer_office_capacity, 0.0, 0, "transfer-office cases a month") \
  X(double, transfer_office_skill, 0.0, 0, "transfer-office skill ('don't know how')") \
  X(double, risk_aversion, 0.0, 0, "officials' risk aversion ('don't dare')") \
  X(double, base_sanction_probability, 0.0, 0, "officials' perceived sanction probability without policy") \
  X(double, base_inventor_share, 0.0, 0, "inventors' share of transfer income without policy") \
  X(double, base_screening_care, 1.0, 0, "the office's screening care without policy (1 = full care)") \
  X(double, cash_yuan, 0.0, kSnapshot, "retained transfer income, yuan; funds projects on top of the budget") \
  X(std::int32_t, researchers, 0, kSnapshot, "researchers employed (from the talent table)") \
  X(double, researcher_skill_mean, 0.0, 0, "their mean skill") \
  X(double, researcher_propensity_mean, 0.0, 0, "their mean entrepreneurial propensity") \
  X(std::int32_t, industry_ties, 0, 0, "former researchers now industry scientists at firms")

/// Policy levers on institutes, read by the transfer phase: reset every month by the policy
/// phase to the institute's base_* values (reset()), then changed by active instruments.
#define INNOCHAIN_INSTITUTE_LEVER_COLUMNS(X) \
  X(double, sanction_probability, 0.0, 0, "officials' perceived sanction probability this month") \
  X(double, inventor_share, 0.0, 0, "inventors' share of transfer income this month") \
  X(double, screening_care, 1.0, 0, "the office's screening care this month (1 = full care)")
// clang-format on

struct InstituteLevers {
  INNOCHAIN_INSTITUTE_LEVER_COLUMNS(INNOCHAIN_DECLARE_COLUMN)
  INNOCHAIN_TABLE(InstituteLevers, INNOCHAIN_INSTITUTE_LEVER_COLUMNS)
  void resize(std::size_t rows) { resize_columns(rows); }
};

struct Institutes {
  INNOCHAIN_INSTITUTE_COLUMNS(INNOCHAIN_DECLARE_COLUMN)
  InstituteLevers levers;
  std::size_t size() const { return kind.size(); }
  INNOCHAIN_TABLE(Institutes, INNOCHAIN_INSTITUTE_COLUMNS)
  /// Rows (per-field columns have `fields` values a row) and their levers together.
  void resize(std::size_t rows, std::size_t fields) {
    resize_columns(rows, fields);
    levers.resize(rows);
  }
  /// Every lever back to the institute's own (base) values.
  void reset_levers() {
    levers.resize(size());
    std::copy(base_sanction_probability.begin(), base_sanction_probability.end(), levers.sanction_probability.begin());
    std::copy(base_inventor_share.begin(), base_inventor_share.end(), levers.inventor_share.begin());
    std::copy(base_screening_care.begin(), base_screening_care.end(), levers.screening_care.begin());
  }
};

}  // namespace innochain
