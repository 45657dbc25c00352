// innovation_voucher (创新券; the Dutch innovatievoucher): small vouchers for SMEs to buy
// research from institutes, allotted by lottery among the applicants, which makes every
// instance an in-silico randomized trial (Cornet, Vroomen and van der Steeg 2006).
//
// Once, on the instance's first active month, every eligible SME then alive applies with
// probability `application_rate`; `vouchers` x world.scale vouchers (at least one) go to
// the applicants first in a random order (lottery keys drawn from the instance's stream),
// and the other applicants are the control group. Every applicant, winner or loser, would
// buy a contract-research project on its own with probability `baseline_purchase_rate`
// (drawn once: the research it would commission without a voucher), and every winner
// redeems with probability `redemption_rate`. A purchase falls due in a month drawn
// uniformly among the `redemption_months` months from the lottery (on the window's last
// month at the latest): the firm buys a BREAKTHROUGH project from an institute working in
// its field (drawn with weight = the institute's weight in that field x the region
// friction lever), of quality drawn like a discovery of that institute, at the contract
// value `project_value_yuan` x quality. A redeeming winner pays with the voucher (at most
// `value_yuan`, to the institute: public money) and pays any excess itself; a winner who
// would have bought anyway uses the voucher for that same project (deadweight); a winner
// who does not redeem, and a loser, buy only if they would have anyway, paying the whole
// value. A firm that has exited by then, or lacks the cash for its share, does not buy (a
// winner's voucher then goes unused). Nothing happens after the purchases: the effect is
// one-off. The deals count as contract research in the month's metrics (record()).
//
// trial_outcome() reports the arms and outcomes. As in the Dutch evaluation, additionality
// per voucher is winners' share with a project minus losers' share, non-use the share of
// winners who did not redeem, and deadweight the vouchers used minus the additional
// projects; the model also knows the true deadweight (vouchers used on a project the
// winner would have bought anyway). With the defaults the expected figures are 0.81, 0.10
// and 0.09: the Dutch shares are inputs, so matching them checks the lottery, the model's
// frictions and the estimator, not the firms' behaviour. The applicants' own purchases
// exist only while an instance runs, so a policy-minus-baseline difference counts them as
// an effect: additionality is measured by the trial, winners against losers.
#include "policies/innovation_voucher.hpp"

#include "policies/eligible.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace innochain {

namespace {

/// One applicant's draws, made once at the lottery.
struct Applicant {
  std::int32_t firm;
  std::int32_t month;  ///< month the purchase falls due
  bool winner;
  bool redeems;    ///< a winner who will use the voucher
  bool would_buy;  ///< buys a project without a voucher (the counterfactual)
  double pick;     ///< uniform draw that picks the institute
  double shock;    ///< mean-one log-normal quality shock
};

class InnovationVoucher final : public Instrument {
 public:
  using Instrument::Instrument;

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    deals_.clear();
    if (trial_.allocation_month < 0) allocate(c, s, eligible, index);
    // Due purchases, in (month, firm id) order; all of them on the window's last month.
    const bool last = config().end_month >= 0 && s.month >= config().end_month;
    while (next_ < pending_.size() && (pending_[next_].month <= s.month || last)) buy(c, s, pending_[next_++], index);
    trial_.pending = static_cast<std::int32_t>(pending_.size() - next_);
  }

  void record(const Context&, const State&, MonthMetrics& m, int) const override {
    for (const Deal& d : deals_) {
      m.at(m_contract_research_deals, d.field) += 1.0;
      m.at(m_contract_research_value, d.field) += d.value;
      m.at(m_transfer_income, d.region) += d.value;
    }
  }

  /// Voucher money still payable: vouchers neither redeemed nor forfeited x `value_yuan`
  /// (infinite before the lottery, when the number of vouchers issued is not yet known).
  double budget_left() const override {
    if (trial_.allocation_month < 0) return std::numeric_limits<double>::infinity();
    const auto open = static_cast<double>(trial_.winners.size()) - trial_.voucher_projects - trial_.unused_vouchers;
    return open * config().value("value_yuan");
  }

  const VoucherTrial& trial() const { return trial_; }

