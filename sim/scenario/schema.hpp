// The scenario schema: one entry per key, with its type, unit, range,
// description and source. Defaults come from the Scenario struct itself.
// The decoder, the YAML emitter (`innochain show`) and the generated
// docs/scenarios.md all walk this one table.
#pragma once

#include "scenario/scenario.hpp"

#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace innochain {

/// Accessors take the scenario and, for keys inside a named list, the element index.
using RealRef = std::function<double&(Scenario&, std::size_t)>;
using IntRef = std::function<std::int64_t&(Scenario&, std::size_t)>;
using StringRef = std::function<std::string&(Scenario&, std::size_t)>;
using MatrixRef = std::function<Matrix&(Scenario&, std::size_t)>;
using BoolRef = std::function<bool&(Scenario&, std::size_t)>;

struct Param;

/// A list of maps addressed by their `name` (regions, fields): `--set
/// world.fields.life_health.cost_multiplier=1.3`.
struct NamedList {
  std::function<std::size_t(const Scenario&)> size;
  std::function<void(Scenario&, std::size_t)> resize;
  std::function<std::string&(Scenario&, std::size_t)> name;
  std::vector<Param> elements;  ///< keys of one element (paths relative to the element)
};

/// Expected matrix shape given the rest of the scenario, with the reason for the error message.
struct MatrixShape {
  std::function<std::pair<std::size_t, std::size_t>(const Scenario&)> dims;
  std::string explanation;  ///< e.g. "one row and one column per region"
};

struct Param {
  std::string path;  ///< dotted key path, e.g. "chain.basic_research.budget_elasticity"
  std::string unit;  ///< "1" for dimensionless; "yuan/month", "months", ...
  std::string doc;
  std::string source;  ///< where the default comes from, or "prior"
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  std::variant<RealRef, IntRef, StringRef, MatrixRef, NamedList, BoolRef> ref;
  MatrixShape shape;  ///< only for matrices

  bool is_real() const { return std::holds_alternative<RealRef>(ref); }
  bool is_int() const { return std::holds_alternative<IntRef>(ref); }
  bool is_string() const { return std::holds_alternative<StringRef>(ref); }
  bool is_matrix() const { return std::holds_alternative<MatrixRef>(ref); }
  bool is_list() const { return std::holds_alternative<NamedList>(ref); }
  bool is_bool() const { return std::holds_alternative<BoolRef>(ref); }
  /// A short type name for messages and docs: real, integer, boolean, string, matrix, list.
  std::string type_name() const;
};

/// The whole schema, in document order.
const std::vector<Param>& scenario_schema();

/// Markdown reference of every key (docs/scenarios.md is this text).
std::string scenario_reference_markdown();

}  // namespace innochain
