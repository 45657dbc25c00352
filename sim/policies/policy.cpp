#include "policies/policy.hpp"

#include <algorithm>
#include <limits>

namespace innochain {

namespace {

std::vector<InstrumentType>& registry() {
  static std::vector<InstrumentType> types;
  return types;
}

}  // namespace

InstrumentSpec InstrumentType::spec() const {
  InstrumentSpec out{type, doc, source, {}, kinds, params, choices};
  for (const Lever l : levers) out.levers.emplace_back(lever_name(l));
  return out;
}

bool register_instrument(InstrumentType type) {
  register_instrument_spec(type.spec());
  auto& types = registry();
  types.push_back(std::move(type));
  std::sort(types.begin(), types.end(), [](const auto& a, const auto& b) { return a.type < b.type; });
  return true;
}

const std::vector<InstrumentType>& instrument_types() { return registry(); }

const InstrumentType* find_instrument_type(const std::string& type) {
  for (const auto& t : registry())
    if (t.type == type) return &t;
  return nullptr;
}

void Instrument::settle(const Context&, State&, int) {}

void Instrument::record(const Context&, const State&, MonthMetrics&, int) const {}

double Instrument::budget_left() const { return std::numeric_limits<double>::infinity(); }

void Instrument::persist(StateIo&) {}

bool Eligibility::kind_ok(const std::string& kind) const {
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

Eligibility resolve_eligibility(const Scenario& s, const PolicyConfig& p) {
  Eligibility e;
  e.kinds = p.kinds;
  const auto select = [](const auto& names_in_scenario, const std::vector<std::string>& wanted) {
    std::vector<std::uint8_t> ok(names_in_scenario.size(), wanted.empty() ? 1 : 0);
    for (std::size_t k = 0; k < names_in_scenario.size(); ++k)
      if (std::find(wanted.begin(), wanted.end(), names_in_scenario[k].name) != wanted.end()) ok[k] = 1;
    return ok;
  };
  e.field = select(s.world.fields, p.fields);
  e.region = select(s.world.regions, p.regions);
  return e;
}

void policies(const Context& c, State& s, MonthMetrics& m) {
  for (std::size_t k = 0; k < s.instruments.size(); ++k) s.instruments[k]->settle(c, s, static_cast<int>(k));
  // Every lever back to its baseline.
  s.institutes.reset_levers();
  s.enterprises.levers.reset();
  s.levers.reset(c.friction, c.fields, c.regions, s.instruments.size());
  s.policy_spending.assign(s.instruments.size(), 0.0);
  s.policy_units.assign(s.instruments.size(), 0.0);
  // Instances act in scenario order; where two grant the same lever to one agent, the later wins.
  for (std::size_t k = 0; k < s.instruments.size(); ++k) {
    if (!s.instruments[k]->config().active(s.month)) continue;
    s.instruments[k]->act(c, s, *s.eligibility[k], static_cast<int>(k));
    s.instruments[k]->record(c, s, m, static_cast<int>(k));
  }
}

}  // namespace innochain