  void persist(StateIo& io) override {
    VoucherTrial& t = trial_;
    io.scalar("allocation_month", t.allocation_month);
    io.scalar("vouchers", t.vouchers);
    io.scalar("eligible", t.eligible);
    io.column("winners", t.winners, ref(Ref::enterprise));
    io.column("losers", t.losers, ref(Ref::enterprise));
    io.column("winners_revenue", t.winners_revenue);
    io.column("losers_revenue", t.losers_revenue);
    io.expect(t.winners_revenue.size() == t.winners.size() && t.losers_revenue.size() == t.losers.size(),
              "winners_revenue and losers_revenue must have a value per winner and loser");
    io.scalar("voucher_projects", t.voucher_projects);
    io.scalar("deadweight_projects", t.deadweight_projects);
    io.scalar("winners_own_projects", t.winners_own_projects);
    io.scalar("losers_own_projects", t.losers_own_projects);
    io.scalar("unused_vouchers", t.unused_vouchers);
    io.scalar("pending", t.pending);
    io.column("projects", t.projects, ref(Ref::project));
    io.scalar("spending_yuan", t.spending_yuan);
    // The applicants' draws, one column per member.
    std::vector<std::int32_t> firm, month;
    std::vector<std::uint8_t> winner, redeems, would_buy;
    std::vector<double> pick, shock;
    for (const Applicant& a : pending_) {
      firm.push_back(a.firm);
      month.push_back(a.month);
      winner.push_back(a.winner);
      redeems.push_back(a.redeems);
      would_buy.push_back(a.would_buy);
      pick.push_back(a.pick);
      shock.push_back(a.shock);
    }
    io.push("applicants");
    io.column("firm", firm, ref(Ref::enterprise));
    io.column("month", month);
    io.column("winner", winner);
    io.column("redeems", redeems);
    io.column("would_buy", would_buy);
    io.column("pick", pick);
    io.column("shock", shock);
    io.pop();
    if (io.loading()) {
      const std::size_t n = firm.size();
      io.expect(month.size() == n && winner.size() == n && redeems.size() == n && would_buy.size() == n &&
                    pick.size() == n && shock.size() == n,
                "the applicants' columns must have one value per applicant");
      pending_.clear();
      for (std::size_t k = 0; k < n; ++k)
        pending_.push_back({firm[k], month[k], winner[k] != 0, redeems[k] != 0, would_buy[k] != 0, pick[k], shock[k]});
    }
    io.scalar("next", next_);
    io.expect(next_ <= pending_.size(), "next must be at most the number of applicants");
  }

 private:
  struct Deal {
    std::size_t field, region;
    double value;
  };

  void allocate(const Context& c, const State& s, const Eligibility& eligible, int index) {
    trial_.allocation_month = s.month;
    const Enterprises& en = s.enterprises;
    const double apply = config().value("application_rate");
    const double redeem = config().value("redemption_rate");
    const double anyway = config().value("baseline_purchase_rate");
    const auto months = static_cast<std::uint32_t>(std::llround(config().value("redemption_months")));
    const double sigma = c.scenario.chain.basic_research.quality_log_sd;
    std::vector<Applicant> applicants;
    std::vector<double> keys;
    for (std::size_t e = 0; e < en.size(); ++e) {
      if (en.kind[e] != EnterpriseKind::sme || !enterprise_eligible(en, e, eligible)) continue;
      ++trial_.eligible;
      // Every draw is made for every eligible firm, in a fixed order, so that one
      // parameter's value does not shift the others' draws.
      Rng rng = policy_rng(c, index, static_cast<std::uint32_t>(e), s.month);
      const bool applies = rng.bernoulli(apply);
      const double key = rng.uniform();
      Applicant a{static_cast<std::int32_t>(e), 0, false, false, false, 0.0, 0.0};
      a.redeems = rng.bernoulli(redeem);
      a.would_buy = rng.bernoulli(anyway);
      a.month = s.month + static_cast<std::int32_t>(rng.below(months));
      a.pick = rng.uniform();
      a.shock = rng.lognormal(-0.5 * sigma * sigma, sigma);
      if (!applies) continue;
      applicants.push_back(a);
      keys.push_back(key);
    }
    // The lottery: applicants in the order of their keys (ties by id); the first win.
    trial_.vouchers = static_cast<std::int32_t>(
        std::max<long long>(1, std::llround(at_world_scale(c.scenario, config().value("vouchers")))));
    std::vector<std::size_t> order(applicants.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    const std::size_t won = std::min(order.size(), static_cast<std::size_t>(trial_.vouchers));
    for (std::size_t k = 0; k < won; ++k) applicants[order[k]].winner = true;
    for (Applicant& a : applicants) {
      const double revenue = en.revenue_yuan_per_month[static_cast<std::size_t>(a.firm)];
      if (a.winner) {
        trial_.winners.push_back(a.firm);
        trial_.winners_revenue.push_back(revenue);
        if (!a.redeems) ++trial_.unused_vouchers;  // the voucher is never used
      } else {
        a.redeems = false;
        trial_.losers.push_back(a.firm);
        trial_.losers_revenue.push_back(revenue);
      }
      if (a.redeems || a.would_buy) pending_.push_back(a);
    }
    std::stable_sort(pending_.begin(), pending_.end(),
                     [](const Applicant& a, const Applicant& b) { return a.month < b.month; });
  }

  /// The institute a firm buys from: drawn by weight in the firm's field x friction; -1 if none works in it.
  static std::int32_t pick_institute(const Context& c, const State& s, std::size_t e, double u) {
    const Institutes& in = s.institutes;
    const Enterprises& en = s.enterprises;
    const std::size_t f = en.field[e];
    const auto weight = [&](std::size_t i) {
      return in.field_weight[i * c.fields + f] * friction(c, s, in.region[i], en.region[e]);
    };
    double total = 0.0;
    for (std::size_t i = 0; i < in.size(); ++i) total += weight(i);
    if (total <= 0.0) return -1;
    double left = u * total;
    std::int32_t last = -1;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const double w = weight(i);
      if (w <= 0.0) continue;
      last = static_cast<std::int32_t>(i);
      if (left < w) return last;
      left -= w;
    }
    return last;
  }

