// Policy instruments (docs/policies.md). An instrument is one file that registers
// its `type` with INNOCHAIN_REGISTER_INSTRUMENT: its parameters (unit, range,
// default), the levers it acts on, the agent kinds it may target, and a factory.
// Adding `foo.cpp` under sim/policies/ is the only change needed to make
// `type: foo` work in scenarios, in the decoder, in the docs and in the run file.
//
// Each month the policy phase (first in the pipeline) resets every lever to its
// baseline and lets each active instance act on the levers of its eligible
// agents. Phases read the levers; instruments never touch anything else.
// Spending and units served are recorded per instance.
#pragma once

#include "core/metrics.hpp"
#include "core/state_io.hpp"
#include "model/state.hpp"
#include "scenario/instruments.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace innochain {

class Instrument;

/// An instrument type: what it declares (its spec, with the levers it writes as checked
/// identifiers) and a factory.
struct InstrumentType {
  std::string type;
  std::string doc;                 ///< what it changes, one paragraph
  std::string source;              ///< the real-world programme, or "no causal evaluation: parameters are priors"
  std::vector<Lever> levers;       ///< the levers it writes (model/levers.hpp)
  std::vector<std::string> kinds;  ///< agent sub-kinds eligibility may name
  std::vector<InstrumentParam> params;
  std::vector<InstrumentChoice> choices;
  /// Builds an instance; the scenario gives the world (e.g. world.scale for budgets).
  std::function<std::unique_ptr<Instrument>(const PolicyConfig&, const Scenario&)> make;

  /// The spec the scenario layer's catalog keeps (levers by name).
  InstrumentSpec spec() const;
};

/// Eligibility of agents under one instance, resolved against the scenario's names.
struct Eligibility {
  std::vector<std::uint8_t> field;   ///< per field: 1 if eligible
  std::vector<std::uint8_t> region;  ///< per region
  std::vector<std::string> kinds;    ///< empty: every kind the type allows

  bool kind_ok(const std::string& kind) const;
  bool place_ok(std::size_t field_id, std::size_t region_id) const { return field[field_id] && region[region_id]; }
  bool region_ok(std::size_t region_id) const { return region[region_id]; }
};

/// A running instance. Instruments keep their own state (budget left, allocations).
class Instrument {
 public:
  explicit Instrument(const PolicyConfig& config) : config_(config) {}
  virtual ~Instrument() = default;
  Instrument(const Instrument&) = delete;
  Instrument& operator=(const Instrument&) = delete;

  const PolicyConfig& config() const { return config_; }

  /// Called once a month while the instance's window is open, after the levers were
  /// reset. `index` is the instance's position in scenario.policies (for spending).
  virtual void act(const Context& c, State& s, const Eligibility& eligible, int index) = 0;

  /// Called every month before the levers are reset, with last month's results in place
  /// (s.policy_spending[index], leftover allowances): instruments settle budgets here.
  virtual void settle(const Context& c, State& s, int index);

  /// Called right after act, in the same month: adds to the month's metrics what the
  /// instance did itself rather than through a lever (e.g. contract-research deals it
  /// created). Most instruments act only through levers and record nothing here.
  virtual void record(const Context& c, const State& s, MonthMetrics& m, int index) const;

  /// Budget left, yuan (infinite for instruments without a budget).
  virtual double budget_left() const;

  /// Lists the instance's own state that lives from one month to the next (budget left,
  /// winners, allowances granted...) for checkpoints: one list, used to save and to load.
  /// Instruments that keep nothing between months need not override it.
  virtual void persist(StateIo& io);

 private:
  PolicyConfig config_;
};

/// The random stream of policy instance `index` (one stream per instance).
inline Rng policy_rng(const Context& c, int index, std::uint32_t entity, std::int32_t month) {
  return Rng(c.key, static_cast<Stream>(static_cast<std::uint32_t>(Stream::policy) + static_cast<std::uint32_t>(index)),
             entity, static_cast<std::uint32_t>(month));
}

/// A province-wide total of an instance (a budget, fund capital, a count of vouchers or
/// sub-funds) at the world's scale. Scenarios state programmes as the province runs them;
/// a 1/100-scale world has 1/100 of the firms, so it gets 1/100 of the money and units.
/// Per-firm or per-person caps, rates and shares are not scaled.
inline double at_world_scale(const Scenario& s, double province_total) { return province_total * s.world.scale; }

/// Registers a type (its spec also goes to the scenario layer's catalog); returns true
/// (for static initialisers).
bool register_instrument(InstrumentType type);

/// The registered types, by name.
const std::vector<InstrumentType>& instrument_types();
const InstrumentType* find_instrument_type(const std::string& type);

/// Resolves an instance's eligibility selectors against the scenario (names were
/// checked by the decoder).
Eligibility resolve_eligibility(const Scenario& s, const PolicyConfig& p);

/// The policy phase: resets levers, then lets every active instance act.
void policies(const Context& c, State& s, MonthMetrics& m);

}  // namespace innochain

#define INNOCHAIN_CONCAT_(a, b) a##b
#define INNOCHAIN_CONCAT(a, b) INNOCHAIN_CONCAT_(a, b)
/// Registers an instrument type from a function returning its InstrumentType.
#define INNOCHAIN_REGISTER_INSTRUMENT(describe)                                          \
  [[maybe_unused]] static const bool INNOCHAIN_CONCAT(innochain_registered_, __LINE__) = \
      ::innochain::register_instrument(describe())
