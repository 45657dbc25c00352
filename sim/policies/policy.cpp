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

bool register_instrument(InstrumentType type) {
  register_instrument_spec(type);
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
  Institutes& in = s.institutes;
  std::copy(in.base_sanction_probability.begin(), in.base_sanction_probability.end(), in.sanction_probability.begin());
  std::copy(in.base_inventor_share.begin(), in.base_inventor_share.end(), in.inventor_share.begin());
  std::copy(in.base_screening_care.begin(), in.base_screening_care.end(), in.screening_care.begin());
  Enterprises& en = s.enterprises;
  std::fill(en.compute_subsidy_rate.begin(), en.compute_subsidy_rate.end(), 0.0);
  std::fill(en.compute_allowance_yuan.begin(), en.compute_allowance_yuan.end(), 0.0);
  std::fill(en.compute_policy.begin(), en.compute_policy.end(), -1);
  std::fill(en.rd_subsidy_rate.begin(), en.rd_subsidy_rate.end(), 0.0);
  std::fill(en.rd_allowance_yuan.begin(), en.rd_allowance_yuan.end(), 0.0);
  std::fill(en.rd_policy.begin(), en.rd_policy.end(), -1);
  s.friction = c.friction;
  s.inflow_multiplier_researcher = s.inflow_multiplier_engineer = 1.0;
  s.outflow_multiplier.assign(c.regions, 1.0);
  s.wage_subsidy_rate.assign(c.regions, 0.0);
  s.wage_subsidy_policy.assign(c.regions, -1);
  s.wage_subsidy_allowance_yuan.assign(s.instruments.size(), 0.0);
  const std::size_t cells = c.fields * c.regions;  // pilot platforms, per (field x region) cell
  s.platform_cost_share.assign(cells, 0.0);
  s.platform_hazard_multiplier.assign(cells, 1.0);
  s.platform_speed_multiplier.assign(cells, 1.0);
  s.platform_capacity.assign(cells, 0.0);
  s.platform_allowance_yuan.assign(cells, 0.0);
  s.platform_policy.assign(cells, -1);
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