  void buy(const Context& c, State& s, const Applicant& a, int index) {
    Enterprises& en = s.enterprises;
    Institutes& in = s.institutes;
    const auto e = static_cast<std::size_t>(a.firm);
    const bool with_voucher = a.redeems;
    const std::int32_t inst = en.alive[e] ? pick_institute(c, s, e, a.pick) : -1;
    const std::size_t f = en.field[e];
    double value = 0.0, voucher = 0.0;
    bool bought = false;
    if (inst >= 0) {
      const auto i = static_cast<std::size_t>(inst);
      const double elasticity = c.scenario.chain.basic_research.knowledge_quality_elasticity;
      const double quality = std::pow(1.0 + in.knowledge[i * c.fields + f], elasticity) * a.shock;
      value = config().value("project_value_yuan") * quality;
      voucher = with_voucher ? std::min(config().value("value_yuan"), value) : 0.0;
      bought = en.cash_yuan[e] >= value - voucher;
      if (bought) {
        Projects& pr = s.projects;
        const std::size_t id = pr.size();
        pr.resize(id + 1);
        pr.field[id] = static_cast<std::uint16_t>(f);
        pr.stage[id] = Stage::breakthrough;
        pr.status[id] = ProjectStatus::active;
        pr.holder_kind[id] = HolderKind::enterprise;
        pr.holder[id] = a.firm;
        pr.origin_institute[id] = inst;
        pr.progress[id] = 0.0;
        pr.quality[id] = quality;
        pr.months_in_stage[id] = 0;
        pr.created_month[id] = s.month;
        pr.active.push_back(static_cast<std::int32_t>(id));
        trial_.projects.push_back(static_cast<std::int32_t>(id));
        // The firm pays its share, the voucher the rest (public money); the institute gets both.
        en.cash_yuan[e] -= value - voucher;
        in.cash_yuan[i] += value;
        deals_.push_back({f, in.region[i], value});
      }
    }
    if (with_voucher) {
      if (bought) {
        ++trial_.voucher_projects;
        if (a.would_buy) ++trial_.deadweight_projects;
        s.ledger.month[lf_policy_spending] += voucher;
        s.policy_spending[index] += voucher;
        s.policy_units[index] += 1.0;
        trial_.spending_yuan += voucher;
      } else {
        ++trial_.unused_vouchers;
      }
    } else if (bought) {
      ++(a.winner ? trial_.winners_own_projects : trial_.losers_own_projects);
    }
  }

  VoucherTrial trial_;
  std::vector<Applicant> pending_;  ///< purchases to make, by due month then firm id
  std::size_t next_ = 0;            ///< first purchase not yet made
  std::vector<Deal> deals_;         ///< this month's purchases, for record()
};

double share(std::int32_t count, std::size_t of) {
  return of == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(count) / static_cast<double>(of);
}

