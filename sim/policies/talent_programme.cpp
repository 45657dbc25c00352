// talent_programme (talent programmes, recruitment drives): draws researchers and
// engineers from outside the province, keeps people in the eligible regions, and may pay
// part of the R&D staff wages of the firms there. Inflow multipliers are province-wide
// for the roles the instance targets (`eligible.kinds`); retention and the wage subsidy
// apply in the eligible regions. The wage subsidy is paid by the talent market, month by
// month, from a finite budget that is never exceeded.
#include "policies/allowance.hpp"
#include "policies/eligible.hpp"

#include <algorithm>

namespace innochain {

namespace {

class TalentProgramme final : public Instrument {
 public:
  TalentProgramme(const PolicyConfig& p, const Scenario& s)
      : Instrument(p), budget_left_(at_world_scale(s, p.value("budget_yuan"))) {}

  void settle(const Context&, State& s, int index) override {
    // One allowance per instance: no other instance can replace it.
    allowances_.settle(s.levers.wage_subsidy_allowance_yuan, {}, index,
                       [&](std::int32_t, std::size_t, double used) { budget_left_ -= used; });
  }

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    if (eligible.kind_ok("researcher"))
      s.levers.inflow_multiplier_researcher *= config().value("researcher_inflow_multiplier");
    if (eligible.kind_ok("engineer"))
      s.levers.inflow_multiplier_engineer *= config().value("engineer_inflow_multiplier");
    const double keep = 1.0 - config().value("outflow_reduction");
    const double rate = config().value("wage_subsidy_rate");
    const bool subsidy = rate > 0.0 && budget_left_ > 0.0;
    for (std::size_t r = 0; r < c.regions; ++r) {
      if (!eligible.region_ok(r)) continue;
      s.levers.outflow_multiplier[r] *= keep;
      if (!subsidy) continue;
      s.levers.wage_subsidy_rate[r] = rate;
      s.levers.wage_subsidy_policy[r] = index;
    }
    if (subsidy)
      allowances_.grant(s.levers.wage_subsidy_allowance_yuan, {}, static_cast<std::size_t>(index), budget_left_, index);
  }

  double budget_left() const override { return budget_left_; }

  void persist(StateIo& io) override {
    allowances_.persist(io, Ref::policy);
    io.scalar("budget_left", budget_left_);
  }

 private:
  AllowanceBook allowances_;  ///< this month's wage-subsidy allowance
  double budget_left_;
};

InstrumentType describe() {
  return {
      "talent_programme",
      "Recruits talent from outside the province and keeps it in the eligible regions. Arrivals of researchers "
      "and engineers are multiplied by `researcher_inflow_multiplier` and `engineer_inflow_multiplier` "
      "province-wide (arrivals' regions still follow the regions' talent shares); `eligible.kinds` limits this "
      "to the roles listed. In the eligible regions the monthly chance of leaving the province falls by "
      "`outflow_reduction`, and, with `wage_subsidy_rate` above 0, the programme pays that share of the "
      "engineer wage for every R&D employee of the firms there (into their cash, from a finite `budget_yuan` "
      "that is never exceeded: payments stop when it is spent), and those firms plan their R&D staff at the "
      "subsidised wage, so they open more positions. Where two instances subsidise one region, the later "
      "sets the rate and pays; inflow and retention multipliers of several instances multiply. Field "
      "selectors do not apply. Units served: R&D employees whose wage was subsidised that month. Positions "
      "are plentiful in the calibrated baseline, so hires are set by the searchers: a wage subsidy alone "
      "changes who hires more than how many are hired.",
      "Guangdong's talent programmes (the Pearl River Talent Plan, the Guangdong Special Support Programme, "
      "Shenzhen's Peacock Plan) and city recruitment drives with housing and wage subsidies. No causal "
      "evaluation fixes their effect on migration in this model: multipliers, retention and the wage subsidy "
      "are priors, to be used with a sensitivity sweep.",
      {Lever::inflow_multiplier_researcher, Lever::inflow_multiplier_engineer, Lever::outflow_multiplier,
       Lever::wage_subsidy_rate, Lever::wage_subsidy_allowance},
      {"researcher", "engineer"},
      {
          {"researcher_inflow_multiplier", "multiplier", 1.0, 10.0, 1.5,
           "Multiplier on arrivals of researchers from outside the province (prior)."},
          {"engineer_inflow_multiplier", "multiplier", 1.0, 10.0, 1.2,
           "Multiplier on arrivals of engineers from outside the province (prior)."},
          {"outflow_reduction", "share", 0.0, 1.0, 0.3,
           "Share by which the monthly chance of leaving the province falls in the eligible regions (prior)."},
          {"wage_subsidy_rate", "share", 0.0, 0.9, 0.0,
           "Share of the engineer wage the programme pays for each R&D employee of firms in the eligible "
           "regions (0: no wage subsidy)."},
          {"budget_yuan", "yuan", 0.0, 1e13, 1.0e9,
           "Wage-subsidy budget over the programme's whole window, province-wide (multiplied by world.scale) (prior)."},
      },
      {},
      [](const PolicyConfig& p, const Scenario& s) { return std::make_unique<TalentProgramme>(p, s); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
