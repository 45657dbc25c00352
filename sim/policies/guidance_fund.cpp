// guidance_fund (政府引导基金): a government guidance fund, in one of its two documented forms.
//
// Direct investor (`form: co_investor` or `lead_investor`): on its first active month the
// instance appends `sub_funds` financiers of kind guidance_fund sharing the public capital,
// restricted to the eligible fields and regions. The finance phase gives them a seat of their
// own beside a private lead (at their co-investment ratio and threshold), and, with
// `lead_investor`, lets them lead a round that no private fund leads in their fields.
//
// Fund of funds (`form: fund_of_funds`): the instance commits public capital as a limited
// partner to `sub_funds` private venture funds, each of which must raise the rest privately:
// the public share of a sub-fund is at most `public_share`, the public partner's return is
// capped (the excess goes to the private partners), the sub-fund invests in the eligible
// fields with `local_share` of its capital in the eligible regions, and it lives
// `fund_life_years`. Each month of the window, every commitment not yet placed is offered to
// a manager (a private venture fund in the eligible regions); private limited partners commit
// only if their expected multiple, given the manager's track record and the cap, clears their
// required return. A sub-fund is created only when that private matching is found; the
// public money of commitments never matched is not spent.
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

/// Private limited partners' multiple: a fund of size 1 returns `track_record`; the public
/// partner (share lambda) takes at most its capped multiple, sharing losses pro rata; the
/// private partners (1 - lambda) get the rest.
double private_lp_multiple(double track_record, double public_share, double public_cap_multiple) {
  const double to_public = public_share * std::min(track_record, public_cap_multiple);
  return (track_record - to_public) / (1.0 - public_share);
}

