// The typed scenario: every parameter of a run, with its default.
//
// Defaults live here and only here. Units, ranges, descriptions and sources
// live beside each key in schema.cpp; docs/scenarios.md is generated from the
// two (`innochain docs scenarios`) and a test keeps it in step.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace innochain {

using Matrix = std::vector<std::vector<double>>;

/// A region of the province (or Hong Kong): where agents live.
struct RegionSpec {
  std::string name;
  double institute_share = 0.0;   ///< share of institutes located here
  double enterprise_share = 0.0;  ///< share of enterprises located here
  double financier_share = 0.0;   ///< share of financiers located here
  double talent_share = 0.0;      ///< share of unemployed talent living here
};

/// A technology field, which is also an industrial sector.
struct FieldSpec {
  std::string name;
  double compute_intensity = 0.15;    ///< share of R&D cost that is compute
  double cost_multiplier = 1.0;       ///< scales every stage's monthly cost
  double speed_multiplier = 1.0;      ///< scales every stage's progress rate
  double institute_weight = 1.0;      ///< relative weight in institutes' research portfolios
  double enterprise_share = 0.2;      ///< share of enterprises whose sector this is
};

/// Project stages (links 1-3). Index into per-stage parameter arrays.
enum class Stage : std::uint8_t { basic = 0, breakthrough, proof_of_concept, pilot, market };
inline constexpr int kCostlyStages = 4;  // every stage but market has cost, speed and hazard
inline constexpr std::array<const char*, 5> kStageNames = {"basic", "breakthrough", "proof_of_concept", "pilot",
                                                           "market"};

struct StageParams {
  double duration_months = 12.0;       ///< expected months to complete at full funding and reference skill
  double cost_yuan_per_month = 1.0e5;  ///< monthly cost at full speed, before the field multiplier
  double hazard_per_month = 0.02;      ///< monthly failure probability of a project of quality 1
};

struct World {
  double scale = 1.0;  ///< multiplies every agent count (1 = the whole province)
  std::vector<RegionSpec> regions;
  std::vector<FieldSpec> fields;
  Matrix friction;      ///< [region][region], 1 on the diagonal
  Matrix proximity;     ///< [field][field], 1 on the diagonal
  Matrix input_output;  ///< [field][field] technical coefficients a_ij (input i per unit of output j)
};

struct InstituteParams {
  std::int64_t count = 400;
  double share_university = 0.55;
  double share_national_lab = 0.10;
  double share_new_rd_institute = 0.35;
  double budget_yuan_per_month_median = 8.0e6;
  double budget_log_sd = 0.9;
  double project_budget_share = 0.35;  ///< share of the budget funding applied projects (the rest funds basic research)
  double transfer_office_capacity = 4.0;  ///< cases per month
  double transfer_office_skill = 0.5;
  double risk_aversion = 2.0;
  double sanction_probability = 0.3;
  double inventor_share = 0.5;
  double initial_knowledge = 5.0;
};

struct EnterpriseParams {
  std::int64_t count = 80000;
  double share_chain_leader = 0.005;
  double share_sme = 0.795;
  double share_startup = 0.20;
  double revenue_median_chain_leader = 3.0e8;  ///< yuan per month
  double revenue_median_sme = 6.0e6;
  double revenue_median_startup = 3.0e5;
  double revenue_log_sd = 1.2;
  double rd_share_of_revenue = 0.04;
  double absorptive_capacity_mean = 0.5;
};

struct FinancierParams {
  std::int64_t count = 1000;
  double share_venture_capital = 0.70;
  double share_guidance_fund = 0.10;
  double share_bank = 0.20;
  double capital_median_yuan = 5.0e8;
  double capital_log_sd = 1.0;
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
  double discoveries_per_month = 1.0;    ///< of a reference institute (budget 10M yuan/month, 100 researchers)
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
  double funding_elasticity = 1.0;
  double compute_elasticity = 0.7;
  double quality_hazard_elasticity = 0.8;
  std::array<StageParams, kCostlyStages> stages = {{
      {18.0, 5.0e4, 0.030},
      {12.0, 2.0e5, 0.025},
      {9.0, 3.0e5, 0.035},
      {12.0, 5.0e5, 0.030},
  }};
};

struct Chain {
  BasicResearchParams basic_research;
  BreakthroughParams breakthrough;
  ProgressParams progress;
};

struct OutputParams {
  std::int64_t compression_level = 4;  ///< deflate level
  std::int64_t progress_interval_months = 12;  ///< plain progress lines when not on a terminal
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

  /// Agent count after world.scale, at least 1 when the province count is positive.
  static std::int64_t scaled(std::int64_t count, double scale);
};

}  // namespace innochain
