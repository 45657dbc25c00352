// The typed scenario: every parameter of a run, with its default.
//
// Defaults live here and only here. Units, ranges, descriptions and sources
// live beside each key in schema.cpp; docs/scenarios.md is generated from the
// two (`innochain docs scenarios`) and a test keeps it in step.
#pragma once

#include "agents/projects.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace innochain {

using Matrix = std::vector<std::vector<double>>;

/// A region of the province (or Hong Kong): where agents live.
struct RegionSpec {
  std::string name;
  double institute_share = 0.0;      ///< share of institutes located here
  double enterprise_share = 0.0;     ///< share of enterprises located here
  double financier_share = 0.0;      ///< share of financiers located here
  double talent_share = 0.0;         ///< share of unemployed talent living here
  double rd_share_multiplier = 1.0;  ///< enterprises' R&D budget share here, relative to the province's
  /// Accelerator capacity for rent to R&D here (public compute centres and commercial clouds), province
  /// figure at month 0, A100-equivalent GPU-hours a month (multiplied by world.scale).
  double compute_capacity_gpu_hours_per_month = 1.0e9;
  /// A new compute centre the scenario opens here: GPU-hours a month (province figure) from a month on.
  double new_compute_centre_gpu_hours_per_month = 0.0;
  double new_compute_centre_month = 0.0;  ///< from this month on (months counted from 0)
};

/// A technology field, which is also an industrial sector.
struct FieldSpec {
  std::string name;
  double compute_gpu_hours_per_month = 3000.0;  ///< GPU-hours a project uses a month in BREAKTHROUGH, at full speed
  double cost_multiplier = 1.0;                 ///< scales every stage's monthly cost other than compute
  double speed_multiplier = 1.0;                ///< scales every stage's progress rate
  double institute_weight = 1.0;                ///< relative weight in institutes' research portfolios
  double enterprise_share = 0.2;                ///< share of enterprises whose sector this is
  double market_growth_per_year = 0.05;         ///< growth of the sector's outside final demand
};

struct StageParams {
  double duration_months = 12.0;       ///< expected months to complete at full funding and reference skill
  double cost_yuan_per_month = 1.0e5;  ///< monthly cost other than compute at full speed, before the field multiplier
  double hazard_per_month = 0.02;      ///< monthly failure probability of a project of quality 1
  double compute_multiplier = 1.0;     ///< the stage's GPU-hours relative to BREAKTHROUGH's
};

struct World {
  double scale = 1.0;  ///< multiplies every agent count (1 = the whole province)
  /// Months simulated from the constructed population before month 0 (docs/model.md 3.1): the
  /// state at month 0 is the economy's own, not the construction's; nothing is recorded before it.
  std::int64_t spin_up_months = 0;
  std::vector<RegionSpec> regions;
  std::vector<FieldSpec> fields;
  Matrix friction;      ///< [region][region], 1 on the diagonal
  Matrix proximity;     ///< [field][field], 1 on the diagonal
  Matrix input_output;  ///< [field][field] technical coefficients a_ij (input i per unit of output j)
  /// [field][region] association of enterprises' fields and regions (1 = none), raked to both
  /// marginals; empty: fields and regions are independent.
  Matrix field_region_affinity;
};

struct InstituteParams {
  std::int64_t count = 400;
  double share_university = 0.55;
  double share_national_lab = 0.10;
  double share_new_rd_institute = 0.35;
  double budget_yuan_per_month_median = 8.0e6;
  double budget_log_sd = 0.9;
  double budget_growth_per_year = 0.06;  ///< growth of public research budgets
  double project_budget_share = 0.35;  ///< share of the budget funding applied projects (the rest funds basic research)
  double transfer_office_capacity = 4.0;  ///< cases per month
  double transfer_office_skill = 0.5;
  double risk_aversion = 2.0;
  double sanction_probability = 0.3;
  double inventor_share = 0.5;
};

