// compute_voucher (算力券): pays a share of eligible firms' compute cost, up to a per-firm
// cap over the programme, from a finite budget. Vouchers are allocated once, when the
// window opens, among the eligible firms then alive: first come (in id order), by
// lottery (each applicant wins with probability `coverage`), or on merit (the best
// project pipelines). Vouchers raise compute coverage in the progress phase.
#include "policies/allowance.hpp"
#include "policies/eligible.hpp"

#include <algorithm>
#include <cmath>

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
                         cap_left_[static_cast<std::size_t>(k)] -= used;
                         budget_left_ -= used;
                       });
  }

  void act(const Context& c, State& s, const Eligibility& eligible, int index) override {
    if (!allocated_) allocate(c, s, eligible, index);
    Enterprises& en = s.enterprises;
    double room = budget_left_;
    const double rate = config().value("subsidy_rate");
    for (std::size_t k = 0; k < winners_.size(); ++k) {
      const std::int32_t e = winners_[k];
      const double grant = std::min(cap_left_[k], room);
      if (!en.alive[e] || grant <= 0.0) continue;
      en.levers.compute_subsidy_rate[e] = rate;
      allowances_.grant(en.levers.compute_allowance_yuan, en.levers.compute_policy, static_cast<std::size_t>(e), grant,
                        index, static_cast<std::int32_t>(k));
      room -= grant;
    }
  }

  double budget_left() const override { return budget_left_; }

  void persist(StateIo& io) override {
    io.scalar("allocated", allocated_);
    io.column("winners", winners_, ref(Ref::enterprise));
    io.column("cap_left", cap_left_);
    io.expect(cap_left_.size() == winners_.size(), "cap_left must have a value per winner");
    allowances_.persist(io, Ref::enterprise, winners_.size());  // tags: positions in winners
    io.scalar("budget_left", budget_left_);
  }

 private:
  void allocate(const Context& c, const State& s, const Eligibility& eligible, int index) {
    allocated_ = true;
    const Enterprises& en = s.enterprises;
    std::vector<std::int32_t> applicants;
    for (std::size_t e = 0; e < en.size(); ++e)
      if (enterprise_eligible(en, e, eligible)) applicants.push_back(static_cast<std::int32_t>(e));
    const double coverage = config().value("coverage");
    const std::string& rule = config().choice("allocation");
    if (rule == "lottery") {
      for (const std::int32_t e : applicants)
        if (policy_rng(c, index, static_cast<std::uint32_t>(e), s.month).bernoulli(coverage)) winners_.push_back(e);
    } else {
      const auto n = static_cast<std::size_t>(std::llround(coverage * static_cast<double>(applicants.size())));
      if (rule == "merit")  // the strongest project pipelines first; ties by id
        std::stable_sort(applicants.begin(), applicants.end(), [&](std::int32_t a, std::int32_t b) {
          return en.pipeline_quality[a] > en.pipeline_quality[b];
        });
      applicants.resize(std::min(n, applicants.size()));
      winners_ = applicants;
      std::sort(winners_.begin(), winners_.end());
    }
    cap_left_.assign(winners_.size(), config().value("per_firm_cap_yuan"));
  }

  bool allocated_ = false;
  std::vector<std::int32_t> winners_;  ///< ascending ids
  std::vector<double> cap_left_;       ///< per winner, yuan
  AllowanceBook allowances_;           ///< this month's allowances, tagged by winner
  double budget_left_;
};

InstrumentType describe() {
  return {
      "compute_voucher",
      "Pays `subsidy_rate` of the compute cost of eligible firms' projects, up to `per_firm_cap_yuan` per firm "
      "over the programme, from a finite `budget_yuan` that is never exceeded. Vouchers go to a `coverage` share "
      "of the eligible firms alive when the window opens, by `allocation`. Raises compute coverage h(chi) in the "
      "progress phase. Units served: firms whose voucher paid a bill that month.",
      "算力券 programmes of Shenzhen, Guangzhou and other cities (2023-2025): per-firm caps of up to 10 million "
      "yuan, city budgets of 50 million to 500 million yuan. No causal evaluation: behavioural effects come from "
      "the model; parameters are priors, to be used with a sensitivity sweep.",
      {Lever::compute_subsidy_rate, Lever::compute_allowance},
      {"chain_leader", "sme", "startup"},
      {
          {"coverage", "share", 0.0, 1.0, 0.5,
           "Share of eligible firms that receive a voucher (lottery: each wins with this probability)."},
          {"subsidy_rate", "share", 0.0, 1.0, 0.5, "Share of a voucher holder's compute bill the voucher pays."},
          {"per_firm_cap_yuan", "yuan", 0.0, 1e10, 5.0e6,
           "Most a voucher pays one firm over the programme (real programmes: up to 10 million)."},
          {"budget_yuan", "yuan", 0.0, 1e12, 2.0e8,
           "Programme budget, province-wide (multiplied by world.scale; real city programmes: 50 million to 500 "
           "million)."},
      },
      {{"allocation",
        {"first_come", "lottery", "merit"},
        "first_come",
        "first_come: in order of application (firm id); lottery: random; merit: best project pipeline first."}},
      [](const PolicyConfig& p, const Scenario& s) { return std::make_unique<ComputeVoucher>(p, s); },
  };
}

}  // namespace

INNOCHAIN_REGISTER_INSTRUMENT(describe);

}  // namespace innochain