class GuidanceFund final : public Instrument {
 public:
  using Instrument::Instrument;

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    committed_ = matched_ = 0.0;
    if (config().choice("form") == "fund_of_funds") {
      place_commitments(c, s, eligible, index);
      return;
    }
    if (created_) return;  // the fund exists: it invests in the finance phase
    created_ = true;
    Financiers& fi = s.financiers;
    // Sub-funds are located in the eligible regions in turn (region 0 if none is eligible).
    const std::vector<std::uint16_t> regions = eligible_regions(eligible);
    // Capital and sub-funds are province figures: a scaled-down world gets its share of both
    // (at least one sub-fund), so the fund meets a deal flow of the same relative size.
    const std::size_t n = sub_funds(c);
    const double capital = at_world_scale(c.scenario, config().value("capital_yuan"));
    const std::size_t first = fi.size();
    fi.resize(first + n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t f = first + k;
      fi.kind[f] = FinancierKind::guidance_fund;
      fi.region[f] = regions[k % regions.size()];
      fi.capital_yuan[f] = capital / static_cast<double>(n);
      fi.target_capital_yuan[f] = fi.capital_yuan[f];
      fi.threshold[f] = c.scenario.chain.finance.venture_threshold - config().value("threshold_discount");
      fi.coinvest_ratio[f] = config().value("coinvest_ratio");
      fi.field_mask[f] = mask_of(eligible.field);
      fi.region_mask[f] = mask_of(eligible.region);
      fi.may_lead[f] = config().choice("form") == "lead_investor" ? 1 : 0;
      fi.policy[f] = index;
      fi.deals_left[f] = 0;  // the finance phase sets its deal capacity
    }
    // The capital is public money entering the modelled economy now.
    s.ledger.month[lf_policy_spending] += capital;
    s.policy_spending[index] += capital;
  }

  void record(const Context&, const State&, MonthMetrics& m, int) const override {
    m.at(m_guidance_lp_committed) += committed_;
    m.at(m_private_lp_matched) += matched_;
  }

  void persist(StateIo& io) override {
    io.scalar("created", created_);
    io.scalar("placed", placed_);
  }

 private:
  std::size_t sub_funds(const Context& c) const {
    return static_cast<std::size_t>(
        std::max(1LL, std::llround(at_world_scale(c.scenario, config().value("sub_funds")))));
  }

  static std::vector<std::uint16_t> eligible_regions(const Eligibility& eligible) {
    std::vector<std::uint16_t> regions;
    for (std::size_t r = 0; r < eligible.region.size(); ++r)
      if (eligible.region[r]) regions.push_back(static_cast<std::uint16_t>(r));
    if (regions.empty()) regions.push_back(0);
    return regions;
  }

  /// Fund of funds: offers every commitment not yet placed to a manager, and creates the
  /// sub-fund if private limited partners match it (docs/model.md 3.3.0).
  void place_commitments(const Context& c, State& s, const Eligibility& eligible, int index) {
    const std::size_t n = sub_funds(c);
    if (placed_ >= static_cast<std::int64_t>(n)) return;
    const auto& p = c.scenario.chain.finance;
    Financiers& fi = s.financiers;
    // Managers: the private, evergreen venture funds in the eligible regions.
    std::vector<std::int32_t> managers;
    for (std::size_t f = 0; f < fi.size(); ++f)
      if (fi.kind[f] == FinancierKind::venture_capital && fi.committed_yuan[f] <= 0.0 && fi.policy[f] < 0 &&
          eligible.region_ok(fi.region[f]))
        managers.push_back(static_cast<std::int32_t>(f));
    if (managers.empty()) return;
    // Each manager's track record: its stakes valued at their proceeds if exited, 0 if written
    // off and at cost while active, per yuan invested (the interim TVPI at cost).
    std::vector<double> cost(fi.size(), 0.0), value(fi.size(), 0.0);
    const Investments& iv = s.investments;
    for (std::size_t k = 0; k < iv.size(); ++k) {
      const auto f = static_cast<std::size_t>(iv.financier[k]);
      cost[f] += iv.amount_yuan[k];
      value[f] += iv.status[k] == InvestmentStatus::exited   ? iv.proceeds_yuan[k]
                  : iv.status[k] == InvestmentStatus::active ? iv.amount_yuan[k]
                                                             : 0.0;
    }
    const double lambda = config().value("public_share");
    const double life = config().value("fund_life_years");
    const double hold = 0.5 * life;  // capital is out for about half the fund's life on average
    const double cap = std::pow(1.0 + config().value("return_cap_per_year"), hold);
    const double required = std::pow(1.0 + p.lp_hurdle_per_year, hold);
    const double public_yuan = at_world_scale(c.scenario, config().value("capital_yuan")) / static_cast<double>(n);
    // The commitments are equal: each one not yet placed meets one manager this month.
    std::int64_t created = 0;
    for (std::int64_t k = placed_; k < static_cast<std::int64_t>(n); ++k) {
      Rng rng = policy_rng(c, index, static_cast<std::uint32_t>(k), s.month);
      const std::int32_t gp = managers[rng.below(static_cast<std::uint32_t>(managers.size()))];
      const double record = cost[gp] > 0.0 ? value[gp] / cost[gp] : p.lp_prior_multiple;
      if (private_lp_multiple(record, lambda, cap) < required) continue;  // no private match this month
      const double size = public_yuan / lambda, private_yuan = size - public_yuan;
      const std::size_t f = fi.size();
      fi.resize(f + 1);
      fi.kind[f] = FinancierKind::venture_capital;
      fi.region[f] = fi.region[gp];
      fi.capital_yuan[f] = size;
      fi.threshold[f] = fi.threshold[gp];  // the manager screens as it does for its own fund
      fi.field_mask[f] = mask_of(eligible.field);
      fi.local_region_mask[f] = mask_of(eligible.region);
      fi.local_share[f] = config().value("local_share");
      fi.public_share[f] = lambda;
      fi.committed_yuan[f] = size;
      fi.invest_until_month[f] =
          s.month + static_cast<std::int32_t>(std::llround(12.0 * config().value("investment_period_years"))) - 1;
      fi.end_month[f] = s.month + static_cast<std::int32_t>(std::llround(12.0 * life));
      fi.public_cap_yuan[f] = public_yuan * cap;
      fi.manager[f] = gp;
      fi.policy[f] = index;
      fi.deals_left[f] = 0;  // the finance phase sets its deal capacity
      ++created;
      committed_ += public_yuan;
      matched_ += private_yuan;
      s.ledger.month[lf_policy_spending] += public_yuan;  // public money committed now
      s.ledger.month[lf_new_fund_capital] += private_yuan;
      s.policy_spending[index] += public_yuan;
    }
    placed_ += created;
  }

  bool created_ = false;     ///< direct forms: the fund exists
  std::int64_t placed_ = 0;  ///< fund of funds: commitments placed with a sub-fund so far
  double committed_ = 0.0;   ///< this month: public capital committed to new sub-funds
  double matched_ = 0.0;     ///< this month: private capital committed beside it
};

