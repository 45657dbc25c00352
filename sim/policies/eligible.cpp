#include "policies/eligible.hpp"

#include <algorithm>

namespace innochain {

const char* kind_name(InstituteKind k) {
  switch (k) {
    case InstituteKind::university:
      return "university";
    case InstituteKind::national_lab:
      return "national_lab";
    case InstituteKind::new_rd_institute:
      return "new_rd_institute";
  }
  return "?";
}

const char* kind_name(EnterpriseKind k) {
  switch (k) {
    case EnterpriseKind::chain_leader:
      return "chain_leader";
    case EnterpriseKind::sme:
      return "sme";
    case EnterpriseKind::startup:
      return "startup";
  }
  return "?";
}

bool institute_eligible(const Context& c, const Institutes& in, std::size_t i, const Eligibility& e) {
  const auto* w = in.field_weight.data() + i * c.fields;
  const auto main_field = static_cast<std::size_t>(std::max_element(w, w + c.fields) - w);
  return e.kind_ok(kind_name(in.kind[i])) && e.place_ok(main_field, in.region[i]);
}

bool enterprise_eligible(const Enterprises& en, std::size_t e, const Eligibility& el) {
  return en.alive[e] && el.kind_ok(kind_name(en.kind[e])) && el.place_ok(en.field[e], en.region[e]);
}

}  // namespace innochain
