#include "scenario/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace innochain {

double PolicyConfig::value(const std::string& key) const {
  for (const auto& [k, v] : values)
    if (k == key) return v;
  throw std::logic_error("policy '" + name + "' has no parameter '" + key + "'");
}

const std::string& PolicyConfig::choice(const std::string& key) const {
  for (const auto& [k, v] : choices)
    if (k == key) return v;
  throw std::logic_error("policy '" + name + "' has no choice '" + key + "'");
}

std::int64_t Scenario::scaled(std::int64_t count, double scale) {
  if (count <= 0) return 0;
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(count) * scale));
}

}  // namespace innochain