InstrumentType describe() {
  return {
      "guidance_fund",
      "A government guidance fund of `capital_yuan` of public capital, in one of two forms (`form`). As a direct "
      "investor (`co_investor`, `lead_investor`) it is created on the instance's first active month as `sub_funds` "
      "financiers of kind guidance_fund sharing the capital, located in the eligible regions in turn and restricted "
      "to firms in the eligible fields and regions, with a screening threshold of "
      "`chain.finance.venture_threshold` - `threshold_discount` (rising by round like every fund's) and the "
      "co-investment ratio `coinvest_ratio`. It takes a co-investor's seat of its own in rounds a private fund "
      "leads (the round, sized by the start-up's need, is split lead : fund = 1 : `coinvest_ratio`); with "
      "`lead_investor` it also leads, alone, rounds no private fund leads in its fields. It lives on after the "
      "window closes, its capital adjusting toward its size at creation at "
      "`chain.finance.capital_adjustment_per_year`; its capital is spent once, "
      "at creation. As a fund of funds (`fund_of_funds`) the instance commits the capital as a limited partner to "
      "`sub_funds` private venture funds in equal parts: each month of the window every commitment not yet placed "
      "is offered to a manager (a private venture fund in the eligible regions, drawn at random) and the sub-fund "
      "is created only if private limited partners match it: the public partner provides `public_share` of the "
      "sub-fund, its return is capped at `return_cap_per_year` (the excess goes to the private partners), and the "
      "private partners commit when their expected multiple over half the fund's life, from the manager's track "
      "record (its stakes at proceeds or cost per yuan invested, `chain.finance.lp_prior_multiple` without one), "
      "reaches `chain.finance.lp_hurdle_per_year` compounded. A sub-fund is a closed-end venture fund led by the "
      "manager's threshold, investing only in the eligible fields and keeping `local_share` of its capital for "
      "firms in the eligible regions, for `investment_period_years`, and distributing its capital to its partners "
      "at the end of `fund_life_years`. Only placed commitments are spent (the public capital of a sub-fund in the "
      "month it is created). The finance phase reports public and private capital invested separately "
      "(`invested_public`, `invested_private`). Units served: deals made by the instance's funds.",
      "Government guidance funds (政府引导基金): the Guangdong Provincial Strategic Emerging Industry Investment "
      "Guidance Fund (广东省战略性新兴产业投资引导基金, December 2025: 100 billion yuan in total, a first phase of "
      "50 billion, investing through funds of funds and sub-funds), Shenzhen's municipal guidance fund (2015, target "
      "100 billion yuan) and the State Council's 2025 guidance on government investment funds. Most invest as "
      "limited partners in private sub-funds with a capped share (the 2007 rules of the national SME venture "
      "guidance fund: at most 25 % of a sub-fund), profit concessions to private partners (让利), local "
      "reinvestment requirements (返投) and fixed fund lives; some co-invest directly. Wei, Ang and Jia (2023, China "
      "Quarterly) find that only 26 % of guidance funds had raised their target size by 2021, for lack of private "
      "partners. Quasi-experimental evidence on crowding in is mixed: a difference-in-differences study of a "
      "central-government programme finds private investment rising by 0.88-0.93 yuan per government yuan "
      "(\"Can Governments Foster the Development of Venture Capital?\", SSRN 3221997, 2019), while a study of city "
      "programmes (I. Zhang, \"Government Venture Capital and Entrepreneurship: Evidence From China\") associates them "
      "with less new-firm formation, as restricted funds absorb private capital into target sectors; Brander, Du and "
      "Hellmann (2015, "
      "Review of Finance) find that moderate government co-investment goes with more total investment. Every "
      "parameter here is a prior, to be used with a sensitivity sweep.",
      {Lever::guidance_fund},
      {},
      {
          {"capital_yuan", "yuan", 0.0, 1e13, 2.0e9,
           "Public capital of the fund, province-wide (multiplied by world.scale)."},
          {"threshold_discount", "log quality", -5.0, 5.0, 0.5,
           "Direct forms: how much lower than `chain.finance.venture_threshold` the fund's seed screening threshold is "
           "(prior)."},
          {"coinvest_ratio", "1", 0.0, 10.0, 1.0,
           "Direct forms: fund yuan per lead-fund yuan when it joins a round (prior)."},
          {"sub_funds", "funds", 1.0, 10000.0, 1.0,
           "Direct forms: financiers the fund is split into, each closing at most `chain.finance.deals_per_month` "
           "deals a month; fund of funds: sub-funds it commits to in equal parts. Province-wide (multiplied by "
           "world.scale and rounded, at least one)."},
          {"public_share", "share", 0.01, 0.99, 0.25,
           "Fund of funds: the public partner's share of a sub-fund (the 2007 national SME venture guidance fund "
           "rules: at most 25 %)."},
          {"return_cap_per_year", "1/year", 0.0, 1.0, 0.035,
           "Fund of funds: the public partner's return is capped at this rate; the excess goes to the private "
           "partners (prior: about the one-year loan prime rate, a common concession)."},
          {"local_share", "share", 0.0, 1.0, 0.5,
           "Fund of funds: share of a sub-fund's capital it must invest in firms in the eligible regions (返投; "
           "requirements of 1-2 times the public commitment at a 25 % share mean 25-50 %)."},
          {"investment_period_years", "years", 0.5, 30.0, 5.0,
           "Fund of funds: years a sub-fund makes new investments (RMB funds: typically 5)."},
          {"fund_life_years", "years", 1.0, 40.0, 10.0,
           "Fund of funds: years until a sub-fund distributes its capital (RMB funds: typically 7-10)."},
      },
      {{"form",
        {"co_investor", "lead_investor", "fund_of_funds"},
        "co_investor",
        "co_investor: a direct fund that co-invests beside private leads; lead_investor: it also leads rounds no "
        "private fund leads in its fields; fund_of_funds: a limited partner in private sub-funds that must raise "
        "matching private capital."}},
      [](const PolicyConfig& p, const Scenario&) { return std::make_unique<GuidanceFund>(p); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
