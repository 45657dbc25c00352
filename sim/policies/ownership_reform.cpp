// ownership_reform (职务科技成果赋权): inventors at eligible institutes get ownership, or a
// larger share, of their results' transfer income. It raises the inventor share, which
// raises inventors' effort on a transfer ("don't want"): more transfers are approved,
// more become spin-offs, and more of each licence fee goes to the inventors.
#include "policies/eligible.hpp"

#include <algorithm>

namespace innochain {

namespace {

class OwnershipReform final : public Instrument {
 public:
  using Instrument::Instrument;

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    Institutes& in = s.institutes;
    const double share = config().value("inventor_share");
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (!institute_eligible(c, in, i, eligible)) continue;
      in.levers.inventor_share[i] = std::max(in.levers.inventor_share[i], share);
      s.policy_units[index] += 1.0;
    }
  }
};

InstrumentType describe() {
  return {
      "ownership_reform",
      "Gives inventors at eligible institutes ownership, or long-term use rights, of their service inventions: "
      "their share of transfer income rises to `inventor_share` (never lowered), which raises inventors' effort "
      "on transfers, so more transfers are approved and more become spin-offs, and more of each licence fee "
      "goes to the inventors rather than the institute. Units served: eligible institutes per month. No spending.",
      "Guangdong and national pilots of 赋予科研人员职务科技成果所有权或长期使用权 (national pilot of 2020 "
      "onward, after Sichuan's 2016 mixed-ownership reform); the national law rewards inventors with at least "
      "50 % of net transfer income, Guangdong's rules with at least 70 %. No causal evaluation: parameters are "
      "priors, to be used with a sensitivity sweep.",
      {Lever::inventor_share},
      {"university", "national_lab", "new_rd_institute"},
      {
          {"inventor_share", "share", 0.0, 1.0, 0.7,
           "Share of transfer income eligible institutes' inventors get; the lever is raised to at least this "
           "(Guangdong's rules: at least 70 %; ownership pilots: 70 % or more)."},
      },
      {},
      [](const PolicyConfig& p, const Scenario&) { return std::make_unique<OwnershipReform>(p); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
