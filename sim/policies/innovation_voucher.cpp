// innovation_voucher (创新券; the Dutch innovatievoucher): small vouchers for SMEs to buy
// research from institutes, allotted by lottery among the applicants, which makes every
// instance an in-silico randomized trial (Cornet, Vroomen and van der Steeg 2006).
//
// Firms choose (docs/model.md 3.3.0). Once, on the instance's first active month, each
// eligible SME then alive hears of the programme with probability `awareness_rate`. It
// values a contract-research project from a provider in its field (an institute drawn by its
// weight in the field x the region friction lever) at b = `service_value_yuan` x a_e x m_e x
// q_i: its absorptive capacity a_e, a firm-specific match value m_e (log-normal, mean one,
// log sd `value_dispersion`) and the provider's expected quality q_i = (1 + K_if)^gamma; the
// price is p = `project_value_yuan` x q_i and the voucher pays v = min(`value_yuan`, p). A firm
// that heard applies if b >= p - v and its free cash (cash less `cash_reserve_months` of its
// outgoings) covers p - v. `vouchers` x world.scale vouchers (at least one) go to applicants
// in a random order; the others are the control group. Each applicant decides in a month
// drawn among the `redemption_months` from the lottery (the window's last month at the
// latest), when scoping the project with the provider reveals the match (b is multiplied by
// a mean-one log-normal shock, log sd `scoping_noise`) and with its cash of that month: a
// winner redeems if b >= p - v and its free cash covers p - v (the programme's list makes a
// provider known); any applicant buys without a voucher if it knows a provider of its own
// (with probability a_e, drawn once), b >= p and its free cash covers p. A winner who would
// have bought anyway uses the voucher for that project (deadweight). The firm pays its share,
// the voucher the rest (public money); the project is a BREAKTHROUGH project of quality q_i x
// a quality shock. Nothing happens after the purchases: the effect is one-off. The deals count
// as contract research in the month's metrics (record()).
//
// trial_outcome() reports the arms and outcomes. As in the Dutch evaluation, additionality
// per voucher is winners' share with a project minus losers' share, non-use the share of
// winners who did not redeem, and deadweight the vouchers used minus the additional
// projects; the model also knows the true deadweight (vouchers used on a project the
// winner would have bought anyway). No parameter is a share of the trial's outcomes. The
// applicants' own purchases exist only while an instance runs, so a policy-minus-baseline
// difference counts them as an effect: additionality is measured by the trial, winners
// against losers.
#include "policies/innovation_voucher.hpp"

#include "policies/eligible.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace innochain {

namespace {

/// One applicant's draws and standing, fixed at the lottery.
struct Applicant {
  std::int32_t firm;
  std::int32_t month;  ///< month it decides
  bool winner;
  std::int32_t arm_index;  ///< its position among the winners or the losers
  double knows;            ///< uniform draw: it knows a provider of its own if below its absorptive capacity
  double pick;             ///< uniform draw that picks the provider
  double shock;            ///< mean-one log-normal quality shock of the project
  double match;            ///< mean-one log-normal match value of the service to the firm
  double scoping;          ///< mean-one log-normal shock to the match, revealed when it scopes the project
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
    io.column("winners_free_cash", t.winners_free_cash);
    io.column("losers_free_cash", t.losers_free_cash);
    io.column("winners_bought", t.winners_bought);
    io.column("losers_bought", t.losers_bought);
    io.column("winners_would_buy", t.winners_would_buy);
    io.expect(t.winners_free_cash.size() == t.winners.size() && t.winners_bought.size() == t.winners.size() &&
                  t.winners_would_buy.size() == t.winners.size() && t.losers_free_cash.size() == t.losers.size() &&
                  t.losers_bought.size() == t.losers.size(),
              "the arms' per-firm columns must have a value per winner and loser");
    // The applicants' draws, one column per member.
    std::vector<std::int32_t> firm, month, arm_index;
    std::vector<std::uint8_t> winner;
    std::vector<double> knows, pick, shock, match, scoping;
    for (const Applicant& a : pending_) {
      firm.push_back(a.firm);
      month.push_back(a.month);
      winner.push_back(a.winner);
      arm_index.push_back(a.arm_index);
      knows.push_back(a.knows);
      pick.push_back(a.pick);
      shock.push_back(a.shock);
      match.push_back(a.match);
      scoping.push_back(a.scoping);
    }
    io.push("applicants");
    io.column("firm", firm, ref(Ref::enterprise));
    io.column("month", month);
    io.column("winner", winner);
    io.column("arm_index", arm_index);
    io.column("knows", knows);
    io.column("pick", pick);
    io.column("shock", shock);
    io.column("match", match);
    io.column("scoping", scoping);
    io.pop();
    if (io.loading()) {
      const std::size_t n = firm.size();
      io.expect(month.size() == n && winner.size() == n && arm_index.size() == n && knows.size() == n &&
                    pick.size() == n && shock.size() == n && match.size() == n && scoping.size() == n,
                "the applicants' columns must have one value per applicant");
      for (std::size_t k = 0; k < n; ++k)
        io.expect(arm_index[k] >= 0 &&
                      static_cast<std::size_t>(arm_index[k]) < (winner[k] != 0 ? t.winners.size() : t.losers.size()),
                  "an applicant's arm_index must point into its arm");
      pending_.clear();
      for (std::size_t k = 0; k < n; ++k)
        pending_.push_back(
            {firm[k], month[k], winner[k] != 0, arm_index[k], knows[k], pick[k], shock[k], match[k], scoping[k]});
    }
    io.scalar("next", next_);
    io.expect(next_ <= pending_.size(), "next must be at most the number of applicants");
  }

