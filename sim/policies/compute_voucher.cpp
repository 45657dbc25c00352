// compute_voucher (算力券 / 训力券): pays a share of admitted firms' compute bills as the bills
// arrive, up to a per-firm cap over the programme, from a finite budget. Applications stay
// open while the programme runs and has money: every month the eligible firms that have not
// applied yet (those alive when it opens, then firms founded or aged into eligibility since)
// apply once, and are admitted first come (every applicant), by lottery, or by a score of need
// and project quality. Each month an admitted firm may draw min(rate x its compute bill, its
// cap left); all firms together at most the budget left, pro rata when their bills exceed it
// (no firm reserves its cap). The voucher lowers the compute price the firm plans with, so it
// buys more compute (progress, compute market), and start-ups that can expect one are founded
// more often (entry).
#include "policies/allowance.hpp"
#include "policies/eligible.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace innochain {

namespace {

class ComputeVoucher final : public Instrument {
 public:
  ComputeVoucher(const PolicyConfig& p, const Scenario& s)
      : Instrument(p), budget_left_(at_world_scale(s, p.value("budget_yuan"))) {}

  void settle(const Context&, State& s, int index) override {
    const EnterpriseLevers& l = s.enterprises.levers;
    allowances_.settle(l.compute_allowance_yuan, l.compute_policy, index,
                       [&](std::int32_t k, std::size_t, double used) {
                         cap_used_[static_cast<std::size_t>(k)] += used;
                         budget_left_ -= used;
                       });
  }

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    // The programme has run out (below one yuan: what rounding leaves of an exhausted budget): no
    // applications, no payments.
    if (!(budget_left_ >= 1.0)) return;
    Enterprises& en = s.enterprises;
    applied_.resize(en.size(), 0);
    admit(c, s, eligible, index);
    const double rate = config().value("subsidy_rate");
    const double cap = config().value("per_firm_cap_yuan");
    s.levers.subsidy_pool_yuan[index] = budget_left_;
    for (std::size_t k = 0; k < holders_.size(); ++k) {
      const std::int32_t e = holders_[k];
      const double left = cap - cap_used_[k];
      if (!en.alive[e] || !(left > 0.0)) continue;
      en.levers.compute_subsidy_rate[e] = rate;
      allowances_.grant(en.levers.compute_allowance_yuan, en.levers.compute_policy, static_cast<std::size_t>(e), left,
                        index, static_cast<std::int32_t>(k));
    }
    // What a start-up founded now in an eligible cell can expect: the rate times its chance of admission.
    if (!eligible.kind_ok("startup")) return;
    const std::string& rule = config().choice("allocation");
    const double chance = rule == "first_come" ? 1.0 : config().value("coverage");
    for (std::size_t f = 0; f < c.fields; ++f)
      for (std::size_t r = 0; r < c.regions; ++r) {
        if (!eligible.place_ok(f, r)) continue;
        double& expected = s.levers.entry_compute_subsidy_rate[f * c.regions + r];
        expected = std::max(expected, rate * chance);
      }
  }

  double budget_left() const override { return budget_left_; }

  void persist(StateIo& io) override {
    io.column("applied", applied_);
    io.column("holders", holders_, ref(Ref::enterprise));
    io.column("cap_used", cap_used_);
    io.expect(cap_used_.size() == holders_.size(), "cap_used must have a value per holder");
    allowances_.persist(io, Ref::enterprise, holders_.size());  // tags: positions in holders
    io.scalar("budget_left", budget_left_);
  }

