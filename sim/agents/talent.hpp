// Talent (researchers, engineers, industry scientists): one structure-of-arrays table.
#pragma once

#include "core/columns.hpp"

#include <cstdint>
#include <vector>

namespace innochain {

enum class Role : std::uint8_t { researcher = 0, engineer, industry_scientist };
inline constexpr int kRoles = 3;
INNOCHAIN_ENUM_COUNT(Role, kRoles)
/// none: unemployed in the province; outside: has left the province (kept so ids stay stable).
enum class EmployerKind : std::uint8_t { none = 0, institute, enterprise, outside };
inline constexpr int kEmployerKinds = 4;
INNOCHAIN_ENUM_COUNT(EmployerKind, kEmployerKinds)

// clang-format off
/// X(type, name, fill for new rows, flags, meaning): see core/columns.hpp.
#define INNOCHAIN_TALENT_COLUMNS(X) \
  X(Role, role, Role::researcher, kSnapshot, "researcher, engineer or industry scientist") \
  X(std::uint16_t, region, 0, kSnapshot | ref(Ref::region), "region") \
  X(std::uint16_t, field, 0, ref(Ref::field), "field") \
  X(float, skill, 0.0f, kSnapshot, "skill, mean 1 over the population") \
  X(EmployerKind, employer_kind, EmployerKind::none, kSnapshot, "none (unemployed), institute, enterprise or outside (left the province)") \
  X(std::int32_t, employer, 0, kSnapshot | ref(Ref::employer), "id in the employer's table, -1 when none") \
  X(float, entrepreneurial_propensity, 0.0f, 0, "entrepreneurial propensity") \
  X(std::int32_t, months_in_job, 0, 0, "months in the current job") \
  X(std::int32_t, tie_institute, -1, ref(Ref::institute) | kNoneAllowed, "industry scientists: the institute they came from, else -1")
// clang-format on

struct Talent {
  INNOCHAIN_TALENT_COLUMNS(INNOCHAIN_DECLARE_COLUMN)
  std::size_t size() const { return role.size(); }
  INNOCHAIN_TABLE(Talent, INNOCHAIN_TALENT_COLUMNS)
  void resize(std::size_t rows) { resize_columns(rows); }
};

}  // namespace innochain
