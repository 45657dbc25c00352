// The policy framework: decoding of policy entries and --set, the registry.
#include "policies/policy.hpp"
#include "scenario/decode.hpp"

#include <catch2/catch.hpp>

using namespace innochain;

namespace {

const std::string kBase = std::string("extends: ") + INNOCHAIN_SOURCE_DIR + "/scenarios/guangdong_small.yaml\n";

Scenario decode(const std::string& policies, const std::vector<std::string>& sets = {}) {
  return load_scenario_text(kBase + "policies:\n" + policies, "p.yaml", ".", sets);
}

std::string first_error(const std::string& policies, const std::vector<std::string>& sets = {}) {
  try {
    decode(policies, sets);
  } catch (const ScenarioError& e) {
    return e.diagnostics().front().str();
  }
  return "";
}

}  // namespace

TEST_CASE("instruments register themselves by type", "[policies]") {
  REQUIRE(find_instrument_type("compute_voucher") != nullptr);
  REQUIRE(find_instrument_type("liability_exemption") != nullptr);
  CHECK(find_instrument_type("no_such_thing") == nullptr);
  for (const auto& t : instrument_types()) {
    INFO(t.type);
    CHECK_FALSE(t.doc.empty());
    CHECK_FALSE(t.source.empty());
    CHECK_FALSE(t.levers.empty());
    for (const auto& p : t.params) CHECK((p.default_value >= p.lo && p.default_value <= p.hi));
  }
}

TEST_CASE("policy entries decode with defaults, windows and eligibility", "[policies]") {
  const Scenario s = decode(
      "  - {type: compute_voucher, name: a, start_month: 6, end_month: 30, coverage: 0.25,\n"
      "     allocation: lottery, eligible: {kinds: [sme], regions: [shenzhen, dongguan]}}\n");
  REQUIRE(s.policies.size() == 1);
  const PolicyConfig& p = s.policies[0];
  CHECK(p.type == "compute_voucher");
  CHECK(p.start_month == 6);
  CHECK(p.end_month == 30);
  CHECK(p.value("coverage") == 0.25);
  CHECK(p.value("subsidy_rate") == 0.5);  // default
  CHECK(p.choice("allocation") == "lottery");
  CHECK(p.kinds == std::vector<std::string>{"sme"});
  CHECK(p.active(6));
  CHECK(p.active(30));
  CHECK_FALSE(p.active(31));
  const Eligibility e = resolve_eligibility(s, p);
  CHECK(e.region[1] == 1);  // shenzhen
  CHECK(e.region[0] == 0);  // guangzhou
  // Round trip through show.
  const Scenario again = load_scenario_text(to_yaml(s), "shown.yaml", ".");
  CHECK(to_yaml(again) == to_yaml(s));
}

TEST_CASE("bad policy entries are refused with a located message", "[policies]") {
  CHECK_THAT(first_error("  - {type: compute_vocher, name: a}\n"), Catch::Contains("did you mean 'compute_voucher'"));
  CHECK_THAT(first_error("  - {type: compute_voucher}\n"), Catch::Contains("needs a 'name'"));
  CHECK_THAT(first_error("  - {type: compute_voucher, name: a}\n  - {type: liability_exemption, name: a}\n"),
             Catch::Contains("duplicate policy name 'a'"));
  CHECK_THAT(first_error("  - {type: compute_voucher, name: a, coverge: 0.3}\n"),
             Catch::Contains("did you mean 'coverage'"));
  CHECK_THAT(first_error("  - {type: compute_voucher, name: a, coverage: 1.5}\n"), Catch::Contains("out of range"));
  CHECK_THAT(first_error("  - {type: compute_voucher, name: a, allocation: raffle}\n"),
             Catch::Contains("must be one of first_come, lottery, scoring"));
  CHECK_THAT(first_error("  - {type: compute_voucher, name: a, eligible: {regions: [shenzen]}}\n"),
             Catch::Contains("did you mean 'shenzhen'"));
  CHECK_THAT(first_error("  - {type: compute_voucher, name: a, eligible: {kinds: [university]}}\n"),
             Catch::Contains("cannot target kind 'university'"));
  CHECK_THAT(first_error("  - {type: compute_voucher, name: a, start_month: 10, end_month: 5}\n"),
             Catch::Contains("before start_month"));
  // Located at the offending value: line 4 of p.yaml (after extends and policies:).
  CHECK_THAT(first_error("  - type: compute_voucher\n    name: a\n    coverage: 7\n"),
             Catch::StartsWith("p.yaml:5:15:"));
}

TEST_CASE("policies are reachable by name with --set", "[policies]") {
  const std::string two = "  - {type: compute_voucher, name: a}\n  - {type: compute_voucher, name: b}\n";
  const Scenario s = decode(two, {"policies.b.coverage=0.9", "policies.a.eligible.fields=[life_health]"});
  CHECK(s.policies[1].value("coverage") == 0.9);
  CHECK(s.policies[0].value("coverage") == 0.5);
  CHECK(s.policies[0].fields == std::vector<std::string>{"life_health"});
  CHECK_THAT(first_error(two, {"policies.c.coverage=0.9"}), Catch::Contains("no policy named 'c'"));
  CHECK_THAT(first_error(two, {"policies.a.coverage=2"}), Catch::Contains("out of range"));
}
