// Talent (researchers, engineers, industry scientists): one structure-of-arrays table.
#pragma once

#include <cstdint>
#include <vector>

namespace innochain {

enum class Role : std::uint8_t { researcher = 0, engineer, industry_scientist };
enum class EmployerKind : std::uint8_t { none = 0, institute, enterprise };

struct Talent {
  std::vector<Role> role;
  std::vector<std::uint16_t> region;
  std::vector<std::uint16_t> field;
  std::vector<float> skill;  ///< mean 1 over the population
  std::vector<EmployerKind> employer_kind;
  std::vector<std::int32_t> employer;  ///< id in the employer's table, -1 when none
  std::vector<float> entrepreneurial_propensity;
  std::vector<std::int32_t> months_in_job;

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
  }
};

}  // namespace innochain
