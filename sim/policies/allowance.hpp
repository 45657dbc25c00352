// Allowances: money an instance lets agents (or platform cells) draw this month through a
// lever pair — an allowance column that the paying phase draws down, and a payer column
// naming the instance. The instance grants in act(); a month later, in settle(), it learns
// what was used (granted minus what is left) and charges its budget and caps with it.
// Where a later instance granted the same slot in the same month, it replaced this one's
// allowance (the later instance wins a lever): nothing of this grant was used.
#pragma once

#include "core/state_io.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace innochain {

class AllowanceBook {
 public:
  /// Grants `yuan` on slot `slot` of the lever pair for instance `index`; `tag` comes back in
  /// settle (e.g. the instance's own position of the agent). Grants of nothing are not kept.
  void grant(std::span<double> allowance, std::span<std::int32_t> payer, std::size_t slot, double yuan, int index,
             std::int32_t tag = -1) {
    allowance[slot] = yuan;
    if (!payer.empty()) payer[slot] = index;
    if (yuan <= 0.0) return;
    slot_.push_back(static_cast<std::int64_t>(slot));
    tag_.push_back(tag);
    granted_.push_back(yuan);
  }

  /// For each grant of the last act still paid by instance `index`, in grant order, calls
  /// used(tag, slot, yuan used); forgets the grants. `payer` empty: the slots belong to the
  /// instance alone (e.g. one allowance per instance), nothing can replace them.
  template <class Used>
  void settle(std::span<const double> allowance, std::span<const std::int32_t> payer, int index, Used&& used) {
    for (std::size_t k = 0; k < slot_.size(); ++k) {
      const auto slot = static_cast<std::size_t>(slot_[k]);
      if (!payer.empty() && payer[slot] != index) continue;  // replaced by a later instance
      used(tag_[k], slot, granted_[k] - allowance[slot]);
    }
    slot_.clear();
    tag_.clear();
    granted_.clear();
  }

  /// Grants not yet settled.
  std::size_t open() const { return slot_.size(); }

  /// For checkpoints: the grants not yet settled. `slot_ref` says what a slot is (an
  /// enterprise, a cell, a policy instance); `tags` how many tags the owner has (0: none),
  /// so that settle never indexes past either.
  void persist(StateIo& io, Ref slot_ref, std::size_t tags = 0) {
    io.column("allowance_slot", slot_, ref(slot_ref));
    io.column("allowance_tag", tag_);
    io.column("allowance_granted", granted_);
    io.expect(tag_.size() == slot_.size() && granted_.size() == slot_.size(),
              "allowance_slot, allowance_tag and allowance_granted must have one value per grant");
    for (const std::int32_t tag : tag_)
      io.expect(
          tag == -1 || (tag >= 0 && static_cast<std::size_t>(tag) < tags),
          "allowance_tag " + std::to_string(tag) + " is not one of the " + std::to_string(tags) + " rows it refers to");
  }

  /// The largest slot granted, or -1 (an owner with its own per-slot list checks it).
  std::int64_t largest_slot() const { return slot_.empty() ? -1 : *std::max_element(slot_.begin(), slot_.end()); }

 private:
  std::vector<std::int64_t> slot_;
  std::vector<std::int32_t> tag_;
  std::vector<double> granted_;
};

}  // namespace innochain
