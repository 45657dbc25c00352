#include "scenario/scenario.hpp"

#include <algorithm>
#include <cmath>

namespace innochain {

std::int64_t Scenario::scaled(std::int64_t count, double scale) {
  if (count <= 0) return 0;
  return std::max<std::int64_t>(1, std::llround(static_cast<double>(count) * scale));
}

}  // namespace innochain