 private:
  /// This month's applicants: eligible firms no older than max_age_months that have not applied
  /// before. Admitted ones join the holders (in id order within the month).
  void admit(const Context& c, const State& s, const Eligibility& eligible, int index) {
    const Enterprises& en = s.enterprises;
    const double max_age = config().value("max_age_months");
    std::vector<std::int32_t> applicants;
    for (std::size_t e = 0; e < en.size(); ++e) {
      if (applied_[e] || !enterprise_eligible(en, e, eligible) || en.age_months[e] > max_age) continue;
      applied_[e] = 1;
      applicants.push_back(static_cast<std::int32_t>(e));
    }
    if (applicants.empty()) return;
    const std::string& rule = config().choice("allocation");
    const double coverage = config().value("coverage");
    std::vector<std::int32_t> admitted;
    if (rule == "first_come") {
      admitted = applicants;
    } else if (rule == "lottery") {
      for (const std::int32_t e : applicants)
        if (policy_rng(c, index, static_cast<std::uint32_t>(e), s.month).bernoulli(coverage)) admitted.push_back(e);
    } else {  // scoring: need and quality, as percentile ranks among this month's applicants
      const double w = config().value("need_weight");
      const auto need = [&](std::int32_t e) {
        const double bill = en.compute_bill_yuan[e];
        return bill > 0.0 ? bill / (bill + std::max(0.0, en.cash_yuan[e])) : 0.0;
      };
      const std::vector<double> need_rank = percentile_ranks(applicants, need);
      const std::vector<double> quality_rank =
          percentile_ranks(applicants, [&](std::int32_t e) { return en.pipeline_quality[e]; });
      std::vector<std::size_t> order(applicants.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::vector<double> score(applicants.size());
      for (std::size_t k = 0; k < applicants.size(); ++k) score[k] = w * need_rank[k] + (1.0 - w) * quality_rank[k];
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
      const auto n = std::min(
          applicants.size(), static_cast<std::size_t>(std::llround(coverage * static_cast<double>(applicants.size()))));
      for (std::size_t k = 0; k < n; ++k) admitted.push_back(applicants[order[k]]);
      std::sort(admitted.begin(), admitted.end());
    }
    for (const std::int32_t e : admitted) {
      holders_.push_back(e);
      cap_used_.push_back(0.0);
    }
  }

  /// Rank of each applicant's value among all applicants, scaled to [0, 1] (ties share the
  /// lower rank; a single applicant ranks 1).
  template <class Value>
  static std::vector<double> percentile_ranks(const std::vector<std::int32_t>& applicants, Value&& value) {
    const std::size_t n = applicants.size();
    std::vector<double> v(n), rank(n, 1.0);
    for (std::size_t k = 0; k < n; ++k) v[k] = value(applicants[k]);
    if (n < 2) return rank;
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t k = 0; k < n; ++k)
      rank[k] = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), v[k]) - sorted.begin()) /
                static_cast<double>(n - 1);
    return rank;
  }

  std::vector<std::uint8_t> applied_;  ///< per firm id: 1 once it has applied (admitted or not)
  std::vector<std::int32_t> holders_;  ///< admitted firms, in order of admission
  std::vector<double> cap_used_;       ///< per holder, yuan paid so far
  AllowanceBook allowances_;           ///< this month's allowances, tagged by holder
  double budget_left_;
};

InstrumentType describe() {
  return {
      "compute_voucher",
      "Pays `subsidy_rate` of admitted firms' compute bills (GPU-hours bought x the region's price) as they "
      "arrive: each month a firm may draw min(rate x its bill, `per_firm_cap_yuan` less what it has been paid), "
      "and all firms together at most the budget left (`budget_yuan`, never exceeded; when the month's bills "
      "would exceed it every claim is cut in the same proportion). No firm reserves its cap, so a budget smaller "
      "than cap x firms reaches as many firms as their bills allow. Applications stay open while the programme "
      "runs and has money: each month the eligible firms no older than `max_age_months` that have not applied "
      "yet apply once (firms alive at the start, then firms founded during the programme), and are admitted by "
      "`allocation`. The voucher lowers the compute price a holder plans with (so it shifts towards compute, CES) "
      "and relaxes its budget; start-ups founded where the programme is open expect rate x their chance of "
      "admission, which raises the founding rate there (docs/model.md, entry). Units served: firms whose voucher "
      "paid a bill that month. Every payment is a row of /policy_recipients.",
      "Shenzhen's 训力券 (Measures for building an AI pioneer city, Shenzhen MIIT, 18 December 2024): up to 500 "
      "million yuan a year for firms renting intelligent compute to train large models, at most 50 % of the "
      "service contract (60 % for start-ups) and at most 10 million yuan per firm; similar 算力券 in Guangzhou, "
      "Beijing, Shanghai and Chengdu (2023-2025). No causal evaluation: behavioural effects come from the model "
      "and its priors, to be used with a sensitivity sweep.",
      {Lever::compute_subsidy_rate, Lever::compute_allowance, Lever::subsidy_pool, Lever::entry_compute_subsidy_rate},
      {"chain_leader", "sme", "startup"},
      {
          {"coverage", "share", 0.0, 1.0, 0.5,
           "Admission under lottery (each applicant wins with this probability) and scoring (this share of each "
           "month's applicants, best scores first); first_come admits every applicant."},
          {"subsidy_rate", "share", 0.0, 1.0, 0.5, "Share of an admitted firm's compute bill the voucher pays."},
          {"per_firm_cap_yuan", "yuan", 0.0, 1e10, 1.0e7,
           "Most the voucher pays one firm over the programme (Shenzhen: 10 million)."},
          {"budget_yuan", "yuan", 0.0, 1e13, 5.0e8,
           "Programme budget over its window, province-wide (multiplied by world.scale; Shenzhen: up to 500 "
           "million a year)."},
          {"max_age_months", "months", 0.0, 1e4, 1e4,
           "Only firms at most this old may apply (eligibility by age; the default admits every age)."},
          {"need_weight", "share", 0.0, 1.0, 0.5,
           "scoring: weight of need (last month's compute bill relative to bill + cash) against project quality "
           "(best pipeline), each as a percentile rank among the month's applicants."},
      },
      {{"allocation",
        {"first_come", "lottery", "scoring"},
        "first_come",
        "first_come: every applicant, paid as bills arrive until the budget runs out; lottery: each applicant "
        "with probability `coverage`; scoring: the best `coverage` share of each month's applicants by need and "
        "quality (`need_weight`)."}},
      [](const PolicyConfig& p, const Scenario& s) { return std::make_unique<ComputeVoucher>(p, s); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
