// Talent (researchers, engineers, industry scientists): one structure-of-arrays table.
#pragma once

#include <cstdint>
#include <vector>

namespace innochain {

enum class Role : std::uint8_t { researcher = 0, engineer, industry_scientist };
/// none: unemployed in the province; outside: has left the province (kept so ids stay stable).
enum class EmployerKind : std::uint8_t { none = 0, institute, enterprise, outside };

struct Talent {
  std::vector<Role> role;
  std::vector<std::uint16_t> region;
  std::vector<std::uint16_t> field;
  std::vector<float> skill;  ///< mean 1 over the population
  std::vector<EmployerKind> employer_kind;
  std::vector<std::int32_t> employer;  ///< id in the employer's table, -1 when none
  std::vector<float> entrepreneurial_propensity;
  std::vector<std::int32_t> months_in_job;
  std::vector<std::int32_t> tie_institute;  ///< industry scientists: the institute they came from, else -1

  std::size_t size() const { return role.size(); }
  void resize(std::size_t n) {
    role.resize(n);
    region.resize(n);
    field.resize(n);
    skill.resize(n);
    employer_kind.resize(n);
    employer.resize(n);
    entrepreneurial_propensity.resize(n);
    months_in_job.resize(n);
    tie_institute.resize(n, -1);
  }
};

}  // namespace innochain
