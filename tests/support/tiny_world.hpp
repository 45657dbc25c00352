// A tiny hand-built world for mechanism tests: one region, one or two fields,
// a handful of agents. Tests change what they need and build the state.
#pragma once

#include "model/population.hpp"
#include "model/simulation.hpp"
#include "scenario/scenario.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

namespace innochain::test {

inline Scenario tiny_scenario(std::size_t fields = 1) {
  Scenario s;
  s.name = "tiny";
  s.horizon_months = 12;
  s.world.regions = {{"here", 1.0, 1.0, 1.0, 1.0}};
  s.world.friction = {{1.0}};
  for (std::size_t f = 0; f < fields; ++f) {
    FieldSpec spec;
    spec.name = "field" + std::to_string(f);
    spec.enterprise_share = 1.0 / static_cast<double>(fields);
    s.world.fields.push_back(spec);
  }
  s.world.proximity.assign(fields, std::vector<double>(fields, 0.0));
  s.world.input_output.assign(fields, std::vector<double>(fields, 0.0));
  for (std::size_t f = 0; f < fields; ++f) s.world.proximity[f][f] = 1.0;
  s.agents.institutes.count = 2;
  s.agents.enterprises.count = 10;
  s.agents.financiers.count = 1;
  s.agents.talent.count = 200;
  return s;
}

/// `firms` enterprises with ample money and revenue, ten staff of skill 1, each holding one
/// active BREAKTHROUGH project of quality 1 (no institutes; levers and instruments are the
/// caller's).
inline State rich_firms_with_projects(const Context& c, std::size_t firms) {
  State st;
  st.institutes.resize(0, c.fields);
  st.enterprises.resize(firms);
  st.projects.resize(firms);
  for (std::size_t e = 0; e < firms; ++e) {
    st.enterprises.alive[e] = 1;
    st.enterprises.revenue_yuan_per_month[e] = 1e12;
    st.enterprises.rd_share[e] = 1.0;
    st.enterprises.cash_yuan[e] = 1e15;
    st.enterprises.rd_staff[e] = 10;
    st.enterprises.rd_staff_skill_mean[e] = 1.0;
    st.projects.stage[e] = Stage::breakthrough;
    st.projects.status[e] = ProjectStatus::active;
    st.projects.holder_kind[e] = HolderKind::enterprise;
    st.projects.holder[e] = static_cast<std::int32_t>(e);
    st.projects.origin_institute[e] = -1;
    st.projects.quality[e] = 1.0;
    st.projects.active.push_back(static_cast<std::int32_t>(e));
  }
  return st;
}

/// Serial-order bitwise comparison helper for doubles.
inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](double x, double y) {
           return std::bit_cast<std::uint64_t>(x) == std::bit_cast<std::uint64_t>(y);
         });
}

}  // namespace innochain::test
