// The outcome of an innovation_voucher instance's lottery: an in-silico randomized
// trial in the manner of the Dutch innovation-voucher lottery of 2004 (Cornet, Vroomen
// and van der Steeg 2006). Tests and validation batteries read it with trial_outcome.
#pragma once

#include "model/state.hpp"

#include <cstdint>
#include <vector>

namespace innochain {

/// What one innovation_voucher instance did. Counts are firms: each applicant buys at
/// most one project from the instance, so firms and projects coincide. Applicants chose to
/// apply; winners chose to redeem; every applicant's purchase without a voucher follows from
/// the same decision rule (docs/model.md 3.3.0).
struct VoucherTrial {
  std::int32_t allocation_month = -1;     ///< month the lottery was drawn; -1: not yet
  std::int32_t vouchers = 0;              ///< vouchers on offer, after world.scale
  std::int32_t eligible = 0;              ///< eligible firms alive at allocation
  std::vector<std::int32_t> winners;      ///< firm ids, ascending
  std::vector<std::int32_t> losers;       ///< applicants without a voucher (the control group), ascending
  std::vector<double> winners_revenue;    ///< revenue at allocation, yuan/month, per winner
  std::vector<double> losers_revenue;     ///< per loser
  std::int32_t voucher_projects = 0;      ///< winners' projects paid with the voucher
  std::int32_t deadweight_projects = 0;   ///< of which the winner would have bought anyway (in-silico truth)
  std::int32_t winners_own_projects = 0;  ///< winners who did not redeem and bought on their own
  std::int32_t losers_own_projects = 0;   ///< losers who bought on their own
  std::int32_t unused_vouchers = 0;  ///< winners who did not redeem (the service was not worth its net price, the firm
                                     ///< lacked the cash for its share, or it exited)
  std::int32_t pending = 0;          ///< purchases not yet due (all resolved `redemption_months` after allocation)
  std::vector<std::int32_t> projects;  ///< ids of every project the instance created
  double spending_yuan = 0.0;          ///< voucher money paid to institutes
  /// Per winner (in `winners` order) and per loser: free cash at the lottery (cash less the
  /// reserve the firm keeps, yuan), and what happened at its purchase decision: 1 if it bought a
  /// project (with the voucher or on its own), and whether it would have bought without a
  /// voucher (the counterfactual the model knows).
  std::vector<double> winners_free_cash, losers_free_cash;
  std::vector<std::uint8_t> winners_bought, losers_bought, winners_would_buy;

  std::int32_t applicants() const { return static_cast<std::int32_t>(winners.size() + losers.size()); }
  /// Share of winners with a contract-research project (with the voucher or on their own).
  double winners_project_share() const;
  /// Share of losers with one.
  double losers_project_share() const;
  /// Additional projects per voucher: winners' share minus losers' share (the trial's estimate).
  double additionality() const;
  /// Vouchers not used, per voucher.
  double non_use() const;
  /// Deadweight per voucher as the trial estimates it: vouchers used minus additional projects.
  double deadweight() const;
  /// Deadweight per voucher as the model knows it: used on a project the winner would have bought anyway.
  double deadweight_true() const;
};

/// The trial of policy instance `index`, which must be an innovation_voucher
/// (std::invalid_argument otherwise).
VoucherTrial trial_outcome(const State& s, int index);

/// The trial of an innovation_voucher instance (std::invalid_argument for another type).
VoucherTrial trial_outcome(const Instrument& instance);

}  // namespace innochain
