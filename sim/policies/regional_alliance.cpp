// regional_alliance (cross-border science cooperation, e.g. the Shenzhen-Dongguan science
// cities): the eligible regions agree to lower the barriers between them, so agents in two
// of them meet more easily. Every month the friction between each pair of distinct
// eligible regions rises to at least `friction`, in both directions; every market that
// matches across regions (contract research, licensing, talent, funds) reads it.
#include "policies/eligible.hpp"

#include <algorithm>

namespace innochain {

namespace {

class RegionalAlliance final : public Instrument {
 public:
  using Instrument::Instrument;

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    const double target = config().value("friction");
    for (std::size_t a = 0; a < c.regions; ++a)
      for (std::size_t b = a + 1; b < c.regions; ++b) {
        if (!eligible.region_ok(a) || !eligible.region_ok(b)) continue;
        const auto i = static_cast<Eigen::Index>(a), j = static_cast<Eigen::Index>(b);
        if (s.levers.friction(i, j) >= target && s.levers.friction(j, i) >= target) continue;
        s.levers.friction(i, j) = std::max(s.levers.friction(i, j), target);
        s.levers.friction(j, i) = std::max(s.levers.friction(j, i), target);
        s.policy_units[index] += 1.0;
      }
  }
};

InstrumentType describe() {
  return {
      "regional_alliance",
      "An alliance of the eligible regions (`eligible.regions`; at least two, else it does nothing; none listed "
      "means every region): each month the matching friction between every pair of distinct member regions "
      "rises to at least `friction`, in both directions, so contract research, licensing, hiring and fund "
      "deals across their border succeed more often. Entries already above `friction` stay. Units served: "
      "region pairs whose friction was raised that month. No spending. In the calibrated baseline most "
      "firms drawn for a contract lack the cash for one (contracts are worth tens of millions of yuan), so "
      "an alliance moves licensing and hiring far more than contract research.",
      "Cross-border science cooperation such as the Shenzhen-Dongguan pairing of Guangming Science City and "
      "Songshan Lake Science City (the cores of the Greater Bay Area comprehensive national science centre) "
      "and the Guangdong-Hong Kong-Macao Greater Bay Area agreements. No causal evaluation: how far an "
      "alliance lowers matching friction is a prior, to be used with a sensitivity sweep.",
      {Lever::friction},
      {},
      {
          {"friction", "share", 0.0, 1.0, 0.95,
           "Friction factor between member regions under the alliance (1 = as easy as within a region); "
           "each entry becomes max(current, this) (prior)."},
      },
      {},
      [](const PolicyConfig& p, const Scenario&) { return std::make_unique<RegionalAlliance>(p); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
