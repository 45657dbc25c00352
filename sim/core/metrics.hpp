// Metric definitions: the one list of what a run reports. Each metric is a
// month series in /series (scalar, by field or by region) and yields one
// /summary value: the run total for flows, the final value for stocks.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace innochain {

enum class Dim : unsigned char { none, field, region };
enum class Accumulation : unsigned char { flow, stock };

struct MetricDef {
  const char* name;
  const char* units;
  const char* long_name;
  const char* link;  ///< "basic_research", "breakthrough", "progress", "transfer", ...
  Dim dim;
  Accumulation accumulation;
};

enum Metric : int {
  m_discoveries,
  m_basic_research_spending,
  m_knowledge_stock,
  m_basic_completed,
  m_contract_research_deals,
  m_contract_research_value,
  m_enterprise_projects_started,
  m_breakthroughs,
  m_awaiting_transfer,
  m_projects_basic,
  m_projects_breakthrough,
  m_projects_proof_of_concept,
  m_projects_pilot,
  m_failures_basic,
  m_failures_breakthrough,
  m_failures_proof_of_concept,
  m_failures_pilot,
  m_products_launched,
  m_rd_spending_institutes,
  m_rd_spending_enterprises,
  m_compute_spending,
  m_funding_coverage,
  m_researchers,
  m_enterprise_rd_staff,
  kMetricCount
};

// clang-format off
inline constexpr std::array<MetricDef, kMetricCount> kMetrics = {{
  {"discoveries", "projects/month", "New basic-research projects (discoveries) at institutes", "basic_research", Dim::field, Accumulation::flow},
  {"basic_research_spending", "yuan/month", "Institutes' spending on basic research (the part of budgets not funding projects)", "basic_research", Dim::none, Accumulation::flow},
  {"knowledge_stock", "knowledge units", "Institutes' knowledge stock, summed over institutes", "basic_research", Dim::field, Accumulation::stock},
  {"basic_completed", "projects/month", "Basic projects that finished their stage", "basic_research", Dim::field, Accumulation::flow},
  {"contract_research_deals", "deals/month", "Finished basic projects taken on jointly with an enterprise through the contract-research market", "breakthrough", Dim::field, Accumulation::flow},
  {"contract_research_value", "yuan/month", "Value of contract-research agreements signed", "breakthrough", Dim::field, Accumulation::flow},
  {"enterprise_projects_started", "projects/month", "Breakthrough projects started by enterprises from their own R&D", "breakthrough", Dim::field, Accumulation::flow},
  {"breakthroughs", "projects/month", "Projects that completed the BREAKTHROUGH stage", "breakthrough", Dim::field, Accumulation::flow},
  {"awaiting_transfer", "projects", "Institutes' completed breakthroughs queued for a transfer decision", "transfer", Dim::none, Accumulation::stock},
  {"projects_basic", "projects", "Active projects in stage BASIC", "progress", Dim::field, Accumulation::stock},
  {"projects_breakthrough", "projects", "Active projects in stage BREAKTHROUGH", "progress", Dim::field, Accumulation::stock},
  {"projects_proof_of_concept", "projects", "Active projects in stage PROOF_OF_CONCEPT", "progress", Dim::field, Accumulation::stock},
  {"projects_pilot", "projects", "Active projects in stage PILOT", "progress", Dim::field, Accumulation::stock},
  {"failures_basic", "projects/month", "Projects that failed in stage BASIC", "progress", Dim::field, Accumulation::flow},
  {"failures_breakthrough", "projects/month", "Projects that failed in stage BREAKTHROUGH", "progress", Dim::field, Accumulation::flow},
  {"failures_proof_of_concept", "projects/month", "Projects that failed in stage PROOF_OF_CONCEPT", "progress", Dim::field, Accumulation::flow},
  {"failures_pilot", "projects/month", "Projects that failed in stage PILOT", "progress", Dim::field, Accumulation::flow},
  {"products_launched", "products/month", "Projects that completed PILOT and launched a product (stage MARKET)", "progress", Dim::field, Accumulation::flow},
  {"rd_spending_institutes", "yuan/month", "Institutes' spending on projects (funded share of stage costs)", "progress", Dim::region, Accumulation::flow},
  {"rd_spending_enterprises", "yuan/month", "Enterprises' spending on projects (funded share of stage costs)", "progress", Dim::region, Accumulation::flow},
  {"compute_spending", "yuan/month", "Compute paid for by project holders", "progress", Dim::field, Accumulation::flow},
  {"funding_coverage", "ratio", "Mean funding coverage (paid / needed) over active projects", "progress", Dim::none, Accumulation::stock},
  {"researchers", "people", "Researchers employed by institutes", "talent", Dim::region, Accumulation::stock},
  {"enterprise_rd_staff", "people", "Engineers and industry scientists employed by enterprises", "talent", Dim::region, Accumulation::stock},
}};
// clang-format on

/// One month's metric values. Series are indexed [metric][k] with k over
/// fields, regions or a single slot.
class MonthMetrics {
 public:
  MonthMetrics(std::size_t fields, std::size_t regions);
  void clear();
  double& at(Metric m, std::size_t k = 0) { return values_[m][k]; }
  double at(Metric m, std::size_t k = 0) const { return values_[m][k]; }
  const std::vector<double>& values(Metric m) const { return values_[m]; }
  /// Sum over the metric's slots (fields or regions).
  double total(Metric m) const;

 private:
  std::vector<std::vector<double>> values_;
};

/// Markdown table of every series (the metric table of docs/output.md).
std::string metrics_reference_markdown();

std::size_t metric_width(const MetricDef& def, std::size_t fields, std::size_t regions);

}  // namespace innochain
