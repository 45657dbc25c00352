// Metric definitions: the one list of what a run reports. Each metric is a
// month series in /series (scalar, by field or by region) and yields one
// /summary value: the run total for flows, the final value for stocks.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace innochain {

enum class Dim : unsigned char { none, field, region, policy };
/// How a series becomes its /summary value: flows sum over months, stocks keep
/// the final month, means average over months (all summed over fields/regions).
enum class Accumulation : unsigned char { flow, stock, mean };

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
  m_projects_basic,
  m_projects_breakthrough,
  m_projects_proof_of_concept,
  m_projects_pilot,
  m_failures_basic,
  m_failures_breakthrough,
  m_failures_proof_of_concept,
  m_failures_pilot,
  m_proof_of_concept_completed,
  m_products_launched,
  m_rd_spending_institutes,
  m_rd_spending_enterprises,
  m_compute_spending,
  m_funding_coverage,
  m_awaiting_transfer,
  m_transfer_cases,
  m_transfers_licence,
  m_transfers_spinoff,
  m_shelved_no_route,
  m_shelved_not_approved,
  m_shelved_no_buyer,
  m_bad_transfers,
  m_licence_fees,
  m_transfer_contract_value,
  m_transfer_income,
  m_transfer_income_universities,
  m_transfer_conversion,
  m_deals_seed,
  m_deals_series_a,
  m_deals_series_b,
  m_invested_venture,
  m_invested_guidance,
  m_deal_applications,
  m_credit_new,
  m_credit_outstanding,
  m_interest_paid,
  m_exits_acquisition,
  m_exits_listing,
  m_exit_proceeds,
  m_write_offs,
  m_bad_loans,
  m_fund_capital,
  m_revenue,
  m_output,
  m_product_demand,
  m_enterprise_cash,
  m_enterprises_alive,
  m_firm_exits,
  m_acquisitions,
  m_startups_founded,
  m_spinoffs_founded,
  m_sme_entries,
  m_researchers,
  m_enterprise_rd_staff,
  m_industry_scientists,
  m_unemployed,
  m_hires,
  m_researchers_to_industry,
  m_talent_inflow,
  m_talent_outflow,
  m_vacancies,
  m_people_in_province,
  m_money_stock,
  m_money_sources,
  m_money_sinks,
  m_policy_spending,
  m_policy_units_served,
  kMetricCount
};

