// rd_subsidy (R&D grants / super-deduction): pays a share of eligible firms' R&D project
// cost (beyond any compute subsidy) as the costs arrive, up to a per-firm cap per programme
// year, from a finite budget. Every month every eligible firm then alive may draw
// min(rate x its cost, its cap left this year), and all firms together at most the budget
// left, pro rata when their costs exceed it (no firm reserves its cap). Programme years run
// from the instance's start_month, and each firm's cap renews with each year. Start-ups
// founded where it is open expect the rate (entry).
#include "policies/allowance.hpp"
#include "policies/eligible.hpp"

#include <algorithm>

namespace innochain {

namespace {

class RdSubsidy final : public Instrument {
 public:
  RdSubsidy(const PolicyConfig& p, const Scenario& s)
      : Instrument(p), budget_left_(at_world_scale(s, p.value("budget_yuan"))) {}

  void settle(const Context&, State& s, int index) override {
    const EnterpriseLevers& l = s.enterprises.levers;
    allowances_.settle(l.rd_allowance_yuan, l.rd_policy, index, [&](std::int32_t, std::size_t e, double used) {
      used_this_year_[e] += used;
      budget_left_ -= used;
    });
  }

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    if (!(budget_left_ >= 1.0)) return;  // run out (below one yuan: what rounding leaves of an exhausted budget)
    Enterprises& en = s.enterprises;
    const std::int64_t year = (s.month - config().start_month) / 12;
    if (year != year_) {  // a new programme year: every firm's cap renews
      year_ = year;
      std::fill(used_this_year_.begin(), used_this_year_.end(), 0.0);
    }
    used_this_year_.resize(en.size(), 0.0);  // firms founded since last month
    const double rate = config().value("rate");
    const double cap = config().value("per_firm_cap_yuan_per_year");
    s.levers.subsidy_pool_yuan[index] = budget_left_;
    for (std::size_t e = 0; e < en.size(); ++e) {
      if (!enterprise_eligible(en, e, eligible)) continue;
      const double left = cap - used_this_year_[e];
      if (!(left > 0.0)) continue;
      en.levers.rd_subsidy_rate[e] = rate;
      allowances_.grant(en.levers.rd_allowance_yuan, en.levers.rd_policy, e, left, index);
    }
    if (!eligible.kind_ok("startup")) return;
    for (std::size_t f = 0; f < c.fields; ++f)
      for (std::size_t r = 0; r < c.regions; ++r) {
        if (!eligible.place_ok(f, r)) continue;
        double& expected = s.levers.entry_rd_subsidy_rate[f * c.regions + r];
        expected = std::max(expected, rate);
      }
  }

  double budget_left() const override { return budget_left_; }

  void persist(StateIo& io) override {
    io.scalar("year", year_);
    io.column("used_this_year", used_this_year_);
    allowances_.persist(io, Ref::enterprise);
    io.expect(allowances_.largest_slot() < static_cast<std::int64_t>(used_this_year_.size()),
              "an allowance was granted to a firm past used_this_year");
    io.scalar("budget_left", budget_left_);
  }

 private:
  std::int64_t year_ = -1;              ///< programme year of the last act
  std::vector<double> used_this_year_;  ///< per firm id, yuan paid in the current programme year
  AllowanceBook allowances_;            ///< this month's allowances
  double budget_left_;
};

InstrumentType describe() {
  return {
      "rd_subsidy",
      "Pays `rate` of eligible firms' R&D project cost (the part not already paid by a compute subsidy), up to "
      "`per_firm_cap_yuan_per_year` per firm in each programme year (years counted from `start_month`), from a "
      "finite `budget_yuan` that is never exceeded: each month every eligible firm then alive may draw "
      "min(rate x its cost, its cap left this year), and all firms together at most the budget left, every claim "
      "cut in the same proportion when the month's costs would exceed it (no firm reserves its cap). Relaxes "
      "subsidised firms' budgets in the progress phase, so their projects advance faster and their R&D spending "
      "rises; start-ups founded where it is open expect the rate (entry). Units served: firms whose subsidy paid "
      "part of their R&D cost that month. Every payment is a row of /policy_recipients.",
      "Guangdong's enterprise R&D subsidy programmes (研发费用补助) and the national R&D super-deduction "
      "(研发费用加计扣除: 100 % extra deduction for all enterprises since 2023, worth about 15 % of R&D cost to a "
      "high-tech enterprise taxed at 15 %, 25 % at the standard rate). Quasi-experimental studies of Chinese R&D "
      "subsidies find positive input additionality on average, with crowding-out for large firms; no evaluation "
      "fixes this model's response, so parameters are priors, to be used with a sensitivity sweep.",
      {Lever::rd_subsidy_rate, Lever::rd_allowance, Lever::subsidy_pool, Lever::entry_rd_subsidy_rate},
      {"chain_leader", "sme", "startup"},
      {
          {"rate", "share", 0.0, 1.0, 0.2,
           "Share of an eligible firm's R&D project cost the subsidy pays (super-deduction: about 0.15 at the "
           "high-tech 15 % tax rate, 0.25 at the standard 25 %)."},
          {"per_firm_cap_yuan_per_year", "yuan", 0.0, 1e10, 2.0e6,
           "Most the subsidy pays one firm in one programme year (prior)."},
          {"budget_yuan", "yuan", 0.0, 1e13, 5.0e8,
           "Programme budget over its whole window, province-wide (multiplied by world.scale) (prior)."},
      },
      {},
      [](const PolicyConfig& p, const Scenario& s) { return std::make_unique<RdSubsidy>(p, s); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
