// guidance_fund (政府引导基金): a government guidance fund of its own. On its first active
// month the instance appends `sub_funds` financiers (one by default) of kind guidance_fund to
// the table, sharing the public capital, with a screening threshold, a co-investment ratio and
// restrictions to the eligible fields and regions. From then on the finance phase draws them
// like any guidance fund, but only for firms their restrictions admit. The capital is committed
// once, when the fund is created: that is the instance's spending (a ledger source), and its
// investments are not counted again.
#include "policies/eligible.hpp"

#include <algorithm>
#include <cmath>

namespace innochain {

namespace {

/// Bit k set for every eligible k; all bits set when every entry is eligible (unrestricted).
std::uint64_t mask_of(const std::vector<std::uint8_t>& eligible) {
  if (std::all_of(eligible.begin(), eligible.end(), [](std::uint8_t ok) { return ok != 0; })) return ~std::uint64_t{0};
  std::uint64_t mask = 0;
  for (std::size_t k = 0; k < eligible.size() && k < 64; ++k)
    if (eligible[k]) mask |= std::uint64_t{1} << k;
  return mask;
}

class GuidanceFund final : public Instrument {
 public:
  using Instrument::Instrument;

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    if (created_) return;  // the fund exists: it invests in the finance phase
    created_ = true;
    Financiers& fi = s.financiers;
    // Sub-funds are located in the eligible regions in turn (region 0 if none is eligible).
    std::vector<std::uint16_t> regions;
    for (std::size_t r = 0; r < eligible.region.size(); ++r)
      if (eligible.region[r]) regions.push_back(static_cast<std::uint16_t>(r));
    if (regions.empty()) regions.push_back(0);
    // Capital and sub-funds are province figures: a scaled-down world gets its share of both
    // (at least one sub-fund), so the fund meets a deal flow of the same relative size.
    const auto n =
        static_cast<std::size_t>(std::max(1LL, std::llround(at_world_scale(c.scenario, config().value("sub_funds")))));
    const double capital = at_world_scale(c.scenario, config().value("capital_yuan"));
    const std::size_t first = fi.size();
    fi.resize(first + n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t f = first + k;
      fi.kind[f] = FinancierKind::guidance_fund;
      fi.region[f] = regions[k % regions.size()];
      fi.capital_yuan[f] = capital / static_cast<double>(n);
      fi.threshold[f] = c.scenario.chain.finance.venture_threshold - config().value("threshold_discount");
      fi.coinvest_ratio[f] = config().value("coinvest_ratio");
      fi.field_mask[f] = mask_of(eligible.field);
      fi.region_mask[f] = mask_of(eligible.region);
      fi.policy[f] = index;
      fi.deals_left[f] = 0;  // the finance phase sets its deal capacity
    }
    // The capital is public money entering the modelled economy now.
    s.ledger.month[lf_policy_spending] += capital;
    s.policy_spending[index] += capital;
  }

  void persist(StateIo& io) override { io.scalar("created", created_); }

 private:
  bool created_ = false;
};

InstrumentType describe() {
  return {
      "guidance_fund",
      "Creates a government guidance fund on the instance's first active month: `sub_funds` financiers of kind "
      "guidance_fund (one by default) sharing `capital_yuan` of public capital equally, each with a seed "
      "screening threshold of `chain.finance.venture_threshold` - `threshold_discount` (rising by round like "
      "every fund's) and the co-investment ratio `coinvest_ratio` (its yuan per venture yuan), located in the "
      "eligible regions in turn (the first eligible region first), and restricted to firms in the eligible "
      "fields and regions. Like every guidance fund a sub-fund only co-invests beside a venture deal, at most "
      "`chain.finance.deals_per_month` times a month (finance phase), so the number of sub-funds, not the "
      "capital, bounds how fast the fund invests; a restricted fund is a candidate only for firms it admits. "
      "The capital is committed once, at creation: that month's spending is the whole capital (a ledger "
      "source, `lf_policy_spending`), and investments are not counted again (spending = capital committed). "
      "The fund lives on after the window closes and, like every fund, raises new capital at "
      "`chain.finance.capital_inflow_per_year`. Units served: co-investments its sub-funds made that month.",
      "Government guidance funds (政府引导基金): the Guangdong Provincial Strategic Emerging Industry Investment "
      "Guidance Fund (广东省战略性新兴产业投资引导基金, December 2025: 100 billion yuan in total, a first phase of "
      "50 billion, no fixed term, investing through funds of funds and sub-funds), Shenzhen's municipal guidance "
      "fund (set up in 2015, target 100 billion yuan) and the State Council's 2025 guidance on government "
      "investment funds (long-term, patient capital). Guidance funds invest beside private funds, restricted "
      "to fields and to their region. No evaluation fixes this model's response: the threshold discount, "
      "co-investment ratio and number of sub-funds are priors, to be used with a sensitivity sweep.",
      {Lever::guidance_fund},
      {},
      {
          {"capital_yuan", "yuan", 0.0, 1e13, 2.0e9,
           "Public capital committed to the fund at creation, province-wide (multiplied by world.scale)."},
          {"threshold_discount", "log quality", -5.0, 5.0, 0.5,
           "How much lower than `chain.finance.venture_threshold` the fund's seed screening threshold is."},
          {"coinvest_ratio", "1", 0.0, 10.0, 1.0, "Fund yuan co-invested per venture yuan in a deal."},
          {"sub_funds", "funds", 1.0, 10000.0, 1.0,
           "Financiers the fund is split into (its fund-of-funds and sub-funds), province-wide (multiplied by "
           "world.scale and rounded to a whole number, at least one), "
           "each closing at most `chain.finance.deals_per_month` co-investments a month."},
      },
      {},
      [](const PolicyConfig& p, const Scenario&) { return std::make_unique<GuidanceFund>(p); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
