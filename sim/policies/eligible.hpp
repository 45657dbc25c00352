// Helpers instruments use to find their eligible agents.
#pragma once

#include "policies/policy.hpp"

namespace innochain {

const char* kind_name(InstituteKind k);
const char* kind_name(EnterpriseKind k);

/// An institute is eligible if its kind and region are, and its main field (largest weight) is.
bool institute_eligible(const Context& c, const Institutes& in, std::size_t i, const Eligibility& e);
/// An enterprise is eligible if it is alive and its kind, field and region are.
bool enterprise_eligible(const Enterprises& en, std::size_t e, const Eligibility& el);

}  // namespace innochain