struct EnterpriseParams {
  std::int64_t count = 80000;
  double share_chain_leader = 0.005;
  double share_sme = 0.795;
  double share_startup = 0.20;
  double revenue_median_chain_leader = 3.0e8;  ///< yuan per month
  double revenue_median_sme = 6.0e6;
  double revenue_log_sd = 1.2;
  double rd_share_of_revenue = 0.04;
  double absorptive_capacity_mean = 0.5;
  double operating_margin = 0.10;                  ///< revenue share left after non-R&D operating costs
  double initial_cash_months = 3.0;                ///< initial cash, in months of revenue
  std::int64_t exit_after_loss_months = 6;         ///< consecutive months of losses with cash running out before exit
  double overhead_yuan_per_staff_month = 1.5e4;    ///< fixed costs (rent, administration) per R&D employee
  double cash_cap_months = 6.0;                    ///< established firms pay out cash above this many months of revenue
  double sme_exit_per_year = 0.0;                  ///< SMEs closing or leaving for reasons outside the model, a year
  double revenue_per_line_yuan_per_month = 6.0e6;  ///< revenue of a one-line firm at the start (sets initial lines)
  double lines_size_elasticity = 1.0;              ///< initial lines = (revenue / revenue per line)^this, at least 1
  bool equal_initial_size = false;                 ///< every initial firm of a kind starts at its kind's median
  double contract_work_share_of_revenue = 5.0e-4;  ///< share of revenue firms that sell spend on contract work
  double startup_runway_months = 18.0;  ///< a firm without product revenue spreads its cash over this many months
};

struct FinancierParams {
  std::int64_t count = 1000;
  double share_venture_capital = 0.70;
  double share_guidance_fund = 0.10;
  double share_bank = 0.20;
  double capital_median_yuan = 5.0e8;
  double capital_log_sd = 1.0;
  double threshold_log_sd = 0.3;  ///< spread of venture funds' screening thresholds
};

struct TalentParams {
  std::int64_t count = 1000000;
  double share_researcher = 0.12;
  double share_engineer = 0.80;
  double share_industry_scientist = 0.05;  ///< the rest of the roles' shares are unemployed talent
  double skill_log_sd = 0.35;
  double entrepreneurial_propensity_mean = 0.05;
};

struct Agents {
  InstituteParams institutes;
  EnterpriseParams enterprises;
  FinancierParams financiers;
  TalentParams talent;
};

struct BasicResearchParams {
  double discoveries_per_month = 1.0;  ///< of a reference institute (budget 10M yuan/month, 100 researchers)
  double budget_elasticity = 0.4;
  double researcher_elasticity = 0.5;
  double spillover_strength = 0.5;
  double knowledge_depreciation_per_year = 0.10;
  double quality_log_sd = 0.6;
  double knowledge_quality_elasticity = 0.15;
};

struct BreakthroughParams {
  double contract_research_probability = 0.40;  ///< chance a finished basic project is offered to an enterprise
  double contract_value_yuan_median = 2.0e6;
  double rd_staff_zeta = 0.005;  ///< K+S: monthly start probability 1 - exp(-zeta * R&D staff)
  double enterprise_quality_log_mean = -0.3;
  double absorptive_quality_gain = 0.5;
};

struct ProgressParams {
  double skill_elasticity = 0.5;
  double funding_elasticity = 1.0;  ///< elasticity of progress with respect to the CES input index
  double quality_hazard_elasticity = 0.8;
  std::array<StageParams, kCostlyStages> stages = {{
      {18.0, 5.0e4, 0.030, 0.25},
      {12.0, 2.0e5, 0.025, 1.0},
      {9.0, 3.0e5, 0.035, 1.5},
      {12.0, 5.0e5, 0.030, 2.5},
  }};
};

/// The compute market: accelerator time bought by project holders from regional capacity.
struct ComputeParams {
  double base_price_yuan_per_gpu_hour = 10.0;  ///< price while utilisation is at or below the target
  double substitution_elasticity = 0.5;        ///< CES elasticity between compute and the other R&D inputs
  double target_utilisation = 0.8;             ///< utilisation above which the price rises
  double price_elasticity = 2.0;               ///< target price = base x (utilisation / target)^this above the target
  double price_adjustment_per_month = 0.5;     ///< share of the gap to the target price closed each month
  double capacity_growth_per_year = 0.10;      ///< growth of every region's capacity
};

