#include "scenario/schema.hpp"

#include <fmt/format.h>

#include <cmath>

namespace innochain {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Accessor shorthands: a member of the scenario, of the i-th region, of the i-th field.
#define AT(member) \
  [](Scenario & s, std::size_t) -> auto& { return s.member; }
#define REGION(member) \
  [](Scenario & s, std::size_t i) -> auto& { return s.world.regions[i].member; }
#define FIELD(member) \
  [](Scenario & s, std::size_t i) -> auto& { return s.world.fields[i].member; }

Param real(std::string path, RealRef ref, std::string unit, double lo, double hi, std::string doc,
           std::string source = "prior") {
  return Param{std::move(path), std::move(unit), std::move(doc), std::move(source), lo, hi, std::move(ref), {}};
}

Param prob(std::string path, RealRef ref, std::string doc, std::string source = "prior") {
  return real(std::move(path), std::move(ref), "probability", 0.0, 1.0, std::move(doc), std::move(source));
}

Param share(std::string path, RealRef ref, std::string doc, std::string source = "prior") {
  return real(std::move(path), std::move(ref), "share", 0.0, 1.0, std::move(doc), std::move(source));
}

Param integer(std::string path, IntRef ref, std::string unit, double lo, double hi, std::string doc,
              std::string source = "prior") {
  return Param{std::move(path), std::move(unit), std::move(doc), std::move(source), lo, hi, std::move(ref), {}};
}

Param boolean(std::string path, BoolRef ref, std::string doc) {
  return Param{std::move(path), "", std::move(doc), "run setting", -kInf, kInf, std::move(ref), {}};
}

Param string(std::string path, StringRef ref, std::string doc) {
  return Param{std::move(path), "", std::move(doc), "", -kInf, kInf, std::move(ref), {}};
}

Param matrix(std::string path, MatrixRef ref, double lo, double hi, MatrixShape shape, std::string doc,
             std::string source = "prior") {
  return Param{std::move(path), "1", std::move(doc), std::move(source), lo, hi, std::move(ref), std::move(shape)};
}

template <class Elem>
NamedList named_list(std::vector<Elem> World::*member, std::vector<Param> elements) {
  NamedList l;
  l.size = [member](const Scenario& s) { return (s.world.*member).size(); };
  l.resize = [member](Scenario& s, std::size_t n) { (s.world.*member).resize(n); };
  l.name = [member](Scenario& s, std::size_t i) -> std::string& { return (s.world.*member)[i].name; };
  l.elements = std::move(elements);
  return l;
}

Param list(std::string path, NamedList l, std::string doc) {
  return Param{std::move(path), "", std::move(doc), "", -kInf, kInf, std::move(l), {}};
}

std::vector<Param> region_keys() {
  return {
      share("institute_share", REGION(institute_share), "Share of research institutes located in the region."),
      share("enterprise_share", REGION(enterprise_share), "Share of enterprises located in the region."),
      share("financier_share", REGION(financier_share), "Share of financiers located in the region."),
      share("talent_share", REGION(talent_share),
            "Share of talent not employed at start who live in the region (employed talent live where their "
            "employer is)."),
      real("rd_share_multiplier", REGION(rd_share_multiplier), "1", 0.0, 10.0,
           "Multiplies agents.enterprises.rd_share_of_revenue for enterprises located in the region (regional "
           "R&D effort: industrial specialisation the fields do not capture); the region's firms also start with "
           "proportionally more R&D staff.",
           "prior default 1; the baseline calibrates Dongguan's to its R&D intensity (4.1 %), docs/validation.md"),
      real("compute_capacity_gpu_hours_per_month", REGION(compute_capacity_gpu_hours_per_month), "GPU-hours/month", 0.0,
           1e15,
           "Accelerator time for rent to R&D in the region at month 0 (public compute centres and commercial clouds), "
           "in A100-equivalent GPU-hours a month, province figure (multiplied by world.scale); grows at "
           "chain.compute.capacity_growth_per_year. Holders in the region buy from it (docs/model.md, compute market).",
           "prior default (practically unlimited); the baseline converts published intelligent-compute figures at "
           "1 EFLOPS (FP16) = 3 205 A100 x 730 hours = 2.34 million GPU-hours a month, docs/model.md"),
      real("new_compute_centre_gpu_hours_per_month", REGION(new_compute_centre_gpu_hours_per_month), "GPU-hours/month",
           0.0, 1e15,
           "A new compute centre the scenario opens in the region: capacity it adds from new_compute_centre_month on, "
           "province figure (multiplied by world.scale; no public cost is counted; the compute_centre instrument is "
           "the policy version)."),
      real("new_compute_centre_month", REGION(new_compute_centre_month), "month", 0.0, 1200.0,
           "Month from which new_compute_centre_gpu_hours_per_month is available."),
  };
}

std::vector<Param> field_keys() {
  return {
      real("compute_gpu_hours_per_month", FIELD(compute_gpu_hours_per_month), "GPU-hours/month", 0.0, 1e9,
           "Accelerator time a project of the field uses a month in BREAKTHROUGH at full speed, in A100-equivalent "
           "GPU-hours (other stages: times their compute_multiplier); bought in the region's compute market. Its "
           "cost share at the base price sets the CES weight of compute in the field's progress.",
           "prior default (15 % of the default breakthrough cost at the base price); the baseline's values are "
           "priors set from compute shares of R&D cost, docs/model.md"),
      real("cost_multiplier", FIELD(cost_multiplier), "1", 0.01, 100.0,
           "Multiplies every stage's monthly cost other than compute for projects in this field."),
      real("speed_multiplier", FIELD(speed_multiplier), "1", 0.01, 100.0,
           "Multiplies every stage's progress rate for projects in this field."),
      real("institute_weight", FIELD(institute_weight), "1", 0.0, kInf,
           "Relative weight of the field in institutes' research portfolios (normalised over fields)."),
      share("enterprise_share", FIELD(enterprise_share),
            "Share of enterprises whose sector is this field (shares over fields sum to 1)."),
      real("market_growth_per_year", FIELD(market_growth_per_year), "1/year", -0.5, 1.0,
           "Annual growth of the sector's final demand (nominal; the baseline is in constant prices with 0).",
           "prior default; the stationary baseline uses 0 (constant prices, no exogenous growth), docs/model.md"),
  };
}

MatrixShape by_regions() {
  return {[](const Scenario& s) {
            return std::pair{s.world.regions.size(), s.world.regions.size()};
          },
          "one row and one column per region in world.regions"};
}

MatrixShape fields_by_regions() {
  return {[](const Scenario& s) {
            return std::pair{s.world.fields.size(), s.world.regions.size()};
          },
          "one row per field in world.fields and one column per region in world.regions, or empty"};
}

MatrixShape by_fields() {
  return {[](const Scenario& s) {
            return std::pair{s.world.fields.size(), s.world.fields.size()};
          },
          "one row and one column per field in world.fields"};
}

std::vector<Param> stage_keys() {
  std::vector<Param> keys;
  const char* sources[kCostlyStages] = {
      "prior; a basic project lasts about 1.5 years",
      "prior",
      "prior; proof of concept is the first 'valley of death' stage",
      "prior; pilot-scale tests (中试) are the costliest pre-market stage",
  };
  for (int st = 0; st < kCostlyStages; ++st) {
    const std::string base = std::string("chain.progress.stages.") + kStageNames[st] + ".";
    keys.push_back(real(
        base + "duration_months",
        [st](Scenario& s, std::size_t) -> double& { return s.chain.progress.stages[st].duration_months; }, "months",
        0.5, 240.0, "Expected months to finish the stage at full funding, full compute and reference skill.",
        sources[st]));
    keys.push_back(real(
        base + "cost_yuan_per_month",
        [st](Scenario& s, std::size_t) -> double& { return s.chain.progress.stages[st].cost_yuan_per_month; },
        "yuan/month", 0.0, 1e10,
        "Monthly cost of a project in the stage at full speed other than compute (staff, materials, equipment), "
        "before the field's cost multiplier.",
        "prior"));
    keys.push_back(real(
        base + "compute_multiplier",
        [st](Scenario& s, std::size_t) -> double& { return s.chain.progress.stages[st].compute_multiplier; }, "1", 0.0,
        100.0,
        "GPU-hours a project uses a month in the stage, relative to BREAKTHROUGH (the field's "
        "compute_gpu_hours_per_month is BREAKTHROUGH's).",
        "prior: in proportion to the stage's other costs (0.25, 1, 1.5, 2.5), so a field's compute share is the "
        "same in every stage"));
    keys.push_back(prob(
        base + "hazard_per_month",
        [st](Scenario& s, std::size_t) -> double& { return s.chain.progress.stages[st].hazard_per_month; },
        "Monthly failure probability of a project of latent quality 1 in the stage.",
        st == 0 ? std::string("prior (BASIC is not calibrated)")
                : std::string("prior default; the baseline calibrates it to stage pass rates (drug "
                              "phases as a guide), docs/validation.md")));
  }
  return keys;
}

std::vector<Param> build_schema() {
  std::vector<Param> p = {
      string("name", AT(name), "Scenario name, recorded in the run file."),
      string("description", AT(description), "Free text describing the scenario."),
      integer("seed", AT(seed), "1", 0, 9.0e15,
              "Run seed; with the replication it keys every random draw (common random numbers across scenarios).",
              "run setting"),
      integer("horizon_months", AT(horizon_months), "months", 1, 1200, "Months simulated.",
              "run setting (ten years: the horizon of the provincial innovation plan)"),

      // ---- world
      real("world.scale", AT(world.scale), "1", 1e-4, 10.0,
           "Multiplies every agent count (1 = the whole province; 0.01 = the small variant). Per-agent "
           "quantities are unscaled, so aggregate flows scale with it.",
           "run setting"),
      integer("world.spin_up_months", AT(world.spin_up_months), "months", 0, 600,
              "Months simulated from the constructed population before month 0, unrecorded, with no policy "
              "active and the exogenous trends (budgets, compute capacity, market growth) at their month-0 "
              "values: the stocks that adjust slowly (start-ups, their funding histories, SMEs) start the "
              "recorded months from the model's own state rather than the construction's.",
              "prior: long enough that the baseline's stocks and flows drift by under 1 % a year over years 4-10 "
              "(docs/validation.md, Stationarity)"),
      list("world.regions", named_list(&World::regions, region_keys()),
           "Regions, each a map with `name` and the keys below; listed in the order of friction rows."),
      list("world.fields", named_list(&World::fields, field_keys()),
           "Technology fields (= industrial sectors), each a map with `name` and the keys below."),
      matrix("world.friction", AT(world.friction), 0.0, 1.0, by_regions(),
             "Region x region matching friction: the factor on the chance that agents in two regions match in any "
             "market (1 on the diagonal, < 1 off it)."),
      matrix("world.proximity", AT(world.proximity), 0.0, 1.0, by_fields(),
             "Field x field technology proximity: weights knowledge spill-overs and absorption across fields (1 on "
             "the diagonal)."),
      matrix("world.input_output", AT(world.input_output), 0.0, 1.0, by_fields(),
             "Field x field input-output technical coefficients a_ij (input from sector i per yuan of output of "
             "sector j); column sums below 1."),
      matrix("world.field_region_affinity", AT(world.field_region_affinity), 0.0, 1e6, fields_by_regions(),
             "Field x region association of enterprises (1 = none; 2 = twice as many of the field's firms in the "
             "region as independence would put there). The joint distribution of a firm's field and region is this "
             "seed raked to the fields' and regions' enterprise_share by iterative proportional fitting (Deming and "
             "Stephan 1940), so both sets of shares still hold. Optional: without it (an empty list) field and "
             "region are independent."),

      // ---- agents: institutes
      integer("agents.institutes.count", AT(agents.institutes.count), "institutes", 0, 1e6,
              "Research institutes at world.scale = 1.",
              "Guangdong Department of Science and Technology: about 400 universities and research institutes report "
              "transfers (2023)"),
      share("agents.institutes.share_university", AT(agents.institutes.share_university),
            "Share of institutes that are universities (the three shares sum to 1)."),
      share("agents.institutes.share_national_lab", AT(agents.institutes.share_national_lab),
            "Share of institutes that are national laboratories."),
      share("agents.institutes.share_new_rd_institute", AT(agents.institutes.share_new_rd_institute),
            "Share of institutes that are new-type R&D institutes (新型研发机构)."),
      real("agents.institutes.budget_yuan_per_month_median", AT(agents.institutes.budget_yuan_per_month_median),
           "yuan/month", 0.0, 1e11, "Median monthly research budget (log-normal across institutes).",
           "prior; institutes' share of Guangdong R&D spending (480 bn yuan in 2023, Guangdong statistical communiqué "
           "on S&T funding) over 400 institutes"),
      real("agents.institutes.budget_log_sd", AT(agents.institutes.budget_log_sd), "log points", 0.0, 5.0,
           "Log standard deviation of institute budgets."),
      real("agents.institutes.budget_growth_per_year", AT(agents.institutes.budget_growth_per_year), "1/year", -0.5,
           1.0, "Annual growth of institutes' public budgets (applied monthly).",
           "prior default: Guangdong public R&D spending grew by about 6-10 % a year in 2019-2023; the stationary "
           "baseline uses 0 (constant prices), docs/model.md"),
      share("agents.institutes.project_budget_share", AT(agents.institutes.project_budget_share),
            "Share of an institute's budget that funds its applied projects; the rest funds basic research."),
      real("agents.institutes.transfer_office_capacity", AT(agents.institutes.transfer_office_capacity), "cases/month",
           0.0, 1e4, "Cases the technology-transfer office can handle a month (used by link 3)."),
      share("agents.institutes.transfer_office_skill", AT(agents.institutes.transfer_office_skill),
            "Transfer-office skill: scales the chance a viable route is found ('don't know how'; link 3).",
            "prior default; the baseline calibrates it to transfers a year, docs/validation.md"),
      real("agents.institutes.risk_aversion", AT(agents.institutes.risk_aversion), "1", 0.0, 100.0,
           "Officials' risk aversion ('don't dare'; link 3)."),
      prob("agents.institutes.sanction_probability", AT(agents.institutes.sanction_probability),
           "Officials' perceived probability of sanction for a transfer that later looks bad ('don't dare'; link 3)."),
      share("agents.institutes.inventor_share", AT(agents.institutes.inventor_share),
            "Inventor's share of transfer income ('don't want'; link 3).",
            "prior; Guangdong rules allow at least 70 % after ownership reform"),

      // ---- agents: enterprises
      integer("agents.enterprises.count", AT(agents.enterprises.count), "enterprises", 0, 1e8,
              "Enterprises constructed at the start (before the spin-up), at world.scale = 1.",
              "default: Guangdong Department of Science and Technology, about 75 000 high-tech enterprises (2023); "
              "the Guangdong baseline calibrates it so that the count after the spin-up is the data's "
              "(docs/model.md 3.5)"),
      share("agents.enterprises.share_chain_leader", AT(agents.enterprises.share_chain_leader),
            "Share of enterprises that are chain leaders (链主企业)."),
      share("agents.enterprises.share_sme", AT(agents.enterprises.share_sme), "Share of enterprises that are SMEs."),
      share("agents.enterprises.share_startup", AT(agents.enterprises.share_startup),
            "Share of enterprises that are start-ups."),
      real("agents.enterprises.revenue_median_chain_leader", AT(agents.enterprises.revenue_median_chain_leader),
           "yuan/month", 0.0, 1e12, "Median monthly revenue of chain leaders (log-normal)."),
      real("agents.enterprises.revenue_median_sme", AT(agents.enterprises.revenue_median_sme), "yuan/month", 0.0, 1e12,
           "Median monthly revenue of SMEs (log-normal)."),
      real("agents.enterprises.revenue_log_sd", AT(agents.enterprises.revenue_log_sd), "log points", 0.0, 5.0,
           "Log standard deviation of revenue within a sub-kind."),
      share(
          "agents.enterprises.rd_share_of_revenue", AT(agents.enterprises.rd_share_of_revenue),
          "Share of revenue spent on R&D projects.",
          "prior anchored to the high-tech enterprise certification rule (R&D at least 3-5 % of revenue by firm size); "
          "the baseline calibrates it to R&D spending, docs/validation.md"),
      share("agents.enterprises.absorptive_capacity_mean", AT(agents.enterprises.absorptive_capacity_mean),
            "Mean absorptive capacity (beta-like, in [0, 1]): raises own-project quality and contract research."),
      share("agents.enterprises.operating_margin", AT(agents.enterprises.operating_margin),
            "Share of revenue left after operating costs other than R&D (wages, inputs).",
            "prior; typical net margins of Chinese high-tech manufacturing"),
      real("agents.enterprises.initial_cash_months", AT(agents.enterprises.initial_cash_months), "months", 0.0, 120.0,
           "Initial cash holdings, in months of revenue."),
      integer("agents.enterprises.exit_after_loss_months", AT(agents.enterprises.exit_after_loss_months), "months", 1,
              240,
              "An enterprise exits after this many consecutive months of losses while its cash covers less than three "
              "months of its burn (overhead and R&D), or of negative cash."),
      real("agents.enterprises.overhead_yuan_per_staff_month", AT(agents.enterprises.overhead_yuan_per_staff_month),
           "yuan/person/month", 0.0, 1e7,
           "Fixed costs per R&D employee, paid whatever the revenue: what makes cash-poor start-ups fail."),
      real("agents.enterprises.cash_cap_months", AT(agents.enterprises.cash_cap_months), "months", 0.0, 1200.0,
           "Chain leaders and SMEs pay their owners the cash above this many months of revenue (dividends); "
           "start-ups keep their cash."),
      prob("agents.enterprises.sme_exit_per_year", AT(agents.enterprises.sme_exit_per_year),
           "Annual probability that an SME closes or leaves the province for reasons the model does not represent "
           "(owners retiring, relocation, losing the high-tech certification); drawn monthly.",
           "prior (0 = off); docs/validation.md"),
      real("agents.enterprises.revenue_per_line_yuan_per_month", AT(agents.enterprises.revenue_per_line_yuan_per_month),
           "yuan/month", 1.0, 1e12,
           "Firms present at the start get max(1, round((revenue / this)^lines_size_elasticity)) product lines of "
           "equal appeal, summing to their revenue.",
           "prior default: the median SME's revenue (one line for the median SME); the baseline uses a quarter of "
           "it, four lines (a good a competitor's launch can take over, finer than an industry code: Bernard, "
           "Redding and Schott 2010; Hottman, Redding and Weinstein 2016), docs/model.md 3.1"),
      real("agents.enterprises.lines_size_elasticity", AT(agents.enterprises.lines_size_elasticity), "1", 0.0, 1.0,
           "Elasticity of the number of initial product lines with respect to revenue (1: lines of equal size, as "
           "in Klette and Kortum 2004; 0: one line per firm).",
           "prior 1 (issue 16): a firm's size is its number of goods of bounded size, as in Klette and Kortum "
           "(2004) and the proportional growth model of Riccaboni et al. (2008), so that large firms are "
           "many-line firms and growth volatility falls with size; at the barcode level sales per product rise "
           "with firm size (Hottman, Redding and Weinstein 2016: an elasticity below 1), docs/model.md 3.1"),
      Param{"agents.enterprises.equal_initial_size",
            "",
            "Every firm present at the start gets its kind's median revenue (chain leader, SME or start-up), so that "
            "the size and growth-rate distributions can only come from the model's dynamics (the emergence check of "
            "docs/validation.md). The log-normal draw is still made and discarded, so the other draws are unchanged.",
            "scenario option",
            -kInf,
            kInf,
            BoolRef(AT(agents.enterprises.equal_initial_size)),
            {}},
      share("agents.enterprises.contract_work_share_of_revenue", AT(agents.enterprises.contract_work_share_of_revenue),
            "Share of revenue that firms selling products spend, within their operating costs, on contract work "
            "(technical services and development) bought from firms of their field that have no product yet; each "
            "field's spending is shared among those firms in proportion to their R&D staff, at most the engineer "
            "wage x the market wage index per employee. Contract work lengthens young firms' runways, and a "
            "crowded contract market shortens them.",
            "prior: technical-service and development contracts are a common early income of Chinese technology "
            "start-ups (technology contract market statistics, Ministry of Science and Technology)"),
      real("agents.enterprises.startup_runway_months", AT(agents.enterprises.startup_runway_months), "months", 1.0,
           120.0,
           "A firm without product revenue spreads its cash over this many months: its monthly R&D budget and its "
           "staff target are its cash divided by this.",
           "prior: start-ups plan 18-24 months of runway between rounds (venture practice)"),

      // ---- agents: financiers
      integer("agents.financiers.count", AT(agents.financiers.count), "financiers", 0, 1e6,
              "Financiers at world.scale = 1.",
              "prior: order of magnitude of the province's venture funds, guidance funds and bank branches lending to "
              "technology firms"),
      share("agents.financiers.share_venture_capital", AT(agents.financiers.share_venture_capital),
            "Share of financiers that are venture-capital funds."),
      share("agents.financiers.share_guidance_fund", AT(agents.financiers.share_guidance_fund),
            "Share of financiers that are government guidance funds."),
      share("agents.financiers.share_bank", AT(agents.financiers.share_bank), "Share of financiers that are banks."),
      real("agents.financiers.capital_median_yuan", AT(agents.financiers.capital_median_yuan), "yuan", 0.0, 1e13,
           "Median capital available to a financier (log-normal)."),
      real("agents.financiers.capital_log_sd", AT(agents.financiers.capital_log_sd), "log points", 0.0, 5.0,
           "Log standard deviation of financiers' capital."),
      real("agents.financiers.threshold_log_sd", AT(agents.financiers.threshold_log_sd), "log points", 0.0, 5.0,
           "Spread of funds' screening thresholds around chain.finance.venture_threshold (risk tolerance)."),

      // ---- agents: talent
      integer("agents.talent.count", AT(agents.talent.count), "people", 0, 1e9, "Talent at world.scale = 1.",
              "prior: order of magnitude of Guangdong's R&D personnel (over one million people, provincial statistical "
              "yearbooks)"),
      share("agents.talent.share_researcher", AT(agents.talent.share_researcher),
            "Share of talent who are researchers employed by institutes."),
      share("agents.talent.share_engineer", AT(agents.talent.share_engineer),
            "Share of talent who are engineers employed by enterprises."),
      share("agents.talent.share_industry_scientist", AT(agents.talent.share_industry_scientist),
            "Share of talent who are industry scientists employed by enterprises; the remainder of the three "
            "shares starts unemployed."),
      real("agents.talent.skill_log_sd", AT(agents.talent.skill_log_sd), "log points", 0.0, 3.0,
           "Log standard deviation of skill (skill has mean 1)."),
      share("agents.talent.entrepreneurial_propensity_mean", AT(agents.talent.entrepreneurial_propensity_mean),
            "Mean entrepreneurial propensity (used by link 5 and entry)."),

      // ---- chain: link 1
      real("chain.basic_research.discoveries_per_month", AT(chain.basic_research.discoveries_per_month),
           "discoveries/month", 0.0, 1e4,
           "Discovery rate of a reference institute (10 million yuan/month of basic-research budget, 100 "
           "researchers, no spill-over)."),
      real("chain.basic_research.budget_elasticity", AT(chain.basic_research.budget_elasticity), "1", 0.0, 2.0,
           "Cobb-Douglas elasticity of the discovery rate with respect to the basic-research budget."),
      real("chain.basic_research.researcher_elasticity", AT(chain.basic_research.researcher_elasticity), "1", 0.0, 2.0,
           "Cobb-Douglas elasticity of the discovery rate with respect to researchers employed."),
      real("chain.basic_research.spillover_strength", AT(chain.basic_research.spillover_strength), "1", 0.0, 10.0,
           "Strength of proximity-weighted knowledge spill-over on the discovery rate."),
      share("chain.basic_research.knowledge_depreciation_per_year",
            AT(chain.basic_research.knowledge_depreciation_per_year), "Annual depreciation of knowledge stocks."),
      real("chain.basic_research.quality_log_sd", AT(chain.basic_research.quality_log_sd), "log points", 0.0, 5.0,
           "Log standard deviation of a discovery's latent quality."),
      real(
          "chain.basic_research.knowledge_quality_elasticity", AT(chain.basic_research.knowledge_quality_elasticity),
          "1", 0.0, 2.0,
          "Elasticity of a discovery's expected quality with respect to (1 + the institute's knowledge in the field)."),

      // ---- chain: link 2
      prob("chain.breakthrough.contract_research_probability", AT(chain.breakthrough.contract_research_probability),
           "Chance that a finished basic project is offered to the contract-research market (else it continues at "
           "its institute).",
           "prior default; the baseline calibrates it to transfer income, docs/validation.md"),
      real("chain.breakthrough.contract_value_yuan_median", AT(chain.breakthrough.contract_value_yuan_median), "yuan",
           0.0, 1e11, "Median value of a contract-research agreement for a project of quality 1.",
           "prior default; the baseline sets it by hand (25 million yuan, below the firms' cash constraint), "
           "docs/validation.md"),
      real("chain.breakthrough.rd_staff_zeta", AT(chain.breakthrough.rd_staff_zeta), "1/person/month", 0.0, 10.0,
           "K+S hazard: an enterprise starts an own breakthrough project with probability 1 - exp(-zeta * R&D "
           "staff) per month, when its budget covers the projects under way and the new one.",
           "prior default; functional form from Klette and Kortum (2004); the baseline keeps the value last "
           "calibrated to R&D spending (with the start rule budgets bind), docs/validation.md"),
      real("chain.breakthrough.enterprise_quality_log_mean", AT(chain.breakthrough.enterprise_quality_log_mean),
           "log points", -10.0, 10.0,
           "Log mean quality of enterprise-originated projects at zero absorptive capacity."),
      real("chain.breakthrough.absorptive_quality_gain", AT(chain.breakthrough.absorptive_quality_gain), "log points",
           0.0, 10.0, "Added log quality of enterprise projects per unit of absorptive capacity."),

      // ---- chain: progress in every stage
      real("chain.progress.skill_elasticity", AT(chain.progress.skill_elasticity), "1", 0.0, 5.0,
           "Elasticity of progress with respect to the holder's mean R&D staff skill (f in docs/model.md)."),
      real("chain.progress.funding_elasticity", AT(chain.progress.funding_elasticity), "1", 0.0, 5.0,
           "Elasticity of progress with respect to the project's input index X: the CES aggregate of the other "
           "inputs and compute it gets, relative to full speed (docs/model.md, progress)."),

      // ---- chain: the compute market
      real("chain.compute.base_price_yuan_per_gpu_hour", AT(chain.compute.base_price_yuan_per_gpu_hour),
           "yuan/GPU-hour", 0.01, 1e4,
           "Price of an A100-equivalent GPU-hour while a region's utilisation is at or below the target; also the "
           "price at which the CES weights of compute and the other inputs are the cost shares.",
           "prior anchored to 2023-2024 cloud rental prices of A100/A800-class accelerators in China (about 8-12 "
           "yuan per card-hour)"),
      real("chain.compute.substitution_elasticity", AT(chain.compute.substitution_elasticity), "1", 0.0, 10.0,
           "CES elasticity of substitution between compute and the project's other inputs (researcher time, "
           "materials): how far holders shift towards compute when it is cheaper (cost-minimising mix).",
           "prior: no estimate for compute in R&D exists; set at the centre of capital-labour estimates, 0.4-0.6 "
           "(Chirinko 2008), i.e. complements"),
      share("chain.compute.target_utilisation", AT(chain.compute.target_utilisation),
            "Utilisation of a region's capacity (GPU-hours wanted / available) up to which the price stays at the "
            "base price; above it the price rises.",
            "prior: cloud providers keep headroom for peaks"),
      real("chain.compute.price_elasticity", AT(chain.compute.price_elasticity), "1", 0.0, 20.0,
           "Above the target utilisation u*, the target price is base x (u / u*)^this (u can exceed 1: wanted "
           "hours beyond capacity are rationed)."),
      share("chain.compute.price_adjustment_per_month", AT(chain.compute.price_adjustment_per_month),
            "Share of the gap between last month's price and the target price (from last month's utilisation) "
            "closed each month."),
      real("chain.compute.capacity_growth_per_year", AT(chain.compute.capacity_growth_per_year), "1/year", -0.5, 5.0,
           "Growth of every region's compute capacity (commercial and public build-out), compounded monthly.",
           "prior (published intelligent-compute targets grow much faster, e.g. Shenzhen 10 to 50 EFLOPS in 2024-25; "
           "not all of it is for rent to R&D)"),
      real("chain.progress.quality_hazard_elasticity", AT(chain.progress.quality_hazard_elasticity), "1", 0.0, 5.0,
           "The failure hazard falls with latent quality as quality^(-elasticity)."),

      // ---- chain: link 3
      real("chain.transfer.sanction_size_yuan", AT(chain.transfer.sanction_size_yuan), "yuan", 0.0, 1e10,
           "Officials' loss if sanctioned for a transfer ('don't dare'): approval needs expected gain > risk "
           "aversion x perceived sanction probability x this.",
           "prior default; the baseline scales it with chain.transfer.transfer_value_yuan_median, docs/validation.md"),
      share("chain.transfer.inventor_effort_half_share", AT(chain.transfer.inventor_effort_half_share),
            "Inventor share of income at which the inventor's effort is half its maximum ('don't want')."),
      real("chain.transfer.inventor_effort_elasticity", AT(chain.transfer.inventor_effort_elasticity), "1", 0.1, 10.0,
           "Elasticity of the saturating effort function e(s) = s^k / (s^k + h^k) at small shares."),
      real("chain.transfer.tie_skill_gain", AT(chain.transfer.tie_skill_gain), "1", 0.0, 5.0,
           "Gain in the office's chance of finding a route per log(1 + industry ties) ('don't know how')."),
      real("chain.transfer.transfer_value_yuan_median", AT(chain.transfer.transfer_value_yuan_median), "yuan", 0.0,
           1e11, "Expected value of transferring a project of quality 1 (scales gains, valuations and fees).",
           "prior default; the baseline calibrates it to transfer contract value, docs/validation.md"),
      real("chain.transfer.screening_noise", AT(chain.transfer.screening_noise), "log points", 0.0, 5.0,
           "Log standard deviation of the transfer office's view of a project's quality."),
      real("chain.transfer.screening_threshold", AT(chain.transfer.screening_threshold), "quality", 0.0, 100.0,
           "Seen quality an office requires before approving, at full screening care."),
      real("chain.transfer.bad_quality_threshold", AT(chain.transfer.bad_quality_threshold), "quality", 0.0, 100.0,
           "Transferred projects of latent quality below this count as bad transfers."),
      integer("chain.transfer.licence_candidates", AT(chain.transfer.licence_candidates), "enterprises", 1, 100,
              "Enterprises the licensing market shows an office for each case."),
      share("chain.transfer.licence_fee_share", AT(chain.transfer.licence_fee_share),
            "Share of the buying enterprise's valuation paid as the licence fee."),
      share("chain.transfer.licence_reserve_share", AT(chain.transfer.licence_reserve_share),
            "Reserve price: the office licenses only to a buyer valuing the project above this share of the "
            "office's own valuation (transfer value x seen quality); else the case is shelved for want of a buyer."),
      prob("chain.transfer.spinoff_probability", AT(chain.transfer.spinoff_probability),
           "Spin-off chance for an approved case is this x inventor effort x the inventor's entrepreneurial "
           "propensity relative to the province mean (the institute's researchers' mean x an Exp(1) draw), capped at "
           "1; else licence. The spin-off starts with the founders' seed money (chain.entry.founder_seed_yuan) and "
           "must raise a seed round."),
      integer("chain.transfer.case_expiry_months", AT(chain.transfer.case_expiry_months), "months", 1, 600,
              "A case waiting for its transfer office lapses (is shelved) after this many months without a decision: "
              "the invention is disclosed or published, its priority year runs out, or its team moves on.",
              "prior: the 12-month priority period of the Paris Convention (Art. 4) within which a first filing "
              "must be followed up"),

      // ---- chain: link 4
      real(
          "chain.finance.round_runway_months", AT(chain.finance.round_runway_months), "months", 1.0, 120.0,
          "A start-up spreads its cash over this many months when it sets its staff target (talent market). Rounds are "
          "sized by the next milestone, not by this (chain.finance.milestone_buffer_months).",
          "prior default; the baseline sets it by hand (32 months), docs/validation.md"),
      real("chain.finance.venture_threshold", AT(chain.finance.venture_threshold), "log quality", -10.0, 10.0,
           "Score a median venture fund needs to invest at seed: its posterior mean of the firm's log quality plus the "
           "log of the chance that the lead project reaches the market from its stage (docs/model.md 3.3.6).",
           "prior default; the baseline calibrates it to the incubator funnel, docs/validation.md"),
      real("chain.finance.threshold_step_per_round", AT(chain.finance.threshold_step_per_round), "log quality", 0.0,
           5.0, "Added score needed per later round (series A, B).",
           "prior default; the baseline calibrates it to the venture funnel, docs/validation.md"),
      real(
          "chain.finance.signal_noise", AT(chain.finance.signal_noise), "log points", 0.01, 5.0,
          "Log standard deviation of a fund's own due-diligence signal of a firm's log pipeline quality (its weight in "
          "the fund's belief is its precision, 1 / this^2)."),
      real("chain.finance.prior_log_quality_mean", AT(chain.finance.prior_log_quality_mean), "log quality", -10.0, 10.0,
           "Investors' prior mean of a start-up's log pipeline quality (normal prior).",
           "prior: the log of quality 1, the reference quality of projects"),
      real("chain.finance.prior_log_quality_sd", AT(chain.finance.prior_log_quality_sd), "log points", 0.01, 5.0,
           "Investors' prior standard deviation of a start-up's log pipeline quality.",
           "prior: chain.basic_research.quality_log_sd, the spread of projects' quality"),
      real("chain.finance.milestone_signal_noise", AT(chain.finance.milestone_signal_noise), "log points", 0.01, 5.0,
           "When a start-up's lead project passes a stage gate (a prototype, a pilot, a launch) investors observe its "
           "log quality with this noise; the observation is public and adds 1 / this^2 to their precision.",
           "prior: a stage result is about as informative as a fund's own due diligence"),
      real("chain.finance.raise_trigger_months", AT(chain.finance.raise_trigger_months), "months", 0.0, 120.0,
           "A start-up seeks a round when its cash covers fewer than this many months of its net burn (own project "
           "cost and overhead less its operating margin), besides raising on a milestone.",
           "prior anchored to venture practice: founders start raising with about six months of runway left, because "
           "a round takes three to six months to close"),
      real("chain.finance.milestone_buffer_months", AT(chain.finance.milestone_buffer_months), "months", 0.0, 120.0,
           "A round is sized to carry the start-up through its lead project's current stage (at full speed) plus this "
           "many months of net burn, less its cash.",
           "prior anchored to venture practice: rounds fund the next milestone with about six months to spare "
           "(18-24 months of runway; Carta data put the median time from seed to series A near two years)"),
      real("chain.finance.pre_money_market_yuan", AT(chain.finance.pre_money_market_yuan), "yuan", 0.0, 1e13,
           "Value of a start-up with a product on the market (without its cash), at the prior belief (or the revenue "
           "multiple, whichever is larger). Earlier stages are valued from it: the chance of surviving each remaining "
           "stage, the discount over its months and its cost (chain.finance.valuation_discount_per_year).",
           "prior anchored to the level of dilution: with the stage costs of chain.progress and the beliefs investors "
           "hold of the start-ups they fund, the baseline's seed rounds sell about a fifth of the firm (Carta, US "
           "2023: 20.5 %)"),
      real("chain.finance.valuation_discount_per_year", AT(chain.finance.valuation_discount_per_year), "1/year", 0.0,
           5.0,
           "Investors discount the value a start-up will have at its next milestones at this rate a year (beside the "
           "chance of failing on the way, which they count separately).",
           "prior: venture investors' target returns of 25-70 % a year by stage include the risk of failure "
           "(Metrick and Yasuda 2010, ch. 12); with failure counted explicitly, as in the risk-adjusted valuation of "
           "R&D (Stewart, Allison and Johnson 2001), a rate near the later-stage target"),
      real("chain.finance.max_round_share", AT(chain.finance.max_round_share), "1", 0.01, 1.0,
           "A round never sells more of the firm than this: when the value of the road to market plus cash is below "
           "the round's (1 - this) / this, investors price at that floor.",
           "prior: founders keep control of a venture-backed firm through its early rounds (Kaplan and Stromberg "
           "2003)"),
      real("chain.finance.valuation_quality_elasticity", AT(chain.finance.valuation_quality_elasticity), "1", 0.0, 10.0,
           "The market value of a start-up (chain.finance.pre_money_market_yuan) rises as exp(this x (the lead "
           "investor's posterior mean log quality - the prior mean)).",
           "prior: value proportional to believed quality"),
      real("chain.finance.valuation_revenue_multiple", AT(chain.finance.valuation_revenue_multiple), "years", 0.0,
           100.0, "The pre-money valuation is at least this many years of the start-up's current revenue (traction).",
           "prior: about ten years of earnings at the model's 10 % operating margin, what an established small "
           "business is worth (a start-up's growth story is in its stage valuation)"),
      real("chain.finance.lp_prior_multiple", AT(chain.finance.lp_prior_multiple), "1", 0.0, 100.0,
           "Gross multiple private limited partners expect of a sub-fund whose manager has no track record yet (a "
           "track record is the manager's stakes valued at proceeds if exited, at cost if active).",
           "prior"),
      real("chain.finance.lp_hurdle_per_year", AT(chain.finance.lp_hurdle_per_year), "1/year", 0.0, 1.0,
           "Return private limited partners require before committing to a sub-fund beside a guidance fund.",
           "prior anchored to the customary 8 % preferred return of fund agreements (Metrick and Yasuda 2010)"),
      real("chain.finance.guidance_threshold_discount", AT(chain.finance.guidance_threshold_discount), "log quality",
           0.0, 5.0, "Guidance funds accept a signal this much lower than venture funds."),
      real("chain.finance.guidance_coinvest_ratio", AT(chain.finance.guidance_coinvest_ratio), "1", 0.0, 10.0,
           "Guidance-fund yuan per lead-fund yuan when a guidance fund joins a round; the round's size is set by the "
           "start-up's need, so the co-investor takes this / (1 + this) of it (the initial guidance funds only "
           "co-invest)."),
      integer("chain.finance.deals_per_month", AT(chain.finance.deals_per_month), "deals/month", 0, 1000,
              "Deals a venture or guidance fund can close a month."),
      integer("chain.finance.candidates_per_deal", AT(chain.finance.candidates_per_deal), "financiers", 1, 100,
              "Funds a deal is shown to (drawn with probability scaled by regional friction)."),
      real("chain.finance.bank_leverage", AT(chain.finance.bank_leverage), "1", 0.0, 10.0,
           "Lambda: a bank lends up to Lambda x max(net worth, annual revenue)."),
      real("chain.finance.bank_interest_per_year", AT(chain.finance.bank_interest_per_year), "1/year", 0.0, 1.0,
           "Interest rate on bank loans.", "prior; PBoC one-year loan prime rate about 3.5 % plus a spread"),
      real("chain.finance.exit_multiple_tail", AT(chain.finance.exit_multiple_tail), "1", 0.5, 10.0,
           "Pareto tail index of exit multiples (lower is fatter-tailed).",
           "prior; venture returns are Pareto with index near 1 (Kerr, Nanda and Rhodes-Kropf 2014)"),
      real("chain.finance.exit_multiple_min", AT(chain.finance.exit_multiple_min), "1", 0.0, 100.0,
           "Scale (minimum) of the Pareto exit multiple on invested capital."),
      real("chain.finance.ipo_revenue_yuan_per_month", AT(chain.finance.ipo_revenue_yuan_per_month), "yuan/month", 0.0,
           1e12, "A funded start-up lists (an exit for its investors) when its revenue passes this."),
      real("chain.finance.capital_adjustment_per_year", AT(chain.finance.capital_adjustment_per_year), "1/year", 0.0,
           1.0,
           "Evergreen venture and guidance funds close this share a year of the gap between their capital and their "
           "target size (the size they started with): below it they raise new capital from their limited partners, "
           "above it (exit proceeds not reinvested) they distribute the excess; closed-end funds do not adjust.",
           "prior: managers raise a new vintage about every three to four years (Gompers and Lerner 1998: "
           "commitments answer to the capital funds can deploy and their returns)"),

      // ---- chain: link 5
      real("chain.talent.researcher_wage_yuan_per_month", AT(chain.talent.researcher_wage_yuan_per_month), "yuan/month",
           1.0, 1e7, "Cost of a researcher to an institute (sets vacancies)."),
      real("chain.talent.engineer_wage_yuan_per_month", AT(chain.talent.engineer_wage_yuan_per_month), "yuan/month",
           1.0, 1e7, "Cost of an engineer or industry scientist to an enterprise (sets vacancies)."),
      share("chain.talent.wage_share_of_rd", AT(chain.talent.wage_share_of_rd),
            "Share of R&D budgets spent on R&D staff: budget x share / wage is the staff an employer wants."),
      prob("chain.talent.search_rate_employed", AT(chain.talent.search_rate_employed),
           "Monthly probability that an employed person looks for another job."),
      real("chain.talent.inflow_per_year", AT(chain.talent.inflow_per_year), "1/year", 0.0, 1.0,
           "Arrivals from outside the province a year, as a share of the talent in the province, when the market "
           "wage index is 1 (the scenario's wages).",
           "prior default; the baseline calibrates it so that the talent in the province holds, docs/validation.md"),
      real("chain.talent.outflow_per_year", AT(chain.talent.outflow_per_year), "1/year", 0.0, 1.0,
           "Departures of employed talent from the province a year, as a share."),
      real("chain.talent.unemployed_outflow_multiplier", AT(chain.talent.unemployed_outflow_multiplier), "1", 0.0,
           100.0, "Unemployed talent leave this many times as often as employed talent."),
      share(
          "chain.talent.researcher_to_industry_share", AT(chain.talent.researcher_to_industry_share),
          "Chance that a searching researcher looks at enterprise vacancies rather than institutes' (taking one makes "
          "them an industry scientist tied to their institute)."),
      real("chain.talent.tie_absorptive_gain", AT(chain.talent.tie_absorptive_gain), "1", 0.0, 1.0,
           "Absorptive capacity added per log(1 + industry scientists tied to institutes)."),
      real("chain.talent.wage_adjustment_per_year", AT(chain.talent.wage_adjustment_per_year), "1/year", 0.0, 12.0,
           "Speed of the R&D wage: each month the log market wage index moves by this / 12 times the log of "
           "tightness (vacancies per unemployed person) over its target; staff targets divide budgets by the wage.",
           "prior (a partial-adjustment wage curve; Blanchflower and Oswald 1994 for the wage-unemployment relation)"),
      real("chain.talent.target_tightness", AT(chain.talent.target_tightness), "vacancies/person", 0.01, 100.0,
           "Vacancies per unemployed person at which the market wage is stable.",
           "prior: about one R&D vacancy per R&D job seeker"),
      real("chain.talent.migration_wage_elasticity", AT(chain.talent.migration_wage_elasticity), "1", 0.0, 20.0,
           "Elasticity of arrivals from outside the province with respect to the market wage index (arrivals = "
           "people x inflow_per_year x index^this): migration answers to wages, so the population settles where "
           "arrivals balance departures.",
           "prior: skilled migration responds to regional wage differences (Harris and Todaro 1970; Borjas 1987)"),
      share("chain.talent.institute_recruitment_per_month", AT(chain.talent.institute_recruitment_per_month),
            "Each month every open researcher position of an institute that the province's own job seekers left "
            "open is filled with this probability by a researcher recruited from outside the province (a new "
            "person, employed at once): institutes hire on a national academic market, so their head counts answer "
            "to their vacancies.",
            "prior: academic searches take six months to a year (a mean vacancy duration of 1/0.1 = 10 months)"),

      // ---- chain: market
      real("chain.market.quality_share_elasticity", AT(chain.market.quality_share_elasticity), "1", 0.0, 10.0,
           "theta: a firm's market weight is (base size + product demand x product quality)^theta; its share of "
           "sector output is its weight over the sector's total."),
      prob("chain.market.acquisition_probability", AT(chain.market.acquisition_probability),
           "Monthly chance that a start-up with a launched product is bought by a chain leader of its field."),
      real("chain.market.acquisition_revenue_months", AT(chain.market.acquisition_revenue_months), "months", 0.0, 600.0,
           "Acquisition price in months of the start-up's revenue."),
      real("chain.market.line_shock_sd_per_year", AT(chain.market.line_shock_sd_per_year), "log points/sqrt(year)", 0.0,
           3.0,
           "Standard deviation of each product line's idiosyncratic demand shocks: its appeal follows a driftless "
           "geometric random walk (or, with line_shock_reversion_per_year > 0, reverts to its entry appeal), "
           "independently of the firm's other lines, so a firm's volatility falls with its number of lines; 0 "
           "switches the shocks off.",
           "prior (0 = off); the baseline's value and its source are in docs/model.md"),
      real("chain.market.line_shock_reversion_per_year", AT(chain.market.line_shock_reversion_per_year), "1/year", 0.0,
           12.0,
           "Rate kappa at which a product line's log demand shock reverts to zero (an Ornstein-Uhlenbeck process "
           "around the appeal the line entered with; half-life ln 2 / kappa years); 0 keeps the driftless "
           "geometric random walk.",
           "prior (0 = random walk); the baseline's value and its source are in docs/model.md"),

      // ---- chain: entry
      real("chain.entry.sme_entry_per_year", AT(chain.entry.sme_entry_per_year), "1/year", 0.0, 1.0,
           "New SMEs a year, as a share of the enterprises at the start.",
           "prior default; the baseline calibrates it so that the count of firms holds, docs/validation.md"),
      real("chain.entry.talent_founding_per_year", AT(chain.entry.talent_founding_per_year), "1/year", 0.0, 1.0,
           "Yearly probability that a person of entrepreneurial propensity 1 founds a start-up.",
           "prior default; the baseline sets it by hand for first-year survival (0.1), docs/validation.md"),
      real("chain.entry.founder_seed_yuan", AT(chain.entry.founder_seed_yuan), "yuan", 0.0, 1e10,
           "Median founders' own money put into a new start-up or spin-off (log-normal across firms; an outside "
           "source in the ledger).",
           "prior default; the baseline's value is set by hand, docs/model.md section 3.5"),
      real("chain.entry.founder_seed_log_sd", AT(chain.entry.founder_seed_log_sd), "log points", 0.0, 5.0,
           "Log standard deviation of founders' money across new start-ups and spin-offs: unequal runways make "
           "first-year exits gradual rather than a cliff.",
           "prior: founders' wealth and start-up capital are highly dispersed (Hurst and Lusardi 2004)"),
      real("chain.entry.profit_elasticity", AT(chain.entry.profit_elasticity), "1", 0.0, 10.0,
           "Elasticity of the talent founding rate in a field and region with respect to the expected return per "
           "yuan of developing a product there (its cost at this month's compute price, net of the subsidies open "
           "to new firms), relative to the base price without subsidies (docs/model.md, entry).",
           "prior (unit elasticity); no estimate for Chinese technology start-ups"),
      real("chain.entry.unsubsidised_cost_share", AT(chain.entry.unsubsidised_cost_share), "share", 0.01, 1.0,
           "Share of what founding and developing a product costs the founders that no R&D subsidy covers (their "
           "own time, i.e. the wage they give up, and the non-R&D set-up and running cost of the firm): an expected "
           "R&D subsidy rate r lowers the development cost a founder weighs by (1 - share) x r, not r, so the "
           "founding multiplier is at most share^(-profit_elasticity) whatever the rate (docs/model.md, entry).",
           "prior: R&D subsidy rules pay eligible R&D expense only, not founders' forgone pay or the firm's "
           "overhead; no estimate of the share for Chinese technology start-ups"),
  };
  for (Param& s : stage_keys()) p.push_back(std::move(s));
  p.push_back(integer("output.compression_level", AT(output.compression_level), "1", 0, 9,
                      "Deflate level of the run file's datasets (shuffle + deflate only).", "run setting"));
  p.push_back(integer("output.snapshot_interval_months", AT(output.snapshot_interval_months), "months", 0, 1200,
                      "Write the agent tables to /snapshots every this many months (0: never).", "run setting"));
  p.push_back(boolean("output.events_transfers", AT(output.events_transfers),
                      "Write one row per transfer (licence or spin-off) to /events/transfers."));
  p.push_back(
      boolean("output.events_deals", AT(output.events_deals), "Write one row per equity deal to /events/deals."));
  p.push_back(boolean("output.events_launches", AT(output.events_launches),
                      "Write one row per product launch (a project finishing PILOT) to /events/launches."));
  p.push_back(boolean("output.policy_recipients", AT(output.policy_recipients),
                      "Write one row per firm a policy instance paid each month to /policy_recipients "
                      "(docs/output.md)."));
  p.push_back(integer("output.progress_interval_months", AT(output.progress_interval_months), "months", 1, 1200,
                      "Months between plain progress lines when standard error is not a terminal.", "run setting"));
  return p;
}

#undef AT
#undef REGION
#undef FIELD

std::string format_default(const Param& p, const Scenario& s0, std::size_t idx) {
  Scenario& s = const_cast<Scenario&>(s0);
  if (auto* r = std::get_if<RealRef>(&p.ref)) return fmt::format("{}", (*r)(s, idx));
  if (auto* r = std::get_if<IntRef>(&p.ref)) return fmt::format("{}", (*r)(s, idx));
  if (auto* r = std::get_if<StringRef>(&p.ref)) return fmt::format("\"{}\"", (*r)(s, idx));
  if (auto* r = std::get_if<BoolRef>(&p.ref)) return (*r)(s, idx) ? "true" : "false";
  return "—";
}

std::string format_range(const Param& p) {
  if (!p.is_real() && !p.is_int() && !p.is_matrix()) return "—";
  auto num = [](double v) { return std::isinf(v) ? std::string(v < 0 ? "-∞" : "∞") : fmt::format("{}", v); };
  return fmt::format("[{}, {}]", num(p.lo), num(p.hi));
}

void reference_rows(std::string& out, const std::vector<Param>& params, const std::string& prefix) {
  Scenario defaults;
  // Element defaults come from a default-constructed element.
  defaults.world.regions.resize(1);
  defaults.world.fields.resize(1);
  for (const Param& p : params) {
    out += fmt::format("| `{}{}` | {} | {} | {} | {} | {} | {} |\n", prefix, p.path, p.type_name(),
                       p.unit.empty() ? "—" : p.unit, format_default(p, defaults, 0), format_range(p), p.doc,
                       p.source.empty() ? "—" : p.source);
  }
}

}  // namespace

