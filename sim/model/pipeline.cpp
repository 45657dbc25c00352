// The month, phase by phase: the model's table of contents. Each phase is a function
// over the state tables (docs/model.md describes each; docs/architecture.md the order).
#include "model/pipeline.hpp"

#include "links/basic_research.hpp"
#include "links/breakthrough.hpp"
#include "links/compute_market.hpp"
#include "links/entry.hpp"
#include "links/finance.hpp"
#include "links/market.hpp"
#include "links/progress.hpp"
#include "links/talent_market.hpp"
#include "links/transfer.hpp"
#include "model/stock_metrics.hpp"
#include "policies/policy.hpp"

namespace innochain {

const std::vector<Phase>& pipeline() {
  static const std::vector<Phase> phases = {
      // settle last month's allowances; reset every lever; active instances act on levers
      {"policies", &policies},
      // departures and search; vacancies; matching; arrivals; workforce; wage subsidies
      {"talent_market", &talent_market},
      // budgets grow; knowledge; Poisson discoveries become BASIC projects
      {"basic_research", &basic_research},
      // finished BASIC projects to BREAKTHROUGH (contract research); firms' own projects
      {"breakthrough", &breakthrough},
      // capacity of every region; price from last month's utilisation
      {"compute_market", &compute_market},
      // platforms; holders' demand at their prices; subsidy grants; coverage; the market clears; advance every project;
      // merge and pay
      {"progress", &progress},
      // transfer offices decide: no route / not approved / licence / spin-off
      {"transfer", &transfer},
      // funds raise capital; equity rounds for start-ups; bank credit
      {"finance", &finance},
      // size shocks; products; demand and output; firm accounts; exits; acquisitions and listings; hand-over
      {"market", &market},
      // start-ups founded by talent; new SMEs; the per-field firm index
      {"entry", &entry},
      // stocks read off the tables; the ledger's flows
      {"stock_metrics", &stock_metrics},
  };
  return phases;
}

}  // namespace innochain