InstrumentType describe() {
  return {
      "innovation_voucher",
      "Small vouchers for SMEs to buy research from institutes, allotted by lottery: an in-silico randomized "
      "trial. Once, on the first month of the window, each eligible SME then alive applies with probability "
      "`application_rate`; `vouchers` x `world.scale` vouchers (at least one) go to applicants in a random order "
      "and the other applicants are the control group. Each applicant, winner or loser, would buy a "
      "contract-research project on its own with probability `baseline_purchase_rate` (the counterfactual, "
      "drawn once); each winner redeems with probability `redemption_rate`. Purchases fall due in a month drawn "
      "among the `redemption_months` from the lottery (on the window's last month at the latest): the firm buys "
      "a BREAKTHROUGH project from an institute working in its field (drawn by field weight x region friction), of "
      "quality drawn like a discovery of that institute, worth `project_value_yuan` x quality. A redeeming "
      "winner pays with the voucher (up to `value_yuan`, public money paid to the institute) and pays any excess "
      "itself; if it would have bought anyway, the voucher pays for that same project (deadweight). Non-redeeming "
      "winners and losers buy only if they would have anyway, paying the whole value. A firm that has exited or "
      "lacks the cash for its share does not buy. The deals count as contract research (deals, value, and "
      "the institutes' transfer income). The effect is one-off: nothing happens after the purchases. Units "
      "served: vouchers redeemed that month. The trial's arms and outcomes (additionality = winners' minus "
      "losers' share with a project, deadweight = vouchers used minus additional projects, non-use) are read "
      "with `trial_outcome` (sim/policies/innovation_voucher.hpp); docs/validation.md compares them with the "
      "Dutch lottery. Caveats: the Dutch shares enter through the defaults of `redemption_rate` and "
      "`baseline_purchase_rate`, so matching them checks the lottery and the estimator, not the firms' "
      "behaviour; and the applicants' own purchases exist only while the instance runs (a baseline without "
      "it has no such demand), so a policy-minus-baseline difference counts them as an effect: measure "
      "additionality with the trial, winners against losers, as the Dutch evaluation did.",
      "The Dutch innovation voucher (innovatievoucher) of 2004: vouchers of 7 500 euro for SMEs to commission "
      "research from public knowledge institutes, oversubscribed and allotted by lottery. Cornet, Vroomen and "
      "van der Steeg (2006, \"Do innovation vouchers help SMEs to cross the bridge towards science?\", CPB "
      "Discussion Paper 58) find that of 10 vouchers about 8 paid for a project that would not have happened "
      "without it, 1 for a project that would have happened anyway, and 1 was not used, a one-off effect. "
      "Chinese provinces and cities run 科技创新券 schemes on the same principle, without a lottery evaluation. "
      "`redemption_rate` and `baseline_purchase_rate` default to the Dutch shares; voucher and project values, "
      "the application rate and the number of vouchers are priors.",
      {Lever::voucher_contract_research},
      {"sme"},
      {
          {"vouchers", "vouchers", 1.0, 1e7, 2000.0,
           "Vouchers on offer, province-wide (multiplied by world.scale, at least one) (prior)."},
          {"value_yuan", "yuan", 0.0, 1e9, 5.0e4,
           "Most one voucher pays toward a project (Dutch 2004: 7 500 euro; here a prior)."},
          {"project_value_yuan", "yuan", 0.0, 1e10, 5.0e4,
           "Contract value of a purchased project at quality 1 (value = this x quality) (prior)."},
          {"application_rate", "share", 0.0, 1.0, 0.1, "Share of eligible SMEs that apply (prior)."},
          {"redemption_rate", "share", 0.0, 1.0, 0.9,
           "Chance that a winner uses its voucher (Dutch 2004: about 9 in 10 were used)."},
          {"baseline_purchase_rate", "share", 0.0, 1.0, 0.1,
           "Chance that an applicant buys such a project within `redemption_months` without a voucher (Dutch "
           "2004: about 1 in 10 losers did)."},
          {"redemption_months", "months", 1.0, 120.0, 6.0,
           "Months after the lottery within which purchases fall due (each drawn uniformly among them)."},
      },
      {},
      [](const PolicyConfig& p, const Scenario&) { return std::make_unique<InnovationVoucher>(p); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

double VoucherTrial::winners_project_share() const {
  return share(voucher_projects + winners_own_projects, winners.size());
}
double VoucherTrial::losers_project_share() const { return share(losers_own_projects, losers.size()); }
double VoucherTrial::additionality() const { return winners_project_share() - losers_project_share(); }
double VoucherTrial::non_use() const { return share(unused_vouchers, winners.size()); }
double VoucherTrial::deadweight() const { return share(voucher_projects, winners.size()) - additionality(); }
double VoucherTrial::deadweight_true() const { return share(deadweight_projects, winners.size()); }

VoucherTrial trial_outcome(const State& s, int index) {
  const auto* v = index >= 0 && static_cast<std::size_t>(index) < s.instruments.size()
                      ? dynamic_cast<const InnovationVoucher*>(s.instruments[static_cast<std::size_t>(index)].get())
                      : nullptr;
  if (v == nullptr)
    throw std::invalid_argument("policy instance " + std::to_string(index) + " is not an innovation_voucher");
  return v->trial();
}

}  // namespace innochain