/// Link 3: the transfer office's three obstacles and the routes.
struct TransferParams {
  double sanction_size_yuan = 5.0e6;          ///< officials' loss if sanctioned ("don't dare")
  double inventor_effort_half_share = 0.3;    ///< inventor share at which effort is half its maximum ("don't want")
  double inventor_effort_elasticity = 2.0;    ///< elasticity of the saturating effort function
  double tie_skill_gain = 0.15;               ///< office skill gain per log industry tie ("don't know how")
  double transfer_value_yuan_median = 4.0e6;  ///< expected value of a transfer of a quality-1 project
  double screening_noise = 0.5;               ///< log sd of the office's view of quality
  double screening_threshold = 0.6;           ///< quality the office requires at full care
  double bad_quality_threshold = 0.7;         ///< transfers of latent quality below this are "bad transfers"
  std::int64_t licence_candidates = 5;        ///< enterprises the licensing market shows per case
  double licence_fee_share = 0.4;             ///< share of the buyer's valuation paid as the fee
  double licence_reserve_share = 0.3;         ///< the office licenses only if the best valuation exceeds this x its own
  double spinoff_probability = 0.25;          ///< spin-off chance at full inventor effort and propensity 1
  std::int64_t case_expiry_months = 12;       ///< a case no office has decided within this many months lapses
};

/// Link 4: venture funds, guidance funds and banks.
struct FinanceParams {
  double round_runway_months = 18.0;  ///< months over which a start-up spreads its cash when hiring
  double venture_threshold =
      0.0;  ///< investors' score (believed log quality + log chance of reaching market) needed at seed
  double threshold_step_per_round = 0.1;      ///< later rounds need a higher score
  double signal_noise = 0.6;                  ///< log sd of a fund's own due-diligence signal
  double prior_log_quality_mean = 0.0;        ///< investors' prior mean of a start-up's log pipeline quality
  double prior_log_quality_sd = 0.6;          ///< and its standard deviation
  double milestone_signal_noise = 0.5;        ///< log sd of what a milestone (a stage passed, a launch) reveals
  double raise_trigger_months = 6.0;          ///< a start-up raises when its cash covers fewer months of net burn
  double milestone_buffer_months = 6.0;       ///< a round funds the next milestone plus this many months
  double pre_money_market_yuan = 3.0e7;       ///< value of a start-up with a product on the market at the prior belief
  double valuation_discount_per_year = 0.25;  ///< investors discount the road to market at this rate a year
  double max_round_share = 0.5;               ///< a round never sells more of the firm than this
  double valuation_quality_elasticity = 1.0;  ///< pre-money rises as exp(this x (believed log quality - prior mean))
  double valuation_revenue_multiple = 1.0;    ///< pre-money is at least this many years of revenue
  double lp_prior_multiple = 1.5;            ///< limited partners' expected gross multiple where no track record exists
  double lp_hurdle_per_year = 0.08;          ///< return private limited partners require
  double guidance_threshold_discount = 0.3;  ///< guidance funds accept this much lower a signal
  double guidance_coinvest_ratio = 0.5;      ///< guidance yuan per venture yuan in a co-investment
  std::int64_t deals_per_month = 3;          ///< deals a venture or guidance fund can close a month
  std::int64_t candidates_per_deal = 3;      ///< financiers a deal is shown to
  double bank_leverage = 0.5;                ///< Lambda: credit limit = Lambda * max(net worth, annual revenue)
  double bank_interest_per_year = 0.045;
  double exit_multiple_tail = 1.3;            ///< Pareto tail index of exit multiples
  double exit_multiple_min = 0.4;             ///< scale of the Pareto exit multiple
  double ipo_revenue_yuan_per_month = 1.0e7;  ///< a funded start-up lists when its revenue passes this
  double capital_adjustment_per_year = 0.25;  ///< share of the gap to its target size an evergreen fund closes a year
};

