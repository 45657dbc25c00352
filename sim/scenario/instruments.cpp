#include "scenario/instruments.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace innochain {

namespace {

std::vector<InstrumentSpec>& catalog() {
  static std::vector<InstrumentSpec> specs;
  return specs;
}

}  // namespace

void register_instrument_spec(InstrumentSpec spec) {
  auto& specs = catalog();
  specs.push_back(std::move(spec));
  std::sort(specs.begin(), specs.end(), [](const auto& a, const auto& b) { return a.type < b.type; });
}

const std::vector<InstrumentSpec>& instrument_specs() { return catalog(); }

const InstrumentSpec* find_instrument_spec(const std::string& type) {
  for (const auto& t : catalog())
    if (t.type == type) return &t;
  return nullptr;
}

std::string instruments_reference_markdown() {
  std::string out;
  for (const auto& t : instrument_specs()) {
    out += fmt::format("### `{}`\n\n{}\n\n", t.type, t.doc);
    out += fmt::format("- **Source and evidence:** {}\n", t.source);
    std::string levers, kinds;
    for (const auto& l : t.levers) levers += (levers.empty() ? "" : ", ") + fmt::format("`{}`", l);
    for (const auto& k : t.kinds) kinds += (kinds.empty() ? "" : ", ") + fmt::format("`{}`", k);
    out += fmt::format("- **Levers:** {}\n", levers);
    out += fmt::format("- **Eligible kinds:** {}\n\n", kinds.empty() ? "—" : kinds);
    out += "| parameter | unit | default | range | meaning |\n|---|---|---|---|---|\n";
    for (const auto& p : t.params)
      out += fmt::format("| `{}` | {} | {} | [{}, {}] | {} |\n", p.key, p.unit, p.default_value, p.lo, p.hi, p.doc);
    for (const auto& ch : t.choices) {
      std::string options;
      for (const auto& o : ch.options) options += (options.empty() ? "" : " \\| ") + o;
      out += fmt::format("| `{}` | choice | {} | {} | {} |\n", ch.key, ch.default_value, options, ch.doc);
    }
    out += "\n";
  }
  if (out.ends_with("\n\n")) out.pop_back();
  return out;
}

}  // namespace innochain