// clang-format off
inline constexpr std::array<MetricDef, kMetricCount> kMetrics = {{
  {"discoveries", "projects/month", "New basic-research projects (discoveries) at institutes", "basic_research", Dim::field, Accumulation::flow},
  {"basic_research_spending", "yuan/month", "Institutes' spending on basic research (the part of budgets not funding projects)", "basic_research", Dim::none, Accumulation::flow},
  {"knowledge_stock", "knowledge units", "Institutes' knowledge stock, summed over institutes", "basic_research", Dim::field, Accumulation::stock},
  {"basic_completed", "projects/month", "Basic projects that finished their stage", "basic_research", Dim::field, Accumulation::flow},
  {"contract_research_deals", "deals/month", "Projects an enterprise takes on with an institute: finished basic projects through the contract-research market, and research bought by innovation_voucher applicants", "breakthrough", Dim::field, Accumulation::flow},
  {"contract_research_value", "yuan/month", "Value of contract-research agreements signed (paid to institutes by enterprises and innovation vouchers)", "breakthrough", Dim::field, Accumulation::flow},
  {"enterprise_projects_started", "projects/month", "Breakthrough projects started by enterprises from their own R&D", "breakthrough", Dim::field, Accumulation::flow},
  {"breakthroughs", "projects/month", "Projects that completed the BREAKTHROUGH stage", "breakthrough", Dim::field, Accumulation::flow},
  {"projects_basic", "projects", "Active projects in stage BASIC", "progress", Dim::field, Accumulation::stock},
  {"projects_breakthrough", "projects", "Active projects in stage BREAKTHROUGH", "progress", Dim::field, Accumulation::stock},
  {"projects_proof_of_concept", "projects", "Active projects in stage PROOF_OF_CONCEPT", "progress", Dim::field, Accumulation::stock},
  {"projects_pilot", "projects", "Active projects in stage PILOT", "progress", Dim::field, Accumulation::stock},
  {"failures_basic", "projects/month", "Projects that failed in stage BASIC", "progress", Dim::field, Accumulation::flow},
  {"failures_breakthrough", "projects/month", "Projects that failed in stage BREAKTHROUGH", "progress", Dim::field, Accumulation::flow},
  {"failures_proof_of_concept", "projects/month", "Projects that failed in stage PROOF_OF_CONCEPT", "progress", Dim::field, Accumulation::flow},
  {"failures_pilot", "projects/month", "Projects that failed in stage PILOT", "progress", Dim::field, Accumulation::flow},
  {"proof_of_concept_completed", "projects/month", "Projects that completed PROOF_OF_CONCEPT and entered PILOT", "progress", Dim::field, Accumulation::flow},
  {"products_launched", "products/month", "Projects that completed PILOT and launched a product (stage MARKET)", "progress", Dim::field, Accumulation::flow},
  {"rd_spending_institutes", "yuan/month", "Institutes' spending on projects (funded share of stage costs)", "progress", Dim::region, Accumulation::flow},
  {"rd_spending_enterprises", "yuan/month", "Enterprises' spending on projects (funded share of stage costs)", "progress", Dim::region, Accumulation::flow},
  {"compute_spending", "yuan/month", "Compute paid for by project holders", "progress", Dim::field, Accumulation::flow},
  {"funding_coverage", "ratio", "Mean funding coverage (paid / needed) over active projects", "progress", Dim::none, Accumulation::mean},
  {"awaiting_transfer", "projects", "Institutes' completed breakthroughs queued at their transfer offices", "transfer", Dim::none, Accumulation::stock},
  {"transfer_cases", "cases/month", "Cases transfer offices decided", "transfer", Dim::field, Accumulation::flow},
  {"transfers_licence", "transfers/month", "Transfers by licence (or assignment) to an enterprise", "transfer", Dim::field, Accumulation::flow},
  {"transfers_spinoff", "transfers/month", "Transfers by spin-off: a start-up founded around the project", "transfer", Dim::field, Accumulation::flow},
  {"shelved_no_route", "projects/month", "Cases shelved because the office found no viable route ('don't know how')", "transfer", Dim::field, Accumulation::flow},
  {"shelved_not_approved", "projects/month", "Cases shelved because officials did not approve ('don't dare' or screening)", "transfer", Dim::field, Accumulation::flow},
  {"shelved_no_buyer", "projects/month", "Approved licence cases shelved because no enterprise would pay the fee", "transfer", Dim::field, Accumulation::flow},
  {"bad_transfers", "transfers/month", "Transfers of projects whose latent quality is below chain.transfer.bad_quality_threshold", "transfer", Dim::field, Accumulation::flow},
  {"licence_fees", "yuan/month", "Licence fees paid by enterprises", "transfer", Dim::field, Accumulation::flow},
  {"transfer_contract_value", "yuan/month", "Value of transfer contracts: licence fees plus the valuation of spin-off equity", "transfer", Dim::field, Accumulation::flow},
  {"transfer_income", "yuan/month", "Institutes' transfer income: contract research payments and licence fees (the fees before the inventor share)", "transfer", Dim::region, Accumulation::flow},
  {"transfer_income_universities", "yuan/month", "Universities' share of transfer_income from the contract-research and licensing markets (innovation vouchers not included)", "transfer", Dim::none, Accumulation::flow},
  {"transfer_conversion", "ratio", "Transfers per case decided (months without cases count as 0)", "transfer", Dim::none, Accumulation::mean},
  {"deals_seed", "deals/month", "Seed rounds closed by venture funds", "finance", Dim::field, Accumulation::flow},
  {"deals_series_a", "deals/month", "Series A rounds closed by venture funds", "finance", Dim::field, Accumulation::flow},
  {"deals_series_b", "deals/month", "Series B and later rounds closed by venture funds", "finance", Dim::field, Accumulation::flow},
  {"invested_venture", "yuan/month", "Equity invested by venture-capital funds", "finance", Dim::field, Accumulation::flow},
  {"invested_guidance", "yuan/month", "Equity invested by government guidance funds (co-investments)", "finance", Dim::field, Accumulation::flow},
  {"deal_applications", "deals/month", "Funding-gap deals shown to funds", "finance", Dim::none, Accumulation::flow},
  {"credit_new", "yuan/month", "New bank loans", "finance", Dim::region, Accumulation::flow},
  {"credit_outstanding", "yuan", "Bank loans outstanding", "finance", Dim::none, Accumulation::stock},
  {"interest_paid", "yuan/month", "Interest paid to banks", "finance", Dim::none, Accumulation::flow},
  {"exits_acquisition", "exits/month", "Investor exits through acquisitions by chain leaders", "finance", Dim::field, Accumulation::flow},
  {"exits_listing", "exits/month", "Investor exits through listings", "finance", Dim::field, Accumulation::flow},
  {"exit_proceeds", "yuan/month", "Proceeds paid to funds at exits", "finance", Dim::none, Accumulation::flow},
  {"write_offs", "yuan/month", "Equity written off when funded firms exit", "finance", Dim::none, Accumulation::flow},
  {"bad_loans", "yuan/month", "Bank debt written off when indebted firms exit", "finance", Dim::none, Accumulation::flow},
  {"fund_capital", "yuan", "Capital available to venture funds, guidance funds and banks", "finance", Dim::none, Accumulation::stock},
  {"revenue", "yuan/month", "Enterprises' revenue", "market", Dim::field, Accumulation::flow},
  {"output", "yuan/month", "Sector output: final demand propagated through the Leontief inverse", "market", Dim::field, Accumulation::flow},
  {"product_demand", "yuan/month", "Final demand created by launched products still on the market", "market", Dim::field, Accumulation::flow},
  {"enterprise_cash", "yuan", "Cash held by alive enterprises", "market", Dim::none, Accumulation::stock},
  {"enterprises_alive", "enterprises", "Alive enterprises", "market", Dim::field, Accumulation::stock},
  {"firm_exits", "enterprises/month", "Enterprises that exited after sustained losses", "market", Dim::field, Accumulation::flow},
  {"acquisitions", "enterprises/month", "Start-ups acquired by chain leaders", "market", Dim::field, Accumulation::flow},
  {"startups_founded", "enterprises/month", "Start-ups founded by talent (not spin-offs)", "entry", Dim::field, Accumulation::flow},
  {"spinoffs_founded", "enterprises/month", "Spin-off start-ups founded by inventors", "entry", Dim::field, Accumulation::flow},
  {"sme_entries", "enterprises/month", "New SMEs", "entry", Dim::field, Accumulation::flow},
  {"researchers", "people", "Researchers employed by institutes", "talent", Dim::region, Accumulation::stock},
  {"enterprise_rd_staff", "people", "Engineers and industry scientists employed by enterprises", "talent", Dim::region, Accumulation::stock},
  {"industry_scientists", "people", "Industry scientists employed by enterprises", "talent", Dim::none, Accumulation::stock},
  {"unemployed", "people", "Talent in the province without an employer", "talent", Dim::region, Accumulation::stock},
  {"hires", "people/month", "Matches made in the talent market", "talent", Dim::none, Accumulation::flow},
  {"researchers_to_industry", "people/month", "Researchers who moved to enterprises (becoming industry scientists)", "talent", Dim::none, Accumulation::flow},
  {"talent_inflow", "people/month", "Arrivals from outside the province", "talent", Dim::none, Accumulation::flow},
  {"talent_outflow", "people/month", "Departures from the province", "talent", Dim::none, Accumulation::flow},
  {"vacancies", "jobs", "Open R&D positions at institutes and enterprises after matching", "talent", Dim::none, Accumulation::stock},
  {"people_in_province", "people", "Talent in the province (employed or not)", "talent", Dim::none, Accumulation::stock},
  {"money_stock", "yuan", "Money held in the modelled economy (institutes, enterprises, financiers)", "ledger", Dim::none, Accumulation::stock},
  {"money_sources", "yuan/month", "External money entering the modelled economy", "ledger", Dim::none, Accumulation::flow},
  {"money_sinks", "yuan/month", "External money leaving the modelled economy", "ledger", Dim::none, Accumulation::flow},
  {"policy_spending", "yuan/month", "Public money paid out by each policy instance", "policies", Dim::policy, Accumulation::flow},
  {"policy_units_served", "units/month", "Units each policy instance served (firms, institutes, projects or people, by instrument)", "policies", Dim::policy, Accumulation::flow},
}};
// clang-format on

/// "flow", "stock" or "mean".
const char* accumulation_name(Accumulation a);

/// One month's metric values. Series are indexed [metric][k] with k over
/// fields, regions or a single slot.
class MonthMetrics {
 public:
  MonthMetrics(std::size_t fields, std::size_t regions, std::size_t policies = 0);
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

std::size_t metric_width(const MetricDef& def, std::size_t fields, std::size_t regions, std::size_t policies);

}  // namespace innochain
