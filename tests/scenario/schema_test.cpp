#include "scenario/schema.hpp"
#include "scenario/decode.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace innochain;

TEST_CASE("every key is documented, has a unit and a default inside its range", "[schema]") {
  Scenario defaults;
  std::set<std::string> paths;
  for (const Param& p : scenario_schema()) {
    INFO(p.path);
    CHECK(paths.insert(p.path).second);
    CHECK_FALSE(p.doc.empty());
    if (p.is_real() || p.is_int()) {
      CHECK_FALSE(p.unit.empty());
      CHECK_FALSE(p.source.empty());
      const double v = p.is_real() ? std::get<RealRef>(p.ref)(defaults, 0)
                                   : static_cast<double>(std::get<IntRef>(p.ref)(defaults, 0));
      CHECK(v >= p.lo);
      CHECK(v <= p.hi);
    }
    if (const auto* l = std::get_if<NamedList>(&p.ref)) {
      defaults.world.regions.resize(1);
      defaults.world.fields.resize(1);
      for (const Param& e : l->elements) {
        INFO(p.path << "." << e.path);
        CHECK_FALSE(e.doc.empty());
        const double v = std::get<RealRef>(e.ref)(defaults, 0);
        CHECK(v >= e.lo);
        CHECK(v <= e.hi);
      }
    }
  }
}

TEST_CASE("the built-in baseline is scenarios/guangdong_baseline.yaml and is the whole province", "[schema]") {
  std::ifstream in(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_baseline.yaml");
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == builtin_baseline_yaml());
  const Scenario s = load_builtin_baseline();
  CHECK(s.name == "guangdong_baseline");
  CHECK(s.world.scale == 1.0);
  // The full-scale world (docs/performance.md).
  CHECK(s.agents.talent.count >= 1000000);
  // Constructed firms (calibrated, docs/model.md 3.5); after the spin-up about 85 000 are alive.
  CHECK(s.agents.enterprises.count >= 60000);
  CHECK(s.world.spin_up_months > 0);
  CHECK(s.agents.institutes.count >= 400);
  CHECK(s.agents.financiers.count >= 1000);
  CHECK(s.world.regions.size() == 7);
  CHECK(s.world.fields.size() == 6);  // the five future clusters and artificial intelligence
}

TEST_CASE("the small variant is the baseline at 1/100 scale", "[schema]") {
  const Scenario small = load_scenario_file(std::string(INNOCHAIN_SOURCE_DIR) + "/scenarios/guangdong_small.yaml");
  const Scenario full = load_builtin_baseline();
  CHECK(small.world.scale == 0.01);
  CHECK(small.name == "guangdong_small");
  CHECK(Scenario::scaled(small.agents.talent.count, small.world.scale) == 10000);
  // Everything but name, description and scale is inherited.
  Scenario same = small;
  same.name = full.name;
  same.description = full.description;
  same.world.scale = full.world.scale;
  CHECK(to_yaml(same) == to_yaml(full));
}

TEST_CASE("scaled counts never drop a kind to zero", "[schema]") {
  CHECK(Scenario::scaled(400, 0.001) == 1);
  CHECK(Scenario::scaled(0, 1.0) == 0);
  CHECK(Scenario::scaled(80000, 0.01) == 800);
}
