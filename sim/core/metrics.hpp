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

/// The one list of metrics: X(name, units, link, dim, accumulation, long name). It makes the
/// Metric enum (m_NAME) and the kMetrics table, so the two cannot drift. A phase adds to its
/// metrics with m.at(m_NAME[, field|region|policy]); docs/output.md's table is generated from it.
// clang-format off
#define INNOCHAIN_METRICS(X) \
  X(discoveries, "projects/month", "basic_research", field, flow, "New basic-research projects (discoveries) at institutes") \
  X(basic_research_spending, "yuan/month", "basic_research", none, flow, "Institutes' spending on basic research (the part of budgets not funding projects)") \
  X(knowledge_stock, "knowledge units", "basic_research", field, stock, "Institutes' knowledge stock, summed over institutes") \
  X(basic_completed, "projects/month", "basic_research", field, flow, "Basic projects that finished their stage") \
  X(contract_research_deals, "deals/month", "breakthrough", field, flow, "Projects an enterprise takes on with an institute: finished basic projects through the contract-research market, and research bought by innovation_voucher applicants") \
  X(contract_research_value, "yuan/month", "breakthrough", field, flow, "Value of contract-research agreements signed (paid to institutes by enterprises and innovation vouchers)") \
  X(enterprise_projects_started, "projects/month", "breakthrough", field, flow, "Breakthrough projects started by enterprises from their own R&D") \
  X(breakthroughs, "projects/month", "breakthrough", field, flow, "Projects that completed the BREAKTHROUGH stage") \
  X(projects_basic, "projects", "progress", field, stock, "Active projects in stage BASIC") \
  X(projects_breakthrough, "projects", "progress", field, stock, "Active projects in stage BREAKTHROUGH") \
  X(projects_proof_of_concept, "projects", "progress", field, stock, "Active projects in stage PROOF_OF_CONCEPT") \
  X(projects_pilot, "projects", "progress", field, stock, "Active projects in stage PILOT") \
  X(failures_basic, "projects/month", "progress", field, flow, "Projects that failed in stage BASIC") \
  X(failures_breakthrough, "projects/month", "progress", field, flow, "Projects that failed in stage BREAKTHROUGH") \
  X(failures_proof_of_concept, "projects/month", "progress", field, flow, "Projects that failed in stage PROOF_OF_CONCEPT") \
  X(failures_pilot, "projects/month", "progress", field, flow, "Projects that failed in stage PILOT") \
  X(abandoned_basic, "projects/month", "progress", field, flow, "Projects in stage BASIC that ended because their holder exited (abandoned with holder)") \
  X(abandoned_breakthrough, "projects/month", "progress", field, flow, "Projects in stage BREAKTHROUGH that ended because their holder exited (abandoned with holder)") \
  X(abandoned_proof_of_concept, "projects/month", "progress", field, flow, "Projects in stage PROOF_OF_CONCEPT that ended because their holder exited (abandoned with holder)") \
  X(abandoned_pilot, "projects/month", "progress", field, flow, "Projects in stage PILOT that ended because their holder exited (abandoned with holder)") \
  X(proof_of_concept_completed, "projects/month", "progress", field, flow, "Projects that completed PROOF_OF_CONCEPT and entered PILOT") \
  X(products_launched, "products/month", "progress", field, flow, "Projects that completed PILOT and launched a product (stage MARKET)") \
  X(rd_spending_institutes, "yuan/month", "progress", region, flow, "Institutes' spending on projects (funded share of stage costs)") \
  X(rd_spending_enterprises, "yuan/month", "progress", region, flow, "Enterprises' spending on projects (funded share of stage costs)") \
  X(compute_spending, "yuan/month", "progress", field, flow, "Compute bills of project holders: GPU-hours bought x the market price (vouchers included)") \
  X(compute_gpu_hours, "GPU-hours/month", "progress", field, flow, "Accelerator time project holders bought (A100-equivalent GPU-hours)") \
  X(compute_wanted_gpu_hours, "GPU-hours/month", "compute", region, flow, "GPU-hours holders wanted at the month's price and their funding, before rationing (by the holders' region)") \
  X(compute_rationed_gpu_hours, "GPU-hours/month", "compute", region, flow, "GPU-hours wanted but not served because the market's capacity was full (by the holders' region)") \
  X(compute_capacity_gpu_hours, "GPU-hours/month", "compute", region, flow, "Accelerator capacity for rent to R&D located in the region (scenario capacity and policies' compute centres)") \
  X(compute_price, "yuan/GPU-hour", "compute", none, mean, "Mean price paid per GPU-hour (the market price; one market for the province)") \
  X(compute_utilisation, "ratio", "compute", none, mean, "GPU-hours bought / capacity, province") \
  X(funding_coverage, "ratio", "progress", none, mean, "Mean funding coverage (paid / needed) over active projects") \
  X(awaiting_transfer, "projects", "transfer", none, stock, "Institutes' completed breakthroughs queued at their transfer offices") \
  X(transfer_cases, "cases/month", "transfer", field, flow, "Cases transfer offices decided") \
  X(transfers_licence, "transfers/month", "transfer", field, flow, "Transfers by licence (or assignment) to an enterprise") \
  X(transfers_spinoff, "transfers/month", "transfer", field, flow, "Transfers by spin-off: a start-up founded around the project") \
  X(shelved_no_route, "projects/month", "transfer", field, flow, "Cases shelved because the office found no viable route ('don't know how')") \
  X(shelved_not_approved, "projects/month", "transfer", field, flow, "Cases shelved because officials did not approve ('don't dare' or screening)") \
  X(shelved_no_buyer, "projects/month", "transfer", field, flow, "Approved licence cases shelved because no enterprise would pay the fee") \
  X(shelved_expired, "projects/month", "transfer", field, flow, "Cases that lapsed waiting for their transfer office (chain.transfer.case_expiry_months)") \
  X(bad_transfers, "transfers/month", "transfer", field, flow, "Transfers of projects whose latent quality is below chain.transfer.bad_quality_threshold") \
  X(licence_fees, "yuan/month", "transfer", field, flow, "Licence fees paid by enterprises") \
  X(transfer_contract_value, "yuan/month", "transfer", field, flow, "Value of transfer contracts: licence fees plus the valuation of spin-off equity") \
  X(transfer_income, "yuan/month", "transfer", region, flow, "Institutes' transfer income: contract research payments and licence fees (the fees before the inventor share)") \
  X(transfer_income_universities, "yuan/month", "transfer", none, flow, "Universities' share of transfer_income from the contract-research and licensing markets (innovation vouchers not included)") \
  X(transfer_conversion, "ratio", "transfer", none, mean, "Transfers per case decided (months without cases count as 0)") \
  X(deals_seed, "deals/month", "finance", field, flow, "Seed rounds closed by venture funds") \
  X(deals_series_a, "deals/month", "finance", field, flow, "Series A rounds closed by venture funds") \
  X(deals_series_b, "deals/month", "finance", field, flow, "Series B and later rounds closed by venture funds") \
  X(invested_venture, "yuan/month", "finance", field, flow, "Equity invested by venture-capital funds") \
  X(invested_guidance, "yuan/month", "finance", field, flow, "Equity invested by government guidance funds (co-investments and rounds they lead)") \
  X(invested_private, "yuan/month", "finance", field, flow, "Private capital invested in start-ups: venture funds' investments less the share of public limited partners") \
  X(invested_public, "yuan/month", "finance", field, flow, "Public capital invested in start-ups: guidance funds' investments plus the public limited partners' share of sub-funds' investments") \
  X(deals_guidance_led, "deals/month", "finance", field, flow, "Rounds led by a guidance fund (direct investor) that no private fund would lead") \
  X(guidance_lp_committed, "yuan/month", "finance", none, flow, "Public capital committed by guidance funds of funds to sub-funds that closed this month") \
  X(private_lp_matched, "yuan/month", "finance", none, flow, "Private limited partners' capital committed beside it to those sub-funds") \
  X(fund_distributions, "yuan/month", "finance", none, flow, "Capital funds distributed to their limited partners: closed-end funds at the end of their life, evergreen funds above their target size") \
  X(deal_applications, "deals/month", "finance", none, flow, "Funding-gap deals shown to funds") \
  X(credit_new, "yuan/month", "finance", region, flow, "New bank loans") \
  X(credit_outstanding, "yuan", "finance", none, stock, "Bank loans outstanding") \
  X(interest_paid, "yuan/month", "finance", none, flow, "Interest paid to banks") \
  X(exits_acquisition, "exits/month", "finance", field, flow, "Investor exits through acquisitions by chain leaders") \
  X(exits_listing, "exits/month", "finance", field, flow, "Investor exits through listings") \
  X(exit_proceeds, "yuan/month", "finance", none, flow, "Proceeds paid to funds at exits") \
  X(write_offs, "yuan/month", "finance", none, flow, "Equity written off when funded firms exit") \
  X(bad_loans, "yuan/month", "finance", none, flow, "Bank debt written off when indebted firms exit") \
  X(fund_capital, "yuan", "finance", none, stock, "Capital available to venture funds, guidance funds and banks") \
  X(revenue, "yuan/month", "market", field, flow, "Enterprises' revenue") \
  X(output, "yuan/month", "market", field, flow, "Sector output: final demand propagated through the Leontief inverse") \
  X(product_lines, "lines", "market", field, stock, "Product lines on the market (held by alive enterprises)") \
  X(line_takeovers, "lines/month", "market", field, flow, "Launched products that took over a product line of their field (creative destruction)") \
  X(lines_closed, "lines/month", "market", field, flow, "Product lines that left the market with their exiting owner") \
  X(contract_work_income, "yuan/month", "market", none, flow, "Contract-work income of firms without product lines") \
  X(enterprise_cash, "yuan", "market", none, stock, "Cash held by alive enterprises") \
  X(enterprises_alive, "enterprises", "market", field, stock, "Alive enterprises") \
  X(firm_exits, "enterprises/month", "market", field, flow, "Enterprises that exited (runway ended, sustained losses, no sales, or reasons outside the model; acquisitions not included)") \
  X(exits_runway, "enterprises/month", "market", field, flow, "Start-ups without a product line that exited because their cash ran out (part of firm_exits)") \
  X(exits_no_team, "enterprises/month", "market", field, flow, "Start-ups without a product line closed because their founders and staff had all left (part of firm_exits)") \
  X(startups_alive, "enterprises", "market", none, stock, "Alive start-ups") \
  X(firms_pre_revenue, "enterprises", "market", none, stock, "Alive enterprises without a product line") \
  X(acquisitions, "enterprises/month", "market", field, flow, "Start-ups acquired by chain leaders") \
  X(startups_founded, "enterprises/month", "entry", field, flow, "Start-ups founded by talent (not spin-offs)") \
  X(spinoffs_founded, "enterprises/month", "entry", field, flow, "Spin-off start-ups founded by inventors") \
  X(sme_entries, "enterprises/month", "entry", field, flow, "New SMEs") \
  X(researchers, "people", "talent", region, stock, "Researchers employed by institutes") \
  X(enterprise_rd_staff, "people", "talent", region, stock, "Engineers and industry scientists employed by enterprises") \
  X(industry_scientists, "people", "talent", none, stock, "Industry scientists employed by enterprises") \
  X(unemployed, "people", "talent", region, stock, "Talent in the province without an employer") \
  X(hires, "people/month", "talent", none, flow, "Matches made in the talent market") \
  X(researchers_to_industry, "people/month", "talent", none, flow, "Researchers who moved to enterprises (becoming industry scientists)") \
  X(researchers_recruited, "people/month", "talent", none, flow, "Researchers institutes recruited from outside the province into positions the province's job seekers left open (included in talent_inflow)") \
  X(talent_inflow, "people/month", "talent", none, flow, "Arrivals from outside the province") \
  X(talent_outflow, "people/month", "talent", none, flow, "Departures from the province") \
  X(vacancies, "jobs", "talent", none, stock, "Open R&D positions at institutes and enterprises after matching") \
  X(market_wage_index, "ratio", "talent", none, stock, "R&D wage relative to the scenario's wages (moves with tightness)") \
  X(people_in_province, "people", "talent", none, stock, "Talent in the province (employed or not)") \
  X(money_stock, "yuan", "ledger", none, stock, "Money held in the modelled economy (institutes, enterprises, financiers)") \
  X(money_sources, "yuan/month", "ledger", none, flow, "External money entering the modelled economy") \
  X(money_sinks, "yuan/month", "ledger", none, flow, "External money leaving the modelled economy") \
  X(policy_spending, "yuan/month", "policies", policy, flow, "Public money paid out by each policy instance") \
  X(policy_units_served, "units/month", "policies", policy, flow, "Units each policy instance served (firms, institutes, projects or people, by instrument)")
// clang-format on

enum Metric : int {
#define INNOCHAIN_METRIC_ENUM(name, units, link, dim, acc, long_name) m_##name,
  INNOCHAIN_METRICS(INNOCHAIN_METRIC_ENUM)
#undef INNOCHAIN_METRIC_ENUM
      kMetricCount
};

inline constexpr std::array<MetricDef, kMetricCount> kMetrics = {{
#define INNOCHAIN_METRIC_DEF(name, units, link, dim, acc, long_name) \
  {#name, units, long_name, link, Dim::dim, Accumulation::acc},
    INNOCHAIN_METRICS(INNOCHAIN_METRIC_DEF)
#undef INNOCHAIN_METRIC_DEF
}};

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