 private:
  struct Deal {
    std::size_t field, region;
    double value;
  };

  /// The firm's free cash: cash less the reserve it keeps, `cash_reserve_months` of its monthly
  /// outgoings (operating costs, overhead and R&D spending).
  double free_cash(const Context& c, const State& s, std::size_t e) const {
    const Enterprises& en = s.enterprises;
    const auto& ep = c.scenario.agents.enterprises;
    const double outgoings = (1.0 - ep.operating_margin) * en.revenue_yuan_per_month[e] +
                             ep.overhead_yuan_per_staff_month * en.rd_staff[e] + en.rd_spent_yuan[e] -
                             en.rd_subsidised_yuan[e];
    return en.cash_yuan[e] - config().value("cash_reserve_months") * outgoings;
  }

  /// What the service is worth to the firm and what it costs, with a provider of expected quality q_i.
  struct Offer {
    double quality = 0.0, price = 0.0, voucher = 0.0, value = 0.0;
  };
  Offer offer(const Context& c, const State& s, std::size_t e, std::int32_t inst, double match) const {
    Offer o;
    const double elasticity = c.scenario.chain.basic_research.knowledge_quality_elasticity;
    o.quality = std::pow(
        1.0 + s.institutes.knowledge[static_cast<std::size_t>(inst) * c.fields + s.enterprises.field[e]], elasticity);
    o.price = config().value("project_value_yuan") * o.quality;
    o.voucher = std::min(config().value("value_yuan"), o.price);
    o.value = config().value("service_value_yuan") * s.enterprises.absorptive_capacity[e] * match * o.quality;
    return o;
  }

