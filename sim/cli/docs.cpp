// `innochain docs scenarios|metrics`: reference tables generated from the code
// (docs/scenarios.md and the metric table of docs/output.md are this output).
#include "cli/commands.hpp"
#include "core/metrics.hpp"
#include "scenario/instruments.hpp"
#include "scenario/schema.hpp"

#include <cstdio>
#include <memory>

namespace innochain::cli {

Subcommand add_docs(CLI::App& app) {
  auto topic = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("docs", "Print reference tables generated from the code");
  sub->add_option("topic", *topic, "scenarios | metrics | policies")
      ->required()
      ->check(CLI::IsMember({"scenarios", "metrics", "policies"}));
  return {sub, [topic]() {
            const std::string text = *topic == "scenarios" ? scenario_reference_markdown()
                                     : *topic == "metrics" ? metrics_reference_markdown()
                                                           : instruments_reference_markdown();
            std::fputs(text.c_str(), stdout);
            return kExitOk;
          }};
}

}  // namespace innochain::cli