std::string Param::type_name() const {
  if (is_real()) return (lo == 0.0 && hi == 1.0) ? "real in [0,1]" : "real";
  if (is_int()) return "integer";
  if (is_string()) return "string";
  if (is_bool()) return "boolean";
  if (is_matrix()) return "matrix";
  return "list of maps";
}

const std::vector<Param>& scenario_schema() {
  static const std::vector<Param> schema = build_schema();
  return schema;
}

std::string scenario_reference_markdown() {
  std::string out =
      "# Scenario keys\n\n"
      "Generated by `innochain docs scenarios` from the scenario schema (sim/scenario/schema.cpp) and the\n"
      "defaults of sim/scenario/scenario.hpp; a test fails if this file and the code disagree.\n\n"
      "Keys are written as YAML maps (`chain: {basic_research: {budget_elasticity: 0.4}}`) or addressed\n"
      "with `--set chain.basic_research.budget_elasticity=0.4`. Entries of `world.regions` and\n"
      "`world.fields` are addressed by name: `--set world.fields.life_health.cost_multiplier=1.3`.\n"
      "A default of — means the key has no default and the scenario (or the one it extends) must give it.\n\n"
      "| key | type | unit | default | range | meaning | source |\n"
      "|---|---|---|---|---|---|---|\n";
  out +=
      "| `extends` | string | — | — | — | Path of a scenario this one extends, relative to this file; maps are "
      "merged key by key, lists replaced, cycles refused. | — |\n";
  out +=
      "| `policies` | list of maps | — | [] | — | Policy instruments (docs/policies.md): each entry has `type`, a "
      "unique `name`, `start_month` (default 0), `end_month` (default -1: to the end), `eligible: {kinds, fields, "
      "regions}` (default: all) and the type's parameters, listed in docs/policies.md. Address one with "
      "`--set policies.NAME.KEY=VALUE`. | — |\n";
  for (const Param& p : scenario_schema()) {
    std::vector<Param> one{p};
    reference_rows(out, one, "");
    if (const auto* l = std::get_if<NamedList>(&p.ref)) {
      reference_rows(out, l->elements, p.path + ".NAME.");
    }
  }
  return out;
}

}  // namespace innochain
