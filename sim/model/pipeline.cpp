// The month, phase by phase: the model's table of contents. Each phase is a function
// over the state tables (docs/model.md describes each; docs/architecture.md the order).
#include "model/pipeline.hpp"

#include "links/basic_research.hpp"
#include "links/breakthrough.hpp"
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
      {"policies", &policies},
      {"talent_market", &talent_market},
      {"basic_research", &basic_research},
      {"breakthrough", &breakthrough},
      {"progress", &progress},
      {"transfer", &transfer},
      {"finance", &finance},
      {"market", &market},
      {"entry", &entry},
      {"stock_metrics", &stock_metrics},
  };
  return phases;
}

}  // namespace innochain
