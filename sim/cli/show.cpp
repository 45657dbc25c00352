// `innochain show [SCENARIO]`: print the resolved scenario (after extends and --set).
#include "cli/commands.hpp"
#include "output/memory_estimate.hpp"
#include "scenario/decode.hpp"

#include <cstdio>
#include <memory>

namespace innochain::cli {

Subcommand add_show(CLI::App& app) {
  struct Options {
    std::string file;
    std::vector<std::string> sets;
    bool estimate = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("show", "Print the resolved scenario as YAML (every key)");
  sub->add_option("scenario", o->file,
                  "Scenario YAML file ('-': standard input; default: the built-in Guangdong baseline)");
  sub->add_option("--set", o->sets, "Override a key: --set path.to.key=value (repeatable)");
  sub->add_flag("--estimate", o->estimate,
                "Print the memory a run of the scenario needs (tables at the horizon, scratch, snapshots, events) "
                "and the memory available, instead of the YAML");
  return {sub, [o]() {
            const Scenario s = o->file.empty() ? load_builtin_baseline(o->sets) : load_scenario_file(o->file, o->sets);
            if (!o->estimate) {
              std::fputs(to_yaml(s).c_str(), stdout);
              return kExitOk;
            }
            std::fputs(describe_memory_estimate(s, estimate_memory(s)).c_str(), stdout);
            if (const auto limit = memory_limit())
              std::printf("memory available: %s (%s)\n", format_bytes(static_cast<double>(limit->bytes)).c_str(),
                          limit->source.c_str());
            return kExitOk;
          }};
}

}  // namespace innochain::cli
