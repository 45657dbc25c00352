#include "compare/outcomes.hpp"

#include <algorithm>
#include <set>

namespace innochain {

const std::vector<OutcomeDef>& derived_outcomes() {
  static const std::vector<OutcomeDef> d = {
      {"transfers", {"transfers_licence", "transfers_spinoff"}, "Technology transfers: licences plus spin-offs"},
      {"startups", {"startups_founded", "spinoffs_founded"}, "Start-ups founded: by talent plus spin-offs"},
  };
  return d;
}

const std::vector<std::string>* derived_parts(const std::string& name) {
  for (const auto& d : derived_outcomes())
    if (d.name == name) return &d.parts;
  return nullptr;
}

const std::vector<std::string>& default_compare_metrics() {
  static const std::vector<std::string> m = {"discoveries",
                                             "breakthroughs",
                                             "contract_research_deals",
                                             "transfers",
                                             "transfers_licence",
                                             "transfers_spinoff",
                                             "bad_transfers",
                                             "startups",
                                             "products_launched",
                                             "compute_spending",
                                             "rd_spending_enterprises",
                                             "revenue",
                                             "output",
                                             "enterprises_alive",
                                             "enterprise_rd_staff",
                                             "policy_spending"};
  return m;
}

bool is_cost_outcome(const std::string& metric) {
  static const std::set<std::string> m = {"transfers",        "transfers_licence", "transfers_spinoff", "startups",
                                          "startups_founded", "spinoffs_founded",  "products_launched"};
  return m.count(metric) > 0;
}

Accumulation outcome_accumulation(const std::string& metric) {
  const auto it = std::find_if(kMetrics.begin(), kMetrics.end(), [&](const MetricDef& d) { return metric == d.name; });
  return it != kMetrics.end() ? it->accumulation : Accumulation::flow;
}

bool scales_with_world(const std::string& metric) { return outcome_accumulation(metric) != Accumulation::mean; }

}  // namespace innochain
