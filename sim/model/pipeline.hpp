// The month pipeline: a fixed sequence of phases, each a function over the state tables.
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"

#include <string_view>
#include <vector>

namespace innochain {

/// One phase of the month, in pipeline order.
struct Phase {
  std::string_view name;
  void (*run)(const Context&, State&, MonthMetrics&);
};

/// The phases of the month, in order (sim/model/pipeline.cpp).
const std::vector<Phase>& pipeline();

}  // namespace innochain
