// liability_exemption (尽职免责): officials of eligible institutes who follow the rules
// are exempt from liability if a transfer later looks bad. It lowers their perceived
// sanction probability ("don't dare") and, as a side-effect, their screening care, so
// more low-quality projects get through (the bad_transfers metric).
#include "policies/eligible.hpp"

namespace innochain {

namespace {

class LiabilityExemption final : public Instrument {
 public:
  using Instrument::Instrument;

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    Institutes& in = s.institutes;
    const double keep = 1.0 - config().value("sanction_reduction");
    const double care = config().value("screening_care");
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (!institute_eligible(c, in, i, eligible)) continue;
      in.levers.sanction_probability[i] *= keep;
      in.levers.screening_care[i] = std::min(in.levers.screening_care[i], care);
      s.policy_units[index] += 1.0;
    }
  }
};

InstrumentType describe() {
  return {
      "liability_exemption",
      "Exempts transfer officials of eligible institutes from liability for compliant transfers: their "
      "perceived sanction probability falls by `sanction_reduction`, and their screening care drops to "
      "`screening_care`, so weaker projects pass the office's screening. Units served: eligible institutes "
      "per month. No spending.",
      "Guangdong and national 尽职免责 rules for research-result transfer (2016 onward). No causal evaluation: "
      "parameters are priors, to be used with a sensitivity sweep.",
      {Lever::sanction_probability, Lever::screening_care},
      {"university", "national_lab", "new_rd_institute"},
      {
          {"sanction_reduction", "share", 0.0, 1.0, 0.8,
           "Share by which officials' perceived sanction probability falls (prior)."},
          {"screening_care", "share", 0.0, 1.0, 0.7,
           "Screening care under the exemption (1 = unchanged): the office approves seen quality above care x "
           "chain.transfer.screening_threshold (prior)."},
      },
      {},
      [](const PolicyConfig& p, const Scenario&) { return std::make_unique<LiabilityExemption>(p); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