/// Link 5: the talent market.
struct TalentMarketParams {
  double researcher_wage_yuan_per_month = 2.0e4;
  double engineer_wage_yuan_per_month = 3.0e4;
  double wage_share_of_rd = 0.5;       ///< share of R&D budgets spent on R&D staff (sets vacancies)
  double search_rate_employed = 0.01;  ///< monthly on-the-job search probability
  double inflow_per_year = 0.07;       ///< arrivals a year as a share of talent, at the reference wage (index 1)
  double outflow_per_year = 0.03;      ///< departures of employed talent, share a year
  double unemployed_outflow_multiplier = 4.0;
  double researcher_to_industry_share = 0.3;     ///< chance a searching researcher looks at firms, not institutes
  double tie_absorptive_gain = 0.05;             ///< absorptive capacity added per log industry tie
  double wage_adjustment_per_year = 0.5;         ///< log wage change a year per log of tightness over its target
  double target_tightness = 1.0;                 ///< vacancies per unemployed person at which the wage is stable
  double migration_wage_elasticity = 2.0;        ///< elasticity of arrivals with respect to the market wage index
  double institute_recruitment_per_month = 0.1;  ///< share of institutes' open positions filled from outside a month
};

/// Market: demand, shares, revenue, exits and acquisitions.
struct MarketParams {
  double quality_share_elasticity = 1.0;     ///< theta in share ~ (base + product demand x quality)^theta
  double acquisition_probability = 0.03;     ///< monthly chance a start-up with a product is bought
  double acquisition_revenue_months = 36.0;  ///< price in months of revenue
  double line_shock_sd_per_year = 0.0;  ///< s.d. of each product line's idiosyncratic log demand shocks, per sqrt(year)
  double line_shock_reversion_per_year =
      0.0;  ///< kappa: a line's log demand shock reverts to 0 at this rate (0: random walk)
};

/// Entry of start-ups and SMEs.
struct EntryParams {
  double sme_entry_per_year = 0.03;         ///< new SMEs a year, as a share of enterprises at start
  double talent_founding_per_year = 0.002;  ///< founding rate of talent with propensity 1
  double founder_seed_yuan = 1.0e6;         ///< median founders' own money in a new start-up
  double founder_seed_log_sd = 1.0;         ///< log s.d. of founders' money across start-ups
  double profit_elasticity = 1.0;  ///< elasticity of the founding rate to expected return per yuan of development cost
  double unsubsidised_cost_share = 0.25;  ///< share of a founder's development cost no R&D subsidy covers
};

struct Chain {
  BasicResearchParams basic_research;
  BreakthroughParams breakthrough;
  ProgressParams progress;
  ComputeParams compute;
  TransferParams transfer;
  FinanceParams finance;
  TalentMarketParams talent;
  MarketParams market;
  EntryParams entry;
};

struct OutputParams {
  std::int64_t compression_level = 4;          ///< deflate level
  std::int64_t progress_interval_months = 12;  ///< plain progress lines when not on a terminal
  std::int64_t snapshot_interval_months = 0;   ///< 0: no /snapshots
  bool events_transfers = false;               ///< write /events/transfers
  bool events_deals = false;                   ///< write /events/deals
  bool events_launches = false;                ///< write /events/launches
  bool policy_recipients = true;               ///< write /policy_recipients (one row per firm paid per month)
};

/// One policy instrument instance (docs/policies.md): its registered type, a unique name,
/// a time window, eligibility selectors and the instrument's own parameters.
struct PolicyConfig {
  std::string type;
  std::string name;
  std::int64_t start_month = 0;
  std::int64_t end_month = -1;                         ///< last month it acts; -1: to the end of the run
  std::vector<std::string> kinds;                      ///< eligible agent sub-kinds (empty: all the instrument allows)
  std::vector<std::string> fields;                     ///< eligible fields (empty: all)
  std::vector<std::string> regions;                    ///< eligible regions (empty: all)
  std::vector<std::pair<std::string, double>> values;  ///< numeric parameters, in schema order
  std::vector<std::pair<std::string, std::string>> choices;  ///< choice parameters, in schema order

  double value(const std::string& key) const;
  const std::string& choice(const std::string& key) const;
  bool active(std::int64_t month) const { return month >= start_month && (end_month < 0 || month <= end_month); }
};

/// A fully resolved scenario (after extends and --set).
struct Scenario {
  std::string name = "unnamed";
  std::string description;
  std::int64_t seed = 20250101;  ///< in [0, 9e15]
  std::int64_t horizon_months = 120;
  World world;
  Agents agents;
  Chain chain;
  OutputParams output;
  std::vector<PolicyConfig> policies;

  /// Agent count after world.scale, at least 1 when the province count is positive.
  static std::int64_t scaled(std::int64_t count, double scale);
};

}  // namespace innochain