  void allocate(const Context& c, const State& s, const Eligibility& eligible, int index) {
    trial_.allocation_month = s.month;
    const Enterprises& en = s.enterprises;
    const double aware = config().value("awareness_rate");
    const auto months = static_cast<std::uint32_t>(std::llround(config().value("redemption_months")));
    const double sigma = c.scenario.chain.basic_research.quality_log_sd;
    const double dispersion = config().value("value_dispersion"), scoping = config().value("scoping_noise");
    std::vector<Applicant> applicants;
    std::vector<double> keys, cash;
    for (std::size_t e = 0; e < en.size(); ++e) {
      if (en.kind[e] != EnterpriseKind::sme || !enterprise_eligible(en, e, eligible)) continue;
      ++trial_.eligible;
      // Every draw is made for every eligible firm, in a fixed order, so that one
      // parameter's value does not shift the others' draws.
      Rng rng = policy_rng(c, index, static_cast<std::uint32_t>(e), s.month);
      const bool heard = rng.bernoulli(aware);
      const double key = rng.uniform();
      Applicant a{static_cast<std::int32_t>(e), 0, false, -1, 0.0, 0.0, 0.0, 0.0, 0.0};
      a.knows = rng.uniform();
      a.month = s.month + static_cast<std::int32_t>(rng.below(months));
      a.pick = rng.uniform();
      a.shock = rng.lognormal(-0.5 * sigma * sigma, sigma);
      a.match = rng.lognormal(-0.5 * dispersion * dispersion, dispersion);
      a.scoping = rng.lognormal(-0.5 * scoping * scoping, scoping);
      if (!heard) continue;
      // It applies if it expects to use the voucher: the service is worth its net price and it
      // has the free cash for its share.
      const std::int32_t inst = pick_institute(c, s, e, a.pick);
      if (inst < 0) continue;
      const Offer o = offer(c, s, e, inst, a.match);
      const double free = free_cash(c, s, e);
      if (o.value < o.price - o.voucher || free < o.price - o.voucher) continue;
      applicants.push_back(a);
      keys.push_back(key);
      cash.push_back(free);
    }
    // The lottery: applicants in the order of their keys (ties by id); the first win.
    trial_.vouchers = static_cast<std::int32_t>(
        std::max<long long>(1, std::llround(at_world_scale(c.scenario, config().value("vouchers")))));
    std::vector<std::size_t> order(applicants.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    const std::size_t won = std::min(order.size(), static_cast<std::size_t>(trial_.vouchers));
    for (std::size_t k = 0; k < won; ++k) applicants[order[k]].winner = true;
    for (std::size_t k = 0; k < applicants.size(); ++k) {
      Applicant& a = applicants[k];
      const double revenue = en.revenue_yuan_per_month[static_cast<std::size_t>(a.firm)];
      if (a.winner) {
        a.arm_index = static_cast<std::int32_t>(trial_.winners.size());
        trial_.winners.push_back(a.firm);
        trial_.winners_revenue.push_back(revenue);
        trial_.winners_free_cash.push_back(cash[k]);
        trial_.winners_bought.push_back(0);
        trial_.winners_would_buy.push_back(0);
      } else {
        a.arm_index = static_cast<std::int32_t>(trial_.losers.size());
        trial_.losers.push_back(a.firm);
        trial_.losers_revenue.push_back(revenue);
        trial_.losers_free_cash.push_back(cash[k]);
        trial_.losers_bought.push_back(0);
      }
      pending_.push_back(a);
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
    const std::int32_t inst = en.alive[e] ? pick_institute(c, s, e, a.pick) : -1;
    bool redeems = false, would_buy = false;
    Offer o;
    if (inst >= 0) {
      o = offer(c, s, e, inst, a.match * a.scoping);  // scoping the project reveals the match
      const double free = free_cash(c, s, e);
      redeems = a.winner && o.value >= o.price - o.voucher && free >= o.price - o.voucher;
      would_buy = a.knows < en.absorptive_capacity[e] && o.value >= o.price && free >= o.price;
    }
    if (a.winner) trial_.winners_would_buy[static_cast<std::size_t>(a.arm_index)] = would_buy ? 1 : 0;
    const bool bought = redeems || would_buy;
    if (bought) {
      const auto i = static_cast<std::size_t>(inst);
      const double voucher = redeems ? o.voucher : 0.0;
      const std::size_t f = en.field[e];
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
      pr.quality[id] = o.quality * a.shock;
      pr.months_in_stage[id] = 0;
      pr.created_month[id] = s.month;
      pr.active.push_back(static_cast<std::int32_t>(id));
      trial_.projects.push_back(static_cast<std::int32_t>(id));
      // The firm pays its share, the voucher the rest (public money); the institute gets both.
      en.cash_yuan[e] -= o.price - voucher;
      in.cash_yuan[i] += o.price;
      deals_.push_back({f, in.region[i], o.price});
      (a.winner ? trial_.winners_bought : trial_.losers_bought)[static_cast<std::size_t>(a.arm_index)] = 1;
      if (redeems) {
        ++trial_.voucher_projects;
        if (would_buy) ++trial_.deadweight_projects;
        s.ledger.month[lf_policy_spending] += voucher;
        s.policy_spending[index] += voucher;
        s.policy_units[index] += 1.0;
        trial_.spending_yuan += voucher;
      } else {
        ++(a.winner ? trial_.winners_own_projects : trial_.losers_own_projects);
      }
    }
    if (a.winner && !redeems) ++trial_.unused_vouchers;
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
      "Small vouchers for SMEs to buy research from institutes, allotted by lottery among the firms that choose to "
      "apply: an in-silico randomized trial. Once, on the first month of the window, each eligible SME then alive "
      "hears of the programme with probability `awareness_rate`. A firm values a contract-research project from a "
      "provider in its field (an institute drawn by field weight x region friction) at `service_value_yuan` x its "
      "absorptive capacity x a firm-specific match value (log-normal, mean one, log sd `value_dispersion`) x the "
      "provider's expected quality (1 + knowledge)^gamma; the price is `project_value_yuan` x that quality and the "
      "voucher pays up to `value_yuan` of it. A firm that heard applies if the service is worth its price net of "
      "the voucher and its free cash (cash less `cash_reserve_months` of its outgoings) covers its share. "
      "`vouchers` x `world.scale` vouchers (at least one) go to applicants in a random order; the others are the "
      "control group. Each applicant decides in a month drawn among the `redemption_months` from the lottery (the "
      "window's last month at the latest), when scoping the project reveals the match (a mean-one log-normal "
      "shock, log sd `scoping_noise`) and with that month's cash: a winner redeems if the service is worth its net "
      "price and the firm has the free cash for its share (the programme's list makes a provider known); any "
      "applicant buys without a voucher if it knows a provider of its own (with probability equal to its "
      "absorptive capacity), the service is worth its full price and it has the free cash for it. A winner that "
      "would have bought anyway uses the voucher (deadweight). The project is a BREAKTHROUGH project of the "
      "provider's quality x a shock; the voucher's part of the price is public money paid to the institute. The "
      "deals count as contract research (deals, value, and the institutes' transfer income). The effect is "
      "one-off: nothing happens after the purchases. Units served: vouchers redeemed that month. The trial's arms "
      "and outcomes (additionality = winners' minus losers' share with a project, deadweight = vouchers used minus "
      "additional projects, non-use) are read with `trial_outcome` (sim/policies/innovation_voucher.hpp); "
      "docs/validation.md compares them with the Dutch lottery. No parameter is a share of the outcome: "
      "redemption, deadweight and non-use follow from the firms' choices. Caveat: the applicants' own purchases "
      "exist only while the instance runs (a baseline without it has no such demand), so a policy-minus-baseline "
      "difference counts them as an effect: measure additionality with the trial, winners against losers, as the "
      "Dutch evaluation did.",
      "The Dutch innovation voucher (innovatievoucher) of 2004: vouchers of 7 500 euro for SMEs to commission "
      "research from public knowledge institutes, oversubscribed and allotted by lottery. Cornet, Vroomen and "
      "van der Steeg (2006, \"Do innovation vouchers help SMEs to cross the bridge towards science?\", CPB "
      "Discussion Paper 58) find that of 10 vouchers about 8 paid for a project that would not have happened "
      "without it, 1 for a project that would have happened anyway, and 1 was not used, a one-off effect. "
      "Chinese provinces and cities run 科技创新券 schemes on the same principle, without a lottery evaluation. "
      "Every parameter is a prior.",
      {Lever::voucher_contract_research},
      {"sme"},
      {
          {"vouchers", "vouchers", 1.0, 1e7, 2000.0,
           "Vouchers on offer, province-wide (multiplied by world.scale, at least one) (prior)."},
          {"value_yuan", "yuan", 0.0, 1e9, 5.0e4,
           "Most one voucher pays toward a project (Dutch 2004: 7 500 euro; here a prior)."},
          {"project_value_yuan", "yuan", 0.0, 1e10, 5.0e4,
           "Price of a contract-research project from a provider of expected quality 1 (price = this x quality) "
           "(prior)."},
          {"service_value_yuan", "yuan", 0.0, 1e10, 1.0e5,
           "What such a project is worth to a firm of absorptive capacity 1 and a median match (value = this x "
           "absorptive capacity x match x quality) (prior: a firm of average absorptive capacity, 0.5, values it at "
           "its price)."},
          {"value_dispersion", "log points", 0.0, 5.0, 1.0,
           "Log standard deviation of the firm-specific match value (prior: returns to R&D projects are very "
           "dispersed)."},
          {"scoping_noise", "log points", 0.0, 5.0, 0.5,
           "Log standard deviation of what scoping the project with the provider reveals about the match (prior)."},
          {"cash_reserve_months", "months", 0.0, 120.0, 3.0,
           "Months of outgoings a firm keeps in reserve: it spends only cash above them (prior: the three months of "
           "burn below which the market phase counts a firm as losing)."},
          {"awareness_rate", "share", 0.0, 1.0, 0.1, "Share of eligible SMEs that hear of the programme (prior)."},
          {"redemption_months", "months", 1.0, 120.0, 6.0,
           "Months after the lottery within which applicants decide (each in a month drawn uniformly among them)."},
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

VoucherTrial trial_outcome(const Instrument& instance) {
  const auto* v = dynamic_cast<const InnovationVoucher*>(&instance);
  if (v == nullptr) throw std::invalid_argument("the instance is not an innovation_voucher");
  return v->trial();
}

}  // namespace innochain
